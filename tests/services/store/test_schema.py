"""Schema, migrations and clear refusals, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from services.store import db

ROOT = Path(__file__).resolve().parents[3]


def test_upgrade_creates_current_schema(db_url: str) -> None:
    eng = db.make_engine(db_url)
    assert db.schema_state(eng) == "empty"
    db.upgrade(eng)
    assert db.schema_state(eng) == "current"
    db.upgrade(eng)  # idempotent
    assert db.schema_state(eng) == "current"


def test_older_schema_is_refused_with_the_fix(engine: Engine, owner_engine: Engine) -> None:
    with owner_engine.begin() as conn:  # the app role may only read the schema version
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    assert db.schema_state(engine) == "outdated"
    with pytest.raises(db.SchemaOutdated, match="db upgrade"):
        db.require_current(engine)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "console.py"), *args],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_unreachable_database_is_one_line_and_exit_2() -> None:
    res = _run("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "status")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "cannot reach database" in lines[0]
    assert "Traceback" not in res.stderr


def test_old_schema_cli_says_run_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    eng = db.make_engine(url)
    db.upgrade(eng)
    with eng.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    res = _run("--db", url, "simulate", "--rate", "1", "--duration", "0.1")
    assert res.returncode == 2
    assert "db upgrade" in res.stderr and "Traceback" not in res.stderr


def test_change_log_records_orm_writes_in_order(engine: Engine) -> None:
    from services.store import models
    from services.store.changefeed import read_after

    factory = db.session_factory(engine)
    with db.transaction(factory) as s:
        s.add(models.Region(adcode="1", name="r", level="province", path="/1/"))
    with db.transaction(factory) as s:
        region_id = s.query(models.Region.id).scalar()
        s.add(models.CommandCenter(region_id=region_id, name="c", level="province"))
    with db.transaction(factory) as s:
        center = s.query(models.CommandCenter).one()
        center.screen_count = 4
    changes = read_after(engine, 0)
    assert [(c.entity, c.op) for c in changes] == [
        ("command_center", "insert"),
        ("command_center", "update"),
    ]
    assert changes[0].seq < changes[1].seq


def test_migrations_match_the_models(engine: Engine) -> None:
    """The migrated schema is what services.store.models declares (no forgotten migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from services.store.models import Base

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_change_log_names_new_rows(engine: Engine) -> None:
    """Inserted rows are fed with their real id (not 0), so consoles can tell which."""
    from sqlalchemy.orm import Session

    from services.store import changefeed, models

    start = changefeed.head(engine)
    with Session(engine) as s, s.begin():
        region = models.Region(adcode="1", name="r", level="township", path="/1/")
        s.add(region)
        s.flush()
        center = models.CommandCenter(region_id=region.id, name="c", level="township")
        s.add(center)
        s.flush()
        center_id = center.id
    (change,) = changefeed.read_after(engine, start)
    assert (change.entity, change.entity_id, change.op) == ("command_center", center_id, "insert")
