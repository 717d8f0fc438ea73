"""A process's database side: one engine with a bounded pool, one feed hub, tagged sessions.

A composition root (the console window, the intake service) builds one `Runtime` and
hands it to everything that reads or writes. On PostgreSQL a console process then holds
at most `pool_size` pooled connections plus the hub's one LISTEN connection: the budget is
3 with the default pool of 2.

`factory(origin)` gives a session factory whose sessions tag the change rows they write
with `origin`, so the part that wrote a change can recognise its own echo on the feed.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.store import db
from services.store.hub import FeedHub

DEFAULT_POOL = 2
"""Pooled connections a console process shares between all its workers (PostgreSQL)."""


class Runtime:
    """One engine, one feed hub and origin-tagged session factories for a process."""

    def __init__(
        self, url: str, *, pool_size: int = DEFAULT_POOL, wake_tick: float = 0.005,
        application: str = "sgcc-console",
    ) -> None:  # fmt: skip
        self.url = url
        kwargs: dict[str, Any] = {}
        if not url.startswith("sqlite"):
            # Wait for a free pooled connection rather than open more: the budget holds.
            kwargs = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 30}
        self.engine: Engine = db.make_engine(url, application=application, **kwargs)
        self.hub = FeedHub(self.engine, wake_tick=wake_tick)
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
                info = {db.ORIGIN_KEY: origin} if origin else {}
                made = sessionmaker(self.engine, expire_on_commit=False, info=info)
                self._factories[key] = made
            return made

    def close(self) -> None:
        """Stop the hub and close every pooled connection (at the end of the process)."""
        if self._closed:
            return
        self._closed = True
        self.hub.close()
        self.engine.dispose()
