"""The field pages' live view of the process's one change feed.

The process's feed hub (services.store.hub) hands this fan-out the committed changes of
cases; a resolver thread turns each batch once into the cases it touched and their region
codes (off the hub's thread, which only hands batches over) and offers that to every
listener (a server-sent-events stream of the field page); each listener keeps what lies
in its own jurisdiction.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass

from sqlalchemy import Engine

from services.intake import feed
from services.store import changefeed
from services.store.hub import FeedHub as StoreHub

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class CaseBatch:
    """The cases one feed batch touched: id → region codes (province … township)."""

    seq: int
    cases: dict[int, feed.Codes]


class _Listener:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[CaseBatch] = asyncio.Queue(maxsize=256)

    def offer(self, batch: CaseBatch) -> None:
        def put() -> None:
            if self.queue.full():  # a stalled page: drop the oldest, it re-reads anyway
                self.queue.get_nowait()
            self.queue.put_nowait(batch)

        self.loop.call_soon_threadsafe(put)


class FeedHub:
    """Case batches of the process's feed hub; `listen()` gives an asyncio queue of them."""

    def __init__(self, engine: Engine, hub: StoreHub | None = None, *, wake_url: str | None = None) -> None:
        """`wake_url`: the primary itself for the feed's LISTEN (past PgBouncer)."""
        self._engine = engine
        self._hub = hub or StoreHub(engine, wake_url=wake_url)
        self._own_hub = hub is None
        self._listeners: set[_Listener] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._batches: queue.SimpleQueue[list[changefeed.Change] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._key: int | None = None
        self.position = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="intake-cases", daemon=True)
        self._thread.start()
        self._key = self._hub.listen(feed.ENTITIES, self._batches.put)
        self.position = self._hub.position

    def _run(self) -> None:
        while not self._stop.is_set():
            batch = self._batches.get()
            if batch is None:
                return
            try:
                resolved = feed.resolve(self._engine, batch)
                state = feed.incident_codes(self._engine, [iid for _c, iid, _d in resolved])
            except Exception:  # noqa: BLE001 - the database blinked: pages re-read on reconnect
                log.warning("feed hub: cannot resolve a batch", exc_info=True)
                continue
            self.position = batch[-1].seq
            cases = {iid: state[iid][0] for _c, iid, _d in resolved if iid in state}
            if not cases:
                continue
            out = CaseBatch(self.position, cases)
            with self._lock:
                listeners = list(self._listeners)
            for listener in listeners:
                listener.offer(out)

    def listen(self) -> _Listener:
        listener = _Listener(asyncio.get_running_loop())
        with self._lock:
            self._listeners.add(listener)
        return listener

    def leave(self, listener: _Listener) -> None:
        with self._lock:
            self._listeners.discard(listener)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    def stop(self) -> None:
        self._stop.set()
        if self._key is not None:
            self._hub.unlisten(self._key)
        self._batches.put(None)
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._own_hub:
            self._hub.close()
