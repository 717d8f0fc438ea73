"""社会治理综合指挥中心 console: the composition root.

    python console.py [--db URL] [--center CODE] ...      open the wall
    python console.py demo [--grids N] [--seed S] [--force]
    python console.py db upgrade | db status
    python console.py simulate --rate R [--scenario surge] [--duration S]
    python console.py import regions|grids FILE.geojson
    python console.py bench [--json] [--only AREA]
    python console.py screenshot --out wall.png --size 3840x2160 [--center CODE]

Every command takes `--db URL` (or CONSOLE_DB, or the config file); without one it uses the
embedded SQLite file and builds the demo there on first run. Database problems print one
line and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence

EXIT_DB = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="console.py", description="社会治理综合指挥中心 console")
    p.add_argument("--db", help="SQLite path or postgresql+psycopg:// URL")
    sub = p.add_subparsers(dest="command")

    def wall_options(q: argparse.ArgumentParser) -> None:
        q.add_argument("--center", help="region code of the command center (default: the root)")
        q.add_argument("--lang", default="zh_CN", choices=("zh_CN", "en"))
        q.add_argument("--theme", default="dark", choices=("dark", "light"))
        q.add_argument("--scale", type=float, default=None, help="UI scale for viewing distance")

    wall_options(p)
    p.add_argument("--screen", type=int, default=None, help="monitor index")
    p.add_argument("--fullscreen", action="store_true")
    p.add_argument("--tiles", help="splice wall tiles COLSxROWS, e.g. 3x3")
    p.add_argument("--bezel", type=int, default=0, help="bezel width between tiles, pixels")

    d = sub.add_parser("demo", help="build the real-geography demo database")
    d.add_argument("--province", default="330000", help="330000 Zhejiang, 620000 Gansu")
    d.add_argument("--grids", type=int, default=None, help="grid cells (default 10000)")
    d.add_argument("--townships", type=int, default=None)
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--force", action="store_true", help="replace existing data")

    db = sub.add_parser("db", help="schema: upgrade or status")
    db.add_argument("action", choices=("upgrade", "status"))

    s = sub.add_parser("simulate", help="write realistic live traffic")
    s.add_argument("--rate", type=float, default=5.0, help="events per second")
    s.add_argument("--scenario", choices=("normal", "surge"), default="normal")
    s.add_argument("--duration", type=float, default=None, help="seconds (default: forever)")
    s.add_argument("--seed", type=int, default=None)

    i = sub.add_parser("import", help="import regions or grid cells from GeoJSON")
    i.add_argument("kind", choices=("regions", "grids"))
    i.add_argument("file")

    b = sub.add_parser("bench", help="measure against targets and print a table")
    b.add_argument("--json", action="store_true", help="print the rows as JSON")
    b.add_argument("--only", help="one area: db, feed, wall, map, ...")
    b.add_argument("--grids", type=int, default=109_000, help="cells for the db.* rows")

    sc = sub.add_parser("screenshot", help="render the wall offscreen to a PNG and exit")
    sc.add_argument("--out", required=True)
    sc.add_argument("--size", default="1920x1080")
    wall_options(sc)
    sc.add_argument("--tiles")
    sc.add_argument("--bezel", type=int, default=0)
    return p


def _progress_bar() -> Callable[[str, float], None]:
    last = [-1]

    def report(message: str, fraction: float) -> None:
        pct = int(fraction * 100)
        if pct == last[0] and fraction < 1:
            return
        last[0] = pct
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        sys.stderr.write(f"\r[{bar}] {pct:3d}% {message}\033[K")
        if fraction >= 1:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def cmd_demo(args: argparse.Namespace, url: str) -> int:
    from services import db, demo

    engine = db.make_engine(url)
    db.check_reachable(engine)
    if db.schema_state(engine) in ("empty", "outdated"):
        db.upgrade(engine)
    db.require_current(engine)
    opts = demo.DemoOptions(
        province=args.province,
        grids=args.grids or demo.DEFAULT_GRIDS,
        townships=args.townships,
        seed=args.seed,
    )
    t0 = time.perf_counter()
    try:
        summary = demo.build_demo(engine, opts, force=args.force, progress=_progress_bar())
    except demo.DemoRefused as exc:
        print(f"demo refused: {exc}", file=sys.stderr)
        return 1
    print(
        f"demo built in {time.perf_counter() - t0:.1f} s: {summary.province}, "
        f"{summary.cities} cities, {summary.counties} counties, {summary.townships} townships, "
        f"{summary.grids} grid cells, {summary.staff} staff, {summary.incidents} incidents, "
        f"{summary.cameras} cameras, {summary.resources} linkage units"
    )
    return 0


def cmd_db(args: argparse.Namespace, url: str) -> int:
    from services import db

    engine = db.make_engine(url)
    db.check_reachable(engine)
    if args.action == "upgrade":
        db.upgrade(engine)
        print(f"schema of {db.describe(engine)} is at {db.head_revision()}")
    else:
        print(f"{db.describe(engine)}: {db.schema_state(engine)} ({db.current_revision(engine)})")
    return 0


def cmd_simulate(args: argparse.Namespace, url: str) -> int:
    from services import db, simulator

    engine = db.open_database(url)
    sim = simulator.Simulator(engine, seed=args.seed, scenario=args.scenario)
    print(f"simulating {args.rate}/s ({args.scenario}) into {db.describe(engine)}; Ctrl+C stops")
    try:
        n = sim.run(rate=args.rate, duration=args.duration)
    except KeyboardInterrupt:
        n = sim.written
    print(f"wrote {n} events")
    return 0


def cmd_import(args: argparse.Namespace, url: str) -> int:
    from services import db, importers

    engine = db.open_database(url, upgrade_empty=True)
    try:
        result = importers.import_geojson(engine, args.kind, args.file)
    except importers.ImportRejected as exc:
        print(f"import refused, nothing written: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"imported {result} {args.kind}")
    return 0


def cmd_bench(args: argparse.Namespace, url: str) -> int:
    """Run every area's measures (or `--only AREA`) side by side in this one process."""
    from services import perf
    from services.benchmark import BenchRow, format_table

    only = args.only
    rows: list[BenchRow] = []
    if only in (None, "db", "feed"):
        rows += perf.run(grids=args.grids, only=only)
    if only in (None, "map"):
        from ui.app import prepare_qt

        prepare_qt()
        from mapview.bench import run_map_bench

        rows += run_map_bench()
    if only in (None, "wall"):
        from ui.bench import run_wall_bench

        rows += run_wall_bench()
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(format_table(rows))
    return 0


def _ensure_default_demo(url: str, is_default: bool) -> None:
    """First run on the embedded SQLite file: build the demo there."""
    from services import db, demo

    engine = db.make_engine(url)
    db.check_reachable(engine)
    if not is_default:
        return
    if db.schema_state(engine) in ("empty", "outdated"):
        db.upgrade(engine)
    if not demo.has_data(engine):
        print("first run: building the demo database (once)…", file=sys.stderr)
        demo.build_demo(engine, demo.DemoOptions(), progress=_progress_bar())


def cmd_wall(args: argparse.Namespace, url: str, is_default: bool, screenshot: bool) -> int:
    from services import db

    _ensure_default_demo(url, is_default)
    db.open_database(url)
    from ui.app import run_screenshot, run_wall

    if screenshot:
        return run_screenshot(args, url)
    return run_wall(args, url)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from services.config import load_settings
    from services.db import DatabaseError

    settings = load_settings(args.db)
    url = settings.db_url
    try:
        if args.command == "demo":
            return cmd_demo(args, url)
        if args.command == "db":
            return cmd_db(args, url)
        if args.command == "simulate":
            return cmd_simulate(args, url)
        if args.command == "import":
            return cmd_import(args, url)
        if args.command == "bench":
            return cmd_bench(args, url)
        return cmd_wall(args, url, settings.db_is_default, args.command == "screenshot")
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DB


if __name__ == "__main__":
    sys.exit(main())
