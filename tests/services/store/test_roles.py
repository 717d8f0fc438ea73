"""Least-privilege roles on PostgreSQL: the application role reads and writes rows, and can
rewrite no history (services/store/roles.py, `console.py db roles`)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from services.store import db, roles
from tests.conftest import TEST_ROLES, PgDatabases, app_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pg_engine(pg_databases: PgDatabases) -> Iterator[Engine]:
    """A migrated PostgreSQL database with one audit row, as the application role."""
    url = pg_databases.new()
    owner = db.make_engine(url)
    db.upgrade(owner)
    with owner.begin() as conn:
        roles.grant(conn, TEST_ROLES)
    owner.dispose()
    eng = db.make_engine(app_url(url))
    with eng.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                          "VALUES (now(), 'zhang', 'incident.accept', 'incident', 1, '')"))  # fmt: skip
    yield eng
    eng.dispose()


REFUSED = [
    "UPDATE audit_log SET actor = 'nobody'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "SET session_replication_role = replica",
    "ALTER TABLE incident ADD COLUMN x integer",
    "ALTER TABLE audit_log OWNER TO console_test_app",
    "DROP TABLE change_log",
    "CREATE TABLE public.sneaky (x integer)",
    "UPDATE alembic_version SET version_num = '0000'",
    "DELETE FROM incident",
    "TRUNCATE incident CASCADE",
    "UPDATE change_log SET entity = 'x'",
    "CREATE OR REPLACE FUNCTION audit_log_reject_change() RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
]  # fmt: skip


@pytest.mark.parametrize("stmt", REFUSED, ids=[s.split(" SET ")[0][:40] for s in REFUSED])
def test_postgresql_app_role_cannot_rewrite_history_or_the_schema(pg_engine: Engine, stmt: str) -> None:
    with pytest.raises(DBAPIError) as err, pg_engine.begin() as conn:
        conn.execute(text(stmt))
    message = str(err.value.orig)
    assert "permission denied" in message or "must be owner" in message, message
    with pg_engine.connect() as conn:
        rows = conn.execute(text("SELECT actor FROM audit_log")).scalars().all()
        replication = conn.execute(text("SHOW session_replication_role")).scalar()
    assert rows == ["zhang"] and replication == "origin"


def test_postgresql_app_role_holds_exactly_the_documented_grants(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars().all()
        held = roles.privileges(conn, TEST_ROLES.app, tables)
        is_super, owns = conn.execute(text(
            "SELECT rolsuper, (SELECT count(*) FROM pg_class WHERE relowner = r.oid) "
            "FROM pg_roles r WHERE rolname = current_user"
        )).one()  # fmt: skip
    assert held["audit_log"] == {"SELECT", "INSERT"}
    assert held["change_log"] == {"SELECT", "INSERT"}
    assert held["alembic_version"] == {"SELECT"}
    assert held["incident"] == {"SELECT", "INSERT", "UPDATE"}
    for table, privileges in held.items():
        assert privileges == set(roles.table_privileges(table)), table
        assert not privileges & {"DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"}, table
    assert not is_super and owns == 0


def test_postgresql_app_role_runs_the_console(pg_engine: Engine) -> None:
    """The use cases' kinds of statement all pass: insert, update, the feed's advisory
    lock, a sequence, LISTEN/NOTIFY, and reading the schema version."""
    assert db.schema_state(pg_engine) == "current"
    with pg_engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": db.FEED_LOCK_KEY})
        region = conn.execute(text(
            "INSERT INTO region (adcode, name, level, path, population) "
            "VALUES ('99', 'r', 'province', '/99/', 1) "
            "RETURNING id")).scalar()  # fmt: skip
        conn.execute(text("UPDATE region SET name = 'renamed' WHERE id = :i"), {"i": region})
        conn.execute(text("LISTEN console_changes"))
        conn.execute(text("NOTIFY console_changes, '1'"))


def test_postgresql_db_roles_creates_roles_idempotently_and_prints_the_grants(
    pg_server: str, pg_databases: PgDatabases
) -> None:
    """`db roles` as a superuser on a database migrated the old way (everything owned by
    the superuser): new roles, the schema handed to the owner, the grants printed; again:
    no role created twice, nothing lost; then the app role works and cannot rewrite."""
    suffix = uuid.uuid4().hex[:6]
    owner_role, app_role = f"console_t_owner_{suffix}", f"console_t_app_{suffix}"
    admin_url = pg_databases.new()
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    name = admin_url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" OWNER TO postgres'))
    super_url = create_engine(pg_server).url.set(database=name).render_as_string(hide_password=False)
    eng = db.make_engine(super_url)
    db.upgrade(eng)  # as the superuser: the tables are the superuser's
    eng.dispose()

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "console.py"), "db", "roles", "--owner-db", super_url,
             "--owner-role", owner_role, "--app-role", app_role, *extra],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip

    try:
        first = run()
        assert first.returncode == 0, first.stderr
        out = first.stdout
        assert f'CREATE ROLE "{owner_role}" LOGIN' in out and f'CREATE ROLE "{app_role}" LOGIN' in out
        assert f'ALTER TABLE "audit_log" OWNER TO "{owner_role}"' in out
        assert f'GRANT SELECT, INSERT ON TABLE "audit_log" TO "{app_role}"' in out
        assert f'GRANT SELECT, INSERT, UPDATE ON TABLE "incident" TO "{app_role}"' in out
        assert "password" not in out.replace("passwords: ~/.pgpass", "")
        again = run()
        assert again.returncode == 0, again.stderr
        assert "CREATE ROLE" not in again.stdout and "OWNER TO" not in again.stdout
        # As the new owner: `db upgrade` works and re-applies the grants.
        owner_url = create_engine(super_url).url.set(username=owner_role)
        up = subprocess.run(
            [sys.executable, str(ROOT / "console.py"), "db", "upgrade", "--owner-db",
             owner_url.render_as_string(hide_password=False), "--app-role", app_role],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        assert up.returncode == 0 and "re-applied" in up.stdout, up.stderr
        app = db.make_engine(owner_url.set(username=app_role).render_as_string(hide_password=False))
        try:
            db.require_current(app)
            with pytest.raises(DBAPIError, match="permission denied"), app.begin() as conn:
                conn.execute(text("TRUNCATE audit_log"))
            with pytest.raises(DBAPIError, match="must be owner"), app.begin() as conn:
                conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        finally:
            app.dispose()
        with admin.connect() as conn:
            owner_of = conn.execute(text(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()  # fmt: skip
        assert owner_of == owner_role
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (app_role, owner_role):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_db_roles_on_sqlite_is_one_line(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, str(ROOT / "console.py"), "--db", str(tmp_path / "x.db"), "db", "roles"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1
    assert "SQLite has no roles" in res.stderr and "Traceback" not in res.stderr
