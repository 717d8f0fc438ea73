"""`bench --only scale`: N headless consoles reading the primary vs a hot standby.

    .venv/bin/python -m tests.bench.scale_bench [--consoles 10,50,100,200] [--seconds 20]

A throw-away primary + streaming standby (tests/support/pgcluster.py) with a small demo
territory built once. Each headless console is a `Runtime` (the real feed hub; `read_url` =
the standby in the standby rows) whose wall lane reads the real `services.wall`
`wall_snapshot` of its region after each batch of incident changes, by the wall's own
rules (ui/wall/live.py `LiveState`): a change scoped outside the region's feed scopes is
not read for (`services.wall.regions.can_touch`), and above `BUSY_RATE` relevant changes a
second a read waits `BUSY_GAP` after the previous one, and `BUSY_BATCHES` the same by
commits (`services.store.hub.BurstGate`). The
latency is taken over the changes a console reads for: those of its own region.

The consoles are spread as a province's are: centers at every level, several consoles
(wall and desks) per center, the coarse levels heavier per center: `SPREAD` gives each
level's share of the N consoles, dealt round-robin over that level's regions of the demo.
The consoles are split across worker processes (one per core and more), so the GIL of one
process is not the limit. A writer (the province's duty account, `report_in`, as the
simulator does) files reports at 50 events/s on grid cells drawn across the territory.

Measured per row: change → snapshot p95 (from the change row's time, written in its
transaction, to the end of the snapshot read that shows it), the most connections the
primary held for the database, the primary's CPU, and per snapshot the CPU of the server
that answered it (its backends) and of the consoles' own Python: on this machine all
consoles share its cores, where real ones each have their own.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import threading
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services import accounts, demo, incidents
from services import wall as wall_queries
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import changefeed, db, models
from services.store.hub import BurstGate
from services.store.runtime import Runtime
from services.wall.regions import can_touch
from tests.bench.table import BenchRow, format_table
from tests.scale.replica_support import migrate
from tests.support.pgcluster import PgCluster, PgNode
from ui.wall.live import LiveState

RATE = 50.0
P95_TARGET_MS = 500.0
PRIMARY_CONN_TARGET = 20
PROCESSES = 4
SERVER_MS_TARGET = 20.0  # 200 consoles reading once a second on a 4-core standby
CONSOLE_MS_TARGET = 250.0  # a quarter of a console's core at one read a second
SPREAD = (("province", 0.05), ("city", 0.15), ("county", 0.30), ("township", 0.50))
"""Each level's share of the consoles (the rest of a rounding goes to the townships)."""


def regions_for(levels: dict[str, list[str]], n: int) -> list[str]:
    """The regions N consoles show: each level's share of N, round-robin over its regions."""
    out: list[str] = []
    for level, share in SPREAD:
        codes = levels.get(level) or []
        k = n - len(out) if level == SPREAD[-1][0] else round(n * share)
        out += [codes[i % len(codes)] for i in range(k)] if codes else []
    return out[:n]


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
    wall snapshot by the wall's rules (its region's changes only, the burst gate)."""

    def __init__(self, primary_url: str, read_url: str | None, adcode: str, stop: threading.Event) -> None:
        self.rt = Runtime(primary_url, pool_size=1, read_url=read_url, read_pool_size=1)
        self.adcode, self.stop = adcode, stop
        self.scopes: frozenset[str] | None = None
        self.pending: list[changefeed.Change] = []
        self.batches = 0  # batches with changes of the region since the lane took them
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.latencies: list[float] = []
        self.reads = 0
        self.ignored = 0
        self.rt.hub.listen({"incident"}, self._on_changes)
        self.thread = threading.Thread(target=self._lane, daemon=True)
        self.thread.start()

    def _on_changes(self, batch: list[changefeed.Change]) -> None:
        mine = [c for c in batch if can_touch(self.scopes, c.scope)]
        with self.lock:
            self.ignored += len(batch) - len(mine)
            self.pending.extend(mine)
            self.batches += 1 if mine else 0
        if mine:
            self.wake.set()

    def _read(self) -> None:
        snap = wall_queries.wall_snapshot(self.rt.reads(), self.adcode, scopes=self.scopes is None)
        if snap.feed_scopes is not None:
            self.scopes = snap.feed_scopes
        self.reads += 1

    def _lane(self) -> None:
        gate = BurstGate(LiveState.BUSY_RATE, LiveState.BUSY_GAP)
        count, window, gap = LiveState.BUSY_BATCHES
        commits = BurstGate(count, gap, window)
        self._read()  # the wall's first read: its region's scopes come with it
        last = time.monotonic()
        while not self.stop.is_set():
            self.wake.wait(0.25)
            self.wake.clear()
            with self.lock:
                batch, self.pending = self.pending, []
                batches, self.batches = self.batches, 0
            if not batch:
                continue
            now = time.monotonic()
            gate.note(now, len(batch))
            commits.note(now, batches)
            ready_at = last + max(gate.min_gap(now), commits.min_gap(now))
            if now < ready_at:
                self.stop.wait(ready_at - now)
                with self.lock:
                    batch, self.pending = batch + self.pending, []
            last = time.monotonic()
            self._read()
            done = time.time()
            self.latencies.extend(done - c.at.replace(tzinfo=UTC).timestamp() for c in batch)

    def close(self) -> None:
        self.thread.join(5)
        self.rt.close()


def _process(primary_url: str, read_url: str | None, adcodes: list[str], seconds: float,
             ready: Any, go: Any, out: Any) -> None:  # fmt: skip
    stop = threading.Event()
    consoles = [_Console(primary_url, read_url, code, stop) for code in adcodes]
    ready.put(len(consoles))
    go.wait()
    cpu0 = sum(os.times()[:2])
    time.sleep(seconds + 2.0)  # the last batches arrive
    stop.set()
    for c in consoles:
        c.close()
    cpu = sum(os.times()[:2]) - cpu0
    fallbacks = sum(c.rt.router.fallbacks for c in consoles)
    out.put(([x for c in consoles for x in c.latencies], sum(c.reads for c in consoles), cpu,
             fallbacks, sum(c.ignored for c in consoles), sum(len(c.pending) for c in consoles)))  # fmt: skip


def _write(primary_url: str, seconds: float, cluster: PgCluster, name: str) -> tuple[int, float, int]:
    """Reports at RATE/s for `seconds`: (filed, seconds taken, peak primary connections)."""
    engine = db.make_engine(primary_url)
    factory = db.session_factory(engine)
    policy = Policies.defaults().incidents
    with Session(engine) as s:
        cells = s.scalars(select(models.GridCell).order_by(models.GridCell.id)).all()
        actor = accounts.actor_for(s, f"{cells[0].province_code}.duty")
        grid_ids = [c.id for c in cells]
    draw = random.Random(17)
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
            category="safety_hazard", description=f"压测 {k}", grid_id=draw.choice(grid_ids)), policy=policy)  # fmt: skip
        k += 1
        time.sleep(max(0.0, t0 + k / RATE - time.perf_counter()))
    done.set()
    sampler.join(5)
    taken = time.perf_counter() - t0
    engine.dispose()
    return k, taken, peak


def _one(cluster: PgCluster, name: str, primary_url: str, standby_url: str,
         levels: dict[str, list[str]], n: int, on_standby: bool, seconds: float,
         ) -> list[BenchRow]:  # fmt: skip
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    shown = regions_for(levels, n)
    procs = [ctx.Process(target=_process, args=(primary_url, standby_url if on_standby else None,
                                                shown[i::PROCESSES], seconds, ready, go, out))
             for i in range(min(PROCESSES, n))]  # fmt: skip
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    server = cluster.standbys[0] if on_standby else cluster.primary
    cpu0, t0 = _cpu_seconds(cluster.primary), time.perf_counter()
    read0 = _cpu_seconds(server)
    go.set()
    filed, taken, peak = _write(primary_url, seconds, cluster, name)
    results = [out.get(timeout=120) for _ in procs]
    read_cpu = _cpu_seconds(server) - read0
    cpu = (_cpu_seconds(cluster.primary) - cpu0) / (time.perf_counter() - t0)
    for p in procs:
        p.join(30)
    lat = sorted(x for r in results for x in r[0])
    reads = sum(r[1] for r in results)
    client_cpu = sum(r[2] for r in results)
    fallbacks = sum(r[3] for r in results)
    ignored = sum(r[4] for r in results)
    unread = sum(r[5] for r in results)
    where = "standby" if on_standby else "primary"
    mix = ", ".join(f"{lv} {sum(1 for c in shown if c in set(levels.get(lv, [])))}"
                    for lv, _ in SPREAD)  # fmt: skip
    p95 = lat[int(len(lat) * 0.95)] * 1000 if lat else float("nan")
    note = (f"{n} consoles reading the {where} in {len(procs)} processes, {filed / taken:.0f} events/s"
            f" for {seconds:g} s; {len(lat)} changes read for, {unread} still waiting at the end"
            f" ({ignored} of other regions not read for),"
            f" {reads} snapshots,"
            f" p50 {statistics.median(lat) * 1000 if lat else float('nan'):.0f} ms; consoles by"
            f" level: {mix}; {fallbacks} reads fell back to the primary (lag, or the"
            f" standby not answering)")  # fmt: skip
    per = max(reads, 1)
    return [
        BenchRow(f"scale.commit_to_snapshot_p95.{where}.{n}", p95, "ms", P95_TARGET_MS, note=note),
        BenchRow(f"scale.primary_connections.{where}.{n}", float(peak), "conn", PRIMARY_CONN_TARGET,
                 note="peak in pg_stat_activity for the database (writer included)"),  # fmt: skip
        BenchRow(f"scale.primary_cpu.{where}.{n}", cpu, "cores", 1.0,
                 note="the primary's server processes"),  # fmt: skip
        BenchRow(f"scale.server_cpu_per_snapshot.{where}.{n}", read_cpu / per * 1000, "ms",
                 SERVER_MS_TARGET, note=f"CPU of the {where}'s server per snapshot it answered"
                 f" ({reads}); target: 200 consoles at 1 read/s on 4 cores"),  # fmt: skip
        BenchRow(f"scale.console_cpu_per_snapshot.{where}.{n}", client_cpu / per * 1000, "ms",
                 CONSOLE_MS_TARGET, note="the consoles' own Python per snapshot (all on this"
                 " machine's cores; a real console has its own)"),  # fmt: skip
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
            r = models.Region
            levels: dict[str, list[str]] = {}
            for code, level in s.execute(select(r.adcode, r.level).order_by(r.adcode)):
                levels.setdefault(level, []).append(code)
        admin.dispose()
        cluster.wait_all_replayed()
        for n in consoles:
            for on_standby in (False, True):
                rows += _one(cluster, name, primary_url, standby_url, levels, n, on_standby,
                             seconds)
                print(format_table(rows[-5:]), flush=True)
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--consoles", default="10,50,100,200", help="comma-separated N")
    p.add_argument("--seconds", type=float, default=20.0)
    args = p.parse_args()
    print(format_table(run(tuple(int(x) for x in args.consoles.split(",")), args.seconds)))


if __name__ == "__main__":
    main()
