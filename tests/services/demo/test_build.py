"""The demo promises real Zhejiang: 11 cities, 90 counties, the cells asked for, inside."""

from __future__ import annotations

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
