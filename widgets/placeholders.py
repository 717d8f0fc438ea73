"""Stand-ins until the real panels arrive: the map slot, video slots and dispatch."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QRadialGradient
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from widgets.layouts import layout_of
from widgets.translate import QT_TRANSLATE_NOOP

NOTHING_YET = QT_TRANSLATE_NOOP("Placeholders", "暂无")
MAP_LOADING = QT_TRANSLATE_NOOP("Placeholders", "地图加载中")


class EmptyNote(QLabel):
    """Centered "暂无" note (retranslates itself)."""

    def __init__(self, source: str = NOTHING_YET, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.setObjectName("emptyNote")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(QCoreApplication.translate("Placeholders", self._source))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class MapPlaceholder(QWidget):
    """Where the map goes until `WallWindow.set_map_widget` is called: a quiet radar grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapPlaceholder")
        self._region = ""
        self.note = QLabel(self)
        self.note.setObjectName("mapNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.retranslate()

    def set_region(self, name: str) -> None:
        self._region = name
        self.retranslate()

    def retranslate(self) -> None:
        waiting = QCoreApplication.translate("Placeholders", MAP_LOADING)
        self.note.setText(f"{self._region}\n{waiting}" if self._region else waiting)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        c = QPointF(w / 2, h / 2)
        glow = QRadialGradient(c, max(w, h) / 2)
        glow.setColorAt(0, QColor(33, 212, 253, 40))
        glow.setColorAt(1, QColor(33, 212, 253, 0))
        p.fillRect(self.rect(), glow)
        step = max(24.0, min(w, h) / 12)
        p.setPen(QPen(QColor(60, 120, 190, 45), 1))
        x = c.x() % step
        while x < w:
            p.drawLine(QPointF(x, 0), QPointF(x, h))
            x += step
        y = c.y() % step
        while y < h:
            p.drawLine(QPointF(0, y), QPointF(w, y))
            y += step
        p.setPen(QPen(QColor(33, 212, 253, 70), 1.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for k in (1, 2, 3):
            r = min(w, h) * 0.15 * k
            p.drawEllipse(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
        p.end()


class VideoPlaceholder(QWidget):
    """A 2×2 grid of empty video slots, each "暂无"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.slots: list[QFrame] = []
        for i in range(4):
            slot = QFrame(self)
            slot.setObjectName("videoSlot")
            lay = QVBoxLayout(slot)
            lay.addWidget(EmptyNote(NOTHING_YET, slot))
            grid.addWidget(slot, i // 2, i % 2)
            self.slots.append(slot)
        self.set_ui_scale(1.0)

    def set_ui_scale(self, scale: float) -> None:
        layout_of(self).setSpacing(round(8 * scale))


class DispatchPlaceholder(EmptyNote):
    """Dispatch panel before issue: "暂无"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(NOTHING_YET, parent)
