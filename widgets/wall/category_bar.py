"""Horizontal bars of today's incidents by category, with Chinese (translated) labels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Property, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from services.wall.situation import CategoryCount
from widgets.labels import category_label


class CategoryBarChart(QWidget):
    """One row per category, largest first: label, bar, count and share.

    Rows shrink to fit the height; if even the smallest readable rows do not fit, the
    smallest categories are dropped rather than drawn over each other.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[CategoryCount, ...] = ()
        self._scale = 1.0
        self._bar = QColor("#1f7cff")
        self._bar_end = QColor("#21d4fd")
        self._track = QColor("#12305a")
        self._text = QColor("#cfe3ff")
        self._count = QColor("#ffffff")
        self._dim = QColor("#7f9cc4")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # -- data -----------------------------------------------------------------------------
    def set_categories(self, items: Sequence[CategoryCount]) -> None:
        self._items = tuple(items)
        self.update()

    def categories(self) -> tuple[CategoryCount, ...]:
        return self._items

    def labels(self) -> list[str]:
        """Display labels in drawing order (current language)."""
        return [category_label(c.category) for c in self._items]

    def visible_rows(self) -> int:
        return min(len(self._items), self._rows_that_fit(self.height()))

    # -- theme properties -------------------------------------------------------------------
    def _color_property(attr: str) -> Property:  # type: ignore[misc]  # noqa: N805
        def getter(self: CategoryBarChart) -> QColor:
            color: QColor = getattr(self, attr)
            return color

        def setter(self: CategoryBarChart, c: QColor) -> None:
            setattr(self, attr, QColor(c))
            self.update()

        return Property(QColor, getter, setter)

    barColor = _color_property("_bar")  # noqa: N815
    barEndColor = _color_property("_bar_end")  # noqa: N815
    trackColor = _color_property("_track")  # noqa: N815
    labelColor = _color_property("_text")  # noqa: N815
    countColor = _color_property("_count")  # noqa: N815
    shareColor = _color_property("_dim")  # noqa: N815
    del _color_property

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self.updateGeometry()
        self.update()

    # -- geometry ---------------------------------------------------------------------------
    def _min_row_height(self) -> float:
        return QFontMetrics(self.font()).height() * 1.05

    def _rows_that_fit(self, height: int) -> int:
        return max(1, int(height // self._min_row_height()))

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for every category at a comfortable row height."""
        rows = max(len(self._items), 6)
        return QSize(round(360 * self._scale), round(rows * self._min_row_height() * 1.06))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(round(200 * self._scale), round(3 * self._min_row_height()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.update()
        elif event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        super().changeEvent(event)

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self._items:
            # An empty panel reads as "broken" from across the room: say there is nothing yet.
            p = QPainter(self)
            p.setPen(QColor(140, 160, 190))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("今日暂无上报"))
            p.end()
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = self.font()
        fm = QFontMetrics(font)
        s = self._scale
        rows = self._items[: self.visible_rows()]
        total = sum(c.count for c in self._items) or 1
        peak = max(c.count for c in rows) or 1
        row_h = min(self.height() / len(rows), fm.height() * 2.0)
        labels = [category_label(c.category) for c in rows]
        label_w = max(fm.horizontalAdvance(t) for t in labels) + 10 * s
        count_w = fm.horizontalAdvance("00,000") + 6 * s
        share_font = QFont(font)
        share_font.setPixelSize(max(6, round(fm.height() * 0.8 / 1.3)))
        share_w = QFontMetrics(share_font).horizontalAdvance("100.0%") + 4 * s
        bar_x = label_w + 6 * s
        bar_w = max(10.0, self.width() - bar_x - count_w - share_w - 8 * s)
        bar_h = max(4.0, row_h * 0.42)
        radius = bar_h / 2
        top = (self.height() - row_h * len(rows)) / 2 if len(rows) * row_h < self.height() else 0
        for i, (item, label) in enumerate(zip(rows, labels, strict=True)):
            y = top + i * row_h
            p.setFont(font)
            p.setPen(self._text)
            p.drawText(
                QRectF(0, y, label_w, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            bar_y = y + (row_h - bar_h) / 2
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self._track)
            p.drawRoundedRect(QRectF(bar_x, bar_y, bar_w, bar_h), radius, radius)
            length = max(bar_h, bar_w * item.count / peak) if item.count else 0
            if length:
                grad = QLinearGradient(QPointF(bar_x, 0), QPointF(bar_x + length, 0))
                grad.setColorAt(0, self._bar)
                grad.setColorAt(1, self._bar_end)
                p.setBrush(grad)
                p.drawRoundedRect(QRectF(bar_x, bar_y, length, bar_h), radius, radius)
            x = bar_x + bar_w + 8 * s
            p.setPen(self._count)
            p.drawText(
                QRectF(x, y, count_w, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{item.count:,}",
            )
            p.setFont(share_font)
            p.setPen(self._dim)
            p.drawText(
                QRectF(x + count_w, y, share_w, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{item.count * 100 / total:.1f}%",
            )
        p.end()
