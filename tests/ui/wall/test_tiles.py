"""Tile planning for splice walls: no panel (except the map) ever crosses a seam."""

from __future__ import annotations

import itertools

import pytest

from ui.wall.tiles import (
    HEADER_PARTS,
    LEFT_PANELS,
    OVERLAYS,
    RIGHT_PANELS,
    SPANNING,
    TileGrid,
    crosses_seam,
    edge_clearance,
    plan_tiles,
)

EXPECTED = {
    *HEADER_PARTS,
    "banner",
    "kpi",
    "map",
    *(name for name, _ in LEFT_PANELS),
    *(name for name, _ in RIGHT_PANELS),
}

# (width, height, cols, rows, bezel_px, scale)
WALLS = [
    (5760, 3240, 3, 3, 12, 2.0),  # 3×3 of 1080p panels
    (5760, 3240, 3, 3, 0, 2.0),
    (5760, 3240, 3, 3, 40, 1.5),
    (5760, 2160, 3, 2, 8, 2.0),  # 3×2 splice wall
    (3840, 2160, 2, 2, 10, 2.0),
    (7680, 3240, 4, 3, 12, 2.0),
    (7680, 2160, 4, 2, 6, 2.0),
    (3840, 1080, 2, 1, 6, 1.0),  # 32:9 pair
    (5760, 1080, 3, 1, 6, 1.0),
    (1920, 1080, 1, 1, 0, 1.0),  # a single screen
    (3840, 2160, 1, 1, 0, 2.0),
]


def _plan(width: int, height: int, cols: int, rows: int, bezel: int, scale: float):
    return plan_tiles(
        width,
        height,
        cols,
        rows,
        bezel,
        header_px=round(100 * scale),
        kpi_px=round(150 * scale),
        gap_px=round(10 * scale),
        pad_px=round(8 * scale),
        min_panel_px=round(140 * scale),
    )


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_3x3_wall_no_panel_crosses_a_seam() -> None:
    width, height, cols, rows, bezel = 5760, 3240, 3, 3, 12
    plan = _plan(width, height, cols, rows, bezel, 2.0)
    grid = TileGrid(width, height, cols, rows)
    assert set(plan) == EXPECTED
    for name, rect in plan.items():
        if name in SPANNING:
            continue
        assert grid.tile_of(rect) is not None, f"{name} {rect} straddles a seam"
        assert not crosses_seam(rect, grid, clear_px=bezel), f"{name} {rect} is in a bezel zone"
    # The map spans the middle column's tiles but its edges stay out of the bezel zones.
    assert edge_clearance(plan["map"], grid) >= bezel
    assert (
        grid.col_edges()[1] < plan["map"][0] < plan["map"][0] + plan["map"][2] < grid.col_edges()[2]
    )


@pytest.mark.parametrize("wall", WALLS, ids=lambda w: "{}x{}@{}x{}b{}s{}".format(*w))
def test_plans_stay_inside_tiles(wall: tuple[int, int, int, int, int, float]) -> None:
    width, height, cols, rows, bezel, scale = wall
    plan = _plan(*wall)
    grid = TileGrid(width, height, cols, rows)
    assert set(plan) == EXPECTED
    for name, (x, y, w, h) in plan.items():
        assert w > 0 and h > 0, name
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height, name
        if name in SPANNING:
            assert edge_clearance((x, y, w, h), grid) >= bezel, name
        else:
            assert grid.tile_of((x, y, w, h)) is not None, f"{name} crosses a seam"
            assert not crosses_seam((x, y, w, h), grid, clear_px=bezel), name


@pytest.mark.parametrize("wall", WALLS, ids=lambda w: "{}x{}@{}x{}b{}s{}".format(*w))
def test_panels_do_not_overlap(wall: tuple[int, int, int, int, int, float]) -> None:
    plan = {k: v for k, v in _plan(*wall).items() if k not in OVERLAYS}
    for (a, ra), (b, rb) in itertools.combinations(plan.items(), 2):
        assert not _overlap(ra, rb), f"{a} {ra} overlaps {b} {rb}"


def test_command_room_arrangement_on_3x3() -> None:
    plan = _plan(5760, 3240, 3, 3, 12, 2.0)
    grid = TileGrid(5760, 3240, 3, 3)
    tile = {name: grid.tile_of(rect) for name, rect in plan.items() if name not in SPANNING}
    # Header across the top row of tiles; title and KPI in the middle.
    assert tile["header.duty"] == (0, 0)
    assert tile["header.title"] == (1, 0)
    assert tile["header.haves"] == (2, 0)
    assert tile["kpi"] == (1, 0)
    assert plan["banner"] == plan["header.title"]
    # Data on the left; video, incidents and dispatch on the right; every outer tile used.
    for name in ("trend_hourly", "trend_daily", "categories", "ranking"):
        assert tile[name][0] == 0
    for name in ("video", "incidents", "dispatch"):
        assert tile[name][0] == 2
    used = {t for t in tile.values()}
    assert {(0, r) for r in range(3)} <= used
    assert {(2, r) for r in range(3)} <= used


def test_single_screen_keeps_ranking_with_the_data() -> None:
    plan = _plan(1920, 1080, 1, 1, 0, 1.0)
    assert plan["ranking"][0] == plan["trend_hourly"][0]
    assert plan["ranking"][0] < plan["map"][0] < plan["video"][0]


def test_tile_edges_cover_odd_sizes() -> None:
    grid = TileGrid(1001, 601, 3, 2)
    assert grid.col_edges() == [0, 334, 667, 1001]
    assert grid.row_edges() == [0, 300, 601]
    assert grid.seams() == ([334, 667], [300])
    assert grid.tile_of((0, 0, 334, 300)) == (0, 0)
    assert grid.tile_of((300, 0, 100, 10)) is None


@pytest.mark.parametrize(
    "args",
    [(0, 1080, 1, 1, 0), (1920, 1080, 0, 1, 0), (1920, 1080, 1, 0, 0), (1920, 1080, 1, 1, -1)],
)
def test_rejects_bad_input(args: tuple[int, int, int, int, int]) -> None:
    with pytest.raises(ValueError):
        plan_tiles(*args)
