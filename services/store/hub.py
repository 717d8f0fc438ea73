"""One change-feed subscription per process, handed to every part that watches it.

A console window has half a dozen background workers (wall, map markers, incidents,
dispatch, video, handover, index); each used to open its own engine and its own
`Subscription` (on PostgreSQL: one LISTEN connection each). The hub owns the process's
only subscription on one thread and hands each batch to the listeners that declared the
entity kinds they watch. A listener's callback runs on the hub's thread and must only
hand the batch over (enqueue and wake its own thread).

The hub also reports the feed's health to every listener: `on_health(False, since)` once
when reading the feed fails, `on_health(True, None)` when it works again. After a failure
it catches up from its position, so nothing is lost.

Under a steady stream (more than `GATHER_ABOVE` batches a second) the hub gathers: it
reads at most every `GATHER_S` seconds, so a busy feed comes in a few larger batches.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from services.store.changefeed import Change, Subscription

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 2.0
"""Longest wait between tries of a lost feed: a promoted standby is followed within it."""
GATHER_ABOVE, GATHER_S = 10, 0.1
"""Above 10 batches a second the hub reads at most every 0.1 s: each batch costs a read
of the feed (a query on a server every console shares) and, for every listener, a re-read
of what it shows. Under a steady stream (a province's 50 reports a second, an import) ten
large batches a second cost less than one per commit, for at most 0.1 s more delay; a
center's own traffic (a few commits a second) is still read as soon as it is woken."""

OnChanges = Callable[[list[Change]], None]
OnHealth = Callable[[bool, datetime | None], None]


class BurstGate:
    """Above `rate` events in the last `window` seconds, the next one waits `gap` seconds
    after the previous: a steady stream is taken in fewer, larger bites (the hub's reads, a
    worker's re-reads). A longer window tells a held rate from a moment's burst."""

    def __init__(self, rate: int = 20, gap: float = 1.0, window: float = 1.0) -> None:
        self.rate = rate
        self.gap = gap
        self.window = window
        self._recent: deque[tuple[float, int]] = deque()  # (time, count) over the window

    def note(self, now: float, count: int) -> None:
        if count:
            self._recent.append((now, count))

    def min_gap(self, now: float) -> float:
        while self._recent and self._recent[0][0] < now - self.window:
            self._recent.popleft()
        return self.gap if sum(n for _, n in self._recent) > self.rate else 0.0


@dataclass(frozen=True)
class _Listener:
    key: int
    kinds: frozenset[str] | None  # None: every kind
    on_changes: OnChanges
    on_health: OnHealth | None


class FeedHub:
    """Follows the change feed on one thread and fans batches out by entity kind."""

    def __init__(
        self, engine: Engine, *, poll_interval: float = 1.0, wake_tick: float = 0.005,
        source: Callable[[], Engine] | None = None, wake_url: str | None = None,
    ) -> None:  # fmt: skip
        """`source`: where each read goes now (a standby or its primary, by lag); the
        wake-ups still come from `engine`, or from `wake_url` (a direct connection when
        `engine` goes through PgBouncer)."""
        self._engine = engine
        self._source = source
        self._wake_url = wake_url
        self._poll_interval = poll_interval
        self._wake_tick = wake_tick
        self._listeners: dict[int, _Listener] = {}
        self._keys = itertools.count(1)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._sub: Subscription | None = None
        self._down_since: datetime | None = None
        self._error: Exception | None = None
        self.batches = 0

    # -- listeners (any thread) ------------------------------------------------------

    def listen(
        self, kinds: Iterable[str] | None, on_changes: OnChanges, on_health: OnHealth | None = None
    ) -> int:
        """Deliver committed changes of these entity kinds (None: all) from now on; returns
        a key for `unlisten`. Starts the hub on first use and returns once it follows the
        feed, so a read made after this call cannot miss a change."""
        key = next(self._keys)
        listener = _Listener(key, frozenset(kinds) if kinds is not None else None, on_changes, on_health)
        with self._lock:
            self._listeners[key] = listener
            down = self._down_since
        self._ensure_started()
        if down is not None and on_health is not None:
            on_health(False, down)
        return key

    def unlisten(self, key: int) -> None:
        with self._lock:
            self._listeners.pop(key, None)

    @property
    def position(self) -> int:
        """The newest seq handed out so far (0 before the hub started)."""
        return self._sub.position if self._sub is not None else 0

    @property
    def connected(self) -> bool:
        return self._down_since is None

    # -- lifecycle --------------------------------------------------------------------

    def _ensure_started(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="feed-hub", daemon=True)
                self._thread.start()
        self._started.wait(10.0)

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._sub is not None:
            self._sub.close()
            self._sub = None

    # -- the hub's thread ---------------------------------------------------------------

    def _note_error(self, exc: Exception) -> None:
        self._error = exc

    def _run(self) -> None:
        backoff = 0.5
        gate = BurstGate(GATHER_ABOVE, GATHER_S)
        last = 0.0
        while not self._stop.is_set():
            try:
                now = time.monotonic()
                gather = last + gate.min_gap(now) - now
                if gather > 0 and self._stop.wait(gather):
                    break
                if self._sub is None:
                    # The feed's head now: listeners read after listen() returns.
                    self._sub = Subscription(
                        self._engine, poll_interval=self._poll_interval,
                        on_error=self._note_error, wake_tick=self._wake_tick,
                        source=self._source, wake_url=self._wake_url,
                    )  # fmt: skip
                self._started.set()
                batch = self._sub.next_batch(timeout=0.25)
                if not self._sub.connected:
                    raise ConnectionError(f"change feed unreachable: {self._error}")
                self._health(True)
                backoff = 0.5
                if batch:
                    self.batches += 1
                    last = time.monotonic()
                    gate.note(last, 1)
                    self._deliver(batch)
            except Exception as exc:  # noqa: BLE001 - any failure: report once, back off, retry
                self._started.set()
                log.debug("feed hub: %s", exc)
                self._health(False)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _health(self, ok: bool) -> None:
        if ok == (self._down_since is None):
            return
        self._down_since = None if ok else datetime.now(UTC).astimezone()
        with self._lock:
            listeners = list(self._listeners.values())
        for listener in listeners:
            if listener.on_health is not None:
                listener.on_health(ok, self._down_since)

    def _deliver(self, batch: list[Change]) -> None:
        with self._lock:
            listeners = list(self._listeners.values())
        for listener in listeners:
            seen = batch if listener.kinds is None else [c for c in batch if c.entity in listener.kinds]
            if seen:
                try:
                    listener.on_changes(seen)
                except Exception:  # noqa: BLE001 - one listener's bug must not stop the others
                    log.exception("feed listener %s failed", listener.key)
