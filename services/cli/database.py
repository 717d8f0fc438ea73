"""`db upgrade | status | roles`: the schema, and the PostgreSQL roles that use it.

`db upgrade` and `db roles` connect as the owner role (`--owner-db URL`, `CONSOLE_OWNER_DB`
or `database.owner_url`; without one, the database URL itself); `db status` as the console
does. See README "Database roles" and services/store/roles.py.
"""

from __future__ import annotations

import argparse

from services.cli import EXIT_DB, Context, Subparsers, error


def register(sub: Subparsers) -> None:
    db = sub.add_parser("db", help="schema: upgrade or status; roles: least-privilege roles")
    db.add_argument("action", choices=("upgrade", "status", "roles"))
    db.add_argument("--owner-role", help="the owner role's name (default: database.owner_role, "
                    "else console_owner)")  # fmt: skip
    db.add_argument("--app-role", help="the application role's name (default: "
                    "database.app_role, else console_app)")  # fmt: skip
    db.set_defaults(run=run_db)


def run_db(args: argparse.Namespace, ctx: Context) -> int:
    from services.store import db, roles

    if args.action == "status":
        engine = db.make_engine(ctx.url)
        db.check_reachable(engine)
        print(f"{db.describe(engine)}: {db.schema_state(engine)} ({db.current_revision(engine)})")
        return 0
    try:
        names = roles.RoleNames.from_config(ctx.raw.get("database", {}))
        if args.owner_role or args.app_role:
            names = roles.RoleNames(args.owner_role or names.owner, args.app_role or names.app)
    except roles.RolesRefused as exc:
        return error(str(exc))
    engine = db.make_engine(ctx.owner_url or ctx.url)
    db.check_reachable(engine)
    if args.action == "upgrade":
        db.upgrade(engine)
        regranted = False
        if not db.is_sqlite(engine):
            try:
                with engine.begin() as conn:
                    if roles.app_role_exists(conn, names) and roles.is_set_up(conn, names):
                        # New tables get the app role's grants, append-only ones stay so.
                        roles.grant(conn, roles.RoleNames(roles.schema_owner(conn), names.app))
                        regranted = True
            except roles.RolesRefused as exc:
                return error(f"schema upgraded, but {exc}", EXIT_DB)
        note = f"; grants of {names.app} re-applied" if regranted else ""
        print(f"schema of {db.describe(engine)} is at {db.head_revision()}{note}")
        return 0
    if db.is_sqlite(engine):
        return error("db roles: SQLite has no roles; protect the database file with file "
                     "permissions (readable and writable by the console's user only)")  # fmt: skip
    try:
        with engine.begin() as conn:
            done = roles.setup(conn, names)
    except roles.RolesRefused as exc:
        return error(str(exc), EXIT_DB)
    for stmt in done:
        print(stmt)
    target = engine.url
    print(f"roles ready: point database.url at {target.set(username=names.app, password=None).render_as_string()}"
          f" and database.owner_url at {target.set(username=names.owner, password=None).render_as_string()}"
          " (passwords: ~/.pgpass, see README)")  # fmt: skip
    return 0
