"""The case sheet (事件详情): one case in full, with the room a duty officer needs to read it.

On the wall the incident panel is a short dock beside the video; a case's facts, its
timeline and the action forms do not fit there at 1080p. The sheet lays the detail over
the wall's left column (trends and rankings, which can wait while a case is read) from
under the header to the bottom of the window, at least `MIN_WIDTH` wide; a close button
and Esc put it away and the wall is as it was. Stand-alone (a panel without a wall), the
sheet sits under the queue like a pane and has no close button.

The sheet only places the detail view; what it shows comes from the panel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.incidents.overlays import escape_for
from widgets.incident_style import incident_stylesheet, theme_colors
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP

MIN_WIDTH = 560  # px at scale 1: two fact columns and a form row side by side
SHEET_TITLE = QT_TRANSLATE_NOOP("CaseSheet", "事件详情")
CLOSE = QT_TRANSLATE_NOOP("CaseSheet", "关闭")


def _tr(source: str) -> str:
    return QCoreApplication.translate("CaseSheet", source)


def column_rect(window: QMainWindow, area: Qt.DockWidgetArea, min_width: int) -> QRect:
    """A wall window's left or right dock column (its docked, shown docks in that area),
    from the column's top to the bottom of the window, at least `min_width` wide (growing
    towards the map). Without docks there (tile mode, all closed): a third of the width."""
    rects = [
        d.geometry()
        for d in window.findChildren(QDockWidget)
        if window.dockWidgetArea(d) == area and d.isVisible() and not d.isFloating()
        and window.rect().contains(d.geometry())  # a tab behind another lies off-screen
    ]
    right = area == Qt.DockWidgetArea.RightDockWidgetArea
    if rects:
        column = rects[0]
        for r in rects[1:]:
            column = column.united(r)
    else:
        central = window.centralWidget()
        top = central.geometry().top() if central is not None else 0
        x = window.width() - window.width() // 3 if right else 0
        column = QRect(x, top, window.width() // 3, window.height() - top)
    width = min(window.width(), max(column.width(), min_width))
    left = column.right() + 1 - width if right else column.left()
    return QRect(left, column.top(), width, window.height() - column.top())


def left_column_rect(window: QMainWindow, min_width: int) -> QRect:
    """Where the case sheet goes: over the wall's left column (trends and rankings)."""
    return column_rect(window, Qt.DockWidgetArea.LeftDockWidgetArea, min_width)


def right_column_rect(window: QMainWindow, min_width: int) -> QRect:
    """Where the hotline form goes: over the right column, clear of the map it is
    picking a place on (and of the case sheet on the left)."""
    return column_rect(window, Qt.DockWidgetArea.RightDockWidgetArea, min_width)


class CaseSheet(QFrame):
    """The frame around the detail view: a title bar with 关闭, the view below it."""

    closed = Signal()

    def __init__(self, detail: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseSheet")
        self.detail = detail
        self._anchor: Callable[[float], QRect] | None = None
        self._host: QWidget | None = None
        self._scale = 1.0
        self.heading = QLabel(_tr(SHEET_TITLE), self)
        self.heading.setObjectName("incSection")
        self.close_button = QPushButton(_tr(CLOSE), self)
        self.close_button.setObjectName("caseSheetClose")
        self.close_button.setToolTip("Esc")
        self.close_button.clicked.connect(self.close_sheet)
        self.close_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(detail, 1)

    @property
    def docked(self) -> bool:
        """True once the sheet lies over a wall (else it is a pane of its panel)."""
        return self._anchor is not None

    def dock_over(self, host: QWidget, anchor: Callable[[float], QRect]) -> None:
        """Lay the sheet over `host` at `anchor(scale)` (host coordinates), hidden until a
        case is opened; it follows the host's resizes."""
        self._anchor = anchor
        self._host = host
        self.hide()
        self.setParent(host)
        self.setAutoFillBackground(True)
        self.close_button.show()
        # Esc anywhere in the wall window while the sheet shows; with the hotline form
        # open too, the one in use or on top (ui.incidents.overlays).
        escape_for(host).register(self, self.close_sheet)
        host.installEventFilter(self)
        self.set_ui_scale(self._scale)

    def open(self) -> None:
        """Show the sheet (a docked sheet is placed and raised above the wall's docks)."""
        if self._anchor is None:
            return
        self.place()
        self.show()
        self.raise_()

    def close_sheet(self) -> None:
        if self._anchor is None or not self.isVisible():
            return
        self.hide()
        self.closed.emit()

    def place(self) -> None:
        if self._anchor is not None:
            self.setGeometry(self._anchor(self._scale))

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        c = theme_colors()
        frame = ""
        if self._anchor is not None:
            frame = (
                f"#caseSheet {{ background: {c['panel']}; border: 2px solid {c['accent']}; }}"
            )
        restyle(self, incident_stylesheet(scale) + frame)
        if self.isVisible():
            self.place()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.heading.setText(_tr(SHEET_TITLE))
            self.close_button.setText(_tr(CLOSE))
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Esc typed inside the sheet (a field that does not use it passes it up to here)
        if event.key() == Qt.Key.Key_Escape and self.docked:
            self.close_sheet()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._host and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            if self.isVisible():
                self.place()
        return False
