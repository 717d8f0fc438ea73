"""`import KIND FILE`: all-or-nothing, every bad row named.

Territory (GeoJSON): regions, grids. Operations (CSV or JSON Lines): incidents, alerts.
Onboarding a center (CSV or JSON Lines): centers, departments, staff, roster, units,
cameras, places, plans; `import KIND --example` prints an example file of the kind and
`import KIND --columns` what each column means.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from services.cli import Context, Subparsers
from services.policies import Policies

GEOJSON_KINDS = ("regions", "grids")
ONBOARDING_KINDS = (
    "centers", "departments", "staff", "roster", "units", "cameras", "places", "plans",
)  # fmt: skip
KINDS = (*GEOJSON_KINDS, "incidents", "alerts", *ONBOARDING_KINDS)


def onboarding(kind: str) -> tuple[Any, Callable[..., int]]:
    """(template, import function) of an onboarding kind (imported when asked for)."""
    from services.dispatch import onboarding as forces
    from services.handover import onboarding as people
    from services.territory import onboarding as territory
    from services.video import onboarding as video

    return {
        "centers": (territory.CENTERS, territory.import_centers),
        "departments": (territory.DEPARTMENTS, territory.import_departments),
        "staff": (people.STAFF, people.import_staff),
        "roster": (people.ROSTER, people.import_roster),
        "units": (forces.UNITS, forces.import_units),
        "places": (forces.PLACES, forces.import_places),
        "plans": (forces.PLANS, forces.import_plans),
        "cameras": (video.CAMERAS, video.import_cameras),
    }[kind]


def register(sub: Subparsers) -> None:
    i = sub.add_parser(
        "import",
        help="import territory (GeoJSON), incidents/alerts, or a center's own data (CSV/JSONL)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument("kind", choices=KINDS)
    i.add_argument("file", nargs="?", help="the file (.csv, or .jsonl for JSON Lines)")
    i.add_argument("--as", dest="login",
                   help="account doing it (default: system / the administrator); "
                        "its region bounds what it may add")  # fmt: skip
    i.add_argument("--example", action="store_true", help="print an example file of KIND")
    i.add_argument("--columns", action="store_true", help="print what each column of KIND means")
    i.add_argument("--format", choices=("csv", "jsonl"), default="csv",
                   help="of the --example (default csv)")  # fmt: skip
    i.set_defaults(run=run_import)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from services.cli import error
    from services.store import db
    from services.territory import importer as importers

    if args.example or args.columns:
        if args.kind not in ONBOARDING_KINDS:
            return error(f"--example and --columns are for {', '.join(ONBOARDING_KINDS)}")
        template, _ = onboarding(args.kind)
        sys.stdout.write(template.describe() + "\n" if args.columns else template.example(args.format))
        return 0
    if not args.file:
        return error(f"import {args.kind} needs a FILE (or --example)")
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
        if args.kind in ONBOARDING_KINDS:
            return _import_onboarding(engine, args)
        result = importers.import_geojson(engine, args.kind, args.file)
    except importers.ImportRejected as exc:
        print(f"import refused, nothing written: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"imported {result} {args.kind}")
    return 0


def _import_onboarding(engine: Any, args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from services.cli import error
    from services.errors import Refused
    from services.territory import onboarding as territory

    with Session(engine) as s:
        try:
            actor = territory.cli_actor(s, args.login)
        except Refused as exc:
            return error(exc.message)
    _, run = onboarding(args.kind)
    count = run(engine, actor, args.file)
    print(f"imported {count} {args.kind}")
    return 0


def _import_incidents(engine: object, args: argparse.Namespace, policies: Policies) -> int:
    from sqlalchemy import Engine, select
    from sqlalchemy.orm import Session

    from services import accounts
    from services import wall as wall_queries
    from services.errors import Refused
    from services.incidents import importer as incident_import
    from services.store import models

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
    try:
        summary = incident_import.import_incidents(
            engine, actor, args.file, policy=policies.incidents
        )
    except incident_import.ImportInterrupted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"imported {summary.added} incidents ({summary.already_there} already there)")
    return 0
