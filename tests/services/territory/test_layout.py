"""The register's townships and communities laid out inside real counties, and the
population model that sizes grids and reports."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from services.demo import geography
from services.territory import layout, partition
from services.territory.population import (
    REPORTS_PER_PERSON_DAY,
    PopulationModel,
    is_urban,
    reports_per_day,
)
from services.territory.register import Register, TownshipKind, township_kind


@pytest.fixture(scope="module")
def zj() -> Register:
    return Register.load("330000")


@pytest.fixture(scope="module")
def counties() -> dict[str, geography.AdminArea]:
    return {a.adcode: a for a in geography.load_province("330000") if a.level == "county"}


def _core_distance(county: geography.AdminArea, geom: shapely.Geometry) -> float:
    core = county.geometry.representative_point()
    return float(shapely.distance(core, geom.representative_point()))


def test_xihu_townships_are_the_register_s_inside_the_county(
    zj: Register, counties: dict[str, geography.AdminArea]
) -> None:
    county = counties["330106"]
    placed = layout.place_townships("330106", county.geometry, zj.townships("330106"), seed=3)
    assert [(t.code, t.name) for t in placed] == [(t.code, t.name) for t in zj.townships("330106")]
    assert len(placed) == 12
    for town in placed:
        assert town.level == "township" and town.parent_code == "330106"
        assert town.kind == str(township_kind(town.code))  # the kind follows the code range
        assert county.geometry.covers(town.geometry)
    # The pieces tile the county (its border simplified inside it: < 2% of the area lost).
    union = shapely.union_all([t.geometry for t in placed])
    assert union.area == pytest.approx(county.geometry.area, rel=0.02)
    assert sum(t.geometry.area for t in placed) == pytest.approx(union.area, rel=1e-6)


def test_streets_lie_nearer_the_county_seat_than_towns(
    zj: Register, counties: dict[str, geography.AdminArea]
) -> None:
    """In a county with all three kinds, 街道 are nearest the core, 乡 farthest."""
    county = counties["330111"]  # 富阳区: 5 街道, 13 镇, 6 乡
    towns = zj.townships("330111")
    kinds = {t.kind for t in towns}
    assert {TownshipKind.SUBDISTRICT, TownshipKind.TOWN, TownshipKind.TOWNSHIP} <= kinds
    placed = layout.place_townships("330111", county.geometry, towns, seed=5)
    by_kind: dict[str, list[float]] = {}
    for t in placed:
        by_kind.setdefault(t.kind, []).append(_core_distance(county, t.geometry))
    assert np.mean(by_kind["街道"]) < np.mean(by_kind["镇"]) < np.mean(by_kind["乡"])


def test_communities_tile_their_township_residents_at_the_core(
    zj: Register, counties: dict[str, geography.AdminArea]
) -> None:
    county = counties["330106"]
    placed = layout.place_townships("330106", county.geometry, zj.townships("330106"), seed=3)
    zhuantang = next(t for t in placed if t.name == "转塘街道")
    coms = zj.communities(zhuantang.code)
    pieces = layout.place_communities(zhuantang, coms, seed=3)
    assert [(c.code, c.name) for c in pieces] == [(c.code, c.name) for c in coms]
    assert len(pieces) == 46
    for com in pieces:
        assert com.level == "community" and com.parent_code == zhuantang.code
        assert shapely.buffer(zhuantang.geometry, 1e-9).covers(com.geometry)
    assert sum(c.geometry.area for c in pieces) == pytest.approx(zhuantang.geometry.area, rel=1e-6)
    kinds = {c.code: c.kind for c in coms}
    core = zhuantang.geometry.representative_point()
    d_urban = [shapely.distance(core, c.geometry.representative_point()) for c in pieces
               if is_urban(kinds[c.code])]  # fmt: skip
    d_rural = [shapely.distance(core, c.geometry.representative_point()) for c in pieces
               if not is_urban(kinds[c.code])]  # fmt: skip
    assert d_urban and d_rural and np.mean(d_urban) < np.mean(d_rural)


def test_layout_is_deterministic(zj: Register, counties: dict[str, geography.AdminArea]) -> None:
    county = counties["330106"]
    a = layout.place_townships("330106", county.geometry, zj.townships("330106"), seed=9)
    b = layout.place_townships("330106", county.geometry, zj.townships("330106"), seed=9)
    c = layout.place_townships("330106", county.geometry, zj.townships("330106"), seed=10)
    assert [t.geometry.wkb for t in a] == [t.geometry.wkb for t in b]
    assert [t.geometry.wkb for t in a] != [t.geometry.wkb for t in c]


def test_jiayuguan_takes_the_register_county_of_its_name() -> None:
    """嘉峪关市 is 620200 in the boundaries and 620201 in the register."""
    gs = Register.load("620000")
    towns = layout.townships_of(gs, "620200", "嘉峪关市", {"620200"})
    assert towns and all(t.code.startswith("620201") for t in towns)
    assert layout.townships_of(gs, "620200", "别的名字", {"620200"}) == []


def test_population_model_from_the_census_and_the_register(zj: Register) -> None:
    kinds = [c.kind for c in zj.communities()]
    model = PopulationModel.for_province("330000", kinds)
    # 46,597,076 urban people over 5,787 residents' committees; 17,970,512 over 19,760 villages
    assert model.per_residents_committee == pytest.approx(8052, abs=1)
    assert model.per_villagers_committee == pytest.approx(909.4, abs=0.1)
    people = sum(model.people(k) for k in kinds)
    assert people == pytest.approx(64_567_588, rel=1e-3)  # the census total (each rounded)
    grids = sum(model.grids(k) for k in kinds)
    assert 100_000 < grids < 120_000  # the seeds: 10.9万 grid cells in Zhejiang
    assert reports_per_day(people) == pytest.approx(10_520, rel=1e-3)
    assert REPORTS_PER_PERSON_DAY * 10_000 == pytest.approx(1.63, abs=0.01)
    gansu = PopulationModel.for_province("620000", [c.kind for c in Register.load("620000").communities()])
    assert gansu.per_residents_committee == pytest.approx(13_067_221 / 2144, rel=1e-9)
    assert "620000" in gansu.source


@pytest.mark.parametrize("total", [0, 7, 100, 1000, 25_000])
def test_apportion_spread_is_exact_and_spread(total: int) -> None:
    weights = [8.0, 3.2, 3.2, 0.5, 8.0, 3.2] * 50
    counts = partition.apportion_spread(weights, total, 0, 0.37)
    assert sum(counts) == total
    quota = [w * total / sum(weights) for w in weights]
    assert all(math.floor(q) <= c <= math.ceil(q) for q, c in zip(quota, counts, strict=True))
    if 0 < total < len(weights):
        # fewer units than places: not all on the heaviest, but spread along the order
        got = [i for i, c in enumerate(counts) if c]
        assert got[-1] - got[0] > len(weights) // 2


def test_apportion_spread_keeps_the_floor() -> None:
    counts = partition.apportion_spread([1.0, 100.0, 0.1], 10, 1, 0.5)
    assert sum(counts) == 10 and min(counts) >= 1
    with pytest.raises(ValueError):
        partition.apportion_spread([1.0, 1.0], 1, 1, 0.5)


def test_cut_many_tiles_each_community_like_cut_cells(
    zj: Register, counties: dict[str, geography.AdminArea]
) -> None:
    county = counties["330106"]
    town = layout.place_townships("330106", county.geometry, zj.townships("330106"), seed=3)[0]
    coms = layout.place_communities(town, zj.communities(town.code), seed=3)
    units = [(c.code, c.geometry, k) for c, k in zip(coms, [1, 3, 8, 2, 5, 1, 4], strict=False)]
    cut = partition.cut_many(units, np.random.default_rng(4))
    again = partition.cut_many(units, np.random.default_rng(4))
    assert [[c.geometry.wkb for c in cells] for cells in cut] == [
        [c.geometry.wkb for c in cells] for cells in again
    ]
    for (code, region, k), cells in zip(units, cut, strict=True):
        assert [c.code for c in cells] == [f"{code}{n:03d}" for n in range(1, k + 1)]
        assert all(c.geometry.geom_type == "Polygon" and c.geometry.is_valid for c in cells)
        assert all(shapely.buffer(region, 1e-9).covers(c.geometry) for c in cells)
        assert all(c.geometry.covers(shapely.Point(c.centroid)) for c in cells)
        if region.geom_type == "Polygon":  # one piece: the cells tile it
            assert sum(c.geometry.area for c in cells) == pytest.approx(region.area, rel=1e-6)
