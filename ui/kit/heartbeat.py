"""The wall's heartbeat for its supervisor (services.ops.systemd).

A timer on the GUI thread sends WATCHDOG=1 every half watchdog period: when the GUI thread
freezes, the beats stop and systemd restarts the wall. READY=1 goes once the first snapshot
is on screen (`ready()`), STATUS= lines say what the wall is doing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from services.ops import systemd


class Heartbeat(QObject):
    """Sends the beats while the GUI thread runs; `beats` counts those delivered."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        period: float | None = None,
        send: Callable[[str], bool] = systemd.notify,
    ) -> None:
        super().__init__(parent)
        self._send = send
        self.beats = 0
        self._ready = False
        self.period = period if period is not None else systemd.watchdog_seconds()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.beat)
        if self.period:
            self._timer.start(max(100, round(self.period * 1000 / 2)))

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def beat(self) -> None:
        if self._send("WATCHDOG=1"):
            self.beats += 1

    def ready(self, status: str = "wall on screen") -> None:
        """READY=1 once (the first snapshot is on screen); later calls do nothing."""
        if not self._ready:
            self._ready = self._send(f"READY=1\nSTATUS={status}")

    def status(self, text: str) -> None:
        self._send(f"STATUS={text}")

    def stopping(self) -> None:
        self._timer.stop()
        self._send("STOPPING=1")
