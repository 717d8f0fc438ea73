"""GeoJSON import: all-or-nothing, every rejected feature named with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from services.store import models
from services.territory import importer as importers


def _square(x: float, y: float, d: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def _fc(features: list[tuple[dict[str, object], dict[str, object]]]) -> dict[str, object]:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }


def _write(tmp: Path, name: str, data: dict[str, object]) -> str:
    path = tmp / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _count(engine: Engine, model: type[models.Base]) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_regions_then_grids_import(engine: Engine, tmp_path: Path) -> None:
    regions = _fc([
        ({"code": "990000", "name": "示范省", "level": "province"}, _square(0, 0, 10)),
        ({"code": "990100", "name": "示范市", "parent_code": "990000"}, _square(0, 0, 5)),
        ({"code": "990101", "name": "示范区", "parent_code": "990100"}, _square(0, 0, 2)),
        ({"code": "990101001", "name": "示范街道", "parent_code": "990101"}, _square(0, 0, 1)),
    ])  # fmt: skip
    assert importers.import_geojson(engine, "regions", _write(tmp_path, "r.geojson", regions)) == 4
    grids = _fc([
        ({"code": "9901010010001", "parent_code": "990101001", "households": 300}, _square(0, 0, 0.5)),
        ({"code": "9901010010002", "parent_code": "990101001"}, _square(0.5, 0, 0.5)),
    ])  # fmt: skip
    assert importers.import_geojson(engine, "grids", _write(tmp_path, "g.geojson", grids)) == 2
    with engine.connect() as conn:
        row = conn.execute(select(models.GridCell).where(models.GridCell.code == "9901010010001")).one()
        town = conn.execute(select(models.Region).where(models.Region.adcode == "990101001")).one()
    assert (row.county_code, row.city_code, row.province_code) == ("990101", "990100", "990000")
    assert town.level == "township" and town.path == "/990000/990100/990101/990101001/"


def test_bad_file_names_every_problem_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    ok = _fc([({"code": "990000", "name": "示范省", "level": "province"}, _square(0, 0, 10))])
    importers.import_geojson(engine, "regions", _write(tmp_path, "ok.geojson", ok))
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    bad = _fc([
        ({"code": "990100", "name": "好市", "parent_code": "990000"}, _square(0, 0, 5)),
        ({"code": "990200", "name": "坏几何", "parent_code": "990000"}, bow_tie),
        ({"code": "990300", "name": "无上级", "parent_code": "880000"}, _square(1, 1, 1)),
        ({"code": "990100", "name": "重复", "parent_code": "990000"}, _square(2, 2, 1)),
        ({"code": "990400", "name": "出界", "parent_code": "990000"}, _square(20, 20, 1)),
    ])  # fmt: skip
    before = _count(engine, models.Region)
    with pytest.raises(importers.ImportRejected) as err:
        importers.import_geojson(engine, "regions", _write(tmp_path, "bad.geojson", bad))
    text = "\n".join(err.value.problems)
    assert "feature #2 (990200): bad geometry" in text
    assert "feature #3 (990300): unknown parent code 880000" in text
    assert "feature #4 (990100): duplicate code" in text
    assert "feature #5 (990400): lies outside its parent 990000" in text
    assert len(err.value.problems) == 4
    assert _count(engine, models.Region) == before  # the good feature was not written either


def test_malformed_files_get_one_clear_line_each(engine: Engine, tmp_path: Path) -> None:
    """What the malformed-import trial showed: no traceback, no NoneType message."""
    with pytest.raises(importers.ImportRejected) as err:
        importers.import_geojson(engine, "grids", _write(tmp_path, "e.geojson", _fc([])))
    assert err.value.problems == [f"{tmp_path / 'e.geojson'}: the FeatureCollection has no features"]
    no_geometry = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "990000", "level": "province"}},
        {"type": "Feature", "properties": {"code": "990100"}, "geometry": None},
        "not a feature",
    ]}  # fmt: skip
    with pytest.raises(importers.ImportRejected) as err:
        importers.import_geojson(engine, "regions", _write(tmp_path, "n.geojson", no_geometry))
    assert err.value.problems == [
        "feature #1 (990000): missing geometry",
        "feature #2 (990100): missing geometry",
        "feature #3: not a GeoJSON Feature object",
    ]
    listed = tmp_path / "l.geojson"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(importers.ImportRejected) as err:
        importers.import_geojson(engine, "regions", str(listed))
    assert err.value.problems == [f"{listed}: not a GeoJSON FeatureCollection"]
    assert _count(engine, models.Region) == 0


def test_a_top_region_coded_xx0000_is_a_province(engine: Engine, tmp_path: Path) -> None:
    regions = _fc([
        ({"code": "990000", "name": "示范省"}, _square(0, 0, 10)),  # no parent, no level
        ({"code": "990100", "name": "示范市", "parent_code": "990000"}, _square(0, 0, 5)),
    ])  # fmt: skip
    assert importers.import_geojson(engine, "regions", _write(tmp_path, "r.geojson", regions)) == 2
    with engine.connect() as conn:
        levels = dict(conn.execute(select(models.Region.adcode, models.Region.level)).all())
    assert levels == {"990000": "province", "990100": "city"}
    odd = _fc([({"code": "990123", "name": "无级别"}, _square(20, 20, 1))])
    with pytest.raises(importers.ImportRejected) as err:
        importers.import_geojson(engine, "regions", _write(tmp_path, "o.geojson", odd))
    assert err.value.problems == [
        "feature #1 (990123): a top region needs a 'level' (or a province code xx0000)"
    ]


def test_township_and_community_codes_follow_gbt_and_the_register(engine: Engine, tmp_path: Path) -> None:
    """GB/T 10114 ranges always; the register's units where it knows the county."""
    base = _fc([
        ({"code": "330000", "name": "浙江省"}, _square(0, 0, 10)),
        ({"code": "330100", "name": "杭州市", "parent_code": "330000"}, _square(0, 0, 5)),
        ({"code": "330106", "name": "西湖区", "parent_code": "330100"}, _square(0, 0, 2)),
        ({"code": "990000", "name": "示范省"}, _square(20, 20, 10)),
        ({"code": "990100", "name": "示范市", "parent_code": "990000"}, _square(20, 20, 5)),
        ({"code": "990101", "name": "示范区", "parent_code": "990100"}, _square(20, 20, 2)),
    ])  # fmt: skip
    importers.import_geojson(engine, "regions", _write(tmp_path, "b.geojson", base))
    towns = _fc([
        ({"code": "330106010", "name": "转塘街道", "parent_code": "330106"}, _square(0, 0, 1)),
        ({"code": "330106010046", "name": "某村", "parent_code": "330106010"}, _square(0, 0, 0.1)),
        ({"code": "330106003", "name": "不存在", "parent_code": "330106"}, _square(1, 1, 0.5)),
        ({"code": "330106601", "name": "超范围", "parent_code": "330106"}, _square(1, 0, 0.5)),
        ({"code": "330102001", "name": "别区的", "parent_code": "330106"}, _square(0, 1, 0.5)),
        ({"code": "3301060101", "name": "位数", "parent_code": "330106"}, _square(1.5, 1.5, 0.2)),
        ({"code": "330106010999", "name": "无此村", "parent_code": "330106010"}, _square(0.5, 0.5, 0.1)),
        ({"code": "330106109201", "name": "错挂", "parent_code": "330106010"}, _square(0.6, 0.6, 0.1)),
        ({"code": "990101201", "name": "示范乡", "parent_code": "990101"}, _square(20, 20, 1)),
        ({"code": "990101201205", "name": "示范村", "parent_code": "990101201"}, _square(20, 20, 0.5)),
    ])  # fmt: skip
    with pytest.raises(importers.ImportRejected) as err:
        importers.import_geojson(engine, "regions", _write(tmp_path, "t.geojson", towns))
    problems = err.value.problems
    assert any(p.startswith("feature #2 (330106010046): 330106010046: no such community in the register (NBS 2023-06-30)")
               for p in problems), problems  # 转塘 has 46 communities, numbered from 001 in parts
    assert "feature #3 (330106003): 330106003: no such township in the register (NBS 2023-06-30)" in problems
    assert "feature #4 (330106601): 330106601: township part 601 is outside GB/T 10114's 001–599" in problems
    assert "feature #5 (330102001): belongs to county 330102, not its parent 330106" in problems
    assert any(p.startswith("feature #6 (3301060101): a township code has 9 digits") for p in problems)
    assert any(p.startswith("feature #7 (330106010999): 330106010999: village part 999") or
               "no such community" in p for p in problems if p.startswith("feature #7"))
    assert "feature #8 (330106109201): belongs to township 330106109, not its parent 330106010" in problems
    assert not any(p.startswith(("feature #1 ", "feature #9 ", "feature #10 ")) for p in problems)
