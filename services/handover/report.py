"""交接班: the handover report of a shift, built from the database.

The report is generated for the ending shift of a center (its whole subtree): incidents
opened and resolved in the shift, everything still open grouped by state (supervised and
overdue first, with deadlines), active dispatches and units out of service, conferences and
their decisions, risk alerts raised, camera health, the duty log and the shift's KPIs by
hour. Its values and their JSON snapshot live in `snapshot`; the dual sign-off in
`signoff`, the review list in `review`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from services import vocabulary
from services.errors import InvalidInput, NotFound
from services.handover import duty_log, replay, roster
from services.handover.snapshot import (
    AlertLine,
    CameraHealth,
    CaseGroup,
    CaseLine,
    ConferenceLine,
    DispatchLine,
    HandoverReport,
    HourKpi,
    LogLine,
    MinuteLine,
    ShiftKpis,
    ShiftSummary,
    UnitLine,
)
from services.store import models
from services.video import conference
from services.wall.regions import LEVEL_COLUMN

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


MAX_LINES = 50  # incidents listed per section (totals are always exact)


MAX_GROUP_LINES = 20  # open incidents listed per state


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
