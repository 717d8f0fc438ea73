"""Per-township, per-day incident counters kept in step with every incident write.

The province wall must not scan 300,000 incidents several times per refresh. Each row of
`incident_daily` holds, for one township and one local day (China Standard Time, UTC+8, no
DST): incidents reported that day, how many of those are resolved now and settled at
township level or below, and how many incidents were resolved on that day. The ORM flush
hook (services.store.db) collects the difference between an incident's old and new contribution
and applies it at the end of the same transaction, so the counters equal a direct count at every
commit and their row locks are held only for the last moment of a long transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes

from services.store import models
from services.vocabulary import LOW_LEVELS

LOCAL_TZ = "Asia/Shanghai"
LOCAL_OFFSET = timedelta(hours=8)  # China Standard Time has no daylight saving
FIELDS = ("reported", "resolved", "settled_low", "resolved_on")
Key = tuple[str, str, str, str, date, str]  # province, city, county, township, day, field


def local_day(t: datetime) -> date:
    """The CST calendar day of a naive UTC timestamp."""
    return (t + LOCAL_OFFSET).date()


def contribution(
    codes: tuple[str, str, str, str],
    reported_at: datetime | None,
    resolved_at: datetime | None,
    settled_level: str | None,
) -> Counter[Key]:
    """What one incident in the given state adds to the counters."""
    out: Counter[Key] = Counter()
    if reported_at is None:
        return out
    day = local_day(reported_at)
    out[(*codes, day, "reported")] += 1
    if resolved_at is not None:
        out[(*codes, day, "resolved")] += 1
        out[(*codes, local_day(resolved_at), "resolved_on")] += 1
        if settled_level in LOW_LEVELS:
            out[(*codes, day, "settled_low")] += 1
    return out


CODE_ATTRS = ("province_code", "city_code", "county_code", "township_code")
STATE_ATTRS = (*CODE_ATTRS, "reported_at", "resolved_at", "settled_level")


def _state(obj: models.Incident, old: bool) -> Counter[Key]:
    values: dict[str, Any] = {}
    for name in STATE_ATTRS:
        if old:
            hist = attributes.get_history(obj, name)
            values[name] = hist.deleted[0] if hist.deleted else getattr(obj, name)
        else:
            values[name] = getattr(obj, name)
    codes = tuple(values[c] or "" for c in CODE_ATTRS)
    return contribution(codes, values["reported_at"], values["resolved_at"], values["settled_level"])  # type: ignore[arg-type]


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
    for (prov, city, county, town, day, field), n in counts.items():
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
    if not rows:
        return
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["township_code", "day"],
        set_={f: table.c[f] + stmt.excluded[f] for f in FIELDS},
    )
    conn.execute(stmt, rows)


def bulk_rows(incidents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counter rows for incidents written in bulk (the demo), one per township and day."""
    total: Counter[Key] = Counter()
    for i in incidents:
        codes = (i["province_code"], i["city_code"], i["county_code"], i["township_code"])
        total.update(contribution(codes, i["reported_at"], i["resolved_at"], i["settled_level"]))
    return _rows(total)


def write_bulk(conn: Connection, incidents: Iterable[dict[str, Any]]) -> None:
    rows = bulk_rows(incidents)
    for i in range(0, len(rows), 10_000):
        conn.execute(insert(models.IncidentDaily), rows[i : i + 10_000])
