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
