"""`bench --only scale`: N headless consoles reading the primary vs a hot standby.

    .venv/bin/python -m tests.bench.scale_bench [--consoles 10,50]

A throw-away primary + streaming standby (tests/support/pgcluster.py). Each headless
console is a `Runtime` (the real feed hub; `read_url` = the standby in the standby rows)
whose listener reads a small snapshot (open alerts by county, through `Runtime.reads()`)
on every batch, all in this one process. A writer commits 50 alerts/s for `seconds`.
Measured per row: commit → snapshot read p95, the most connections the primary held for
the database, and the primary's CPU (all its server processes, in cores).

A delivery that arrives before the writer has noted its commit time (LISTEN on the primary
is often faster than that) is not counted: "deliveries" below the expected number are
those, not changes lost (tests/scale prove the feed complete). This is a first cut: the snapshot is not the wall's full `wall_snapshot` (no demo
territory is built), and N is limited by this one Python process (GIL) on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from services.store import changefeed, db, models
from services.store.runtime import Runtime
from tests.bench.table import BenchRow, format_table
from tests.scale.replica_support import alert, migrate
from tests.support.pgcluster import PgCluster, PgNode

RATE = 50.0
P95_TARGET_MS = 500.0
PRIMARY_CONN_TARGET = 20


def _cpu_seconds(node: PgNode) -> float:
    """utime + stime of the node's postmaster and its children (Linux /proc)."""
    root = node.postmaster_pid()
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root or ppid == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _one(cluster: PgCluster, name: str, primary_url: str, standby_url: str, n: int,
         on_standby: bool, seconds: float) -> list[BenchRow]:  # fmt: skip
    committed: dict[int, float] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    consoles = [
        Runtime(primary_url, pool_size=1, read_url=standby_url if on_standby else None, read_pool_size=1)
        for _ in range(n)
    ]

    def listener(rt: Runtime):  # type: ignore[no-untyped-def]
        def on_changes(batch: list[changefeed.Change]) -> None:
            with rt.reads().connect() as conn:
                conn.execute(select(models.RiskAlert.county_code, func.count())
                             .where(models.RiskAlert.status == "open")
                             .group_by(models.RiskAlert.county_code)).all()  # fmt: skip
            now = time.perf_counter()
            with lock:
                for c in batch:
                    at = committed.get(c.entity_id)
                    if at is not None:
                        latencies.append(now - at)

        return on_changes

    for rt in consoles:
        rt.hub.listen({"risk_alert"}, listener(rt))
    writer = db.make_engine(primary_url)
    factory = db.session_factory(writer)
    peak_conns = 0
    cpu0, t0 = _cpu_seconds(cluster.primary), time.perf_counter()
    deadline = t0 + seconds
    k = 0
    while time.perf_counter() < deadline:
        with db.transaction(factory) as s:
            a = alert(f"b{k}")
            s.add(a)
            s.flush()
            aid = a.id
        with lock:
            committed[aid] = time.perf_counter()
        k += 1
        if k % 25 == 0:
            peak_conns = max(peak_conns, int(cluster.primary.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))))  # fmt: skip
        time.sleep(max(0.0, t0 + k / RATE - time.perf_counter()))
    wrote_for = time.perf_counter() - t0
    time.sleep(1.0)  # the last batches arrive
    cpu = (_cpu_seconds(cluster.primary) - cpu0) / (time.perf_counter() - t0)
    for rt in consoles:
        rt.close()
    writer.dispose()
    where = "standby" if on_standby else "primary"
    lat = sorted(latencies)
    p95 = lat[int(len(lat) * 0.95)] * 1000 if lat else float("nan")
    expected = k * n
    note = (f"{n} consoles reading the {where}, {k / wrote_for:.0f} commits/s achieved (asked {RATE:g}) "
            f"for {seconds:g} s; "
            f"{len(lat)}/{expected} deliveries, p50 {statistics.median(lat) * 1000 if lat else float('nan'):.0f} ms")  # fmt: skip
    return [
        BenchRow(f"scale.commit_to_snapshot_p95.{where}.{n}", p95, "ms", P95_TARGET_MS, note=note),
        BenchRow(f"scale.primary_connections.{where}.{n}", float(peak_conns), "conn", PRIMARY_CONN_TARGET,
                 note="peak in pg_stat_activity for the database (writer included)"),  # fmt: skip
        BenchRow(f"scale.primary_cpu.{where}.{n}", cpu, "cores", 1.0,
                 note="the primary's server processes"),  # fmt: skip
    ]


def run(consoles: tuple[int, ...] = (10, 50), seconds: float = 10.0) -> list[BenchRow]:
    """The scale rows, primary and standby side by side for each N, in one cluster."""
    rows: list[BenchRow] = []
    with PgCluster(max_connections=max(consoles) * 4 + 40) as cluster:
        cluster.start_primary()
        cluster.add_standby()
        for n in consoles:
            for on_standby in (False, True):
                name = f"scale_{n}_{int(on_standby)}"
                cluster.create_database(name)
                primary_url, standby_url = migrate(cluster, name)
                rows += _one(cluster, name, primary_url, standby_url, n, on_standby, seconds)
                cluster.drop_database(name)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--consoles", default="10,50", help="comma-separated N")
    p.add_argument("--seconds", type=float, default=10.0)
    args = p.parse_args()
    print(format_table(run(tuple(int(x) for x in args.consoles.split(",")), args.seconds)))


if __name__ == "__main__":
    main()
