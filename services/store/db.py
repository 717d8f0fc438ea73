"""Engine, sessions, schema state and migrations for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from services.store import audit, models, rollup

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
NOTIFY_CHANNEL = "console_changes"
# PostgreSQL: the commit step (migration 0010) takes this transaction-level advisory lock to
# number change_log.seq and seal the audit rows in commit order; it is held from that step
# until the commit is visible, never for the whole transaction.
FEED_LOCK_KEY = 7_302_001
SQLITE_CACHE_KIB = 512
"""Page cache of each SQLite connection (KiB). SQLite's default is 2,000 KiB a connection,
malloc'd page by page as the connection reads a growing database: in the soak the
console's pooled connections (5 seen, up to 15 with overflow) filled theirs, the largest
part of the console's measured growth (heaptrack: 15 of 17 MB grown in 3.5 minutes came
from libsqlite3). The operating system's file cache keeps the pages hot anyway."""


class DatabaseError(Exception):
    """A database problem the user can act on; the message is one clear line."""


class DatabaseUnreachable(DatabaseError):
    pass


class SchemaOutdated(DatabaseError):
    pass


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cur.close()


def make_engine(url: str, *, application: str | None = None, pooled: bool = False,
                **kwargs: Any) -> Engine:  # fmt: skip
    """Create the engine; SQLite gets WAL and a busy timeout, PostgreSQL a pre-ping pool.

    `application` names the process's connections on PostgreSQL (`application_name` in
    pg_stat_activity: "sgcc-console", "sgcc-clock", ...), the change feed's LISTEN too.
    `pooled`: `url` is a PgBouncer in transaction mode (`database.pooled`): psycopg must
    not prepare statements server-side (the next transaction may run on another server
    connection), so `prepare_threshold=None`.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    if pooled:
        kwargs["connect_args"] = {**kwargs["connect_args"], "prepare_threshold": None}
    if application:
        parsed = make_url(url)
        url = parsed.set(query={**parsed.query, "application_name": application}).render_as_string(
            hide_password=False
        )
    return create_engine(url, **kwargs)


def libpq_params(url: str | URL, *, application: str | None = None) -> dict[str, Any]:
    """libpq keyword parameters for a PostgreSQL URL, as SQLAlchemy's psycopg dialect passes
    them: a multi-host URL (``?host=a:p1&host=b:p2&target_session_attrs=read-write``)
    becomes ``host='a,b' port='p1,p2'``, which libpq tries in turn. (Rendering such a URL
    as a string for `psycopg.connect` is wrong: libpq keeps only the last ``host=``.)
    `application` replaces the URL's application_name."""
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    parsed = make_url(url).set(drivername="postgresql+psycopg")
    _, params = PGDialect_psycopg().create_connect_args(parsed)  # type: ignore[no-untyped-call]
    params.pop("context", None)
    if application:
        params["application_name"] = application
    return dict(params)


def connect_direct(url: str | URL, *, application: str | None = None, connect_timeout: int = 3) -> Any:
    """A plain psycopg connection in autocommit to `url` (every host of a multi-host URL,
    in turn), for what a pooled SQLAlchemy connection cannot do: LISTEN, a session lock."""
    import psycopg

    params = libpq_params(url, application=application)
    params.setdefault("connect_timeout", connect_timeout)
    return psycopg.connect(autocommit=True, **params)


def close_quietly(conn: Any) -> None:
    """Close a psycopg connection that may be broken already (the server went away)."""
    if conn is None:
        return
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a broken connection
        pass


def describe(engine: Engine) -> str:
    """The URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def check_reachable(engine: Engine) -> None:
    """Raise DatabaseUnreachable with one line if the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnreachable(
            f"cannot reach database {describe(engine)}: {reason}"
        ) from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One short unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


# --------------------------------------------------------------------------- migrations


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_state(engine: Engine) -> str:
    """'empty' (no tables), 'current', 'outdated' or 'unknown' (tables but no revision)."""
    rev = current_revision(engine)
    if rev is None:
        return "unknown" if inspect(engine).get_table_names() else "empty"
    return "current" if rev == head_revision() else "outdated"


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (`console.py db upgrade`)."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")


def require_current(engine: Engine) -> None:
    """Refuse to work on an old schema, with the command that fixes it."""
    state = schema_state(engine)
    if state == "outdated":
        raise SchemaOutdated(
            f"database {describe(engine)} has an older schema: run `python console.py db upgrade`"
        )
    if state in ("empty", "unknown"):
        raise SchemaOutdated(
            f"database {describe(engine)} has no console schema: run `python console.py db upgrade`"
            " (or `python console.py demo`)"
        )


def open_database(url: str, *, upgrade_empty: bool = False, application: str | None = None,
                  pool_size: int | None = None, pooled: bool = False) -> Engine:  # fmt: skip
    """Engine for `url`, checked reachable and at the current schema. `pool_size` bounds
    the pooled connections on PostgreSQL (no overflow)."""
    kwargs: dict[str, Any] = {}
    if pool_size is not None and not url.startswith("sqlite"):
        kwargs = {"pool_size": pool_size, "max_overflow": 0}
    engine = make_engine(url, application=application, pooled=pooled, **kwargs)
    check_reachable(engine)
    if upgrade_empty and schema_state(engine) == "empty":
        upgrade(engine)
    require_current(engine)
    return engine


# --------------------------------------------------------------------------- change recording

TRACKED: dict[type[models.Base], str] = {
    models.Incident: "incident",
    models.IncidentEvent: "incident_event",
    models.Supervision: "supervision",
    models.Resource: "resource",
    models.Dispatch: "dispatch",
    models.Camera: "camera",
    models.Conference: "conference",
    models.Shift: "shift",
    models.DutyLog: "duty_log",
    models.Handover: "handover",
    models.HandoverEvent: "handover_event",
    models.PlanActivation: "plan_activation",
    models.RiskAlert: "risk_alert",
    models.RiskAlertEvent: "risk_alert_event",
    models.ConferenceParticipant: "conference_participant",
    models.ConferenceMinute: "conference_minute",
    models.VideoSlot: "video_slot",
    models.VideoWall: "video_wall",
    models.Place: "place",
    models.CommandCenter: "command_center",
    models.SafetyIndex: "safety_index",
    models.Attachment: "attachment",
}


def _scope(obj: object) -> str:
    for attr in ("township_code", "county_code"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return ""


ORIGIN_KEY = "origin"  # session.info (or sessionmaker(info=...)): who writes, for change_log
_ROLLUP_KEY = "pending_rollup_by_txn"


def _record_changes(session: Session, _ctx: Any, _instances: Any) -> None:
    """before_flush: what this flush changes, for the feed, the counters and the audit."""
    audit.prepare_new_rows(session)
    session.info["pending_rollup"] = rollup.pending_deltas(session)
    rows: list[dict[str, Any]] = []
    now = models.utcnow()
    origin = session.info.get(ORIGIN_KEY)
    origin = str(origin)[:64] if origin is not None else None
    for op, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            entity = TRACKED.get(type(obj))
            if entity is None:
                continue
            if op == "update" and not session.is_modified(obj, include_collections=False):
                continue
            rows.append({"at": now, "entity": entity, "op": op, "obj": obj, "scope": _scope(obj),
                         "origin": origin})  # fmt: skip
    session.info["pending_changes"] = rows


def _current_transaction(session: Session) -> Any:
    return session.get_nested_transaction() or session.get_transaction()


def _write_changes(session: Session, _ctx: Any) -> None:
    """after_flush: append the change rows; keep the counter deltas for the commit.

    No lock is taken here: on PostgreSQL the rows get a placeholder seq and are numbered in
    the commit step (migration 0010); SQLite has one writer at a time, so insert order is
    commit order there.
    """
    delta = session.info.pop("pending_rollup", None)
    if delta:
        pending = session.info.setdefault(_ROLLUP_KEY, {})
        pending.setdefault(_current_transaction(session), Counter()).update(delta)
    rows = session.info.pop("pending_changes", None)
    if not rows:
        return
    conn = session.connection()
    values = []
    for r in rows:
        obj = r.pop("obj")
        # New rows are not "persistent" yet in after_flush (no identity), but have their key.
        pk = inspect(obj).mapper.primary_key_from_instance(obj)
        r["entity_id"] = int(pk[0]) if pk and pk[0] is not None else 0
        values.append(r)
    conn.execute(insert(models.ChangeRecord), values)


def _before_commit(session: Session) -> None:
    """The end of the transaction: counters in one short step, then (SQLite) the audit seal.

    The daily counters are shared rows: updating them at every flush would hold their row
    locks for the rest of a long transaction (an import) and make every other writer of the
    same township and day wait. Applied here, they are locked only from now to the commit.
    """
    session.flush()
    pending: dict[Any, Counter[rollup.Key]] | None = session.info.pop(_ROLLUP_KEY, None)
    if pending:
        total: Counter[rollup.Key] = Counter()
        for delta in pending.values():
            total.update(delta)
        rollup.apply(session.connection(), total)
    if is_sqlite(session.connection()):
        audit.seal_sqlite(session)


def _after_soft_rollback(session: Session, previous: Any) -> None:
    """Forget the counter deltas of a rolled-back transaction (or savepoint) and below it."""
    pending: dict[Any, Counter[rollup.Key]] | None = session.info.get(_ROLLUP_KEY)
    if pending:
        for txn in list(pending):
            t = txn
            while t is not None and t is not previous:
                t = t.parent
            if t is previous:
                del pending[txn]
    if previous.parent is None:
        session.info.pop(_ROLLUP_KEY, None)
        audit.forget_token(session)


def install_change_recording() -> None:
    """Every ORM flush of a tracked entity appends to change_log in the same transaction;
    counters and audit seals are written at commit."""
    if not event.contains(Session, "before_flush", _record_changes):
        event.listen(Session, "before_flush", _record_changes)
        event.listen(Session, "after_flush", _write_changes)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)


install_change_recording()
