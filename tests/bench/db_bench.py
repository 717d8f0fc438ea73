"""Benchmarks of the data layer (`db.*`, `feed.*` rows of `console.py bench`).

Each function measures on real databases built for the purpose and returns BenchRows.
Nothing here is a test: targets are compared, not asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from services import demo
from services import wall as wall_queries
from services.store import changefeed, db, models
from tests.bench.table import BenchRow

PG_ADMIN = os.environ.get("CONSOLE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[2]

FEED_WRITER = """
import sys, time
from services.store import db, models
eng = db.make_engine(sys.argv[1])
f = db.session_factory(eng)
for k in range(int(sys.argv[2])):
    with db.transaction(f) as s:
        s.add(models.RiskAlert(domain="fire", level="blue", county_code="bench",
              raised_at=models.utcnow(), status="open", rule="bench", text=str(time.time())))
    time.sleep(float(sys.argv[3]))
"""


def pg_database(name: str) -> str | None:
    """URL of a fresh PostgreSQL database `name`, or None when the server is unreachable."""
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL rows are skipped
        return None
    return admin.url.set(database=name).render_as_string(hide_password=False)


def build(url: str, grids: int) -> float:
    """Build the demo at `grids` cells into `url`; seconds taken."""
    eng = db.make_engine(url)
    db.upgrade(eng)
    t0 = time.perf_counter()
    demo.build_demo(eng, demo.DemoOptions(grids=grids, seed=7), force=True)
    eng.dispose()
    return time.perf_counter() - t0


def _timed(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def _timed_side_by_side(*fns: Callable[[], object], repeat: int = 7) -> list[float]:
    """Median seconds of each call, the calls taken in turn (the same load for each)."""
    for fn in fns:
        fn()  # warm
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, samples, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return [statistics.median(s) for s in samples]


def grid_counts_30d(engine: Engine, backend: str) -> list[BenchRow]:
    """The map's per-cell counts for the whole province over the wall's 30-day window
    (from the per-cell counters), and, side by side, the same read from an instant that
    is not the window's start (the covering-index scan every read made before)."""
    with engine.connect() as conn:
        province = wall_queries.region_by_code(conn, wall_queries.root_region_code(engine))
    window = wall_queries.Clock.at(models.utcnow(), "Asia/Shanghai").start30
    scan_since = window + timedelta(microseconds=1)
    counted, scanned = _timed_side_by_side(
        lambda: wall_queries.grid_counts(engine, province, window),
        lambda: wall_queries.grid_counts(engine, province, scan_since),
    )
    return [
        BenchRow(f"db.grid_counts_30d.{backend}", counted * 1000, "ms", 80,
                 note="incidents per grid cell, whole province, 30 days (per-cell counters)"),
        BenchRow(f"db.grid_counts_30d_scan.{backend}", scanned * 1000, "ms", 100,
                 note="the same from any other instant: covering-index scan"),
    ]  # fmt: skip


def wall_snapshot_time(engine: Engine, backend: str) -> BenchRow:
    root = wall_queries.root_region_code(engine)
    seconds = _timed(lambda: wall_queries.wall_snapshot(engine, root), repeat=5)
    return BenchRow(f"db.wall_snapshot.{backend}", seconds * 1000, "ms", 250,
                    note="every count the province wall shows, one read")  # fmt: skip


def feed_latency(url: str, backend: str, n: int = 200, gap: float = 0.01) -> BenchRow:
    """Commit in another process → change received by a subscriber here (p95)."""
    engine = db.make_engine(url)
    sub = changefeed.Subscription(engine, poll_interval=1.0)
    latencies: list[float] = []
    done = threading.Event()

    def listen() -> None:
        while not done.is_set() and len(latencies) < n:
            for change in sub.next_batch(timeout=0.5):
                if change.entity == "risk_alert":
                    latencies.append(
                        (models.utcnow() - change.at).total_seconds()
                    )

    reader = threading.Thread(target=listen)
    reader.start()
    subprocess.run([sys.executable, "-c", FEED_WRITER, url, str(n), str(gap)], cwd=ROOT,
                   check=True, timeout=300)  # fmt: skip
    reader.join(timeout=30)
    done.set()
    sub.close()
    engine.dispose()
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("inf")
    target = 50 if backend == "postgresql" else 250
    return BenchRow(f"feed.latency_p95.{backend}", p95, "ms", target,
                    note=f"commit in another process → subscriber, n={len(latencies)}")  # fmt: skip


def run(grids: int = 109_000, only: str | None = None) -> list[BenchRow]:
    """The db.* and feed.* rows: demo build at `grids`, counts and feed on both backends."""
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seconds = build(sqlite_url, grids)
        if only in (None, "db"):
            rows.append(BenchRow(f"db.demo_build_{grids // 1000}k.sqlite", seconds, "s", 180,
                                 note=f"{grids} cells, 30 days of incidents"))  # fmt: skip
        targets = [("sqlite", sqlite_url)]
        pg_url = pg_database("console_bench")
        if pg_url is not None:
            pg_seconds = build(pg_url, grids)
            if only in (None, "db"):
                rows.append(BenchRow(f"db.demo_build_{grids // 1000}k.postgresql", pg_seconds,
                                     "s", 180, note=f"{grids} cells"))  # fmt: skip
            targets.append(("postgresql", pg_url))
        for backend, url in targets:
            engine = db.make_engine(url)
            if only in (None, "db"):
                rows += grid_counts_30d(engine, backend)
                rows.append(wall_snapshot_time(engine, backend))
            engine.dispose()
            if only in (None, "feed"):
                rows.append(feed_latency(url, backend))
    return rows
