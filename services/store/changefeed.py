"""The live change feed: every console sees every writer's committed changes, in order.

Writers append to `change_log` in the same transaction as their change (services.store.db).
`seq` is in commit order: SQLite has one writer at a time, so insert order is commit order;
on PostgreSQL the rows are numbered in the commit step (migration 0010: a deferred trigger
takes the feed lock, numbers, and the lock is released once the commit is visible), so a
higher seq is never visible before a lower one, on the primary or on a hot standby replaying
its WAL. A reader that asks for `seq > last` never misses and never repeats a change,
across reconnects too, and no writer waits for another's whole transaction.

Waking up is a latency optimisation only:
- PostgreSQL: LISTEN on `console_changes` (payload: the newest seq of a commit, never rows),
  in autocommit. A hot standby refuses LISTEN: there the waker polls
  `change_log` itself on its one connection (every `tick` s while changes arrive, every
  `idle_tick` s on a quiet feed) and hands those rows over: one query a tick, where a
  replay-position poll followed by a pooled read (with its ping) cost three, and 200
  consoles polling one standby made its followers the console's main cost. It decides at
  each (re)connection, so a promoted standby is LISTENed to again.
- SQLite: `PRAGMA data_version` polled from a dedicated read-only connection; it changes
  only for commits made by other connections, which is every writer here.
Both fall back to a plain poll every `poll_interval` seconds.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, make_url, select

from services.store import models
from services.store.db import NOTIFY_CHANNEL, close_quietly, connect_direct, is_sqlite


@dataclass(frozen=True)
class Change:
    """One committed change: which entity and row, when, and who wrote it (`origin`: the
    writer's session.info["origin"], so a console recognises its own echo; None if unset)."""

    seq: int
    at: datetime
    entity: str
    entity_id: int
    op: str
    scope: str
    origin: str | None = None  # who wrote it (a worker's tag), where the writer said


def head(engine: Engine) -> int:
    """The newest seq (0 for an empty feed)."""
    with engine.connect() as conn:
        value = conn.execute(select(func.max(models.ChangeRecord.seq))).scalar()
    return int(value or 0)


def read_after(engine: Engine, after: int, limit: int = 5000) -> list[Change]:
    """Changes with seq > after, oldest first, at most `limit`."""
    t = models.ChangeRecord.__table__
    stmt = select(t).where(t.c.seq > after).order_by(t.c.seq).limit(limit)
    with engine.connect() as conn:
        return [
            Change(r.seq, r.at, r.entity, r.entity_id, r.op, r.scope, r.origin)
            for r in conn.execute(stmt)
        ]


class _Waker:
    """Blocks until the database may have new changes (or a timeout)."""

    def wait(self, timeout: float) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _SqliteWaker(_Waker):
    """Polls `data_version` every `tick` s while commits come (one a few seconds ago), and
    every `idle_tick` s on a quiet feed: a wall at rest should not spend a fifth of a core
    polling 200 times a second."""

    ACTIVE_S = 3.0

    def __init__(self, path: str, tick: float = 0.005, idle_tick: float = 0.025) -> None:
        self._path = path
        self._tick = tick
        self._idle_tick = max(tick, idle_tick)
        self._last_change = 0.0
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def _version_now(self) -> int:
        if self._conn is None:
            self._conn = sqlite3.connect(
                f"file:{self._path}?mode=ro", uri=True, timeout=5, check_same_thread=False
            )
        row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            if self._version is None:
                self._version = self._version_now()
            while (now := time.monotonic()) < deadline:
                current = self._version_now()
                if current != self._version:
                    self._version = current
                    self._last_change = now
                    return
                active = now - self._last_change < self.ACTIVE_S
                time.sleep(self._tick if active else self._idle_tick)
        except sqlite3.Error:
            self.close()
            time.sleep(min(timeout, 0.5))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._version = None


_READ_SQL = (
    f"SELECT {', '.join(f.name for f in fields(Change))} FROM change_log"
    " WHERE seq > %s ORDER BY seq LIMIT %s"
)
"""`read_after` on a raw connection, in `Change`'s own field order (its fields are the
columns of change_log)."""


class _PostgresWaker(_Waker):
    """LISTEN on a primary; on a hot standby, poll its change rows (`poll_changes`)."""

    ACTIVE_S = 3.0

    def __init__(
        self, engine: Engine, tick: float = 0.1, idle_tick: float = 0.25, url: str | None = None
    ) -> None:
        """`url`: connect there instead of `engine`'s URL (the primary itself when the
        engine goes through PgBouncer, which cannot hold a LISTEN)."""
        self._engine = engine
        self._url = url
        self._conn: Any = None
        self._standby = False
        self._replayed: str | None = None
        self._tick = tick
        self._idle_tick = max(tick, idle_tick)
        self._last_change = 0.0

    @property
    def on_standby(self) -> bool:
        """The connected server is a hot standby (polled, not LISTENed to)."""
        return self._standby

    def _connect(self) -> Any:
        url = make_url(self._url) if self._url else self._engine.url
        name = None
        if self._url and "application_name" not in url.query:
            # past the pooler; named like the process's other connections
            name = self._engine.url.query.get("application_name")
        conn = connect_direct(url, application=str(name) if name else None, connect_timeout=3)
        row = conn.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text").fetchone()
        self._standby = bool(row and row[0])
        if self._standby:
            self._replayed = row[1] if row else None
        else:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        return conn

    def poll_changes(self, after: int, limit: int, timeout: float) -> list[Change] | None:
        """On a hot standby: the changes after `after`, polled on this connection every
        tick until some come or `timeout` passes ([] then). None: the server is a primary
        (LISTEN: the caller reads). Raises the driver's error (the caller reports it)."""
        if self._conn is None:
            self._conn = self._connect()
        if not self._standby:
            return None
        deadline = time.monotonic() + timeout
        try:
            while True:
                rows = self._conn.execute(_READ_SQL, (after, limit)).fetchall()
                now = time.monotonic()
                if rows:
                    self._last_change = now
                    return [Change(*row) for row in rows]
                if now >= deadline:
                    return []
                active = now - self._last_change < self.ACTIVE_S
                time.sleep(min(self._tick if active else self._idle_tick, deadline - now))
        except Exception:
            self.close()
            raise

    def _poll_replay(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while (now := time.monotonic()) < deadline:
            row = self._conn.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
            lsn = row[0] if row else None
            if lsn != self._replayed:
                self._replayed = lsn
                self._last_change = now
                return
            active = now - self._last_change < self.ACTIVE_S
            time.sleep(min(self._tick if active else self._idle_tick, max(deadline - now, 0.0)))

    def wait(self, timeout: float) -> None:
        import psycopg

        try:
            if self._conn is None:
                self._conn = self._connect()
                return  # (re)connected: the caller must poll for what it missed
            if self._standby:
                self._poll_replay(timeout)
                return
            for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                break
        except psycopg.Error:
            self.close()
            time.sleep(min(timeout, 0.5))

    def close(self) -> None:
        close_quietly(self._conn)
        self._conn = None


def make_waker(engine: Engine, tick: float = 0.005, wake_url: str | None = None) -> _Waker:
    """SQLite: poll `data_version` every `tick` s; PostgreSQL: LISTEN (on `wake_url` when
    given: a direct connection past a pooler), or poll a hot standby's replay position."""
    if is_sqlite(engine):
        path = engine.url.database or ""
        return _SqliteWaker(path, tick)
    return _PostgresWaker(engine, url=wake_url)


class Subscription:
    """Ordered batches of changes after a seq, surviving lost connections.

    `next_batch()` blocks up to `timeout` and returns the changes committed since the
    previous batch (possibly empty). Read errors are reported through `on_error` and retried
    with backoff; `position` only advances past changes that were returned.
    """

    def __init__(
        self,
        engine: Engine,
        after: int | None = None,
        *,
        poll_interval: float = 1.0,
        batch_limit: int = 5000,
        on_error: Callable[[Exception], None] | None = None,
        wake_tick: float = 0.005,
        source: Callable[[], Engine] | None = None,
        wake_url: str | None = None,
    ) -> None:
        """`source`: the engine each read goes to now (default: `engine`). Any server with
        the same change_log will do (a standby or its primary): the position is a seq.
        `wake_url`: the direct URL the wake-ups connect to (past PgBouncer)."""
        self._engine = engine
        self._source = source or (lambda: engine)
        self.position = head(self._source()) if after is None else after
        self._poll_interval = poll_interval
        self._batch_limit = batch_limit
        # Side panels can poll more slowly: every poll takes the GIL from the GUI thread.
        self._waker = make_waker(engine, wake_tick, wake_url)
        self._on_error = on_error
        self._closed = threading.Event()
        self.connected = True

    def next_batch(self, timeout: float | None = None) -> list[Change]:
        """Wait for changes (or the poll interval) and return them in seq order."""
        wait = self._poll_interval if timeout is None else timeout
        direct = self._read_on_standby(wait)
        if direct is not None:
            return direct
        batch = self._read()
        if batch:
            return batch
        self._waker.wait(wait)
        return self._read()

    def _read_on_standby(self, timeout: float) -> list[Change] | None:
        """Read a hot standby's changes on the waker's own connection, when the feed reads
        from the server the waker follows (None: it does not; read the usual way)."""
        waker = self._waker
        if not isinstance(waker, _PostgresWaker) or self._source() is not self._engine:
            return None
        return self._take(lambda: waker.poll_changes(self.position, self._batch_limit, timeout))

    def _read(self) -> list[Change]:
        batch = self._take(lambda: read_after(self._source(), self.position, self._batch_limit))
        return batch or []

    def _take(self, fetch: Callable[[], list[Change] | None]) -> list[Change] | None:
        """Run one read of the feed: a driver error is reported and reads as "nothing
        now" ([]); what it returns moves the position past it (None passes through)."""
        try:
            batch = fetch()
        except Exception as exc:  # noqa: BLE001 - any driver error means "not now"
            self.connected = False
            if self._on_error is not None:
                self._on_error(exc)
            return []
        if batch is None:
            return None
        self.connected = True
        if batch:
            self.position = batch[-1].seq
        return batch

    def __iter__(self) -> Iterator[list[Change]]:
        while not self._closed.is_set():
            yield self.next_batch()

    def close(self) -> None:
        self._closed.set()
        self._waker.close()
