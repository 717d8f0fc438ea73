"""Two or more views sharing one wall panel, switched by large tabs (e.g. 今日 / 平安指数)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget
from shiboken6 import isValid

from widgets.style_sheet import restyle


class _BadgeRefit(QObject):
    """Re-lays a tab bar out when a badge on one of its tabs shows, hides or changes size.

    QTabBar sizes a tab from its button's size at `setTabButton` time, and that call is the
    only public way to have it measure again; it also hides the button it replaces (here
    the same one), so the badge's own visibility is put back afterwards."""

    def __init__(self, bar: QTabBar) -> None:
        super().__init__(bar)
        self._bar = bar
        self._busy = False
        bar.installEventFilter(self)  # a badge's new text asks its parent, the bar, for layout

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if not self._busy and kind in (QEvent.Type.Show, QEvent.Type.Hide,
                                       QEvent.Type.LayoutRequest):  # fmt: skip
            self._refit()
        return False

    def _refit(self) -> None:
        bar, side = self._bar, QTabBar.ButtonPosition.RightSide
        if not isValid(bar):  # a late event while the bar is being deleted
            return
        self._busy = True
        try:
            for i in range(bar.count()):
                badge = bar.tabButton(i, side)
                if badge is None or badge.property("tabBadge") is not True:
                    continue
                shown = not badge.isHidden()
                wanted = badge.sizeHint() if shown else QSize(0, 0)
                if badge.size() == wanted:
                    continue
                badge.resize(wanted)  # the size the bar measures the tab with
                bar.setTabButton(i, side, badge)
                badge.setVisible(shown)
        finally:
            self._busy = False


def set_tab_badge(bar: QTabBar, index: int, badge: QWidget) -> None:
    """Put `badge` at the right of tab `index`; the tab grows and shrinks with it.

    QTabBar sizes a tab from its button only when the tab itself changes, so a badge that
    appears later (a count going from 0 to 2) would otherwise overlap the tab's text."""
    shown = not badge.isHidden()
    badge.setProperty("tabBadge", True)
    bar.setTabButton(index, QTabBar.ButtonPosition.RightSide, badge)
    badge.setVisible(shown)  # setTabButton shows it: a badge with nothing to count stays hidden
    refit = bar.findChild(_BadgeRefit)
    if refit is None:
        refit = _BadgeRefit(bar)
    badge.installEventFilter(refit)
    refit._refit()


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
        restyle(
            self,
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
