"""Resource dispatch (三级联动): linkage units, their status board, proposals and dispatches.

A linkage unit (`models.Resource`) has a response level (一级/二级/三级), a home base, a
position and a status. A dispatch sends one unit to one incident and records each step
with its time; the unit's status follows the dispatch, never set by hand while a dispatch
is active::

    dispatch      acknowledge       arrive        clear         return
  ──────────→ dispatched ──────→ acknowledged ──→ arrived ──→ cleared ──→ returned
   unit:      dispatched          en_route        on_scene    returning    available
              └──────── cancel ─────┘ → cancelled (unit available where it is)

A unit is in at most one active dispatch: the partial unique index
`uq_dispatch_active_resource` and the version column of `resource` refuse a second one at
the database, so two consoles dispatching the same unit at once cannot both win; the loser
gets `StaleState` carrying the unit as it is now.

Every write is one transaction with an audit row and, for the incident's timeline, an
IncidentEvent (actions `dispatch`, `unit_ack`, `unit_arrive`, `unit_clear`, `unit_return`,
`unit_cancel`; the incident row itself is not touched, so its version does not move).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, StaleState
from services.store import audit, models
from services.store.db import transaction
from services.territory import jurisdiction
from services.wall.queries import LEVEL_COLUMN

R = models.Resource
D = models.Dispatch
I = models.Incident  # noqa: E741 - short alias keeps the queries readable

UNIT_KINDS: tuple[str, ...] = (
    "police", "fire", "medical", "emergency", "urban_management", "grid_team", "volunteer",
)  # fmt: skip
"""Kinds of linkage unit (services.demo.UNIT_KINDS), plus vehicles and depots if present."""
LEVELS: tuple[int, ...] = (1, 2, 3)
UNIT_STATUSES: tuple[str, ...] = (
    "available", "dispatched", "en_route", "on_scene", "returning", "unavailable",
)  # fmt: skip
BUSY_STATUSES = frozenset({"dispatched", "en_route", "on_scene", "returning"})
DISPATCH_STATUSES: tuple[str, ...] = (
    "dispatched", "acknowledged", "arrived", "cleared", "returned", "cancelled",
)  # fmt: skip
ACTIVE_DISPATCH = frozenset({"dispatched", "acknowledged", "arrived", "cleared"})

# step -> (dispatch states it starts from, state it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "acknowledge": (frozenset({"dispatched"}), "acknowledged"),
    "arrive": (frozenset({"acknowledged"}), "arrived"),
    "clear": (frozenset({"arrived"}), "cleared"),
    "return": (frozenset({"cleared"}), "returned"),
    "cancel": (frozenset({"dispatched", "acknowledged"}), "cancelled"),
}
# dispatch state -> the unit's status
UNIT_STATUS_FOR: dict[str, str] = {
    "dispatched": "dispatched",
    "acknowledged": "en_route",
    "arrived": "on_scene",
    "cleared": "returning",
    "returned": "available",
    "cancelled": "available",
}
# dispatch state -> the time column it stamps
STAMP: dict[str, str] = {
    "acknowledged": "acknowledged_at",
    "arrived": "arrived_at",
    "cleared": "cleared_at",
    "returned": "returned_at",
    "cancelled": "returned_at",
}
EVENT_ACTION: dict[str, str] = {
    "dispatch": "dispatch", "acknowledge": "unit_ack", "arrive": "unit_arrive",
    "clear": "unit_clear", "return": "unit_return", "cancel": "unit_cancel",
}  # fmt: skip
EARTH_RADIUS_KM = 6371.0
AUDIT_FIELDS = ("status", "active", "acknowledged_at", "arrived_at", "cleared_at",
                "returned_at", "version")  # fmt: skip
UNIT_AUDIT_FIELDS = ("status", "lon", "lat", "version")


def next_status(dispatch_status: str, step: str) -> str:
    """The dispatch state after `step`, or InvalidTransition (the state machine)."""
    if step not in STEPS:
        raise InvalidInput(f"unknown dispatch step {step!r}", code="step", step=step)
    starts, to = STEPS[step]
    if dispatch_status not in starts:
        raise InvalidTransition(
            f"a dispatch that is {dispatch_status} cannot {step}",
            code="dispatch_step", status=dispatch_status, step=step,
        )  # fmt: skip
    return to


def steps_from(dispatch_status: str) -> tuple[str, ...]:
    """The steps a dispatch in this state may take now."""
    return tuple(s for s, (starts, _) in STEPS.items() if dispatch_status in starts)


# --------------------------------------------------------------------------- policy

DEFAULT_AMBER: dict[str, float] = {
    "dispatched": 3, "en_route": 20, "on_scene": 60, "returning": 30, "unavailable": 480,
}  # fmt: skip
DEFAULT_RED: dict[str, float] = {
    "dispatched": 5, "en_route": 40, "on_scene": 120, "returning": 60, "unavailable": 1440,
}  # fmt: skip


@dataclass(frozen=True)
class DispatchPolicy:
    """Travel model and the time-in-state limits of the board (`[dispatch]` in config).

    `speed_kmh` is the average road speed (40 km/h: urban, with lights), `road_factor`
    turns the straight-line distance into a road distance. A unit longer than
    `amber_minutes[status]` in a status shows amber, longer than `red_minutes` red.
    """

    speed_kmh: float = 40.0
    road_factor: float = 1.3
    amber_minutes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_AMBER))
    red_minutes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RED))

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> DispatchPolicy:
        """`[dispatch] speed_kmh, road_factor`; `amber_minutes`/`red_minutes` either one
        number for every status or a table by status (`[dispatch.amber_minutes] en_route = 15`)."""
        table = raw.get("dispatch", {}) or {}

        def limits(key: str, default: dict[str, float]) -> dict[str, float]:
            value = table.get(key)
            out = dict(default)
            if value is None:
                return out
            if isinstance(value, int | float):
                return {s: float(value) for s in out}
            if not isinstance(value, Mapping):
                raise InvalidInput(f"[dispatch] {key} must be a number or a table", code="config")
            for status, minutes in value.items():
                if status not in UNIT_STATUSES:
                    raise InvalidInput(f"[dispatch] {key}: unknown status {status!r}",
                                       code="config")  # fmt: skip
                out[status] = float(minutes)
            return out

        amber = limits("amber_minutes", DEFAULT_AMBER)
        red = limits("red_minutes", DEFAULT_RED)
        for status in amber:
            if status in red and red[status] < amber[status]:
                raise InvalidInput(f"[dispatch] red_minutes.{status} is below amber",
                                   code="config")  # fmt: skip
        speed = float(table.get("speed_kmh", 40.0))
        if speed <= 0:
            raise InvalidInput("[dispatch] speed_kmh must be positive", code="config")
        return cls(speed, float(table.get("road_factor", 1.3)), amber, red)

    def eta_minutes(self, distance_km: float) -> float:
        return distance_km * self.road_factor / self.speed_kmh * 60.0

    def alarm(self, status: str, minutes: float) -> str:
        """'' (fine), 'amber' or 'red' for a unit `minutes` into `status`."""
        red = self.red_minutes.get(status)
        if red is not None and minutes >= red:
            return "red"
        amber = self.amber_minutes.get(status)
        if amber is not None and minutes >= amber:
            return "amber"
        return ""


DEFAULT_POLICY = DispatchPolicy()
"""The documented defaults (an empty configuration); callers pass their own."""


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _haversine_np(lon: float, lat: float, lons: Any, lats: Any) -> Any:
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    dp = p2 - p1
    dl = np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Candidate:
    """A unit the console proposes for an incident, nearest first."""

    resource_id: int
    name: str
    kind: str
    level: int
    distance_km: float
    eta_minutes: float
    version: int
    lon: float
    lat: float


@dataclass(frozen=True)
class Proposal:
    """What `propose` found for an incident."""

    incident_id: int
    incident_lon: float
    incident_lat: float
    kinds: tuple[str, ...]
    level: int | None
    candidates: tuple[Candidate, ...]
    category: str = ""
    priority: int = 0
    description: str = ""


@dataclass(frozen=True)
class DispatchRow:
    id: int
    incident_id: int
    resource_id: int
    unit_name: str
    unit_kind: str
    unit_level: int
    status: str
    active: bool
    dispatched_at: datetime
    acknowledged_at: datetime | None
    arrived_at: datetime | None
    cleared_at: datetime | None
    returned_at: datetime | None
    dispatched_by: str
    activation_id: int | None
    version: int
    steps: tuple[str, ...]  # what may happen next


@dataclass(frozen=True)
class UnitRow:
    """One unit on the board, with its current assignment and time in its status."""

    id: int
    name: str
    kind: str
    level: int
    status: str
    status_since: datetime
    minutes_in_state: float
    alarm: str  # '' / amber / red
    township: str
    lon: float
    lat: float
    version: int
    dispatch_id: int | None = None
    dispatch_status: str | None = None
    dispatch_version: int | None = None
    incident_id: int | None = None
    incident_category: str | None = None
    incident_address: str = ""
    steps: tuple[str, ...] = ()
    """The steps its dispatch may take now (`steps_from`), for the view's buttons."""
    availability: str = ""
    """"suspend" (暂停使用) or "resume" (恢复可用) where allowed, else "": a busy unit's
    status follows its dispatch and is never set by hand."""

    @property
    def next_step(self) -> str | None:
        """The step forward (the radio's next report), without cancelling."""
        return next((s for s in self.steps if s != "cancel"), None)


@dataclass(frozen=True)
class CaseFocus:
    """The case the dispatch side follows (the one in focus) as dispatch sees it: whether
    units may be sent to it now, and if not, why (a refusal code)."""

    incident_id: int
    status: str
    is_open: bool
    may_dispatch: bool
    reason: str = ""  # "incident_closed", "role", "" when allowed


def case_focus(session: Session, actor: Actor, incident_id: int) -> CaseFocus:
    """The focused case: open or closed, and whether this account may dispatch to it."""
    inc = incident_for(session, actor, incident_id)
    if not inc.is_open:
        return CaseFocus(inc.id, inc.status, False, False, "incident_closed")
    if not actor.may("dispatch"):
        return CaseFocus(inc.id, inc.status, True, False, "role")
    return CaseFocus(inc.id, inc.status, True, True)


def availability_step(status: str) -> str:
    """Which availability change a unit in this status allows ("" for a busy unit)."""
    return {"available": "suspend", "unavailable": "resume"}.get(status, "")


@dataclass(frozen=True)
class DispatchBoard:
    """The units of a region's subtree: counts by status × level and the unit list."""

    region_code: str
    counts: Mapping[tuple[str, int], int]
    units: tuple[UnitRow, ...]
    now: datetime  # naive UTC of the read
    total: int

    def count(self, status: str | None = None, level: int | None = None) -> int:
        return sum(
            n for (s, lv), n in self.counts.items()
            if (status is None or s == status) and (level is None or lv == level)
        )  # fmt: skip


@dataclass(frozen=True)
class UnitPoint:
    id: int
    name: str
    kind: str
    level: int
    status: str
    lon: float
    lat: float


@dataclass(frozen=True)
class DispatchLine:
    """A unit on its way to (or at) an incident: a line from the unit to the incident."""

    dispatch_id: int
    resource_id: int
    incident_id: int
    status: str
    unit_lon: float
    unit_lat: float
    incident_lon: float
    incident_lat: float


@dataclass(frozen=True)
class DispatchMap:
    units: tuple[UnitPoint, ...]
    lines: tuple[DispatchLine, ...]


# --------------------------------------------------------------------------- scope


def _unit_visible(actor: Actor) -> ColumnElement[bool]:
    """Units inside the actor's subtree (by the home township's region path)."""
    reg = models.Region
    if actor.region_level == "county":
        return R.county_code == actor.region_code
    sub = select(reg.id).where(reg.path.startswith(actor.region_path))
    return R.region_id.in_(sub)


def _unit_inside(session: Session, actor: Actor, unit: models.Resource) -> bool:
    if actor.region_level == "county":
        return unit.county_code == actor.region_code
    path = session.scalar(select(models.Region.path).where(models.Region.id == unit.region_id))
    return bool(path) and actor.sees_path(str(path))


def incident_for(session: Session, actor: Actor, incident_id: int) -> models.Incident:
    inc = session.get(I, incident_id)
    if inc is None:
        raise NotFound(f"no incident {incident_id}", code="no_incident", id=incident_id)
    col = LEVEL_COLUMN.get(actor.region_level)
    if actor.role != "system" and (col is None or getattr(inc, col.key) != actor.region_code):
        raise NotAllowed(f"incident {incident_id} is outside the jurisdiction of {actor.login}",
                         code="outside", id=incident_id)  # fmt: skip
    return inc


def _may_step(actor: Actor) -> None:
    """Officers record steps heard on the radio; the system records the units' own reports."""
    if actor.role != "system":
        actor.require("dispatch")


# --------------------------------------------------------------------------- propose

BOX_KM = (8.0, 30.0, 120.0, None)  # bounding boxes tried in turn, then everything


def propose(
    session: Session,
    actor: Actor,
    incident_id: int,
    kinds: Sequence[str] = (),
    level: int | None = None,
    n: int = 3,
    *,
    policy: DispatchPolicy,
    exclude: Iterable[int] = (),
) -> Proposal:
    """The `n` nearest available units of these kinds (any if empty) and response level
    (any if None) in the actor's subtree, with distance and ETA.

    The read is narrowed by a bounding box around the incident that grows until enough
    units are found; distances are computed in one numpy pass over what the box holds.
    """
    inc = incident_for(session, actor, incident_id)
    found = nearest_available(session, actor, inc.lon, inc.lat, kinds, level, n,
                              policy=policy, exclude=exclude)  # fmt: skip
    return Proposal(inc.id, inc.lon, inc.lat, tuple(kinds), level, found, inc.category,
                    inc.priority, inc.description)  # fmt: skip


def nearest_available(
    session: Session,
    actor: Actor,
    lon: float,
    lat: float,
    kinds: Sequence[str] = (),
    level: int | None = None,
    n: int = 3,
    *,
    policy: DispatchPolicy,
    exclude: Iterable[int] = (),
) -> tuple[Candidate, ...]:
    """The `n` nearest available units to a point (see `propose`)."""
    if n <= 0:
        return ()
    skip = set(exclude)
    conds: list[Any] = [R.status == "available", _unit_visible(actor)]
    if kinds:
        conds.append(R.kind.in_(tuple(kinds)))
    if level is not None:
        conds.append(R.response_level == level)
    cols = (R.id, R.lon, R.lat)
    rows: list[Any] = []
    for box in BOX_KM:
        where = list(conds)
        if box is not None:
            dlat = box / 111.32
            dlon = box / (111.32 * max(0.01, math.cos(math.radians(lat))))
            where += [R.lon.between(lon - dlon, lon + dlon), R.lat.between(lat - dlat, lat + dlat)]
        rows = [r for r in session.execute(select(*cols).where(*where)).all() if r[0] not in skip]
        # Enough inside the box, and the n-th is within the box's inscribed circle: done.
        if box is None or len(rows) >= n:
            if box is not None:
                dist = _haversine_np(lon, lat, np.array([r[1] for r in rows]),
                                     np.array([r[2] for r in rows]))  # fmt: skip
                if np.sort(dist)[n - 1] > box:
                    continue
            break
    if not rows:
        return ()
    ids = np.array([r[0] for r in rows])
    dist = _haversine_np(lon, lat, np.array([r[1] for r in rows], dtype=float),
                         np.array([r[2] for r in rows], dtype=float))  # fmt: skip
    order = np.lexsort((ids, dist))[:n]
    chosen = [int(ids[k]) for k in order]
    dist_of = {int(ids[k]): float(dist[k]) for k in order}
    units = {
        u.id: u
        for u in session.execute(
            select(R.id, R.name, R.kind, R.response_level, R.version, R.lon, R.lat)
            .where(R.id.in_(chosen))
        )
    }  # fmt: skip
    out = []
    for rid in chosen:
        u = units[rid]
        d = dist_of[rid]
        out.append(Candidate(rid, u.name, u.kind, u.response_level, round(d, 2),
                             round(policy.eta_minutes(d), 1), u.version, u.lon, u.lat))  # fmt: skip
    return tuple(out)


# --------------------------------------------------------------------------- writes


def _dispatch_row(session: Session, d: models.Dispatch) -> DispatchRow:
    unit = session.get(R, d.resource_id)
    assert unit is not None
    return DispatchRow(
        d.id, d.incident_id, d.resource_id, unit.name, unit.kind, unit.response_level,
        d.status, d.active, d.dispatched_at, d.acknowledged_at, d.arrived_at, d.cleared_at,
        d.returned_at, d.dispatched_by, d.activation_id, d.version,
        steps_from(d.status) if d.active else (),
    )  # fmt: skip


def timeline_event(session: Session, inc: models.Incident, actor: Actor, action: str,
                    at: datetime, note: str, target: str) -> None:  # fmt: skip
    session.add(models.IncidentEvent(
        incident_id=inc.id, at=at, action=action, from_status=inc.status,
        to_status=inc.status, actor=actor.label, note=note, center_id=actor.center_id,
        target=target,
    ))  # fmt: skip


def _unit_now(session: Session, resource_id: int) -> UnitRow | None:
    """The unit as it is now, with its assignment (for a refusal's `current`)."""
    unit = session.get(R, resource_id)
    if unit is None:
        return None
    rows = _unit_rows(session, [unit], models.utcnow(), None)
    return rows[0] if rows else None


def dispatch_in_session(
    session: Session,
    actor: Actor,
    incident_id: int,
    resource_id: int,
    *,
    expected_version: int | None = None,
    activation_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> models.Dispatch:
    """Send one unit to an incident inside the caller's transaction (see `dispatch_units`)."""
    actor.require("dispatch")
    now = now or models.utcnow()
    inc = incident_for(session, actor, incident_id)
    if not inc.is_open:
        raise InvalidTransition(f"incident {incident_id} is {inc.status}: nothing to dispatch to",
                                code="incident_closed", id=incident_id, status=inc.status)  # fmt: skip
    unit = session.get(R, resource_id)
    if unit is None:
        raise NotFound(f"no unit {resource_id}", code="no_unit", id=resource_id)
    if not _unit_inside(session, actor, unit):
        raise NotAllowed(f"unit {unit.name} is outside the jurisdiction of {actor.login}",
                         code="unit_outside", id=resource_id, unit=unit.name)  # fmt: skip
    if expected_version is not None and unit.version != expected_version:
        raise StaleState(f"unit {unit.name} changed since it was proposed",
                         id=resource_id, unit=unit.name, status=unit.status)  # fmt: skip
    if unit.status != "available":
        code = "unit_busy" if unit.status in BUSY_STATUSES else "unit_unavailable"
        raise InvalidTransition(f"unit {unit.name} is {unit.status}, not available",
                                code=code, id=resource_id, unit=unit.name, status=unit.status)  # fmt: skip
    before = audit.snapshot(unit, UNIT_AUDIT_FIELDS)
    unit.status = "dispatched"
    unit.status_since = now
    d = models.Dispatch(
        incident_id=inc.id, resource_id=unit.id, status="dispatched", active=True,
        dispatched_at=now, center_id=actor.center_id, dispatched_by=actor.label,
        activation_id=activation_id, note=note,
    )  # fmt: skip
    session.add(d)
    session.flush()
    timeline_event(session, inc, actor, "dispatch", now, note or unit.name,
                    f"resource:{unit.id}")  # fmt: skip
    audit.record(session, actor, "dispatch.create", "dispatch", d.id,
                 after=audit.snapshot_after(session, d, AUDIT_FIELDS), detail=f"{unit.name} → #{inc.id}", at=now)  # fmt: skip
    audit.record(session, actor, "resource.status", "resource", unit.id, before=before,
                 after=audit.snapshot_after(session, unit, UNIT_AUDIT_FIELDS), detail=f"dispatch {d.id}", at=now)  # fmt: skip
    return d


T = TypeVar("T")


def run(factory: sessionmaker[Session], work: Callable[[Session], T],
        resource_ids: Sequence[int] = ()) -> T:  # fmt: skip
    """One transaction; a lost race (version or the one-active-dispatch index) becomes
    StaleState carrying the first contested unit as it is now."""
    try:
        with transaction(factory) as session:
            return work(session)
    except StaleState as exc:
        stale = exc
    except (StaleDataError, IntegrityError):
        stale = StaleState("a unit was dispatched or changed by someone else meanwhile",
                           code="unit_taken")  # fmt: skip
    if stale.current is None and resource_ids:
        with factory() as session:
            for rid in resource_ids:
                now_row = _unit_now(session, rid)
                if now_row is not None and now_row.status != "available":
                    stale.current = now_row
                    stale.params.setdefault("unit", now_row.name)
                    stale.params.setdefault("status", now_row.status)
                    break
    raise stale


def dispatch_units(
    factory: sessionmaker[Session],
    actor: Actor,
    incident_id: int,
    units: Sequence[int | tuple[int, int]],
    *,
    activation_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> tuple[DispatchRow, ...]:
    """派遣: send these units (ids, or (id, version as proposed)) to an incident, all or
    none, in one transaction. Refused: unit unavailable/busy, outside the subtree,
    incident closed; StaleState when another console got a unit first."""
    pairs = [(u, None) if isinstance(u, int) else (u[0], u[1]) for u in units]
    if not pairs:
        raise InvalidInput("choose at least one unit", code="no_units")
    if len({rid for rid, _ in pairs}) != len(pairs):
        raise InvalidInput("a unit is listed twice", code="duplicate_unit")

    def work(session: Session) -> tuple[DispatchRow, ...]:
        made = [dispatch_in_session(session, actor, incident_id, rid, expected_version=v,
                                    activation_id=activation_id, note=note, now=now)
                for rid, v in pairs]  # fmt: skip
        session.flush()
        return tuple(_dispatch_row(session, d) for d in made)

    return run(factory, work, [rid for rid, _ in pairs])


def step_in_session(
    session: Session,
    actor: Actor,
    dispatch_id: int,
    step: str,
    *,
    expected_version: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> models.Dispatch:
    """Record one step of a dispatch; the unit's status (and position) follow."""
    _may_step(actor)
    now = now or models.utcnow()
    d = session.get(D, dispatch_id)
    if d is None:
        raise NotFound(f"no dispatch {dispatch_id}", code="no_dispatch", id=dispatch_id)
    inc = incident_for(session, actor, d.incident_id)
    if expected_version is not None and d.version != expected_version:
        raise StaleState(f"dispatch {dispatch_id} changed meanwhile", id=dispatch_id)
    to = next_status(d.status, step)
    unit = session.get(R, d.resource_id)
    assert unit is not None
    before = audit.snapshot(d, AUDIT_FIELDS)
    unit_before = audit.snapshot(unit, UNIT_AUDIT_FIELDS)
    d.status = to
    setattr(d, STAMP[to], now)
    if to in ("returned", "cancelled"):
        d.active = False
    if to == "arrived":
        unit.lon, unit.lat = inc.lon, inc.lat
    elif to == "returned":
        unit.lon, unit.lat = unit.home_lon, unit.home_lat
    unit.status = UNIT_STATUS_FOR[to]
    unit.status_since = now
    if note:
        d.note = f"{d.note}\n{note}".strip()
    session.flush()
    timeline_event(session, inc, actor, EVENT_ACTION[step], now, note or unit.name,
                    f"resource:{unit.id}")  # fmt: skip
    audit.record(session, actor, f"dispatch.{step}", "dispatch", d.id, before=before,
                 after=audit.snapshot_after(session, d, AUDIT_FIELDS), detail=note, at=now)  # fmt: skip
    audit.record(session, actor, "resource.status", "resource", unit.id, before=unit_before,
                 after=audit.snapshot_after(session, unit, UNIT_AUDIT_FIELDS), detail=f"dispatch {d.id}", at=now)  # fmt: skip
    return d


def advance(
    factory: sessionmaker[Session],
    actor: Actor,
    dispatch_id: int,
    step: str,
    *,
    expected_version: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> DispatchRow:
    """One step (acknowledge, arrive, clear, return, cancel) in its own transaction;
    StaleState carries the dispatch as it is now when someone else moved it first."""
    try:
        with transaction(factory) as session:
            d = step_in_session(session, actor, dispatch_id, step,
                                expected_version=expected_version, note=note, now=now)  # fmt: skip
            return _dispatch_row(session, d)
    except StaleState as exc:
        stale = exc
    except StaleDataError:
        stale = StaleState(f"dispatch {dispatch_id} changed meanwhile", id=dispatch_id)
    with factory() as session:
        cur = session.get(D, dispatch_id)
        stale.current = _dispatch_row(session, cur) if cur is not None else None
    raise stale


def set_available(
    factory: sessionmaker[Session], actor: Actor, resource_id: int, available: bool,
    *, expected_version: int | None = None, note: str = "", now: datetime | None = None,
) -> UnitRow:  # fmt: skip
    """Take a unit out of service (unavailable) or back in (available); refused while it
    is on a dispatch."""
    actor.require("dispatch")
    now = now or models.utcnow()

    def work(session: Session) -> None:
        unit = session.get(R, resource_id)
        if unit is None:
            raise NotFound(f"no unit {resource_id}", code="no_unit", id=resource_id)
        if not _unit_inside(session, actor, unit):
            raise NotAllowed(f"unit {unit.name} is outside the jurisdiction of {actor.login}",
                             code="unit_outside", id=resource_id, unit=unit.name)  # fmt: skip
        if expected_version is not None and unit.version != expected_version:
            raise StaleState(f"unit {unit.name} changed meanwhile", id=resource_id)
        if unit.status in BUSY_STATUSES:
            raise InvalidTransition(f"unit {unit.name} is {unit.status}",
                                    code="unit_busy", unit=unit.name, status=unit.status)  # fmt: skip
        target = "available" if available else "unavailable"
        if unit.status == target:
            return
        before = audit.snapshot(unit, UNIT_AUDIT_FIELDS)
        unit.status = target
        unit.status_since = now
        session.flush()
        audit.record(session, actor, "resource.status", "resource", unit.id, before=before,
                     after=audit.snapshot_after(session, unit, UNIT_AUDIT_FIELDS), detail=note, at=now)  # fmt: skip

    run(factory, work, [resource_id])
    with factory() as session:
        row = _unit_now(session, resource_id)
    assert row is not None
    return row


# --------------------------------------------------------------------------- reads


def _unit_rows(session: Session, units: Sequence[Any], now: datetime,
               policy: DispatchPolicy | None) -> list[UnitRow]:  # fmt: skip
    """Board rows of these units; `policy` None leaves the amber/red alarm out (a single
    unit handed back with a refusal: the next board read colours it)."""
    ids = [u.id for u in units]
    active: dict[int, Any] = {}
    for k in range(0, len(ids), 500):
        for r in session.execute(
            select(D.id, D.resource_id, D.status, D.version, D.incident_id, I.category, I.address)
            .join(I, I.id == D.incident_id)
            .where(D.active, D.resource_id.in_(ids[k : k + 500]))
        ):
            active[r.resource_id] = r
    reg = models.Region
    town_ids = {u.region_id for u in units}
    towns: dict[int, str] = {}
    tl = list(town_ids)
    for k in range(0, len(tl), 500):
        towns.update(session.execute(
            select(reg.id, reg.name).where(reg.id.in_(tl[k : k + 500]))
        ).all())  # fmt: skip
    out = []
    for u in units:
        minutes = max(0.0, (now - u.status_since).total_seconds() / 60.0)
        a = active.get(u.id)
        out.append(UnitRow(
            u.id, u.name, u.kind, u.response_level, u.status, u.status_since, minutes,
            policy.alarm(u.status, minutes) if policy else "", towns.get(u.region_id, ""),
            u.lon, u.lat,
            u.version,
            dispatch_id=a.id if a else None, dispatch_status=a.status if a else None,
            dispatch_version=a.version if a else None,
            incident_id=a.incident_id if a else None,
            incident_category=a.category if a else None,
            incident_address=(a.address or "") if a else "",
            steps=steps_from(a.status) if a else (),
            availability=availability_step(u.status),
        ))  # fmt: skip
    return out


STATUS_ORDER = {s: k for k, s in enumerate(
    ("dispatched", "en_route", "on_scene", "returning", "unavailable", "available")
)}  # fmt: skip
ALARM_ORDER = {"red": 0, "amber": 1, "": 2}


def board(
    session: Session,
    actor: Actor,
    *,
    policy: DispatchPolicy,
    now: datetime | None = None,
    limit: int = 500,
) -> DispatchBoard:
    """Counts by status × level for the whole subtree, and the units: those in alarm
    first, then busy ones, longest in their state first."""
    now = now or models.utcnow()
    vis = _unit_visible(actor)
    counts = {
        (str(s), int(lv)): int(n)
        for s, lv, n in session.execute(
            select(R.status, R.response_level, func.count()).where(vis)
            .group_by(R.status, R.response_level)
        )
    }  # fmt: skip
    units = session.execute(
        select(R.id, R.name, R.kind, R.response_level, R.status, R.status_since, R.region_id,
               R.lon, R.lat, R.version).where(vis)
    ).all()  # fmt: skip
    rows = _unit_rows(session, units, now, policy)
    rows.sort(key=lambda u: (ALARM_ORDER[u.alarm], STATUS_ORDER.get(u.status, 9),
                             -u.minutes_in_state, u.level, u.id))  # fmt: skip
    return DispatchBoard(actor.region_code, counts, tuple(rows[:limit]), now, sum(counts.values()))


def dispatches_for_incident(session: Session, actor: Actor,
                            incident_id: int) -> tuple[DispatchRow, ...]:  # fmt: skip
    """Every dispatch of an incident, oldest first."""
    incident_for(session, actor, incident_id)
    return tuple(
        _dispatch_row(session, d)
        for d in session.scalars(select(D).where(D.incident_id == incident_id).order_by(D.id))
    )


def active_dispatches(session: Session, actor: Actor) -> tuple[DispatchRow, ...]:
    """Active dispatches of the units in the actor's subtree."""
    return tuple(
        _dispatch_row(session, d)
        for d in session.scalars(
            select(D).join(R, R.id == D.resource_id).where(D.active, _unit_visible(actor))
            .order_by(D.id)
        )
    )  # fmt: skip


def map_layer(engine: Engine, adcode: str, *, within: str | None = None) -> DispatchMap:
    """Units (with their status) and dispatch lines (unit → incident) of a region's subtree,
    for the map. Lines only for active dispatches. Refused outside the subtree of `within`
    (services.territory.jurisdiction)."""
    reg = models.Region
    with engine.connect() as conn:
        region = conn.execute(
            select(reg.id, reg.adcode, reg.level, reg.path).where(reg.adcode == adcode)
        ).first()
        if region is None:
            raise NotFound(f"no region {adcode}", code="no_region", adcode=adcode)
        jurisdiction.within(within, region.adcode, region.path)
        if region.level == "county":
            vis: ColumnElement[bool] = R.county_code == adcode
        else:
            vis = R.region_id.in_(select(reg.id).where(reg.path.startswith(region.path)))
        units = tuple(
            UnitPoint(r.id, r.name, r.kind, r.response_level, r.status, r.lon, r.lat)
            for r in conn.execute(
                select(R.id, R.name, R.kind, R.response_level, R.status, R.lon, R.lat)
                .where(vis).order_by(R.id)
            )
        )  # fmt: skip
        lines = tuple(
            DispatchLine(r.id, r.resource_id, r.incident_id, r.status, r.lon, r.lat,
                         r.inc_lon, r.inc_lat)
            for r in conn.execute(
                select(D.id, D.resource_id, D.incident_id, D.status, R.lon, R.lat,
                       I.lon.label("inc_lon"), I.lat.label("inc_lat"))
                .join(R, R.id == D.resource_id).join(I, I.id == D.incident_id)
                .where(D.active, vis).order_by(D.id)
            )
        )  # fmt: skip
    return DispatchMap(units, lines)
