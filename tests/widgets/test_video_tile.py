"""The video tile's picture path: decimated YUV frames converted by Qt, the cached
caption bar, letterbox bands, and no conversion without a new frame or while hidden."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat
from pytestqt.qtbot import QtBot

from services.demo import media as demo_media
from widgets.video.video_tile import (
    BACKGROUND,
    VideoTile,
    decimated_frame,
    frame_to_tile_image,
    letterbox,
)

PF = QVideoFrameFormat.PixelFormat
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg")


def _planes(frame: QVideoFrame, rows: list[int]) -> list[np.ndarray]:
    out = []
    for n, h in enumerate(rows):
        stride = frame.bytesPerLine(n)
        out.append(np.frombuffer(frame.bits(n), np.uint8, stride * h).reshape(h, stride))
    return out


def synthetic(fmt: QVideoFrameFormat.PixelFormat, w: int = 1280, h: int = 720) -> QVideoFrame:
    """A frame whose luma ramps across and down and whose chroma differs by quadrant."""
    frame = QVideoFrame(QVideoFrameFormat(QSize(w, h), fmt))
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    xs, ys = np.meshgrid(np.arange(w), np.arange(h))
    cx, cy = np.meshgrid(np.arange(w // 2), np.arange(h // 2))
    u = np.where(cx < w // 4, 60, 200).astype(np.uint8)
    v = np.where(cy < h // 4, 90, 170).astype(np.uint8)
    if fmt == PF.Format_YUV420P:
        y_p, u_p, v_p = _planes(frame, [h, h // 2, h // 2])
        u_p[:, : w // 2], v_p[:, : w // 2] = u, v
    else:
        y_p, uv_p = _planes(frame, [h, h // 2])
        uv_p[:, 0:w:2], uv_p[:, 1:w:2] = u, v
    y_p[:, :w] = (16 + (xs * 7 + ys * 3) % 220).astype(np.uint8)
    frame.unmap()
    return frame


@pytest.mark.parametrize("fmt", [PF.Format_YUV420P, PF.Format_NV12])
@pytest.mark.parametrize(("tile", "step"), [((638, 358), 2), ((320, 180), 4)])
def test_a_decimated_frame_converts_to_the_same_colours_as_the_full_frame(
    qtbot: QtBot, fmt: QVideoFrameFormat.PixelFormat, tile: tuple[int, int], step: int
) -> None:
    frame = synthetic(fmt)
    full = frame.toImage()
    image = frame_to_tile_image(frame, *tile)
    assert image is not None
    assert (image.width(), image.height()) == (1280 // step, 720 // step)
    worst = 0
    for x, y in [(0, 0), (37, 11), (150, 170), (image.width() - 1, image.height() - 1), (200, 40)]:
        got, want = image.pixelColor(x, y), full.pixelColor(x * step, y * step)
        worst = max(worst, abs(got.red() - want.red()), abs(got.green() - want.green()),
                    abs(got.blue() - want.blue()))  # fmt: skip
    assert worst <= 3


def test_decimation_keeps_every_step_th_luma_sample() -> None:
    frame = synthetic(PF.Format_YUV420P)
    small = decimated_frame(frame, 4)
    assert small is not None and small.size() == QSize(320, 180)
    assert frame.map(QVideoFrame.MapMode.ReadOnly) and small.map(QVideoFrame.MapMode.ReadOnly)
    try:
        (big_y,) = _planes(frame, [720])
        (small_y,) = _planes(small, [180])
        assert np.array_equal(small_y[:, :320], big_y[::4, :1280:4])
    finally:
        frame.unmap()
        small.unmap()


def test_letterbox_bands_cover_exactly_what_the_picture_does_not() -> None:
    outer = QRect(0, 0, 400, 300)
    inner = QRect(0, 37, 400, 225)
    bands = letterbox(outer, inner)
    assert [b.height() for b in bands] == [37, 38]
    assert sum(b.width() * b.height() for b in bands) + 400 * 225 == 400 * 300
    assert letterbox(outer, outer) == []


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    spec = demo_media.ClipSpec("tile.mp4", "测试", 320, 180, seconds=2, hue=30)
    return demo_media.ensure_clips(tmp_path, [spec])[0]


def _playing(qtbot: QtBot, clip: Path, size: tuple[int, int], show: bool = True) -> VideoTile:
    tile = VideoTile()
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.set_number("1")
    tile.set_source(clip.as_uri(), "一号监控", loop=True)
    if show:
        tile.show()
        qtbot.waitExposed(tile)
    return tile


@needs_ffmpeg
def test_a_hidden_tile_converts_no_frame_and_repaints_convert_only_new_frames(
    qtbot: QtBot, clip: Path
) -> None:
    shown = _playing(qtbot, clip, (320, 180))
    hidden = _playing(qtbot, clip, (320, 180), show=False)
    qtbot.waitUntil(lambda: hidden.frames_received() > 10 and shown.frames_painted() > 5,
                    timeout=10_000)  # fmt: skip
    assert hidden.frames_converted() == 0
    assert 0 < shown.frames_converted() <= shown.frames_received()
    shown.repaint()  # may convert a frame that came since the last paint
    converted, painted = shown.frames_converted(), shown.frames_painted()
    for _ in range(3):
        shown.repaint()  # no event is processed in between: no new frame
    assert shown.frames_converted() == converted
    assert shown.frames_painted() == painted + 3


@needs_ffmpeg
def test_the_caption_bar_and_letterbox_are_drawn_and_follow_the_label(
    qtbot: QtBot, clip: Path
) -> None:
    tile = _playing(qtbot, clip, (400, 400))
    qtbot.waitUntil(lambda: tile.frames_painted() > 3, timeout=10_000)
    before = tile.grab().toImage()
    assert QColor(before.pixel(200, 5)) == BACKGROUND  # band above the 16:9 picture
    assert QColor(before.pixel(200, 200)) != BACKGROUND
    caption = tile.caption()
    bar_y = 400 - round(caption.px * 1.3) // 2
    row = [QColor(before.pixel(x, bar_y)) for x in range(0, 200)]
    assert any(c.lightness() > 200 for c in row)  # white caption text on the bar

    def bar(image: QImage) -> bytes:
        return bytes(image.copy(0, 400 - 3 * caption.px, 400, 3 * caption.px).constBits())

    tile.set_label("一号监控 东门外广场 很长的名称")
    after = tile.grab().toImage()
    assert tile.caption().text.endswith("很长的名称")
    assert bar(after) != bar(before)


def test_a_picture_a_few_pixels_larger_than_its_place_is_cropped_not_scaled() -> None:
    from widgets.video.video_tile import blit

    image = QImage(640, 360, QImage.Format.Format_RGB32)
    target = QRect(1, 0, 636, 358)
    assert blit(target, image) == (target, image, QRect(2, 1, 636, 358))
    far = QRect(0, 0, 600, 338)
    assert blit(far, image) == (far, image, image.rect())  # too far off: scaled
