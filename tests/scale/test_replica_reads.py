"""A console with `read_url`: reads from the hot standby, writes to the primary, its own
writes visible to its next read under lag, and the primary taking over beyond the lag
threshold. All on the session cluster (primary + one streaming standby)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from services.store import changefeed, models
from services.store.db import transaction
from services.store.replica import replica_lag
from services.store.runtime import Runtime
from tests.scale.replica_support import alert, migrate
from tests.support.fixtures import PgDatabase
from tests.support.pgcluster import lsn_to_int, wait_for

IN_RECOVERY = text("SELECT pg_is_in_recovery()")


@pytest.fixture
def runtime(pg_db: PgDatabase) -> Iterator[Runtime]:
    primary_url, standby_url = migrate(pg_db.cluster, pg_db.name)
    rt = Runtime(primary_url, read_url=standby_url, max_replica_lag_s=30.0)
    rt.router.ryw_wait_s = 0.5  # keep the "standby too late" case short
    try:
        yield rt
    finally:
        rt.close()


def _alerts_seen(rt: Runtime, tag: str) -> int:
    with rt.factory("reader")() as s:
        return int(s.scalar(select(func.count()).where(models.RiskAlert.text == tag)) or 0)


def _in_other_thread(fn):  # type: ignore[no-untyped-def]
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join(30)
    return out[0]


def test_plain_reads_go_to_the_standby_and_write_transactions_to_the_primary(runtime: Runtime) -> None:
    factory = runtime.factory("w")
    with factory() as s:
        assert s.scalar(IN_RECOVERY) is True  # a plain read: the standby
    with transaction(factory) as s:
        assert s.scalar(IN_RECOVERY) is False  # an explicit write transaction: the primary
        s.add(alert("routed"))
    with factory() as s:  # a session that reads, then writes, then reads again
        s.scalar(select(models.RiskAlert.id).limit(1))
        s.add(alert("routed-2"))
        s.flush()
        assert s.scalar(IN_RECOVERY) is False  # after its flush it reads what it wrote
        s.commit()
    with runtime.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(models.RiskAlert)) == 2
    assert runtime.reads() is runtime.read_engine
    assert replica_lag(runtime.read_engine) is not None  # type: ignore[arg-type]


def test_a_write_is_visible_to_the_writers_next_read_while_the_standby_lags(
    pg_db: PgDatabase, runtime: Runtime
) -> None:
    cluster, standby = pg_db.cluster, pg_db.standby
    factory = runtime.factory("officer")
    assert _alerts_seen(runtime, "ryw") == 0
    cluster.pause_replay(standby)
    with transaction(factory) as s:
        s.add(alert("ryw"))
    # The standby has not replayed the write ...
    assert _in_other_thread(lambda: _alerts_seen(runtime, "ryw")) == 0
    # ... but the writer's next read shows it: it waited, then read the primary.
    assert _alerts_seen(runtime, "ryw") == 1
    assert runtime.router.ryw_primary == 1
    # Once replay resumes, the writer's next write is waited for on the standby instead.
    cluster.resume_replay(standby)
    runtime.router.ryw_wait_s = 10.0
    with transaction(factory) as s:
        s.add(alert("ryw"))
    with factory() as s:
        assert s.scalar(IN_RECOVERY) is True
        assert s.scalar(select(func.count()).where(models.RiskAlert.text == "ryw")) == 2
    assert runtime.router.ryw_primary == 1


def test_beyond_the_lag_threshold_reads_and_the_feed_fall_back_to_the_primary(
    pg_db: PgDatabase, runtime: Runtime
) -> None:
    cluster, standby = pg_db.cluster, pg_db.standby
    runtime.router.max_lag_s = 0.5
    got: list[changefeed.Change] = []
    arrived = threading.Event()

    def on_changes(batch: list[changefeed.Change]) -> None:
        got.extend(batch)
        arrived.set()

    runtime.hub.listen(None, on_changes)
    assert _in_other_thread(runtime.reads) is runtime.read_engine
    cluster.pause_replay(standby)
    with transaction(runtime.factory("clock")) as s:
        s.add(alert("lagging"))
    lag = wait_for(lambda: (v := runtime.router.lag(fresh=True)) is not None and v > 0.5 and v,
                   timeout=15, what="the standby's lag to pass the threshold")  # fmt: skip
    # The standby is behind: a reader that wrote nothing is sent to the primary ...
    assert _in_other_thread(runtime.reads) is runtime.engine
    assert _in_other_thread(lambda: _alerts_seen(runtime, "lagging")) == 1
    # ... and the feed delivers the change from the primary, though the standby has not it.
    assert arrived.wait(10), "the feed did not fall back to the primary"
    assert [c.entity for c in got] == ["risk_alert"]
    assert lsn_to_int(cluster.replay_lsn(standby) or "0/0") < lsn_to_int(cluster.current_lsn())
    cluster.resume_replay(standby)
    wait_for(lambda: _in_other_thread(runtime.reads) is runtime.read_engine, timeout=15,
             what="reads to return to the standby once it caught up")  # fmt: skip
    print(f"[lag] fell back at {lag:.2f} s")
    assert len(got) == 1  # the standby catching up repeats nothing
