"""Soak and cost at rest (`soak.*` rows of `console.py bench --only soak`).

The wall runs with every panel live and its clock child, in a child process of its own,
for an accelerated day: `simulate` writes `rate` events/s (50 by default) for `minutes`
(20 by default; `bench --only soak --minutes N` runs longer) while the resident memory of
the console and of its QtWebEngine processes is sampled every 10 s from /proc. Growth is
measured from minute 2 (when caches, the map page and the video tiles have settled) to the
end, and extrapolated to 24 h at the same event rate.

Then the console's CPU (its own process: user + system time from /proc, over wall time)
is measured at the province's real average load (0.12 reports/s: 10,520 a day) and at
10 events/s, each for `cpu_seconds`, side by side in the same run.

The wall renders offscreen unless DISPLAY is set (then on that X server, e.g. Xvfb).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from services.ops.memory import rss_mb
from tests.bench.table import BenchRow, format_table

ROOT = Path(__file__).resolve().parents[2]
RESULT_PREFIX = "RESULT "
TARGET_GROWTH_MB = 50.0
TARGET_GROWTH_24H_MB = 100.0
TARGET_CPU = {0.12: 0.15, 10.0: 0.5}
SAMPLE_S = 10.0
SETTLE_S = 120.0


# =========================================================================== /proc
def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out.extend(int(c) for c in text)
    except OSError:
        return out
    for child in list(out):
        out.extend(_children(child))
    return out


def _rss_mb(pid: int) -> float:
    """0 for a process gone between two samples (its memory is no longer anyone's)."""
    return rss_mb(pid) or 0.0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def memory(pid: int) -> dict[str, float]:
    """RSS of the console itself, of its QtWebEngine processes, and of everything it runs."""
    kids = _children(pid)
    web = sum(_rss_mb(k) for k in kids if "QtWebEngineProcess" in _cmdline(k))
    return {"console": _rss_mb(pid), "webengine": web,
            "all": _rss_mb(pid) + sum(_rss_mb(k) for k in kids)}  # fmt: skip


# =========================================================================== child side
def child_wall(url: str, seconds: float) -> dict[str, Any]:
    """Run the wall (every panel, the clock) until told to stop or `seconds` pass."""
    from tests.bench.map_bench import wait_until
    from tests.bench.wall_bench import _Wall

    trace_out = os.environ.get("SOAK_TRACEMALLOC_OUT")
    profile_out = os.environ.get("SOAK_PROFILE_OUT")
    if trace_out:
        import tracemalloc

        tracemalloc.start(8)
    wall = _Wall(url, with_map=True)
    ok = wall.wait_ready()
    print("READY", flush=True)
    stop = Path(os.environ.get("SOAK_STOP_FILE", "/nonexistent"))
    profile = _start_profile() if profile_out else None
    if trace_out:
        wait_until(lambda: stop.exists(), SETTLE_S, interval_ms=500)
        settled = tracemalloc.take_snapshot()
    wait_until(lambda: stop.exists(), seconds, interval_ms=500)
    if profile is not None and profile_out:
        _dump_profile(profile, Path(profile_out))
    if trace_out:
        _dump_growth(settled, tracemalloc.take_snapshot(), Path(trace_out))
    snapshots = wall.snapshots
    wall.shutdown()
    return {"ok": ok, "snapshots": snapshots}


# Diagnostics of a soak run (off unless asked for by the environment; both slow the wall):
# SOAK_TRACEMALLOC_OUT=FILE writes the Python allocations that grew from minute 2 to the
# end, SOAK_PROFILE_OUT=FILE the GUI thread's cProfile (top cumulative functions).
def _start_profile() -> Any:
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    return profile


def _dump_profile(profile: Any, out: Path) -> None:
    import io
    import pstats

    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    out.write_text(text.getvalue(), encoding="utf-8")


def _dump_growth(first: Any, last: Any, out: Path) -> None:
    import tracemalloc

    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    first, last = first.filter_traces(keep), last.filter_traces(keep)
    lines = [f"python heap traced: {sum(s.size for s in first.statistics('filename')) / 1e6:.1f}"
             f" → {sum(s.size for s in last.statistics('filename')) / 1e6:.1f} MB"]  # fmt: skip
    for kind in ("lineno", "traceback"):
        lines.append(f"-- top growth by {kind}")
        for stat in last.compare_to(first, kind)[: 25 if kind == "lineno" else 8]:
            lines.append(f"{stat.size_diff / 1e6:+.2f} MB {stat.count_diff:+d} blocks")
            lines.extend("    " + line for line in stat.traceback.format()[-6:])
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


# =========================================================================== parent side
def _start_wall(url: str, env: dict[str, str], seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.soak_bench", "child-wall", url, str(seconds)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            return proc
    raise RuntimeError(f"the wall did not start (exit {proc.wait()})")


def _simulate(url: str, rate: float, seconds: float, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "console.py", "--db", url, "simulate", "--rate", str(rate),
         "--duration", str(seconds), "--seed", "17"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def _stop(proc: subprocess.Popen[str], stop_file: Path, timeout: float = 60.0) -> None:
    stop_file.touch()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    stop_file.unlink(missing_ok=True)


def soak(url: str, env: dict[str, str], minutes: float, rate: float) -> dict[str, Any]:
    stop_file = Path(env["SOAK_STOP_FILE"])
    seconds = minutes * 60
    wall = _start_wall(url, env, seconds + 600)
    sim = _simulate(url, rate, seconds, env)
    t0 = time.monotonic()
    samples: list[tuple[float, dict[str, float]]] = []
    while time.monotonic() - t0 < seconds and wall.poll() is None:
        samples.append((time.monotonic() - t0, memory(wall.pid)))
        time.sleep(SAMPLE_S)  # sampling period of a measurement, not a wait for a condition
    sim.terminate()
    sim.wait(30)
    alive = wall.poll() is None
    # comparing two tracemalloc snapshots of a grown heap takes minutes on a busy machine
    _stop(wall, stop_file, 900.0 if env.get("SOAK_TRACEMALLOC_OUT") else 60.0)
    settled = [s for s in samples if s[0] >= min(SETTLE_S, seconds / 4)]
    if len(settled) < 2:
        return {"ok": False, "error": "too few samples", "alive": alive}
    (t_a, first), (t_b, last) = settled[0], settled[-1]
    span_h = (t_b - t_a) / 3600
    return {
        "ok": alive, "alive": alive, "samples": len(samples), "minutes": minutes, "rate": rate,
        "from_min": t_a / 60, "to_min": t_b / 60,
        "console_growth": last["console"] - first["console"],
        "all_growth": last["all"] - first["all"],
        "webengine_growth": last["webengine"] - first["webengine"],
        "all_start": first["all"], "all_end": last["all"],
        "per_24h": (last["all"] - first["all"]) / span_h * 24 if span_h > 0 else float("nan"),
    }  # fmt: skip


def cpu(url: str, env: dict[str, str], rate: float, seconds: float) -> dict[str, Any]:
    stop_file = Path(env["SOAK_STOP_FILE"])
    wall = _start_wall(url, env, seconds + 300)
    time.sleep(15)  # let start-up work (first reads, map page) pass before measuring
    sim = _simulate(url, rate, seconds + 5, env)
    c0, t0 = cpu_seconds(wall.pid), time.monotonic()
    time.sleep(seconds)  # the measurement window
    c1, t1 = cpu_seconds(wall.pid), time.monotonic()
    sim.terminate()
    sim.wait(30)
    _stop(wall, stop_file)
    return {"ok": True, "cores": (c1 - c0) / (t1 - t0), "seconds": t1 - t0}


def run_soak_bench(grids: int = 10_000, *, minutes: float = 20.0, rate: float = 50.0,
                   cpu_window: float = 120.0) -> list[BenchRow]:  # fmt: skip
    from tests.bench import db_bench
    from tests.bench.wall_bench import _qt_env

    _qt_env()
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="soak-bench-") as tmp:
        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["SOAK_STOP_FILE"] = str(Path(tmp) / "stop")
        if not env.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        url = f"sqlite:///{Path(tmp) / 'soak.db'}"
        db_bench.build(url, grids)
        display = "Xvfb" if env.get("DISPLAY") else "offscreen"
        for r in (0.12, 10.0):
            res = cpu(url, env, r, cpu_window)
            rows.append(BenchRow(f"soak.cpu_at_{r:g}_per_s", res["cores"], "cores", TARGET_CPU[r],
                                 note=f"the console's own process over {res['seconds']:.0f} s "
                                      f"while `simulate --rate {r:g}` writes; province wall, "
                                      f"{grids} cells, every panel live, {display}"))  # fmt: skip
        res = soak(url, env, minutes, rate)
        if res.get("ok"):
            note = (f"{res['minutes']:g} min at {res['rate']:g} events/s, sampled every "
                    f"{SAMPLE_S:g} s; minute {res['from_min']:.1f} → {res['to_min']:.1f}: console "
                    f"{res['console_growth']:+.1f} MB, QtWebEngine {res['webengine_growth']:+.1f} MB, "
                    f"all {res['all_start']:.0f} → {res['all_end']:.0f} MB; {display}")  # fmt: skip
            rows.append(BenchRow("soak.rss_growth", res["all_growth"], "MB", TARGET_GROWTH_MB,
                                 note=note))  # fmt: skip
            rows.append(BenchRow("soak.rss_growth_per_24h", res["per_24h"], "MB",
                                 TARGET_GROWTH_24H_MB, note="extrapolated linearly from the row above"))  # fmt: skip
        else:
            failed = f"FAILED: {res.get('error', res)}"
            rows.append(BenchRow("soak.rss_growth", float("inf"), "MB", TARGET_GROWTH_MB, note=failed))
            rows.append(BenchRow("soak.rss_growth_per_24h", float("inf"), "MB",
                                 TARGET_GROWTH_24H_MB, note=failed))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child-wall":
        from tests.bench.wall_bench import _qt_env

        _qt_env()
        result = child_wall(argv[1], float(argv[2]))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        os._exit(0)  # skip interpreter teardown with a live QWebEngineView
    minutes = float(argv[0]) if argv else 20.0
    print(format_table(run_soak_bench(minutes=minutes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
