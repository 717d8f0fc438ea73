"""The wall's counts for one region: KPIs, hourly and 30-day series, categories and the
child ranking, direct (small subtrees) or from the per-township daily counters.

"Today" and the hourly buckets are in the center's local time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.sql.elements import ColumnElement as _CE

from services import vocabulary
from services.store import models
from services.wall.regions import CHILD_LEVEL, LEVEL_COLUMN, Clock, RegionRef, subtree_filter
from services.wall.situation import (
    CategoryCount,
    ChildRegionRow,
    DayCount,
    Kpis,
)

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


def _hours_since(conn: Connection, col: Any, base: datetime) -> _CE[Any]:
    if conn.dialect.name == "sqlite":
        return func.cast((func.julianday(col) - func.julianday(literal(base))) * 24, Integer)
    return func.floor(func.extract("epoch", col - literal(base)) / 3600)


def kpis(conn: Connection, region: RegionRef, clock: Clock) -> Kpis:
    f = subtree_filter(region)
    low = I.settled_level.in_(vocabulary.LOW_LEVELS)
    in30 = I.reported_at >= clock.start30
    row = conn.execute(
        select(
            func.count(case((I.reported_at >= clock.today, 1))),
            func.count(case((I.is_open, 1))),
            func.count(case((and_(I.is_open, I.resolve_deadline < clock.now), 1))),
            func.count(case((I.resolved_at >= clock.today, 1))),
            func.count(case((in30, 1))),
            func.count(case((and_(in30, I.resolved_at.is_not(None)), 1))),
            func.count(case((and_(in30, low), 1))),
        ).where(f, (I.reported_at >= clock.start30) | I.is_open | (I.resolved_at >= clock.today))
    ).one()
    reported30, resolved30, low30 = row[4], row[5], row[6]
    return Kpis(
        reported_today=row[0],
        open=row[1],
        overdue=row[2],
        resolved_today=row[3],
        resolution_rate=resolved30 / reported30 if reported30 else None,
        settled_low_share=low30 / resolved30 if resolved30 else None,
    )


def hourly(
    conn: Connection, region: RegionRef, clock: Clock
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    bucket = _hours_since(conn, I.reported_at, clock.yesterday).label("b")
    rows = conn.execute(
        select(bucket, func.count())
        .where(subtree_filter(region), I.reported_at >= clock.yesterday)
        .group_by(bucket)
    ).all()
    counts = [0] * 48
    for b, n in rows:
        if b is not None and 0 <= int(b) < 48:
            counts[int(b)] += n
    return tuple(counts[24:]), tuple(counts[:24])


def daily(conn: Connection, region: RegionRef, clock: Clock) -> tuple[DayCount, ...]:
    bucket = _hours_since(conn, I.reported_at, clock.start30).label("h")
    day = func.floor(bucket / 24) if conn.dialect.name != "sqlite" else bucket / 24
    rows = conn.execute(
        select(day.label("d"), func.count())
        .where(subtree_filter(region), I.reported_at >= clock.start30)
        .group_by("d")
    ).all()
    counts = [0] * 30
    for d, n in rows:
        if d is not None and 0 <= int(d) < 30:
            counts[int(d)] += n
    start = clock.local_today - timedelta(days=29)
    return tuple(
        DayCount((start + timedelta(days=k)).date().isoformat(), counts[k]) for k in range(30)
    )


def categories(conn: Connection, region: RegionRef, clock: Clock) -> tuple[CategoryCount, ...]:
    rows = conn.execute(
        select(I.category, func.count())
        .where(subtree_filter(region), I.reported_at >= clock.today)
        .group_by(I.category)
        .order_by(func.count().desc(), I.category)
    ).all()
    return tuple(CategoryCount(c, n) for c, n in rows)


def _child_level(conn: Connection, region: RegionRef) -> str:
    """The level of the region's children: CHILD_LEVEL, or "grid" for a township that has
    no communities (cells imported straight under it)."""
    level = CHILD_LEVEL[region.level]
    if level == "community":
        r = models.Region
        if conn.execute(select(r.id).where(r.parent_id == region.id).limit(1)).first() is None:
            return "grid"
    return level


def children(conn: Connection, region: RegionRef, clock: Clock) -> tuple[ChildRegionRow, ...]:
    """Each child region (or grid cell) with its counts: the wall's ranking."""
    child_level = _child_level(conn, region)
    in30 = I.reported_at >= clock.start30
    key: Any = I.grid_id if child_level == "grid" else LEVEL_COLUMN[child_level]
    stats = {
        row[0]: row[1:]
        for row in conn.execute(
            select(
                key,
                func.count(case((I.reported_at >= clock.today, 1))),
                func.count(case((I.is_open, 1))),
                func.count(case((and_(I.is_open, I.resolve_deadline < clock.now), 1))),
                func.count(case((in30, 1))),
                func.count(case((and_(in30, I.resolved_at.is_not(None)), 1))),
            )
            .where(subtree_filter(region), in30 | I.is_open)
            .group_by(key)
        )
    }
    if child_level == "grid":
        g = models.GridCell
        own = g.community_code if region.level == "community" else g.township_code
        kids = [
            (row.id, row.code, row.code)
            for row in conn.execute(
                select(g.id, g.code).where(own == region.adcode).order_by(g.code)
            )
        ]
    else:
        r = models.Region
        kids = [
            (row.adcode, row.adcode, row.name)
            for row in conn.execute(
                select(r.adcode, r.name).where(r.parent_id == region.id).order_by(r.adcode)
            )
        ]
    out = []
    for k, code, name in kids:
        today, open_, overdue, rep30, res30 = stats.get(k, (0, 0, 0, 0, 0))
        out.append(
            ChildRegionRow(
                adcode=str(code),
                name=name,
                level=child_level,
                reported_today=today,
                open=open_,
                overdue=overdue,
                resolution_rate=res30 / rep30 if rep30 else None,
            )
        )
    return tuple(out)


D = models.IncidentDaily
ROLLUP_LEVEL_COLUMN = {
    "province": D.province_code,
    "city": D.city_code,
    "county": D.county_code,
    "township": D.township_code,
}


@dataclass(frozen=True)
class Rolled:
    kpis: Kpis
    daily: tuple[DayCount, ...]
    children: tuple[ChildRegionRow, ...]


def rolled_up(conn: Connection, region: RegionRef, clock: Clock) -> Rolled:
    """KPIs, 30-day series and the child ranking from the per-township daily counters.

    Same definitions as the direct queries (`kpis`, `daily`, `children`), but sums about
    1,300 × 30 counter rows in the database (one row per child and day comes back, not
    every counter: turning 23,000 rows into Python objects cost ~40 ms of GIL time)
    and counts the open incidents (a partial index) instead of scanning every incident of
    the month several times. For a province, city or county (a township's children are
    grid cells: `children`).
    """
    today = clock.local_today.date()
    start = today - timedelta(days=29)
    in_region = and_(ROLLUP_LEVEL_COLUMN[region.level] == region.adcode, D.day >= start)
    per_day = [0] * 30
    # child code -> [reported_today, open, overdue, reported30, resolved30]
    acc: dict[str, list[int]] = {}
    totals = {"reported_today": 0, "resolved_today": 0, "rep30": 0, "res30": 0, "low30": 0}
    child_col = ROLLUP_LEVEL_COLUMN[CHILD_LEVEL[region.level]]
    for code, day, rep, res, low, res_on in conn.execute(
        select(
            child_col,
            D.day,
            func.sum(D.reported),
            func.sum(D.resolved),
            func.sum(D.settled_low),
            func.sum(D.resolved_on),
        )
        .where(in_region)
        .group_by(child_col, D.day)
    ):  # at most children × 30 rows, summed in one pass over the counters
        k = (day - start).days
        if not 0 <= k < 30:
            continue
        rep, res = int(rep), int(res)
        per_day[k] += rep
        slot = acc.setdefault(code, [0, 0, 0, 0, 0])
        slot[3] += rep
        slot[4] += res
        totals["rep30"] += rep
        totals["res30"] += res
        totals["low30"] += int(low)
        if day == today:
            slot[0] += rep
            totals["reported_today"] += rep
            totals["resolved_today"] += int(res_on)
    # Open and overdue cases per child in the database: the open incidents are about a
    # tenth, and their partial indexes by level find the region's; a few rows come back
    # (reading every township of a province and mapping each in Python cost ~10 ms).
    open_total = overdue_total = 0
    child_code = LEVEL_COLUMN[CHILD_LEVEL[region.level]]
    for code, n_open, n_overdue in conn.execute(
        select(child_code, func.count(), func.count(case((I.resolve_deadline < clock.now, 1))))
        .where(I.is_open, LEVEL_COLUMN[region.level] == region.adcode)
        .group_by(child_code)
    ):
        open_total += n_open
        overdue_total += n_overdue
        slot = acc.setdefault(code, [0, 0, 0, 0, 0])
        slot[1] += n_open
        slot[2] += n_overdue
    r = models.Region
    kids = []
    for code, name in conn.execute(
        select(r.adcode, r.name).where(r.parent_id == region.id).order_by(r.adcode)
    ):
        today_n, open_n, overdue_n, rep30, res30 = acc.get(code, [0, 0, 0, 0, 0])
        kids.append(
            ChildRegionRow(code, name, CHILD_LEVEL[region.level], today_n, open_n, overdue_n,
                           res30 / rep30 if rep30 else None)
        )  # fmt: skip
    rep30, res30 = totals["rep30"], totals["res30"]
    kpi = Kpis(
        reported_today=totals["reported_today"],
        open=open_total,
        overdue=overdue_total,
        resolved_today=totals["resolved_today"],
        resolution_rate=res30 / rep30 if rep30 else None,
        settled_low_share=totals["low30"] / res30 if res30 else None,
    )
    first = clock.local_today - timedelta(days=29)
    series = tuple(
        DayCount((first + timedelta(days=k)).date().isoformat(), per_day[k]) for k in range(30)
    )
    return Rolled(kpi, series, tuple(kids))


def next_change(conn: Connection, region: RegionRef, clock: Clock) -> datetime:
    """When the region's numbers next change by the clock alone (aware, UTC): the next
    deadline of an open case (it turns overdue) or the next local hour."""
    hour = clock.now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    deadline = conn.execute(
        select(func.min(I.resolve_deadline)).where(
            subtree_filter(region), I.is_open, I.resolve_deadline > clock.now
        )
    ).scalar()
    soonest = min(hour, deadline) if deadline is not None else hour
    return soonest.replace(tzinfo=UTC)
