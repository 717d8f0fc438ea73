"""One video slot on the wall: a stream player, its frame, its label and its connection state.

States: `idle` (无信号, nothing assigned), `connecting` (连接中), `playing`, `lost`
(信号中断: the stream failed, ended or stalled; the tile retries by itself with exponential
backoff, 1 s doubling to 30 s, driven by QMediaPlayer's signals and QTimers, never a sleep).
One tile's failure never touches another tile.

Frames are drawn without a full-size QImage per frame: when a paint is due, the newest
YUV 4:2:0 frame is mapped and only the pixels the tile shows are converted (a decimating
YUV→RGB in numpy), which costs a fraction of `QVideoFrame.toImage()` at wall tile sizes.
Other pixel formats fall back to Qt's conversion.
"""

from __future__ import annotations

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


def _rgb32(y: np.ndarray, u: np.ndarray, v: np.ndarray) -> QImage:
    """BT.601 limited-range YUV (same-shaped planes) → an RGB32 QImage owning its pixels.

    Plain int32 arithmetic on sliced planes: measured faster here than lookup tables or
    fancy-indexed chroma (gathers), 0.9 ms for 640×360.
    """
    yy = (y.astype(np.int32) - 16) * 298 + 128
    uu = u.astype(np.int32) - 128
    vv = v.astype(np.int32) - 128
    h, w = y.shape
    out = np.empty((h, w, 4), np.uint8)
    out[..., 0] = np.clip((yy + 516 * uu) >> 8, 0, 255)
    out[..., 1] = np.clip((yy - 100 * uu - 208 * vv) >> 8, 0, 255)
    out[..., 2] = np.clip((yy + 409 * vv) >> 8, 0, 255)
    out[..., 3] = 255
    image = QImage(out.data, w, h, w * 4, QImage.Format.Format_RGB32)
    return image.copy()  # detach from the numpy buffer (small: tile-sized)


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


def frame_to_tile_image(frame: QVideoFrame, width: int, height: int) -> QImage | None:
    """The frame at about the tile's size, converting only the pixels that are shown."""
    if not frame.isValid() or width <= 0 or height <= 0:
        return None
    fmt = frame.pixelFormat()
    pf = QVideoFrameFormat.PixelFormat
    if fmt not in (pf.Format_YUV420P, pf.Format_NV12):
        image = frame.toImage()  # rare here: the decoders hand out 4:2:0
        return image if not image.isNull() else None
    if not frame.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        fw, fh = frame.width() & ~1, frame.height() & ~1
        step = sample_step(fw, fh, width, height)
        y = _plane(frame, 0, fh)[:fh:step, :fw:step]
        half, cw = fh // 2, fw // 2
        if fmt == pf.Format_YUV420P:
            u_full, v_full = _plane(frame, 1, half)[:, :cw], _plane(frame, 2, half)[:, :cw]
        else:
            uv = _plane(frame, 1, half)[:, : 2 * cw]
            u_full, v_full = uv[:, 0::2], uv[:, 1::2]
        if step == 1:
            u = u_full.repeat(2, 0).repeat(2, 1)
            v = v_full.repeat(2, 0).repeat(2, 1)
        else:
            c = step // 2
            u, v = u_full[::c, ::c], v_full[::c, ::c]
        h, w = min(y.shape[0], u.shape[0]), min(y.shape[1], u.shape[1])
        return _rgb32(y[:h, :w], u[:h, :w], v[:h, :w])
    finally:
        frame.unmap()


def fit_rect(outer: QRect, size: QSize) -> QRect:
    """The largest rectangle of `size`'s aspect ratio centred in `outer`."""
    if size.isEmpty():
        return outer
    scaled = size.scaled(outer.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = outer.x() + (outer.width() - scaled.width()) // 2
    y = outer.y() + (outer.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())


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
        font = QFont(self.font())
        font.setPixelSize(max(10, round(px)))
        font.setBold(bold)
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.rect()
        painter.fillRect(rect, BACKGROUND)
        if self._state == "playing" and self._frame_dirty and self._frame is not None:
            image = frame_to_tile_image(self._frame, rect.width(), rect.height())
            if image is not None:
                self._image = image
                self._frame_size = self._frame.size()
            self._frame_dirty = False
            self._frame = None  # hand the decoder's buffer back
        if self._state == "playing" and self._image is not None:
            painter.drawImage(fit_rect(rect, self._frame_size), self._image)
            self._painted += 1
        else:
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

    def _paint_overlay(self, painter: QPainter, rect: QRect) -> None:
        px = max(14.0, min(rect.height() / 9, 30 * self._scale))
        if self._label or self._number:
            caption = self.caption(rect)
            line_h = round(caption.px * 1.3)
            bar_h = line_h * len(caption.lines) + round(caption.px * 0.3)
            bar = QRect(rect.x(), rect.bottom() - bar_h + 1, rect.width(), bar_h)
            painter.fillRect(bar, QColor(0, 0, 0, 150))
            painter.setPen(QColor("#ffffff"))
            painter.setFont(self._font(caption.px, bold=True))
            for n, line in enumerate(caption.lines):
                row = QRect(bar.x() + round(caption.px / 2), bar.y() + round(caption.px * 0.15)
                            + n * line_h, bar.width() - caption.px, line_h)  # fmt: skip
                painter.drawText(
                    row, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, line
                )
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
        super().changeEvent(event)
