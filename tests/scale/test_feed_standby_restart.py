"""The change feed read from a hot standby across the standby's restart: every change once,
in seq order, whether the reader waits the outage out on the standby (a bare Subscription)
or a console's hub reads the primary meanwhile (Runtime with read_url)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from services.store import changefeed, db
from services.store.runtime import Runtime
from tests.scale.replica_support import alert, migrate
from tests.support.fixtures import PgDatabase
from tests.support.pgcluster import wait_for


def _write_while(primary_url: str, stop: threading.Event, written: list[int]) -> threading.Thread:
    """Commit one change every ~10 ms until `stop` (counting them)."""

    def run() -> None:
        engine = db.make_engine(primary_url)
        factory = db.session_factory(engine)
        try:
            while not stop.is_set():
                with db.transaction(factory) as s:
                    s.add(alert(f"w{len(written)}"))
                written.append(1)
                stop.wait(0.01)
        finally:
            engine.dispose()

    t = threading.Thread(target=run)
    t.start()
    return t


def _restart_mid_stream(pg: PgDatabase, written: list[int], got: Callable[[], int]) -> None:
    cluster, standby = pg.cluster, pg.standby
    wait_for(lambda: got() >= 20, timeout=20, what="the reader to follow the stream")
    cluster.stop(standby, mode="fast")  # the reader's connections to it break
    before = len(written)
    wait_for(lambda: len(written) >= before + 30, timeout=20, what="writes while the standby is down")
    cluster.start(standby)
    cluster.wait_streaming(standby)


def _write_through_restart(
    module_db: PgDatabase, primary_url: str, received: Callable[[], int]
) -> list[int]:
    """Write on the primary while the standby restarts mid-stream, until 20 more changes
    have been received after it; returns what was written."""
    stop, written = threading.Event(), list[int]()
    writer = _write_while(primary_url, stop, written)
    try:
        _restart_mid_stream(module_db, written, received)
        mark = len(written)
        wait_for(lambda: received() >= mark + 20, timeout=20, what="changes after the restart")
    finally:
        stop.set()
        writer.join(30)
    return written


def test_a_subscription_on_the_standby_misses_and_repeats_nothing_across_its_restart(module_db: PgDatabase) -> None:
    primary_url, standby_url = migrate(module_db.cluster, module_db.name)
    replica = db.make_engine(standby_url)
    sub = changefeed.Subscription(replica, after=0, poll_interval=0.05)
    got: list[changefeed.Change] = []
    done = threading.Event()

    def follow() -> None:
        while not done.is_set():
            got.extend(sub.next_batch(timeout=0.05))

    reader = threading.Thread(target=follow)
    reader.start()
    written = _write_through_restart(module_db, primary_url, lambda: len(got))
    try:
        module_db.cluster.wait_replayed(module_db.standby)
        want = changefeed.read_after(db.make_engine(primary_url), 0, limit=10**6)
        wait_for(lambda: len(got) >= len(want), timeout=20, what="the reader to catch up")
        time.sleep(0.2)  # nothing more may come: give a repeat the chance to show
    finally:
        done.set()
        reader.join(30)
        sub.close()
        replica.dispose()
    assert len(want) == len(written) > 50
    assert [c.seq for c in got] == [c.seq for c in want]  # nothing skipped, nothing twice


def test_a_consoles_hub_on_the_standby_continues_through_its_restart(module_db: PgDatabase) -> None:
    primary_url, standby_url = migrate(module_db.cluster, module_db.name)
    rt = Runtime(primary_url, read_url=standby_url)
    got: list[changefeed.Change] = []
    lock = threading.Lock()

    def on_changes(batch: list[changefeed.Change]) -> None:
        with lock:
            got.extend(batch)

    rt.hub.listen(None, on_changes)
    written = _write_through_restart(module_db, primary_url, lambda: len(got))
    try:
        want = changefeed.read_after(rt.engine, 0, limit=10**6)
        wait_for(lambda: len(got) >= len(want), timeout=20, what="the hub to catch up")
    finally:
        rt.close()
    assert rt.hub.connected
    assert [c.seq for c in got] == [c.seq for c in want]
    assert len(want) == len(written) > 50
