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


def format_count(value: int) -> str:
    return f"{value:,}"


def format_percent(value: float | None) -> str:
    """0.9674 → "96.7%"; None (no data) → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


class FitText(QWidget):
    """One line of text in its QSS font and colour, drawn smaller only if it would not fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = "—"
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - mirrors QLabel
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = QFontMetrics(self.font())
        return QSize(fm.horizontalAdvance(self._text), fm.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(10, QFontMetrics(self.font()).height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.setFixedHeight(QFontMetrics(self.font()).height())
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        font = self.font()
        width = QFontMetrics(font).horizontalAdvance(self._text)
        if width > self.width() > 0:
            size = max(6, int(font.pixelSize() * self.width() / width))
            font.setPixelSize(size)
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._text)


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
        self.caption = FitText(self)
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
