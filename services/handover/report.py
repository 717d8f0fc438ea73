"""交接班: the handover report of a shift, its dual sign-off, and the review list.

The report is generated from the database for the ending shift of a center (its whole
subtree): incidents opened and resolved in the shift, everything still open grouped by
state (supervised and overdue first, with deadlines), active dispatches and units out of
service, conferences and their decisions, risk alerts raised, camera health, the duty log
and the shift's KPIs by hour. It is a tree of frozen dataclasses that round-trips through
JSON: the snapshot stored with the handover.

Sign-off::

    (none) ─submit→ submitted ─accept→ accepted (frozen: nothing changes any more)
                       │  ↑
                  reject  answer            reject: the incoming officer asks (a reason)
                       ↓  │                 answer: the outgoing officer replies; the
                     rejected                snapshot is re-frozen with the answer

Only the duty or second officer of the ending shift submits and answers; only the duty
or second officer of the next shift accepts or rejects. Every write adds a HandoverEvent
and an audit row; the version column refuses a lost race (StaleState with the current
handover).
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services import vocabulary
from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, StaleState
from services.handover import duty_log, replay, roster
from services.store import audit, models
from services.store.db import transaction
from services.video import conference
from services.wall.queries import HANDOVER_GRACE, LEVEL_COLUMN

I = models.Incident  # noqa: E741 - short alias keeps the queries readable
SNAPSHOT_FORMAT = 1
MAX_LINES = 50  # incidents listed per section (totals are always exact)
MAX_GROUP_LINES = 20  # open incidents listed per state
STATES = ("submitted", "rejected", "accepted")
HANDOVER_FIELDS = ("status", "submitted_at", "submitted_by", "accepted_at", "accepted_by",
                   "notes", "version")  # fmt: skip


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ShiftSummary:
    id: int
    starts_at: datetime
    ends_at: datetime
    duty_officer: str
    second_officer: str
    leader: str
    checked_in_at: datetime | None
    next_shift_id: int | None
    incoming_officer: str


@dataclass(frozen=True)
class CaseLine:
    id: int
    category: str
    priority: int
    status: str
    township_code: str
    address: str
    description: str
    reported_at: datetime
    resolved_at: datetime | None
    resolve_deadline: datetime | None
    overdue: bool
    supervised: bool
    supervision_deadline: datetime | None


@dataclass(frozen=True)
class CaseGroup:
    """Open incidents in one state: exact counts, the first lines (supervised, overdue first)."""

    status: str
    total: int
    overdue: int
    supervised: int
    cases: tuple[CaseLine, ...]


@dataclass(frozen=True)
class DispatchLine:
    id: int
    incident_id: int
    category: str
    unit: str
    unit_kind: str
    status: str
    dispatched_at: datetime


@dataclass(frozen=True)
class UnitLine:
    id: int
    name: str
    kind: str
    status: str
    since: datetime


@dataclass(frozen=True)
class MinuteLine:
    at: datetime
    kind: str  # decision / task
    text: str
    owner: str


@dataclass(frozen=True)
class ConferenceLine:
    id: int
    title: str
    started_at: datetime
    ended_at: datetime | None
    convened_by: str
    participants: int
    present: int
    absent: tuple[str, ...]
    minutes: tuple[MinuteLine, ...]


@dataclass(frozen=True)
class AlertLine:
    id: int
    domain: str
    level: str
    rule: str
    status: str
    raised_at: datetime
    text: str
    township_code: str


@dataclass(frozen=True)
class CameraHealth:
    total: int
    online: int
    offline: int
    offline_names: tuple[str, ...]  # the first few
    rooms_absent: int  # conference rooms that did not answer the roll call in the shift


@dataclass(frozen=True)
class LogLine:
    id: int
    at: datetime
    author: str
    kind: str
    text: str
    corrects_id: int | None


@dataclass(frozen=True)
class HourKpi:
    start: datetime
    reported: int
    resolved: int
    open_at_end: int
    overdue_at_end: int


@dataclass(frozen=True)
class ShiftKpis:
    reported: int
    resolved: int
    open_at_start: int
    open_at_end: int
    overdue_at_end: int
    accepted: int  # of the incidents reported in the shift, accepted by now
    accepted_on_time: int  # ... before their acknowledge deadline
    settled_low: int  # of those resolved in the shift, settled at township level or below

    @property
    def on_time_rate(self) -> float | None:
        return self.accepted_on_time / self.accepted if self.accepted else None

    @property
    def low_share(self) -> float | None:
        return self.settled_low / self.resolved if self.resolved else None


@dataclass(frozen=True)
class HandoverReport:
    center_id: int
    center_name: str
    region_code: str
    region_name: str
    level: str
    shift: ShiftSummary
    generated_at: datetime
    opened_total: int
    opened: tuple[CaseLine, ...]
    resolved_total: int
    resolved: tuple[CaseLine, ...]
    open_total: int
    overdue_total: int
    supervised_total: int
    attention_total: int
    attention: tuple[CaseLine, ...]  # supervised and overdue, with their deadlines
    open_groups: tuple[CaseGroup, ...]
    dispatches: tuple[DispatchLine, ...]
    units_out_total: int
    units_out: tuple[UnitLine, ...]
    conferences: tuple[ConferenceLine, ...]
    alerts: tuple[AlertLine, ...]
    alerts_open_total: int
    cameras: CameraHealth
    duty_log: tuple[LogLine, ...]
    kpis: ShiftKpis
    hourly: tuple[HourKpi, ...]


# --------------------------------------------------------------------------- JSON


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


T = TypeVar("T")


def _decode(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        inner_tp = get_args(tp)[0]
        return tuple(_decode(inner_tp, v) for v in value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if isinstance(tp, type) and is_dataclass(tp):
        hints = get_type_hints(tp)
        return tp(**{f.name: _decode(hints[f.name], value[f.name]) for f in fields(tp)})
    return value


def report_to_json(report: HandoverReport) -> dict[str, object]:
    """The report as plain JSON values (the frozen snapshot)."""
    out: dict[str, object] = _encode(report)
    out["format"] = SNAPSHOT_FORMAT
    return out


def report_from_json(data: dict[str, object]) -> HandoverReport:
    body = {k: v for k, v in data.items() if k != "format"}
    report: HandoverReport = _decode(HandoverReport, body)
    return report


def digest(snapshot: dict[str, object]) -> str:
    """A short fingerprint of a snapshot, kept in the audit log for each freeze."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Region:
    id: int
    adcode: str
    name: str
    level: str
    path: str


def _center_region(session: Session, center_id: int) -> tuple[models.CommandCenter, _Region]:
    center = session.get(models.CommandCenter, center_id)
    if center is None:
        raise NotFound(f"no center {center_id}", code="no_center", id=center_id)
    r = session.get(models.Region, center.region_id)
    assert r is not None
    return center, _Region(r.id, r.adcode, r.name, r.level, r.path)


def _case_lines(
    session: Session, rows: list[models.Incident], now: datetime
) -> tuple[CaseLine, ...]:
    ids = [r.id for r in rows]
    sup_deadline: dict[int, datetime] = {}
    if ids:
        sv = models.Supervision
        for inc_id, dl in session.execute(
            select(sv.incident_id, func.min(sv.deadline))
            .where(sv.incident_id.in_(ids), sv.answered_at.is_(None))
            .group_by(sv.incident_id)
        ):
            sup_deadline[inc_id] = dl
    return tuple(
        CaseLine(
            id=r.id,
            category=r.category,
            priority=r.priority,
            status=r.status,
            township_code=r.township_code,
            address=r.address or "",
            description=r.description or "",
            reported_at=r.reported_at,
            resolved_at=r.resolved_at,
            resolve_deadline=r.resolve_deadline,
            overdue=bool(r.is_open and r.resolve_deadline is not None and r.resolve_deadline < now),
            supervised=r.supervised,
            supervision_deadline=sup_deadline.get(r.id),
        )  # fmt: skip
        for r in rows
    )


def _attention_order(now: datetime) -> tuple[Any, ...]:
    overdue_first = func.coalesce(I.resolve_deadline < now, False)
    return (I.supervised.desc(), overdue_first.desc(), I.priority, I.resolve_deadline, I.id)


def _cameras(session: Session, region: _Region, rooms_absent: int) -> CameraHealth:
    cam, g = models.Camera, models.GridCell
    stmt = select(cam.name, cam.online).outerjoin(g, g.id == cam.grid_id)
    if region.level == "county":
        stmt = stmt.where(cam.county_code == region.adcode)
    else:
        col = {"province": g.province_code, "city": g.city_code,
               "township": g.township_code}.get(region.level)  # fmt: skip
        if col is None:
            return CameraHealth(0, 0, 0, (), rooms_absent)
        stmt = stmt.where(col == region.adcode)
    rows = session.execute(stmt.order_by(cam.id)).all()
    offline = [name for name, online in rows if not online]
    return CameraHealth(len(rows), len(rows) - len(offline), len(offline), tuple(offline[:12]),
                        rooms_absent)  # fmt: skip


def _alert_scope(region: _Region) -> Any:
    ra = models.RiskAlert
    col = {"province": ra.province_code, "city": ra.city_code, "county": ra.county_code,
           "township": ra.township_code}.get(region.level)  # fmt: skip
    return col == region.adcode if col is not None else ra.id == -1


def build_report(
    session: Session,
    center_id: int,
    shift_id: int,
    *,
    now: datetime | None = None,
    tz: str = roster.DEFAULT_TZ,
) -> HandoverReport:
    """Generate the handover report of a shift from the database (read only)."""
    now = now or models.utcnow()
    center, region = _center_region(session, center_id)
    info = roster.shift(session, shift_id)
    if info.center_id != center_id:
        raise InvalidInput(f"shift {shift_id} is not a shift of center {center_id}",
                           code="other_center", center_id=center_id)  # fmt: skip
    nxt = roster.next_shift(session, shift_id)
    start, end = info.starts_at, info.ends_at
    region_sub = LEVEL_COLUMN[region.level] == region.adcode
    sub = region_sub
    # Open cases as at the report's moment: none reported after it (a report rebuilt as
    # of a past submission shows nothing that came later).
    open_sub = and_(region_sub, I.reported_at <= now)

    opened_q = select(I).where(sub, I.reported_at >= start, I.reported_at < end)
    opened_total = session.scalar(select(func.count()).select_from(opened_q.subquery())) or 0
    opened = _case_lines(session, list(session.scalars(
        opened_q.order_by(I.reported_at, I.id).limit(MAX_LINES))), now)  # fmt: skip
    resolved_q = select(I).where(sub, I.resolved_at >= start, I.resolved_at < end)
    resolved_total = session.scalar(select(func.count()).select_from(resolved_q.subquery())) or 0
    resolved = _case_lines(session, list(session.scalars(
        resolved_q.order_by(I.resolved_at, I.id).limit(MAX_LINES))), now)  # fmt: skip

    late = and_(I.resolve_deadline.is_not(None), I.resolve_deadline < now)
    groups: list[CaseGroup] = []
    counts = {
        status: (n, n_late, n_sup)
        for status, n, n_late, n_sup in session.execute(
            select(I.status, func.count(), func.count(case((late, 1))),
                   func.count(case((I.supervised, 1))))
            .where(open_sub, I.is_open).group_by(I.status)
        )
    }  # fmt: skip
    for status in vocabulary.OPEN_STATUSES:
        if status not in counts:
            continue
        n, n_late, n_sup = counts[status]
        rows = list(session.scalars(select(I).where(open_sub, I.is_open, I.status == status)
                                    .order_by(*_attention_order(now)).limit(MAX_GROUP_LINES)))  # fmt: skip
        groups.append(CaseGroup(status, n, n_late, n_sup, _case_lines(session, rows, now)))
    attention_total = session.scalar(
        select(func.count()).where(open_sub, I.is_open, or_(I.supervised, late))) or 0  # fmt: skip
    attention = _case_lines(session, list(session.scalars(
        select(I).where(open_sub, I.is_open, or_(I.supervised, late))
        .order_by(*_attention_order(now)).limit(MAX_LINES))), now)  # fmt: skip

    d, res, reg = models.Dispatch, models.Resource, models.Region
    dispatches = tuple(
        DispatchLine(row.id, row.incident_id, row.category, row.name, row.kind, row.status,
                     row.dispatched_at)  # fmt: skip
        for row in session.execute(
            select(d.id, d.incident_id, I.category, res.name, res.kind, d.status,
                   d.dispatched_at)
            .join(res, res.id == d.resource_id).join(I, I.id == d.incident_id)
            .where(d.active, or_(sub, d.center_id == center_id))
            .order_by(d.dispatched_at, d.id).limit(MAX_LINES)
        )
    )  # fmt: skip
    out_of_service = and_(reg.path.startswith(region.path), res.status == "unavailable")
    units_out_total = session.scalar(
        select(func.count()).select_from(res).join(reg, reg.id == res.region_id)
        .where(out_of_service)) or 0  # fmt: skip
    units_out = tuple(
        UnitLine(row.id, row.name, row.kind, row.status, row.status_since)
        for row in session.execute(
            select(res.id, res.name, res.kind, res.status, res.status_since)
            .join(reg, reg.id == res.region_id)
            .where(out_of_service)
            .order_by(res.status_since, res.id).limit(MAX_LINES)
        )
    )  # fmt: skip

    confs = conference.conferences_between(session, center_id, start, end)
    conferences = tuple(
        ConferenceLine(
            c.id, c.title, c.started_at, c.ended_at, c.convened_by, len(c.participants),
            c.present_count, tuple(p.label for p in c.absent),
            tuple(MinuteLine(m.at, m.kind, m.text, m.owner) for m in c.minutes),
        )
        for c in confs
    )  # fmt: skip
    rooms_absent = sum(len(c.absent) for c in confs)

    ra = models.RiskAlert
    alerts = tuple(
        AlertLine(a.id, a.domain, a.level, a.rule, a.status, a.raised_at, a.text or "",
                  a.township_code or "")  # fmt: skip
        for a in session.scalars(
            select(ra).where(_alert_scope(region), ra.raised_at >= start, ra.raised_at < end)
            .order_by(ra.raised_at, ra.id).limit(MAX_LINES)
        )
    )  # fmt: skip
    alerts_open = session.scalar(
        select(func.count()).select_from(ra)
        .where(_alert_scope(region), ra.status.in_(("open", "acknowledged")))
    ) or 0  # fmt: skip

    log = tuple(LogLine(e.id, e.at, e.author, e.kind, e.text, e.corrects_id)
                for e in duty_log.entries(session, shift_id))  # fmt: skip
    kpis, hourly = _kpis(session, region, start, end, tz)
    open_total = sum(v[0] for v in counts.values())
    return HandoverReport(
        center_id=center_id, center_name=center.name, region_code=region.adcode,
        region_name=region.name, level=region.level,
        shift=ShiftSummary(info.id, start, end, info.duty_officer, info.second_officer,
                           info.leader, info.checked_in_at, nxt.id if nxt else None,
                           nxt.duty_officer if nxt else ""),
        generated_at=now, opened_total=opened_total, opened=opened,
        resolved_total=resolved_total, resolved=resolved, open_total=open_total,
        overdue_total=sum(v[1] for v in counts.values()),
        supervised_total=sum(v[2] for v in counts.values()), attention_total=attention_total,
        attention=attention, open_groups=tuple(groups), dispatches=dispatches,
        units_out_total=units_out_total, units_out=units_out,
        conferences=conferences, alerts=alerts, alerts_open_total=alerts_open,
        cameras=_cameras(session, region, rooms_absent), duty_log=log, kpis=kpis,
        hourly=hourly,
    )  # fmt: skip


def _kpis(session: Session, region: _Region, start: datetime, end: datetime, tz: str
          ) -> tuple[ShiftKpis, tuple[HourKpi, ...]]:  # fmt: skip
    sub = LEVEL_COLUMN[region.level] == region.adcode
    reported = session.execute(
        select(I.reported_at, I.accepted_at, I.ack_deadline).where(
            sub, I.reported_at >= start, I.reported_at < end
        )
    ).all()
    resolved = session.execute(
        select(I.resolved_at, I.settled_level).where(
            sub, I.resolved_at >= start, I.resolved_at < end
        )
    ).all()
    rp = replay.load(session, region.adcode, start, end, tz=tz)
    hours: list[HourKpi] = []
    h = start
    while h < end:
        h2 = min(h + timedelta(hours=1), end)
        at_end = rp.at(h2, max_cases=0).counts
        hours.append(HourKpi(
            h, sum(1 for r in reported if h <= r.reported_at < h2),
            sum(1 for r in resolved if h <= r.resolved_at < h2), at_end.open, at_end.overdue,
        ))  # fmt: skip
        h = h2
    at_start = rp.at(start, max_cases=0).counts
    at_end = rp.at(end, max_cases=0).counts
    accepted = [r for r in reported if r.accepted_at is not None]
    kpis = ShiftKpis(
        reported=len(reported), resolved=len(resolved), open_at_start=at_start.open,
        open_at_end=at_end.open, overdue_at_end=at_end.overdue, accepted=len(accepted),
        accepted_on_time=sum(1 for r in accepted
                             if r.ack_deadline is None or r.accepted_at <= r.ack_deadline),
        settled_low=sum(1 for r in resolved if r.settled_level in vocabulary.LOW_LEVELS),
    )  # fmt: skip
    return kpis, tuple(hours)


# --------------------------------------------------------------------------- sign-off


@dataclass(frozen=True)
class HandoverStep:
    at: datetime
    action: str  # submit / reject / answer / accept
    staff_id: int
    staff: str
    text: str


@dataclass(frozen=True)
class HandoverView:
    """A shift's handover as the console shows it; `report` is the frozen snapshot."""

    id: int
    shift: roster.ShiftInfo
    incoming: roster.ShiftInfo | None
    status: str
    submitted_at: datetime | None
    submitted_by: str
    accepted_at: datetime | None
    accepted_by: str
    notes: str
    version: int
    steps: tuple[HandoverStep, ...]
    report: HandoverReport | None

    @property
    def question(self) -> str:
        """The open question of a rejected handover ("" otherwise)."""
        if self.status != "rejected":
            return ""
        rejects = [s for s in self.steps if s.action == "reject"]
        return rejects[-1].text if rejects else ""


def view(session: Session, shift_id: int) -> HandoverView | None:
    """The handover of a shift, or None if nobody submitted one yet."""
    h = session.scalar(select(models.Handover).where(models.Handover.shift_id == shift_id))
    return _view(session, h) if h is not None else None


def view_by_id(session: Session, handover_id: int) -> HandoverView:
    h = session.get(models.Handover, handover_id)
    if h is None:
        raise NotFound(f"no handover {handover_id}", code="no_handover", id=handover_id)
    return _view(session, h)


def _view(session: Session, h: models.Handover) -> HandoverView:
    ev, st = models.HandoverEvent, models.Staff
    steps = tuple(
        HandoverStep(e.at, e.action, e.staff_id, name, e.text)
        for e, name in session.execute(
            select(ev, st.name).join(st, st.id == ev.staff_id)
            .where(ev.handover_id == h.id).order_by(ev.at, ev.id)
        )
    )  # fmt: skip
    report = None
    if h.snapshot:
        try:
            report = report_from_json(dict(h.snapshot))
        except (KeyError, TypeError, ValueError):
            report = None  # an older snapshot format: the review shows the steps only
    return HandoverView(
        id=h.id, shift=roster.shift(session, h.shift_id),
        incoming=roster.next_shift(session, h.shift_id), status=h.status,
        submitted_at=h.submitted_at, submitted_by=roster.staff_name(session, h.submitted_by),
        accepted_at=h.accepted_at, accepted_by=roster.staff_name(session, h.accepted_by),
        notes=h.notes or "", version=h.version, steps=steps, report=report,
    )  # fmt: skip


def _signer(session: Session, actor: Actor, info: roster.ShiftInfo) -> int:
    actor.require("handle")
    if actor.center_id != info.center_id:
        raise NotAllowed(f"{actor.login} does not belong to the center of shift {info.id}",
                         code="other_center", center_id=info.center_id)  # fmt: skip
    staff_id = roster.staff_of(session, actor)
    if staff_id is None:
        raise NotAllowed(f"account {actor.login} is not a person on any roster",
                         code="not_on_roster", shift_id=info.id)  # fmt: skip
    return staff_id


def _step(session: Session, h: models.Handover, action: str, staff_id: int, text: str,
          now: datetime) -> None:  # fmt: skip
    session.add(models.HandoverEvent(handover_id=h.id, at=now, action=action,
                                     staff_id=staff_id, text=text))  # fmt: skip


def _audit(session: Session, actor: Actor, action: str, h: models.Handover,
           before: dict[str, object] | None, now: datetime, detail: str = "") -> None:  # fmt: skip
    after = audit.snapshot_after(session, h, HANDOVER_FIELDS)
    if h.snapshot:
        after["snapshot_digest"] = digest(h.snapshot)
    audit.record(session, actor, f"handover_{action}", "handover", h.id, before=before,
                 after=after, detail=detail, at=now)  # fmt: skip


def _refuse_signed(h: models.Handover) -> None:
    if h.status == "accepted":
        raise InvalidTransition(f"handover {h.id} is already accepted", code="already_accepted",
                                id=h.id)  # fmt: skip


def submit(
    session: Session,
    actor: Actor,
    shift_id: int,
    notes: str = "",
    *,
    now: datetime | None = None,
    tz: str = roster.DEFAULT_TZ,
    window: timedelta = timedelta(0),
) -> HandoverView:
    """The outgoing officer submits the shift's report with notes (frozen now): once the
    shift has ended, or within `window` (HandoverPolicy.submit_window) before its end."""
    now = now or models.utcnow()
    info = roster.shift(session, shift_id)
    staff_id = _signer(session, actor, info)
    opens = info.ends_at - window
    if now < opens:
        raise InvalidTransition(f"shift {shift_id} may be handed over from {opens:%Y-%m-%d %H:%M} UTC",
                                code="shift_not_ended", shift_id=shift_id,
                                ends_at=info.ends_at, opens_at=opens)  # fmt: skip
    if not info.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of shift {shift_id}",
                         code="not_on_roster", shift_id=shift_id)  # fmt: skip
    existing = session.scalar(select(models.Handover).where(models.Handover.shift_id == shift_id))
    if existing is not None:
        _refuse_signed(existing)
        code = "answer_required" if existing.status == "rejected" else "already_submitted"
        raise InvalidTransition(f"shift {shift_id} already has a handover ({existing.status})",
                                code=code, id=existing.id)  # fmt: skip
    report = build_report(session, info.center_id, shift_id, now=now, tz=tz)
    h = models.Handover(shift_id=shift_id, status="submitted", submitted_at=now,
                        submitted_by=staff_id, notes=notes.strip(),
                        snapshot=report_to_json(report))  # fmt: skip
    session.add(h)
    session.flush()
    _step(session, h, "submit", staff_id, notes.strip(), now)
    _audit(session, actor, "submit", h, None, now, notes.strip())
    session.flush()
    return _view(session, h)


def _load(session: Session, handover_id: int, expected_version: int) -> models.Handover:
    h = session.get(models.Handover, handover_id)
    if h is None:
        raise NotFound(f"no handover {handover_id}", code="no_handover", id=handover_id)
    if h.version != expected_version:
        raise StaleState(f"handover {handover_id} was changed by someone else", id=handover_id)
    return h


def _incoming_signer(session: Session, actor: Actor, h: models.Handover) -> int:
    info = roster.shift(session, h.shift_id)
    staff_id = _signer(session, actor, info)
    nxt = roster.next_shift(session, h.shift_id)
    if staff_id == h.submitted_by:
        raise NotAllowed("the outgoing officer cannot sign their own handover",
                         code="own_handover", id=h.id)  # fmt: skip
    if nxt is None or not nxt.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of the incoming shift",
                         code="not_on_roster", id=h.id)  # fmt: skip
    return staff_id


def reject(
    session: Session, actor: Actor, handover_id: int, expected_version: int, reason: str,
    *, now: datetime | None = None,
) -> HandoverView:  # fmt: skip
    """The incoming officer sends the handover back with a question."""
    now = now or models.utcnow()
    h = _load(session, handover_id, expected_version)
    staff_id = _incoming_signer(session, actor, h)
    _refuse_signed(h)
    if h.status != "submitted":
        raise InvalidTransition(f"handover {h.id} waits for the outgoing officer's answer",
                                code="answer_required", id=h.id)  # fmt: skip
    if not reason.strip():
        raise InvalidInput("a rejection needs a reason", code="reason")
    before = audit.snapshot(h, HANDOVER_FIELDS)
    h.status = "rejected"
    session.flush()
    _step(session, h, "reject", staff_id, reason.strip(), now)
    _audit(session, actor, "reject", h, before, now, reason.strip())
    session.flush()
    return _view(session, h)


def answer(
    session: Session, actor: Actor, handover_id: int, expected_version: int, text: str,
    *, now: datetime | None = None, tz: str = roster.DEFAULT_TZ,
) -> HandoverView:  # fmt: skip
    """The outgoing officer answers the question; the report is frozen again."""
    now = now or models.utcnow()
    h = _load(session, handover_id, expected_version)
    info = roster.shift(session, h.shift_id)
    staff_id = _signer(session, actor, info)
    if not info.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of shift {h.shift_id}",
                         code="not_on_roster", id=h.id)  # fmt: skip
    _refuse_signed(h)
    if h.status != "rejected":
        raise InvalidTransition(f"handover {h.id} has no open question", code="not_rejected",
                                id=h.id)  # fmt: skip
    if not text.strip():
        raise InvalidInput("an answer needs text", code="answer")
    before = audit.snapshot(h, HANDOVER_FIELDS)
    h.status = "submitted"
    h.snapshot = report_to_json(build_report(session, info.center_id, h.shift_id, now=now, tz=tz))
    session.flush()
    _step(session, h, "answer", staff_id, text.strip(), now)
    _audit(session, actor, "answer", h, before, now, text.strip())
    session.flush()
    return _view(session, h)


def accept(
    session: Session, actor: Actor, handover_id: int, expected_version: int, note: str = "",
    *, now: datetime | None = None,
) -> HandoverView:  # fmt: skip
    """The incoming officer signs: the handover is accepted and frozen for good."""
    now = now or models.utcnow()
    h = _load(session, handover_id, expected_version)
    staff_id = _incoming_signer(session, actor, h)
    _refuse_signed(h)
    if h.status != "submitted":
        raise InvalidTransition(f"handover {h.id} waits for the outgoing officer's answer",
                                code="answer_required", id=h.id)  # fmt: skip
    before = audit.snapshot(h, HANDOVER_FIELDS)
    h.status = "accepted"
    h.accepted_at = now
    h.accepted_by = staff_id
    session.flush()
    _step(session, h, "accept", staff_id, note.strip(), now)
    _audit(session, actor, "accept", h, before, now, note.strip())
    _report_on_duty(session, actor, h.shift_id, staff_id, now)
    session.flush()
    return _view(session, h)


def _report_on_duty(session: Session, actor: Actor, shift_id: int, staff_id: int,
                    now: datetime) -> None:  # fmt: skip
    """Signing the handover is reporting on duty: the incoming shift counts as checked in
    (有人员) if it is on now and nobody checked in yet."""
    nxt = roster.next_shift(session, shift_id)
    if nxt is None or not nxt.is_officer(staff_id) or nxt.checked_in_at is not None:
        return
    if not nxt.starts_at - roster.CHECK_IN_EARLY <= now < nxt.ends_at:
        return
    roster.check_in(session, actor, nxt.id, now=now)


R = TypeVar("R")


def run(factory: sessionmaker[Session], work: Callable[[Session], R],
        current: Callable[[Session], HandoverView | None]) -> R:  # fmt: skip
    """One transaction; a lost race (version, or two first submissions) becomes StaleState
    carrying the handover as it is now."""
    try:
        with transaction(factory) as session:
            return work(session)
    except StaleState as exc:
        stale = exc
    except (StaleDataError, IntegrityError):
        stale = StaleState("the handover was changed by someone else")
    with factory() as session:
        stale.current = current(session)
    raise stale


# --------------------------------------------------------------------------- review


@dataclass(frozen=True)
class HandoverSearch:
    date_from: date | None = None  # local dates of the shift's start, inclusive
    date_to: date | None = None
    officer: str = ""  # part of a name: on the roster, or who submitted / accepted
    text: str = ""  # in the notes, the sign-off steps or the duty log
    limit: int = 200


@dataclass(frozen=True)
class HandoverRow:
    shift_id: int
    handover_id: int | None
    starts_at: datetime
    ends_at: datetime
    duty_officer: str
    leader: str
    status: str  # submitted / rejected / accepted / missing
    submitted_at: datetime | None
    submitted_by: str
    accepted_at: datetime | None
    accepted_by: str
    notes: str
    late: bool  # not accepted within the grace after the shift's end
    has_report: bool


def _local_bound(day: date, tz: str) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def handovers(
    session: Session,
    center_id: int,
    search: HandoverSearch = HandoverSearch(),
    *,
    now: datetime | None = None,
    tz: str = roster.DEFAULT_TZ,
) -> tuple[HandoverRow, ...]:
    """Ended shifts of a center with their handover, newest first, filtered by `search`."""
    now = now or models.utcnow()
    s, h, st = models.Shift, models.Handover, models.Staff
    conds: list[Any] = [s.center_id == center_id, s.ends_at <= now]
    if search.date_from is not None:
        conds.append(s.starts_at >= _local_bound(search.date_from, tz))
    if search.date_to is not None:
        conds.append(s.starts_at < _local_bound(search.date_to + timedelta(days=1), tz))
    name = search.officer.strip()
    if name:
        named = select(st.id).where(st.name.like(f"%{name}%"))
        ev = models.HandoverEvent
        conds.append(or_(s.duty_officer_id.in_(named), s.second_officer_id.in_(named),
                         s.leader_id.in_(named), h.submitted_by.in_(named),
                         h.accepted_by.in_(named),
                         exists().where(ev.handover_id == h.id, ev.staff_id.in_(named))))  # fmt: skip
    text = search.text.strip()
    if text:
        like = f"%{text}%"
        ev, dl = models.HandoverEvent, models.DutyLog
        conds.append(or_(
            h.notes.like(like),
            exists().where(ev.handover_id == h.id, ev.text.like(like)),
            exists().where(dl.shift_id == s.id, dl.text.like(like)),
        ))  # fmt: skip
    rows = session.execute(
        select(s, h).outerjoin(h, h.shift_id == s.id).where(*conds)
        .order_by(s.starts_at.desc(), s.id.desc()).limit(search.limit)
    ).all()  # fmt: skip
    ids: set[int] = set()
    for sh, ho in rows:
        ids.update((sh.duty_officer_id, sh.leader_id))
        if ho is not None:
            ids.update(i for i in (ho.submitted_by, ho.accepted_by) if i is not None)
    names = dict(session.execute(select(st.id, st.name).where(st.id.in_(ids))).all()) if ids else {}
    out = []
    for sh, ho in rows:
        status = ho.status if ho is not None else "missing"
        accepted_at = ho.accepted_at if ho is not None else None
        late = (accepted_at is None and now - sh.ends_at > HANDOVER_GRACE) or (
            accepted_at is not None and accepted_at - sh.ends_at > HANDOVER_GRACE)  # fmt: skip
        out.append(HandoverRow(
            shift_id=sh.id, handover_id=ho.id if ho is not None else None,
            starts_at=sh.starts_at, ends_at=sh.ends_at,
            duty_officer=names.get(sh.duty_officer_id, ""), leader=names.get(sh.leader_id, ""),
            status=status, submitted_at=ho.submitted_at if ho is not None else None,
            submitted_by=names.get(ho.submitted_by or 0, "") if ho is not None else "",
            accepted_at=accepted_at,
            accepted_by=names.get(ho.accepted_by or 0, "") if ho is not None else "",
            notes=(ho.notes or "") if ho is not None else "", late=late,
            has_report=bool(ho is not None and ho.snapshot),
        ))  # fmt: skip
    return tuple(out)


def center_of_code(session: Session, adcode: str | None) -> int:
    """The command center of a region code (None: the top region's center)."""
    r, c = models.Region, models.CommandCenter
    if adcode is None:
        stmt = select(c.id).join(r, r.id == c.region_id).where(r.parent_id.is_(None))
    else:
        stmt = select(c.id).join(r, r.id == c.region_id).where(r.adcode == adcode)
    cid = session.scalar(stmt.order_by(c.id).limit(1))
    if cid is None:
        raise NotFound(f"no command center for region {adcode or '(top)'}", code="no_center")
    return int(cid)
