"""`console.py import incidents FILE`: reports from other systems, CSV or JSON Lines.

All-or-nothing: every row is checked first (no transaction held), then all are written in
one short transaction of bulk inserts; if any row is bad, nothing is written and each
problem names its line and reason. Every row carries an external id, so importing the same
file twice adds nothing the second time.

Columns (CSV header or JSON keys): external_id, category, description, and a place —
grid_code, or lon and lat. Optional: channel (default hotline), priority (1–4, default 3),
reported_at (ISO 8601; without an offset it is China Standard Time), reporter, address.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import JSON, Connection, Engine, Table, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, defer

from services import incidents
from services.accounts import Actor
from services.errors import Refused
from services.store import audit, models, rollup
from services.store.db import ORIGIN_KEY, is_sqlite
from services.territory.importer import ImportRejected

CST = timezone(timedelta(hours=8))
MAX_PROBLEMS = 200
SQLITE_IMPORT_CACHE = -262_144  # KiB: the indexes being written stay in memory
SQLITE_CHUNK_SECONDS = 0.1  # one write transaction's target length
SQLITE_YIELD_SECONDS = 0.2  # > SQLite's longest busy-handler sleep (100 ms)
SQLITE_LOCK_PATIENCE = 60.0  # seconds to keep asking for the write lock


class ImportInterrupted(Exception):
    """SQLite only: the database failed while the checked rows were being written."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"import stopped while writing ({reason}): the rows already written stay; run the "
            "same import again to add the rest (rows already there are skipped)"
        )


@dataclass(frozen=True)
class ImportSummary:
    added: int
    already_there: int


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, fields) for each record; JSON Lines if the name ends .jsonl/.ndjson."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield n, {"__error__": f"not JSON: {exc.args[0]}"}
                    continue
                yield n, obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k}


def _time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    t = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=CST)
    return t.astimezone(UTC).replace(tzinfo=None)


def _number(value: Any, kind: type) -> Any:
    return None if value in (None, "") else kind(value)


def _parse(fields: dict[str, Any], grids: dict[str, int]) -> incidents.NewIncident:
    if "__error__" in fields:
        raise ValueError(fields["__error__"])
    ext = str(fields.get("external_id") or "").strip()
    if not ext:
        raise ValueError("missing external_id")
    grid_id = None
    code = str(fields.get("grid_code") or "").strip()
    if code:
        if code not in grids:
            raise ValueError(f"unknown grid_code {code}")
        grid_id = grids[code]
    try:
        lon, lat = _number(fields.get("lon"), float), _number(fields.get("lat"), float)
        priority = _number(fields.get("priority"), int) or 3
        reported_at = _time(fields.get("reported_at"))
    except ValueError as exc:
        raise ValueError(f"bad value: {exc}") from None
    return incidents.NewIncident(
        category=str(fields.get("category") or "").strip(),
        description=str(fields.get("description") or ""),
        channel=str(fields.get("channel") or "hotline").strip(),
        priority=priority,
        grid_id=grid_id,
        lon=lon,
        lat=lat,
        reporter=str(fields.get("reporter") or ""),
        address=str(fields.get("address") or ""),
        external_id=ext,
        reported_at=reported_at,
    )


def _used_ids(
    session: Session, actor: Actor, parsed: list[tuple[int, incidents.NewIncident]]
) -> dict[str | None, tuple[str, bool]]:
    """For each of the rows' ids already used: the source of its case and whether that case
    lies in the actor's area. A row of the same source whose case the actor sees is already
    there; any other use the actor may learn nothing about (the ids are unique database-wide)."""
    inc = models.Incident
    area = getattr(inc, f"{actor.region_level}_code", None)
    ids = [n.external_id for _, n in parsed]
    used: dict[str | None, tuple[str, bool]] = {}
    for k in range(0, len(ids), 500):
        cols = (inc.external_id, inc.source_channel, area if area is not None else inc.id)
        for ext, channel, where in session.execute(
            select(*cols).where(inc.external_id.in_(ids[k : k + 500]))
        ):
            used[ext] = (channel, area is not None and where == actor.region_code)
    return used


def _check_all(
    session: Session,
    actor: Actor,
    file: Path,
    path: str,
    policy: incidents.IncidentPolicy,
    now: datetime,
) -> tuple[list[dict[str, Any]], list[str], int]:
    """Stage 1, no transaction held: parse, validate and look up every row.

    Returns the new incidents' column values (with the event target under "_target"), the
    problems, and how many rows are already there."""
    problems: list[str] = []
    grids = {c: i for c, i in session.execute(select(models.GridCell.code, models.GridCell.id))}
    seen: dict[str, int] = {}
    parsed: list[tuple[int, incidents.NewIncident]] = []
    try:
        for line, fields in _rows(file):
            try:
                new = _parse(fields, grids)
            except ValueError as exc:
                problems.append(f"line {line}: {exc}")
                continue
            ext = new.external_id or ""
            if ext in seen:
                problems.append(f"line {line}: external_id {ext} repeats line {seen[ext]}")
                continue
            seen[ext] = line
            parsed.append((line, new))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportRejected([f"{path}: cannot read: {exc}"]) from None
    used = _used_ids(session, actor, parsed)
    g = models.GridCell
    wanted = sorted({n.grid_id for _, n in parsed if n.grid_id is not None})
    cells: dict[int, models.GridCell] = {}
    for k in range(0, len(wanted), 500):
        for cell in session.scalars(
            select(g).options(defer(g.geometry)).where(g.id.in_(wanted[k : k + 500]))
        ):
            cells[cell.id] = cell
    centers: dict[str, int | None] = {}
    values: list[dict[str, Any]] = []
    for line, new in parsed:
        if used.get(new.external_id) == (new.channel, True):
            continue  # already imported: a case of this source in the actor's area
        if new.external_id in used:
            channel, visible = used[new.external_id]
            owner = f"a {channel} case of this area" if visible else "a case outside this account"
            problems.append(f"line {line}: external_id {new.external_id} is already used by "
                            f"{owner}: give the row its own id")  # fmt: skip
            continue
        if len(problems) >= MAX_PROBLEMS:
            break
        try:
            row, target = incidents.check_report(
                session, actor, new, policy=policy, now=now,
                cell=cells.get(new.grid_id) if new.grid_id is not None else None,
                township_centers=centers,
            )  # fmt: skip
        except Refused as exc:
            problems.append(f"line {line}: {exc.message}")
            continue
        row["_target"] = target
        values.append(row)
    return values, problems, len(parsed) - len(values)


def _pg_ids(engine: Engine, table: str, n: int) -> list[int]:
    """`n` new ids for `table` from its sequence (PostgreSQL: no lock, gaps are fine)."""
    with engine.connect() as conn:
        got = conn.execute(
            text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                 "FROM generate_series(1, :n)"), {"n": n},
        ).scalars()  # fmt: skip
        return sorted(int(v) for v in got)


def _sqlite_tops(conn: Connection) -> tuple[int, int]:
    """The largest incident and event ids (SQLite gives the next rows the ones after)."""
    row = conn.exec_driver_sql(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM incident), "
        "(SELECT COALESCE(MAX(id), 0) FROM incident_event)"
    ).one()
    return int(row[0]), int(row[1])


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in this transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    conn = session.connection()
    names = list(rows[0])
    if is_sqlite(conn):  # the driver's executemany, values bound as SQLAlchemy binds them
        binds = [table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
                 for n in names]  # fmt: skip
        tuples = [tuple(v if b is None else b(v) for v, b in zip(r.values(), binds, strict=True))
                  for r in rows]  # fmt: skip
        cols = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", tuples)
        return
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
    raw = conn.connection.driver_connection
    assert raw is not None
    cols = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(
                [json.dumps(r[n], ensure_ascii=False) if n in json_cols and r[n] is not None
                 else r[n] for n in names]
            )  # fmt: skip


@dataclass
class _Batch:
    """The rows one write transaction inserts, built before it starts."""

    external_ids: list[str]
    incidents: list[dict[str, Any]]
    events: list[dict[str, Any]]
    audits: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    delta: Counter[rollup.Key]


def _build(
    actor: Actor, values: list[dict[str, Any]], inc_ids: Sequence[int], ev_ids: Sequence[int],
    now: datetime, origin: str | None,
) -> _Batch:  # fmt: skip
    """Incidents with these ids, their report events, audit rows (hashed) and change rows,
    and the counter deltas."""
    b = _Batch([], [], [], [], [], Counter())
    for values_row, inc_id, ev_id in zip(values, inc_ids, ev_ids, strict=True):
        row = {n: v for n, v in values_row.items() if n != "_target"}
        row.update(id=inc_id, version=1, handling_department_id=None, evaluation=None)
        b.external_ids.append(row["external_id"])
        b.incidents.append(row)
        b.events.append({"id": ev_id, "incident_id": inc_id, "at": now, "action": "report",
                         "from_status": None, "to_status": "reported", "actor": actor.label,
                         "note": row["source_channel"], "center_id": actor.center_id,
                         "target": values_row["_target"]})  # fmt: skip
        b.audits.append({"at": now, "actor": actor.login, "action": "incident.report",
                         "entity": "incident", "entity_id": inc_id, "detail": "",
                         "center_id": actor.center_id, "before": None,
                         "after": {f: audit.plain(row[f]) for f in incidents.AUDIT_FIELDS}})  # fmt: skip
        b.changes.append({"at": now, "entity": "incident", "entity_id": inc_id, "op": "insert",
                          "scope": row["township_code"], "origin": origin})  # fmt: skip
        b.changes.append({"at": now, "entity": "incident_event", "entity_id": ev_id,
                          "op": "insert", "scope": "", "origin": origin})  # fmt: skip
        codes = (row["province_code"], row["city_code"], row["county_code"], row["township_code"])
        b.delta.update(rollup.contribution(codes, row["reported_at"], None, None,
                                           row.get("grid_id"), row.get("community_code", "")))  # fmt: skip
    b.audits = audit.hash_rows(b.audits)
    return b


def _insert(session: Session, b: _Batch) -> None:
    """The write transaction's work: bulk inserts, then the shared counters, last."""
    _bulk_insert(session, _table(models.Incident), b.incidents)
    _bulk_insert(session, _table(models.IncidentEvent), b.events)
    _bulk_insert(session, _table(models.AuditLog), audit.bulk_rows(session, b.audits))
    _bulk_insert(session, _table(models.ChangeRecord), b.changes)
    rollup.apply(session.connection(), b.delta)  # their row locks: only until the commit


def _write_postgresql(
    engine: Engine, actor: Actor, values: list[dict[str, Any]], now: datetime,
    origin: str | None,
) -> None:  # fmt: skip
    """One transaction: MVCC lets every other writer go on beside it, and the feed's commit
    step holds the feed lock only to number its rows."""
    inc_ids = _pg_ids(engine, "incident", len(values))
    ev_ids = _pg_ids(engine, "incident_event", len(values))
    batch = _build(actor, values, inc_ids, ev_ids, now, origin)
    try:
        with Session(engine, info={ORIGIN_KEY: origin}) as session, session.begin():
            _insert(session, batch)
    except (IntegrityError, UniqueViolation) as exc:
        if "external_id" not in str(exc):
            raise
        raise ImportRejected(["some external ids were imported by someone else meanwhile:"
                              " nothing written, run the import again"]) from None  # fmt: skip


def _after(top: int, rows: list[Any]) -> range:
    return range(top + 1, top + 1 + len(rows))


def _begin_immediate(conn: Connection) -> None:
    """Take SQLite's write lock now (waiting busy_timeout), retrying while it is busy."""
    deadline = time.monotonic() + SQLITE_LOCK_PATIENCE
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise


def _write_sqlite(
    engine: Engine, actor: Actor, values: list[dict[str, Any]], now: datetime,
    origin: str | None,
) -> int:  # fmt: skip
    """Short transactions of a few thousand rows, with a pause between them.

    SQLite has one write lock for the whole file, and 50,000 incidents with their 15
    indexes take seconds to write: in one transaction every other writer would wait that
    long. Each chunk is sized to take about SQLITE_CHUNK_SECONDS, and after each the import
    pauses longer than SQLite's busy handler sleeps, so a waiting writer gets its turn.
    Returns how many were added (rows someone else imported meanwhile are skipped)."""
    added, k, size = 0, 0, 1000
    while k < len(values):
        chunk = values[k : k + size]
        with Session(engine, info={ORIGIN_KEY: origin}) as session:
            conn = session.connection()
            conn.exec_driver_sql(f"PRAGMA cache_size={SQLITE_IMPORT_CACHE}")
            tops = _sqlite_tops(conn)
            batch = _build(actor, chunk, _after(tops[0], chunk), _after(tops[1], chunk), now,
                           origin)  # fmt: skip
            t0 = time.monotonic()
            _begin_immediate(conn)
            there = _known(session, batch.external_ids)
            if there or _sqlite_tops(conn) != tops:  # someone wrote in between: redo ids
                chunk = [v for v in chunk if v["external_id"] not in there]
                tops = _sqlite_tops(conn)
                batch = _build(actor, chunk, _after(tops[0], chunk), _after(tops[1], chunk),
                               now, origin)  # fmt: skip
            _insert(session, batch)
            session.commit()
            elapsed = time.monotonic() - t0
        added += len(chunk)
        k += size
        size = max(100, min(20_000, int(size * SQLITE_CHUNK_SECONDS / max(elapsed, 1e-3))))
        if k < len(values):
            time.sleep(SQLITE_YIELD_SECONDS)  # nothing to wait on: others' turn to write
    return added


def _known(session: Session, external_ids: Sequence[str | None]) -> set[str]:
    """Those of the external ids already in the database."""
    known: set[str] = set()
    for k in range(0, len(external_ids), 500):
        known.update(
            session.scalars(
                select(models.Incident.external_id).where(
                    models.Incident.external_id.in_(external_ids[k : k + 500])
                )
            )
        )
    return known


def _table(model: type[models.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def import_incidents(
    engine: Engine,
    actor: Actor,
    path: str,
    *,
    policy: incidents.IncidentPolicy,
    origin: str | None = "import",
) -> ImportSummary:
    """Check every row, then write them all in one short transaction, or raise ImportRejected.

    Parsing, validation and look-ups happen before the write transaction starts, so other
    writers never wait for them; the write is bulk inserts and the counters at its end."""
    file = Path(path)
    if not file.is_file():
        raise ImportRejected([f"{path}: no such file"])
    now = models.utcnow()
    with Session(engine) as session:
        values, problems, already = _check_all(session, actor, file, path, policy, now)
    if problems:  # nothing was written
        problems.sort(key=lambda p: int(p.split(" ", 2)[1].rstrip(":")))
        raise ImportRejected(problems)
    if not values:
        return ImportSummary(added=0, already_there=already)
    # In index order: fewer index pages are touched while the rows go in.
    values.sort(key=lambda r: (r["township_code"], r["grid_id"], r["reported_at"]))
    if is_sqlite(engine):
        try:
            added = _write_sqlite(engine, actor, values, now, origin)
        except OperationalError as exc:
            raise ImportInterrupted(str(exc.orig).splitlines()[0]) from None
        return ImportSummary(added=added, already_there=already + len(values) - added)
    _write_postgresql(engine, actor, values, now, origin)
    return ImportSummary(added=len(values), already_there=already)
