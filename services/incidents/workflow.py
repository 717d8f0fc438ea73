"""Incident use cases: intake, the lifecycle, supervision (督办), follow-ups, escalation.

Every change goes through `perform` (or `report` / `supervise` / `answer_supervision`):
it checks who may act (role, and that the case is inside the account's subtree), that the
case is in a state the action starts from and still at the version the console showed,
then writes the incident, an IncidentEvent and an audit row in one transaction. The ORM
flush hooks (services.store.db) add the change-feed row and keep the daily counters in step.

Lifecycle::

    reported ─accept→ accepted ─route→ routed ─start→ in_progress ─resolve→ resolved ─close→ closed
        ↑                 │  └──────────start──────────↗    │                 │  ↑        │
        └──escalate (to the upper center, any open state)   └─return→ returned └─reopen──┘
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services import vocabulary
from services.accounts import Actor, system_actor
from services.config import DEFAULT_DEADLINES
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, StaleState
from services.store import audit, models
from services.store.db import transaction
from services.wall.queries import LEVEL_COLUMN

I = models.Incident  # noqa: E741 - short alias keeps the queries readable

CHANNELS = vocabulary.CHANNELS
CATEGORIES = vocabulary.CATEGORIES
EVALUATIONS = ("satisfied", "basic", "unsatisfied")
OPEN_STATUSES = frozenset(vocabulary.OPEN_STATUSES)

# action -> (states it starts from, state it leads to; None = stays)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({"reported"}), "accepted"),
    "route": (frozenset({"accepted", "returned"}), "routed"),
    "start": (frozenset({"accepted", "routed", "returned"}), "in_progress"),
    "return": (frozenset({"routed", "in_progress"}), "returned"),
    "resolve": (frozenset({"accepted", "in_progress"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved", "closed"}), "in_progress"),
    "escalate": (OPEN_STATUSES, "reported"),
}
ACTIONS = tuple(TRANSITIONS)
# What a grid worker (the "field" permission) may do on a case its center handles: take it
# on site and resolve it; accepting, routing, returning and closing stay with the officers.
FIELD_ACTIONS = frozenset({"start", "resolve"})
AUDIT_FIELDS = (
    "status", "is_open", "handling_center_id", "handling_department_id", "supervised",
    "escalations", "evaluation", "priority", "resolve_deadline", "platform", "version",
)  # fmt: skip


@dataclass(frozen=True)
class IncidentPolicy:
    """Deadlines (hours: acknowledge, resolve) by priority, overridable per category, and
    how long an overdue case waits at one level before it is escalated again."""

    deadlines: dict[int, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_DEADLINES)
    )
    category_deadlines: dict[str, dict[int, tuple[float, float]]] = field(default_factory=dict)
    escalate_every_h: float = 24.0

    def hours(self, category: str, priority: int) -> tuple[float, float]:
        by_cat = self.category_deadlines.get(category, {})
        return by_cat.get(priority) or self.deadlines[priority]

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> IncidentPolicy:
        """`[deadlines]` "1" = [ack_h, resolve_h]; `[deadlines.<category>]` the same per
        category; `[escalation] every_hours`."""
        base = dict(DEFAULT_DEADLINES)
        by_cat: dict[str, dict[int, tuple[float, float]]] = {}
        for key, value in raw.get("deadlines", {}).items():
            if isinstance(value, dict):
                by_cat[key] = {int(p): (float(v[0]), float(v[1])) for p, v in value.items()}
            else:
                base[int(key)] = (float(value[0]), float(value[1]))
        every = float(raw.get("escalation", {}).get("every_hours", 24.0))
        return cls(deadlines=base, category_deadlines=by_cat, escalate_every_h=every)




DEFAULT_POLICY = IncidentPolicy()
"""The documented defaults (an empty configuration); callers pass their own."""


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class NewIncident:
    """A report as it arrives from a channel (hotline form, import, field app, alert)."""

    category: str
    description: str
    channel: str = "hotline"
    priority: int = 3
    grid_id: int | None = None
    grid_code: str = ""  # 网格编码, when the caller knows the code rather than the id
    lon: float | None = None
    lat: float | None = None
    reporter: str = ""
    address: str = ""
    external_id: str | None = None
    reported_at: datetime | None = None
    origin_id: int | None = None
    kind: str = "case"
    assign_center_id: int | None = None  # an upper level assigns straight to a lower center
    take_in: bool = False  # lands at the filer's own center (a call answered there)


@dataclass(frozen=True)
class IncidentRow:
    """One line of a queue."""

    id: int
    category: str
    channel: str
    priority: int
    status: str
    kind: str
    township_code: str
    grid_id: int | None
    description: str
    address: str
    reported_at: datetime
    ack_deadline: datetime | None
    resolve_deadline: datetime | None
    handling_center_id: int | None
    handling_department_id: int | None
    supervised: bool
    overdue: bool
    ack_overdue: bool
    origin_id: int | None
    version: int
    lon: float
    lat: float


@dataclass(frozen=True)
class EventRow:
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    actor: str
    note: str
    target: str


@dataclass(frozen=True)
class SupervisionRow:
    id: int
    from_center: str
    to_center: str
    at: datetime
    actor: str
    deadline: datetime
    note: str
    answered_at: datetime | None
    answered_by: str | None
    answer: str | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class IncidentDetail:
    """A case with its timeline, supervision, origin and follow-ups, for one account."""

    row: IncidentRow
    reporter: str
    handling_center: str
    handling_department: str
    grid_code: str
    events: tuple[EventRow, ...]
    supervisions: tuple[SupervisionRow, ...]
    origin: IncidentRow | None
    follow_ups: tuple[IncidentRow, ...]
    evaluation: str | None
    allowed: tuple[str, ...]  # actions this account may take now
    target_names: Mapping[str, str] = field(default_factory=dict)
    """Names of the "center:ID" / "department:ID" targets its timeline mentions."""


@dataclass(frozen=True)
class RouteTarget:
    kind: str  # department / center
    id: int
    name: str
    platform: str = ""  # the township platform (四平台) a department belongs to, if any


@dataclass(frozen=True)
class PlatformTargets:
    """One group of routing targets: a township platform's departments, or the rest."""

    platform: str  # services.vocabulary.PLATFORMS key; "" for departments outside them
    label: str
    targets: tuple[RouteTarget, ...]
    suggested: bool = False  # the platform the case's category belongs to


@dataclass(frozen=True)
class QueueFilter:
    scope: str = "action"  # action: needs this center; supervising: pressed by it; all
    statuses: tuple[str, ...] = ()
    category: str | None = None
    overdue_only: bool = False
    supervised_only: bool = False
    text: str = ""
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue and how many cases the whole queue holds (a COUNT, not the
    page's length)."""

    rows: tuple[IncidentRow, ...]
    total: int
    offset: int
    limit: int


# --------------------------------------------------------------------------- helpers


def visible(actor: Actor) -> ColumnElement[bool]:
    """Incidents inside the account's subtree."""
    col = LEVEL_COLUMN.get(actor.region_level)
    if col is None:
        return I.id == -1
    return col == actor.region_code


def _row(inc: models.Incident, now: datetime) -> IncidentRow:
    overdue = bool(inc.is_open and inc.resolve_deadline and inc.resolve_deadline < now)
    ack_overdue = bool(inc.status == "reported" and inc.ack_deadline and inc.ack_deadline < now)
    return IncidentRow(
        id=inc.id, category=inc.category, channel=inc.source_channel, priority=inc.priority,
        status=inc.status, kind=inc.kind, township_code=inc.township_code, grid_id=inc.grid_id,
        description=inc.description, address=inc.address, reported_at=inc.reported_at,
        ack_deadline=inc.ack_deadline, resolve_deadline=inc.resolve_deadline,
        handling_center_id=inc.handling_center_id,
        handling_department_id=inc.handling_department_id, supervised=inc.supervised,
        overdue=overdue, ack_overdue=ack_overdue, origin_id=inc.origin_id, version=inc.version,
        lon=inc.lon, lat=inc.lat,
    )  # fmt: skip


def _load(session: Session, actor: Actor, incident_id: int) -> models.Incident:
    # No SELECT FOR UPDATE: the version column refuses a lost race at flush, and row locks
    # are only taken under the change-feed lock (services.store.db), so writers cannot deadlock.
    inc = session.scalar(select(I).where(I.id == incident_id))
    if inc is None:
        raise NotFound(f"no incident {incident_id}", code="no_incident", id=incident_id)
    col = LEVEL_COLUMN.get(actor.region_level)
    if col is None or getattr(inc, col.key) != actor.region_code:
        raise NotAllowed(
            f"incident {incident_id} is outside the jurisdiction of {actor.login}",
            code="outside",
            id=incident_id,
        )
    return inc


def _center_region(session: Session, center_id: int | None) -> models.Region | None:
    if center_id is None:
        return None
    center = session.get(models.CommandCenter, center_id)
    return session.get(models.Region, center.region_id) if center else None


def _parent_center(session: Session, center_id: int) -> models.CommandCenter | None:
    region = _center_region(session, center_id)
    if region is None or region.parent_id is None:
        return None
    return session.scalar(
        select(models.CommandCenter).where(models.CommandCenter.region_id == region.parent_id)
    )


def _township_center(session: Session, township_code: str) -> int | None:
    return session.scalar(
        select(models.CommandCenter.id)
        .join(models.Region, models.Region.id == models.CommandCenter.region_id)
        .where(models.Region.adcode == township_code)
    )


def _is_above(session: Session, actor: Actor, center_id: int | None) -> bool:
    """Is the actor's region a strict ancestor of this center's region?"""
    region = _center_region(session, center_id)
    return bool(
        region is not None
        and region.path != actor.region_path
        and region.path.startswith(actor.region_path)
    )


def _event(
    session: Session, inc: models.Incident, actor: Actor, action: str, prev: str | None,
    at: datetime, note: str = "", target: str = "",
) -> None:  # fmt: skip
    session.add(
        models.IncidentEvent(
            incident_id=inc.id, at=at, action=action, from_status=prev, to_status=inc.status,
            actor=actor.label, note=note, center_id=actor.center_id, target=target,
        )
    )  # fmt: skip


def _audit(
    session: Session, actor: Actor, action: str, inc: models.Incident,
    before: dict[str, object] | None, at: datetime, detail: str = "",
) -> None:  # fmt: skip
    audit.record(
        session, actor, f"incident.{action}", "incident", inc.id,
        before=before, after=audit.snapshot_after(session, inc, AUDIT_FIELDS), detail=detail,
        at=at,
    )  # fmt: skip


# --------------------------------------------------------------------------- intake


def _locate(session: Session, new: NewIncident) -> models.GridCell:
    g = models.GridCell
    if new.grid_id is None and new.grid_code.strip():
        code = new.grid_code.strip()
        cell = session.scalar(select(g).where(g.code == code))
        if cell is None:
            raise InvalidInput(f"no grid cell with code {code!r}", code="no_grid_code", grid=code)
        return cell
    if new.grid_id is not None:
        cell = session.get(g, new.grid_id)
        if cell is None:
            raise InvalidInput(f"no grid cell {new.grid_id}", code="no_grid", grid=new.grid_id)
        return cell
    if new.lon is None or new.lat is None:
        raise InvalidInput("a report needs a grid cell or a map position", code="no_location")
    return grid_at(session, new.lon, new.lat)


def grid_at(session: Session, lon: float, lat: float) -> models.GridCell:
    """The grid cell containing a point (nearest centroid within ~3 km if none contains it)."""
    import shapely
    from shapely import wkb

    g = models.GridCell
    d = 0.03
    cells = session.scalars(
        select(g).where(g.lon.between(lon - d, lon + d), g.lat.between(lat - d, lat + d))
    ).all()
    point = shapely.Point(lon, lat)
    for cell in sorted(cells, key=lambda c: (c.lon - lon) ** 2 + (c.lat - lat) ** 2):
        if wkb.loads(cell.geometry).covers(point):
            return cell
    if cells:
        return min(cells, key=lambda c: (c.lon - lon) ** 2 + (c.lat - lat) ** 2)
    raise InvalidInput(
        f"no grid cell near {lon:.5f},{lat:.5f}", code="no_grid_here", lon=lon, lat=lat
    )


def check_report(
    session: Session,
    actor: Actor,
    new: NewIncident,
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
    cell: models.GridCell | None = None,
    township_centers: dict[str, int | None] | None = None,
) -> tuple[dict[str, Any], str]:
    """Every rule a report must pass, and nothing written: the new incident's column values
    and the event's target. `cell` (the report's grid cell, already looked up) and
    `township_centers` (a cache) let a bulk import check 50,000 rows without a query each."""
    actor.require("intake")
    now = now or models.utcnow()
    if new.category not in CATEGORIES:
        raise InvalidInput(f"unknown category {new.category!r}", code="category")
    if new.channel not in CHANNELS:
        raise InvalidInput(f"unknown channel {new.channel!r}", code="channel")
    if new.priority not in policy.deadlines:
        raise InvalidInput("priority must be 1 (urgent) to 4 (low)", code="priority")
    if not new.description.strip():
        raise InvalidInput("a report needs a description", code="description")
    if cell is None:
        cell = _locate(session, new)
    codes = {
        "province": cell.province_code,
        "city": cell.city_code,
        "county": cell.county_code,
        "township": cell.township_code,
        "community": cell.community_code,
    }
    if codes.get(actor.region_level) != actor.region_code:
        raise NotAllowed(
            f"grid cell {cell.code} is outside the jurisdiction of {actor.login}",
            code="outside_grid",
            grid=cell.code,
        )
    if township_centers is None:
        center_id = _township_center(session, cell.township_code)
    else:
        if cell.township_code not in township_centers:
            township_centers[cell.township_code] = _township_center(session, cell.township_code)
        center_id = township_centers[cell.township_code]
    target = ""
    if new.take_in:
        if actor.center_id is None:
            raise NotAllowed("only an account of a center takes a call in", code="no_center")
        center_id = actor.center_id
    elif new.assign_center_id is not None:
        if not _is_above(session, actor, new.assign_center_id):
            raise NotAllowed("can only assign to a center below this one", code="assign_below")
        center_id = new.assign_center_id
        target = f"center:{center_id}"
    reported_at = new.reported_at or now
    ack_h, resolve_h = policy.hours(new.category, new.priority)
    values: dict[str, Any] = dict(
        external_id=new.external_id,
        category=new.category,
        source_channel=new.channel,
        priority=new.priority,
        status="reported",
        is_open=True,
        grid_id=cell.id,
        province_code=cell.province_code,
        city_code=cell.city_code,
        county_code=cell.county_code,
        township_code=cell.township_code,
        community_code=cell.community_code,
        lon=new.lon if new.lon is not None else cell.lon,
        lat=new.lat if new.lat is not None else cell.lat,
        description=new.description.strip(),
        reporter=new.reporter,
        address=new.address,
        handling_center_id=center_id,
        reported_at=reported_at,
        ack_deadline=reported_at + timedelta(hours=ack_h),
        resolve_deadline=reported_at + timedelta(hours=resolve_h),
        kind=new.kind,
        origin_id=new.origin_id,
        supervised=False,
        escalations=0,
        platform="",
    )
    return values, target


def report(
    session: Session,
    actor: Actor,
    new: NewIncident,
    *,
    policy: IncidentPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> int:
    """上报: take a report in; it lands at the township center of its grid cell (or the
    lower center an upper level assigns it to). Returns the new incident's id."""
    now = now or models.utcnow()
    values, target = check_report(session, actor, new, policy=policy, now=now)
    inc = models.Incident(**values)
    session.add(inc)
    session.flush()
    _event(session, inc, actor, "report", None, now, note=new.channel, target=target)
    _audit(session, actor, "report", inc, None, now)
    return inc.id


# --------------------------------------------------------------------------- lifecycle


def route_targets(
    session: Session, actor: Actor, category: str | None = None
) -> tuple[RouteTarget, ...]:
    """Where this center may route a case: departments of its own and upper levels (分流),
    and the centers one level below it (派单).

    A township's own departments come first, platform by platform (四平台: 综治工作,
    市场监管, 综合执法, 便民服务; the one the case's `category` belongs to first), then
    departments outside the platforms and those of upper levels, nearest level first."""
    return tuple(t for group in route_groups(session, actor, category) for t in group.targets)


def route_groups(
    session: Session, actor: Actor, category: str | None = None
) -> tuple[PlatformTargets, ...]:
    """`route_targets` grouped: one group per platform that has departments here (the
    suggested one first), then the other departments, then the centers below."""
    region = session.get(models.Region, actor.region_id)
    assert region is not None
    ancestors = [c for c in region.path.strip("/").split("/") if c]
    d, r, c = models.Department, models.Region, models.CommandCenter
    deps = session.execute(
        select(d.id, d.name, d.platform, r.adcode).join(r, r.id == d.region_id)
        .where(r.adcode.in_(ancestors)).order_by(r.path.desc(), d.id)
    ).all()  # fmt: skip
    lower = session.execute(
        select(c.id, c.name).join(r, r.id == c.region_id).where(r.parent_id == actor.region_id)
        .order_by(r.adcode)
    ).all()  # fmt: skip
    suggested = vocabulary.CATEGORY_PLATFORM.get(category or "")
    order = sorted(vocabulary.PLATFORMS, key=lambda p: (p != suggested, vocabulary.PLATFORMS.index(p)))
    by_platform: dict[str, list[RouteTarget]] = {p: [] for p in order}
    others: list[RouteTarget] = []
    for i, name, platform, code in deps:
        target = RouteTarget("department", i, name, platform or "")
        if platform in by_platform and code == actor.region_code:
            by_platform[platform].append(target)
        else:  # upper levels' departments keep their label but are not this township's
            others.append(target)
    groups = [
        PlatformTargets(p, vocabulary.PLATFORM_LABELS[p], tuple(ts), p == suggested)
        for p, ts in by_platform.items()
        if ts
    ]
    if others:
        groups.append(PlatformTargets("", "职能部门", tuple(others)))
    if lower:
        groups.append(
            PlatformTargets("", "下级中心", tuple(RouteTarget("center", i, n) for i, n in lower))
        )
    return tuple(groups)


def allowed_actions(session: Session, actor: Actor, inc: models.Incident) -> tuple[str, ...]:
    """The actions this account may take on the case now (the detail view's buttons)."""
    out: list[str] = []
    own = actor.center_id is not None and actor.center_id == inc.handling_center_id
    if not actor.may("handle") and actor.may("field"):
        if own and inc.handling_department_id is None:
            out += [a for a in ACTIONS if a in FIELD_ACTIONS and inc.status in TRANSITIONS[a][0]]
            if inc.is_open:
                out.append("note")
        return tuple(out)
    if actor.may("handle"):
        for action, (starts, _to) in TRANSITIONS.items():
            if inc.status not in starts:
                continue
            if action in ("reopen", "close"):
                # 评价归档 and 重新办理 also belong to the level above that passed the case
                # down (the center that took the call calls the citizen back).
                if own or _is_above(session, actor, inc.handling_center_id):
                    out.append(action)
            elif action == "escalate":
                if own and _parent_center(session, inc.handling_center_id or 0) is not None:
                    out.append(action)
            elif own:
                out.append(action)
        if own and inc.is_open:
            out.append("note")
        if own and inc.supervised:
            out.append("answer")
        if own and inc.status in ("resolved", "closed"):
            out.append("follow_up")
    if actor.may("supervise") and inc.is_open and _is_above(session, actor, inc.handling_center_id):
        out.append("supervise")
    return tuple(out)


def _check_transition(inc: models.Incident, action: str) -> str:
    starts, to = TRANSITIONS[action]
    if inc.status not in starts:
        raise InvalidTransition(
            f"cannot {action} an incident that is {inc.status}",
            code="transition",
            action=action,
            status=inc.status,
        )
    return to


def _do(
    session: Session,
    actor: Actor,
    inc: models.Incident,
    action: str,
    note: str,
    params: dict[str, Any],
    policy: IncidentPolicy,
    now: datetime,
) -> None:
    if not actor.may("field"):
        actor.require("handle")
    if action in TRANSITIONS:
        _check_transition(inc, action)
    elif action != "answer":
        raise InvalidInput(f"unknown action {action!r}", code="action")
    if action not in allowed_actions(session, actor, inc):
        raise NotAllowed(
            f"{actor.login} may not {action} incident {inc.id} (handled by another center)",
            code="not_handler",
            action=action,
        )
    before = audit.snapshot(inc, AUDIT_FIELDS)
    prev = inc.status
    target = ""
    if action == "answer":
        answer_supervision(session, actor, inc, note, now)
        _audit(session, actor, action, inc, before, now, detail=note)
        return
    to = _check_transition(inc, action)
    if action == "accept":
        inc.accepted_at = now
    elif action == "route":
        target = _route(session, actor, inc, params)
    elif action == "return":
        target = _return_to_router(session, inc)
    elif action == "resolve":
        inc.resolved_at = now
        region = _center_region(session, inc.handling_center_id)
        inc.settled_level = region.level if region else None
    elif action == "close":
        evaluation = params.get("evaluation", "satisfied")
        if evaluation not in EVALUATIONS:
            raise InvalidInput(f"evaluation must be one of {EVALUATIONS}", code="evaluation")
        inc.evaluation = evaluation
        inc.closed_at = now
    elif action == "reopen":
        if not note.strip():
            raise InvalidInput("reopening needs a reason", code="reason")
        inc.resolved_at = None
        inc.closed_at = None
        inc.settled_level = None
        inc.evaluation = None
    elif action == "escalate":
        target = _escalate(session, inc, automatic=False)
    inc.status = to
    inc.is_open = to not in vocabulary.CLOSED_STATUSES
    if not inc.is_open and inc.supervised:
        _close_supervisions(session, inc, actor, now, f"已{'办结' if to == 'resolved' else '归档'}")
    _event(session, inc, actor, action, prev, now, note=note, target=target)
    _audit(session, actor, action, inc, before, now, detail=note)
    if action == "close":
        for text in params.get("follow_ups", ()):
            _follow_up(session, actor, inc, str(text), policy, now)


def _route(session: Session, actor: Actor, inc: models.Incident, params: dict[str, Any]) -> str:
    kind, target_id = params.get("target_kind"), params.get("target_id")
    allowed = {(t.kind, t.id) for t in route_targets(session, actor, inc.category)}
    if (kind, target_id) not in allowed:
        raise InvalidInput(
            "route to one of this center's departments or the centers below it",
            code="route_target",
        )
    if kind == "department":
        inc.handling_department_id = int(target_id)  # type: ignore[arg-type]
        platform = session.scalar(
            select(models.Department.platform).where(models.Department.id == int(target_id))  # type: ignore[arg-type]
        )
        if platform:  # the platform's tally keeps the case even when it moves on
            inc.platform = platform
    else:
        inc.handling_center_id = int(target_id)  # type: ignore[arg-type]
        inc.handling_department_id = None
    return f"{kind}:{target_id}"


def _return_to_router(session: Session, inc: models.Incident) -> str:
    """退回: a department hands back to its center; a lower center back to whoever routed."""
    if inc.handling_department_id is not None:
        inc.handling_department_id = None
        return f"center:{inc.handling_center_id}"
    ev = models.IncidentEvent
    router = session.scalar(
        select(ev.center_id)
        .where(ev.incident_id == inc.id, ev.action == "route", ev.target == f"center:{inc.handling_center_id}")
        .order_by(ev.id.desc())
        .limit(1)
    )  # fmt: skip
    if router is None:
        raise InvalidTransition("nobody routed this case here; escalate it instead", code="no_router")
    inc.handling_center_id = router
    return f"center:{router}"


def _escalate(session: Session, inc: models.Incident, *, automatic: bool) -> str:
    parent = _parent_center(session, inc.handling_center_id or 0)
    if parent is None:
        raise InvalidTransition("there is no level above this center", code="top_level")
    inc.handling_center_id = parent.id
    inc.handling_department_id = None
    if automatic:
        inc.escalations += 1
    return f"center:{parent.id}"


def _follow_up(
    session: Session, actor: Actor, origin: models.Incident, text: str,
    policy: IncidentPolicy, now: datetime,
) -> int:  # fmt: skip
    if not text.strip():
        raise InvalidInput("a follow-up task needs a description", code="description")
    new_id = report(
        session,
        actor,  # whoever may handle a case may also file one
        NewIncident(
            category=origin.category, description=text, channel="follow_up",
            priority=origin.priority, grid_id=origin.grid_id, lon=origin.lon, lat=origin.lat,
            origin_id=origin.id, kind="follow_up",
        ),
        policy=policy,
        now=now,
    )  # fmt: skip
    task = session.get(I, new_id)
    assert task is not None
    task.handling_center_id = origin.handling_center_id
    task.status = "accepted"
    task.accepted_at = now
    _event(session, task, actor, "accept", "reported", now, note=f"举一反三: #{origin.id}")
    return new_id


def open_follow_up(
    session: Session, actor: Actor, origin_id: int, text: str,
    policy: IncidentPolicy, now: datetime | None = None,
) -> int:  # fmt: skip
    """举一反三: a task linked to a resolved or closed case, handled by the same center."""
    now = now or models.utcnow()
    origin = _load(session, actor, origin_id)
    if "follow_up" not in allowed_actions(session, actor, origin):
        raise NotAllowed("only the handling center opens follow-ups on a resolved case",
                         code="follow_up")  # fmt: skip
    return _follow_up(session, actor, origin, text, policy, now)


def note_allowed(session: Session, actor: Actor, incident_id: int) -> models.Incident:
    """The case, if this account may add a note or photo to it now: whoever may act on it
    (its handling center's officers and grid workers), or the caller that filed it (a
    system's key, a grid worker) while it is open. NotAllowed otherwise."""
    inc = _load(session, actor, incident_id)
    if "note" in allowed_actions(session, actor, inc):
        return inc
    filer = session.scalar(
        select(models.IncidentIntake.caller).where(models.IncidentIntake.incident_id == inc.id)
    )
    if inc.is_open and filer is not None and filer == actor.login:
        return inc
    raise NotAllowed(
        f"{actor.login} may not add to incident {incident_id} now", code="not_handler",
        action="note",
    )  # fmt: skip


def detail_visible(session: Session, actor: Actor, incident_id: int) -> None:
    """NotFound / NotAllowed unless the case exists inside the account's subtree."""
    _load(session, actor, incident_id)


def note(
    session: Session, actor: Actor, incident_id: int, text: str, *, action: str = "note",
    now: datetime | None = None,
) -> models.Incident:  # fmt: skip
    """A progress note (处置进展) on an open case by whoever may act on it now; the status
    stays. `action` names the timeline step ("note"; "attach" for a photo)."""
    now = now or models.utcnow()
    inc = note_allowed(session, actor, incident_id)
    if not text.strip():
        raise InvalidInput("a progress note needs text", code="note")
    _event(session, inc, actor, action, inc.status, now, note=text.strip())
    _audit(session, actor, action, inc, audit.snapshot(inc, AUDIT_FIELDS), now, detail=text)
    return inc


def note_in(
    factory: sessionmaker[Session], actor: Actor, incident_id: int, text: str
) -> IncidentDetail:
    """`note` in its own transaction; returns the case after it."""
    with transaction(factory) as session:
        note(session, actor, incident_id, text)
    with factory() as session:
        return detail(session, actor, incident_id)


# --------------------------------------------------------------------------- supervision


def supervise(
    session: Session, actor: Actor, incident_id: int, deadline: datetime, note: str,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """督办: an upper level presses the handling center with a deadline."""
    now = now or models.utcnow()
    actor.require("supervise")
    inc = _load(session, actor, incident_id)
    if "supervise" not in allowed_actions(session, actor, inc):
        raise NotAllowed("only an upper level presses an open case", code="supervise_below")
    if deadline <= now:
        raise InvalidInput("the supervision deadline must be in the future", code="deadline")
    if not note.strip():
        raise InvalidInput("say what is pressed for", code="note")
    before = audit.snapshot(inc, AUDIT_FIELDS)
    sup = models.Supervision(
        incident_id=inc.id, from_center_id=actor.center_id or 0, to_center_id=inc.handling_center_id,
        at=now, actor=actor.label, deadline=deadline, note=note.strip(),
    )  # fmt: skip
    session.add(sup)
    inc.supervised = True  # the row changes, so its version moves: older views go stale
    session.flush()
    _event(session, inc, actor, "supervise", inc.status, now, note=note.strip(),
           target=f"deadline:{deadline.isoformat(timespec='minutes')}")  # fmt: skip
    _audit(session, actor, "supervise", inc, before, now, detail=note)
    return sup.id


def answer_supervision(
    session: Session, actor: Actor, inc: models.Incident, answer: str, now: datetime
) -> None:
    """The handling center answers every pending supervision of the case."""
    if not answer.strip():
        raise InvalidInput("an answer needs text", code="answer")
    pending = session.scalars(
        select(models.Supervision).where(
            models.Supervision.incident_id == inc.id, models.Supervision.answered_at.is_(None)
        )
    ).all()
    if not pending:
        raise InvalidTransition("no supervision waits for an answer", code="no_supervision")
    for sup in pending:
        sup.answered_at = now
        sup.answered_by = actor.label
        sup.answer = answer.strip()
    inc.supervised = False
    _event(session, inc, actor, "answer", inc.status, now, note=answer.strip())


def _close_supervisions(
    session: Session, inc: models.Incident, actor: Actor, now: datetime, text: str
) -> None:
    for sup in session.scalars(
        select(models.Supervision).where(
            models.Supervision.incident_id == inc.id, models.Supervision.answered_at.is_(None)
        )
    ):
        sup.answered_at = now
        sup.answered_by = actor.label
        sup.answer = text
    inc.supervised = False


def escalate_overdue(
    session: Session,
    actor: Actor,
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
    limit: int = 500,
) -> list[int]:
    """Overdue cases in the actor's subtree move one level up, once per `escalate_every_h`
    of lateness at each level, recorded in the timeline by the system. A case also waits
    `escalate_every_h` after its previous automatic escalation, so one found very late (the
    clock was off) climbs one level, not several in consecutive sweeps. Returns the ids."""
    now = now or models.utcnow()
    every = timedelta(hours=policy.escalate_every_h)
    candidates = session.scalars(
        select(I)
        .where(visible(actor), I.is_open, I.resolve_deadline < now)
        .order_by(I.resolve_deadline)
        .limit(limit)
    ).all()
    ev = models.IncidentEvent
    last_auto: dict[int, datetime] = dict(
        session.execute(
            select(ev.incident_id, func.max(ev.at))
            .where(ev.incident_id.in_([c.id for c in candidates]), ev.action == "auto_escalate")
            .group_by(ev.incident_id)
        ).all()
    ) if candidates else {}  # fmt: skip
    done: list[int] = []
    for inc in candidates:
        assert inc.resolve_deadline is not None
        if now < inc.resolve_deadline + every * inc.escalations:
            continue
        previous = last_auto.get(inc.id)
        if previous is not None and now < previous + every:
            continue
        if _parent_center(session, inc.handling_center_id or 0) is None:
            continue
        before = audit.snapshot(inc, AUDIT_FIELDS)
        prev = inc.status
        target = _escalate(session, inc, automatic=True)
        inc.status = "reported"
        late = now - inc.resolve_deadline
        note = f"超期 {late.total_seconds() / 3600:.1f} 小时，自动上报上级"
        _event(session, inc, actor, "auto_escalate", prev, now, note=note, target=target)
        _audit(session, actor, "auto_escalate", inc, before, now, detail=note)
        done.append(inc.id)
    return done


# --------------------------------------------------------------------------- entry point

T = TypeVar("T")


def perform(
    factory: sessionmaker[Session],
    actor: Actor,
    incident_id: int,
    expected_version: int,
    action: str,
    note: str = "",
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
    **params: Any,
) -> IncidentDetail:
    """Take one action on a case the console showed at `expected_version`.

    If someone else changed it first, nothing is written and StaleState carries the
    case as it is now. Returns the case after the action.
    """
    when = now or models.utcnow()

    def work(session: Session) -> IncidentDetail:
        inc = _load(session, actor, incident_id)
        if inc.version != expected_version:
            raise StaleState(
                f"incident {incident_id} was changed by someone else (version {inc.version})",
                id=incident_id,
            )
        _do(session, actor, inc, action, note, params, policy, when)
        session.flush()  # the version and timeline as committed, read in the same session
        return detail(session, actor, incident_id, now=when)

    return run(factory, actor, incident_id, work)


def run(
    factory: sessionmaker[Session],
    actor: Actor,
    incident_id: int,
    work: Callable[[Session], T],
) -> T:
    """One transaction; a lost optimistic-lock race becomes StaleState with the current case."""
    try:
        with transaction(factory) as session:
            return work(session)
    except StaleState as exc:
        stale = exc
    except StaleDataError:
        stale = StaleState(f"incident {incident_id} was changed by someone else", id=incident_id)
    with factory() as session:
        stale.current = detail(session, actor, incident_id)
    raise stale


# --------------------------------------------------------------------------- queries


def detail(
    session: Session, actor: Actor, incident_id: int, *, now: datetime | None = None
) -> IncidentDetail:
    """The case as this account sees it (NotAllowed outside its subtree)."""
    now = now or models.utcnow()
    inc = _load(session, actor, incident_id)
    ev = models.IncidentEvent
    events = tuple(
        EventRow(e.at, e.action, e.from_status, e.to_status, e.actor, e.note, e.target)
        for e in session.scalars(select(ev).where(ev.incident_id == inc.id).order_by(ev.id))
    )
    cc = models.CommandCenter
    center_names: dict[int, str] = {
        cid: name
        for cid, name in session.execute(
            select(cc.id, cc.name).where(cc.id.in_(_center_ids(session, inc)))
        )
    }
    sups = tuple(
        SupervisionRow(
            s.id, center_names.get(s.from_center_id, ""), center_names.get(s.to_center_id or 0, ""),
            s.at, s.actor, s.deadline, s.note, s.answered_at, s.answered_by, s.answer,
            s.answered_at is None and s.deadline < now, s.version,
        )  # fmt: skip
        for s in session.scalars(
            select(models.Supervision)
            .where(models.Supervision.incident_id == inc.id)
            .order_by(models.Supervision.id)
        )
    )
    origin = session.get(I, inc.origin_id) if inc.origin_id else None
    follow = session.scalars(select(I).where(I.origin_id == inc.id).order_by(I.id)).all()
    dept = (
        session.get(models.Department, inc.handling_department_id)
        if inc.handling_department_id
        else None
    )
    cell = session.get(models.GridCell, inc.grid_id) if inc.grid_id else None
    return IncidentDetail(
        row=_row(inc, now),
        reporter=inc.reporter,
        handling_center=center_names.get(inc.handling_center_id or 0, ""),
        handling_department=dept.name if dept else "",
        grid_code=cell.code if cell else "",
        events=events,
        supervisions=sups,
        origin=_row(origin, now) if origin is not None else None,
        follow_ups=tuple(_row(f, now) for f in follow),
        evaluation=inc.evaluation,
        allowed=allowed_actions(session, actor, inc),
        target_names=_target_names(session, events),
    )


def _target_names(session: Session, events: Sequence[EventRow]) -> dict[str, str]:
    """Names for the "center:ID" / "department:ID" targets in a case's timeline."""
    ids: dict[str, set[int]] = {"center": set(), "department": set()}
    for e in events:
        kind, _, raw = e.target.partition(":")
        if kind in ids and raw.isdigit():
            ids[kind].add(int(raw))
    names: dict[str, str] = {}
    for kind, model in (("center", models.CommandCenter), ("department", models.Department)):
        if ids[kind]:
            for i, n in session.execute(select(model.id, model.name).where(model.id.in_(ids[kind]))):
                names[f"{kind}:{i}"] = n
    return names


def _center_ids(session: Session, inc: models.Incident) -> set[int]:
    ids = {inc.handling_center_id or 0}
    for a, b in session.execute(
        select(models.Supervision.from_center_id, models.Supervision.to_center_id).where(
            models.Supervision.incident_id == inc.id
        )
    ):
        ids.update((a, b or 0))
    return ids


def _queue_conditions(actor: Actor, flt: QueueFilter, now: datetime) -> list[Any]:
    conds: list[Any] = [visible(actor)]
    if flt.scope == "action":
        conds.append(I.handling_center_id == (actor.center_id or -1))
        conds.append(or_(I.is_open, I.status == "resolved"))
    elif flt.scope == "supervising":
        sv = models.Supervision
        pressed = select(sv.incident_id).where(
            sv.from_center_id == (actor.center_id or -1), sv.answered_at.is_(None)
        )
        conds.append(I.id.in_(pressed))
    elif not flt.statuses:
        # 辖区全部 keeps a resolved case until it is evaluated and archived (评价归档);
        # archived ones show when that status is picked.
        conds.append(or_(I.is_open, I.status == "resolved"))
    if flt.statuses:
        conds.append(I.status.in_(flt.statuses))
    if flt.category:
        conds.append(I.category == flt.category)
    if flt.overdue_only:
        conds.append(and_(I.is_open, I.resolve_deadline < now))
    if flt.supervised_only:
        conds.append(I.supervised)
    text = flt.text.strip()
    if text:
        like = f"%{text}%"
        alts: list[ColumnElement[bool]] = [
            I.description.like(like), I.address.like(like), I.reporter.like(like)
        ]  # fmt: skip
        if text.lstrip("#").isdigit():
            alts.append(I.id == int(text.lstrip("#")))
        conds.append(or_(*alts))
    return conds


def queue(
    session: Session, actor: Actor, flt: QueueFilter = QueueFilter(), *, now: datetime | None = None
) -> tuple[IncidentRow, ...]:
    """The cases needing this center's action (or pressed by it, or all in its subtree),
    supervised and overdue first, then by deadline (one page: `flt.offset`, `flt.limit`)."""
    now = now or models.utcnow()
    conds = _queue_conditions(actor, flt, now)
    overdue_first = func.coalesce(I.resolve_deadline < now, False)
    rows = session.scalars(
        select(I)
        .where(*conds)
        .order_by(I.supervised.desc(), overdue_first.desc(), I.priority, I.resolve_deadline,
                  I.id)  # fmt: skip
        .offset(max(0, flt.offset))
        .limit(flt.limit)
    ).all()
    return tuple(_row(r, now) for r in rows)


def queue_page(
    session: Session, actor: Actor, flt: QueueFilter = QueueFilter(), *, now: datetime | None = None
) -> QueuePage:
    """`queue`'s page and the number of cases in the whole queue (one COUNT)."""
    now = now or models.utcnow()
    total = session.scalar(
        select(func.count()).select_from(I).where(*_queue_conditions(actor, flt, now))
    )
    return QueuePage(queue(session, actor, flt, now=now), int(total or 0), flt.offset, flt.limit)


def counts(session: Session, actor: Actor, *, now: datetime | None = None) -> dict[str, int]:
    """Badges for the panel: waiting on this center, overdue, supervised."""
    now = now or models.utcnow()
    mine = and_(visible(actor), I.handling_center_id == (actor.center_id or -1))
    row = session.execute(
        select(
            func.count().filter(I.is_open),
            func.count().filter(I.is_open, I.resolve_deadline < now),
            func.count().filter(I.supervised),
            func.count().filter(I.status == "reported"),
        ).where(mine)
    ).one()
    return {"open": row[0], "overdue": row[1], "supervised": row[2], "to_accept": row[3]}


def report_in(
    factory: sessionmaker[Session], actor: Actor, new: NewIncident,
    policy: IncidentPolicy,
) -> int:  # fmt: skip
    """`report` in its own transaction (the hotline form)."""
    with transaction(factory) as session:
        return report(session, actor, new, policy=policy)


def take_call_in(
    factory: sessionmaker[Session], actor: Actor, new: NewIncident, policy: IncidentPolicy
) -> int:
    """热线受理 at a console: the call lands at the center that answered it (a county as
    well as a township), which accepts it and handles it itself or passes it down (分流派单
    to a township center or a department). A report from elsewhere (`report_in`, imports,
    the intake service) lands at its grid cell's township center instead."""
    return report_in(factory, actor, replace(new, take_in=True), policy)


def supervise_in(
    factory: sessionmaker[Session], actor: Actor, incident_id: int, expected_version: int,
    deadline: datetime | timedelta, note: str, *, now: datetime | None = None,
) -> IncidentDetail:  # fmt: skip
    """`supervise` with the optimistic check, in its own transaction. `deadline` is a
    moment (naive UTC) or a time from now (the service's clock, not the console's)."""
    when = now or models.utcnow()
    due = when + deadline if isinstance(deadline, timedelta) else deadline

    def work(session: Session) -> IncidentDetail:
        inc = _load(session, actor, incident_id)
        if inc.version != expected_version:
            raise StaleState(f"incident {incident_id} was changed by someone else", id=incident_id)
        supervise(session, actor, incident_id, due, note)
        session.flush()
        return detail(session, actor, incident_id, now=when)

    return run(factory, actor, incident_id, work)


def follow_up_in(
    factory: sessionmaker[Session], actor: Actor, origin_id: int, texts: Sequence[str],
    *, policy: IncidentPolicy,
) -> list[int]:  # fmt: skip
    """举一反三 tasks for a resolved or closed case, in one transaction."""
    with transaction(factory) as session:
        return [open_follow_up(session, actor, origin_id, t, policy=policy) for t in texts]


def sweep_overdue(
    factory: sessionmaker[Session],
    region_code: str,
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
) -> list[int]:
    """The console's clock: escalate overdue cases in a region's subtree, as the system.

    Several consoles may sweep overlapping subtrees at once; the loser of a race on a case
    rolls back and the next sweep picks up whatever is still due.
    """
    with factory() as session:
        region = session.scalar(select(models.Region).where(models.Region.adcode == region_code))
        if region is None:
            return []
        center = session.scalar(
            select(models.CommandCenter.id).where(models.CommandCenter.region_id == region.id)
        )
        actor = system_actor(region, center)
    try:
        with transaction(factory) as session:
            return escalate_overdue(session, actor, policy=policy, now=now)
    except StaleDataError:
        return []
