"""Video layouts as pure data: slot geometry, sub-streams, demo URL resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from services import video
from services.errors import InvalidInput
from services.video import sources


@pytest.mark.parametrize("layout", video.LAYOUTS)
def test_every_layout_tiles_its_grid_exactly_once(layout: int) -> None:
    side, cells = video.layout_cells(layout)
    assert [c.index for c in cells] == list(range(layout))
    covered: list[tuple[int, int]] = []
    for c in cells:
        covered += [(r, k) for r in range(c.row, c.row + c.row_span)
                    for k in range(c.col, c.col + c.col_span)]  # fmt: skip
    assert sorted(covered) == [(r, k) for r in range(side) for k in range(side)]


def test_six_is_one_large_and_five_small() -> None:
    side, cells = video.layout_cells(6)
    assert side == 3
    assert [(c.row_span, c.col_span) for c in cells] == [(2, 2)] + [(1, 1)] * 5
    with pytest.raises(InvalidInput):
        video.layout_cells(8)


def test_cameras_play_the_sub_stream_from_nine_slots() -> None:
    cam = video.Source("camera", 3, "东门", "demo://camera/3", "demo://camera/3?sub=1")
    room = video.Source("center", 7, "城东街道", "demo://room/7")
    assert [cam.url_for(n) for n in video.LAYOUTS] == ["demo://camera/3"] * 3 + [
        "demo://camera/3?sub=1"
    ] * 2
    assert room.url_for(16) == "demo://room/7"
    assert video.Slot(9, 0, cam).play_url(Path("/m")) == "file:///m/camera_3_sub.mp4"
    assert video.Slot(4, 0, cam).play_url(Path("/m")) == "file:///m/camera_3.mp4"
    assert video.Slot(4, 1).play_url() == "" and video.Slot(4, 1).empty


def test_demo_urls_resolve_to_clips_and_others_pass_through() -> None:
    folder = Path("/media")
    assert sources.resolve("demo://room/2", folder) == "file:///media/room_2.mp4"
    assert sources.resolve("demo://camera/11", folder) == "file:///media/camera_3.mp4"
    assert sources.resolve("demo://room/2?sub=1", folder) == "file:///media/room_2.mp4"
    assert sources.resolve("rtsp://10.0.0.5/live/1") == "rtsp://10.0.0.5/live/1"
    assert sources.resolve("/srv/a b.mp4") == "file:///srv/a%20b.mp4"
    assert sources.is_looping_file("file:///media/room_2.mp4")
    assert not sources.is_looping_file("http://127.0.0.1:8080/live.ts")


def test_smallest_layout_and_distance() -> None:
    assert [video.smallest_layout(n) for n in (0, 1, 2, 5, 6, 7, 10, 40)] == [1, 1, 4, 6, 6, 9,
                                                                              16, 16]  # fmt: skip
    # One degree of latitude is about 111.2 km.
    assert video.distance_m(120.0, 30.0, 120.0, 31.0) == pytest.approx(111_195, rel=1e-3)
    state = video.VideoWallState(1, 4, 0, tuple(
        video.Slot(4, i, None, pinned=i == 1) for i in range(4)))  # fmt: skip
    assert state.free_indices() == [0, 2, 3]
