"""`serve`, `apikey add|list|revoke`: the intake service and the keys other systems call it with."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import logging
import sys
from typing import Any

from services.cli import Context, Subparsers, error
from services.incidents.intake import INTAKE_CHANNELS


def register(sub: Subparsers) -> None:
    s = sub.add_parser("serve", help="the HTTP intake service and the grid workers' field page")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8750)
    s.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    s.set_defaults(run=run_serve)

    k = sub.add_parser("apikey", help="API keys of other systems for the intake service")
    k.add_argument("action", choices=("add", "list", "revoke"))
    k.add_argument("name", nargs="?")
    k.add_argument("--center", help="adcode of the key's center (its region subtree)")
    k.add_argument("--channel", action="append", choices=INTAKE_CHANNELS,
                   help="a channel the key may file by (repeat for more)")  # fmt: skip
    k.add_argument("--rate", type=float, default=None, help="requests per second (default 20)")
    k.add_argument("--webhook", default="", help="URL to push the key's case changes to")
    k.set_defaults(run=run_apikey)


def run_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Serve until interrupted, on the same database as the consoles."""
    import uvicorn

    from services.config import data_dir
    from services.intake.address import register_locator
    from services.intake.app import create_app
    from services.store import db

    pool: dict[str, Any] = ({} if ctx.url.startswith("sqlite") else
                            {"pool_size": 12, "max_overflow": 8, "pool_timeout": 10})  # fmt: skip
    engine = db.make_engine(ctx.url, application="sgcc-intake", pooled=ctx.pooled, **pool)
    db.check_reachable(engine)
    db.require_current(engine)
    policies = ctx.policies  # built once by console.py from the configuration
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from services import wall as wall_queries

    root = wall_queries.root_region_code(engine)
    addresses = register_locator(root[:2] + "0000")
    if addresses is None:
        logging.getLogger("services.intake").warning(
            "address matching is off: the township register is not installed (bin/setup.sh)")
    app = create_app(engine, policies, data_dir=data_dir(), addresses=addresses,
                     wake_url=ctx.direct_url)  # fmt: skip
    print(f"intake service on http://{args.host}:{args.port}/ ({db.describe(engine)}); "
          f"API docs at /api/v1/docs, field page at /field/", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                access_log=args.log_level == "debug", server_header=False,
                timeout_graceful_shutdown=5)  # open event streams must not hold up a stop  # fmt: skip
    return 0


def run_apikey(args: argparse.Namespace, ctx: Context) -> int:
    """Add (token shown once), list or revoke keys."""
    from sqlalchemy.orm import Session

    from services import accounts
    from services import wall as wall_queries
    from services.errors import Refused
    from services.intake import access
    from services.store import db

    engine = db.open_database(ctx.url)
    if args.action == "list":
        with Session(engine) as s:
            keys = access.list_keys(s)
        for key in keys:
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            hook = f"\twebhook {key.webhook_url} after {key.webhook_after}" if key.webhook_url else ""
            if key.webhook_failures:
                hook += f" ({key.webhook_failures} failures: {key.webhook_last_error})"
            print(f"{key.name}\t{key.prefix}…\t{key.center_code}\t{','.join(key.channels)}\t"
                  f"{key.rate_per_s:g}/s\t{state}{hook}")  # fmt: skip
        return 0
    if not args.name:
        return error(f"apikey {args.action} needs NAME")
    with Session(engine) as s, s.begin():
        from sqlalchemy import select

        from services.store import models

        root = wall_queries.root_region_code(engine)
        region = s.scalar(select(models.Region).where(models.Region.adcode == root))
        if region is None:
            return error("the database has no territory yet")
        admin = dataclasses.replace(accounts.system_actor(region, None),
                                    login=f"cli:{getpass.getuser()}")  # fmt: skip
        try:
            if args.action == "revoke":
                access.revoke_key(s, admin, args.name)
                print(f"revoked {args.name}")
                return 0
            if not (args.center and args.channel):
                return error("apikey add needs NAME --center CODE --channel CHANNEL")
            _id, token = access.create_key(
                s, admin, args.name, args.center, args.channel,
                rate_per_s=args.rate or access.DEFAULT_RATE, webhook_url=args.webhook,
            )  # fmt: skip
        except Refused as exc:
            return error(exc.message)
    print(f"added key {args.name} for {args.center} ({', '.join(sorted(set(args.channel)))})")
    print("token (shown once, keep it secret):", file=sys.stderr)
    print(token)
    return 0
