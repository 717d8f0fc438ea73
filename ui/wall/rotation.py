"""The rotation of an unattended wall's main area (services.wall.rotation), on a QTimer.

Every `seconds` the next step is shown (a region drilled on the map, or a side panel
brought to the front) through the callbacks the composition root hands in. Input on the
wall window (a mouse press, a wheel turn, a key, a touch) pauses it: someone is using the
wall. After `quiet_seconds` without input it resumes where it was. No thread: two timers
on the GUI thread and an application event filter that only looks at event types.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from services.wall.rotation import Rotation, Step

INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
    QEvent.Type.KeyPress, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})  # fmt: skip


class Rotator(QObject):
    """Cycles `rotation.steps` on `window`; paused by input on it, resumed after quiet."""

    advanced = Signal(int)  # index of the step now shown
    paused_changed = Signal(bool)  # True: paused by input; False: resumed

    def __init__(self, window: QWidget, rotation: Rotation,
                 show: Callable[[Step], None]) -> None:  # fmt: skip
        super().__init__(window)
        self._window = window
        self.rotation = rotation
        self._show = show
        self._index = -1
        self._paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(rotation.seconds * 1000)))
        self._timer.timeout.connect(self.advance)
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(max(1, round(rotation.quiet_seconds * 1000)))
        self._quiet.timeout.connect(self.resume)

    def start(self) -> None:
        """Begin the cycle (the first step after one period) and watch for input."""
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()
        self._quiet.stop()

    def index(self) -> int:
        """The step shown last (-1 before the first)."""
        return self._index

    def is_paused(self) -> bool:
        return self._paused

    def advance(self) -> None:
        """Show the next step (the timer calls this)."""
        steps = self.rotation.steps
        self._index = (self._index + 1) % len(steps)
        self._show(steps[self._index])
        self.advanced.emit(self._index)

    def pause(self) -> None:
        """Someone uses the wall: hold the step shown and wait for a quiet period."""
        self._quiet.start()  # again from now on every input
        if not self._paused:
            self._paused = True
            self._timer.stop()
            self.paused_changed.emit(True)

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            self._timer.start()
            self.paused_changed.emit(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in INPUT_EVENTS and isinstance(watched, QWidget) and self._on_wall(watched):
            self.pause()
        return False

    def _on_wall(self, widget: QWidget) -> bool:
        """Is `widget` in the wall window or one of its dialogs (hotline form, handover)?"""
        top: QWidget | None = widget.window()
        while top is not None and top is not self._window:
            parent = top.parentWidget()
            top = parent.window() if parent is not None else None
        return top is self._window
