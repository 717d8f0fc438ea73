"""基层治理四平台 on the wall: matters, overdue and 办结率 by platform, township and county."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from services import vocabulary
from services import wall as wall_queries
from services.store import models
from services.territory.jurisdiction import OutsideJurisdiction
from services.wall.platforms import platform_board


def _direct(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_township_platforms_equal_direct_counts(demo_engine: Engine) -> None:
    now = models.utcnow()
    clock = wall_queries.Clock.at(now, "Asia/Shanghai")
    with demo_engine.connect() as conn:
        town = conn.execute(text(
            "SELECT township_code FROM incident WHERE platform != '' GROUP BY township_code "
            "ORDER BY count(*) DESC, township_code LIMIT 1"
        )).scalar_one()  # fmt: skip
    board = platform_board(demo_engine, town, now=now)
    assert board.level == "township"
    assert [r.platform for r in board.rows] == list(vocabulary.PLATFORMS)
    assert [r.label for r in board.rows] == ["综治工作", "市场监管", "综合执法", "便民服务"]
    for row in board.rows:
        where = "township_code = :t AND platform = :p"
        assert row.matters == _direct(demo_engine, f"SELECT count(*) FROM incident WHERE {where} "
                                      "AND reported_at >= :s", t=town, p=row.platform, s=clock.start30)  # fmt: skip
        assert row.open == _direct(demo_engine, f"SELECT count(*) FROM incident WHERE {where} AND is_open",
                                   t=town, p=row.platform)  # fmt: skip
        assert row.overdue == _direct(
            demo_engine, f"SELECT count(*) FROM incident WHERE {where} AND is_open AND resolve_deadline < :n",
            t=town, p=row.platform, n=now,
        )
        assert row.departments == _direct(
            demo_engine, "SELECT count(*) FROM department d JOIN region r ON r.id = d.region_id "
                         "WHERE r.adcode = :t AND d.platform = :p", t=town, p=row.platform,
        )  # the demo's stations: 3 综治, 2 市场监管, 2 综合执法, 2 便民服务
    assert board.matters > 0
    assert board.resolution_rate is not None and 0.5 < board.resolution_rate <= 1.0


def test_county_rolls_its_townships_platforms_up(demo_engine: Engine) -> None:
    now = models.utcnow()
    with demo_engine.connect() as conn:
        county = conn.execute(text(
            "SELECT county_code FROM incident WHERE platform != '' GROUP BY county_code "
            "ORDER BY count(*) DESC, county_code LIMIT 1"
        )).scalar_one()  # fmt: skip
        towns = [t for (t,) in conn.execute(text(
            "SELECT DISTINCT township_code FROM incident WHERE county_code = :c"), {"c": county})]  # fmt: skip
    whole = platform_board(demo_engine, county, now=now)
    parts = [platform_board(demo_engine, t, now=now) for t in towns]
    for k, row in enumerate(whole.rows):
        assert row.matters == sum(p.rows[k].matters for p in parts)
        assert row.open == sum(p.rows[k].open for p in parts)
        assert row.overdue == sum(p.rows[k].overdue for p in parts)
    assert whole.overdue == sum(r.overdue for r in whole.rows)


def test_a_board_outside_the_consoles_root_is_refused(demo_engine: Engine) -> None:
    """The wall reads the board bounded by its root, as every other wall read."""
    with pytest.raises(OutsideJurisdiction):
        platform_board(demo_engine, "330109", within="330106")  # 萧山区 from 西湖区's wall
    with pytest.raises(OutsideJurisdiction):
        platform_board(demo_engine, "330100", within="330106")  # nor the city above it
    assert platform_board(demo_engine, "330106", within="330106").region_code == "330106"
