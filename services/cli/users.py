"""`user add|list|passwd`: console accounts, run on the server by an administrator."""

from __future__ import annotations

import argparse
import sys

from services.cli import Context, Subparsers


def register(sub: Subparsers) -> None:
    u = sub.add_parser("user", help="console accounts")
    u.add_argument("action", choices=("add", "list", "passwd"))
    u.add_argument("login", nargs="?")
    u.add_argument("--center", help="adcode of the account's center")
    u.add_argument("--role", choices=("duty_officer", "leader", "operator", "viewer"))
    u.add_argument("--name", default="")
    u.add_argument("--password", help="(default: asked for; CONSOLE_PASSWORD also works)")
    u.set_defaults(run=run_user)


def run_user(args: argparse.Namespace, ctx: Context) -> int:
    """Add or list console accounts."""
    import getpass
    import os

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from services import accounts
    from services.errors import Refused
    from services.store import db, models
    from services.territory import onboarding

    engine = db.open_database(ctx.url)
    c, r, user = models.CommandCenter, models.Region, models.User
    with Session(engine) as s, s.begin():
        if args.action == "passwd":  # imported accounts have none until this
            if not args.login:
                print("error: user passwd needs LOGIN", file=sys.stderr)
                return 1
            password = args.password or os.environ.get("CONSOLE_PASSWORD") or getpass.getpass()
            try:
                accounts.set_password(s, onboarding.admin_actor(), args.login, password)
            except Refused as exc:
                print(f"error: {exc.message}", file=sys.stderr)
                return 1
            print(f"password set for {args.login}")
            return 0
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
