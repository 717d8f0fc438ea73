"""`import regions|grids|incidents|alerts FILE`: all-or-nothing, every bad row named."""

from __future__ import annotations

import argparse
import sys

from services.cli import Context, Subparsers
from services.policies import Policies


def register(sub: Subparsers) -> None:
    i = sub.add_parser("import", help="import regions/grids (GeoJSON) or incidents (CSV/JSONL)")
    i.add_argument("kind", choices=("regions", "grids", "incidents", "alerts"))
    i.add_argument("file")
    i.add_argument("--as", dest="login", help="account filing the incidents (default: system)")
    i.set_defaults(run=run_import)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from services.store import db
    from services.territory import importer as importers

    # Regions can go into an empty database (its schema is made first); cases and alerts
    # need regions, so an empty database is refused before anything is written.
    engine = db.open_database(ctx.url, upgrade_empty=args.kind in ("regions", "grids"))
    try:
        if args.kind == "incidents":
            return _import_incidents(engine, args, ctx.policies)
        if args.kind == "alerts":
            from services.risk import cli as index_cli

            code, lines = index_cli.import_alerts(engine, args.file)
            for line in lines:
                print(line, file=sys.stderr if code else sys.stdout)
            return code
        result = importers.import_geojson(engine, args.kind, args.file)
    except importers.ImportRejected as exc:
        print(f"import refused, nothing written: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"imported {result} {args.kind}")
    return 0


def _import_incidents(engine: object, args: argparse.Namespace, policies: Policies) -> int:
    from sqlalchemy import Engine, select
    from sqlalchemy.orm import Session

    from services import accounts
    from services.errors import Refused
    from services.incidents import importer as incident_import
    from services.store import models
    from services.wall import queries as wall_queries

    assert isinstance(engine, Engine)
    with Session(engine) as s:
        try:
            if args.login:
                actor = accounts.actor_for(s, args.login)
            else:
                root = wall_queries.resolve_center(engine, None).adcode  # Refused if no regions
                region = s.scalar(select(models.Region).where(models.Region.adcode == root))
                assert region is not None
                actor = accounts.system_actor(region, None)
        except Refused as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
    summary = incident_import.import_incidents(engine, actor, args.file, policy=policies.incidents)
    print(f"imported {summary.added} incidents ({summary.already_there} already there)")
    return 0
