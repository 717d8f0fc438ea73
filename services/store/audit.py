"""The append-only audit log: who changed what, when, with the state before and after.

Use cases call `record` in the same transaction as their change. On PostgreSQL a trigger
refuses UPDATE, DELETE and TRUNCATE of the table (migration 0004); SQLite gets the same
refusal from triggers created by `install_sqlite_guard`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from services.store import models

if TYPE_CHECKING:  # the account module records its sign-ins here: no import at run time
    from services.accounts import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, object]:
    """The named attributes of a row as JSON-ready values (for before/after)."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int,
    *,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> None:
    """Append one audit row in the caller's transaction."""
    session.add(
        models.AuditLog(
            at=at or models.utcnow(),
            actor=actor.login,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            center_id=actor.center_id,
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
        )
    )


SQLITE_GUARD = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
)


def install_sqlite_guard(conn: Connection) -> None:
    for stmt in SQLITE_GUARD:
        conn.execute(text(stmt))


def drop_sqlite_guard(conn: Connection) -> None:
    conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
