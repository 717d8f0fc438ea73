"""console.py's commands that open Qt: the wall (no subcommand), `screenshot` and
`handover export`. Importing this module loads no Qt; each command imports it when run."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.cli import Context, Subparsers, error, progress_bar

MAX_SIDE = 16384  # pixels: beyond any splice wall's graphics card
MAX_TILES = 32  # panels a side


def _pair(text: str, what: str, low: int, high: int, example: str) -> str:
    """'COLSxROWS' / 'WIDTHxHEIGHT' checked, as the canonical 'AxB'."""
    a, sep, b = text.strip().lower().partition("x")
    if not (sep and a.isdigit() and b.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what} (e.g. {example})")
    x, y = int(a), int(b)
    if not (low <= x <= high and low <= y <= high):
        raise argparse.ArgumentTypeError(f"{text!r}: each side must be {low} to {high}")
    return f"{x}x{y}"


def tiles_arg(text: str) -> str:
    """`--tiles COLSxROWS`: a splice wall of 1 to 32 panels a side."""
    return _pair(text, "COLSxROWS", 1, MAX_TILES, "3x2")


def size_arg(text: str) -> str:
    """`--size WIDTHxHEIGHT` in pixels, 16 to 16384 a side."""
    return _pair(text, "WIDTHxHEIGHT in pixels", 16, MAX_SIDE, "1920x1080")


def scale_arg(text: str) -> float:
    """`--scale`: a UI scale above 0 (0.25 to 8)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.25 <= value <= 8:
        raise argparse.ArgumentTypeError(f"{text!r}: the UI scale must be 0.25 to 8")
    return value


def pixels_arg(text: str) -> int:
    """A width in pixels, 0 or more (the bezel between tiles)."""
    if not text.strip().isdigit() or int(text) > 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a width of 0 to 1000 pixels")
    return int(text)


def seconds_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r}: seconds must be 0 to 600")
    return value


def rotate_arg(text: str) -> float:
    """`--rotate SECONDS`: 0 (off) or 1 to 3600."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value != 0 and not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r}: seconds must be 0 (off) or 1 to 3600")
    return value


def wall_options(q: argparse.ArgumentParser, defaults: bool = True) -> None:
    """The wall's options; a subcommand repeats them without defaults, so an option given
    before the subcommand (`--lang en screenshot`) is not reset by it."""

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    q.add_argument("--center", default=default(None),
                   help="region code of the command center (default: the root)")  # fmt: skip
    q.add_argument("--lang", default=default("zh_CN"), choices=("zh_CN", "en"))
    q.add_argument("--theme", default=default("dark"), choices=("dark", "light"))
    q.add_argument("--scale", type=scale_arg, default=default(None),
                   help="UI scale for viewing distance")  # fmt: skip


def add_wall_arguments(p: argparse.ArgumentParser) -> None:
    """The options of the wall itself (console.py with no subcommand)."""
    wall_options(p)
    p.add_argument("--screen", type=int, default=None, help="monitor index")
    p.add_argument("--fullscreen", action="store_true")
    p.add_argument("--kiosk", action="store_true",
                   help="unattended wall: full screen, last layout, closing needs an officer's password")  # fmt: skip
    p.add_argument("--tiles", type=tiles_arg, help="splice wall tiles COLSxROWS, e.g. 3x3")
    p.add_argument("--bezel", type=pixels_arg, default=0, help="bezel width between tiles, pixels")
    p.add_argument("--rotate", type=rotate_arg, default=None, metavar="SECONDS",
                   help="unattended wall: cycle the main area every SECONDS (config [wall] rotate; 0: off)")  # fmt: skip
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
    sc.add_argument("--size", type=size_arg, default="1920x1080")
    sc.add_argument("--settle", type=seconds_arg, default=0.0,
                    help="seconds to wait after the map is drawn (side panels fill)")  # fmt: skip
    wall_options(sc, defaults=False)
    sc.add_argument("--tiles", type=tiles_arg)
    sc.add_argument("--bezel", type=pixels_arg, default=0)
    sc.set_defaults(run=run_screenshot)


def run_handover_export(args: argparse.Namespace, ctx: Context) -> int:
    from services.errors import Refused
    from services.store import db
    from services.wall.regions import resolve_center

    engine = db.open_database(ctx.url)
    try:
        resolve_center(engine, args.center)
    except Refused as exc:
        return error(exc.message)
    finally:
        engine.dispose()
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
    """The ui.app module, once the database and the center are known good; raises Refused
    (one line) for an unknown `--center`, before Qt is loaded."""
    from services.store import db
    from services.wall.regions import resolve_center

    _ensure_default_demo(ctx)
    engine = db.open_database(ctx.url)
    try:
        resolve_center(engine, getattr(args, "center", None))
    finally:
        engine.dispose()
    from ui import app

    return app


def _rotation(args: argparse.Namespace, ctx: Context) -> Any:
    """The wall's rotation (services.wall.rotation), checked against the console's
    jurisdiction before Qt is loaded; ConfigError (one line) when it cannot be used."""
    from services.config import config_path
    from services.store import db
    from services.wall.regions import resolve_center
    from services.wall.rotation import load_rotation

    engine = db.open_database(ctx.url)
    try:
        root = resolve_center(engine, getattr(args, "center", None)).adcode
        return load_rotation(engine, ctx.raw, root, seconds=getattr(args, "rotate", None),
                             where=f"config file {config_path()}")  # fmt: skip
    finally:
        engine.dispose()


def run_wall(args: argparse.Namespace, ctx: Context) -> int:
    from services.config import ConfigError
    from services.errors import Refused

    try:
        app = _open(args, ctx)
        args.rotation = _rotation(args, ctx)
    except Refused as exc:
        return error(exc.message)
    except ConfigError as exc:  # a bad config file exits 2, as console.py's own check
        return error(str(exc), code=2)
    return int(app.run_wall(args, ctx.url, read_url=ctx.read_url, pooled=ctx.pooled,
                            direct_url=ctx.direct_url,
                            max_replica_lag_s=ctx.max_replica_lag_s))  # fmt: skip


def run_screenshot(args: argparse.Namespace, ctx: Context) -> int:
    from services.errors import Refused

    try:
        app = _open(args, ctx)
    except Refused as exc:
        return error(exc.message)
    return int(app.run_screenshot(args, ctx.url))
