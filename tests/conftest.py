"""Shared fixtures: a fresh database on each backend, and a small real-geography demo.

PostgreSQL (127.0.0.1:5432, trust auth) is required when CI=true; elsewhere its tests skip
with the reason printed. Each test session gets its own PostgreSQL database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

# Qt set-up that must happen before the QApplication exists (pytest-qt creates it):
# WebEngine imported first, shared GL contexts, the map's URL schemes registered.
import PySide6.QtWebEngineWidgets  # noqa: E402, F401
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

import mapview.view  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
mapview.view.register_schemes()

import pytest  # noqa: E402
from sqlalchemy import Engine, create_engine, text

from services import demo
from services.store import db

PG_ADMIN = os.environ.get("CONSOLE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEMO_GRIDS = 1500


def _pg_problem() -> str | None:
    try:
        eng = create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Admin URL of a reachable PostgreSQL; fails in CI, skips elsewhere, when unreachable."""
    problem = _pg_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable in CI ({PG_ADMIN}): {problem}")
        pytest.skip(f"PostgreSQL unreachable, skipping its tests: {problem}")
    yield PG_ADMIN


class PgDatabases:
    """Creates throw-away databases on the server and drops them at the end."""

    def __init__(self, admin: str) -> None:
        self.admin = create_engine(admin, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []
        self.roles: list[str] = []  # roles a test made; dropped after the databases

    def new(self, template: str | None = None) -> str:
        """A new database, empty or a copy of `template` (a database nobody is connected to)."""
        name = f"console_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        self.made.append(name)
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in self.roles:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases(pg_server: str) -> Iterator[PgDatabases]:
    dbs = PgDatabases(pg_server)
    yield dbs
    dbs.drop_all()


def _new_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'console.db'}"
    dbs: PgDatabases = request.getfixturevalue("pg_databases")
    return dbs.new()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, empty database on each backend."""
    return _new_url(request.param, tmp_path, request)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A fresh database at the current schema."""
    eng = db.make_engine(db_url)
    db.upgrade(eng)
    yield eng
    eng.dispose()


def _build_demo(url: str) -> None:
    eng = db.make_engine(url)
    db.upgrade(eng)
    demo.build_demo(eng, demo.DemoOptions(grids=DEMO_GRIDS, seed=11))
    eng.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small Zhejiang demo on SQLite, built once; tests get copies."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    _build_demo(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_databases: PgDatabases) -> str:
    """The small demo on PostgreSQL, built once; tests get copies (CREATE DATABASE TEMPLATE)."""
    url = pg_databases.new()
    _build_demo(url)
    return url.rsplit("/", 1)[-1]


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database holding the small demo, on each backend, private to the test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("demo_template")
        target = tmp_path / "demo.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    dbs: PgDatabases = request.getfixturevalue("pg_databases")
    return dbs.new(template=request.getfixturevalue("pg_demo_template"))


@pytest.fixture
def demo_engine(demo_url: str) -> Iterator[Engine]:
    eng = db.make_engine(demo_url)
    yield eng
    eng.dispose()
