"""Shared fixtures: a fresh database on each backend, and a small real-geography demo.

PostgreSQL (127.0.0.1:5432, trust auth) is required when CI=true; elsewhere its tests skip
with the reason printed. Each test session gets its own PostgreSQL database.

On PostgreSQL the tests run the application code as the least-privilege application role,
as a deployment does (services/store/roles.py): each database is owned by the owner role
TEST_ROLES.owner, migrated and filled with the demo as that owner, and handed to the test
as a URL of TEST_ROLES.app (`engine`, `demo_url`, `demo_engine`). `db_url` is the owner's URL
of an empty database (it is for migrating); `owner_url(url)` turns an app URL into the
owner's URL of the same database. SQLite has no roles: both are the same file.
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
from services.store import db, roles

PG_ADMIN = os.environ.get("CONSOLE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEMO_GRIDS = 1500
TEST_ROLES = roles.RoleNames(owner="console_test_owner", app="console_test_app")


def owner_url(url: str) -> str:
    """The owner role's URL of the same database (SQLite: the URL itself)."""
    if url.startswith("sqlite"):
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=TEST_ROLES.owner).render_as_string(hide_password=False)


def app_url(url: str) -> str:
    """The application role's URL of the same database (SQLite: the URL itself)."""
    if url.startswith("sqlite"):
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=TEST_ROLES.app).render_as_string(hide_password=False)


def grant_app_role(url: str) -> None:
    """As the owner: give the application role its grants on the migrated database."""
    if url.startswith("sqlite"):
        return
    eng = create_engine(owner_url(url))
    with eng.begin() as conn:
        roles.grant(conn, TEST_ROLES)
    eng.dispose()


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
        setup = create_engine(admin)
        with setup.begin() as conn:  # cluster-wide, shared by parallel sessions
            roles.ensure_roles(conn, TEST_ROLES)
        setup.dispose()

    def new(self, template: str | None = None) -> str:
        """A new database owned by the owner role, empty or a copy of `template` (a database
        nobody is connected to); returns the owner's URL (see app_url)."""
        name = f"console_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{TEST_ROLES.owner}"{copy}'))
        self.made.append(name)
        url = self.admin.url.set(database=name, username=TEST_ROLES.owner)
        return url.render_as_string(hide_password=False)

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
    """The owner's URL of a fresh, empty database on each backend (for migrating it)."""
    return _new_url(request.param, tmp_path, request)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A fresh database at the current schema (migrated by the owner), as the app role."""
    owner = db.make_engine(db_url)
    db.upgrade(owner)
    owner.dispose()
    grant_app_role(db_url)
    eng = db.make_engine(app_url(db_url))
    yield eng
    eng.dispose()


@pytest.fixture
def owner_engine(engine: Engine) -> Iterator[Engine]:
    """The owner role on the database of `engine` (schema changes, what the app may not)."""
    eng = db.make_engine(owner_url(engine.url.render_as_string(hide_password=False)))
    yield eng
    eng.dispose()


def _build_demo(url: str) -> str:
    """Migrate and fill as the owner, grant the app role; returns the app role's URL."""
    eng = db.make_engine(owner_url(url))
    db.upgrade(eng)
    demo.build_demo(eng, demo.DemoOptions(grids=DEMO_GRIDS, seed=11))
    eng.dispose()
    grant_app_role(url)
    return app_url(url)


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
    return app_url(dbs.new(template=request.getfixturevalue("pg_demo_template")))


@pytest.fixture
def demo_engine(demo_url: str) -> Iterator[Engine]:
    eng = db.make_engine(demo_url)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_owner_engine(demo_url: str) -> Iterator[Engine]:
    """The owner role on the database of `demo_engine` (for setting up what the console
    itself never does, such as deleting rows)."""
    eng = db.make_engine(owner_url(demo_url))
    yield eng
    eng.dispose()
