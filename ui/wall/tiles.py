"""Tile-aligned layout for LCD splice walls (拼接屏): no panel straddles a seam.

Pure computation, no Qt: `plan_tiles` maps a framebuffer of `cols × rows` equal tiles
(e.g. 3×3 panels of 1920×1080 = 5760×3240) to one rectangle per wall panel.

How the plan is built
---------------------
* Tile edges are at ``round(c * width / cols)`` and ``round(r * height / rows)``.
  Around every seam ``bezel_px + pad_px`` pixels are kept clear on both sides (``bezel_px``
  is what the bezel hides or a comfortable margin; ``pad_px`` is the ordinary gap);
  ``pad_px`` is kept from the outer edges.
* Columns by command-room practice (主中间、次两边): the outer tile columns hold the side
  panels (left: trends, categories, ranking; right: video, dispatch); the middle tile
  columns hold the header title, the KPI strip and the map. With one or two tile columns
  the zones are split *inside* a tile instead, which needs no seam care.
* The header is a band at the top of tile row 0, cut into three parts so each stays in
  one tile: ``header.duty`` (left zone), ``header.title`` (centre middle column),
  ``header.haves`` (right zone). The KPI strip sits under the title in the same tile.
* Side panels are stacked in "segments" — the part of each tile row that is free (row 0
  below the header, the other rows whole). Panels keep their order and are split
  into consecutive segments so that the most crowded segment (weight per pixel) is as
  empty as possible; a panel never spans two segments, so never a horizontal seam.
  When the left column has more panels than segments and the right column fewer, the
  last left panel (the ranking) moves to the top of the right column, so no tile is empty.
* Only the map may span seams (it is imagery, not text); its edges still avoid the bezel
  zones. The ``banner`` (database connection lost) overlays the title rectangle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement

Rect = tuple[int, int, int, int]
"""x, y, width, height — the same order as QRect(x, y, w, h)."""

LEFT_PANELS: tuple[tuple[str, float], ...] = (
    ("trend_hourly", 1.0),
    ("trend_daily", 1.0),
    ("categories", 1.3),
    ("ranking", 1.7),
)
RIGHT_PANELS: tuple[tuple[str, float], ...] = (
    ("video", 2.0),
    ("incidents", 1.6),
    ("dispatch", 1.0),
)
HEADER_PARTS: tuple[str, ...] = ("header.duty", "header.title", "header.haves")
SPANNING: frozenset[str] = frozenset({"map"})
"""Rectangles allowed to cross a seam."""
OVERLAYS: frozenset[str] = frozenset({"banner"})
"""Rectangles drawn over another one (the banner covers the title while shown)."""

# Zone widths when the zones share one tile column (fractions of that column).
_ONE_COLUMN = (0.26, 0.48, 0.26)
_TWO_COLUMNS_RIGHT = (0.60, 0.40)  # middle, right inside the second column


@dataclass(frozen=True)
class TileGrid:
    """Equal tiles over a framebuffer."""

    width: int
    height: int
    cols: int
    rows: int

    def col_edges(self) -> list[int]:
        return [round(c * self.width / self.cols) for c in range(self.cols + 1)]

    def row_edges(self) -> list[int]:
        return [round(r * self.height / self.rows) for r in range(self.rows + 1)]

    def seams(self) -> tuple[list[int], list[int]]:
        """Inner seam positions: (x positions, y positions)."""
        return self.col_edges()[1:-1], self.row_edges()[1:-1]

    def tile_of(self, rect: Rect) -> tuple[int, int] | None:
        """(col, row) of the one tile holding `rect`, or None if it crosses a seam."""
        x, y, w, h = rect
        cols, rows = self.col_edges(), self.row_edges()
        for c in range(self.cols):
            if cols[c] <= x and x + w <= cols[c + 1]:
                break
        else:
            return None
        for r in range(self.rows):
            if rows[r] <= y and y + h <= rows[r + 1]:
                return c, r
        return None


def crosses_seam(rect: Rect, grid: TileGrid, clear_px: int = 0) -> bool:
    """True if `rect` comes within `clear_px` of a seam it does not fully lie on one side of."""
    x, y, w, h = rect
    xs, ys = grid.seams()
    if any(x - clear_px < sx < x + w + clear_px for sx in xs):
        return True
    return any(y - clear_px < sy < y + h + clear_px for sy in ys)


def edge_clearance(rect: Rect, grid: TileGrid) -> int:
    """Smallest distance from any edge of `rect` to any seam (large if there are none)."""
    x, y, w, h = rect
    xs, ys = grid.seams()
    dists = [abs(e - s) for e in (x, x + w) for s in xs]
    dists += [abs(e - s) for e in (y, y + h) for s in ys]
    return min(dists, default=1 << 30)


def _interval(edges: list[int], i: int, n: int, seam_inset: int, pad: int) -> tuple[int, int]:
    lo = edges[i] + (seam_inset if i > 0 else pad)
    hi = edges[i + 1] - (seam_inset if i < n - 1 else pad)
    return lo, max(lo + 1, hi)


def _split(lo: int, hi: int, fractions: Sequence[float], gap: int) -> list[tuple[int, int]]:
    """Cut [lo, hi) into consecutive pieces by `fractions`, with `gap` between pieces."""
    avail = hi - lo - gap * (len(fractions) - 1)
    total = sum(fractions)
    out: list[tuple[int, int]] = []
    x = float(lo)
    for i, f in enumerate(fractions):
        a = round(x)
        x += avail * f / total
        b = hi if i == len(fractions) - 1 else round(x)
        out.append((a, max(a + 1, b)))
        x += gap
    return out


def _assign(
    panels: Sequence[tuple[str, float]],
    capacities: Sequence[int],
    min_px: int,
    gap: int,
) -> list[int]:
    """Segment index for each panel (non-decreasing), least crowded segment first."""
    k = len(capacities)
    best: tuple[tuple[float, int], tuple[int, ...]] | None = None
    for combo in combinations_with_replacement(range(k), len(panels)):
        loads = [0.0] * k
        counts = [0] * k
        for (_, weight), seg in zip(panels, combo, strict=True):
            loads[seg] += weight
            counts[seg] += 1
        if any(n and capacities[i] < n * min_px + (n - 1) * gap for i, n in enumerate(counts)):
            continue
        crowding = max(loads[i] / max(1, capacities[i]) for i in range(k) if counts[i])
        key = (round(crowding, 9), -sum(1 for n in counts if n))
        if best is None or key < best[0]:
            best = (key, combo)
    if best is not None:
        return list(best[1])
    # Nothing fits the minimum height: everything into the roomiest segment.
    roomiest = max(range(k), key=lambda i: capacities[i])
    return [roomiest] * len(panels)


def _stack(
    panels: Sequence[tuple[str, float]],
    x: tuple[int, int],
    segments: Sequence[tuple[int, int]],
    min_px: int,
    gap: int,
    out: dict[str, Rect],
) -> None:
    if not panels or not segments:
        return
    capacities = [b - a for a, b in segments]
    where = _assign(panels, capacities, min_px, gap)
    for seg, (top, bottom) in enumerate(segments):
        mine = [p for p, s in zip(panels, where, strict=True) if s == seg]
        if not mine:
            continue
        pieces = _split(top, bottom, [w for _, w in mine], gap)
        for (name, _), (a, b) in zip(mine, pieces, strict=True):
            out[name] = (x[0], a, x[1] - x[0], b - a)


def plan_tiles(
    width: int,
    height: int,
    cols: int,
    rows: int,
    bezel_px: int,
    *,
    header_px: int = 110,
    kpi_px: int = 170,
    gap_px: int = 10,
    pad_px: int = 8,
    min_panel_px: int = 120,
) -> dict[str, Rect]:
    """Rectangles (x, y, w, h) for every wall panel, aligned to a `cols × rows` tile grid.

    Keys: ``header.duty``, ``header.title``, ``header.haves``, ``kpi``, ``map``,
    ``trend_hourly``, ``trend_daily``, ``categories``, ``ranking``, ``video``,
    ``dispatch`` and the overlay ``banner``. Every rectangle except ``map`` lies inside one
    tile and keeps ``bezel_px + pad_px`` from every seam.
    """
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be positive")
    if cols < 1 or rows < 1:
        raise ValueError("cols and rows must be at least 1")
    if bezel_px < 0:
        raise ValueError("bezel_px must not be negative")
    grid = TileGrid(width, height, cols, rows)
    seam_inset = bezel_px + pad_px
    xe, ye = grid.col_edges(), grid.row_edges()
    col_iv = [_interval(xe, c, cols, seam_inset, pad_px) for c in range(cols)]
    row_iv = [_interval(ye, r, rows, seam_inset, pad_px) for r in range(rows)]

    # Zones: x ranges for left, middle (title column and whole span) and right.
    if cols >= 3:
        left, right = col_iv[0], col_iv[-1]
        middle = (col_iv[1][0], col_iv[-2][1])
        title_x = col_iv[1 + (cols - 3) // 2]  # the centre middle column (left of centre if even)
    elif cols == 2:
        left = col_iv[0]
        middle, right = _split(*col_iv[1], _TWO_COLUMNS_RIGHT, gap_px)
        title_x = middle
    else:
        left, middle, right = _split(*col_iv[0], _ONE_COLUMN, gap_px)
        title_x = middle

    out: dict[str, Rect] = {}
    row0_top, row0_bottom = row_iv[0]
    row0_h = row0_bottom - row0_top
    header_h = max(1, min(header_px, row0_h // 3))
    header_bottom = row0_top + header_h
    out["header.duty"] = (left[0], row0_top, left[1] - left[0], header_h)
    out["header.title"] = (title_x[0], row0_top, title_x[1] - title_x[0], header_h)
    out["header.haves"] = (right[0], row0_top, right[1] - right[0], header_h)
    out["banner"] = out["header.title"]

    kpi_top = header_bottom + gap_px
    kpi_h = max(1, min(kpi_px, row0_bottom - kpi_top))
    out["kpi"] = (title_x[0], kpi_top, title_x[1] - title_x[0], kpi_h)

    map_top = kpi_top + kpi_h + gap_px
    if rows > 1 and row0_bottom - map_top < min_panel_px:
        map_top = row_iv[1][0]  # too little left in row 0: start the map in row 1
    map_bottom = row_iv[-1][1]
    out["map"] = (middle[0], map_top, middle[1] - middle[0], max(1, map_bottom - map_top))

    side_segments = [(header_bottom + gap_px, row0_bottom)] + list(row_iv[1:])
    side_segments = [(a, b) for a, b in side_segments if b - a > 0]
    left_panels, right_panels = list(LEFT_PANELS), list(RIGHT_PANELS)
    # A tall wall has more tile rows than right-hand panels: rather than leave a tile
    # empty, the ranking moves to the top of the right column.
    while len(left_panels) > len(side_segments) and len(right_panels) < len(side_segments):
        right_panels.insert(0, left_panels.pop())
    _stack(left_panels, left, side_segments, min_panel_px, gap_px, out)
    _stack(right_panels, right, side_segments, min_panel_px, gap_px, out)
    return out
