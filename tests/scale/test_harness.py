"""The cluster harness works: replication, paused replay, PgBouncer, hot-standby limits, failover.

Each test states a fact about PostgreSQL / PgBouncer / psycopg 3 that the product relies on;
the measured timings are printed (run with ``-s`` to see them) and recorded as properties.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from tests.support.fixtures import PgDatabase
from tests.support.pgcluster import (
    PgBinaries,
    PgBouncer,
    PgCluster,
    ReplicationLag,
    lsn_to_int,
    port_open,
    process_alive,
    wait_for,
)

RecordProperty = Callable[[str, object], None]


def _report(record_property: RecordProperty, name: str, seconds: float) -> None:
    record_property(name, round(seconds, 4))
    print(f"[timing] {name}: {seconds * 1000:.1f} ms")


def test_session_cluster_is_a_streaming_pair(
    pg_cluster: PgCluster, pg_binaries: PgBinaries, record_property: RecordProperty
) -> None:
    primary, standby = pg_cluster.primary, pg_cluster.standbys[0]
    assert primary.port != standby.port and 5432 not in (primary.port, standby.port)
    assert primary.in_recovery() is False
    assert standby.in_recovery() is True
    assert primary.scalar(
        "SELECT state FROM pg_stat_replication WHERE application_name = %s", (standby.name,)
    ) == "streaming"
    assert standby.scalar("SELECT status FROM pg_stat_wal_receiver") == "streaming"
    # The servers are the binaries the harness chose, not some other build.
    assert primary.scalar("SHOW server_version").startswith(pg_binaries.version)
    assert primary.scalar("SHOW wal_level") == "replica"
    assert standby.scalar("SHOW hot_standby") == "on"
    for step in ("initdb", "primary_start", "basebackup", "standby_start"):
        _report(record_property, step, pg_cluster.timings[step])


def test_row_written_on_primary_is_readable_on_standby_after_wait_replayed(
    pg_db: PgDatabase, record_property: RecordProperty
) -> None:
    cluster, primary, standby = pg_db.cluster, pg_db.primary, pg_db.standby
    primary.query("CREATE TABLE notes (id int PRIMARY KEY, body text)", dbname=pg_db.name)
    primary.query("INSERT INTO notes VALUES (1, '西湖区 已派单')", dbname=pg_db.name)
    lsn = cluster.current_lsn()

    waited = cluster.wait_replayed(standby, lsn)

    assert lsn_to_int(cluster.replay_lsn(standby) or "0/0") >= lsn_to_int(lsn)
    engine = create_engine(pg_db.url(standby))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT body FROM notes WHERE id = 1")).scalar_one() == "西湖区 已派单"
            assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    finally:
        engine.dispose()
    _report(record_property, "replay_visible_after_commit", waited)


def test_paused_replay_hides_new_rows_and_the_lag_is_measurable(
    pg_db: PgDatabase, record_property: RecordProperty
) -> None:
    cluster, primary, standby = pg_db.cluster, pg_db.primary, pg_db.standby
    primary.query("CREATE TABLE notes (id int PRIMARY KEY)", dbname=pg_db.name)
    cluster.wait_replayed(standby)
    cluster.pause_replay(standby)

    primary.query("INSERT INTO notes VALUES (1)", dbname=pg_db.name)
    lsn = cluster.current_lsn()
    # The WAL reaches the standby (received) but is not applied (replayed).
    wait_for(
        lambda: lsn_to_int(cluster.receive_lsn(standby) or "0/0") >= lsn_to_int(lsn),
        timeout=10,
        what="the standby to receive the insert's WAL",
    )
    assert standby.scalar("SELECT count(*) FROM notes", dbname=pg_db.name) == 0
    lag = cluster.replication_lag(standby)
    assert lag.replay_bytes > 0 and lag.unreplayed_received_bytes > 0
    assert lsn_to_int(lag.replay_lsn or "0/0") < lsn_to_int(lsn)
    # Time lag grows while paused, seen from the standby and as the primary reports it.
    def grown_lag() -> ReplicationLag | None:
        now = cluster.replication_lag(standby)
        delays = (now.replay_delay_s, now.reported_replay_lag_s)
        return now if all(d is not None and d >= 0.3 for d in delays) else None

    grown = wait_for(grown_lag, timeout=15, what="the replay lag to grow while paused")
    print(f"[lag] paused: {grown}")

    cluster.resume_replay(standby)
    waited = cluster.wait_replayed(standby, lsn)
    assert standby.scalar("SELECT count(*) FROM notes", dbname=pg_db.name) == 1
    after = cluster.replication_lag(standby)
    assert lsn_to_int(after.replay_lsn or "0/0") >= lsn_to_int(lsn)
    assert after.unreplayed_received_bytes == 0
    _report(record_property, "paused_replay_delay_seen", grown.replay_delay_s or 0.0)
    _report(record_property, "catch_up_after_resume", waited)


def test_listen_and_notify_are_refused_on_a_standby(pg_db: PgDatabase) -> None:
    standby = pg_db.standby
    with standby.connect(pg_db.name) as conn:
        with pytest.raises(pg_errors.ReadOnlySqlTransaction) as listen:
            conn.execute("LISTEN console_changes")
        assert str(listen.value) == "cannot execute LISTEN during recovery"
        assert listen.value.sqlstate == "25006"
        with pytest.raises(pg_errors.ReadOnlySqlTransaction, match="cannot execute NOTIFY during recovery"):
            conn.execute("NOTIFY console_changes, 'x'")
        conn.execute("UNLISTEN *")  # allowed: a no-op
    # The same statement on the primary is fine.
    with pg_db.primary.connect(pg_db.name) as conn:
        conn.execute("LISTEN console_changes")


def test_multi_host_url_with_read_write_finds_the_primary(pg_cluster: PgCluster) -> None:
    primary, standby = pg_cluster.primary, pg_cluster.standbys[0]
    rw = "target_session_attrs=read-write"
    forms = {
        # The harness's form: one host=HOST:PORT item per node.
        "repeated host=h:p": pg_cluster.multi_host_url(nodes=[standby, primary]),
        # libpq's own comma lists work too.
        "host=h1,h2&port=p1,p2": (
            f"postgresql+psycopg://postgres@/postgres?host=127.0.0.1,127.0.0.1"
            f"&port={standby.port},{primary.port}&{rw}"
        ),
    }
    for label, url in forms.items():
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                port = conn.execute(text("SELECT inet_server_port()")).scalar_one()
                assert port == primary.port, label
        finally:
            engine.dispose()

    # One comma list of HOST:PORT does not: SQLAlchemy passes "127.0.0.1:PORT" as a host name.
    bad = create_engine(
        f"postgresql+psycopg://postgres@/postgres?host=127.0.0.1:{standby.port},127.0.0.1:{primary.port}&{rw}"
    )
    with pytest.raises(OperationalError, match=r"failed to resolve host '127\.0\.0\.1:\d+'"):
        bad.connect().close()
    bad.dispose()

    # Only a standby listed: libpq refuses it as read-only.
    only_standby = create_engine(pg_cluster.multi_host_url(nodes=[standby], connect_timeout=2))
    with pytest.raises(OperationalError, match="session is read-only"):
        only_standby.connect().close()
    only_standby.dispose()

    # target_session_attrs=standby picks the standby; plain psycopg takes the conninfo form.
    reader = create_engine(pg_cluster.multi_host_url(target_session_attrs="standby"))
    try:
        with reader.connect() as conn:
            assert conn.execute(text("SELECT inet_server_port()")).scalar_one() == standby.port
    finally:
        reader.dispose()
    with psycopg.connect(pg_cluster.multi_host_conninfo(nodes=[standby, primary])) as conn:
        assert conn.execute("SELECT inet_server_port()").fetchone() == (primary.port,)


def _interleave(engine_url: str, connect_args: dict[str, object], clients: int, rounds: int) -> int:
    """`clients` connections take turns running the same INSERT, one transaction each."""
    engine = create_engine(engine_url, connect_args=connect_args, pool_size=clients, max_overflow=0)
    conns = [engine.connect() for _ in range(clients)]
    try:
        for i in range(rounds):
            for n, conn in enumerate(conns):
                conn.execute(text("INSERT INTO hits (client, round) VALUES (:c, :r)"), {"c": n, "r": i})
                conn.commit()
        return len(conns)
    finally:
        for conn in conns:
            conn.close()
        engine.dispose()


def test_sqlalchemy_through_pgbouncer_in_transaction_mode_with_prepare_threshold_none(
    pg_db: PgDatabase, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    primary = pg_db.primary
    primary.query("CREATE TABLE hits (client int, round int)", dbname=pg_db.name)
    bouncer = make_pgbouncer(pg_db.cluster, primary, default_pool_size=2, max_client_conn=20)
    assert bouncer.port not in (5432, 6432)

    # 4 clients x 20 transactions each, far past psycopg's default prepare_threshold (5).
    _interleave(bouncer.url(pg_db.name), PgBouncer.SQLALCHEMY_CONNECT_ARGS, clients=4, rounds=20)

    assert primary.scalar("SELECT count(*) FROM hits", dbname=pg_db.name) == 80
    pool = next(p for p in bouncer.show("POOLS") if p["database"] == pg_db.name)
    assert pool["pool_mode"] == "transaction"
    # Four clients were served by at most default_pool_size server connections.
    assert pool["sv_active"] + pool["sv_idle"] + pool["sv_used"] + pool["sv_tested"] <= 2
    stats = wait_for(
        lambda: next(
            (s for s in bouncer.show("STATS") if s["database"] == pg_db.name and s["total_xact_count"] >= 80),
            None,
        ),
        timeout=10,
        what="SHOW STATS to count the transactions",
    )
    assert stats["total_query_count"] >= 80
    # The server saw only the pooled connections.
    backends = primary.scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND client_port IS NOT NULL",
        (pg_db.name,),
    )
    assert backends <= 2


def test_default_prepare_threshold_breaks_through_pgbouncer_in_transaction_mode(
    pg_db: PgDatabase, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    """psycopg 3 prepares a statement server-side after 5 runs (names _pg3_0, ...); PgBouncer
    1.18 in transaction mode hands the next transaction another client's server connection."""
    pg_db.primary.query("CREATE TABLE hits (client int, round int)", dbname=pg_db.name)
    bouncer = make_pgbouncer(pg_db.cluster, pg_db.primary, default_pool_size=2)
    with pytest.raises(DBAPIError) as failed:
        _interleave(bouncer.url(pg_db.name), {}, clients=3, rounds=20)
    assert isinstance(failed.value.orig, pg_errors.DuplicatePreparedStatement | pg_errors.InvalidSqlStatementName)
    assert "_pg3_" in str(failed.value.orig)  # e.g. prepared statement "_pg3_0" already exists
    print(f"[pgbouncer] without prepare_threshold=None: {type(failed.value.orig).__name__}: {failed.value.orig}")


@pytest.mark.slow
def test_failover_engine_with_multi_host_url_writes_to_the_promoted_standby(
    make_pg_cluster: Callable[..., PgCluster],
    make_pgbouncer: Callable[..., PgBouncer],
    record_property: RecordProperty,
) -> None:
    cluster = make_pg_cluster(standbys=1)
    primary, standby = cluster.primary, cluster.standbys[0]
    primary.query("CREATE TABLE events (id serial PRIMARY KEY, origin int NOT NULL)")
    insert = text("INSERT INTO events (origin) VALUES (inet_server_port()) RETURNING origin")
    engine = create_engine(cluster.multi_host_url(connect_timeout=2), pool_pre_ping=True, pool_size=2)
    plain = create_engine(cluster.multi_host_url(connect_timeout=2), pool_size=2)  # no pre-ping
    bouncer = make_pgbouncer(cluster, primary)
    via_bouncer = create_engine(bouncer.url(), connect_args=PgBouncer.SQLALCHEMY_CONNECT_ARGS)
    try:
        for eng in (engine, plain, via_bouncer):
            with eng.begin() as conn:
                assert conn.execute(insert).scalar_one() == primary.port
        cluster.wait_replayed(standby)

        crash = time.monotonic()
        cluster.stop(primary, "immediate")
        assert not port_open(primary.port)
        # No host is read-write now: new connections are refused (the standby is read-only).
        with pytest.raises(OperationalError, match="session is read-only"):
            with engine.connect():
                pass

        promote_s = cluster.promote(standby)

        # pool_pre_ping drops the dead pooled connection and reconnects to the new primary.
        with engine.begin() as conn:
            assert conn.execute(insert).scalar_one() == standby.port
        failover_s = time.monotonic() - crash
        # Without pre-ping the first use of a pooled connection fails once and the pool is
        # invalidated; the next transaction reconnects.
        with pytest.raises(OperationalError) as stale:
            with plain.begin() as conn:
                conn.execute(insert)
        assert stale.value.connection_invalidated
        with plain.begin() as conn:
            assert conn.execute(insert).scalar_one() == standby.port

        # PgBouncer 1.18 cannot choose a read-write host itself: point it at the new primary.
        bouncer.retarget(standby)
        with via_bouncer.begin() as conn:
            assert conn.execute(insert).scalar_one() == standby.port

        origins = [r[0] for r in standby.query("SELECT origin FROM events ORDER BY id")]
        assert origins == [primary.port] * 3 + [standby.port] * 3
        assert cluster.primary is standby and standby.in_recovery() is False
    finally:
        for eng in (engine, plain, via_bouncer):
            eng.dispose()
    _report(record_property, "promote", promote_s)
    _report(record_property, "crash_to_first_write", failover_s)


@pytest.mark.slow
def test_restarted_standby_catches_up_and_sql_promotion_of_a_paused_standby_keeps_its_wal(
    make_pg_cluster: Callable[..., PgCluster], record_property: RecordProperty
) -> None:
    cluster = make_pg_cluster(standbys=1)
    primary, standby = cluster.primary, cluster.standbys[0]
    primary.query("CREATE TABLE notes (id int PRIMARY KEY)")

    # A standby that was down resumes streaming on its old port and replays what it missed.
    cluster.stop(standby, "fast")
    primary.query("INSERT INTO notes VALUES (1)")
    cluster.start(standby)
    cluster.wait_streaming(standby)
    cluster.wait_replayed(standby)
    assert standby.scalar("SELECT count(*) FROM notes") == 1

    # Paused, it receives but does not apply; the primary stops cleanly (fast: all WAL sent).
    cluster.pause_replay(standby)
    primary.query("INSERT INTO notes VALUES (2)")
    lsn = cluster.current_lsn()
    wait_for(
        lambda: lsn_to_int(cluster.receive_lsn(standby) or "0/0") >= lsn_to_int(lsn),
        timeout=10,
        what="the standby to receive the second insert",
    )
    cluster.stop(primary, "fast")
    assert standby.scalar("SELECT count(*) FROM notes") == 1
    # Promotion ends the pause (PostgreSQL 14+) and applies the received WAL first. It takes
    # ~1 s longer than an unpaused one: paused recovery checks for promotion once a second.
    seconds = cluster.promote(standby, method="sql")
    assert standby.scalar("SELECT count(*) FROM notes") == 2
    assert standby.in_recovery() is False
    standby.query("INSERT INTO notes VALUES (3)")
    _report(record_property, "promote_sql_paused", seconds)


def test_close_stops_everything_and_removes_the_directory_after_a_failure(
    pg_binaries: PgBinaries, pgbouncer_binary: str
) -> None:
    with pytest.raises(RuntimeError, match="mid-test failure"):
        with PgCluster(pg_binaries, max_connections=20) as cluster:
            primary = cluster.start_primary()
            bouncer = cluster.add_pgbouncer(binary=pgbouncer_binary, max_client_conn=7)
            assert primary.scalar("SHOW max_connections") == "20"
            assert bouncer.show("CONFIG") and any(
                row["key"] == "max_client_conn" and row["value"] == "7" for row in bouncer.show("CONFIG")
            )
            pid, bouncer_process, base = primary.postmaster_pid(), bouncer.process, cluster.base
            ports = (primary.port, bouncer.port)
            raise RuntimeError("mid-test failure")
    assert pid is not None and bouncer_process is not None
    assert not base.exists()
    assert bouncer_process.poll() is not None
    assert not process_alive(pid)
    assert not any(port_open(p) for p in ports)
