"""A big import beside an officer's console: does anyone wait, and does the feed hold?

    .venv/bin/python -m tests.bench.feed_bench [--rows 50000] [--backend sqlite|postgresql]

For each backend: the test demo (1,500 cells), a subscriber started first, a writer process
filing and handling cases every 50 ms (tests.support.feedload), and `console.py import
incidents` of a generated file as another process. Prints a table: the import's duration,
the writer's longest wait, the longest commit of a `--rows`-sized transaction (on
PostgreSQL an upper bound of the feed lock's hold time: the numbering happens inside it),
and the feed's latency (commit in another process → subscriber, p95).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from services import demo
from services.store import changefeed, db, models
from tests.bench import db_bench
from tests.bench.table import BenchRow, format_table
from tests.support import feedload

ROOT = Path(__file__).resolve().parents[2]


def _demo(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    demo.build_demo(engine, demo.DemoOptions(grids=1500, seed=11))
    return engine


def _commit_time(engine: Engine, rows: int) -> float:
    """Seconds to COMMIT a transaction shaped like an import of `rows` incidents: 2 × rows
    change rows and `rows` audit rows. On PostgreSQL this is the commit step (digest, then
    under the feed lock: numbering and the seal) plus the WAL flush: it bounds the lock's
    hold time from above."""
    from services.store import audit

    now = models.utcnow()
    changes = [{"at": now, "entity": "bench", "entity_id": k, "op": "insert", "scope": ""}
               for k in range(2 * rows)]  # fmt: skip
    audits = audit.hash_rows([{"at": now, "actor": "bench", "action": "bench", "entity": "bench",
                               "entity_id": k} for k in range(rows)])  # fmt: skip
    factory = db.session_factory(engine)
    with factory() as s:
        s.execute(insert(models.ChangeRecord), changes)
        s.execute(insert(models.AuditLog), audit.bulk_rows(s, audits))
        t0 = time.perf_counter()
        s.commit()
        return time.perf_counter() - t0


def numbering_time(engine: Engine, changes: int) -> float:
    """PostgreSQL: seconds of the commit step for a transaction of `changes` change rows,
    fired early (SET CONSTRAINTS ... IMMEDIATE) and rolled back: the feed lock's hold time
    before the commit itself (which adds the WAL flush)."""
    now = models.utcnow()
    rows = [{"at": now, "entity": "bench", "entity_id": k, "op": "insert", "scope": ""}
            for k in range(changes)]  # fmt: skip
    with engine.connect() as conn:
        conn.execute(insert(models.ChangeRecord), rows)
        t0 = time.perf_counter()
        conn.execute(text("SET CONSTRAINTS feed_commit_step IMMEDIATE"))
        seconds = time.perf_counter() - t0
        conn.rollback()
    return seconds


def run_backend(backend: str, url: str, rows: int, work: Path) -> list[BenchRow]:
    engine = _demo(url)
    fresh = db_bench.feed_latency(url, backend, n=100)
    fresh = BenchRow(fresh.measure.replace("latency_p95", "latency_p95_fresh"), fresh.value,
                     fresh.unit, fresh.target, note=fresh.note + ", before the import")
    file = work / f"import-{backend}.csv"
    feedload.write_import_file(engine, file, rows, prefix=f"B{int(time.time())}")
    sub = changefeed.Subscription(engine, poll_interval=0.5)
    seen: list[changefeed.Change] = []
    stop_reading = threading.Event()

    def read() -> None:
        while not stop_reading.is_set():
            seen.extend(sub.next_batch(timeout=0.2))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    stop, out = work / f"stop-{backend}", work / f"writer-{backend}.json"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.support.feedload", "writer", url, str(stop), str(out)],
        cwd=ROOT,
    )
    start_head = changefeed.head(engine)
    deadline = time.monotonic() + 60
    while changefeed.head(engine) <= start_head and time.monotonic() < deadline:
        time.sleep(0.05)  # until the writer's first commit shows
    t0 = time.perf_counter()
    imp = subprocess.run(
        [sys.executable, "console.py", "--db", url, "import", "incidents", str(file)],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    import_s = time.perf_counter() - t0
    time.sleep(1.0)  # let the writer go on a moment after the import
    stop.touch()
    if writer.wait(timeout=120) != 0:
        stop_reading.set()
        raise RuntimeError(f"the writer failed (exit {writer.returncode})")
    ops = json.loads(out.read_text(encoding="utf-8"))
    want = changefeed.head(engine)
    deadline = time.monotonic() + 60
    while (not seen or seen[-1].seq < want) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop_reading.set()
    reader.join()
    sub.close()
    table = changefeed.read_after(engine, sub_start := seen[0].seq - 1 if seen else 0, 10**7)
    feed_ok = [c.seq for c in seen] == [c.seq for c in table] and sub_start >= 0
    with engine.connect() as conn:
        imported = conn.execute(
            select(func.count()).select_from(models.Incident).where(models.Incident.reporter == "外部系统")
        ).scalar()
    waits = [o["seconds"] for o in ops if "seconds" in o]
    numbering = [] if db.is_sqlite(engine) else [
        BenchRow(f"feed.numbering_{rows}.postgresql", numbering_time(engine, rows) * 1000, "ms",
                 250, note=f"commit step for {rows} change rows: the feed lock's hold")
    ]  # fmt: skip
    commit_s = _commit_time(engine, rows)
    from services.store import audit

    t0 = time.perf_counter()
    verdict = audit.verify(engine)
    verify_s = time.perf_counter() - t0
    engine.dispose()
    latency = db_bench.feed_latency(url, backend, n=100)
    note_imp = f"exit {imp.returncode}, {imported} rows landed; {imp.stdout.strip()[:60]}"
    return [
        BenchRow(f"import.duration.{backend}", import_s, "s", 60, note=note_imp),
        BenchRow(f"import.writer_max_wait.{backend}", max(waits) if waits else float("inf"),
                 "s", 1.0, note=f"{len(waits)} writer ops, median "
                 f"{sorted(waits)[len(waits) // 2] * 1000 if waits else 0:.0f} ms"),
        *numbering,
        BenchRow(f"import.commit_step_{rows}.{backend}", commit_s * 1000, "ms", 1000,
                 note=f"COMMIT of {2 * rows} change + {rows} audit rows (bounds the lock hold)"),
        BenchRow(f"import.feed_in_order.{backend}", float(feed_ok), "ok", 1, lower_is_better=False,
                 note=f"subscriber got {len(seen)} changes, table has {len(table)}"),
        BenchRow(f"audit.verify.{backend}", verify_s, "s", 60,
                 note=f"{verdict.rows} rows in {verdict.seals} seals, "
                 f"{'intact' if verdict.ok else 'BROKEN'}"),
        fresh,
        latency,
    ]  # fmt: skip


def _drop(url: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(db_bench.PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[-1]}" WITH (FORCE)'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=50_000)
    p.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = p.parse_args(argv)
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for backend in args.backend or ("sqlite", "postgresql"):
            if backend == "sqlite":
                url = f"sqlite:///{work / 'feed.db'}"
            else:
                maybe = db_bench.pg_database(f"feedbench_{int(time.time())}")
                if maybe is None:
                    print("PostgreSQL unreachable: skipped", file=sys.stderr)
                    continue
                url = maybe
            try:
                rows += run_backend(backend, url, args.rows, work)
            finally:
                if backend == "postgresql":
                    _drop(url)
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
