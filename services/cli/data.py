"""`demo`, `db`, `simulate`: building, migrating and feeding a database."""

from __future__ import annotations

import argparse
import sys
import time

from services.cli import Context, Subparsers, progress_bar


def register(sub: Subparsers) -> None:
    d = sub.add_parser("demo", help="build the real-geography demo database")
    d.add_argument("--province", default="330000", help="330000 Zhejiang, 620000 Gansu")
    d.add_argument("--grids", type=int, default=None, help="grid cells (default 10000)")
    d.add_argument("--townships", type=int, default=None,
                   help="keep about this many of the register's townships (small test builds)")
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--force", action="store_true", help="replace existing data")
    d.set_defaults(run=run_demo)

    db = sub.add_parser("db", help="schema: upgrade or status")
    db.add_argument("action", choices=("upgrade", "status"))
    db.set_defaults(run=run_db)

    s = sub.add_parser("simulate", help="write realistic live traffic")
    s.add_argument("--rate", type=float, default=5.0, help="events per second")
    s.add_argument("--scenario", choices=("normal", "surge"), default="normal")
    s.add_argument("--duration", type=float, default=None, help="seconds (default: forever)")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--surge-minutes", type=float, default=10.0,
                   help="surge: minutes for visitors to ramp to about twice the capacity")  # fmt: skip
    s.set_defaults(run=run_simulate)


def run_demo(args: argparse.Namespace, ctx: Context) -> int:
    from services import demo
    from services.store import db

    engine = db.make_engine(ctx.url)
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
        summary = demo.build_demo(engine, opts, force=args.force, progress=progress_bar())
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


def run_db(args: argparse.Namespace, ctx: Context) -> int:
    from services.store import db

    engine = db.make_engine(ctx.url)
    db.check_reachable(engine)
    if args.action == "upgrade":
        db.upgrade(engine)
        print(f"schema of {db.describe(engine)} is at {db.head_revision()}")
    else:
        print(f"{db.describe(engine)}: {db.schema_state(engine)} ({db.current_revision(engine)})")
    return 0


def run_simulate(args: argparse.Namespace, ctx: Context) -> int:
    from services.demo import simulator
    from services.store import db

    engine = db.open_database(ctx.url)
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
