"""One Esc for the frames that lie over a wall (the case sheet, the hotline form).

Each frame with a shortcut of its own made Esc ambiguous once two were open: Qt then
fires neither. `escape_for(host)` is the host's one Esc: it puts away the frame the
officer is working in (the one holding the keyboard focus), else the one on top, and
only that one. It is active only while one of its frames shows, so Esc means nothing
else to the wall otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget


class OverlayEscape(QObject):
    """The Esc of one host window and the frames registered over it."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("overlayEscape")
        self._host = host
        self._frames: list[tuple[QWidget, Callable[[], None]]] = []
        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), host)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.escape)
        self.shortcut.setEnabled(False)

    def register(self, frame: QWidget, close: Callable[[], None]) -> None:
        """`close()` puts `frame` away when Esc is its turn."""
        if all(f is not frame for f, _ in self._frames):
            self._frames.append((frame, close))
            frame.installEventFilter(self)
        self._update()

    def showing(self) -> list[QWidget]:
        """The registered frames that show, bottom first (the host's stacking order)."""
        shown = [f for f, _ in self._frames if f.isVisible()]
        order = {id(w): i for i, w in enumerate(self._host.children())}
        return sorted(shown, key=lambda w: order.get(id(w), -1))

    def escape(self) -> None:
        shown = self.showing()
        if not shown:
            return
        focus = QApplication.focusWidget()
        holding = [w for w in shown if focus is not None and (w is focus or w.isAncestorOf(focus))]
        owner = holding[-1] if holding else shown[-1]
        for frame, close in self._frames:
            if frame is owner:
                close()
                return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self._update(watched, event.type() == QEvent.Type.Show)
        return False

    def _update(self, changed: QObject | None = None, shown: bool = False) -> None:
        self.shortcut.setEnabled(
            any(shown if f is changed else f.isVisible() for f, _ in self._frames)
        )


def escape_for(host: QWidget) -> OverlayEscape:
    """The one Esc of `host` (made on first use)."""
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    found = host.findChild(OverlayEscape, "overlayEscape", direct)
    return found if found is not None else OverlayEscape(host)
