"""The demo promises real Zhejiang: 11 cities, 90 counties, the cells asked for, inside."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import shapely
from sqlalchemy import Engine, func, select

from services import demo
from services.demo import build as demo_build
from services.store import db, models
from tests.conftest import DEMO_GRIDS


def _count(engine: Engine, model: type[models.Base], *where: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one())  # type: ignore[arg-type]


def test_demo_has_the_real_province(demo_engine: Engine) -> None:
    r = models.Region
    assert _count(demo_engine, r, r.level == "province") == 1
    assert _count(demo_engine, r, r.level == "city") == 11
    assert _count(demo_engine, r, r.level == "county") == 90
    assert 1200 <= _count(demo_engine, r, r.level == "township") <= 1400
    assert _count(demo_engine, models.GridCell) == DEMO_GRIDS
    with demo_engine.connect() as conn:
        names = set(conn.execute(select(r.name).where(r.level.in_(("city", "county")))).scalars())
    assert {"杭州市", "宁波市", "温州市", "西湖区", "丽水市"} <= names


def test_every_cell_inside_its_township(demo_engine: Engine) -> None:
    g, r = models.GridCell, models.Region
    with demo_engine.connect() as conn:
        rows = conn.execute(select(g.geometry, r.boundary).join(r, r.id == g.region_id)).all()
    assert len(rows) == DEMO_GRIDS
    cells = shapely.from_wkb([c for c, _ in rows])
    towns = shapely.from_wkb([t for _, t in rows])
    inside = shapely.covers(shapely.buffer(towns, 1e-7), cells)
    assert inside.all(), f"{(~inside).sum()} cells outside their township"


def test_demo_people_centers_and_history(demo_engine: Engine) -> None:
    s = models.Staff
    grid_heads = _count(demo_engine, s, s.role == "grid_head")
    assert grid_heads == 2 * DEMO_GRIDS  # Ouhai model: two heads a grid
    # A center at every level that has one: province to township (communities have none).
    r = models.Region
    assert _count(demo_engine, models.CommandCenter) == _count(demo_engine, r, r.level != "community")
    with demo_engine.connect() as conn:
        levels = set(conn.execute(select(models.Resource.response_level).distinct()).scalars())
        days = conn.execute(
            select(func.min(models.Incident.reported_at), func.max(models.Incident.reported_at))
        ).one()
    assert levels == {1, 2, 3}
    assert (days[1] - days[0]).days >= 29
    # ~10,520 reports a day province-wide at 109,000 cells, scaled to the demo size
    per_day = _count(demo_engine, models.Incident) / 31
    assert 0.6 * 10520 * DEMO_GRIDS / 109000 < per_day < 1.2 * 10520 * DEMO_GRIDS / 109000


def test_demo_is_deterministic_and_refuses_without_force(tmp_path: Path) -> None:
    from datetime import datetime

    fixed = datetime(2026, 11, 20, 6, 0)
    opts = demo.DemoOptions(grids=400, townships=300, seed=3, now=fixed)
    codes = []
    for name in ("a.db", "b.db"):
        eng = db.make_engine(f"sqlite:///{tmp_path / name}")
        db.upgrade(eng)
        demo.build_demo(eng, opts)
        with eng.connect() as conn:
            codes.append(
                (
                    list(conn.execute(select(models.GridCell.code, models.GridCell.geometry).order_by(models.GridCell.id))),
                    list(conn.execute(select(models.Incident.grid_id, models.Incident.reported_at).order_by(models.Incident.id))),
                )
            )
    assert codes[0] == codes[1]
    with pytest.raises(demo.DemoRefused):
        demo.build_demo(eng, opts)


def test_failed_forced_demo_keeps_the_old_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    eng = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    db.upgrade(eng)
    demo.build_demo(eng, demo.DemoOptions(grids=300, townships=200, seed=1))
    before = _count(eng, models.Incident)

    monkeypatch.setattr(demo_build._Builder, "incidents", lambda self: None)
    original_write = demo_build._Builder.write

    def half_write(self: demo_build._Builder, conn: object) -> None:
        original_write(self, conn)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_build._Builder, "write", half_write)
    with pytest.raises(RuntimeError):
        demo.build_demo(eng, demo.DemoOptions(grids=300, townships=200, seed=2), force=True)
    assert _count(eng, models.Incident) == before
    assert _count(eng, models.GridCell) == 300


def test_xihu_shows_its_twelve_real_townships_with_their_communities(demo_engine: Engine) -> None:
    """Done means: the Zhejiang demo's 西湖区 has its real townships and communities, on
    the wall too (the county ranks its townships, a township its communities)."""
    from services import wall as wall_queries
    from services.territory.register import Register

    reg = Register.load("330000")
    r = models.Region
    with demo_engine.connect() as conn:
        county_id = conn.execute(select(r.id).where(r.adcode == "330106")).scalar_one()
        towns = conn.execute(
            select(r.id, r.adcode, r.name, r.level).where(r.parent_id == county_id).order_by(r.adcode)
        ).all()
        assert [(t.adcode, t.name) for t in towns] == [(t.code, t.name) for t in reg.townships("330106")]
        assert len(towns) == 12 and {t.level for t in towns} == {"township"}
        for town in towns:
            coms = conn.execute(
                select(r.adcode, r.name, r.level).where(r.parent_id == town.id).order_by(r.adcode)
            ).all()
            assert [(c.adcode, c.name) for c in coms] == [(c.code, c.name) for c in reg.communities(town.adcode)]
            assert {c.level for c in coms} == {"community"}
        # Every cell of the county nests in one of its communities, and says so.
        g = models.GridCell
        cells = conn.execute(
            select(g.township_code, g.community_code, r.adcode, r.level)
            .join(r, r.id == g.region_id).where(g.county_code == "330106")
        ).all()
    assert cells
    assert all(c.level == "community" and c.adcode == c.community_code for c in cells)
    assert all(c.community_code[:9] == c.township_code for c in cells)
    county = wall_queries.wall_snapshot(demo_engine, "330106")
    assert [c.name for c in county.children] == [t.name for t in towns]
    zhuantang = wall_queries.wall_snapshot(demo_engine, "330106010")
    assert zhuantang.region_name == "转塘街道"
    assert len(zhuantang.children) == 46 and {c.level for c in zhuantang.children} == {"community"}


def test_cells_and_reports_follow_population(demo_engine: Engine) -> None:
    """Cells and reports are split by people, not by area: each city's share of the cells is
    its share of the cells its people need (one per ~1,000 urban, ~280 rural people), its
    share of the reports its share of the population; 西湖区 (1.1-1.5 million people on
    312 km²) looks like a working county: at the default 10,000 cells, over a hundred
    reports a week."""
    from services.territory.population import PopulationModel, reports_per_day
    from services.territory.register import Register

    reg = Register.load("330000")
    model = PopulationModel.for_province("330000", (c.kind for c in reg.communities()))
    need: dict[str, float] = {}
    for com in reg.communities():
        need[com.code[:4] + "00"] = need.get(com.code[:4] + "00", 0.0) + model.grids(com.kind)
    r, g, i = models.Region, models.GridCell, models.Incident
    with demo_engine.connect() as conn:
        people = dict(conn.execute(select(r.adcode, r.population).where(r.level == "city")).all())
        cells = dict(conn.execute(select(g.city_code, func.count()).group_by(g.city_code)).all())
        reports = dict(conn.execute(select(i.city_code, func.count()).group_by(i.city_code)).all())
        last = conn.execute(select(func.max(i.reported_at))).scalar_one()
        xihu = conn.execute(
            select(func.count()).where(i.county_code == "330106",
                                       i.reported_at >= last - timedelta(days=28))
        ).scalar_one()  # fmt: skip
        province = conn.execute(select(r.population).where(r.level == "province")).scalar_one()
    assert 60_000_000 < province < 70_000_000  # Zhejiang's 64.57 million (2020 census)
    total_people, total_cells, total_reports = sum(people.values()), sum(cells.values()), sum(reports.values())
    for city, n in people.items():
        share = n / total_people
        assert abs(reports.get(city, 0) / total_reports - share) < 0.25 * share + 0.005, city
        cell_share = need[city] / sum(need.values())
        assert abs(cells.get(city, 0) / total_cells - cell_share) < 0.1 * cell_share + 0.002, city
    # The model's rate for 西湖区 at the default size (its share of the people, five weekdays
    # and two weekend days at 0.82) is over a hundred a week; the demo's last four weeks
    # (about 60 reports at this test's size, so Poisson noise of ~13 %, and a partial last
    # day that depends on the hour the demo was built) agree with it within four sigmas.
    with demo_engine.connect() as conn:
        xihu_people = conn.execute(select(r.population).where(r.adcode == "330106")).scalar_one()
    week = 5 + 2 * 0.82
    share = xihu_people / total_people
    per_week_at_default = (reports_per_day(total_people) * demo_build.DEFAULT_GRIDS
                           / sum(need.values()) * share * week)  # fmt: skip
    assert per_week_at_default > 100, per_week_at_default
    expected = per_week_at_default * 4 * DEMO_GRIDS / demo_build.DEFAULT_GRIDS
    assert abs(xihu - expected) < 4 * expected**0.5, (xihu, expected)
