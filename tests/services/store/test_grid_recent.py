"""grid_recent, the map's per-cell counters, equals a direct count after every kind of write."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from services import accounts
from services import wall as wall_queries
from services.demo.simulator import Simulator
from services.incidents import importer as incident_import
from services.policies import Policies
from services.store import db, models, rollup
from services.wall.regions import subtree_filter

I, G = models.Incident, models.GridRecent  # noqa: E741 - the queries' short aliases


def _kept(engine: Engine) -> dict[tuple[object, ...], int]:
    cols = [getattr(G, c) for c in rollup.GRID_KEY]
    with engine.connect() as conn:
        return {
            tuple(r[:6]): r.reported for r in conn.execute(select(*cols, G.reported)) if r.reported
        }


def _recount(engine: Engine) -> dict[tuple[object, ...], int]:
    """Incidents per cell and codes reported from the window's start on, counted directly."""
    cols = [getattr(I, c) for c in rollup.GRID_KEY]
    with engine.connect() as conn:
        start = rollup.grid_window_start(conn)
        assert start is not None
        rows = conn.execute(
            select(*cols, func.count().label("n"))
            .where(I.reported_at >= rollup.utc_midnight(start), I.grid_id.is_not(None))
            .group_by(*cols)
        ).all()  # fmt: skip
    return {tuple(r[:6]): r.n for r in rows}


def _map_counts_match(engine: Engine, adcode: str) -> None:
    """grid_counts from the counters equals the covering-index scan for the same instant."""
    with engine.connect() as conn:
        region = wall_queries.region_by_code(conn, adcode)
        start = rollup.grid_window_start(conn)
    assert start is not None
    since = rollup.utc_midnight(start)
    counted = wall_queries.grid_counts(engine, region, since)
    with engine.connect() as conn:
        direct = dict(conn.execute(
            select(I.grid_id, func.count())
            .where(subtree_filter(region), I.reported_at >= since, I.grid_id.is_not(None))
            .group_by(I.grid_id)
        ).all())  # fmt: skip
    assert counted and counted == direct


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_counters_equal_a_direct_count_after_every_kind_of_write(
    demo_engine: Engine, demo_owner_engine: Engine, tmp_path: Path
) -> None:
    assert _kept(demo_engine) == _recount(demo_engine), "the demo build counts its incidents"
    sim = Simulator(demo_engine, seed=31)
    for _ in range(200):  # reports, accepts, resolves, closes
        sim.step()
    assert _kept(demo_engine) == _recount(demo_engine)
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:  # a case moved to another cell (and its codes)
        inc = s.scalars(
            select(I).where(I.grid_id.is_not(None)).order_by(I.reported_at.desc())
        ).first()
        assert inc is not None
        other = s.scalars(select(models.GridCell).where(models.GridCell.id != inc.grid_id)).first()
        assert other is not None
        inc.grid_id, inc.community_code, inc.township_code = (
            other.id,
            other.community_code,
            other.township_code,
        )
        inc.county_code, inc.city_code = other.county_code, other.city_code
        moved = inc.id
    with db.transaction(factory) as s:  # rolled back: counts nothing
        s.add(models.Incident(**{**_copy(s, moved), "external_id": "GR-rolled"}))
        s.flush()
        s.rollback()
    assert _kept(demo_engine) == _recount(demo_engine)
    with Session(demo_engine) as s:
        grid = s.get(models.GridCell, other.id)
        assert grid is not None
        actor = accounts.actor_for(s, f"{grid.county_code}.duty")
    recent = (models.utcnow() + rollup.LOCAL_OFFSET - timedelta(days=2)).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    old = (models.utcnow() + rollup.LOCAL_OFFSET - timedelta(days=45)).strftime("%Y-%m-%dT%H:%M:%S")
    f = tmp_path / "in.csv"
    f.write_text(
        "external_id,category,description,grid_code,priority,reported_at,reporter\n"
        f"GR-1,dispute,楼道堆物纠纷,{grid.code},3,{recent},王先生\n"
        f"GR-2,fire,电动车楼道充电,{grid.code},2,{old},李女士\n",
        encoding="utf-8",
    )
    summary = incident_import.import_incidents(demo_engine, actor, str(f),
                                               policy=Policies.defaults().incidents)  # fmt: skip
    assert summary.added == 2
    assert _kept(demo_engine) == _recount(demo_engine)
    with Session(demo_owner_engine) as s, s.begin():  # the console deletes nothing; the owner may
        gone = s.get(I, moved)
        assert gone is not None
        s.execute(delete(models.IncidentEvent).where(models.IncidentEvent.incident_id == moved))
        s.delete(gone)
    assert _kept(demo_engine) == _recount(demo_engine)
    _map_counts_match(demo_engine, wall_queries.root_region_code(demo_engine))
    _map_counts_match(demo_engine, grid.county_code)


def _copy(s: Session, incident_id: int) -> dict[str, object]:
    inc = s.get(I, incident_id)
    assert inc is not None
    skip = {"id", "version", "external_id"}
    return {c.key: getattr(inc, c.key) for c in I.__table__.columns if c.key not in skip}


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_moving_the_window_subtracts_the_days_that_leave_it(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        start = rollup.grid_window_start(conn)
    assert start is not None
    with demo_engine.begin() as conn:
        assert not rollup.advance_grid_window(conn, start), "never backwards, nor in place"
        assert rollup.advance_grid_window(conn, start + timedelta(days=3))
    assert _kept(demo_engine) == _recount(demo_engine)
    _map_counts_match(demo_engine, wall_queries.root_region_code(demo_engine))
    with demo_engine.connect() as conn:
        region = wall_queries.region_by_code(conn, wall_queries.root_region_code(demo_engine))
        old_since = rollup.utc_midnight(start)
        direct = conn.execute(
            text("SELECT count(*) FROM incident WHERE reported_at >= :t AND grid_id IS NOT NULL"),
            {"t": old_since},
        ).scalar_one()
    # The old start is no longer the window's: grid_counts scans, and still counts right.
    assert sum(wall_queries.grid_counts(demo_engine, region, old_since).values()) == direct


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_the_clock_moves_a_window_left_behind_at_midnight(
    demo_engine: Engine, demo_owner_engine: Engine
) -> None:
    import threading

    from services import clock

    due = rollup.grid_window_start_for(models.utcnow())
    cols = ("grid_id", "community_code", "province_code", "city_code", "county_code",
            "township_code", "reported_at", "resolved_at", "settled_level")  # fmt: skip
    with demo_owner_engine.begin() as conn:  # the window as it stood before last midnight
        incidents = [dict(r._mapping) for r in conn.execute(select(*(getattr(I, c) for c in cols)))]
        conn.execute(delete(G))
        conn.execute(delete(models.GridRecentWindow))
        rollup.write_grid_window(conn, incidents, due - timedelta(days=1))
    assert _kept(demo_engine) == _recount(demo_engine)
    plan = clock.ClockPlan(escalate_every=None, rules_every=None, capacity_every=None,
                           index_every=None)  # fmt: skip
    clock.run(demo_engine, "330000", Policies.defaults(), threading.Event(), plan, rounds=1)
    with demo_engine.connect() as conn:
        assert rollup.grid_window_start(conn) == due
    assert _kept(demo_engine) == _recount(demo_engine)
    _map_counts_match(demo_engine, wall_queries.root_region_code(demo_engine))
