"""The field side of the demo: linkage units that report back by themselves.

A real unit reports acknowledge / arrive / clear / return on the radio and an officer
records it; the simulator stands in for the units, so their steps and their movement
along the route show on the wall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor
from services.dispatch.rules import DispatchPolicy, haversine_km
from services.dispatch.units import step_in_session
from services.errors import InvalidTransition, StaleState
from services.store import models
from services.store.db import transaction

D, R, I = models.Dispatch, models.Resource, models.Incident  # noqa: E741


@dataclass(frozen=True)
class FieldTiming:
    """How fast simulated units report back (seconds): acknowledge, travel (ETA scaled
    by `travel_scale`, capped), time on scene, and the way home."""

    ack_s: float = 8.0
    travel_scale: float = 0.05  # 20 min ETA → 60 s of demo time
    travel_min_s: float = 10.0
    travel_max_s: float = 60.0
    on_scene_s: float = 45.0
    return_s: float = 30.0


FIELD_ACTOR = Actor(
    login="unit", name="单位回报", role="system", center_id=None,
    region_id=0, region_code="", region_level="", region_path="/",
)  # fmt: skip
"""Who records the units' own reports (the field side, not an officer)."""


def simulate_field(
    factory: sessionmaker[Session],
    now: datetime | None = None,
    timing: FieldTiming = FieldTiming(),
    *,
    policy: DispatchPolicy,
) -> list[tuple[int, str]]:
    """Advance every active dispatch whose current step has lasted long enough, as the
    units would report it, and move units that are en route along their line. Returns
    (dispatch id, step) taken. Used by the simulator; a step another console took first
    is skipped."""
    now = now or models.utcnow()
    with factory() as session:
        rows = session.execute(
            select(D.id, D.status, D.version, D.dispatched_at, D.acknowledged_at,
                   D.arrived_at, D.cleared_at, R.id.label("rid"), R.lon, R.lat,
                   R.home_lon, R.home_lat, I.lon.label("ilon"), I.lat.label("ilat"))
            .join(R, R.id == D.resource_id).join(I, I.id == D.incident_id)
            .where(D.active).order_by(D.id)
        ).all()  # fmt: skip
    taken: list[tuple[int, str]] = []
    for r in rows:
        step: str | None = None
        if r.status == "dispatched" and (now - r.dispatched_at).total_seconds() >= timing.ack_s:
            step = "acknowledge"
        elif r.status == "acknowledged" and r.acknowledged_at is not None:
            dist = haversine_km(r.home_lon, r.home_lat, r.ilon, r.ilat)
            travel = min(timing.travel_max_s, max(
                timing.travel_min_s, policy.eta_minutes(dist) * 60 * timing.travel_scale))
            elapsed = (now - r.acknowledged_at).total_seconds()
            if elapsed >= travel:
                step = "arrive"
            else:
                _move(factory, r.rid, (r.home_lon, r.home_lat), (r.ilon, r.ilat),
                      elapsed / travel)
        elif r.status == "arrived" and r.arrived_at is not None:
            if (now - r.arrived_at).total_seconds() >= timing.on_scene_s:
                step = "clear"
        elif r.status == "cleared" and r.cleared_at is not None:
            elapsed = (now - r.cleared_at).total_seconds()
            if elapsed >= timing.return_s:
                step = "return"
            else:
                _move(factory, r.rid, (r.ilon, r.ilat), (r.home_lon, r.home_lat),
                      elapsed / timing.return_s)
        if step is None:
            continue
        try:
            with transaction(factory) as session:
                step_in_session(session, FIELD_ACTOR, r.id, step, expected_version=r.version,
                                now=now)  # fmt: skip
            taken.append((r.id, step))
        except (StaleState, StaleDataError, InvalidTransition):
            continue  # someone recorded it first; look again next time
    return taken


def _move(factory: sessionmaker[Session], resource_id: int, start: tuple[float, float],
          end: tuple[float, float], fraction: float) -> None:  # fmt: skip
    """Put a moving unit a share of the way along its line (position only)."""
    f = min(1.0, max(0.0, fraction))
    try:
        with transaction(factory) as session:
            unit = session.get(R, resource_id)
            if unit is None or unit.status not in ("en_route", "returning"):
                return
            unit.lon = start[0] + (end[0] - start[0]) * f
            unit.lat = start[1] + (end[1] - start[1]) * f
    except StaleDataError:
        return
