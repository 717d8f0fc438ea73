"""The append-only, tamper-evident audit log: who changed what, when, before and after.

Use cases call `record` in the same transaction as their change. On PostgreSQL a trigger
refuses UPDATE, DELETE and TRUNCATE of the table (migration 0004); SQLite gets the same
refusal from triggers created by `install_sqlite_guard`. Both guards can be removed by the
database owner (or anyone who can edit the SQLite file), so the log is also tamper-evident:

* every row carries `row_hash`, sha256 over a canonical encoding of its fields
  (`row_hash_of`), computed when it is written;
* every committing transaction that wrote audit rows adds one `audit_seal`: the count and
  id range of its rows, `digest` (sha256 over their row hashes in id order), and `hash`,
  sha256 over the previous seal's hash and this seal's fields: a chain in commit order.

The seal is written in the commit step (PostgreSQL: the deferred trigger of migration 0010,
under the feed lock that also numbers the change feed, so seals follow commit order and the
lock is held for that step only; SQLite: `seal_sqlite` at commit, under SQLite's one write
lock). A row changed, deleted or inserted afterwards, or a seal changed or removed, breaks
the chain where it happened; `verify` finds the first break. Rewriting the whole chain from
the tampered row on is the one thing the database itself cannot reveal: `verify` can check
the heads it printed before (an anchor kept outside the database) to catch that too.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from services.store import models

if TYPE_CHECKING:  # the account module records its sign-ins here: no import at run time
    from services.accounts import Actor

TOKEN_KEY = "audit_txn"  # session.info: this transaction's token for its audit rows (SQLite)
SEAL_FIELDS = ("n", "txn", "rows", "first_id", "last_id", "digest")


def plain(value: Any) -> Any:
    """A value as it is stored in before/after (times and dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, object]:
    """The named attributes of a row as JSON-ready values (for `before`)."""
    return {f: plain(getattr(obj, f)) for f in fields}


def snapshot_after(session: Session, obj: object, fields: tuple[str, ...]) -> dict[str, object]:
    """The row as the change leaves it (for `after`): flushed first, so values the flush
    assigns (the optimistic-lock `version`, server defaults) are the new ones."""
    session.flush()
    return snapshot(obj, fields)


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


# --------------------------------------------------------------------------- row hashes

ROW_FIELDS = ("at", "actor", "action", "entity", "entity_id", "detail", "center_id",
              "before", "after")  # fmt: skip


def _naive_utc(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo is not None else t


def canonical(row: Mapping[str, Any]) -> bytes:
    """The fields of an audit row as the bytes its hash covers (stable across databases)."""
    values = [row[f] for f in ROW_FIELDS]
    values[0] = _naive_utc(values[0]).isoformat(sep=" ", timespec="microseconds")
    values[4] = int(values[4])
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_hash_of(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def seal_hash(prev_hash: str, seal: Mapping[str, Any]) -> str:
    """sha256 over the previous seal's hash and this seal's fields, '|'-joined (the SQL
    commit step of migration 0010 computes the same string)."""
    parts = [prev_hash, *(str(seal[f]) for f in SEAL_FIELDS)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def digest_of(row_hashes: Iterable[str]) -> str:
    h = hashlib.sha256()
    for rh in row_hashes:
        h.update(rh.encode())
    return h.hexdigest()


def _token(session: Session) -> int:
    """The SQLite transaction's token for its audit rows (PostgreSQL uses its own xid)."""
    token = session.info.get(TOKEN_KEY)
    if token is None:
        token = session.info[TOKEN_KEY] = secrets.randbits(62) + 1
    return int(token)


def prepare_new_rows(session: Session) -> None:
    """before_flush: normalise new audit rows as they will be stored, and hash them."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    for obj in session.new:
        if not isinstance(obj, models.AuditLog):
            continue
        obj.at = _naive_utc(obj.at or models.utcnow())
        obj.detail = obj.detail or ""
        obj.row_hash = row_hash_of({f: getattr(obj, f) for f in ROW_FIELDS})
        if sqlite:
            obj.txn = _token(session)


def hash_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit rows to write with Core (a bulk import), normalised and hashed like the ORM's;
    build them before the write transaction: this is the slow part."""
    out = []
    for r in rows:
        row = {**r, "at": _naive_utc(r["at"]), "detail": r.get("detail") or ""}
        row.setdefault("center_id", None)
        row.setdefault("before", None)
        row.setdefault("after", None)
        row["row_hash"] = row_hash_of(row)
        out.append(row)
    return out


def bulk_rows(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hashed rows (`hash_rows`) made ready for this transaction: on SQLite they carry its
    token so the commit seals them (PostgreSQL fills in its own transaction id)."""
    if session.get_bind().dialect.name != "sqlite":
        return rows
    token = _token(session)
    return [{**r, "txn": token} for r in rows]


def seal_sqlite(session: Session) -> None:
    """At commit on SQLite: seal this transaction's audit rows after the newest seal.

    The transaction already holds SQLite's write lock (it wrote the rows), so no other
    writer can seal in between: seals follow commit order.
    """
    token = session.info.pop(TOKEN_KEY, None)
    if token is None:
        return
    a = models.AuditLog
    conn = session.connection()
    hashes = [h or "" for (h,) in conn.execute(
        select(a.row_hash).where(a.txn == token).order_by(a.id)
    )]  # fmt: skip
    if not hashes:
        return
    lo, hi = conn.execute(select(func.min(a.id), func.max(a.id)).where(a.txn == token)).one()
    s = models.AuditSeal
    last = conn.execute(select(s.n, s.hash).order_by(s.n.desc()).limit(1)).first()
    seal: dict[str, Any] = {
        "n": (last.n if last else 0) + 1, "txn": token, "rows": len(hashes), "first_id": lo,
        "last_id": hi, "digest": digest_of(hashes), "prev_hash": last.hash if last else "",
    }  # fmt: skip
    seal["hash"] = seal_hash(seal["prev_hash"], seal)
    conn.execute(insert(s), [seal])


def forget_token(session: Session) -> None:
    """After a rollback: the next transaction gets a new token."""
    session.info.pop(TOKEN_KEY, None)


# --------------------------------------------------------------------------- guards

SQLITE_GUARD = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
)
SQLITE_SEAL_GUARD = (
    "CREATE TRIGGER IF NOT EXISTS audit_seal_no_update BEFORE UPDATE ON audit_seal "
    "BEGIN SELECT RAISE(ABORT, 'audit_seal is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_seal_no_delete BEFORE DELETE ON audit_seal "
    "BEGIN SELECT RAISE(ABORT, 'audit_seal is append-only: DELETE refused'); END",
)
PG_GUARDS = (("audit_log", "audit_log_append_only"), ("audit_seal", "audit_seal_append_only"))


def install_sqlite_guard(conn: Connection) -> None:
    """Refuse UPDATE and DELETE of the log (and of its seals, once that table exists)."""
    for stmt in SQLITE_GUARD:
        conn.execute(text(stmt))
    if inspect(conn).has_table("audit_seal"):
        for stmt in SQLITE_SEAL_GUARD:
            conn.execute(text(stmt))


def drop_sqlite_guard(conn: Connection) -> None:
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_seal_no_update",
                 "audit_seal_no_delete"):  # fmt: skip
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def set_pg_guards(conn: Connection, enabled: bool) -> None:
    """Switch the PostgreSQL append-only triggers (a demo rebuild empties the log)."""
    verb = "ENABLE" if enabled else "DISABLE"
    for table, trigger in PG_GUARDS:
        if inspect(conn).has_table(table):
            conn.execute(text(f"ALTER TABLE {table} {verb} TRIGGER {trigger}"))


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Problem:
    """One broken link: where in the chain (seal number, audit row id) and what."""

    seal: int
    row: int
    message: str


@dataclass(frozen=True)
class Verdict:
    rows: int
    seals: int
    head_n: int
    head_hash: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@contextmanager
def _read_snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent snapshot of seals and rows, while writers go on."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            yield conn
        finally:
            conn.rollback()


def verify(engine: Engine, anchors: Iterable[tuple[int, str]] = ()) -> Verdict:
    """Check every row's hash, every seal's rows and the chain of seals, in one snapshot.

    `anchors`: (seal number, hash) pairs printed by earlier runs and kept elsewhere; each
    must still be in the chain (catches a chain rewritten from some row on).
    """
    problems: list[Problem] = []
    with _read_snapshot(engine) as conn:
        s = models.AuditSeal
        seals = list(conn.execute(select(s).order_by(s.n)))
        by_txn = {r.txn: r for r in seals}
        prev, expect_n = "", 1
        for r in seals:
            if r.n != expect_n:
                problems.append(Problem(expect_n, r.first_id, f"seal {expect_n} is missing "
                                        f"(the next seal is {r.n}): a commit's seal was deleted"))  # fmt: skip
            if r.prev_hash != prev:
                problems.append(Problem(r.n, r.first_id, f"seal {r.n} does not follow the seal "
                                        "before it: a seal was inserted, deleted or changed"))  # fmt: skip
            elif seal_hash(prev, dict(r._mapping)) != r.hash:
                problems.append(Problem(r.n, r.first_id, f"seal {r.n} was changed after it was "
                                        "written"))  # fmt: skip
            prev, expect_n = r.hash, r.n + 1
        by_n = {r.n: r for r in seals}
        for n, h in anchors:
            got = by_n.get(n)
            if got is None or got.hash != h:
                problems.append(Problem(n, 0, f"seal {n} differs from the anchor recorded "
                                        "earlier: the chain was rewritten or cut"))  # fmt: skip
        starts = sorted((r.last_id, r.n) for r in seals)
        count = 0
        a = models.AuditLog
        cols = [a.id, a.txn, a.row_hash, *(a.__table__.c[f] for f in ROW_FIELDS)]
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(
            select(*cols).order_by(a.txn, a.id)
        )
        seen: set[int] = set()

        def close_group(txn: int | None, ids: list[int], hashes: list[str]) -> None:
            seal = by_txn.get(txn) if txn is not None else None
            if seal is None:
                place = next((n for last, n in starts if last >= ids[0]), len(seals) + 1)
                more = f" (and {len(ids) - 1} more of its transaction)" if len(ids) > 1 else ""
                problems.append(Problem(place, ids[0], f"audit row {ids[0]}{more} is sealed "
                                        "by no commit: inserted afterwards"))  # fmt: skip
                return
            seen.add(seal.n)
            if len(ids) < seal.rows:
                problems.append(Problem(seal.n, ids[0], f"seal {seal.n} has {len(ids)} of its "
                                        f"{seal.rows} audit rows ({seal.first_id}–{seal.last_id}):"
                                        " rows were deleted"))  # fmt: skip
            elif len(ids) > seal.rows:
                problems.append(Problem(seal.n, ids[0], f"seal {seal.n} has {len(ids)} audit rows,"
                                        f" sealed {seal.rows}: rows were inserted"))  # fmt: skip
            elif digest_of(hashes) != seal.digest or (ids[0], ids[-1]) != (seal.first_id,
                                                                           seal.last_id):
                problems.append(Problem(seal.n, ids[0], f"the audit rows of seal {seal.n} "
                                        "were replaced or reordered"))  # fmt: skip

        group_txn: int | None = None
        ids: list[int] = []
        hashes: list[str] = []
        for row in result:
            count += 1
            m = dict(row._mapping)
            if ids and row.txn != group_txn:
                close_group(group_txn, ids, hashes)
                ids, hashes = [], []
            group_txn = row.txn
            ids.append(row.id)
            hashes.append(row.row_hash or "")
            if row.row_hash is None or row_hash_of(m) != row.row_hash:
                seal = by_txn.get(row.txn)
                problems.append(Problem(seal.n if seal else len(seals) + 1, row.id,
                                        f"audit row {row.id} was changed after it was written"))  # fmt: skip
        if ids:
            close_group(group_txn, ids, hashes)
        for r in seals:
            if r.n not in seen:
                problems.append(Problem(r.n, r.first_id, f"all {r.rows} audit rows of seal "
                                        f"{r.n} ({r.first_id}–{r.last_id}) were deleted"))  # fmt: skip
    problems.sort(key=lambda p: (p.seal, p.row))
    head = seals[-1] if seals else None
    return Verdict(count, len(seals), head.n if head else 0, head.hash if head else "",
                   tuple(problems))  # fmt: skip
