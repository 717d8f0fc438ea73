"""The change feed read from a hot standby: every change once, in commit order, no LISTEN.

Transactions are numbered in the commit step (migration 0010), so a long transaction that
started first but commits last gets the higher seqs; a reader polling the standby's
replicated rows with `seq > last` must never see a seq before a smaller one it then misses.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, event

from services.store import changefeed, db, models
from tests.support.fixtures import PgDatabase


def _alert(tag: str) -> models.RiskAlert:
    return models.RiskAlert(domain="fire", level="blue", county_code=tag, raised_at=models.utcnow(),
                            status="open", rule="standby", text=tag)  # fmt: skip


def _interleave(primary: Engine, rounds: int) -> None:
    """Each round: a long transaction writes 300 changes and stays open while a short writer
    commits 10 single changes beside it; then the long one commits (after them)."""
    factory = db.session_factory(primary)
    for r in range(rounds):
        long = factory()
        long.begin()
        for k in range(300):
            long.add(_alert(f"long{r}.{k}"))
        long.flush()
        short_done = threading.Event()

        def short(r: int = r, done: threading.Event = short_done) -> None:
            for k in range(10):
                with db.transaction(factory) as s:
                    s.add(_alert(f"short{r}.{k}"))
            done.set()

        t = threading.Thread(target=short)
        t.start()
        assert short_done.wait(30), "a short writer waited behind the long transaction"
        t.join()
        long.commit()
        long.close()


def test_a_standby_reader_gets_every_change_once_in_commit_order(pg_db: PgDatabase) -> None:
    cluster, standby = pg_db.cluster, pg_db.standby
    primary = db.make_engine(pg_db.url())
    db.upgrade(primary)
    cluster.wait_replayed(standby, cluster.current_lsn())
    replica = db.make_engine(pg_db.url(standby))
    sub = changefeed.Subscription(replica, after=0, poll_interval=0.05)  # LISTEN: refused
    got: list[changefeed.Change] = []
    stop = threading.Event()

    def follow() -> None:
        while not stop.is_set():
            got.extend(sub.next_batch(timeout=0.05))

    reader = threading.Thread(target=follow)
    reader.start()
    try:
        _interleave(primary, rounds=5)
        cluster.wait_replayed(standby, cluster.current_lsn())
        want = changefeed.read_after(primary, 0, limit=10**6)
        assert len(want) == 5 * 310
        deadline = time.monotonic() + 30
        while len(got) < len(want) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        reader.join(timeout=30)
        sub.close()
        replica.dispose()
        primary.dispose()
    assert [c.seq for c in got] == [c.seq for c in want]  # nothing skipped, nothing twice
    assert len({c.entity_id for c in got}) == len(got)
    # Commit order, not start order: in every round the short writes come before the long one.
    first_long = next(k for k, c in enumerate(want) if c.entity_id == 1)
    assert first_long == 10


def test_a_standby_is_followed_on_the_feeds_own_connection_with_the_same_changes(pg_db: PgDatabase) -> None:
    """One query a tick on the waker's connection: no pooled read (and its ping) per batch,
    and the rows are the same `Change`s a pooled read of the primary gives."""
    cluster, standby = pg_db.cluster, pg_db.standby
    primary = db.make_engine(pg_db.url())
    db.upgrade(primary)
    cluster.wait_replayed(standby, cluster.current_lsn())
    replica = db.make_engine(pg_db.url(standby))
    sub = changefeed.Subscription(replica, after=changefeed.head(primary), poll_interval=0.05)
    start = sub.position
    checkouts: list[int] = []
    event.listen(replica, "checkout", lambda *_: checkouts.append(1))
    factory = db.session_factory(primary)
    got: list[changefeed.Change] = []
    try:
        for k in range(30):
            with db.transaction(factory) as s:
                s.info["origin"] = "test:standby"
                s.add(_alert(f"own{k}"))
        deadline = time.monotonic() + 30
        while len(got) < 30 and time.monotonic() < deadline:
            got.extend(sub.next_batch(timeout=0.2))
        want = changefeed.read_after(primary, start, limit=1000)
    finally:
        sub.close()
        replica.dispose()
        primary.dispose()
    assert got == want and len(got) == 30
    assert {c.origin for c in got} == {"test:standby"}
    assert checkouts == []  # every batch came over the waker's connection
