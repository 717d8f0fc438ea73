"""Per-township, per-day incident counters kept in step with every incident write.

The province wall must not scan 300,000 incidents several times per refresh. Each row of
`incident_daily` holds, for one township and one local day (China Standard Time, UTC+8, no
DST): incidents reported that day, how many of those are resolved now and settled at
township level or below, and how many incidents were resolved on that day. The ORM flush
hook (services.store.db) collects the difference between an incident's old and new contribution
and applies it at the end of the same transaction, so the counters equal a direct count at every
commit and their row locks are held only for the last moment of a long transaction.

The same hook keeps `grid_recent`: per grid cell (and the incident's own codes), incidents
reported on CST days from the window's start (`grid_recent_window`) on, so the map's
per-cell counts of a whole province read one row per cell instead of every incident.
`advance_grid_window` moves the start forward, subtracting the days that leave it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes

from services.store import models
from services.vocabulary import LOW_LEVELS

LOCAL_TZ = "Asia/Shanghai"
LOCAL_OFFSET = timedelta(hours=8)  # China Standard Time has no daylight saving
FIELDS = ("reported", "resolved", "settled_low", "resolved_on")
GRID_WINDOW_DAYS = 30  # grid_recent counts the wall's 30-day window: today and 29 days before
GRID_FIELD = "grid"  # a grid_recent counter: one incident of this cell reported on `day`


class Key(NamedTuple):
    """One counter: a township's field on a day, or (field GRID_FIELD) a cell's report."""

    province: str
    city: str
    county: str
    township: str
    day: date
    field: str
    grid: int = 0
    community: str = ""


def local_day(t: datetime) -> date:
    """The CST calendar day of a naive UTC timestamp."""
    return (t + LOCAL_OFFSET).date()


def contribution(
    codes: tuple[str, str, str, str],
    reported_at: datetime | None,
    resolved_at: datetime | None,
    settled_level: str | None,
    grid_id: int | None = None,
    community_code: str = "",
) -> Counter[Key]:
    """What one incident in the given state adds to the counters."""
    out: Counter[Key] = Counter()
    if reported_at is None:
        return out
    day = local_day(reported_at)
    out[Key(*codes, day, "reported")] += 1
    if resolved_at is not None:
        out[Key(*codes, day, "resolved")] += 1
        out[Key(*codes, local_day(resolved_at), "resolved_on")] += 1
        if settled_level in LOW_LEVELS:
            out[Key(*codes, day, "settled_low")] += 1
    if grid_id is not None:
        out[Key(*codes, day, GRID_FIELD, grid_id, community_code or "")] += 1
    return out


def of_row(row: Any) -> Counter[Key]:
    """`contribution` of an incident given as a mapping of its columns."""
    codes = tuple(row[c] or "" for c in CODE_ATTRS)
    return contribution(codes, row["reported_at"], row["resolved_at"], row["settled_level"],  # type: ignore[arg-type]
                        row.get("grid_id"), row.get("community_code") or "")  # fmt: skip


CODE_ATTRS = ("province_code", "city_code", "county_code", "township_code")
STATE_ATTRS = (*CODE_ATTRS, "reported_at", "resolved_at", "settled_level", "grid_id",
               "community_code")  # fmt: skip


def _state(obj: models.Incident, old: bool) -> Counter[Key]:
    values: dict[str, Any] = {}
    for name in STATE_ATTRS:
        if old:
            hist = attributes.get_history(obj, name)
            values[name] = hist.deleted[0] if hist.deleted else getattr(obj, name)
        else:
            values[name] = getattr(obj, name)
    return of_row(values)


def pending_deltas(session: Session) -> Counter[Key]:
    """Counter changes implied by the incidents about to be flushed."""
    delta: Counter[Key] = Counter()
    for obj in session.new:
        if isinstance(obj, models.Incident):
            delta.update(_state(obj, old=False))
    for obj in session.dirty:
        if isinstance(obj, models.Incident) and session.is_modified(obj):
            delta.update(_state(obj, old=False))
            delta.subtract(_state(obj, old=True))
    for obj in session.deleted:
        if isinstance(obj, models.Incident):
            delta.subtract(_state(obj, old=True))
    return Counter({k: v for k, v in delta.items() if v})


def _rows(counts: Counter[Key]) -> list[dict[str, Any]]:
    """One incident_daily row per township and day, from per-field counts."""
    rows: dict[tuple[str, date], dict[str, Any]] = {}
    for (prov, city, county, town, day, field, _grid, _community), n in counts.items():
        if field == GRID_FIELD:
            continue
        row = rows.setdefault(
            (town, day),
            {"province_code": prov, "city_code": city, "county_code": county,
             "township_code": town, "day": day, **dict.fromkeys(FIELDS, 0)},
        )  # fmt: skip
        row[field] += n
    return list(rows.values())


def apply(conn: Connection, delta: Counter[Key]) -> None:
    """Upsert the deltas: add to existing counters, create missing rows.

    One statement executed for every row, in (township, day) order: two transactions
    applying at the same time lock shared rows in the same order (no deadlock).
    """
    table = models.IncidentDaily.__table__
    assert isinstance(table, Table)
    rows = sorted(_rows(delta), key=lambda r: (r["township_code"], r["day"]))
    if rows:
        _upsert(conn, table, ["township_code", "day"], FIELDS, rows)
    if any(k.field == GRID_FIELD for k in delta):
        start = grid_window_start(conn, lock="share")
        if start is not None:
            recent = Counter({k: n for k, n in delta.items() if k.day >= start})
            _apply_grid(conn, _grid_totals(recent))


GRID_KEY = ("grid_id", "community_code", "township_code", "county_code", "city_code",
            "province_code")  # fmt: skip


def _upsert(conn: Connection, table: Table, keys: list[str], fields: Iterable[str],
            rows: list[dict[str, Any]]) -> None:  # fmt: skip
    """Add `fields` of `rows` to the existing rows with the same `keys`, create the rest."""
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys, set_={f: table.c[f] + stmt.excluded[f] for f in fields}
    )
    conn.execute(stmt, rows)


GridKey = tuple[int, str, str, str, str, str]  # grid_recent's key, in GRID_KEY order


def _grid_totals(counts: Counter[Key]) -> Counter[GridKey]:
    total: Counter[GridKey] = Counter()
    for k, n in counts.items():
        if k.field == GRID_FIELD:
            total[(k.grid, k.community, k.township, k.county, k.city, k.province)] += n
    return total


def _grid_rows(total: Counter[GridKey]) -> list[dict[str, Any]]:
    """One grid_recent row per cell (and codes), in key order (the lock order)."""
    return [dict(zip(GRID_KEY, key, strict=True), reported=n)
            for key, n in sorted(total.items()) if n]  # fmt: skip


def _apply_grid(conn: Connection, total: Counter[GridKey]) -> None:
    rows = _grid_rows(total)
    if rows:
        table = models.GridRecent.__table__
        assert isinstance(table, Table)
        _upsert(conn, table, list(GRID_KEY), ("reported",), rows)


def grid_window_start(conn: Connection, lock: str | None = None) -> date | None:
    """The CST day grid_recent counts from (None: no window, nothing kept). On PostgreSQL
    `lock` "share" (a writer applying counts) or "update" (moving the window) orders the
    two: a writer's counts land either wholly before a move or wholly after it."""
    w = models.GridRecentWindow
    stmt = select(w.start).where(w.id == 1)
    if lock is not None and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(read=lock == "share")
    return conn.execute(stmt).scalar_one_or_none()


def utc_midnight(day: date) -> datetime:
    """The naive UTC instant at which CST day `day` begins."""
    return datetime(day.year, day.month, day.day) - LOCAL_OFFSET


def grid_window_start_for(now: datetime) -> date:
    """The CST day the window should begin on at `now`: the first of the last 30 days."""
    return local_day(now) - timedelta(days=GRID_WINDOW_DAYS - 1)


def advance_grid_window(conn: Connection, start: date) -> bool:
    """Move grid_recent's window to begin on CST day `start`, subtracting the incidents of
    the days that leave it (read from the incidents: about a day's worth each). False when
    the window already begins there or later, or there is none."""
    old = grid_window_start(conn, lock="update")
    if old is None or start <= old:
        return False
    i = models.Incident
    cols = [getattr(i, c) for c in GRID_KEY]  # grid_recent's key, read off the incidents
    gone: Counter[GridKey] = Counter()
    for r in conn.execute(
        select(*cols, func.count())
        .where(i.reported_at >= utc_midnight(old), i.reported_at < utc_midnight(start),
               i.grid_id.is_not(None))
        .group_by(*cols)
    ):  # fmt: skip
        grid, community, town, county, city, prov, n = tuple(r)
        gone[(int(grid), community or "", town or "", county or "", city or "", prov or "")] -= n
    _apply_grid(conn, gone)
    conn.execute(update(models.GridRecentWindow).where(models.GridRecentWindow.id == 1)
                 .values(start=start))  # fmt: skip
    return True


def bulk_rows(incidents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counter rows for incidents written in bulk (the demo), one per township and day."""
    total: Counter[Key] = Counter()
    for i in incidents:
        codes = (i["province_code"], i["city_code"], i["county_code"], i["township_code"])
        total.update(contribution(codes, i["reported_at"], i["resolved_at"], i["settled_level"]))
    return _rows(total)


def bulk_grid_rows(incidents: Iterable[Any], start: date) -> list[dict[str, Any]]:
    """grid_recent rows for incidents written in bulk: those reported from CST day `start`."""
    total: Counter[Key] = Counter()
    for i in incidents:
        if i["grid_id"] is not None and i["reported_at"] is not None:
            total.update(k for k in of_row(i) if k.field == GRID_FIELD and k.day >= start)
    return _grid_rows(_grid_totals(total))


def write_grid_window(conn: Connection, incidents: Iterable[Any], start: date) -> None:
    """Open grid_recent's window at CST day `start` and count the incidents already written
    (the migration that adds the table; the demo, into an emptied grid_recent)."""
    w = models.GridRecentWindow
    if conn.execute(update(w).where(w.id == 1).values(start=start)).rowcount == 0:
        conn.execute(insert(w), [{"id": 1, "start": start}])  # no window yet (a fresh schema)
    rows = bulk_grid_rows(incidents, start)
    for i in range(0, len(rows), 10_000):
        conn.execute(insert(models.GridRecent), rows[i : i + 10_000])


def write_bulk(conn: Connection, incidents: Iterable[dict[str, Any]]) -> None:
    rows = bulk_rows(incidents)
    for i in range(0, len(rows), 10_000):
        conn.execute(insert(models.IncidentDaily), rows[i : i + 10_000])
