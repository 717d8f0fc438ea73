"""社会治理综合指挥中心 console: the composition root.

    python console.py [--db URL] [--center CODE] ...      open the wall
    python console.py demo [--grids N] [--seed S] [--force]
    python console.py db upgrade | db status
    python console.py simulate --rate R [--scenario surge] [--duration S]
    python console.py import regions|grids FILE.geojson
    python console.py import incidents FILE.csv|FILE.jsonl [--as LOGIN]
    python console.py import alerts FILE.csv|FILE.jsonl
    python console.py user add LOGIN --center CODE --role ROLE [--name NAME]
    python console.py handover export --out FILE.pdf [--shift ID] [--center CODE]
    python console.py index compute [--month 2026-11] [--region CODE]
    python console.py risk run [--region CODE]
    python console.py bench [--json] [--only db|feed|wall|map|dispatch|index|video]
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_DB = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="console.py", description="社会治理综合指挥中心 console")
    p.add_argument("--db", help="SQLite path or postgresql+psycopg:// URL")
    sub = p.add_subparsers(dest="command")

    def wall_options(q: argparse.ArgumentParser, defaults: bool = True) -> None:
        """The wall's options; a subcommand repeats them without defaults, so an option
        given before the subcommand (`--lang en screenshot`) is not reset by it."""

        def default(value: object) -> object:
            return value if defaults else argparse.SUPPRESS

        q.add_argument("--center", default=default(None),
                       help="region code of the command center (default: the root)")  # fmt: skip
        q.add_argument("--lang", default=default("zh_CN"), choices=("zh_CN", "en"))
        q.add_argument("--theme", default=default("dark"), choices=("dark", "light"))
        q.add_argument("--scale", type=float, default=default(None),
                       help="UI scale for viewing distance")  # fmt: skip

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
    s.add_argument("--surge-minutes", type=float, default=10.0,
                   help="surge: minutes for visitors to ramp to about twice the capacity")

    i = sub.add_parser("import", help="import regions/grids (GeoJSON) or incidents (CSV/JSONL)")
    i.add_argument("kind", choices=("regions", "grids", "incidents", "alerts"))
    i.add_argument("file")
    i.add_argument("--as", dest="login", help="account filing the incidents (default: system)")

    ix = sub.add_parser("index", help="平安指数: compute and store a month for every region")
    ix.add_argument("action", choices=("compute",))
    ix.add_argument("--month", help="YYYY-MM (default: this month, China time)")
    ix.add_argument("--region", help="only this region's subtree")
    rk = sub.add_parser("risk", help="风险预警: run the rules once")
    rk.add_argument("action", choices=("run",))
    rk.add_argument("--region", help="only this region's subtree")

    ck = sub.add_parser("clock", help="a center's periodic jobs (escalation, risk rules, "
                        "capacity watch, safety index); the wall starts one itself")
    ck.add_argument("--center", help="region code (default: the root)")

    h = sub.add_parser("handover", help="交接班: export a shift's handover report to PDF")
    h.add_argument("action", choices=("export",))
    h.add_argument("--out", required=True)
    h.add_argument("--shift", type=int, help="shift id (default: the center's last ended shift)")
    h.add_argument("--center", help="region code of the center (default: the root)")

    u = sub.add_parser("user", help="console accounts")
    u.add_argument("action", choices=("add", "list"))
    u.add_argument("login", nargs="?")
    u.add_argument("--center", help="adcode of the account's center")
    u.add_argument("--role", choices=("duty_officer", "leader", "operator", "viewer"))
    u.add_argument("--name", default="")
    u.add_argument("--password", help="(default: asked for; CONSOLE_PASSWORD also works)")

    b = sub.add_parser("bench", help="measure against targets and print a table")
    b.add_argument("--json", action="store_true", help="print the rows as JSON")
    b.add_argument("--only", help="one area: db, feed, wall, map, dispatch, index, video")
    b.add_argument("--grids", type=int, default=109_000, help="cells for the db.* rows")

    sc = sub.add_parser("screenshot", help="render the wall offscreen to a PNG and exit")
    sc.add_argument("--out", required=True)
    sc.add_argument("--size", default="1920x1080")
    sc.add_argument("--settle", type=float, default=0.0,
                    help="seconds to wait after the map is drawn (side panels fill)")
    wall_options(sc, defaults=False)
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
    from services import demo
    from services.store import db

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
    from services.store import db

    engine = db.make_engine(url)
    db.check_reachable(engine)
    if args.action == "upgrade":
        db.upgrade(engine)
        print(f"schema of {db.describe(engine)} is at {db.head_revision()}")
    else:
        print(f"{db.describe(engine)}: {db.schema_state(engine)} ({db.current_revision(engine)})")
    return 0


def cmd_simulate(args: argparse.Namespace, url: str) -> int:
    from services.demo import simulator
    from services.store import db

    engine = db.open_database(url)
    sim = simulator.Simulator(
        engine, seed=args.seed, scenario=args.scenario, surge_seconds=args.surge_minutes * 60
    )
    print(f"simulating {args.rate}/s ({args.scenario}) into {db.describe(engine)}; Ctrl+C stops")
    try:
        n = sim.run(rate=args.rate, duration=args.duration)
    except KeyboardInterrupt:
        n = sim.written
    print(f"wrote {n} events")
    return 0


def cmd_import(args: argparse.Namespace, url: str, raw_config: dict[str, object]) -> int:
    from services.store import db
    from services.territory import importer as importers

    engine = db.open_database(url, upgrade_empty=True)
    try:
        if args.kind == "incidents":
            return _import_incidents(engine, args, raw_config)
        if args.kind == "alerts":
            from services.risk import cli as index_cli

            code, lines = index_cli.import_alerts(engine, args.file)
            for line in lines:
                print(line, file=sys.stderr if code else sys.stdout)
            return code
        result = importers.import_geojson(engine, args.kind, args.file)
    except importers.ImportRejected as exc:
        print(f"import refused, nothing written: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"imported {result} {args.kind}")
    return 0


def _import_incidents(engine: Engine, args: argparse.Namespace, raw: dict[str, object]) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from services import accounts, incidents
    from services.errors import Refused
    from services.incidents import importer as incident_import
    from services.store import models
    from services.wall import queries as wall_queries

    with Session(engine) as s:
        try:
            if args.login:
                actor = accounts.actor_for(s, args.login)
            else:
                root = wall_queries.root_region_code(engine)
                region = s.scalar(select(models.Region).where(models.Region.adcode == root))
                assert region is not None, "no root region"
                actor = accounts.system_actor(region, None)
        except Refused as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
    policy = incidents.IncidentPolicy.from_config(raw)
    summary = incident_import.import_incidents(engine, actor, args.file, policy=policy)
    print(f"imported {summary.added} incidents ({summary.already_there} already there)")
    return 0


def cmd_index(args: argparse.Namespace, url: str, raw: dict[str, object]) -> int:
    """`index compute` and `risk run`: the same use cases a console's worker runs."""
    from services.risk import cli as index_cli
    from services.store import db

    engine = db.open_database(url)
    if args.command == "index":
        code, lines = index_cli.index_compute(engine, args.month, raw, args.region)
    else:
        code, lines = index_cli.risk_run(engine, raw, args.region)
    for line in lines:
        print(line, file=sys.stderr if code else sys.stdout)
    return code


def cmd_clock(args: argparse.Namespace, url: str, raw: dict[str, object]) -> int:
    """Run the center's clock until stopped (SIGTERM or Ctrl+C)."""
    import logging
    import os
    import signal
    import threading

    from services import clock
    from services.store import db
    from services.wall import queries as wall_queries

    logging.basicConfig(level=logging.WARNING, format="clock: %(message)s")
    os.nice(10)  # background work: the wall on the same machine comes first
    engine = db.open_database(url)
    center = args.center or wall_queries.root_region_code(engine)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = os.getppid()

    def orphaned() -> None:  # the wall that started us is gone (killed): stop too
        while not stop.wait(2.0):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=orphaned, daemon=True).start()
    try:
        clock.run(engine, center, raw, stop)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_user(args: argparse.Namespace, url: str) -> int:
    """Add or list console accounts (run on the server by an administrator)."""
    import getpass
    import os

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from services import accounts
    from services.errors import Refused
    from services.store import db, models

    engine = db.open_database(url)
    c, r, user = models.CommandCenter, models.Region, models.User
    with Session(engine) as s, s.begin():
        if args.action == "list":
            for login, role, name, code in s.execute(
                select(user.login, user.role, user.display_name, r.adcode)
                .join(r, r.id == user.jurisdiction_region_id)
                .where(r.adcode.like(f"{args.login or ''}%"))
                .order_by(user.login)
            ):
                print(f"{login}\t{role}\t{code}\t{name}")
            return 0
        if not (args.login and args.center and args.role):
            print("error: user add needs LOGIN --center CODE --role ROLE", file=sys.stderr)
            return 1
        center = s.scalar(select(c.id).join(r, r.id == c.region_id).where(r.adcode == args.center))
        if center is None:
            print(f"error: no center for region {args.center}", file=sys.stderr)
            return 1
        password = args.password or os.environ.get("CONSOLE_PASSWORD") or getpass.getpass()
        try:
            accounts.create_user(s, args.login, password, args.role, center, args.name)
        except Refused as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
    print(f"added {args.login} ({args.role}) at {args.center}")
    return 0


def cmd_bench(args: argparse.Namespace, url: str) -> int:
    """Run every area's measures (or `--only AREA`) side by side in this one process."""
    from tests.bench import db_bench as perf
    from tests.bench.table import BenchRow, format_table

    only = args.only
    rows: list[BenchRow] = []
    if only in (None, "db", "feed"):
        rows += perf.run(grids=args.grids, only=only)
    if only in (None, "map"):
        from ui.app import prepare_qt

        prepare_qt()
        from tests.bench.map_bench import run_map_bench

        rows += run_map_bench()
    if only in (None, "wall"):
        from tests.bench.wall_bench import run_wall_bench

        rows += run_wall_bench()
    if only in (None, "dispatch"):
        from tests.bench import dispatch_bench as dispatch_perf

        rows += dispatch_perf.run()
    if only in (None, "index"):
        from tests.bench import index_bench as index_perf

        rows += index_perf.run(grids=args.grids)
    if only in (None, "video"):
        from tests.bench.video_bench import video_bench_rows

        rows += video_bench_rows()
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(format_table(rows))
    return 0


def _ensure_default_demo(url: str, is_default: bool) -> None:
    """First run on the embedded SQLite file: build the demo there."""
    from services import demo
    from services.store import db

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
    from services.store import db

    _ensure_default_demo(url, is_default)
    db.open_database(url)
    from ui.app import run_screenshot, run_wall

    if screenshot:
        return run_screenshot(args, url)
    return run_wall(args, url)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from services.config import load_settings
    from services.store.db import DatabaseError

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
            return cmd_import(args, url, settings.raw)
        if args.command == "user":
            return cmd_user(args, url)
        if args.command == "clock":
            return cmd_clock(args, url, settings.raw)
        if args.command == "handover":
            from services.store import db

            db.open_database(url)
            from ui.handover.pdf import export_handover_cli

            return export_handover_cli(url, args.center, args.shift, args.out)
        if args.command in ("index", "risk"):
            return cmd_index(args, url, settings.raw)
        if args.command == "bench":
            return cmd_bench(args, url)
        return cmd_wall(args, url, settings.db_is_default, args.command == "screenshot")
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DB


if __name__ == "__main__":
    sys.exit(main())
