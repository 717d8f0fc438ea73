"""Dispatch on SQLite and PostgreSQL: proposals, the unit following its dispatch, refusals,
and two consoles dispatching the same unit at once.

One demo per backend for the module (a PostgreSQL demo takes ~10 s to build); each test
starts from every unit of the county free and no active dispatch, and files its own
incidents.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from services import accounts, dispatch, incidents
from services.errors import InvalidTransition, NotAllowed, Refused, StaleState
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import changefeed, db, models
from tests.conftest import _build_demo

DEFAULTS = Policies.defaults()


class Console:
    """One console: its own engine (connection pool) and signed-in account."""

    def __init__(self, url: str, login: str) -> None:
        self.engine = db.make_engine(url)
        self.factory = db.session_factory(self.engine)
        with self.factory() as s:
            self.actor = accounts.actor_for(s, login)
        self.seen = changefeed.head(self.engine)

    def board(self) -> dispatch.DispatchBoard:
        with self.factory() as s:
            return dispatch.board(s, self.actor, policy=DEFAULTS.dispatch)

    def unit(self, rid: int) -> dispatch.UnitRow:
        return next(u for u in self.board().units if u.id == rid)

    def feed(self) -> set[tuple[str, int]]:
        changes = changefeed.read_after(self.engine, self.seen)
        if changes:
            self.seen = changes[-1].seq
        return {(c.entity, c.entity_id) for c in changes}

    def close(self) -> None:
        self.engine.dispose()


def _county(engine: Engine) -> tuple[str, str]:
    """A county with level-2 units, and another county."""
    with Session(engine) as s:
        r = models.Resource
        counties = s.scalars(
            select(r.county_code).where(r.response_level == 2).group_by(r.county_code)
            .having(func.count() >= 3).order_by(r.county_code)
        ).all()  # fmt: skip
    return counties[0], counties[1]


def _incident(console: Console, county: str, category: str = "public_order") -> int:
    with console.factory() as s:
        g = models.GridCell
        grid = s.scalar(select(g.id).where(g.county_code == county).order_by(g.id).limit(1))
    with db.transaction(console.factory) as s:
        return incidents.report(s, console.actor, NewIncident(
            category=category, description="广场人员聚集", priority=2, grid_id=grid), policy=DEFAULTS.incidents)  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_demo_url(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> str:  # fmt: skip
    if request.param == "sqlite":
        template = request.getfixturevalue("demo_template")
        target = tmp_path_factory.mktemp("dispatch") / "demo.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_databases").new()
    return _build_demo(url)  # the application role's URL


@pytest.fixture
def demo_engine(module_demo_url: str) -> Iterator[Engine]:
    eng = db.make_engine(module_demo_url)
    yield eng
    eng.dispose()


@pytest.fixture
def county_consoles(module_demo_url: str, demo_engine: Engine):  # type: ignore[no-untyped-def]
    demo_url = module_demo_url
    county, other = _county(demo_engine)
    with db.transaction(db.session_factory(demo_engine)) as s:
        # Every unit of the county free and no dispatch active, so each test chooses.
        s.execute(update(models.Dispatch).where(models.Dispatch.active)
                  .values(active=False, status="cancelled"))  # fmt: skip
        s.execute(update(models.Resource).where(models.Resource.county_code == county)
                  .values(status="available"))  # fmt: skip
    made = {"duty": Console(demo_url, f"{county}.duty"),
            "leader": Console(demo_url, f"{county}.leader"),
            "viewer": Console(demo_url, f"{county}.viewer"),
            "other": Console(demo_url, f"{other}.duty")}  # fmt: skip
    yield made, county, other
    for c in made.values():
        c.close()


def test_propose_picks_the_nearest_available_of_kind_and_level(county_consoles) -> None:  # type: ignore[no-untyped-def]
    consoles, county, _ = county_consoles
    duty = consoles["duty"]
    iid = _incident(duty, county)
    with duty.factory() as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None
        units = s.scalars(select(models.Resource).where(
            models.Resource.county_code == county, models.Resource.response_level == 2,
            models.Resource.kind.in_(("emergency", "urban_management")))).all()  # fmt: skip
        by_distance = sorted(units, key=lambda u: (
            dispatch.haversine_km(inc.lon, inc.lat, u.lon, u.lat), u.id))  # fmt: skip
        p = dispatch.propose(s, duty.actor, iid, ["emergency", "urban_management"], 2, 2, policy=DEFAULTS.dispatch)
    assert [c.resource_id for c in p.candidates] == [u.id for u in by_distance[:2]]
    first = p.candidates[0]
    assert first.distance_km <= p.candidates[1].distance_km
    assert first.eta_minutes == pytest.approx(dispatch.DEFAULT_POLICY.eta_minutes(first.distance_km), abs=0.1)
    # The nearest taken out of service: the next one is proposed instead.
    dispatch.set_available(duty.factory, duty.actor, first.resource_id, False)
    with duty.factory() as s:
        again = dispatch.propose(s, duty.actor, iid, ["emergency", "urban_management"], 2, 2, policy=DEFAULTS.dispatch)
    assert first.resource_id not in [c.resource_id for c in again.candidates]
    assert again.candidates[0].resource_id == by_distance[1].id
    assert all(c.level == 2 and c.kind in ("emergency", "urban_management") for c in again.candidates)


def test_the_unit_follows_its_dispatch(county_consoles) -> None:  # type: ignore[no-untyped-def]
    consoles, county, _ = county_consoles
    duty, leader = consoles["duty"], consoles["leader"]
    iid = _incident(duty, county)
    with duty.factory() as s:
        cand = dispatch.propose(s, duty.actor, iid, ["emergency", "urban_management"], 2, 1, policy=DEFAULTS.dispatch).candidates[0]
    (row,) = dispatch.dispatch_units(duty.factory, duty.actor, iid, [(cand.resource_id, cand.version)])
    assert row.status == "dispatched" and row.active
    assert duty.unit(cand.resource_id).status == "dispatched"
    assert duty.unit(cand.resource_id).incident_id == iid
    # The other console sees the dispatch and the unit change on its feed.
    seen = leader.feed()
    assert ("dispatch", row.id) in seen and ("resource", cand.resource_id) in seen
    expected = {"acknowledge": "en_route", "arrive": "on_scene", "clear": "returning",
                "return": "available"}  # fmt: skip
    version = row.version
    for step, unit_status in expected.items():
        after = dispatch.advance(duty.factory, duty.actor, row.id, step, expected_version=version)
        version = after.version
        u = leader.unit(cand.resource_id)
        assert u.status == unit_status, step
        if step == "arrive":
            with duty.factory() as s:
                inc = s.get(models.Incident, iid)
                assert inc is not None and (u.lon, u.lat) == (inc.lon, inc.lat)
    assert not after.active and after.returned_at is not None
    assert after.acknowledged_at and after.arrived_at and after.cleared_at
    with duty.factory() as s:
        unit = s.get(models.Resource, cand.resource_id)
        assert unit is not None and (unit.lon, unit.lat) == (unit.home_lon, unit.home_lat)
        events = [e.action for e in incidents.detail(s, duty.actor, iid).events]
        audits = s.scalar(select(func.count()).select_from(models.AuditLog).where(
            models.AuditLog.entity == "dispatch", models.AuditLog.entity_id == row.id))  # fmt: skip
    assert events[-5:] == ["dispatch", "unit_ack", "unit_arrive", "unit_clear", "unit_return"]
    assert audits == 5
    # A stale step (the version the console showed is old) is refused with the current state.
    with pytest.raises(StaleState) as err:
        dispatch.advance(duty.factory, duty.actor, row.id, "clear", expected_version=row.version)
    assert err.value.current.status == "returned"
    # Out of order: a returned dispatch takes no more steps; the unit is free again.
    with pytest.raises(InvalidTransition):
        dispatch.advance(duty.factory, duty.actor, row.id, "arrive")
    (again,) = dispatch.dispatch_units(duty.factory, duty.actor, iid, [cand.resource_id])
    assert again.id != row.id


def test_refusals(county_consoles) -> None:  # type: ignore[no-untyped-def]
    consoles, county, other = county_consoles
    duty, viewer, far = consoles["duty"], consoles["viewer"], consoles["other"]
    iid = _incident(duty, county)
    with duty.factory() as s:
        ids = [c.resource_id for c in dispatch.propose(s, duty.actor, iid, n=3, policy=DEFAULTS.dispatch).candidates]
        foreign = s.scalar(select(models.Resource.id).where(models.Resource.county_code == other))
    assert foreign is not None
    # Unavailable unit.
    dispatch.set_available(duty.factory, duty.actor, ids[0], False)
    with pytest.raises(InvalidTransition) as err:
        dispatch.dispatch_units(duty.factory, duty.actor, iid, [ids[0]])
    assert err.value.code == "unit_unavailable"
    # Outside the center's subtree.
    with pytest.raises(NotAllowed) as err2:
        dispatch.dispatch_units(duty.factory, duty.actor, iid, [foreign])
    assert err2.value.code == "unit_outside"
    # A viewer account may not dispatch; another county may not touch this incident.
    with pytest.raises(NotAllowed) as err2:
        dispatch.dispatch_units(viewer.factory, viewer.actor, iid, [ids[1]])
    assert err2.value.code == "role"
    with pytest.raises(NotAllowed):
        dispatch.dispatch_units(far.factory, far.actor, iid, [ids[1]])
    # Already on an active dispatch; all-or-nothing: the free unit listed with it stays free.
    dispatch.dispatch_units(duty.factory, duty.actor, iid, [ids[1]])
    with pytest.raises(InvalidTransition) as err:
        dispatch.dispatch_units(duty.factory, duty.actor, iid, [ids[2], ids[1]])
    assert err.value.code == "unit_busy"
    assert duty.unit(ids[2]).status == "available"
    # Closed incident.
    with db.transaction(duty.factory) as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None
        inc.status, inc.is_open = "closed", False
    with pytest.raises(InvalidTransition) as err:
        dispatch.dispatch_units(duty.factory, duty.actor, iid, [ids[2]])
    assert err.value.code == "incident_closed"
    # Nothing was written by the refusals: one dispatch in all.
    with duty.factory() as s:
        assert s.scalar(select(func.count()).select_from(models.Dispatch)
                        .where(models.Dispatch.incident_id == iid)) == 1  # fmt: skip
    # The database itself refuses a second active dispatch of a unit.
    with pytest.raises(Exception) as dberr, db.transaction(duty.factory) as s:  # noqa: PT011
        s.add(models.Dispatch(incident_id=iid, resource_id=ids[1], status="dispatched",
                              active=True, dispatched_at=models.utcnow()))  # fmt: skip
    assert "uq_dispatch_active_resource" in str(dberr.value) or "UNIQUE" in str(dberr.value)


def test_two_consoles_dispatch_the_same_unit_one_wins(county_consoles) -> None:  # type: ignore[no-untyped-def]
    """Truly concurrent: both saw the unit free at the same version, both commit."""
    consoles, county, _ = county_consoles
    duty, leader = consoles["duty"], consoles["leader"]
    first, second = _incident(duty, county), _incident(leader, county)
    with duty.factory() as s:
        cand = dispatch.propose(s, duty.actor, first, n=1, policy=DEFAULTS.dispatch).candidates[0]
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def go(name: str, console: Console, iid: int) -> None:
        barrier.wait()
        try:
            results[name] = dispatch.dispatch_units(
                console.factory, console.actor, iid, [(cand.resource_id, cand.version)])
        except Refused as exc:
            results[name] = exc

    threads = [threading.Thread(target=go, args=("duty", duty, first)),
               threading.Thread(target=go, args=("leader", leader, second))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [k for k, v in results.items() if isinstance(v, tuple)]
    lost = [v for v in results.values() if isinstance(v, Refused)]
    assert len(won) == 1 and len(lost) == 1, results
    loser = lost[0]
    # The loser is told who has the unit now, in a sentence a console can show.
    assert isinstance(loser, StaleState)
    assert loser.current is not None and loser.current.status == "dispatched"
    assert loser.current.incident_id == (first if won == ["duty"] else second)
    # Nothing lost: exactly one active dispatch, matching the winner's, with its event.
    winner = results[won[0]]
    assert isinstance(winner, tuple)
    with duty.factory() as s:
        active = s.scalars(select(models.Dispatch).where(
            models.Dispatch.resource_id == cand.resource_id, models.Dispatch.active)).all()  # fmt: skip
        assert [d.id for d in active] == [winner[0].id]
        ev = s.scalars(select(models.IncidentEvent.incident_id).where(
            models.IncidentEvent.action == "dispatch",
            models.IncidentEvent.incident_id.in_((first, second)))).all()  # fmt: skip
        assert ev == [active[0].incident_id]
        unit = s.get(models.Resource, cand.resource_id)
        assert unit is not None and unit.status == "dispatched" and unit.version == cand.version + 1


def test_map_layer_shows_units_and_lines(county_consoles, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    consoles, county, _ = county_consoles
    duty = consoles["duty"]
    iid = _incident(duty, county)
    with duty.factory() as s:
        ids = [c.resource_id for c in dispatch.propose(s, duty.actor, iid, n=2, policy=DEFAULTS.dispatch).candidates]
    rows = dispatch.dispatch_units(duty.factory, duty.actor, iid, ids)
    layer = dispatch.map_layer(demo_engine, county)
    assert {u.id for u in layer.units if u.status == "dispatched"} == set(ids)
    assert {(line.dispatch_id, line.incident_id) for line in layer.lines} == {(r.id, iid) for r in rows}
