"""console.py's commands that open Qt: the wall (no subcommand), `screenshot` and
`handover export`. Importing this module loads no Qt; each command imports it when run."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.cli import Context, Subparsers, progress_bar


def wall_options(q: argparse.ArgumentParser, defaults: bool = True) -> None:
    """The wall's options; a subcommand repeats them without defaults, so an option given
    before the subcommand (`--lang en screenshot`) is not reset by it."""

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    q.add_argument("--center", default=default(None),
                   help="region code of the command center (default: the root)")  # fmt: skip
    q.add_argument("--lang", default=default("zh_CN"), choices=("zh_CN", "en"))
    q.add_argument("--theme", default=default("dark"), choices=("dark", "light"))
    q.add_argument("--scale", type=float, default=default(None),
                   help="UI scale for viewing distance")  # fmt: skip


def add_wall_arguments(p: argparse.ArgumentParser) -> None:
    """The options of the wall itself (console.py with no subcommand)."""
    wall_options(p)
    p.add_argument("--screen", type=int, default=None, help="monitor index")
    p.add_argument("--fullscreen", action="store_true")
    p.add_argument("--tiles", help="splice wall tiles COLSxROWS, e.g. 3x3")
    p.add_argument("--bezel", type=int, default=0, help="bezel width between tiles, pixels")
    p.set_defaults(run=run_wall)


def register(sub: Subparsers) -> None:
    h = sub.add_parser("handover", help="交接班: export a shift's handover report to PDF")
    h.add_argument("action", choices=("export",))
    h.add_argument("--out", required=True)
    h.add_argument("--shift", type=int, help="shift id (default: the center's last ended shift)")
    h.add_argument("--center", help="region code of the center (default: the root)")
    h.set_defaults(run=run_handover_export)

    sc = sub.add_parser("screenshot", help="render the wall offscreen to a PNG and exit")
    sc.add_argument("--out", required=True)
    sc.add_argument("--size", default="1920x1080")
    sc.add_argument("--settle", type=float, default=0.0,
                    help="seconds to wait after the map is drawn (side panels fill)")  # fmt: skip
    wall_options(sc, defaults=False)
    sc.add_argument("--tiles")
    sc.add_argument("--bezel", type=int, default=0)
    sc.set_defaults(run=run_screenshot)


def run_handover_export(args: argparse.Namespace, ctx: Context) -> int:
    from services.store import db

    db.open_database(ctx.url)
    from ui.handover.pdf import export_handover_cli

    return export_handover_cli(ctx.url, args.center, args.shift, args.out)


def _ensure_default_demo(ctx: Context) -> None:
    """First run on the embedded SQLite file: build the demo there."""
    from services import demo
    from services.store import db

    engine = db.make_engine(ctx.url)
    db.check_reachable(engine)
    if not ctx.db_is_default:
        return
    if db.schema_state(engine) in ("empty", "outdated"):
        db.upgrade(engine)
    if not demo.has_data(engine):
        print("first run: building the demo database (once)…", file=sys.stderr)
        demo.build_demo(engine, demo.DemoOptions(), progress=progress_bar())


def _open(args: argparse.Namespace, ctx: Context) -> Any:
    from services.store import db

    _ensure_default_demo(ctx)
    db.open_database(ctx.url)
    from ui import app

    return app


def run_wall(args: argparse.Namespace, ctx: Context) -> int:
    return int(_open(args, ctx).run_wall(args, ctx.url))


def run_screenshot(args: argparse.Namespace, ctx: Context) -> int:
    return int(_open(args, ctx).run_screenshot(args, ctx.url))
