"""Resource dispatch (三级联动): proposing the nearest units, dispatching them, their steps.

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

The state machine and `DispatchPolicy` live in `rules`; the values and the reads (the
board, a case's dispatches, the map layer) in `board`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor
from services.dispatch.board import (
    Candidate,
    DispatchRow,
    Proposal,
    UnitRow,
    _dispatch_row,
    _may_step,
    _unit_inside,
    _unit_rows,
    _unit_visible,
    incident_for,
)
from services.dispatch.rules import (
    AUDIT_FIELDS,
    BUSY_STATUSES,
    EVENT_ACTION,
    STAMP,
    UNIT_AUDIT_FIELDS,
    UNIT_STATUS_FOR,
    DispatchPolicy,
    _haversine_np,
    next_status,
)
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, StaleState
from services.store import audit, models
from services.store.db import transaction

R = models.Resource
D = models.Dispatch


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
