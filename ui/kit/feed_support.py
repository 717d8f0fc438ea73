"""Pieces every change-feed worker shares: connection health and burst coalescing.

A worker loop (ui/wall/live.py, ui/incidents/state.py, ...) reads after each feed batch. Under a
burst it reads at most once a second (`BurstGate`); when the database fails it reports the
loss once, backs off and reports the recovery (`ConnectionWatch`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal, SignalInstance
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import accounts
from services.accounts import Actor
from services.store import changefeed
from ui.kit.db_worker import open_engine

SIDE_WAKE_TICK = 0.05
"""Seconds between a side panel's change-feed polls on SQLite (the wall's own: 5 ms)."""


class BurstGate:
    """Above `rate` changes a second, reads wait `gap` seconds after the previous one."""

    def __init__(self, rate: int = 20, gap: float = 1.0) -> None:
        self.rate = rate
        self.gap = gap
        self._recent: list[tuple[float, int]] = []  # (time, changes) over the last second

    def note(self, now: float, changes: int) -> None:
        if changes:
            self._recent.append((now, changes))

    def min_gap(self, now: float) -> float:
        while self._recent and self._recent[0][0] < now - 1.0:
            self._recent.pop(0)
        return self.gap if sum(n for _, n in self._recent) > self.rate else 0.0


class ConnectionWatch:
    """Emits `lost(since)` once per outage and `restored()` when reads work again."""

    def __init__(self, lost: SignalInstance, restored: SignalInstance) -> None:
        self._lost = lost
        self._restored = restored
        self.since: datetime | None = None
        self._backoff = 0.5

    @property
    def down(self) -> bool:
        return self.since is not None

    def ok(self) -> None:
        if self.since is not None:
            self.since = None
            self._backoff = 0.5
            self._restored.emit()

    def failed(self, engine: Engine, stop: threading.Event) -> None:
        """Report (once), drop the pool and wait with backoff (or until stopped)."""
        if self.since is None:
            self.since = datetime.now(UTC).astimezone()
            self._lost.emit(self.since)
        engine.dispose()
        stop.wait(self._backoff)
        self._backoff = min(self._backoff * 2, 5.0)


def stop_thread(
    stop: threading.Event, wake: threading.Event, thread: threading.Thread | None, timeout: float
) -> None:
    """Ask a worker loop to end, wake it, and wait for it (up to `timeout` seconds)."""
    stop.set()
    wake.set()
    if thread is not None:
        thread.join(timeout)


Job = Callable[[Engine, sessionmaker[Session]], None]
"""A unit of work for a worker: runs on its thread with its engine and session factory."""


class JobWorker(QObject):
    """A worker thread with one lane of jobs: views post jobs (reads and use cases), the
    subclass's `_run` loop runs them in order between its change-feed reads, so a panel's
    writes never race each other and nothing touches the database on the GUI thread."""

    THREAD_NAME = "worker"

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._jobs: deque[Job] = deque()
        self._thread: threading.Thread | None = None
        self._follow = True  # follow the change feed (tests may turn it off)
        self._sub: changefeed.Subscription | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.THREAD_NAME, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        stop_thread(self._stop, self._wake, self._thread, timeout)
        self._thread = None

    def _post(self, job: Job) -> None:
        with self._lock:
            self._jobs.append(job)
        self._wake.set()

    def _run_jobs(self, engine: Engine, factory: sessionmaker[Session]) -> None:
        while not self._stop.is_set():
            with self._lock:
                if not self._jobs:
                    return
                job = self._jobs.popleft()
            job(engine, factory)

    def _jobs_then_changes(
        self, engine: Engine, factory: sessionmaker[Session], wait: float
    ) -> list[changefeed.Change]:
        """One turn of a worker loop: run the posted jobs, then wait up to `wait` seconds
        for changes on the feed (or a wake-up) and return them. Raises when the feed's
        database is unreachable, so the loop reports the lost connection."""
        if self._sub is None and self._follow:
            self._sub = changefeed.Subscription(
                engine, poll_interval=1.0, wake_tick=SIDE_WAKE_TICK
            )
        self._run_jobs(engine, factory)
        batch: list[changefeed.Change] = []
        if self._sub is not None:
            batch = self._sub.next_batch(timeout=0.0 if self._wake.is_set() else wait)
            if not self._sub.connected:
                raise ConnectionError("change feed unreachable")
        else:
            self._wake.wait(wait)
        self._wake.clear()
        return batch

    def _close_feed(self) -> None:
        if self._sub is not None:
            self._sub.close()
            self._sub = None

    def _run(self) -> None:  # pragma: no cover - every worker has its own loop
        raise NotImplementedError


class ActingWorker(JobWorker):
    """A job-lane worker that acts as an account: the signed-in one, or the region's viewer
    when nobody is. The worker's account (`_w_actor`) changes only on its thread; the GUI
    keeps a mirror (`actor()`) updated by the queued `actor_changed`."""

    actor_changed = Signal(object)  # Actor

    def __init__(self, region_code: str) -> None:
        super().__init__()
        self._region = region_code
        self._w_actor: Actor | None = None
        self._actor: Actor | None = None
        self.actor_changed.connect(self._remember_actor)

    def actor(self) -> Actor | None:
        """The account the views act as (the viewer until someone signs in)."""
        return self._actor

    def _remember_actor(self, actor: Actor) -> None:
        self._actor = actor

    def set_actor(self, actor: Actor | None) -> None:
        """Act as this account (after a login elsewhere); None: back to the viewer."""
        self._post(lambda e, f: self._switch_actor(f, actor))

    def _switch_actor(self, factory: sessionmaker[Session], actor: Actor | None) -> None:
        if actor is None:
            with factory() as s:
                actor = accounts.viewer_for_region(s, self._region)
        self._w_actor = actor
        self.actor_changed.emit(actor)
        self._actor_switched(factory, actor)

    def _actor_switched(self, factory: sessionmaker[Session], actor: Actor) -> None:
        """Worker thread, after the account changed (e.g. re-read what it may see)."""


class FeedWatch(QObject):
    """Follows the change feed for a panel that reads through its own job lane: emits
    `changed(list[Change])` with the committed changes of the watched entities."""

    changed = Signal(object)  # list[services.store.changefeed.Change]

    def __init__(self, engine: Engine | str, entities: frozenset[str],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._engine_arg = engine
        self._entities = entities
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="feed-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        stop_thread(self._stop, self._stop, self._thread, timeout)
        self._thread = None

    def _run(self) -> None:
        engine, own = open_engine(self._engine_arg)
        sub: changefeed.Subscription | None = None
        while not self._stop.is_set():
            try:
                if sub is None:  # the feed's head when the panel's first read was queued
                    sub = changefeed.Subscription(engine, poll_interval=1.0, wake_tick=SIDE_WAKE_TICK)
                batch = sub.next_batch(timeout=0.5)
            except Exception:  # noqa: BLE001 - unreachable at start: try again shortly
                self._stop.wait(1.0)
                continue
            seen = [c for c in batch if c.entity in self._entities]
            if seen:
                self.changed.emit(seen)
        if sub is not None:
            sub.close()
        if own:
            engine.dispose()
