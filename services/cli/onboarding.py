"""`center add|list|show` and `territory register`: setting up a real center.

The order that onboards a province from an empty database (README, "Onboarding a real
center"): `import regions` (boundaries), `territory register` (the register's townships
and communities), `import centers` or `center add`, `import departments`, `import staff`
and `user passwd`, `import roster`, `import units`, `import cameras`, `import places`,
`import plans`.
"""

from __future__ import annotations

import argparse
import sys

from services.cli import Context, Subparsers, error


def register(sub: Subparsers) -> None:
    c = sub.add_parser("center", help="command centers: add one, list them, show one")
    c.add_argument("action", choices=("add", "list", "show"))
    c.add_argument("region", nargs="?", help="adcode of the center's region (list: under it)")
    c.add_argument("--name", default="", help="default: the region's name + 社会治理综合指挥中心")
    c.add_argument("--venue-m2", type=float, default=None, help="有场地: venue floor area, m²")
    c.add_argument("--screens", type=int, default=None, help="有大屏: panels of the display")
    c.add_argument("--screens-working", type=int, default=None, help="panels working (default all)")
    c.add_argument("--staff-required", type=int, default=2, help="有人员: officers on duty at once")
    c.add_argument("--no-24h", action="store_true", help="有机制: not operating 24 hours")
    c.add_argument("--room-url", default="", help="the center's room on the video network")
    c.add_argument("--as", dest="login", help="account doing it (default: the administrator)")
    c.set_defaults(run=run_center)

    t = sub.add_parser(
        "territory",
        help="lay out the register's townships and communities inside imported counties",
    )
    t.add_argument("action", choices=("register",))
    t.add_argument("region", help="adcode of a province, city or county already imported")
    t.add_argument("--no-communities", action="store_true", help="townships only")
    t.add_argument("--grids", action="store_true",
                   help="also cut grid cells by the population model (one per ~1,000 urban / "
                        "~280 rural people)")  # fmt: skip
    t.add_argument("--seed", type=int, default=7)
    t.add_argument("--as", dest="login", help="account doing it (default: the administrator)")
    t.set_defaults(run=run_territory)


def _actor(engine: object, login: str | None) -> object:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from services.territory import onboarding

    assert isinstance(engine, Engine)
    with Session(engine) as s:
        return onboarding.cli_actor(s, login)


def run_center(args: argparse.Namespace, ctx: Context) -> int:
    from services.accounts import Actor
    from services.errors import Refused
    from services.store import db
    from services.territory import onboarding

    engine = db.open_database(ctx.url, upgrade_empty=True)
    try:
        actor = _actor(engine, args.login)
        assert isinstance(actor, Actor)
        if args.action == "list":
            for row in onboarding.centers(engine, actor, args.region):
                print(f"{row.region_code}\t{row.level}\t{row.name}\t"
                      f"staff {row.staff}\taccounts {row.accounts}\tshifts {row.shifts}")  # fmt: skip
            return 0
        if not args.region:
            return error(f"center {args.action} needs the region's adcode")
        if args.action == "show":
            _show(onboarding.center_detail(engine, actor, args.region))
            return 0
        if args.venue_m2 is None or args.screens is None:
            return error("center add needs --venue-m2 and --screens (the four haves' facts)")
        spec = onboarding.CenterSpec(
            region=args.region, name=args.name, venue_area_m2=args.venue_m2,
            screen_count=args.screens,
            screen_ok=args.screens if args.screens_working is None else args.screens_working,
            required_on_duty=args.staff_required, has_24h_operation=not args.no_24h,
            room_stream_url=args.room_url,
        )  # fmt: skip
        onboarding.add_center(engine, actor, spec)
    except Refused as exc:
        return error(exc.message)
    print(f"added the center of {args.region}")
    return 0


def _show(d: object) -> None:
    from services.territory.onboarding import CenterDetail

    assert isinstance(d, CenterDetail)
    r = d.row
    print(f"{r.name} ({r.region_name} {r.region_code}, {r.level})")
    print(f"  venue {d.venue_area_m2:g} m² · screens {d.screen_ok}/{d.screen_count} working · "
          f"{d.required_on_duty} on duty required · 24h {'yes' if d.has_24h_operation else 'no'}")
    print(f"  on duty now: {d.duty_officer or '-'} · leader {d.leader_on_duty or '-'}")
    for key, met, reason in d.four_haves:
        print(f"  {'✓' if met else '✗'} {key}: {reason}")
    print(f"  staff {r.staff} · accounts {r.accounts} · shifts {r.shifts} · "
          f"units {d.units} · cameras {d.cameras}")
    for name, kind, platform in d.departments:
        print(f"  department {name} ({kind}{', ' + platform if platform else ''})")


def run_territory(args: argparse.Namespace, ctx: Context) -> int:
    from services.accounts import Actor
    from services.errors import Refused
    from services.store import db
    from services.territory import onboarding
    from services.territory.register import RegisterNotInstalled

    engine = db.open_database(ctx.url, upgrade_empty=True)
    try:
        actor = _actor(engine, args.login)
        assert isinstance(actor, Actor)
        summary = onboarding.lay_out_register(
            engine, actor, args.region, communities=not args.no_communities,
            grids=args.grids, seed=args.seed,
        )  # fmt: skip
    except (Refused, RegisterNotInstalled) as exc:
        return error(exc.message if isinstance(exc, Refused) else str(exc))
    print(f"laid out {summary.townships} townships, {summary.communities} communities and "
          f"{summary.grids} grid cells in {summary.counties} counties")  # fmt: skip
    if summary.skipped:
        print(f"  no register townships for {', '.join(summary.skipped)}", file=sys.stderr)
    return 0
