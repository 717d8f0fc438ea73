"""Run something once a widget has been painted for the first time.

A console's lanes start their first reads after the window's first frame, not against it:
their Python work would share the GUI thread's interpreter lock with that paint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    """An event filter that fires `then` once, on the turn after the watched widget's first
    paint (or after `timeout_ms` when it is never painted: a covered or minimised window)."""

    def __init__(self, widget: QWidget, then: Callable[[], None], timeout_ms: int) -> None:
        super().__init__(widget)
        self._widget, self._then, self._done = widget, then, False
        widget.installEventFilter(self)
        QTimer.singleShot(timeout_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._widget and event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self, self._fire)  # the paint finishes first
        return False

    def _fire(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self._then()
        self.deleteLater()


def after_first_paint(widget: QWidget, then: Callable[[], None], timeout_ms: int = 1000) -> None:
    """Call `then()` on the GUI thread right after `widget` is next painted, at the latest
    after `timeout_ms`."""
    _FirstPaint(widget, then, timeout_ms)
