"""The handover window (交接班与回放): the handover panel and the shift replay in two tabs,
at the wall's scale.

The console names the window and its tabs (its own labels, context WallWindow) and passes
the wall's scale on (`set_ui_scale`): the window grows with it, so a 3840×2160 wall shows
the same columns as a 1920×1080 one at twice the size, and each panel scales its own
larger text.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from ui.handover.panel import HandoverPanel
from ui.handover.replay_panel import ReplayPanel
from ui.handover.state import HandoverState

SIZE = (1680, 960)
"""The window at UI scale 1 (a 1920×1080 wall): room for the review list, the report
with its chart, and the sign-off side by side."""


class HandoverWindow(QDialog):
    """交接班 | 班次回放, following the wall's scale."""

    def __init__(self, state: HandoverState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoverWindow")
        self._scale = 1.0
        self.tabs = QTabWidget(self)
        self.handover_panel = HandoverPanel(state)
        self.replay_panel = ReplayPanel(state)
        self.tabs.addTab(self.handover_panel, "")
        self.tabs.addTab(self.replay_panel, "")
        QVBoxLayout(self).addWidget(self.tabs)
        self.resize(*SIZE)

    def set_ui_scale(self, scale: float) -> None:
        """The wall's scale: the window's size and the panels'."""
        self._scale = scale
        self.resize(round(SIZE[0] * scale), round(SIZE[1] * scale))
        self.handover_panel.set_ui_scale(scale)
        self.replay_panel.set_ui_scale(scale)

    def ui_scale(self) -> float:
        return self._scale

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Never larger than the wall it opens over (or its screen)."""
        parent = self.parentWidget()
        room = parent.window().size() if parent is not None else (
            self.screen().availableGeometry().size())  # fmt: skip
        if self.width() > room.width() or self.height() > room.height():
            self.resize(min(self.width(), room.width()), min(self.height(), room.height()))
        super().showEvent(event)
