"""A one-line label that shrinks its text to fit instead of clipping it.

Its font comes from the theme as for any label; when the text is wider than the label
(a long center name, a wall column narrowed by English captions beside it), the text is
drawn scaled down to the width, centred, rather than cut at both ends.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QWidget


class FitLabel(QLabel):
    """`min_scale`: the smallest scale the layout may squeeze the text to (its minimum
    width is that share of the text's width), so it stays readable."""

    def __init__(self, parent: QWidget | None = None, min_scale: float = 0.0) -> None:
        super().__init__(parent)
        self.min_scale = min_scale

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        text_width = self.fontMetrics().horizontalAdvance(self.text())
        margins = self.contentsMargins()
        width = round(text_width * self.min_scale) + margins.left() + margins.right()
        return QSize(width, hint.height())

    def fit_factor(self) -> float:
        """The scale the text is drawn at (1.0 when it fits)."""
        width = self.fontMetrics().horizontalAdvance(self.text())
        room = self.contentsRect().width()
        return 1.0 if width <= room or width <= 0 else max(room, 1) / width

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        factor = self.fit_factor()
        if factor >= 1.0:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        rect = QRectF(self.contentsRect())
        painter.translate(rect.center())
        painter.scale(factor, factor)
        box = QRectF(-rect.width() / (2 * factor), -rect.height() / (2 * factor),
                     rect.width() / factor, rect.height() / factor)  # fmt: skip
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), self.text())
        painter.end()
