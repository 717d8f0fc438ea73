"""One video slot on the wall: a stream player, its frame, its label and its connection state.

States: `idle` (无信号, nothing assigned), `connecting` (连接中), `playing`, `lost`
(信号中断: the stream failed, ended or stalled; the tile retries by itself with exponential
backoff, 1 s doubling to 30 s, driven by QMediaPlayer's signals and QTimers, never a sleep).
One tile's failure never touches another tile.

Frames are drawn without a full-size QImage per frame: when a paint is due, the newest
YUV 4:2:0 frame is mapped, every n-th pixel is copied into a small YUV frame (strided byte
copies) and Qt's own C++ converts that to RGB; a frame as large as the tile, and other
pixel formats, use Qt's conversion directly. A tile paints only when a new frame came
(or its state, label or size changed), and a hidden tile converts nothing.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtMultimedia import (
    QMediaPlayer,
    QPlaybackOptions,
    QVideoFrame,
    QVideoFrameFormat,
    QVideoSink,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.translate import QT_TRANSLATE_NOOP

STATES = ("idle", "connecting", "playing", "lost")
STATE_TEXT = {
    "idle": QT_TRANSLATE_NOOP("VideoTile", "无信号"),
    "connecting": QT_TRANSLATE_NOOP("VideoTile", "连接中"),
    "lost": QT_TRANSLATE_NOOP("VideoTile", "信号中断"),
}
BACKOFF_START_MS = 1000
BACKOFF_MAX_MS = 30_000
STALL_MS = 5000  # no frame for this long while playing: the stream dropped
CONNECT_TIMEOUT_MS = 15_000
ACTIVE_COLOUR = QColor("#ffb300")
PIN_COLOUR = QColor("#4fc3f7")
BACKGROUND = QColor("#05080d")
CAPTION_MIN_PX = 12  # a slot's caption never below this at scale 1 (the wall lint's floor)


@dataclass(frozen=True)
class Caption:
    """A slot's caption as drawn: the full text, its lines, their pixel size."""

    text: str
    lines: tuple[str, ...]
    px: int

    @property
    def whole(self) -> bool:
        """Every character is shown (nothing elided)."""
        return "".join(self.lines).replace(" ", "") == self.text.replace(" ", "")


def _wrap(text: str, fm: QFontMetrics, width: int, most: int) -> list[str]:
    """Greedy wrapping by character (CJK has no spaces), at most `most` + 1 lines."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and fm.horizontalAdvance(line + ch) > width:
            lines.append(line.rstrip())
            line = ch.lstrip()
            if len(lines) > most:
                break
        else:
            line += ch
    lines.append(line)
    return lines or [""]


def _plane(frame: QVideoFrame, plane: int, rows: int) -> np.ndarray:
    stride = frame.bytesPerLine(plane)
    return np.frombuffer(frame.bits(plane), np.uint8, stride * rows).reshape(rows, stride)


OVERSAMPLE_MAX = 1.3  # convert at most this many times the tile's width (then halve)


def sample_step(frame_w: int, frame_h: int, width: int, height: int) -> int:
    """Every n-th pixel: n is 1 or even (keeps 4:2:0 chroma aligned).

    The picture is converted at about the tile's size: a little smaller (at most 1/1.3,
    drawn slightly scaled up) rather than much larger, which would cost up to 4× the time.
    """
    step = max(1, min(frame_w // max(width, 1), frame_h // max(height, 1)))
    if step > 1 and step % 2:
        step -= 1
    if frame_w / step > OVERSAMPLE_MAX * width:
        step = 2 if step == 1 else step * 2
    return step


_WORDS = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _every(rows: np.ndarray, step: int, width: int) -> np.ndarray:
    """Every `step`-th byte of each row, `width` of them.

    Read as `step`-byte little-endian words whose low byte is the wanted pixel (the
    assignment into a uint8 plane keeps just that byte): a contiguous, vectorised cast
    instead of numpy's byte-by-byte strided copy, about 3× faster here.
    """
    word = _WORDS.get(step)
    if word is None or rows.strides[0] % step or sys.byteorder != "little":
        return rows[:, : width * step : step]
    return rows.view(word)[:, :width]


def decimated_frame(frame: QVideoFrame, step: int) -> QVideoFrame | None:
    """A YUV 4:2:0 frame's every `step`-th pixel (step even) as a small YUV420P frame.

    Only strided byte copies (about 1/step² of the picture): no per-pixel arithmetic in
    Python, the colour conversion is left to Qt's C++ (`toImage()` on the small frame).
    """
    pf = QVideoFrameFormat.PixelFormat
    fmt = frame.pixelFormat()
    if not frame.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        fw, fh = frame.width() & ~1, frame.height() & ~1
        w, h = (fw // step) & ~1, (fh // step) & ~1
        if w <= 0 or h <= 0:
            return None
        out = QVideoFrame(QVideoFrameFormat(QSize(w, h), pf.Format_YUV420P))
        if not out.map(QVideoFrame.MapMode.WriteOnly):
            return None
        c, cw, ch = step, w // 2, h // 2  # the small frame is 4:2:0 too
        _plane(out, 0, h)[:, :w] = _every(_plane(frame, 0, fh)[: h * step : step], step, w)
        if fmt == pf.Format_YUV420P:
            u = _every(_plane(frame, 1, fh // 2)[: ch * c : c], c, cw)
            v = _every(_plane(frame, 2, fh // 2)[: ch * c : c], c, cw)
        else:  # NV12: U and V interleaved in one plane
            uv = _plane(frame, 1, fh // 2)[: ch * c : c]
            u, v = uv[:, 0 : 2 * cw * c : 2 * c], uv[:, 1 : 2 * cw * c : 2 * c]
        _plane(out, 1, ch)[:, :cw] = u
        _plane(out, 2, ch)[:, :cw] = v
        out.unmap()
        return out
    finally:
        frame.unmap()


def frame_to_tile_image(frame: QVideoFrame, width: int, height: int) -> QImage | None:
    """The frame at about the tile's size, converting only the pixels that are shown."""
    if not frame.isValid() or width <= 0 or height <= 0:
        return None
    pf = QVideoFrameFormat.PixelFormat
    step = sample_step(frame.width() & ~1, frame.height() & ~1, width, height)
    source: QVideoFrame | None = frame
    if step > 1 and frame.pixelFormat() in (pf.Format_YUV420P, pf.Format_NV12):
        source = decimated_frame(frame, step)
    image = source.toImage() if source is not None else QImage()
    return image if not image.isNull() else None


def fit_rect(outer: QRect, size: QSize) -> QRect:
    """The largest rectangle of `size`'s aspect ratio centred in `outer`."""
    if size.isEmpty():
        return outer
    scaled = size.scaled(outer.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = outer.x() + (outer.width() - scaled.width()) // 2
    y = outer.y() + (outer.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())


SNAP_PX = 4  # a picture this close to its rectangle's size is drawn 1:1 (cropped), not scaled


def blit(target: QRect, image: QImage) -> tuple[QRect, QImage, QRect]:
    """drawImage's arguments for `image` in `target`: a picture within `SNAP_PX` of the
    target's size is cropped to it (a plain copy) instead of rescaled, which costs more."""
    size = image.deviceIndependentSize().toSize()
    dw, dh = size.width() - target.width(), size.height() - target.height()
    if 0 <= dw <= SNAP_PX and 0 <= dh <= SNAP_PX and image.devicePixelRatio() == 1:
        return target, image, QRect(dw // 2, dh // 2, target.width(), target.height())
    return target, image, image.rect()


def letterbox(outer: QRect, inner: QRect) -> list[QRect]:
    """The bands of `outer` left uncovered by `inner` (inside it): top, bottom, left, right."""
    bands = [
        QRect(outer.left(), outer.top(), outer.width(), inner.top() - outer.top()),
        QRect(outer.left(), inner.bottom() + 1, outer.width(), outer.bottom() - inner.bottom()),
        QRect(outer.left(), inner.top(), inner.left() - outer.left(), inner.height()),
        QRect(inner.right() + 1, inner.top(), outer.right() - inner.right(), inner.height()),
    ]
    return [band for band in bands if not band.isEmpty()]


class VideoTile(QWidget):
    """A slot's player and view; `state_changed(str)` on every state change."""

    state_changed = Signal(str)
    clicked = Signal()
    double_clicked = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        backoff_start_ms: int = BACKOFF_START_MS,
        backoff_max_ms: int = BACKOFF_MAX_MS,
        stall_ms: int = STALL_MS,
        connect_timeout_ms: int = CONNECT_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(80, 45)
        self._url = ""
        self._loop = False
        self._label = ""
        self._number = ""
        self._active = False
        self._pinned = False
        self._state = "idle"
        self._scale = 1.0
        self._backoff_start = backoff_start_ms
        self._backoff_max = backoff_max_ms
        self._backoff = backoff_start_ms
        self._retries = 0
        self._frames = 0
        self._painted = 0
        self._converted = 0
        self._caption: tuple[tuple[object, ...], Caption] | None = None
        self._fonts: dict[tuple[int, bool], QFont] = {}
        self._bar: tuple[tuple[object, ...], QRect, QImage] | None = None
        self._frame: QVideoFrame | None = None
        self._frame_dirty = False
        self._image: QImage | None = None
        self._frame_size = QSize()
        self._last_frame_at = 0.0
        self._player: QMediaPlayer | None = None
        self._sink: QVideoSink | None = None

        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._open)
        self._stall_timer = QTimer(self)
        self._stall_timer.setSingleShot(True)
        self._stall_timer.setInterval(stall_ms)
        self._stall_timer.timeout.connect(lambda: self._drop("stalled"))
        self._connect_timer = QTimer(self)
        self._connect_timer.setSingleShot(True)
        self._connect_timer.setInterval(connect_timeout_ms)
        self._connect_timer.timeout.connect(lambda: self._drop("timeout"))

    # -- public ----------------------------------------------------------------------

    def set_source(self, url: str, label: str = "", *, loop: bool | None = None) -> None:
        """Play `url` (resolved, playable) with `label`; "" empties the slot (无信号)."""
        self._label = label
        self.setToolTip(label)
        if url == self._url and loop in (None, self._loop):
            self.update()
            return
        self._url = url
        self._loop = url.startswith("file:") if loop is None else loop
        self._retry_timer.stop()
        self._backoff = self._backoff_start
        self._retries = 0
        self._clear_picture()
        if not url:
            self._stop_player()
            self._set_state("idle")
            return
        self._open()

    def url(self) -> str:
        return self._url

    def label(self) -> str:
        return self._label

    def set_label(self, label: str) -> None:
        if label != self._label:
            self._label = label
            self.setToolTip(label)
            self.update()

    def set_number(self, text: str) -> None:
        """The slot's number shown in the corner (e.g. "3")."""
        self._number = text
        self.update()

    def set_active(self, active: bool) -> None:
        if active != self._active:
            self._active = active
            self.update()

    def is_active(self) -> bool:
        return self._active

    def set_pinned(self, pinned: bool) -> None:
        if pinned != self._pinned:
            self._pinned = pinned
            self.update()

    def is_pinned(self) -> bool:
        return self._pinned

    def state(self) -> str:
        return self._state

    def state_text(self) -> str:
        """What the tile says when it shows no picture ("" while playing)."""
        text = STATE_TEXT.get(self._state, "")
        return QCoreApplication.translate("VideoTile", text) if text else ""

    def frames_received(self) -> int:
        return self._frames

    def frames_painted(self) -> int:
        return self._painted

    def frames_converted(self) -> int:
        """Decoded frames turned into a picture (at most one per paint, none while hidden)."""
        return self._converted

    def retries(self) -> int:
        return self._retries

    def next_retry_ms(self) -> int:
        """The wait before the next reconnect attempt (the current backoff)."""
        return self._backoff

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self.update()

    def stop(self) -> None:
        """Release the player (the panel is closing)."""
        self._retry_timer.stop()
        self._stall_timer.stop()
        self._connect_timer.stop()
        self._stop_player()

    # -- player ----------------------------------------------------------------------

    def _ensure_player(self) -> QMediaPlayer:
        if self._player is None:
            self._player = QMediaPlayer(self)
            self._sink = QVideoSink(self)
            self._player.setVideoSink(self._sink)
            options = QPlaybackOptions()
            options.setPlaybackIntent(QPlaybackOptions.PlaybackIntent.LowLatencyStreaming)
            self._player.setPlaybackOptions(options)
            self._sink.videoFrameChanged.connect(self._on_frame)
            self._player.errorOccurred.connect(self._on_error)
            self._player.mediaStatusChanged.connect(self._on_status)
        return self._player

    def _stop_player(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())
        self._stall_timer.stop()
        self._connect_timer.stop()

    def _open(self) -> None:
        if not self._url:
            return
        player = self._ensure_player()
        if self._state != "lost":
            self._set_state("connecting")
        player.stop()
        player.setSource(QUrl())
        player.setLoops(QMediaPlayer.Loops.Infinite if self._loop else 1)
        player.setSource(QUrl(self._url))
        self._connect_timer.start()
        player.play()

    def _drop(self, _why: str) -> None:
        """The stream failed or stopped: show 信号中断 and retry after the backoff."""
        if not self._url or self._retry_timer.isActive():
            return
        self._stall_timer.stop()
        self._connect_timer.stop()
        if self._player is not None:
            self._player.stop()
        self._set_state("lost")
        self._retry_timer.start(self._backoff)
        self._retries += 1
        self._backoff = min(self._backoff * 2, self._backoff_max)

    def _on_error(self, error: QMediaPlayer.Error, _text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self._drop("error")

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        ms = QMediaPlayer.MediaStatus
        if status == ms.InvalidMedia or (status == ms.EndOfMedia and not self._loop):
            self._drop("ended")

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid() or not self._url or self._retry_timer.isActive():
            return
        self._frames += 1
        self._frame = frame
        self._frame_dirty = True
        self._last_frame_at = time.monotonic()
        self._stall_timer.start()
        if self._state != "playing":
            self._connect_timer.stop()
            self._backoff = self._backoff_start
            self._set_state("playing")
        self.update()

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            if state != "playing":
                self._clear_picture()
            self.update()
            self.state_changed.emit(state)

    def _clear_picture(self) -> None:
        self._frame = None
        self._image = None
        self._frame_dirty = False

    # -- painting --------------------------------------------------------------------

    def _font(self, px: float, bold: bool = False) -> QFont:
        key = (max(10, round(px)), bold)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(self.font())
            font.setPixelSize(key[0])
            font.setBold(bold)
            self._fonts[key] = font
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.rect()
        if self._state == "playing" and self._frame_dirty and self._frame is not None:
            image = frame_to_tile_image(self._frame, rect.width(), rect.height())
            self._converted += 1
            if image is not None:
                self._image = image
                self._frame_size = self._frame.size()
            self._frame_dirty = False
            self._frame = None  # hand the decoder's buffer back
        if self._state == "playing" and self._image is not None:
            picture = fit_rect(rect, self._frame_size)
            for margin in letterbox(rect, picture):  # the picture covers the rest
                painter.fillRect(margin, BACKGROUND)
            painter.drawImage(*blit(picture, self._image))
            self._painted += 1
        else:
            painter.fillRect(rect, BACKGROUND)
            self._paint_state(painter, rect)
        self._paint_overlay(painter, rect)
        painter.end()

    def _paint_state(self, painter: QPainter, rect: QRect) -> None:
        colour = QColor("#ff5252") if self._state == "lost" else QColor("#8ea4bd")
        painter.setPen(colour)
        painter.setFont(self._font(min(rect.height() / 6, rect.width() / 7, 44 * self._scale),
                                   bold=True))  # fmt: skip
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.state_text())
        if self._state == "lost" and self._retries:
            painter.setFont(self._font(min(rect.height() / 14, 20 * self._scale)))
            painter.setPen(QColor("#c0ccd8"))
            hint = QCoreApplication.translate("VideoTile", "自动重连 第 {n} 次").format(
                n=self._retries
            )
            lower = QRect(rect.x(), rect.center().y() + rect.height() // 7, rect.width(),
                          rect.height() // 4)  # fmt: skip
            painter.drawText(lower, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, hint)

    def caption(self, rect: QRect | None = None) -> Caption:
        """How the slot's number and label are drawn in `rect` (default: the whole tile):
        the largest size from the tile's own down to `CAPTION_MIN_PX` (× the wall's
        scale) at which they fit on one line, else two lines at that floor; only a name
        too long even for that is elided in the middle (keeping its end, e.g. "3号监控")."""
        rect = self.rect() if rect is None else rect
        key = (rect.width(), rect.height(), self._number, self._label, self._scale,
               self.font().key())  # fmt: skip
        if self._caption is None or self._caption[0] != key:
            self._caption = (key, self._fit_caption(rect))
        return self._caption[1]

    def _fit_caption(self, rect: QRect) -> Caption:
        full = f"{self._number}  {self._label}".strip()
        floor = max(1, round(CAPTION_MIN_PX * self._scale))
        top = max(floor, round(min(rect.height() / 9, 30 * self._scale)))
        room = rect.width()
        for px in range(top, floor - 1, -1):
            fm = QFontMetrics(self._font(px, bold=True))
            if fm.horizontalAdvance(full) <= room - px:
                return Caption(full, (full,), px)
        fm = QFontMetrics(self._font(floor, bold=True))
        width = room - floor
        lines = _wrap(full, fm, width, 2)
        if len(lines) > 2 or fm.horizontalAdvance(lines[-1]) > width:
            rest = full[len(lines[0]) :].strip()
            lines = [lines[0], fm.elidedText(rest, Qt.TextElideMode.ElideMiddle, width)]
        return Caption(full, tuple(lines[:2]), floor)

    def _caption_bar(self, rect: QRect) -> tuple[QRect, QImage]:
        """The caption's translucent bar at the tile's foot, drawn once per caption and
        size (text layout is the costly part of a paint, and a playing tile paints 25×/s)."""
        caption = self.caption(rect)
        key = (caption, rect.width(), rect.height(), self.devicePixelRatioF())
        if self._bar is not None and self._bar[0] == key:
            return self._bar[1], self._bar[2]
        line_h = round(caption.px * 1.3)
        bar_h = line_h * len(caption.lines) + round(caption.px * 0.3)
        bar = QRect(rect.x(), rect.bottom() - bar_h + 1, rect.width(), bar_h)
        ratio = self.devicePixelRatioF()
        image = QImage(round(bar.width() * ratio), round(bar_h * ratio),
                       QImage.Format.Format_ARGB32_Premultiplied)  # fmt: skip
        image.setDevicePixelRatio(ratio)
        image.fill(QColor(0, 0, 0, 150))
        painter = QPainter(image)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self._font(caption.px, bold=True))
        for n, line in enumerate(caption.lines):
            row = QRect(round(caption.px / 2), round(caption.px * 0.15) + n * line_h,
                        bar.width() - caption.px, line_h)  # fmt: skip
            painter.drawText(row, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, line)
        painter.end()
        self._bar = (key, bar, image)
        return bar, image

    def _paint_overlay(self, painter: QPainter, rect: QRect) -> None:
        px = max(14.0, min(rect.height() / 9, 30 * self._scale))
        if self._label or self._number:
            bar, image = self._caption_bar(rect)
            painter.drawImage(bar.topLeft(), image)
        if self._pinned:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PIN_COLOUR)
            r = px * 0.45
            painter.drawEllipse(QRectF(rect.right() - 3 * r, rect.y() + r, 2 * r, 2 * r))
        if self._active:
            width = max(3, round(4 * self._scale))
            painter.setPen(QPen(ACTIVE_COLOUR, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(width // 2, width // 2, -(width + 1) // 2,
                                           -(width + 1) // 2))  # fmt: skip

    # -- input -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.double_clicked.emit()
        super().mouseDoubleClickEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.update()
        elif event.type() == QEvent.Type.FontChange:
            self._fonts.clear()
            self._caption = self._bar = None
            self.update()
        super().changeEvent(event)
