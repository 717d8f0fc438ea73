"""Two or more views sharing one wall panel, switched by large tabs (e.g. 今日 / 平安指数)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QTabWidget, QWidget


class TabbedContent(QTabWidget):
    """A panel body with tabs whose labels are translated Chinese source strings."""

    def __init__(self, context: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tabbedContent")
        self.setDocumentMode(True)
        self._context = context
        self._sources: list[str] = []
        self._scale = 1.0
        self.set_ui_scale(1.0)

    def add(self, widget: QWidget, source: str) -> None:
        """Add a view under the tab label `source` (marked with QT_TRANSLATE_NOOP)."""
        self._sources.append(source)
        self.addTab(widget, QCoreApplication.translate(self._context, source))
        setter = getattr(widget, "set_ui_scale", None)
        if callable(setter):
            setter(self._scale)

    def set_ui_scale(self, scale: float) -> None:
        """The tabs and every page that scales (the wall calls this on its panels)."""
        for i in range(self.count()):
            setter = getattr(self.widget(i), "set_ui_scale", None)
            if callable(setter):
                setter(scale)
        self._scale = scale
        self.setStyleSheet(
            "QTabBar::tab { background: transparent; color: #7f9cc4;"
            f" padding: {round(3 * scale)}px {round(12 * scale)}px;"
            f" font-size: {round(16 * scale)}px; border-bottom: 2px solid transparent; }}"
            " QTabBar::tab:selected { color: #21d4fd; border-bottom: 2px solid #21d4fd; }"
            " QTabWidget::pane { border: none; }"
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            for i, source in enumerate(self._sources):
                self.setTabText(i, QCoreApplication.translate(self._context, source))
        super().changeEvent(event)
