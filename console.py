"""社会治理综合指挥中心 console: the composition root of the command line.

    python console.py [--db URL] [--center CODE] ...      open the wall
    python console.py demo [--grids N] [--seed S] [--force]
    python console.py db upgrade | db status | db roles [--owner-db URL]
    python console.py simulate --rate R [--scenario surge] [--duration S]
    python console.py import regions|grids FILE.geojson
    python console.py import incidents FILE.csv|FILE.jsonl [--as LOGIN]
    python console.py import alerts FILE.csv|FILE.jsonl
    python console.py territory register CODE [--grids]    the register's townships/communities
    python console.py center add|list|show [CODE] [--venue-m2 M2 --screens N ...]
    python console.py import centers|departments|staff|roster|units|cameras|places|plans FILE
    python console.py import KIND --example [--format jsonl] | --columns
    python console.py user add LOGIN --center CODE --role ROLE [--name NAME]
    python console.py user passwd LOGIN
    python console.py handover export --out FILE.pdf [--shift ID] [--center CODE]
    python console.py index compute [--month 2026-11] [--region CODE]
    python console.py risk run [--region CODE]
    python console.py serve [--host 127.0.0.1] [--port 8750]
    python console.py apikey add NAME --center CODE --channel CHANNEL | list | revoke NAME
    python console.py audit verify [--anchor FILE]
    python console.py bench [--json] [--only db|feed|wall|map|dispatch|index|video]
    python console.py screenshot --out wall.png --size 3840x2160 [--center CODE]

Every command takes `--db URL` (before or after the subcommand; or CONSOLE_DB, or the
config file); without one it uses the embedded SQLite file and builds the demo there on
first run. `--read-db URL` (or CONSOLE_READ_DB, or database.read_url) sends the wall's
reads to a hot standby. `--owner-db URL` (or CONSOLE_OWNER_DB, or database.owner_url) is the owner role
that `db upgrade`, `db roles` and `demo` use on PostgreSQL. Bad arguments, a bad config
file and database problems print one line and exit with code 2. Each command lives in
a module of its own (services/cli/, ui/commands.py, tests/bench/command.py); this file
only collects them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

EXIT_DB = 2
EXIT_USAGE = 2  # argparse's own code for bad arguments


def _command_modules() -> list[ModuleType]:
    from services.cli import audit, data, database, imports, jobs, onboarding, serve, users
    from tests.bench import command as bench
    from ui import commands as wall

    return [data, database, imports, onboarding, users, serve, wall, jobs, audit, bench]


class _Parser(argparse.ArgumentParser):
    """Bad arguments are one line on stderr (`error: argument --tiles: ...`), not a usage
    block; `--help` still shows the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from ui.commands import add_wall_arguments

    p = _Parser(prog="console.py", description="社会治理综合指挥中心 console")
    p.add_argument("--db", help="SQLite path or postgresql+psycopg:// URL")
    p.add_argument("--owner-db", help="the owner role's URL (db upgrade, db roles, demo)")
    p.add_argument("--read-db", help="a hot standby's postgresql+psycopg:// URL for reads")
    add_wall_arguments(p)
    sub = p.add_subparsers(dest="command")
    for module in _command_modules():
        module.register(sub)
    for q in sub.choices.values():  # `--db` counts after the subcommand too
        q.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        q.add_argument("--owner-db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        q.add_argument("--read-db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from services.cli import Context
    from services.config import ConfigError, config_path, load_settings
    from services.policies import Policies
    from services.store.db import DatabaseError

    try:
        settings = load_settings(args.db, args.owner_db, args.read_db)
        # Every policy, built once here (a bad value stops here, named).
        policies = Policies.load(settings.raw, f"config file {config_path()}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    ctx = Context(
        url=settings.db_url,
        db_is_default=settings.db_is_default,
        raw=settings.raw,
        owner_url=settings.owner_url,
        timezone=settings.timezone,
        tiles_url=settings.tiles_url,
        policies=policies,
        read_url=settings.read_url,
        max_replica_lag_s=settings.max_replica_lag_s,
        pooled=settings.pooled,
        direct_url=settings.direct_url,
    )
    try:
        return int(args.run(args, ctx))
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DB


if __name__ == "__main__":
    sys.exit(main())
