"""`index compute`, `risk run` and `clock`: the periodic jobs, once or until stopped.

`clock --all` is the deployment's one clock (PostgreSQL): run two or more on different
machines; one leads (services.clock.lead), the others take over when it dies."""

from __future__ import annotations

import argparse
import sys
import threading

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
    which = ck.add_mutually_exclusive_group()
    which.add_argument("--center", help="region code (default: the root)")
    which.add_argument("--all", action="store_true",
                       help="the deployment's one clock for the whole database (PostgreSQL): "
                       "elected by an advisory lock; a second instance stands by")  # fmt: skip
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


CLOCK_PARENT_ENV = "CONSOLE_CLOCK_PARENT"
"""Set by a wall for the clock child it starts: the wall's process id."""


def stop_on_sigterm(stop: threading.Event) -> None:
    """SIGTERM sets `stop` from a short thread of its own, so the clock ends its pass and
    exits cleanly.

    Not `stop.set()` in the handler itself: a handler runs in the main thread between two
    bytecodes, also inside `stop.wait()` while that holds the event's lock, and then waits
    for the lock for ever. A wall's clock child hung so, in futex wait, ignoring every later
    SIGTERM, after the wall stopped it."""
    import signal

    def handler(*_: object) -> None:
        threading.Thread(target=stop.set, name="sigterm", daemon=True).start()

    signal.signal(signal.SIGTERM, handler)


def run_clock(args: argparse.Namespace, ctx: Context) -> int:
    """Run the center's clock until stopped (SIGTERM or Ctrl+C)."""
    import logging
    import os
    import threading

    from services import clock
    from services import wall as wall_queries
    from services.errors import Refused
    from services.store import db

    logging.basicConfig(level=logging.WARNING, format="clock: %(message)s")
    if getattr(args, "all", False) and not ctx.url.startswith("postgresql"):
        return error("clock --all elects one clock with a PostgreSQL advisory lock: "
                     "on SQLite the wall runs its own clock")  # fmt: skip
    engine = db.open_database(ctx.url, application="sgcc-clock", pool_size=1, pooled=ctx.pooled)
    try:  # an unknown center is refused at once, not retried forever
        center = wall_queries.resolve_center(engine, args.center).adcode
    except Refused as exc:
        return error(exc.message)
    os.nice(10)  # background work: the wall on the same machine comes first
    stop = threading.Event()
    stop_on_sigterm(stop)
    if getattr(args, "all", False):
        try:
            clock.lead(engine, center, ctx.policies, stop, lock_url=ctx.direct_url,
                       say=lambda line: print(f"clock: {line}", file=sys.stderr, flush=True))  # fmt: skip
        except KeyboardInterrupt:
            pass
        return 0
    # The wall that started us names itself: read from getppid() here, a wall killed while
    # this child was still starting (imports, the first connection: about a second) left
    # a clock whose "parent" was already init, and it ran on for ever without a wall.
    parent = int(os.environ.get(CLOCK_PARENT_ENV) or os.getppid())

    def orphaned() -> None:  # the wall that started us is gone (killed): stop too
        while True:
            if os.getppid() != parent:
                print("clock: the wall that started this clock is gone; stopping",
                      file=sys.stderr, flush=True)  # fmt: skip
                stop.set()
                return
            if stop.wait(2.0):
                return

    threading.Thread(target=orphaned, daemon=True).start()
    try:
        clock.run(engine, center, ctx.policies, stop)
    except KeyboardInterrupt:
        pass
    return 0
