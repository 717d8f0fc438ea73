"""A process's database side: one engine with a bounded pool, one feed hub, tagged sessions.

A composition root (the console window, the intake service) builds one `Runtime` and
hands it to everything that reads or writes. On PostgreSQL a console process then holds
at most `pool_size` pooled connections plus the hub's one LISTEN connection: the budget is
3 with the default pool of 2.

`factory(origin)` gives a session factory whose sessions tag the change rows they write
with `origin`, so the part that wrote a change can recognise its own echo on the feed.

With `read_url` (a hot standby, `database.read_url`) reads go there and writes to `url`
(services.store.replica): the sessions route themselves, `reads()` is the engine for a
plain read now, and the hub follows the standby's replicated change rows. The primary
then sees only the writes (and reads of a thread that just wrote, while the standby is
behind): a reading console holds no primary connection at rest.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.store import db
from services.store.hub import FeedHub
from services.store.replica import DEFAULT_MAX_LAG_S, ROUTER_KEY, ReadRouter, RoutedSession

DEFAULT_POOL = 2
"""Pooled connections a console process shares between all its workers (PostgreSQL)."""


class Runtime:
    """One engine, one feed hub and origin-tagged session factories for a process."""

    def __init__(
        self, url: str, *, pool_size: int = DEFAULT_POOL, wake_tick: float = 0.005,
        application: str = "sgcc-console", read_url: str | None = None,
        max_replica_lag_s: float = DEFAULT_MAX_LAG_S, read_pool_size: int = DEFAULT_POOL,
        pooled: bool = False, direct_url: str | None = None,
    ) -> None:  # fmt: skip
        """`pooled`: `url` is PgBouncer in transaction mode; `direct_url` is then the
        primary itself, for the feed's LISTEN (a pooler cannot hold one)."""
        self.url = url
        self.read_url = read_url
        kwargs: dict[str, Any] = {}
        if not url.startswith("sqlite"):
            # Wait for a free pooled connection rather than open more: the budget holds.
            kwargs = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 30}
        self.engine: Engine = db.make_engine(url, application=application, pooled=pooled, **kwargs)
        self.read_engine: Engine | None = None
        if read_url:
            self.read_engine = db.make_engine(
                read_url, application=application, pool_size=read_pool_size, max_overflow=0,
                pool_timeout=30,
            )  # fmt: skip
        self.router = ReadRouter(self.engine, self.read_engine, max_lag_s=max_replica_lag_s)
        self.hub = FeedHub(self.read_engine or self.engine, wake_tick=wake_tick,
                           source=self.router.for_feed if read_url else None,
                           wake_url=None if read_url else direct_url)  # fmt: skip
        self._factories: dict[str, sessionmaker[Session]] = {}
        self._lock = threading.Lock()
        self._closed = False

    @property
    def process_tag(self) -> str:
        return f"{os.getpid()}"

    def factory(self, origin: str | None = None) -> sessionmaker[Session]:
        """Sessions on the shared engine; changes they write carry `origin`."""
        key = origin or ""
        with self._lock:
            made = self._factories.get(key)
            if made is None:
                info: dict[str, Any] = {db.ORIGIN_KEY: origin} if origin else {}
                if self.read_engine is not None:
                    info[ROUTER_KEY] = self.router
                made = sessionmaker(self.engine, class_=RoutedSession, expire_on_commit=False,
                                    info=info)  # fmt: skip
                self._factories[key] = made
            return made

    def reads(self) -> Engine:
        """The engine for a plain read on this thread now: the standby, or the primary
        when it lags beyond the threshold or has not replayed this thread's last write."""
        return self.router.for_read()

    def replica_lag(self) -> float | None:
        """The standby's replay delay in seconds (None without a standby, or when it does
        not answer)."""
        return self.router.lag()

    def close(self) -> None:
        """Stop the hub and close every pooled connection (at the end of the process)."""
        if self._closed:
            return
        self._closed = True
        self.hub.close()
        self.router.close()
        self.engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()
