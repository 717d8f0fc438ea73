"""The one background-worker pattern of the console.

Every panel's database work runs in a `Worker`: one thread, one lane of jobs run in the
order they were posted (a panel's writes never race each other, and nothing touches the
database on the GUI thread), results handed to the GUI thread by queued signals. A worker
declares the entity kinds it shows (`WATCHES`); the process's feed hub
(services.store.hub) hands it the committed changes of those kinds, and the worker calls
its one re-read hook (`reread`) after them, with

- burst coalescing: above `BUSY_RATE` watched changes a second, re-reads wait `BUSY_GAP`
  seconds after the previous one (`BUSY_BATCHES`: the same by commits over a window;
  `MIN_GAP` always); `SETTLE` waits a moment after a
  first change so a burst is read once;
- echo suppression: the worker's writes carry its origin tag, and changes it made itself
  do not trigger a re-read (its job re-read already), as Anki's OpChanges initiator;
- a periodic re-read every `refresh_every` seconds (clock-based values roll over) and an
  optional periodic `tick` (e.g. the capacity watch);
- connection watch: a failed read or a lost feed emits `connection_lost(since)` once,
  backs off (0.5 s → 5 s) and emits `connection_restored()` when reads work again, then
  re-reads everything.

All workers of a process share one `services.store.runtime.Runtime` (one engine with a
bounded pool and one feed hub). A worker given a URL instead builds a private runtime
(tests, tools).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import accounts
from services.accounts import Actor
from services.errors import Refused
from services.store.changefeed import Change
from services.store.db import transaction
from services.store.hub import BurstGate
from services.store.runtime import Runtime
from ui.kit.refusal import Refusal

T = TypeVar("T")
Job = Callable[[Engine, sessionmaker[Session]], None]
"""A unit of work for a worker: runs on its thread with the engine and its session factory."""

_worker_ids = itertools.count(1)


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

    def failed(self, stop: threading.Event, since: datetime | None = None) -> None:
        """Report (once) and wait with backoff (or until stopped)."""
        if self.since is None:
            self.since = since or datetime.now(UTC).astimezone()
            self._lost.emit(self.since)
        stop.wait(self._backoff)
        self._backoff = min(self._backoff * 2, 5.0)


class FeedDown(ConnectionError):
    """The process's change feed cannot be read (the hub reported it)."""


class Worker(QObject):
    """A background lane that follows the change feed for the views of one panel."""

    connection_lost = Signal(object)  # datetime (aware) since when
    connection_restored = Signal()
    refreshed = Signal(int)  # after a re-read caused by the feed: the newest seq seen
    _deliver = Signal(object, object)  # (callback, value): run on the GUI thread

    THREAD_NAME: ClassVar[str] = "worker"
    WATCHES: ClassVar[frozenset[str]] = frozenset()
    BUSY_RATE: ClassVar[int] = 20
    BUSY_GAP: ClassVar[float] = 1.0
    BUSY_BATCHES: ClassVar[tuple[int, float, float] | None] = None
    """(count, window, gap): above `count` commits with watched changes (batches, as the
    hub hands them over) in the last `window` seconds, re-reads wait `gap` after the
    previous one. A held stream of commits, where a sweep committing many changes at once
    is one."""
    SETTLE: ClassVar[float] = 0.0
    MIN_GAP: ClassVar[float] = 0.0  # seconds between feed-caused re-reads, at the least
    REFRESH_EVERY: ClassVar[float | None] = 30.0

    def __init__(
        self,
        runtime: Runtime | str,
        *,
        follow_feed: bool = True,
        refresh_every: float | None = None,
    ) -> None:
        super().__init__()
        self._own_runtime = isinstance(runtime, str)
        self.runtime = Runtime(runtime) if isinstance(runtime, str) else runtime
        self.engine = self.runtime.engine
        self.origin = f"{os.getpid()}:{self.THREAD_NAME}:{next(_worker_ids)}"
        self.factory = self.runtime.factory(self.origin)
        self._follow = follow_feed
        self._refresh_every = self.REFRESH_EVERY if refresh_every is None else refresh_every
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._jobs: deque[Job] = deque()
        self._batches: list[list[Change]] = []  # as the hub handed them over (a commit each)
        self._feed_down: datetime | None = None
        self._listen_key: int | None = None
        self._thread: threading.Thread | None = None
        self._pending_calls = 0
        self.echoes_skipped = 0  # changes of its own writes the feed brought back, not re-read
        self.changes_ignored = 0  # others' changes outside what it shows (`relevant`)
        self._dirty_since: float | None = None  # watched changes wait for a re-read since
        self._deliver.connect(self._on_deliver)

    @property
    def read_engine(self) -> Engine:
        """Where a plain read of this lane goes now (worker thread): the process's hot
        standby when it has one and it is current enough, else the primary (`engine`)."""
        return self.runtime.reads()

    # -- control (GUI thread) ---------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.THREAD_NAME, daemon=True)
            self._thread.start()

    def is_running(self) -> bool:
        """The lane's thread was started and not stopped (GUI thread)."""
        return self._thread is not None

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._listen_key is not None:
            self.runtime.hub.unlisten(self._listen_key)
            self._listen_key = None
        if self._own_runtime:
            self.runtime.close()

    def refresh(self) -> None:
        """Re-read everything the views show (off the GUI thread)."""
        self._post(lambda e, f: self.reread())

    def call(
        self,
        job: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run `job(session)` in one transaction on the lane; `on_done(result)` or
        `on_error(exc)` follow on the GUI thread. A refusal is the caller's to show; a
        database failure is also reported by the connection watch."""
        self._pending_calls += 1

        def run(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with transaction(factory) as session:
                    result = job(session)
            except Exception as exc:  # noqa: BLE001 - refusals and database errors alike
                self._deliver.emit(on_error, exc)
                if not isinstance(exc, Refused):
                    raise
                return
            self._deliver.emit(on_done, result)

        self._post(run)

    def busy(self) -> bool:
        """Calls posted whose answer has not reached the GUI thread yet."""
        return self._pending_calls > 0

    def _on_deliver(self, callback: Any, value: object) -> None:
        self._pending_calls = max(0, self._pending_calls - 1)
        if callback is not None:
            callback(value)

    def _post(self, job: Job) -> None:
        with self._lock:
            self._jobs.append(job)
        self._wake.set()

    # -- hooks (worker thread) --------------------------------------------------------

    def relevant(self, change: Change) -> bool:
        """Whether another writer's change of a watched kind can alter what this worker
        shows (worker thread). Default: every one; a worker showing one region narrows it."""
        return True

    def reread(self) -> None:
        """Re-read what the views show and emit it."""

    def on_started(self) -> None:
        """On the worker's thread before each full re-read: the first, and the one after
        an outage."""

    def tick(self, now: float) -> float | None:
        """Periodic work besides re-reading; returns seconds until the next tick (None:
        no ticks)."""
        return None

    def is_current(self) -> bool:
        """The views show everything committed that this worker watches: the feed is
        followed and no watched change waits for a re-read (worker thread)."""
        following = self._listen_key is not None and self._feed_down is None
        return following and self._dirty_since is None and not self._batches

    # -- the feed (hub thread) --------------------------------------------------------

    def _on_changes(self, changes: list[Change]) -> None:
        with self._lock:
            self._batches.append(changes)
        self._wake.set()

    def _on_health(self, ok: bool, since: datetime | None) -> None:
        self._feed_down = None if ok else since
        self._wake.set()

    # -- the loop (worker thread) ------------------------------------------------------

    def _run_jobs(self) -> None:
        # Only the jobs queued now: one posted meanwhile (an officer acting on every answer)
        # waits for the next pass, so a stream of jobs cannot starve the feed and the
        # connection watch (the banner stayed on long after a failover).
        with self._lock:
            pending = len(self._jobs)
        for _ in range(pending):
            if self._stop.is_set():
                return
            with self._lock:
                job = self._jobs.popleft()
            job(self.engine, self.factory)

    def _take_foreign_changes(self) -> tuple[int, int, int]:
        """(watched changes made by others, the batches they came in, newest seq seen)
        since the last call."""
        with self._lock:
            taken, self._batches = self._batches, []
        foreign = batches = 0
        for batch in taken:
            others = [c for c in batch if c.origin != self.origin]
            self.echoes_skipped += len(batch) - len(others)
            mine = sum(1 for c in others if self.relevant(c))
            self.changes_ignored += len(others) - mine
            foreign += mine
            batches += 1 if mine else 0
        return foreign, batches, max((b[-1].seq for b in taken if b), default=0)

    def _run(self) -> None:
        if self._follow and self.WATCHES:
            self._listen_key = self.runtime.hub.listen(self.WATCHES, self._on_changes, self._on_health)
        watch = ConnectionWatch(self.connection_lost, self.connection_restored)
        gate = BurstGate(self.BUSY_RATE, self.BUSY_GAP)
        commits = None
        if self.BUSY_BATCHES is not None:
            count, window, gap = self.BUSY_BATCHES
            commits = BurstGate(count, gap, window)
        fresh = False  # the views show a complete read
        last_read = 0.0
        next_tick = 0.0
        newest = 0
        while not self._stop.is_set():
            try:
                if not fresh:
                    if self._listen_key is None or self._feed_down is None:
                        self.on_started()
                        self.reread()
                        fresh, last_read, self._dirty_since = True, time.monotonic(), None
                self._run_jobs()
                foreign, batches, seq = self._take_foreign_changes()
                newest = max(newest, seq)
                now = time.monotonic()
                if foreign:
                    gate.note(now, foreign)
                    if commits is not None:
                        commits.note(now, batches)
                    if self._dirty_since is None:
                        self._dirty_since = now
                if self._listen_key is not None and self._feed_down is not None:
                    raise FeedDown("change feed unreachable")
                wait = 0.25
                if self._dirty_since is not None:
                    ready_at = max(self._dirty_since + self.SETTLE,
                                   last_read + max(gate.min_gap(now), self.MIN_GAP,
                                                   commits.min_gap(now) if commits else 0.0))
                    if now >= ready_at:
                        self.reread()
                        last_read, self._dirty_since = time.monotonic(), None
                        self.refreshed.emit(newest)
                    else:
                        wait = min(wait, ready_at - now)
                if self._refresh_every is not None and now - last_read >= self._refresh_every:
                    self.reread()
                    last_read = time.monotonic()
                if now >= next_tick:
                    after = self.tick(now)
                    next_tick = now + after if after is not None else float("inf")
                watch.ok()
                if not self._jobs:
                    self._wake.wait(max(0.0, wait))
                self._wake.clear()
            except Exception:  # noqa: BLE001 - any database failure: degrade, retry
                fresh = False
                watch.failed(self._stop, self._feed_down)


class ActingWorker(Worker):
    """A worker that acts as an account: the signed-in one, or the region's viewer when
    nobody is. The worker's account (`_w_actor`) changes only on its thread; the GUI keeps
    a mirror (`actor()`) updated by the queued `actor_changed`. `login` checks a password
    on the worker's thread (Argon2 is slow by design), the console's one way to sign in."""

    actor_changed = Signal(object)  # Actor
    login_succeeded = Signal(object)  # Actor
    login_failed = Signal(object)  # ui.kit.refusal.Refusal

    def __init__(self, runtime: Runtime | str, region_code: str, *,
                 login_policy: accounts.LoginPolicy | None = None, **kwargs: Any) -> None:  # fmt: skip
        """`login_policy`: the worker that signs people in (the console's session) gets
        the configured throttle; others only follow the account they are handed."""
        super().__init__(runtime, **kwargs)
        self._region = region_code
        self._login_policy = login_policy
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

    def login(self, login: str, password: str) -> None:
        """Check the password off the GUI thread; `login_succeeded` (after
        `actor_changed`) or `login_failed` follow."""

        policy = self._login_policy
        if policy is None:
            raise RuntimeError(f"{type(self).__name__} does not sign in (no login policy)")

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with factory() as s:
                    actor = accounts.authenticate(s, login, password, policy=policy)
            except Refused as exc:
                self.login_failed.emit(Refusal.of(exc))
                return
            self._switch_actor(factory, actor)
            self.login_succeeded.emit(actor)

        self._post(job)

    def logout(self) -> None:
        self.set_actor(None)

    def on_started(self) -> None:
        if self._w_actor is None:
            self._switch_actor(self.factory, None, reread=False)

    def _switch_actor(
        self, factory: sessionmaker[Session], actor: Actor | None, *, reread: bool = True
    ) -> None:
        if actor is None:
            with factory() as s:
                actor = accounts.viewer_for_region(s, self._region)
        self._w_actor = actor
        self.actor_changed.emit(actor)
        self._actor_switched(factory, actor)
        if reread:
            self.reread()

    def _actor_switched(self, factory: sessionmaker[Session], actor: Actor) -> None:
        """Worker thread, after the account changed (e.g. read what it may do)."""
