"""Wall benchmark (`wall.*` rows of `console.py bench`): the real wall, measured end to end.

`run_wall_bench()` builds one demo database (SQLite in a temporary directory, and PostgreSQL
when reachable) and runs every Qt measurement in a child process of its own
(`python -m tests.bench.wall_bench child-... URL`), so each measure starts from a fresh QApplication, the
event loop is only ever entered through QEventLoop (never `app.exec()`, FIELD-NOTES) and the
wall runs with its real map (QWebEngineView). Writers are further processes again, exactly
as on a real wall where other consoles and the hotline write into the shared database.

- `wall.startup_first_frame`: Console created (QApplication already prepared) → the first
  paint of a KPI number after the first `snapshot_ready` was handled. Warm: the child runs
  twice and the first (cold) run is discarded.
- `wall.commit_to_paint_p95.<backend>`: a writer process commits an incident report every
  `gap` seconds and prints the wall-clock time right after each commit, the feed seq and the
  day's report count it reached; the wall records the wall-clock time of the first KPI paint
  after handling a snapshot that includes the report (its `feed_seq` reaches the seq, or its
  今日上报 already counts it: a snapshot reads the feed head before its data).
- `wall.pg_connections`: on PostgreSQL, the wall with every panel live and its clock child,
  while `simulate` writes: the most connections `pg_stat_activity` shows for the console
  (application_name sgcc-console) at any sample; the note gives the clock's (sgcc-clock).
- `wall.gui_stall_p99` / `wall.events_lost`: `console.py simulate` writes `rate` events/s
  while a 10 ms precise QTimer on the GUI thread records how late each tick is; afterwards
  the last snapshot must reflect the feed head and the database's open-incident count.

Run alone: `python -m tests.bench.wall_bench` (prints the table).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from tests.bench.map_bench import wait_until
from tests.bench.table import BenchRow, ProgressRows, format_table

ROOT = Path(__file__).resolve().parents[2]
VIEW_SIZE = (1920, 1080)
RESULT_PREFIX = "RESULT "
TICK_MS = 10
TARGET_STARTUP_S = 1.5
TARGET_COMMIT_TO_PAINT_MS = {"sqlite": 150.0, "postgresql": 100.0}
TARGET_STALL_MS = 20.0
TARGET_PG_CONNECTIONS = 3


def _qt_env() -> None:
    """Offscreen rendering; WebEngine as root needs the sandbox off (before Qt loads)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


# =========================================================================== child side
def _console_args() -> argparse.Namespace:
    return argparse.Namespace(center=None, lang="zh_CN", theme="dark", scale=None)


class _Wall:
    """A Console under measurement, with a probe on its KPI numbers' paint events.

    `painted` holds (feed_seq, reported_today, handled_at, painted_at), times in wall-clock
    seconds: a snapshot counts as on screen at the first paint of a KPI number after the
    wall handled it.
    """

    def __init__(self, url: str, with_map: bool = True) -> None:
        from PySide6.QtCore import QEvent, QObject

        from ui.app import Console, prepare_qt

        prepare_qt()
        self.t0 = time.perf_counter()
        self.console = Console(_console_args(), url, with_map=with_map)
        # Never write the operator's saved layout from a benchmark.
        self.console.app.aboutToQuit.disconnect(self.console.close)
        self.pending: list[tuple[int, int, float]] = []
        self.painted: list[tuple[int, int, float, float]] = []
        self.last: Any = None
        self.first_snapshot_s: float | None = None
        self.first_frame_s: float | None = None
        self.map_drawn_s: float | None = None
        self.snapshots = 0
        wall = self

        class PaintProbe(QObject):
            def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint and wall.pending:
                    wall._on_paint()
                return False

        self._probe = PaintProbe()
        for tile in self.console.window.kpi_board.tiles.values():
            tile.value.installEventFilter(self._probe)
        # One slot does both: the wall's own show_snapshot, then the bookkeeping. With two
        # separate queued slots the GUI thread can paint between them (the worker posts
        # one event per connection), and that paint would be missed.
        self.console.live.snapshot_ready.disconnect(self.console.window.show_snapshot_in_steps)
        self.console.live.snapshot_ready.connect(self._on_snapshot)
        if self.console.map is not None:
            self.console.map.cells_drawn.connect(self._on_drawn)
        window = self.console.window
        window.resize(*VIEW_SIZE)
        window.show()
        self.console.start()
        self.console.start_clock()  # as run_wall does: its jobs run beside the wall

    def _on_snapshot(self, snap: Any) -> None:
        self.console.window.show_snapshot_in_steps(snap)
        if self.first_snapshot_s is None:
            self.first_snapshot_s = time.perf_counter() - self.t0
        self.snapshots += 1
        self.last = snap
        self.pending.append((snap.feed_seq, snap.kpis.reported_today, time.time()))

    def _on_paint(self) -> None:
        now = time.time()
        if self.first_frame_s is None:
            self.first_frame_s = time.perf_counter() - self.t0
        self.painted.extend((seq, rep, handled, now) for seq, rep, handled in self.pending)
        self.pending.clear()

    def _on_drawn(self, kind: str, _ms: float) -> None:
        if kind == "metric" and self.map_drawn_s is None:
            self.map_drawn_s = time.perf_counter() - self.t0

    def wait_ready(self, timeout_s: float = 60.0) -> bool:
        """First frame with data, and the map's cells drawn (if there is a map)."""
        ok = wait_until(lambda: self.first_frame_s is not None, timeout_s)
        if self.console.map is not None:
            ok = wait_until(lambda: self.map_drawn_s is not None, timeout_s) and ok
        return ok

    def settle(self, seconds: float) -> None:
        wait_until(lambda: False, seconds, interval_ms=50)

    def painted_seq(self) -> int:
        return self.painted[-1][0] if self.painted else -1

    def shutdown(self) -> None:
        if self.console.clock_process is not None:
            self.console.clock_process.terminate()
            self.console.clock_process.wait(10)
        self.console.live.stop()
        if self.console.map is not None:
            self.console.map.shutdown()
        self.console.window.hide()


def _emit(result: dict[str, Any]) -> None:
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def child_startup(url: str) -> dict[str, Any]:
    wall = _Wall(url, with_map=True)
    ok = wall.wait_ready()
    result = {
        "ok": ok,
        "first_frame_s": wall.first_frame_s,
        "first_snapshot_s": wall.first_snapshot_s,
        "map_drawn_s": wall.map_drawn_s,
    }
    wall.shutdown()
    return result


def child_paint(url: str, commits: int, gap: float, log_dir: str) -> dict[str, Any]:
    wall = _Wall(url, with_map=True)
    if not wall.wait_ready():
        return {"ok": False, "error": "wall never showed data"}
    wall.settle(1.0)
    out_path = Path(log_dir) / f"writer-{os.getpid()}.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.wall_bench", "writer", url, str(commits), str(gap)],
            cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: proc.poll() is not None, commits * gap + 120, interval_ms=50)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    records: list[tuple[int, int, float]] = []
    for line in out_path.read_text().splitlines():
        f_seq, f_reported, f_at = line.split()
        records.append((int(f_seq), int(f_reported), float(f_at)))
    last_seq = max((r[0] for r in records), default=0)
    wait_until(lambda: wall.painted_seq() >= last_seq, 15.0, interval_ms=20)
    # A snapshot shows a report when its feed_seq includes the report's seq, or earlier:
    # the snapshot reads the feed head before its data, so its counts can already include
    # a commit its feed_seq does not (then the later snapshot changes nothing on screen).
    # The day's report count only grows (one writer; no day change within a run).
    latencies = []
    handled = []
    for seq, reported, at in records:
        entry = next(
            (e for e in wall.painted if e[0] >= seq or (reported and e[1] >= reported)), None
        )
        if entry is not None:
            handled.append((entry[2] - at) * 1000)
            latencies.append((entry[3] - at) * 1000)
    wall.shutdown()
    return {
        "ok": bool(records) and len(latencies) == len(records),
        "commits": len(records),
        "latencies_ms": latencies,
        "handled_ms": handled,
        "writer_rc": proc.returncode,
    }


def _open_incidents(url: str) -> tuple[int, int]:
    """(feed head, open incidents) read directly from the database."""
    from sqlalchemy import func, select

    from services.store import changefeed, models
    from services.store.db import make_engine

    engine = make_engine(url)
    head = changefeed.head(engine)
    with engine.connect() as conn:
        n_open = conn.execute(
            select(func.count()).select_from(models.Incident).where(models.Incident.is_open)
        ).scalar_one()
    engine.dispose()
    return head, int(n_open)


def child_stall(url: str, seconds: float, rate: float, log_dir: str) -> dict[str, Any]:
    from PySide6.QtCore import Qt, QTimer

    wall = _Wall(url, with_map=True)
    if not wall.wait_ready():
        return {"ok": False, "error": "wall never showed data"}
    wall.settle(1.0)
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    snapshots_before = wall.snapshots
    out_path = Path(log_dir) / f"simulate-{os.getpid()}.txt"
    with out_path.open("w") as out:
        timer.start()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "console.py", "--db", url, "simulate", "--rate", str(rate),
             "--duration", str(seconds), "--seed", "11"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(lambda: proc.poll() is not None, seconds + 120, interval_ms=100)
        elapsed = time.perf_counter() - t0
        timer.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    written = 0
    for line in out_path.read_text().splitlines():
        if line.startswith("wrote "):
            written = int(line.split()[1])
    head, sql_open = _open_incidents(url)
    # Caught up once the wall has handled a snapshot read at the head; then let it paint.
    caught_up = wait_until(
        lambda: wall.last is not None and wall.last.feed_seq >= head, 30.0, interval_ms=20
    )
    wall.settle(0.3)
    last = wall.last
    lateness = [(b - a) * 1000 - TICK_MS for a, b in pairwise(ticks)]
    result = {
        "ok": proc.returncode == 0 and bool(lateness),
        "ticks": len(ticks),
        "lateness_p50_ms": percentile(lateness, 0.50),
        "lateness_p99_ms": percentile(lateness, 0.99),
        "lateness_max_ms": max(lateness, default=float("nan")),
        "written": written,
        "elapsed_s": elapsed,
        "snapshots": wall.snapshots - snapshots_before,
        "caught_up": caught_up,
        "head": head,
        "snapshot_seq": last.feed_seq if last is not None else -1,
        "snapshot_open": last.kpis.open if last is not None else -1,
        "sql_open": sql_open,
        "simulate_rc": proc.returncode,
    }
    wall.shutdown()
    return result


def _pg_connections(url: str) -> dict[str, int]:
    """Connections to the database of `url`, by application_name."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"))
    try:
        with admin.connect() as conn:
            rows = conn.execute(text(
                "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = :d "
                "GROUP BY application_name"), {"d": target.database}).all()  # fmt: skip
    finally:
        admin.dispose()
    return {str(name): int(n) for name, n in rows}


def child_connections(url: str, seconds: float, rate: float, log_dir: str) -> dict[str, Any]:
    """Sample the console's and its clock's connections while traffic flows."""
    wall = _Wall(url, with_map=True)
    if not wall.wait_ready():
        return {"ok": False, "error": "wall never showed data"}
    wall.settle(1.0)
    samples: list[dict[str, int]] = []
    out_path = Path(log_dir) / f"simulate-conn-{os.getpid()}.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "console.py", "--db", url, "simulate", "--rate", str(rate),
             "--duration", str(seconds), "--seed", "13"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip

        def sample() -> bool:
            samples.append(_pg_connections(url))
            return proc.poll() is not None

        wait_until(sample, seconds + 120, interval_ms=500)
    console = [s.get("sgcc-console", 0) for s in samples]
    clock = [s.get("sgcc-clock", 0) for s in samples]
    wall.shutdown()
    return {"ok": bool(samples), "samples": len(samples), "console_max": max(console, default=0),
            "console_min": min(console, default=0), "clock_max": max(clock, default=0)}  # fmt: skip


def writer(url: str, commits: int, gap: float) -> None:
    """Commit one incident report every `gap` s; after each, print the wall-clock time
    right after the commit, the feed seq it reached and the day's report count (what the
    wall's 今日上报 must show at least)."""
    from sqlalchemy import func, select

    from services.demo.simulator import Simulator
    from services.store import changefeed, models, rollup
    from services.store.db import make_engine

    daily = models.IncidentDaily

    engine = make_engine(url)
    sim = Simulator(engine, seed=23)
    start = time.monotonic()
    for k in range(commits):
        while not sim.step().startswith("report"):
            pass  # other kinds (progress, unit moves) are committed too, as in real traffic
        committed = time.time()
        with engine.connect() as conn:
            reported = conn.execute(
                select(func.coalesce(func.sum(daily.reported), 0)).where(
                    daily.day == rollup.local_day(models.utcnow())
                )
            ).scalar_one()
        print(changefeed.head(engine), int(reported), repr(committed), flush=True)
        delay = start + (k + 1) * gap - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # pacing a load generator
    engine.dispose()


# ========================================================================== parent side
def _run_child(mode: str, args: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.bench.wall_bench", mode, *args], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"{mode} timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            if proc.returncode != 0:
                result["exit_code"] = proc.returncode
            return result
    tail = (proc.stderr or "").strip().splitlines()[-3:]
    return {"ok": False, "error": f"{mode} exit {proc.returncode}: {' / '.join(tail)}"}


def _paint_row(backend: str, res: dict[str, Any], commits: int, gap: float) -> BenchRow:
    lat = res.get("latencies_ms") or []
    target = TARGET_COMMIT_TO_PAINT_MS[backend]
    if not lat:
        return BenchRow(f"wall.commit_to_paint_p95.{backend}", float("inf"), "ms", target,
                        note=f"FAILED: {res.get('error', 'no commit reached the screen')}")  # fmt: skip
    handled = res.get("handled_ms") or []
    note = (
        f"report committed in another process every {gap * 1000:.0f} ms → KPI painted, "
        f"n={len(lat)}/{res.get('commits', commits)}; p50 {percentile(lat, 0.5):.0f}, "
        f"max {max(lat):.0f} ms; to snapshot handled p95 {percentile(handled, 0.95):.0f} ms; "
        "map on"
    )
    return BenchRow(f"wall.commit_to_paint_p95.{backend}", percentile(lat, 0.95), "ms", target,
                    note=note)  # fmt: skip


def run_wall_bench(
    grids: int = 10_000,
    *,
    stall_seconds: float = 60.0,
    stall_rate: float = 200.0,
    commits: int = 40,
    gap: float = 0.3,
) -> list[BenchRow]:
    """The wall.* rows; every Qt measure runs in a child process (see the module doc)."""
    _qt_env()
    import compileall

    from tests.bench import db_bench as perf

    # Start-up is measured on the program as installed: bin/setup.sh writes its bytecode
    # (a checkout edited since, or a machine with PYTHONDONTWRITEBYTECODE, would compile
    # every module at every start otherwise).
    for package in ("services", "ui", "widgets", "mapview"):
        compileall.compile_dir(ROOT / package, quiet=1)

    rows = ProgressRows()
    with tempfile.TemporaryDirectory(prefix="wall-bench-") as tmp:
        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # no operator settings touched
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        sqlite_url = f"sqlite:///{Path(tmp) / 'wall.db'}"
        perf.build(sqlite_url, grids)

        # 1. start-up: cold run discarded, warm run measured
        cold = _run_child("child-startup", [sqlite_url], env, 180)
        warm = _run_child("child-startup", [sqlite_url], env, 180)
        if cold.get("first_frame_s") is not None:
            cold_text = f"{cold['first_frame_s']:.2f} s"
        else:
            cold_text = f"failed: {cold.get('error', cold)}"
        if warm.get("ok") and warm.get("first_frame_s") is not None:
            note = (
                f"Console() → first KPI paint with data, map on, SQLite {grids} cells, "
                f"1920×1080; warm (cold run {cold_text}, discarded); first snapshot "
                f"{warm['first_snapshot_s']:.2f} s, map cells drawn "
                f"{warm.get('map_drawn_s') or float('nan'):.2f} s"
            )
            rows.append(BenchRow("wall.startup_first_frame", warm["first_frame_s"], "s",
                                 TARGET_STARTUP_S, note=note))  # fmt: skip
        else:
            rows.append(BenchRow("wall.startup_first_frame", float("inf"), "s", TARGET_STARTUP_S,
                                 note=f"FAILED: {warm.get('error', warm)}"))  # fmt: skip

        # 2. commit → paint on SQLite
        res = _run_child("child-paint", [sqlite_url, str(commits), str(gap), tmp], env,
                         commits * gap + 240)  # fmt: skip
        rows.append(_paint_row("sqlite", res, commits, gap))

        # 3. GUI stall under load, and nothing lost
        st = _run_child("child-stall", [sqlite_url, str(stall_seconds), str(stall_rate), tmp],
                        env, stall_seconds + 300)  # fmt: skip
        if st.get("ok"):
            achieved = st["written"] / st["elapsed_s"] if st["elapsed_s"] else 0.0
            load = (
                f"`simulate --rate {stall_rate:g}` for {stall_seconds:g} s in another process "
                f"({st['written']} events, {achieved:.0f}/s achieved), SQLite, map on"
            )
            rows.append(BenchRow(
                "wall.gui_stall_p99", st["lateness_p99_ms"], "ms", TARGET_STALL_MS,
                note=f"lateness of a {TICK_MS} ms GUI-thread QTimer, {st['ticks']} ticks; "
                     f"p50 {st['lateness_p50_ms']:.1f}, max {st['lateness_max_ms']:.0f} ms; "
                     f"{st['snapshots']} snapshots shown; {load}",
            ))  # fmt: skip
            lost_seq = max(0, st["head"] - st["snapshot_seq"])
            lost_open = abs(st["sql_open"] - st["snapshot_open"])
            rows.append(BenchRow(
                "wall.events_lost", lost_seq + lost_open, "count", 0,
                note=f"after the load: last snapshot shown, feed_seq {st['snapshot_seq']} vs "
                     f"change_log max {st['head']}; open {st['snapshot_open']} vs SQL "
                     f"{st['sql_open']}",
            ))  # fmt: skip
        else:
            failed = f"FAILED: {st.get('error', st)}"
            rows.append(BenchRow("wall.gui_stall_p99", float("inf"), "ms", TARGET_STALL_MS,
                                 note=failed))  # fmt: skip
            rows.append(BenchRow("wall.events_lost", float("inf"), "count", 0, note=failed))

        # 2b. commit → paint on PostgreSQL, when a server is reachable
        pg_url = perf.pg_database("console_bench_wall")
        if pg_url is not None:
            perf.build(pg_url, grids)
            res = _run_child("child-paint", [pg_url, str(commits), str(gap), tmp], env,
                             commits * gap + 240)  # fmt: skip
            rows.append(_paint_row("postgresql", res, commits, gap))
            cn = _run_child("child-connections", [pg_url, "20", "20", tmp], env, 300)
            if cn.get("ok"):
                rows.append(BenchRow(
                    "wall.pg_connections", cn["console_max"], "count", TARGET_PG_CONNECTIONS,
                    note=f"wall + every panel + markers live, `simulate --rate 20` for 20 s; "
                         f"{cn['samples']} samples of pg_stat_activity, console "
                         f"{cn['console_min']}–{cn['console_max']}, its clock child at most "
                         f"{cn['clock_max']} (≤ 1)",
                ))  # fmt: skip
            else:
                rows.append(BenchRow("wall.pg_connections", float("inf"), "count",
                                     TARGET_PG_CONNECTIONS, note=f"FAILED: {cn.get('error', cn)}"))  # fmt: skip
        else:
            rows.append(BenchRow("wall.commit_to_paint_p95.postgresql", float("inf"), "ms",
                                 TARGET_COMMIT_TO_PAINT_MS["postgresql"],
                                 note="not measured: PostgreSQL unreachable"))  # fmt: skip
    return rows


# ============================================================================ entry point
def _child_main(argv: list[str]) -> int:
    mode, rest = argv[0], argv[1:]
    if mode == "writer":
        writer(rest[0], int(rest[1]), float(rest[2]))
        return 0
    _qt_env()
    if mode == "child-startup":
        result = child_startup(rest[0])
    elif mode == "child-paint":
        result = child_paint(rest[0], int(rest[1]), float(rest[2]), rest[3])
    elif mode == "child-stall":
        result = child_stall(rest[0], float(rest[1]), float(rest[2]), rest[3])
    elif mode == "child-connections":
        result = child_connections(rest[0], float(rest[1]), float(rest[2]), rest[3])
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    _emit(result)
    sys.stderr.flush()
    # Skip interpreter teardown with a live QWebEngineView (it can crash on the way out).
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("writer", "child-startup", "child-paint", "child-stall",
                            "child-connections"):  # fmt: skip
        return _child_main(argv)
    print(format_table(run_wall_bench()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
