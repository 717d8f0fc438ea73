"""A console's database side through PgBouncer in transaction pooling mode
(`database.pooled = true`): no server-side prepared statements, the feed's LISTEN on a
direct connection (`database.direct_url`), many more client transactions than server
connections."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from services.clock import DEPLOYMENT_LOCK_KEY
from services.store import changefeed, models
from services.store.db import transaction
from services.store.runtime import Runtime
from tests.scale.replica_support import SCALE_ROLES, alert, migrate
from tests.support.fixtures import PgDatabase
from tests.support.pgcluster import PgBouncer, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_consoles_writes_reads_and_feed_work_through_pgbouncer_in_transaction_mode(
    pg_db: PgDatabase, make_pgbouncer: Callable[..., PgBouncer]
) -> None:
    direct_url, _ = migrate(pg_db.cluster, pg_db.name)
    bouncer = make_pgbouncer(pg_db.cluster, pool_mode="transaction", default_pool_size=2,
                             users=("postgres", SCALE_ROLES.app))  # fmt: skip
    url = bouncer.url(pg_db.name, user=SCALE_ROLES.app)
    rt = Runtime(url, pooled=True, direct_url=direct_url, application="sgcc-console-pooled")
    other = Runtime(url, pooled=True, direct_url=direct_url)  # a second console, same pooler
    got: list[changefeed.Change] = []
    lock = threading.Lock()

    def on_changes(batch: list[changefeed.Change]) -> None:
        with lock:
            got.extend(batch)

    errors: list[BaseException] = []

    def officer(n: int) -> None:
        factory = (rt if n % 2 else other).factory(f"officer{n}")
        try:
            for k in range(15):  # the same statements again and again: psycopg would prepare
                with transaction(factory) as s:
                    s.add(alert(f"p{n}.{k}"))
                with factory() as s:
                    assert s.scalar(select(func.count()).where(models.RiskAlert.text == f"p{n}.{k}")) == 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        # The setting reaches psycopg (test_harness shows the default breaks through PgBouncer).
        raw = rt.engine.raw_connection()
        try:
            assert raw.driver_connection.prepare_threshold is None  # type: ignore[union-attr]
        finally:
            raw.close()
        rt.hub.listen(None, on_changes)
        # Four client connections take turns on two server connections.
        threads = [threading.Thread(target=officer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors[0]
        want = changefeed.read_after(rt.engine, 0, limit=10**6)
        assert len(want) == 60
        wait_for(lambda: len(got) >= len(want), timeout=15, what="the feed to deliver every change")
        assert [c.seq for c in got] == [c.seq for c in want]
        # The LISTEN is on the primary itself, not behind the pooler.
        listeners = pg_db.primary.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'LISTEN%%'"
            " AND application_name = 'sgcc-console-pooled'", (pg_db.name,),
        )  # fmt: skip
        assert listeners == 1
        pools = [p for p in bouncer.show("POOLS") if p["database"] == pg_db.name and p["user"] == SCALE_ROLES.app]
        assert pools and all(int(p["sv_active"]) + int(p["sv_idle"]) + int(p["sv_used"]) <= 2 for p in pools)
    finally:
        rt.close()
        other.close()


def test_clock_all_through_pgbouncer_holds_its_lock_on_the_direct_url(
    pg_db: PgDatabase, make_pgbouncer: Callable[..., PgBouncer], tmp_path: Path
) -> None:
    """The jobs' engine goes through the pooler, the advisory lock on `database.direct_url`
    (through a transaction-mode pooler a session lock would be lost with the transaction)."""
    direct_url, _ = migrate(pg_db.cluster, pg_db.name)
    with pg_db.primary.connect(pg_db.name) as conn:
        conn.execute("INSERT INTO region (adcode, name, level, parent_id, path, population)"
                     " VALUES ('990000', '测试省', 'province', NULL, '/990000/', 0)")  # fmt: skip
    bouncer = make_pgbouncer(pg_db.cluster, pool_mode="transaction", default_pool_size=2,
                             users=("postgres", SCALE_ROLES.app))  # fmt: skip
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[database]\nurl = "{bouncer.url(pg_db.name, user=SCALE_ROLES.app)}"\n'
                   f'pooled = true\ndirect_url = "{direct_url}"\n')  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_")}
    env["CONSOLE_CONFIG"] = str(cfg)
    log = tmp_path / "clock.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "console.py"), "clock", "--all"],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT, env=env)  # fmt: skip
    try:
        wait_for(lambda: "leading this deployment's clock" in log.read_text(), timeout=30,
                 what="the clock to lead")  # fmt: skip
        holder_port = pg_db.primary.scalar(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s AND a.datname = %s",
            (DEPLOYMENT_LOCK_KEY, pg_db.name),
        )  # fmt: skip
        assert holder_port is not None
        bouncer_ports = {int(s["local_port"]) for s in bouncer.show("SERVERS")}
        assert bouncer_ports, "the jobs did not go through the pooler"
        assert holder_port not in bouncer_ports  # the lock is on the direct connection
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(15)
    assert proc.returncode == 0, log.read_text()
