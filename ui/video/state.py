"""The video panel's lane: its use cases run here, and the center's saved wall is watched.

The panel and its conference window post their reads and writes with `call(job, on_done,
on_error)` (ui.kit.worker). Another console of the same center changing the wall (say the
leader's desk console) arrives as `changed(changes)`; this panel's own writes do not, as
it already shows their result.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from services.store.changefeed import Change
from ui.kit.worker import Worker


class VideoLane(Worker):
    """One lane for the video panel and the conference window."""

    THREAD_NAME = "video-db"
    WATCHES = frozenset({"video_wall"})
    REFRESH_EVERY = None

    changed = Signal(object)  # list[Change]: the wall of some center changed elsewhere

    def _on_changes(self, changes: list[Change]) -> None:
        foreign = [c for c in changes if c.origin != self.origin]
        if foreign:
            self.changed.emit(foreign)
