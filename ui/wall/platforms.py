"""The four platforms' board (基层治理四平台) read off the GUI thread for the wall.

`PlatformState` follows the change feed for matters (incidents) and departments (a
department joins or leaves a platform) and re-reads `services.wall.platforms.platform_board`
of the region the wall shows, bounded by the console's root, then emits the frozen board.
A drill to a region outside the root is refused by the service; the board of the root is
read again instead.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Signal

from services.errors import Refused
from services.store.runtime import Runtime
from services.wall.platforms import platform_board
from ui.kit.worker import Worker

PLATFORM_WATCHES = frozenset({"incident", "department"})
log = logging.getLogger(__name__)


class PlatformState(Worker):
    """Reads the shown region's four-platform board after matters change."""

    THREAD_NAME = "wall-platforms"
    WATCHES = PLATFORM_WATCHES
    MIN_GAP = 2.0  # four rows of 30-day counts: one read every 2 s under load is plenty
    SETTLE = 0.3  # the wall's snapshot (its numbers) reads the same commit first
    REFRESH_EVERY = 60.0  # overdue rolls over with the clock

    board_ready = Signal(object)  # services.wall.platforms.PlatformBoard

    def __init__(self, runtime: Runtime | str, region_code: str, *, root: str | None = None,
                 tz: str = "Asia/Shanghai", **kwargs: object) -> None:  # fmt: skip
        super().__init__(runtime, **kwargs)  # type: ignore[arg-type]
        self._lock = threading.Lock()
        self._region = region_code
        self._root = root or region_code
        self._tz = tz

    def show(self, region_code: str) -> None:
        """Read this region's board next (a drill-down), off the GUI thread."""
        with self._lock:
            self._region = region_code
        self.refresh()

    def reread(self) -> None:
        with self._lock:
            region = self._region
        engine = self.read_engine
        try:
            board = platform_board(engine, region, tz=self._tz, within=self._root)
        except (Refused, LookupError):
            log.warning("platforms: %s is outside %s, showing it", region, self._root)
            with self._lock:
                self._region = self._root
            board = platform_board(engine, self._root, tz=self._tz, within=self._root)
        self.board_ready.emit(board)
