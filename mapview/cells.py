"""Grid-cell geometry packed for transfer to the map page (pure: numpy only, no Qt).

A territory's cells travel to the page once, as one binary blob (`CellGeometry.to_bytes`),
and are drawn by a canvas layer in JavaScript. Values (counts) travel separately and often.

Rings are stored open: a closing vertex equal to the first is dropped by `pack_cells`, so a
hexagon is 6 vertices, not 7. Only exterior rings are kept (grid cells have no holes).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

MAGIC = b"CMG1"
"""First four bytes of the transfer format (see `CellGeometry.to_bytes`)."""


@dataclass(frozen=True)
class CellGeometry:
    """Packed exterior rings of grid cells.

    `ids` are database ids (int32); cell *i* has vertices `coords[offsets[i]:offsets[i + 1]]`
    as (lon, lat) float32 pairs.
    """

    ids: np.ndarray  # int32, (n,)
    offsets: np.ndarray  # int32, (n + 1,)
    coords: np.ndarray  # float32, (n_vertices, 2) lon, lat

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.ids.dtype != np.int32 or self.ids.ndim != 1:
            raise ValueError("ids must be a 1-D int32 array")
        if self.offsets.dtype != np.int32 or self.offsets.shape != (n + 1,):
            raise ValueError("offsets must be int32 with len(ids) + 1 entries")
        if self.coords.dtype != np.float32 or self.coords.ndim != 2 or self.coords.shape[1] != 2:
            raise ValueError("coords must be float32 with shape (n_vertices, 2)")
        if n and (self.offsets[0] != 0 or self.offsets[-1] != len(self.coords)):
            raise ValueError("offsets must start at 0 and end at len(coords)")
        if n and np.any(np.diff(self.offsets) < 3):
            raise ValueError("every cell needs at least 3 vertices")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of all cells."""
        if len(self.coords) == 0:
            return (0.0, 0.0, 0.0, 0.0)
        lo = self.coords.min(axis=0)
        hi = self.coords.max(axis=0)
        return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))

    def centroids(self) -> np.ndarray:
        """Vertex mean of each cell, float64 (n, 2): good enough for labels and samples."""
        if len(self) == 0:
            return np.zeros((0, 2))
        sums = np.add.reduceat(self.coords.astype(np.float64), self.offsets[:-1], axis=0)
        return sums / np.diff(self.offsets)[:, None]

    def to_bytes(self) -> bytes:
        """Transfer format, little-endian, every section 4-byte aligned.

        `b"CMG1"`, uint32 n, uint32 n_vertices, uint32 0 (reserved), then ids int32[n],
        offsets int32[n + 1], coords float32[n_vertices * 2] (lon, lat interleaved).
        """
        header = MAGIC + struct.pack("<III", len(self.ids), len(self.coords), 0)
        return b"".join(
            (
                header,
                self.ids.astype("<i4", copy=False).tobytes(),
                self.offsets.astype("<i4", copy=False).tobytes(),
                self.coords.astype("<f4", copy=False).tobytes(),
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> CellGeometry:
        """Inverse of `to_bytes` (used by tests)."""
        if data[:4] != MAGIC:
            raise ValueError("not a CMG1 blob")
        n, nv, _ = struct.unpack_from("<III", data, 4)
        pos = 16
        ids = np.frombuffer(data, "<i4", n, pos).astype(np.int32)
        pos += 4 * n
        offsets = np.frombuffer(data, "<i4", n + 1, pos).astype(np.int32)
        pos += 4 * (n + 1)
        coords = np.frombuffer(data, "<f4", 2 * nv, pos).astype(np.float32).reshape(nv, 2)
        return cls(ids, offsets, coords)


def pack_cells(cells: Iterable[tuple[int, Sequence[tuple[float, float]]]]) -> CellGeometry:
    """Pack `(cell_id, exterior_ring)` pairs; rings are (lon, lat) sequences, open or closed."""
    ids: list[int] = []
    counts: list[int] = []
    rings: list[np.ndarray] = []
    for cell_id, ring in cells:
        arr = np.asarray(ring, dtype=np.float64).reshape(-1, 2)
        if len(arr) > 1 and np.array_equal(arr[0], arr[-1]):
            arr = arr[:-1]
        if len(arr) < 3:
            raise ValueError(f"cell {cell_id}: a ring needs at least 3 distinct vertices")
        ids.append(int(cell_id))
        counts.append(len(arr))
        rings.append(arr)
    offsets = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if offsets[-1] > np.iinfo(np.int32).max:
        raise ValueError("too many vertices for int32 offsets")
    coords = np.concatenate(rings).astype(np.float32) if rings else np.zeros((0, 2), np.float32)
    return CellGeometry(np.asarray(ids, dtype=np.int32), offsets.astype(np.int32), coords)


def synthetic_cells(
    n: int, bbox: tuple[float, float, float, float] = (118.0, 27.0, 123.0, 31.2), seed: int = 0
) -> CellGeometry:
    """Exactly `n` hexagonal cells tiling `bbox` (lon/lat), for tests and benchmarks.

    Hexagons are regular on the ground (the latitude spacing is corrected by cos(lat)), so
    they look regular on a Web-Mercator map. `seed` shuffles the cell order and ids so that,
    as in a database, neither follows the spatial order.
    """
    if n <= 0:
        return pack_cells([])
    min_lon, min_lat, max_lon, max_lat = bbox
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    width = (max_lon - min_lon) * k  # ground-proportional units (degrees of latitude)
    height = max_lat - min_lat
    # Pointy-top hexagon of circumradius r: columns sqrt(3) r apart, rows 1.5 r apart.
    r = math.sqrt(width * height / (n * 1.5 * math.sqrt(3)))
    while True:
        cols = max(1, math.ceil(width / (math.sqrt(3) * r)))
        rows = max(1, math.ceil(height / (1.5 * r)))
        if cols * rows >= n:
            break
        r *= 0.995
    idx = np.arange(n)
    row, col = np.divmod(idx, cols)
    cx = (col + 0.5 + 0.5 * (row % 2)) * math.sqrt(3) * r
    cy = (row + 0.5) * 1.5 * r
    angles = np.radians(np.arange(6) * 60.0 + 30.0)
    vx = cx[:, None] + r * np.cos(angles)[None, :]
    vy = cy[:, None] + r * np.sin(angles)[None, :]
    lon = min_lon + vx / k
    lat = min_lat + vy
    coords = np.stack([lon, lat], axis=-1)  # (n, 6, 2)

    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    coords = coords[order].reshape(-1, 2).astype(np.float32)
    ids = (rng.permutation(n) + 100_001).astype(np.int32)
    offsets = (np.arange(n + 1) * 6).astype(np.int32)
    return CellGeometry(ids, offsets, coords)


def synthetic_values(
    cells: CellGeometry, seed: int = 0, hotspots: int = 14, scale: float = 6.0
) -> dict[int, float]:
    """Plausible counts per cell: most cells 0 or 1, a few Gaussian hot spots.

    (Zhejiang: ~10,500 reports a day over 109,000 cells, i.e. 0.1 per cell on average.)
    """
    rng = np.random.default_rng(seed)
    c = cells.centroids()
    if len(c) == 0:
        return {}
    lo, hi = c.min(axis=0), c.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lam = np.full(len(c), 0.04)
    for _ in range(hotspots):
        centre = lo + rng.random(2) * span
        sigma = span * rng.uniform(0.01, 0.05)
        d2 = (((c - centre) / sigma) ** 2).sum(axis=1)
        lam += scale * rng.uniform(0.3, 1.0) * np.exp(-0.5 * d2)
    counts = rng.poisson(lam).astype(float)
    return dict(zip(cells.ids.tolist(), counts.tolist(), strict=True))


def align_values(cells: CellGeometry, values: Mapping[int, float]) -> np.ndarray:
    """Values in cell order as float32, NaN where a cell has no value; unknown ids ignored."""
    out = np.full(len(cells), np.nan, dtype=np.float32)
    if not values or len(cells) == 0:
        return out
    idx, vals = index_values(cells, values)
    out[idx] = vals
    return out


def index_values(cells: CellGeometry, values: Mapping[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """(cell indices int32, values float32) for the ids of `values` that exist in `cells`."""
    if not values or len(cells) == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    keys = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
    vals = np.fromiter(values.values(), dtype=np.float64, count=len(values))
    order = _sort_order(cells)
    sorted_ids = cells.ids[order]
    pos = np.searchsorted(sorted_ids, keys)
    pos = np.clip(pos, 0, len(sorted_ids) - 1)
    found = sorted_ids[pos] == keys
    return order[pos[found]].astype(np.int32), vals[found].astype(np.float32)


_ORDER_CACHE: dict[int, tuple[CellGeometry, np.ndarray]] = {}


def _sort_order(cells: CellGeometry) -> np.ndarray:
    """argsort of ids, cached per geometry object (the host sends a few per session)."""
    hit = _ORDER_CACHE.get(id(cells))
    if hit is not None and hit[0] is cells:
        return hit[1]
    order = np.argsort(cells.ids, kind="stable")
    if len(_ORDER_CACHE) > 8:
        _ORDER_CACHE.clear()
    _ORDER_CACHE[id(cells)] = (cells, order)
    return order
