"""Big-number tiles for the live counts: 今日上报, 未办结, 超期, 今日办结, 办结率, 乡镇及以下化解率.

The number's font comes from QSS (`KpiValue`, sized by the wall's UI scale); if a long
number would not fit the tile, it is drawn smaller rather than cut off.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from services.wall.situation import Kpis
from widgets.layouts import layout_of
from widgets.translate import QT_TRANSLATE_NOOP

# Presentation thresholds (colour only): a resolution rate below this is shown amber.
GOOD_RATE = 0.95
CAPTION_MIN_PX = 16  # a caption wraps onto two lines rather than shrink below this (scale 1)


def format_count(value: int) -> str:
    return f"{value:,}"


def format_percent(value: float | None) -> str:
    """0.9674 → "96.7%"; None (no data) → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


class FitText(QWidget):
    """One line of text in its QSS font and colour, drawn smaller only if it would not fit.

    `min_px` is the smallest size it may shrink to; with `max_lines` > 1 a text that
    would need less wraps onto more lines at `min_px` instead (the widget keeps the height
    of that many lines), so a long caption stays readable across the room.
    """

    def __init__(self, parent: QWidget | None = None, *, max_lines: int = 1) -> None:
        super().__init__(parent)
        self._text = "—"
        self.min_px = 0
        self.max_lines = max_lines
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - mirrors QLabel
        if text != self._text:
            self._text = text
            self.update()

    def set_min_px(self, px: int) -> None:
        self.min_px = px
        self._fit_height()
        self.update()

    def fit(self, width: int | None = None) -> tuple[int, list[str]]:
        """(pixel size, lines) the text is drawn with at `width` (default: its own)."""
        width = self.width() if width is None else width
        font = self.font()
        px = font.pixelSize() if font.pixelSize() > 0 else QFontMetrics(font).height()
        full = QFontMetrics(font).horizontalAdvance(self._text)
        if full <= width or width <= 0:
            return px, [self._text]
        shrunk = max(6, int(px * width / full))
        if shrunk >= self.min_px or self.max_lines <= 1:
            return shrunk, [self._text]
        font.setPixelSize(self.min_px)
        fm = QFontMetrics(font)
        lines = wrap_text(self._text, fm, width)
        if len(lines) <= self.max_lines and all(fm.horizontalAdvance(x) <= width for x in lines):
            return self.min_px, lines
        return shrunk, [self._text]  # too long even for that: one line, smaller

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = QFontMetrics(self.font())
        return QSize(fm.horizontalAdvance(self._text), self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(10, self._height())

    def _height(self) -> int:
        one = QFontMetrics(self.font()).height()
        if self.max_lines <= 1 or self.min_px <= 0:
            return one
        font = self.font()
        font.setPixelSize(self.min_px)
        return max(one, self.max_lines * QFontMetrics(font).height())

    def _fit_height(self) -> None:
        self.setFixedHeight(self._height())
        self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        font = self.font()
        px, lines = self.fit()
        font.setPixelSize(px)
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        align = Qt.AlignmentFlag.AlignHCenter | (
            Qt.AlignmentFlag.AlignBottom if len(lines) == 1 else Qt.AlignmentFlag.AlignVCenter
        )
        painter.drawText(self.rect(), align, "\n".join(lines))


def wrap_text(text: str, fm: QFontMetrics, width: int) -> list[str]:
    """Lines of at most `width` px: at spaces where there are any, else at any character
    (Chinese has no spaces)."""
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        if line and fm.horizontalAdvance(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return lines


class KpiValue(FitText):
    """The big number (its own type so QSS can size and colour it)."""


class KpiTile(QFrame):
    """Caption over a big number; the `tone` property (normal/good/warn/alarm) colours it."""

    def __init__(self, key: str, caption_source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._caption_source = caption_source
        self.setProperty("tone", "normal")
        # Tiles stay equal whatever the caption's length: a long caption is drawn smaller.
        self.caption = FitText(self, max_lines=2)
        self.caption.setObjectName("kpiCaption")
        self.value = KpiValue(self)
        self.value.setObjectName("kpiValue")
        self.value.setProperty("tone", "normal")
        lay = QVBoxLayout(self)
        lay.addWidget(self.caption)
        lay.addWidget(self.value)
        self.retranslate()

    def text(self) -> str:
        return self.value.text()

    def tone(self) -> str:
        return str(self.property("tone"))

    def set_value(self, text: str, tone: str = "normal") -> None:
        self.value.setText(text)
        if self.property("tone") != tone:
            for w in (self, self.value):
                w.setProperty("tone", tone)
                w.style().unpolish(w)
                w.style().polish(w)
            self.value.update()

    def set_ui_scale(self, scale: float) -> None:
        self.caption.set_min_px(round(CAPTION_MIN_PX * scale))
        m = round(6 * scale)
        layout_of(self).setContentsMargins(m, m, m, m)
        layout_of(self).setSpacing(round(2 * scale))

    def retranslate(self) -> None:
        self.caption.setText(QCoreApplication.translate("KpiBoard", self._caption_source))


KPI_CAPTIONS: tuple[tuple[str, str], ...] = (
    ("reported_today", QT_TRANSLATE_NOOP("KpiBoard", "今日上报")),
    ("open", QT_TRANSLATE_NOOP("KpiBoard", "未办结")),
    ("overdue", QT_TRANSLATE_NOOP("KpiBoard", "超期")),
    ("resolved_today", QT_TRANSLATE_NOOP("KpiBoard", "今日办结")),
    ("resolution_rate", QT_TRANSLATE_NOOP("KpiBoard", "办结率")),
    ("settled_low_share", QT_TRANSLATE_NOOP("KpiBoard", "乡镇及以下化解率")),
)


class KpiBoard(QWidget):
    """The six live counts in one row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: dict[str, KpiTile] = {}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for key, caption in KPI_CAPTIONS:
            tile = KpiTile(key, caption, self)
            self.tiles[key] = tile
            lay.addWidget(tile, 1)
        self._kpis: Kpis | None = None

    def set_kpis(self, k: Kpis) -> None:
        self._kpis = k
        self.tiles["reported_today"].set_value(format_count(k.reported_today), "accent")
        self.tiles["open"].set_value(format_count(k.open), "warn" if k.open else "normal")
        self.tiles["overdue"].set_value(format_count(k.overdue), "alarm" if k.overdue else "good")
        self.tiles["resolved_today"].set_value(format_count(k.resolved_today), "good")
        for key, rate in (
            ("resolution_rate", k.resolution_rate),
            ("settled_low_share", k.settled_low_share),
        ):
            tone = "normal" if rate is None else ("good" if rate >= GOOD_RATE else "warn")
            self.tiles[key].set_value(format_percent(rate), tone)

    def kpis(self) -> Kpis | None:
        return self._kpis

    def text_of(self, key: str) -> str:
        return self.tiles[key].text()

    def set_ui_scale(self, scale: float) -> None:
        layout_of(self).setSpacing(round(10 * scale))
        for tile in self.tiles.values():
            tile.set_ui_scale(scale)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            for tile in self.tiles.values():
                tile.retranslate()
        super().changeEvent(event)
