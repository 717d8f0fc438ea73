"""`bench --only scale`: N headless consoles reading the primary vs a hot standby.

    .venv/bin/python -m tests.bench.scale_bench [--consoles 10,50,100,200] [--seconds 20]

A throw-away primary + streaming standby (tests/support/pgcluster.py) with a small demo
territory built once. Each headless console is a `Runtime` (the real feed hub; `read_url` =
the standby in the standby rows) whose wall lane reads the real `services.wall`
`wall_snapshot` of the demo's root after each batch of incident changes, coalesced as the
wall's worker does (ui/wall/live.py: above 20 changes/s at most one read a second). The
consoles are split across worker processes (one per core and more), so the GIL of one
process is not the limit. A writer files reports as the simulator does (`report_in`) at
50 events/s. Measured per row: change → snapshot p95 (from the change row's time, written
in its transaction, to the end of the snapshot read that shows it), the most connections
the primary held for the database, and the primary's CPU (its server processes, cores).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import threading
import time
from collections import deque
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services import accounts, demo, incidents
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import changefeed, db, models
from services.store.runtime import Runtime
from services.wall import queries as wall_queries
from tests.bench.table import BenchRow, format_table
from tests.scale.replica_support import migrate
from tests.support.pgcluster import PgCluster, PgNode

RATE = 50.0
P95_TARGET_MS = 500.0
PRIMARY_CONN_TARGET = 20
BUSY_RATE, BUSY_GAP = 20, 1.0  # as the wall's worker (ui/wall/live.py)
PROCESSES = 4


def _cpu_seconds(node: PgNode) -> float:
    """CPU seconds of the node's server: the postmaster's own and its reaped children's
    (cutime/cstime: backends that ended), plus the live children's (Linux /proc)."""
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
        if pid == root:
            total += sum(int(f) for f in fields[11:15]) / tick
        elif ppid == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class _Console:
    """One headless console: its hub hands incident changes to a wall lane that reads the
    wall snapshot, coalesced like the wall's worker."""

    def __init__(self, primary_url: str, read_url: str | None, adcode: str, stop: threading.Event) -> None:
        self.rt = Runtime(primary_url, pool_size=1, read_url=read_url, read_pool_size=1)
        self.adcode, self.stop = adcode, stop
        self.pending: list[changefeed.Change] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.latencies: list[float] = []
        self.reads = 0
        self.rt.hub.listen({"incident"}, self._on_changes)
        self.thread = threading.Thread(target=self._lane, daemon=True)
        self.thread.start()

    def _on_changes(self, batch: list[changefeed.Change]) -> None:
        with self.lock:
            self.pending.extend(batch)
        self.wake.set()

    def _lane(self) -> None:
        recent: deque[tuple[float, int]] = deque()
        last = 0.0
        while not self.stop.is_set():
            self.wake.wait(0.25)
            self.wake.clear()
            with self.lock:
                batch, self.pending = self.pending, []
            if not batch:
                continue
            now = time.monotonic()
            recent.append((now, len(batch)))
            while recent and recent[0][0] < now - 1.0:
                recent.popleft()
            if sum(n for _, n in recent) > BUSY_RATE and now - last < BUSY_GAP:
                self.stop.wait(BUSY_GAP - (now - last))
                with self.lock:
                    batch, self.pending = batch + self.pending, []
            last = time.monotonic()
            wall_queries.wall_snapshot(self.rt.reads(), self.adcode)
            self.reads += 1
            done = time.time()
            self.latencies.extend(done - c.at.replace(tzinfo=UTC).timestamp() for c in batch)

    def close(self) -> None:
        self.thread.join(5)
        self.rt.close()


def _process(primary_url: str, read_url: str | None, adcode: str, n: int, seconds: float,
             ready: Any, go: Any, out: Any) -> None:  # fmt: skip
    stop = threading.Event()
    consoles = [_Console(primary_url, read_url, adcode, stop) for _ in range(n)]
    ready.put(n)
    go.wait()
    time.sleep(seconds + 2.0)  # the last batches arrive
    stop.set()
    for c in consoles:
        c.close()
    out.put(([x for c in consoles for x in c.latencies], sum(c.reads for c in consoles)))


def _write(primary_url: str, seconds: float, cluster: PgCluster, name: str) -> tuple[int, float, int]:
    """Reports at RATE/s for `seconds`: (filed, seconds taken, peak primary connections)."""
    engine = db.make_engine(primary_url)
    factory = db.session_factory(engine)
    policy = Policies.defaults().incidents
    with Session(engine) as s:
        cell = s.scalars(select(models.GridCell).order_by(models.GridCell.id).limit(1)).one()
        actor = accounts.actor_for(s, f"{cell.township_code}.duty")
        grid_id = cell.id
    peak, k, t0 = 0, 0, time.perf_counter()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.5):
            peak = max(peak, int(cluster.primary.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))))  # fmt: skip

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    while time.perf_counter() < t0 + seconds:
        incidents.report_in(factory, actor, NewIncident(
            category="safety_hazard", description=f"压测 {k}", grid_id=grid_id), policy=policy)  # fmt: skip
        k += 1
        time.sleep(max(0.0, t0 + k / RATE - time.perf_counter()))
    done.set()
    sampler.join(5)
    taken = time.perf_counter() - t0
    engine.dispose()
    return k, taken, peak


def _one(cluster: PgCluster, name: str, primary_url: str, standby_url: str, adcode: str, n: int,
         on_standby: bool, seconds: float) -> list[BenchRow]:  # fmt: skip
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    shares = [n // PROCESSES + (1 if i < n % PROCESSES else 0) for i in range(PROCESSES)]
    procs = [ctx.Process(target=_process, args=(primary_url, standby_url if on_standby else None,
                                                adcode, m, seconds, ready, go, out))
             for m in shares if m]  # fmt: skip
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    cpu0, t0 = _cpu_seconds(cluster.primary), time.perf_counter()
    go.set()
    filed, taken, peak = _write(primary_url, seconds, cluster, name)
    results = [out.get(timeout=120) for _ in procs]
    cpu = (_cpu_seconds(cluster.primary) - cpu0) / (time.perf_counter() - t0)
    for p in procs:
        p.join(30)
    lat = sorted(x for r in results for x in r[0])
    reads = sum(r[1] for r in results)
    where = "standby" if on_standby else "primary"
    p95 = lat[int(len(lat) * 0.95)] * 1000 if lat else float("nan")
    note = (f"{n} consoles reading the {where} in {len(procs)} processes, {filed / taken:.0f} events/s"
            f" for {seconds:g} s; {len(lat)}/{filed * n} changes shown, {reads} snapshots,"
            f" p50 {statistics.median(lat) * 1000 if lat else float('nan'):.0f} ms")  # fmt: skip
    return [
        BenchRow(f"scale.commit_to_snapshot_p95.{where}.{n}", p95, "ms", P95_TARGET_MS, note=note),
        BenchRow(f"scale.primary_connections.{where}.{n}", float(peak), "conn", PRIMARY_CONN_TARGET,
                 note="peak in pg_stat_activity for the database (writer included)"),  # fmt: skip
        BenchRow(f"scale.primary_cpu.{where}.{n}", cpu, "cores", 1.0,
                 note="the primary's server processes"),  # fmt: skip
    ]


def run(consoles: tuple[int, ...] = (10, 50, 100, 200), seconds: float = 20.0) -> list[BenchRow]:
    """The scale rows, primary and standby side by side for each N, in one cluster and one
    demo database (built once)."""
    rows: list[BenchRow] = []
    name = "scale"
    with PgCluster(max_connections=max(consoles) * 3 + 40) as cluster:
        cluster.start_primary()
        cluster.add_standby()
        cluster.create_database(name)
        primary_url, standby_url = migrate(cluster, name)
        admin = db.make_engine(cluster.url(cluster.primary, name))
        demo.build_demo(admin, demo.DemoOptions(grids=300, seed=5))
        with Session(admin) as s:
            cell = s.scalars(select(models.GridCell).order_by(models.GridCell.id).limit(1)).one()
            adcode = cell.province_code
        admin.dispose()
        cluster.wait_all_replayed()
        for n in consoles:
            for on_standby in (False, True):
                rows += _one(cluster, name, primary_url, standby_url, adcode, n, on_standby, seconds)
                print(format_table(rows[-3:]), flush=True)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--consoles", default="10,50,100,200", help="comma-separated N")
    p.add_argument("--seconds", type=float, default=20.0)
    args = p.parse_args()
    print(format_table(run(tuple(int(x) for x in args.consoles.split(",")), args.seconds)))


if __name__ == "__main__":
    main()
