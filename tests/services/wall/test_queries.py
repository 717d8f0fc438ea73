"""What the wall shows equals a direct SQL count, after a burst of simulated events."""

from __future__ import annotations

from sqlalchemy import Engine, text

from services import wall as wall_queries
from services.demo.simulator import Simulator
from services.store import models


def _direct(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_counts_equal_direct_sql_after_a_burst(demo_engine: Engine) -> None:
    sim = Simulator(demo_engine, seed=5)
    for _ in range(150):
        sim.step()
    now = models.utcnow()
    snap = wall_queries.wall_snapshot(demo_engine, "330100", now=now)
    clock = wall_queries.Clock.at(now, "Asia/Shanghai")
    where = "city_code = '330100'"
    assert snap.kpis.open == _direct(demo_engine, f"SELECT count(*) FROM incident WHERE {where} AND is_open")
    assert snap.kpis.reported_today == _direct(
        demo_engine, f"SELECT count(*) FROM incident WHERE {where} AND reported_at >= :t", t=clock.today
    )
    assert snap.kpis.overdue == _direct(
        demo_engine,
        f"SELECT count(*) FROM incident WHERE {where} AND is_open AND resolve_deadline < :n",
        n=now,
    )
    assert snap.kpis.resolved_today == _direct(
        demo_engine, f"SELECT count(*) FROM incident WHERE {where} AND resolved_at >= :t", t=clock.today
    )
    assert sum(snap.hourly_today) == snap.kpis.reported_today
    assert sum(d.count for d in snap.daily_30) == _direct(
        demo_engine, f"SELECT count(*) FROM incident WHERE {where} AND reported_at >= :t", t=clock.start30
    )
    assert snap.feed_seq >= 150 - 20  # every event but idle ones made change records


def test_parent_is_the_sum_of_its_children(demo_engine: Engine) -> None:
    sim = Simulator(demo_engine, seed=9)
    for _ in range(60):
        sim.step()
    now = models.utcnow()
    county = wall_queries.wall_snapshot(demo_engine, "330106", now=now)
    assert county.children, "a county has townships"
    assert county.kpis.open == sum(c.open for c in county.children)
    assert county.kpis.overdue == sum(c.overdue for c in county.children)
    assert county.kpis.reported_today == sum(c.reported_today for c in county.children)
    province = wall_queries.wall_snapshot(demo_engine, "330000", now=now)
    assert [c.name for c in province.children][:2] == ["杭州市", "宁波市"]
    assert len(province.children) == 11
    assert province.kpis.open == sum(c.open for c in province.children)
    assert county.breadcrumb == (("330000", "浙江省"), ("330100", "杭州市"), ("330106", "西湖区"))


def test_rolled_up_counters_equal_the_direct_queries(demo_engine: Engine) -> None:
    """The fast path (daily counters summed in the database) and the direct incident
    queries agree on the KPIs, the 30-day series and every child row, at each level."""
    sim = Simulator(demo_engine, seed=13)
    for _ in range(80):
        sim.step()
    now = models.utcnow()
    clock = wall_queries.Clock.at(now, "Asia/Shanghai")
    with demo_engine.connect() as conn:
        for code in ("330000", "330100", "330106"):
            region = wall_queries.region_by_code(conn, code)
            fast = wall_queries.rolled_up(conn, region, clock)
            assert fast.kpis == wall_queries.kpis(conn, region, clock), code
            assert fast.daily == wall_queries.daily(conn, region, clock), code
            assert fast.children == wall_queries.children(conn, region, clock), code
            assert sum(c.reported_today for c in fast.children) == fast.kpis.reported_today


def test_header_names_the_people_on_duty_and_four_haves(demo_engine: Engine) -> None:
    snap = wall_queries.wall_snapshot(demo_engine, "330000")
    h = snap.header
    assert h.center_name == "浙江省社会治理综合指挥中心"
    assert h.duty_officer and h.leader_on_duty
    assert [f.key for f in h.four_haves] == ["venue", "screen", "staff", "mechanism"]
    assert all(f.reason for f in h.four_haves)


def test_short_staffed_and_late_handover_fail_their_haves(
    demo_engine: Engine, demo_owner_engine: Engine
) -> None:
    from sqlalchemy import delete, select, update

    now = models.utcnow()
    with demo_owner_engine.begin() as conn:  # the console never deletes: the owner sets up
        center_id = conn.execute(
            select(models.CommandCenter.id).join(models.Region).where(models.Region.adcode == "330106")
        ).scalar_one()
        conn.execute(
            update(models.Shift)
            .where(models.Shift.center_id == center_id, models.Shift.starts_at <= now, models.Shift.ends_at > now)
            .values(second_officer_id=None)
        )
        ended = select(models.Shift.id).where(models.Shift.center_id == center_id, models.Shift.ends_at < now)
        conn.execute(delete(models.Handover).where(models.Handover.shift_id.in_(ended)))
    haves = {f.key: f for f in wall_queries.wall_snapshot(demo_engine, "330106").header.four_haves}
    assert not haves["staff"].met and haves["staff"].reason == "值班人员 1/2"
    assert not haves["mechanism"].met and "交接班逾期" in haves["mechanism"].reason


def test_daily_counters_equal_a_recount_after_writes(demo_engine: Engine) -> None:
    """incident_daily, kept by the flush hook, equals counters rebuilt from the incidents."""
    from sqlalchemy import select

    from services.store import rollup

    sim = Simulator(demo_engine, seed=21)
    for _ in range(250):  # reports, accepts, resolves, closes
        sim.step()
    cols = ("province_code", "city_code", "county_code", "township_code",
            "reported_at", "resolved_at", "settled_level")  # fmt: skip
    d = models.IncidentDaily
    with demo_engine.connect() as conn:
        incidents = [dict(r._mapping) for r in conn.execute(select(*(getattr(models.Incident, c) for c in cols)))]
        kept = {
            (r.township_code, r.day): (r.reported, r.resolved, r.settled_low, r.resolved_on)
            for r in conn.execute(select(d))
            if (r.reported, r.resolved, r.settled_low, r.resolved_on) != (0, 0, 0, 0)
        }
        resolved_by_sim = conn.execute(
            text("SELECT count(*) FROM incident_event WHERE actor = 'simulator' AND action = 'resolve'")
        ).scalar_one()
    rebuilt = {
        (r["township_code"], r["day"]): (r["reported"], r["resolved"], r["settled_low"], r["resolved_on"])
        for r in rollup.bulk_rows(incidents)
    }
    assert resolved_by_sim > 0, "the burst must include resolutions"
    assert kept == rebuilt


def test_resolution_rate_matches_direct_sql(demo_engine: Engine) -> None:
    now = models.utcnow()
    snap = wall_queries.wall_snapshot(demo_engine, "330000", now=now)
    clock = wall_queries.Clock.at(now, "Asia/Shanghai")
    rep = _direct(demo_engine, "SELECT count(*) FROM incident WHERE reported_at >= :t", t=clock.start30)
    res = _direct(
        demo_engine,
        "SELECT count(*) FROM incident WHERE reported_at >= :t AND resolved_at IS NOT NULL",
        t=clock.start30,
    )
    assert snap.kpis.resolution_rate is not None
    assert abs(snap.kpis.resolution_rate - res / rep) < 1e-12


def test_cell_detail_names_its_people_and_open_cases(demo_engine: Engine) -> None:
    from sqlalchemy import select

    with demo_engine.connect() as conn:
        cell_id = conn.execute(
            select(models.Incident.grid_id).where(models.Incident.is_open).limit(1)
        ).scalar_one()
    d = wall_queries.cell_detail(demo_engine, cell_id)
    assert len(d.grid_heads) == 2 and 1 <= len(d.full_time) <= 3 and d.part_time
    assert d.households > 0 and d.township
    assert d.open_incidents and all(i.status not in ("resolved", "closed") for i in d.open_incidents)
    assert len(d.open_incidents) == _direct(
        demo_engine, "SELECT count(*) FROM incident WHERE grid_id = :g AND is_open", g=cell_id
    )


def _busiest(engine: Engine, column: str, where: str = "1 = 1") -> str:
    with engine.connect() as conn:
        return str(conn.execute(text(
            f"SELECT {column} FROM incident WHERE {where} AND {column} != '' "
            f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 1"
        )).scalar_one())  # fmt: skip


def test_township_ranks_its_communities_and_a_community_its_cells(demo_engine: Engine) -> None:
    """The community level (村/社区) between township and grid: drill-down, ranking and
    counts, each equal to a direct count on the community's code."""
    sim = Simulator(demo_engine, seed=17)
    for _ in range(60):
        sim.step()
    now = models.utcnow()
    clock = wall_queries.Clock.at(now, "Asia/Shanghai")
    town = _busiest(demo_engine, "township_code")
    snap = wall_queries.wall_snapshot(demo_engine, town, now=now)
    assert snap.children and {c.level for c in snap.children} == {"community"}
    assert all(c.adcode[:9] == town and len(c.adcode) == 12 for c in snap.children)
    assert snap.kpis.open == sum(c.open for c in snap.children)
    assert snap.kpis.reported_today == sum(c.reported_today for c in snap.children)
    com = _busiest(demo_engine, "community_code", f"township_code = '{town}'")
    row = next(c for c in snap.children if c.adcode == com)
    assert row.open == _direct(demo_engine, "SELECT count(*) FROM incident WHERE community_code = :c AND is_open", c=com)
    down = wall_queries.wall_snapshot(demo_engine, com, now=now)
    assert down.level == "community" and down.breadcrumb[-2][0] == town
    assert down.kpis.open == row.open
    assert sum(d.count for d in down.daily_30) == _direct(
        demo_engine, "SELECT count(*) FROM incident WHERE community_code = :c AND reported_at >= :t",
        c=com, t=clock.start30,
    )
    assert down.children and {c.level for c in down.children} == {"grid"}
    assert down.kpis.open == sum(c.open for c in down.children)
    cells = wall_queries.territory(demo_engine, com)
    assert len(cells.cell_ids) == len(down.children)
    assert wall_queries.cell_metric(demo_engine, com, "open", now=now) == {
        int(g): float(n) for g, n in _rows(demo_engine, "SELECT grid_id, count(*) FROM incident "
                                           "WHERE community_code = :c AND is_open GROUP BY grid_id", c=com)
    }  # fmt: skip
    detail = wall_queries.cell_detail(demo_engine, int(cells.cell_ids[0]))
    assert detail.community and detail.township == snap.region_name


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def test_county_map_shows_its_cameras_and_units(demo_engine: Engine) -> None:
    points = wall_queries.map_points(demo_engine, "330106")
    assert points.cameras and points.resources
    assert len(points.cameras) == _direct(demo_engine, "SELECT count(*) FROM camera WHERE county_code = '330106'")
    town = wall_queries.map_points(demo_engine, "330106010")
    assert len(town.cameras) == _direct(
        demo_engine, "SELECT count(*) FROM camera c JOIN grid_cell g ON g.id = c.grid_id "
                     "WHERE g.township_code = '330106010'",
    )
