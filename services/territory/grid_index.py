"""Point → grid cell in memory: an STRtree over every cell, built once, refreshed on change.

`services.incidents.grid_at` asks the database for the cells around a point and decodes
their WKB on every call; the intake service answers thousands of located reports a minute,
so it keeps the cells' polygons in a shapely STRtree (about 2 s to build at 109,000 cells,
tens of microseconds per look-up). `refresh_if_changed` compares a cheap fingerprint of the
grid table (count, highest id, total geometry bytes) and rebuilds only when it moved, so a
`console.py import grids` reaches a running service without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree
from sqlalchemy import Engine, func, select

from services.errors import InvalidInput
from services.store import models

# A point this close to a cell (about 30 m) still belongs to it: GPS noise at a boundary
# the cells share, or the edge of the territory. Farther out it is outside the territory.
EDGE_TOLERANCE_DEG = 0.0003


@dataclass(frozen=True)
class GridHit:
    """The cell a point fell in."""

    grid_id: int
    code: str
    township_code: str
    county_code: str
    exact: bool  # inside the polygon (False: within EDGE_TOLERANCE_DEG of it)


Fingerprint = tuple[int, int, int]


class GridIndex:
    """Every grid cell's polygon in an STRtree; thread-safe look-ups, atomic rebuilds."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._tree: STRtree | None = None
        self._ids: np.ndarray = np.empty(0, dtype=np.int64)
        self._codes: list[str] = []
        self._towns: list[str] = []
        self._counties: list[str] = []
        self._geoms: np.ndarray = np.empty(0, dtype=object)
        self.fingerprint: Fingerprint | None = None
        self.refresh()

    def __len__(self) -> int:
        return len(self._ids)

    def _fingerprint(self) -> Fingerprint:
        g = models.GridCell
        with self._engine.connect() as conn:
            n, top, size = conn.execute(
                select(func.count(), func.max(g.id), func.sum(func.length(g.geometry)))
            ).one()
        return int(n or 0), int(top or 0), int(size or 0)

    def refresh(self) -> None:
        """Rebuild from the database (the old tree answers until the new one is ready)."""
        fp = self._fingerprint()
        g = models.GridCell
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(g.id, g.code, g.township_code, g.county_code, g.geometry).order_by(g.id)
            ).all()
        geoms = shapely.from_wkb([r.geometry for r in rows]) if rows else np.empty(0, object)
        tree = STRtree(geoms) if rows else None
        with self._lock:
            self._tree = tree
            self._geoms = geoms
            self._ids = np.array([r.id for r in rows], dtype=np.int64)
            self._codes = [r.code for r in rows]
            self._towns = [r.township_code for r in rows]
            self._counties = [r.county_code for r in rows]
            self.fingerprint = fp

    def refresh_if_changed(self) -> bool:
        """Rebuild when the grid table changed since the last build; True if it did."""
        if self._fingerprint() == self.fingerprint:
            return False
        self.refresh()
        return True

    def locate(self, lon: float, lat: float) -> GridHit:
        """The cell containing the point, or InvalidInput `outside_territory`."""
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise InvalidInput(f"{lon},{lat} is not a longitude/latitude", code="bad_point")
        point = shapely.Point(lon, lat)
        with self._lock:
            tree, ids = self._tree, self._ids
            codes, towns, counties = self._codes, self._towns, self._counties
        if tree is not None:
            found = tree.query(point, predicate="intersects")
            exact = True
            if len(found) == 0:
                found = tree.query_nearest(point, max_distance=EDGE_TOLERANCE_DEG)
                exact = False
            if len(found):
                # Two cells touch along an edge: the lower id wins, every time.
                k = int(min(found, key=lambda i: ids[i]))
                return GridHit(int(ids[k]), codes[k], towns[k], counties[k], exact)
        raise InvalidInput(
            f"{lon:.5f},{lat:.5f} lies outside every grid cell of this territory",
            code="outside_territory", lon=lon, lat=lat,
        )  # fmt: skip
