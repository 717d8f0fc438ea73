"""A small selector over the map: which live metric colours the grid cells."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP

METRIC_LABELS: dict[str, str] = {
    "open": QT_TRANSLATE_NOOP("MetricPicker", "网格着色：未办结"),
    "reported_today": QT_TRANSLATE_NOOP("MetricPicker", "网格着色：今日上报"),
    "overdue": QT_TRANSLATE_NOOP("MetricPicker", "网格着色：超期"),
    "risk": QT_TRANSLATE_NOOP("MetricPicker", "网格着色：风险预警"),
}


class MetricPicker(QComboBox):
    """Emits `metric_chosen(key)`; sits at the map's bottom-left, clear of Leaflet's controls."""

    metric_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for key, label in METRIC_LABELS.items():
            self.addItem(QCoreApplication.translate("MetricPicker", label), key)
        self.set_ui_scale(1.0)
        self.currentIndexChanged.connect(lambda i: self.metric_chosen.emit(self.itemData(i)))
        self.adjustSize()
        if parent is not None:
            parent.installEventFilter(self)
        self._place()
        self.show()
        self.raise_()

    def set_ui_scale(self, scale: float) -> None:
        """Readable from across the room at any wall size."""
        restyle(
            self,
            "QComboBox { background: rgba(8, 22, 48, 230); color: #dbe8ff;"
            f" border: 1px solid #2f7bd9; padding: {round(4 * scale)}px {round(10 * scale)}px;"
            f" font-size: {round(15 * scale)}px; }}"
        )
        self.adjustSize()
        self._place()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.move(12, max(12, parent.height() - self.height() - 12))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            for i, label in enumerate(METRIC_LABELS.values()):
                self.setItemText(i, QCoreApplication.translate("MetricPicker", label))
            self.adjustSize()
            self._place()
        super().changeEvent(event)
