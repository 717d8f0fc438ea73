"""The C heap of a process that runs for weeks (the wall): fewer arenas, and free pages
given back to the system.

glibc's malloc gives each thread that allocates at once an arena of its own (up to 8 per
core) and keeps the pages freed in them. A wall's worker threads (the snapshot, the
markers, the panels, the feed hub, Qt's own) each read and free megabytes per snapshot, so
its resident size climbs with pages that are free but still held; `malloc_trim` at the
end of a soak gave back about 33 MB. `limit_arenas` caps the arenas before the threads
start; `HeapTrimmer` gives free pages back every minute from a thread of its own (never on
the GUI thread: a trim walks every arena). Elsewhere than glibc both do nothing.
"""

from __future__ import annotations

import ctypes
import threading
from functools import cache
from pathlib import Path

M_ARENA_MAX = -8  # mallopt(3)
WALL_ARENAS = 4
TRIM_EVERY_S = 60.0


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library the process already runs on, by its own symbols (not
    `ctypes.util.find_library`, which runs `ldconfig -p`: 27 ms of the wall's start-up)."""
    try:
        libc = ctypes.CDLL(None)
        libc.malloc_trim  # noqa: B018 - glibc only: the attribute is the test
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def rss_mb(pid: int) -> float | None:
    """A process's resident memory in MiB, from /proc (None: no such process, no /proc)."""
    if pid <= 0:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def limit_arenas(arenas: int = WALL_ARENAS) -> bool:
    """At most `arenas` malloc arenas for threads made from now on; False if not glibc."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def trim() -> bool:
    """Give the heap's free pages back to the system now; True if any were."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) == 1)


class HeapTrimmer:
    """Calls `trim()` every `every` seconds on a daemon thread until `stop()`."""

    def __init__(self, every: float = TRIM_EVERY_S) -> None:
        self.every = every
        self.trims = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None or _libc() is None:
            return
        self._thread = threading.Thread(target=self._run, name="heap-trim", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            trim()
            self.trims += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
