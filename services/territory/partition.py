"""Cutting real boundaries into generated pieces: Voronoi partitions and apportionment.

The register (services.territory.register) names every township and community but has no
boundaries, and no open data set has grid cells; both are generated here inside the real
boundary above them: Voronoi diagrams of seeded random points, clipped to the parent. The
demo and onboarding (`territory register`) share this code. Pure Python + shapely/numpy:
no Qt, no database; deterministic for a given seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

_KM_PER_DEG = 111.32
SIMPLIFY_TOLERANCE_M = 50.0
"""Boundaries are simplified to about this many metres before grid cells are cut."""

_MAX_RESEEDS = 50


@dataclass(frozen=True)
class GridCellShape:
    """One grid cell (网格): a single valid Polygon inside its parent."""

    code: str  # parent code + digits, e.g. '3301020010001'
    geometry: Polygon
    centroid: tuple[float, float]  # (lon, lat), a point inside the cell


# --------------------------------------------------------------------------------------------
# Geometry helpers


def polygons(geom: BaseGeometry) -> list[Polygon]:
    """The non-degenerate Polygons in `geom`, flattening multi-parts and collections."""
    if isinstance(geom, Polygon):
        return [geom] if geom.area > 0 else []
    if not isinstance(geom, (MultiPolygon, shapely.GeometryCollection)):
        return []  # points and lines
    out: list[Polygon] = []
    for part in shapely.get_parts(geom):
        out.extend(polygons(part))
    return out


def polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon | None:
    """`geom` made valid, reduced to its polygonal part; None if that is empty."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, (Polygon, MultiPolygon)) and geom.area > 0:
        return geom
    polys = polygons(geom)
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def largest_polygon(geom: BaseGeometry) -> Polygon | None:
    polys = polygons(shapely.make_valid(geom) if not geom.is_valid else geom)
    return max(polys, key=lambda p: p.area) if polys else None


# --------------------------------------------------------------------------------------------
# Areas and apportionment


def area_km2(geom: BaseGeometry) -> float:
    """Approximate area in km² of a lon/lat geometry (degree² scaled at its mean latitude)."""
    if geom.is_empty:
        return 0.0
    _, miny, _, maxy = geom.bounds
    lat = math.radians((miny + maxy) / 2.0)
    return float(geom.area) * _KM_PER_DEG * _KM_PER_DEG * math.cos(lat)


def apportion(weights: Sequence[float], total: int, minimum: int) -> list[int]:
    """Integers >= `minimum` summing to `total`, proportional to `weights` above the floor.

    Units whose proportional share falls below the floor are pinned to it and the rest is shared
    again among the others (water filling); rounding by largest remainder, ties by position.
    """
    n = len(weights)
    if n == 0:
        return []
    if total < n * minimum:
        raise ValueError(f"cannot give {n} units at least {minimum} each out of {total}")
    w = [max(float(x), 0.0) for x in weights]
    pinned: set[int] = set()
    quotas = [float(minimum)] * n
    while True:
        free = [i for i in range(n) if i not in pinned]
        rest = total - minimum * len(pinned)
        wsum = sum(w[i] for i in free)
        for i in free:
            quotas[i] = rest * w[i] / wsum if wsum > 0 else rest / len(free)
        low = [i for i in free if quotas[i] < minimum]
        if not low:  # never all of `free`: their quotas sum to rest >= minimum * len(free)
            break
        pinned.update(low)
    counts = [max(minimum, math.floor(q)) for q in quotas]
    free = [i for i in range(n) if i not in pinned]
    free.sort(key=lambda i: (counts[i] - quotas[i], i))
    for i in free[: total - sum(counts)]:
        counts[i] += 1
    return counts


def apportion_spread(weights: Sequence[float], total: int, minimum: int, offset: float) -> list[int]:
    """Like `apportion`, but shares below one unit are spread, not given to the largest.

    Quotas as in `apportion` (water filling above the floor); then systematic rounding:
    unit i gets ``floor(C_i + offset) - floor(C_{i-1} + offset)`` where C are the cumulative
    quotas, so every unit gets the floor or the ceiling of its quota, the sum is exact, and
    when most quotas are below one (a small demo of a big province) the units that get one
    are spread evenly along the order given (by code: across the whole territory) instead
    of all going to the units with the largest remainders. `offset` in [0, 1) picks which.
    """
    n = len(weights)
    if n == 0:
        return []
    if total < n * minimum:
        raise ValueError(f"cannot give {n} units at least {minimum} each out of {total}")
    w = [max(float(x), 0.0) for x in weights]
    pinned = [False] * n
    quotas = [float(minimum)] * n
    while True:
        rest = total - minimum * sum(pinned)
        wsum = sum(x for x, p in zip(w, pinned, strict=True) if not p)
        free = n - sum(pinned)
        low = False
        for i in range(n):
            if pinned[i]:
                continue
            quotas[i] = rest * w[i] / wsum if wsum > 0 else rest / free
            if quotas[i] < minimum:
                pinned[i] = low = True
        if not low:
            break
    for i in range(n):
        if pinned[i]:
            quotas[i] = float(minimum)
    counts: list[int] = []
    cum = 0.0
    prev = math.floor(offset)
    for q in quotas:
        cum += q
        here = math.floor(cum + offset + 1e-9)
        counts.append(here - prev)
        prev = here
    counts[-1] += total - sum(counts)  # float drift only: at most one unit
    return counts


# --------------------------------------------------------------------------------------------
# Voronoi partitions


FloatArray = npt.NDArray[np.float64]
GeomArray = npt.NDArray[np.object_]
_P = TypeVar("_P", bound=BaseGeometry)


def rng_for(seed: int, adcode: str) -> np.random.Generator:
    """The generator for one area: a function of the caller's seed and the area's adcode."""
    return np.random.default_rng([seed & 0xFFFFFFFFFFFFFFFF, int(adcode)])


def sample_inside(region: BaseGeometry, n: int, rng: np.random.Generator) -> FloatArray:
    """`n` uniform random points strictly inside `region` (rejection sampling in its bbox)."""
    area = float(region.area)
    if area <= 0.0:
        raise ValueError("cannot seed points in a region without area")
    minx, miny, maxx, maxy = region.bounds
    fill = min(1.0, max(area / ((maxx - minx) * (maxy - miny)), 1e-4))
    shapely.prepare(region)
    chunks: list[FloatArray] = []
    got = 0
    while got < n:
        k = max(32, math.ceil((n - got) / fill * 1.2))
        xs = rng.uniform(minx, maxx, k)
        ys = rng.uniform(miny, maxy, k)
        inside = shapely.contains_xy(region, xs, ys)
        pts = np.column_stack((xs[inside], ys[inside]))[: n - got]
        chunks.append(pts)
        got += len(pts)
    return np.concatenate(chunks)


def voronoi_clip(region: BaseGeometry, points: FloatArray) -> GeomArray | None:
    """Voronoi cells of `points` (in point order) intersected with `region`; None if degenerate."""
    n = len(points)
    if n == 1:
        return np.array([region], dtype=object)
    ordered = points[np.lexsort((points[:, 1], points[:, 0]))]
    if bool(np.all(ordered[1:] == ordered[:-1], axis=1).any()):  # coincident seeds share a cell
        return None
    try:
        diagram = shapely.voronoi_polygons(
            shapely.multipoints(points), extend_to=region, ordered=True
        )
    except shapely.errors.GEOSException:  # e.g. seeds too close together to order the cells
        return None
    cells = shapely.get_parts(diagram)
    if len(cells) != n:
        return None
    return shapely.intersection(cells, region)


def partition(
    region: BaseGeometry,
    points: FloatArray,
    rng: np.random.Generator,
    reduce: Callable[[BaseGeometry], _P | None],
) -> list[_P]:
    """One non-empty valid piece of `region` per seed point: its Voronoi cell clipped to `region`.

    `reduce` turns an awkward clip result (multi-part, collection, invalid) into the wanted shape,
    or None when nothing with area is left. Such seeds get new random points (in place in
    `points`, for them only) and the diagram is redone, so the count never shrinks.
    """
    count = len(points)
    for _ in range(_MAX_RESEEDS):
        clipped = voronoi_clip(region, points)
        if clipped is None:
            points[:] = sample_inside(region, count, rng)
            continue
        simple = (shapely.get_type_id(clipped) == 3) & shapely.is_valid(clipped)
        simple &= shapely.area(clipped) > 0
        pieces = [g if ok else reduce(g) for g, ok in zip(clipped, simple, strict=True)]
        bad = [i for i, p in enumerate(pieces) if p is None]
        if not bad:
            return [p for p in pieces if p is not None]
        points[bad] = sample_inside(region, len(bad), rng)
    raise RuntimeError(f"could not split region into {count} non-empty pieces")


def cell_region(township: BaseGeometry) -> BaseGeometry:
    """Where grid cells go: the township with its ragged border simplified, never outside it.

    Douglas-Peucker at ~SIMPLIFY_TOLERANCE_M both cuts and bulges; intersecting with the exact
    township keeps the cuts, so cells stay inside (at the cost of ~0.1% of the area).
    """
    if SIMPLIFY_TOLERANCE_M <= 0:
        return township
    tol = SIMPLIFY_TOLERANCE_M / 1000.0 / _KM_PER_DEG
    simplified = township.simplify(tol, preserve_topology=True)
    region = polygonal(shapely.intersection(simplified, township))
    return township if region is None else region


def inner_simplified(region: BaseGeometry, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> BaseGeometry:
    """`region` with its ragged border simplified to about `tolerance_m`, never outside it.

    Eroded by 0.6 × the tolerance, then simplified by 0.4 ×: the simplification moves the
    border by less than the erosion, so the result stays inside (about half the vertices
    of a real county boundary, 0.8% of its area lost along the border; islands narrower than
    the tolerance drop out). Cheaper to cut than `cell_region`, which keeps three quarters
    of the vertices. Falls back to `cell_region` when nothing is left (a tiny region).
    """
    if tolerance_m <= 0:
        return region
    tol = tolerance_m / 1000.0 / _KM_PER_DEG
    eroded = shapely.buffer(region, -0.6 * tol, quad_segs=2)
    inner = polygonal(shapely.simplify(eroded, 0.4 * tol, preserve_topology=True))
    if inner is None or inner.area < 0.5 * region.area:
        return cell_region(region)
    return inner


def cut_cells(
    code: str, region: BaseGeometry, count: int, seed: int, *, digits: int = 4,
    simplify: bool = True, rng: np.random.Generator | None = None,
) -> list[GridCellShape]:
    """Exactly `count` grid cells inside `region`, coded `code` + `digits` digits, in order.

    Cells are Voronoi cells of uniform seeded points, clipped to the region (simplified first,
    see `cell_region`, unless `simplify` is False: pieces that are themselves Voronoi cells
    have straight borders already); a cell clipped into several parts keeps its largest.
    Deterministic in (`seed`, `code`), or in the state of `rng` when one is passed (a
    caller cutting thousands of small regions in a fixed order saves seeding each).
    """
    if not 1 <= count < 10**digits:
        raise ValueError(f"grid cell count must be 1..{10**digits - 1}, got {count}")
    rng = rng if rng is not None else rng_for(seed, code)
    area = cell_region(region) if simplify else region
    if count == 1:
        piece = largest_polygon(area)
        pieces = [piece] if piece is not None else []
    else:
        pieces = partition(area, sample_inside(area, count, rng), rng, largest_polygon)
    if len(pieces) != count:
        raise RuntimeError(f"{code}: no polygon to cut cells from")
    inside = shapely.get_coordinates(shapely.point_on_surface(np.array(pieces, dtype=object)))
    return [
        GridCellShape(f"{code}{k + 1:0{digits}d}", piece, (float(inside[k, 0]), float(inside[k, 1])))
        for k, piece in enumerate(pieces)
    ]


def cut_many(
    units: Sequence[tuple[str, BaseGeometry, int]], rng: np.random.Generator, *, digits: int = 3
) -> list[list[GridCellShape]]:
    """`cut_cells` (unsimplified) for many small regions at once: (code, region, count) each.

    Thousands of communities of a few cells each spend more time in Python around GEOS than
    in it; here the Voronoi diagrams, the clipping and the checks run as array calls over
    all of them, and only a region whose pieces came out awkward (multi-part, invalid, an
    empty seed cell) is cut again on its own. Deterministic in the state of `rng`.
    """
    out: list[list[GridCellShape] | None] = [None] * len(units)
    multi = [i for i, (_, _, k) in enumerate(units) if k > 1]
    for i, (code, region, k) in enumerate(units):
        if k == 1:
            out[i] = cut_cells(code, region, 1, 0, digits=digits, simplify=False, rng=rng)
    if multi:
        try:
            _cut_together(units, multi, rng, digits, out)
        except shapely.errors.GEOSException:  # one degenerate diagram fails the whole call
            pass  # every region still without cells is cut on its own below
    for i, (code, region, k) in enumerate(units):
        if out[i] is None:  # the rare awkward one: reseeded on its own
            out[i] = cut_cells(code, region, k, 0, digits=digits, simplify=False, rng=rng)
    return [cells for cells in out if cells is not None]


def _cut_together(
    units: Sequence[tuple[str, BaseGeometry, int]], multi: Sequence[int],
    rng: np.random.Generator, digits: int, out: list[list[GridCellShape] | None],
) -> None:  # fmt: skip
    """The array part of `cut_many`: fills `out` for the regions whose pieces are fine."""
    points = [sample_inside(units[i][1], units[i][2], rng) for i in multi]
    regions = np.array([units[i][1] for i in multi], dtype=object)
    which = np.repeat(np.arange(len(multi)), [len(p) for p in points])
    seeds = shapely.multipoints(np.concatenate(points), indices=which)
    diagrams = shapely.voronoi_polygons(seeds, extend_to=regions, ordered=True)
    cells, owner = shapely.get_parts(diagrams, return_index=True)
    clipped = shapely.intersection(cells, regions[owner])
    good = (shapely.get_type_id(clipped) == 3) & shapely.is_valid(clipped)
    good &= shapely.area(clipped) > 0
    inside = shapely.get_coordinates(shapely.point_on_surface(clipped))
    start = 0
    for j, i in enumerate(multi):
        code, region, k = units[i]
        end = start
        while end < len(owner) and owner[end] == j:
            end += 1
        if end - start == k and bool(good[start:end].all()):
            out[i] = [
                GridCellShape(f"{code}{n + 1:0{digits}d}", clipped[start + n],
                              (float(inside[start + n, 0]), float(inside[start + n, 1])))
                for n in range(k)
            ]  # fmt: skip
        start = end
