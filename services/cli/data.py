"""`demo`, `simulate`: building and feeding a database (`db` is in services/cli/database.py)."""

from __future__ import annotations

import argparse
import sys
import time

from services.cli import Context, Subparsers, positive, progress_bar


def register(sub: Subparsers) -> None:
    d = sub.add_parser("demo", help="build the real-geography demo database")
    d.add_argument("--province", default="330000", help="330000 Zhejiang, 620000 Gansu")
    d.add_argument("--grids", type=positive(int), default=None, help="grid cells (default 10000)")
    d.add_argument("--townships", type=positive(int), default=None,
                   help="keep about this many of the register's townships (small test builds)")
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--force", action="store_true", help="replace existing data")
    d.set_defaults(run=run_demo)

    s = sub.add_parser("simulate", help="write realistic live traffic")
    s.add_argument("--rate", type=positive(float), default=5.0, help="events per second")
    s.add_argument("--scenario", choices=("normal", "surge"), default="normal")
    s.add_argument("--duration", type=positive(float), default=None,
                   help="seconds (default: forever)")  # fmt: skip
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--surge-minutes", type=positive(float), default=10.0,
                   help="surge: minutes for visitors to ramp to about twice the capacity")  # fmt: skip
    s.set_defaults(run=run_simulate)


def run_demo(args: argparse.Namespace, ctx: Context) -> int:
    from services import demo
    from services.store import db

    engine = db.make_engine(ctx.owner_url or ctx.url)  # a rebuild empties every table
    db.check_reachable(engine)
    state = db.schema_state(engine)
    if state in ("current", "outdated") and not args.force and demo.has_data(engine):
        print("demo refused: the database already has data; `demo --force` replaces it "
              "(all of it)", file=sys.stderr)  # fmt: skip
        return 1  # before any migration: a refused demo changes nothing
    if state in ("empty", "outdated"):
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


def run_simulate(args: argparse.Namespace, ctx: Context) -> int:
    from services.demo import simulator
    from services.store import db

    engine = db.open_database(ctx.url)
    sim = simulator.Simulator(
        engine, seed=args.seed, policies=ctx.policies, scenario=args.scenario,
        surge_seconds=args.surge_minutes * 60,
    )  # fmt: skip
    print(f"simulating {args.rate}/s ({args.scenario}) into {db.describe(engine)}; Ctrl+C stops",
          flush=True)  # fmt: skip

    def say(line: str) -> None:  # a lost database: one line, then the simulator waits
        print(line, file=sys.stderr, flush=True)

    import signal

    # A service manager's SIGTERM stops it as Ctrl+C does: the summary still prints. (A
    # Ctrl+C may not arrive at all: a shell starts a background job with SIGINT ignored.)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        sim.run(rate=args.rate, duration=args.duration, say=say)
    except KeyboardInterrupt:
        pass
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(sim.kinds.items()))
    print(f"wrote {sim.written} events" + (f" ({kinds})" if kinds else ""), flush=True)
    return 0
