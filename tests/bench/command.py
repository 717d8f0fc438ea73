"""`console.py bench`: every area's measures side by side in one process, as a table."""

from __future__ import annotations

import argparse
import json

from services.cli import Context, Subparsers

AREAS = ("db", "feed", "wall", "map", "dispatch", "index", "video", "intake", "soak", "scale")


def register(sub: Subparsers) -> None:
    b = sub.add_parser("bench", help="measure against targets and print a table")
    b.add_argument("--json", action="store_true", help="print the rows as JSON")
    b.add_argument("--only", help="one area: " + ", ".join(AREAS))
    b.add_argument("--grids", type=int, default=109_000, help="cells for the db.* rows")
    b.add_argument("--seconds", type=float, default=20.0,
                   help="scale: how long the writer writes per row (8 rows)")
    b.add_argument("--minutes", type=float, default=20.0,
                   help="soak: minutes of the accelerated day (default 20)")  # fmt: skip
    b.set_defaults(run=run_bench)


def run_bench(args: argparse.Namespace, ctx: Context) -> int:
    """Run every area's measures (or `--only AREA`) side by side in this one process."""
    from tests.bench import db_bench
    from tests.bench.table import BenchRow, format_table

    only = args.only
    rows: list[BenchRow] = []
    if only in (None, "db", "feed"):
        rows += db_bench.run(grids=args.grids, only=only)
    if only in (None, "map"):
        from ui.app import prepare_qt

        prepare_qt()
        from tests.bench.map_bench import run_map_bench

        rows += run_map_bench()
    if only in (None, "wall"):
        from tests.bench.wall_bench import run_wall_bench

        rows += run_wall_bench()
    if only in (None, "dispatch"):
        from tests.bench import dispatch_bench

        rows += dispatch_bench.run()
    if only in (None, "index"):
        from tests.bench import index_bench

        rows += index_bench.run(grids=args.grids)
    if only in (None, "video"):
        from tests.bench.video_bench import video_bench_rows

        rows += video_bench_rows()
    if only in (None, "intake"):
        from tests.bench import intake_bench

        rows += intake_bench.run()
    if only in (None, "soak"):
        from tests.bench.soak_bench import run_soak_bench

        rows += run_soak_bench(minutes=args.minutes)
    if only == "scale":  # not in the default run: it starts a cluster of its own
        from tests.bench import scale_bench

        rows += scale_bench.run(seconds=args.seconds)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(format_table(rows))
    return 0
