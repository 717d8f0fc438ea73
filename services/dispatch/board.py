"""What the dispatch side reads and shows: the frozen values (proposals, dispatches, the
unit board, the case in focus, the map layer), which units and cases an account sees, and
the reads (the board, a case's dispatches, the active ones, the map layer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.dispatch.rules import DispatchPolicy, availability_step, steps_from
from services.errors import NotAllowed, NotFound
from services.store import models
from services.territory import jurisdiction
from services.wall.regions import LEVEL_COLUMN

R = models.Resource
D = models.Dispatch
I = models.Incident  # noqa: E741 - short alias keeps the queries readable


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


def _dispatch_row(session: Session, d: models.Dispatch) -> DispatchRow:
    unit = session.get(R, d.resource_id)
    assert unit is not None
    return DispatchRow(
        d.id, d.incident_id, d.resource_id, unit.name, unit.kind, unit.response_level,
        d.status, d.active, d.dispatched_at, d.acknowledged_at, d.arrived_at, d.cleared_at,
        d.returned_at, d.dispatched_by, d.activation_id, d.version,
        steps_from(d.status) if d.active else (),
    )  # fmt: skip


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
