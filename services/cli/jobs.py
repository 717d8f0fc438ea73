"""`index compute`, `risk run` and `clock`: the periodic jobs, once or until stopped."""

from __future__ import annotations

import argparse
import sys

from services.cli import Context, Subparsers, error


def register(sub: Subparsers) -> None:
    ix = sub.add_parser("index", help="平安指数: compute and store a month for every region")
    ix.add_argument("action", choices=("compute",))
    ix.add_argument("--month", help="YYYY-MM (default: this month, China time)")
    ix.add_argument("--region", help="only this region's subtree")
    ix.set_defaults(run=run_index)
    rk = sub.add_parser("risk", help="风险预警: run the rules once")
    rk.add_argument("action", choices=("run",))
    rk.add_argument("--region", help="only this region's subtree")
    rk.set_defaults(run=run_index)

    ck = sub.add_parser("clock", help="a center's periodic jobs (escalation, risk rules, "
                        "capacity watch, safety index); the wall starts one itself")  # fmt: skip
    ck.add_argument("--center", help="region code (default: the root)")
    ck.set_defaults(run=run_clock)


def run_index(args: argparse.Namespace, ctx: Context) -> int:
    """`index compute` and `risk run`: the same use cases a console's worker runs."""
    from services.risk import cli as index_cli
    from services.store import db

    engine = db.open_database(ctx.url)
    if args.command == "index":
        code, lines = index_cli.index_compute(engine, args.month, ctx.raw, args.region)
    else:
        code, lines = index_cli.risk_run(engine, ctx.raw, args.region)
    for line in lines:
        print(line, file=sys.stderr if code else sys.stdout)
    return code


def run_clock(args: argparse.Namespace, ctx: Context) -> int:
    """Run the center's clock until stopped (SIGTERM or Ctrl+C)."""
    import logging
    import os
    import signal
    import threading

    from services import clock
    from services.errors import Refused
    from services.store import db
    from services.wall import queries as wall_queries

    logging.basicConfig(level=logging.WARNING, format="clock: %(message)s")
    engine = db.open_database(ctx.url, application="sgcc-clock", pool_size=1)
    try:  # an unknown center is refused at once, not retried forever
        center = wall_queries.resolve_center(engine, args.center).adcode
    except Refused as exc:
        return error(exc.message)
    os.nice(10)  # background work: the wall on the same machine comes first
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = os.getppid()

    def orphaned() -> None:  # the wall that started us is gone (killed): stop too
        while not stop.wait(2.0):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=orphaned, daemon=True).start()
    try:
        clock.run(engine, center, ctx.policies, stop)
    except KeyboardInterrupt:
        pass
    return 0
