"""Least-privilege PostgreSQL roles: an owner that runs migrations, an application role
that only reads and writes rows.

The console, its clock, the simulator and the importers connect as the application role
(`database.url`). It may SELECT, INSERT and UPDATE the working tables, only SELECT and
INSERT the append-only ones (the audit log, the change feed and the timelines), only
SELECT the schema version, and use the sequences. It owns nothing, so it cannot ALTER a
table, disable the audit log's trigger or drop it; it has no TRUNCATE or DELETE anywhere
(nothing in the console deletes rows); and as neither a superuser nor a holder of that
setting it cannot `SET session_replication_role = replica`, which would skip triggers.

The owner role (`database.owner_url`) owns the database, its schema objects, and runs
`db upgrade`, `db roles` and `demo` (a demo rebuild empties every table, the audit log
included). Roles are cluster-wide: creating them needs a superuser or CREATEROLE once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError

DEFAULT_OWNER = "console_owner"
DEFAULT_APP = "console_app"

READ = ("SELECT",)
APPEND = ("SELECT", "INSERT")
WRITE = ("SELECT", "INSERT", "UPDATE")

# Rows the console only ever adds: the audit log (append-only, also enforced by its
# trigger), the change feed, and the timelines of cases, alerts, handovers and duty logs
# (corrections are new entries).
APPEND_ONLY_TABLES = frozenset(
    {"audit_log", "change_log", "incident_event", "risk_alert_event", "handover_event", "duty_log"}
)
# Written by migrations only, or only by the commit step of migration 0010 (its trigger
# functions are SECURITY DEFINER: the application role cannot number the feed, forge a
# seal or touch the commit markers by hand).
READ_ONLY_TABLES = frozenset({"alembic_version", "audit_seal", "feed_commit"})

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RolesRefused(Exception):
    """A role set-up that cannot be done; the message is one clear line."""


@dataclass(frozen=True)
class RoleNames:
    """The two roles' names (configurable as database.owner_role / database.app_role)."""

    owner: str = DEFAULT_OWNER
    app: str = DEFAULT_APP

    def __post_init__(self) -> None:
        for name in (self.owner, self.app):
            if not _NAME.match(name):
                raise RolesRefused(f"role name {name!r}: use lower-case letters, digits and _")
        if self.owner == self.app:
            raise RolesRefused(f"the owner and the application role must differ ({self.owner})")

    @classmethod
    def from_config(cls, database: Mapping[str, Any]) -> RoleNames:
        owner, app = database.get("owner_role", DEFAULT_OWNER), database.get("app_role", DEFAULT_APP)
        if not isinstance(owner, str) or not isinstance(app, str):
            raise RolesRefused("database.owner_role and database.app_role must be strings")
        return cls(owner=owner, app=app)


def table_privileges(table: str) -> tuple[str, ...]:
    """What the application role may do to a table of the console's schema."""
    if table in READ_ONLY_TABLES:
        return READ
    if table in APPEND_ONLY_TABLES:
        return APPEND
    return WRITE


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar())


def ensure_roles(conn: Connection, names: RoleNames) -> list[str]:
    """Create the two login roles if they are missing (idempotent; needs CREATEROLE), and
    refuse an existing application role that could bypass the grants. Returns what it did."""
    done: list[str] = []
    for name in (names.owner, names.app):
        if _role_exists(conn, name):
            continue
        stmt = (f"CREATE ROLE {_q(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOREPLICATION NOBYPASSRLS")  # fmt: skip
        try:
            with conn.begin_nested():
                conn.execute(text(stmt))
        except (IntegrityError, ProgrammingError) as exc:
            if _role_exists(conn, name):  # another session created it a moment ago
                continue
            raise RolesRefused(
                f"cannot create role {name}: {_reason(exc)} (run `db roles` once as a superuser)"
            ) from None
        done.append(stmt)
    app = conn.execute(
        text("SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolreplication "
             "FROM pg_roles WHERE rolname = :n"), {"n": names.app},
    ).scalar()  # fmt: skip
    if app:
        raise RolesRefused(
            f"role {names.app} is a superuser or may bypass grants: it cannot be the application role"
        )
    member = conn.execute(
        text("SELECT pg_has_role(:app, :owner, 'USAGE')"), {"app": names.app, "owner": names.owner}
    ).scalar()
    if member:
        raise RolesRefused(f"role {names.app} is a member of {names.owner}: revoke that first")
    return done


def _objects(conn: Connection, kinds: str) -> list[tuple[str, str]]:
    """(name, owner) of the public schema's relations of these pg_class kinds."""
    rows = conn.execute(
        text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = ANY(:kinds) ORDER BY c.relname"
        ),
        {"kinds": list(kinds)},
    )
    return [(str(a), str(b)) for a, b in rows]


def take_ownership(conn: Connection, names: RoleNames) -> list[str]:
    """Make the owner role own the database and every object of its public schema (tables,
    sequences, views, functions): needs a superuser unless the owner already owns them."""
    done: list[str] = []
    database = str(conn.execute(text("SELECT current_database()")).scalar())
    db_owner = conn.execute(
        text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d"), {"d": database}
    ).scalar()
    if db_owner != names.owner:
        _run(conn, f"ALTER DATABASE {_q(database)} OWNER TO {_q(names.owner)}", names, done)
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
    for kind, word in kinds.items():
        for name, owner in _objects(conn, kind):
            if owner != names.owner:
                _run(conn, f"ALTER {word} {_q(name)} OWNER TO {_q(names.owner)}", names, done)
    # After the tables: a sequence of a serial column moves with its table.
    for name, owner in _objects(conn, "S"):
        if owner != names.owner:
            _run(conn, f"ALTER SEQUENCE {_q(name)} OWNER TO {_q(names.owner)}", names, done)
    for signature, owner in conn.execute(
        text(
            "SELECT p.oid::regprocedure::text, pg_get_userbyid(p.proowner) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        )
    ).all():
        if owner != names.owner:
            _run(conn, f"ALTER FUNCTION {signature} OWNER TO {_q(names.owner)}", names, done)
    return done


def _run(conn: Connection, stmt: str, names: RoleNames, done: list[str]) -> None:
    try:
        with conn.begin_nested():
            conn.execute(text(stmt))
    except DBAPIError as exc:
        raise RolesRefused(
            f"cannot give {names.owner} the schema ({stmt}): {_reason(exc)} "
            "(run `db roles` once as a superuser)"
        ) from None
    done.append(stmt)


def grant(conn: Connection, names: RoleNames) -> list[str]:
    """Give the application role exactly what it needs, removing anything else it held on
    this schema; set the owner's default privileges so tables added by later migrations
    are usable too (`db upgrade` re-applies this, so append-only rules come back). Runs as
    the owner or a superuser. Returns the statements, which are the grants made."""
    database = str(conn.execute(text("SELECT current_database()")).scalar())
    app, owner = _q(names.app), _q(names.owner)
    tables = [name for name, _ in _objects(conn, "rp")]
    stmts = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA public FROM {app}",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(database)} TO {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
    ]
    for table in tables:
        stmts.append(f"GRANT {', '.join(table_privileges(table))} ON TABLE {_q(table)} TO {app}")
    stmts += [
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT {', '.join(WRITE)} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT USAGE ON SEQUENCES TO {app}",
    ]
    for stmt in stmts:
        try:
            with conn.begin_nested():
                conn.execute(text(stmt))
        except DBAPIError as exc:
            raise RolesRefused(f"cannot grant ({stmt}): {_reason(exc)}") from None
    return stmts


def app_role_exists(conn: Connection, names: RoleNames) -> bool:
    return _role_exists(conn, names.app)


def schema_owner(conn: Connection) -> str:
    """The role that owns the console's tables (that of the schema version table)."""
    return str(conn.execute(
        text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.alembic_version'::regclass")
    ).scalar())  # fmt: skip


def is_set_up(conn: Connection, names: RoleNames) -> bool:
    """Has `db roles` been run on this database (the app role may read the audit log)?"""
    exists = conn.execute(text("SELECT to_regclass('public.audit_log') IS NOT NULL")).scalar()
    return bool(exists) and bool(
        conn.execute(
            text("SELECT has_table_privilege(:r, 'public.audit_log', 'SELECT')"), {"r": names.app}
        ).scalar()
    )


def setup(conn: Connection, names: RoleNames) -> list[str]:
    """`db roles`: create the roles, hand the schema to the owner, grant the app role."""
    return [*ensure_roles(conn, names), *take_ownership(conn, names), *grant(conn, names)]


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def privileges(conn: Connection, role: str, tables: Iterable[str]) -> dict[str, set[str]]:
    """What a role may do to each table (for tests and `db roles`' check)."""
    out: dict[str, set[str]] = {}
    for table in tables:
        out[table] = {
            p
            for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
            if conn.execute(
                text("SELECT has_table_privilege(:r, :t, :p)"), {"r": role, "t": table, "p": p}
            ).scalar()
        }
    return out
