"""Reads behind the wall: one region's subtree rolled up into a `WallSnapshot`.

Runs in a worker thread with its own short-lived connection; returns frozen values only.
"Today" and the hourly buckets are in the center's local time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    and_,
    case,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement as _CE

from services import vocabulary
from services.store import changefeed, models
from services.territory import jurisdiction
from services.wall.situation import (
    CategoryCount,
    CellDetail,
    CenterHeader,
    ChildRegionRow,
    DayCount,
    FourHave,
    Kpis,
    OpenIncident,
    WallSnapshot,
)

I = models.Incident  # noqa: E741 - short alias keeps the queries readable
LEVEL_COLUMN = {
    "province": I.province_code,
    "city": I.city_code,
    "county": I.county_code,
    "township": I.township_code,
    "community": I.community_code,
}
CHILD_LEVEL = {
    "province": "city", "city": "county", "county": "township",
    "township": "community", "community": "grid",
}  # fmt: skip
"""A township's children are its communities (村/社区); where none were loaded, its cells."""
HANDOVER_GRACE = timedelta(hours=1)
VENUE_MIN_M2 = 40.0


@dataclass(frozen=True)
class RegionRef:
    id: int
    adcode: str
    name: str
    level: str
    path: str


@dataclass(frozen=True)
class Clock:
    """Time boundaries for one read, naive UTC, computed in the center's zone."""

    now: datetime
    today: datetime
    yesterday: datetime
    start30: datetime
    local_today: datetime

    @classmethod
    def at(cls, now: datetime, tz: str) -> Clock:
        zone = ZoneInfo(tz)
        local = now.replace(tzinfo=UTC).astimezone(zone)
        local_today = local.replace(hour=0, minute=0, second=0, microsecond=0)

        def utc(t: datetime) -> datetime:
            return t.astimezone(UTC).replace(tzinfo=None)

        return cls(
            now=now,
            today=utc(local_today),
            yesterday=utc(local_today - timedelta(days=1)),
            start30=utc(local_today - timedelta(days=29)),
            local_today=local_today,
        )


def region_by_code(conn: Connection, adcode: str) -> RegionRef:
    r = models.Region
    row = conn.execute(
        select(r.id, r.adcode, r.name, r.level, r.path).where(r.adcode == adcode)
    ).first()
    if row is None:
        raise LookupError(f"no region with code {adcode}")
    return RegionRef(row.id, row.adcode, row.name, row.level, row.path)


def bounded_region(conn: Connection, adcode: str, within: str | None) -> RegionRef:
    """The region with this code, refused (jurisdiction.OutsideJurisdiction) when it lies
    outside the subtree of `within` (the console's root; None: unbounded)."""
    region = region_by_code(conn, adcode)
    jurisdiction.within(within, region.adcode, region.path)
    return region


def root_region_code(engine: Engine) -> str:
    """The top region of the database (the demo's province)."""
    with engine.connect() as conn:
        r = models.Region
        code = conn.execute(
            select(r.adcode).where(r.parent_id.is_(None)).order_by(r.id).limit(1)
        ).scalar()
    if code is None:
        raise LookupError("the database holds no regions: run `python console.py demo`")
    return str(code)


def resolve_center(engine: Engine, code: str | None) -> RegionRef:
    """The region of the center a console, screenshot or clock is asked for (the root when
    `code` is None), or InvalidInput with one line naming the code when there is none.
    Commands call it before they open a window or start a loop."""
    from services.errors import InvalidInput

    if code is None:
        try:
            code = root_region_code(engine)
        except LookupError as exc:
            raise InvalidInput(str(exc), code="no_regions") from None
    code = code.strip()
    with engine.connect() as conn:
        try:
            return region_by_code(conn, code)
        except LookupError:
            pass
    try:
        hint = f" (the top region is {root_region_code(engine)})"
    except LookupError:
        hint = ": the database holds no regions, run `python console.py demo`"
    raise InvalidInput(f"--center {code}: no region with that code in this database{hint}",
                       code="no_region", adcode=code)  # fmt: skip


def subtree_filter(region: RegionRef) -> ColumnElement[bool]:
    return LEVEL_COLUMN[region.level] == region.adcode


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


def hourly(conn: Connection, region: RegionRef, clock: Clock) -> tuple[tuple[int, ...], tuple[int, ...]]:
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
            for row in conn.execute(select(g.id, g.code).where(own == region.adcode).order_by(g.code))
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
class _Rolled:
    kpis: Kpis
    daily: tuple[DayCount, ...]
    children: tuple[ChildRegionRow, ...]


def _township_children(conn: Connection, region: RegionRef) -> dict[str, str]:
    """Each township of the subtree → the code of the region's child it lies in."""
    r = models.Region
    depth = len(region.path.strip("/").split("/"))
    out = {}
    for code, path in conn.execute(
        select(r.adcode, r.path).where(r.level == "township", r.path.startswith(region.path))
    ):
        parts = path.strip("/").split("/")
        if len(parts) > depth:
            out[code] = parts[depth]
    return out


def rolled_up(conn: Connection, region: RegionRef, clock: Clock) -> _Rolled:
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
    # Open cases by township through the partial index, then onto the region's children
    # (grouping by a coarser code would scan the incidents of the whole region).
    child_of = _township_children(conn, region)
    open_total = overdue_total = 0
    for town, n_open, n_overdue in conn.execute(
        select(
            I.township_code,
            func.count(),
            func.count(case((I.resolve_deadline < clock.now, 1))),
        )
        .where(I.is_open)
        .group_by(I.township_code)
    ):
        if town not in child_of:
            continue
        open_total += n_open
        overdue_total += n_overdue
        slot = acc.setdefault(child_of[town], [0, 0, 0, 0, 0])
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
    return _Rolled(kpi, series, tuple(kids))


def header(conn: Connection, region: RegionRef, clock: Clock) -> CenterHeader:
    c = models.CommandCenter
    center = conn.execute(select(c).where(c.region_id == region.id)).first()
    if center is None:
        return CenterHeader(region.name, region.level, None, None, ())
    s = models.Shift
    shift = conn.execute(
        select(s).where(s.center_id == center.id, s.starts_at <= clock.now, s.ends_at > clock.now)
    ).first()
    names: dict[int, str] = {}
    if shift is not None:
        ids = [i for i in (shift.duty_officer_id, shift.second_officer_id, shift.leader_id) if i]
        st = models.Staff
        names = dict(conn.execute(select(st.id, st.name).where(st.id.in_(ids))).all())
    haves = four_haves(conn, center, shift, clock)
    return CenterHeader(
        center_name=center.name,
        level=center.level,
        duty_officer=names.get(shift.duty_officer_id) if shift else None,
        leader_on_duty=names.get(shift.leader_id) if shift else None,
        four_haves=haves,
    )


def four_haves(conn: Connection, center: Any, shift: Any, clock: Clock) -> tuple[FourHave, ...]:
    """有场地、有大屏、有人员、有机制, each met or not, with the reason."""
    area = round(center.venue_area_m2 or 0)
    venue = FourHave("venue", center.venue_area_m2 >= VENUE_MIN_M2,
                     code="venue" if area else "no_venue", values=(("area", area),))  # fmt: skip
    screen = FourHave(
        "screen",
        center.screen_ok > 0 and center.screen_ok * 2 >= center.screen_count,
        code="screens",
        values=(("ok", center.screen_ok), ("total", center.screen_count)),
    )
    on_duty = 0
    if shift is not None and shift.checked_in_at is not None:
        on_duty = 1 + (1 if shift.second_officer_id else 0)
    staff = FourHave(
        "staff",
        on_duty >= center.required_on_duty,
        code="staff",
        values=(("on_duty", on_duty), ("required", center.required_on_duty)),
    )
    s, h = models.Shift, models.Handover
    late = conn.execute(
        select(func.count())
        .select_from(s)
        .outerjoin(h, h.shift_id == s.id)
        .where(
            s.center_id == center.id,
            s.ends_at <= clock.now - HANDOVER_GRACE,
            s.ends_at >= clock.now - timedelta(days=2),
            (h.id.is_(None)) | (h.status != "accepted"),
        )
    ).scalar_one()
    if not center.has_24h_operation:
        mech = FourHave("mechanism", False, code="no_24h")
    elif late:
        mech = FourHave("mechanism", False, code="handover_late", values=(("late", int(late)),))
    else:
        mech = FourHave("mechanism", True, code="handover_ok")
    return (venue, screen, staff, mech)


def breadcrumb(conn: Connection, region: RegionRef, root: str | None) -> tuple[tuple[str, str], ...]:
    codes = [c for c in region.path.strip("/").split("/") if c]
    if root and root in codes:
        codes = codes[codes.index(root) :]
    r = models.Region
    names = dict(conn.execute(select(r.adcode, r.name).where(r.adcode.in_(codes))).all())
    return tuple((c, names.get(c, c)) for c in codes)


def wall_snapshot(
    engine: Engine,
    adcode: str,
    *,
    tz: str = "Asia/Shanghai",
    root: str | None = None,
    now: datetime | None = None,
    within: str | None = None,
) -> WallSnapshot:
    """Everything the wall shows for region `adcode`, read in one short transaction.

    `within`: the console's root; a region outside its subtree is refused
    (jurisdiction.OutsideJurisdiction) and the breadcrumb starts there (else at `root`)."""
    clock = Clock.at(now or models.utcnow(), tz)
    seq = changefeed.head(engine)
    root = root or within
    with engine.connect() as conn:
        region = bounded_region(conn, adcode, within)
        today, yesterday = hourly(conn, region, clock)
        if region.level in ("township", "community"):  # small subtree: direct counts
            rolled = _Rolled(
                kpis(conn, region, clock), daily(conn, region, clock), children(conn, region, clock)
            )
        else:
            rolled = rolled_up(conn, region, clock)
        snap = WallSnapshot(
            region_code=region.adcode,
            region_name=region.name,
            level=region.level,
            breadcrumb=breadcrumb(conn, region, root),
            header=header(conn, region, clock),
            kpis=rolled.kpis,
            hourly_today=today,
            hourly_yesterday=yesterday,
            daily_30=rolled.daily,
            categories=categories(conn, region, clock),
            children=rolled.children,
            as_of=datetime.now(UTC),
            feed_seq=seq,
            next_change_at=next_change(conn, region, clock),
        )
    return snap


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


def grid_counts(engine: Engine, region: RegionRef, since: datetime, *,
                within: str | None = None) -> dict[int, int]:  # fmt: skip
    """Incidents per grid cell in a region's subtree since `since` (the map's metric);
    refused outside the subtree of `within`.

    Reads the DBAPI rows directly: at province scale (~100,000 groups) building SQLAlchemy
    Row objects doubled the time. The covering (level, grid, reported_at) index avoids a sort.
    """
    jurisdiction.within(within, region.adcode, region.path)
    stmt = (
        select(I.grid_id, func.count())
        .where(subtree_filter(region), I.reported_at >= since, I.grid_id.is_not(None))
        .group_by(I.grid_id)
    )
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Left alone, the planner picks a sequential scan and a hash aggregate that
            # spills at the default 4 MB work_mem, and JIT-compiles it: ~290 ms at 300,000
            # incidents. Streaming the covering index in grid order: ~100 ms. SET LOCAL ends
            # with this read's transaction.
            for setting in ("enable_seqscan = off", "enable_hashagg = off", "jit = off"):
                conn.execute(text(f"SET LOCAL {setting}"))
        return dict(conn.execute(stmt).cursor.fetchall())


@dataclass(frozen=True)
class Territory:
    """The map's geometry for one region: packed cell rings and simplified boundaries."""

    region_code: str
    cell_ids: Any  # np.ndarray int32
    offsets: Any  # np.ndarray int32, len(cell_ids) + 1, vertex index of each ring start
    coords: Any  # np.ndarray float32 (n_vertices, 2) lon, lat
    boundaries: tuple[dict[str, Any], ...]  # GeoJSON features: the region and its children


SIMPLIFY_DEG = {
    "province": 0.01, "city": 0.004, "county": 0.001, "township": 0.0003, "community": 0.0001,
}  # fmt: skip


def territory(engine: Engine, adcode: str, *, within: str | None = None) -> Territory:
    """Cells of a region's subtree packed for transfer, and its boundary features (refused
    outside the subtree of `within`)."""
    import numpy as np
    import shapely

    with engine.connect() as conn:
        region = bounded_region(conn, adcode, within)
        g = models.GridCell
        level_col = {
            "province": g.province_code, "city": g.city_code, "county": g.county_code,
            "township": g.township_code, "community": g.community_code,
        }[region.level]  # fmt: skip
        rows = conn.execute(select(g.id, g.geometry).where(level_col == adcode).order_by(g.id)).all()
        r = models.Region
        regions = conn.execute(
            select(r.adcode, r.name, r.level, r.boundary).where(
                (r.id == region.id) | (r.parent_id == region.id)
            )
        ).all()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int32, count=len(rows))
    geoms = shapely.from_wkb([row[1] for row in rows]) if rows else np.empty(0, dtype=object)
    rings = shapely.get_exterior_ring(geoms)
    counts = shapely.get_num_coordinates(rings)
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    coords = shapely.get_coordinates(rings).astype(np.float32) if rows else np.zeros((0, 2), np.float32)
    features = []
    for code, name, level, wkb in regions:
        if wkb is None:
            continue
        geom = shapely.from_wkb(wkb)
        simple = shapely.simplify(geom, SIMPLIFY_DEG.get(level, 0.001), preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "properties": {"adcode": code, "name": name, "level": level},
                "geometry": shapely.geometry.mapping(simple),
            }
        )
    return Territory(adcode, ids, offsets, coords, tuple(features))


def cell_detail(engine: Engine, cell_id: int, now: datetime | None = None, *,
                within: str | None = None) -> CellDetail:  # fmt: skip
    """A grid cell's grid heads and workers, households and open incidents (newest first);
    refused for a cell outside the subtree of `within`."""
    now = now or models.utcnow()
    g, st, r = models.GridCell, models.Staff, models.Region
    with engine.connect() as conn:
        jurisdiction.cell_within(conn, within, cell_id)
        cell = conn.execute(
            select(g.id, g.code, g.households, g.population, g.enterprises, g.township_code,
                   g.community_code)
            .where(g.id == cell_id)
        ).first()  # fmt: skip
        if cell is None:
            raise LookupError(f"no grid cell {cell_id}")
        names = dict(conn.execute(
            select(r.adcode, r.name).where(r.adcode.in_((cell.township_code, cell.community_code)))
        ).all())  # fmt: skip
        people: dict[str, list[str]] = {}
        for role, name in conn.execute(
            select(st.role, st.name).where(st.grid_id == cell_id).order_by(st.id)
        ):
            people.setdefault(role, []).append(name)
        incidents = tuple(
            OpenIncident(i.id, i.category, i.status, i.priority, i.reported_at,
                         i.resolve_deadline is not None and i.resolve_deadline < now)
            for i in conn.execute(
                select(I.id, I.category, I.status, I.priority, I.reported_at, I.resolve_deadline)
                .where(I.grid_id == cell_id, I.is_open)
                .order_by(I.reported_at.desc())
                .limit(50)
            )
        )  # fmt: skip
    return CellDetail(
        cell_id=cell.id,
        code=cell.code,
        township=names.get(cell.township_code, cell.township_code),
        grid_heads=tuple(people.get("grid_head", ())),
        full_time=tuple(people.get("grid_worker_full", ())),
        part_time=tuple(people.get("grid_worker_part", ())),
        households=cell.households,
        population=cell.population,
        enterprises=cell.enterprises,
        open_incidents=incidents,
        community=names.get(cell.community_code, ""),
    )


MAP_METRICS = ("reported_today", "open", "overdue", "risk")
"""Cell metrics the map can colour by; `risk` is the highest open alert level of the cell
(1 blue, 2 yellow, 3 orange, 4 red; services.risk)."""
RISK_THRESHOLDS = (1.0, 2.0, 3.0, 4.0)
"""Class breaks of the `risk` metric: one colour per alert level."""


def cell_metric(engine: Engine, adcode: str, metric: str, now: datetime | None = None,
                tz: str = "Asia/Shanghai", *, within: str | None = None) -> dict[int, float]:  # fmt: skip
    """Per-cell values of one map metric for a region's subtree (cells with 0 left out);
    refused outside the subtree of `within`."""
    clock = Clock.at(now or models.utcnow(), tz)
    with engine.connect() as conn:
        region = bounded_region(conn, adcode, within)
    if metric == "reported_today":
        counts = grid_counts(engine, region, clock.today, within=within)
        return {k: float(v) for k, v in counts.items()}
    if metric == "risk":
        from services import risk

        with engine.connect() as conn:
            return risk.cell_levels(conn, region.level, region.adcode)
    if metric not in ("open", "overdue"):
        raise ValueError(f"unknown map metric {metric!r}; one of {MAP_METRICS}")
    where = [subtree_filter(region), I.is_open, I.grid_id.is_not(None)]
    if metric == "overdue":
        where.append(I.resolve_deadline < clock.now)
    stmt = select(I.grid_id, func.count()).where(*where).group_by(I.grid_id)
    with engine.connect() as conn:
        return {int(g): float(n) for g, n in conn.execute(stmt).cursor.fetchall()}


@dataclass(frozen=True)
class MapPoints:
    """Map markers: open incidents; linkage units and cameras at county level and below."""

    incidents: tuple[dict[str, Any], ...]
    resources: tuple[dict[str, Any], ...]
    cameras: tuple[dict[str, Any], ...]


INCIDENT_MARKER_STATUS = {
    "reported": "new", "accepted": "new", "returned": "new",
    "routed": "assigned", "in_progress": "in_progress",
}  # fmt: skip
RESOURCE_MARKER_STATUS = {"available": "available", "unavailable": "offline"}
MAX_INCIDENT_MARKERS = 20_000
LOCAL_LEVELS = ("county", "township", "community")
"""Levels whose map shows linkage units and cameras."""


def camera_query(region: RegionRef) -> Any:
    """Cameras of a county or below: by the county code every camera carries, or, lower
    down, by their cell's code (indexed) and, for cameras imported before any cell, by
    their region's path."""
    cam, g, reg = models.Camera, models.GridCell, models.Region
    cols = (cam.id, cam.lon, cam.lat, cam.name, cam.online)
    if region.level == "county":
        return select(*cols).where(cam.county_code == region.adcode).order_by(cam.id)
    cell_col = g.community_code if region.level == "community" else g.township_code
    parts = region.path.strip("/").split("/")
    county = parts[-2] if region.level == "township" else parts[-3]  # the indexed narrowing
    in_cells = (
        select(*cols).join(g, g.id == cam.grid_id)
        .where(cam.county_code == county, cell_col == region.adcode)
    )  # fmt: skip
    no_cell = select(*cols).where(
        cam.county_code == county,
        cam.grid_id.is_(None),
        cam.region_id.in_(select(reg.id).where(reg.path.startswith(region.path))),
    )
    both = union_all(in_cells, no_cell).subquery()
    return select(both).order_by(both.c.id)


def map_points(engine: Engine, adcode: str, now: datetime | None = None, *,
               within: str | None = None) -> MapPoints:  # fmt: skip
    """Open incidents (overdue marked), linkage units and cameras of a region's subtree;
    refused outside the subtree of `within`."""
    now = now or models.utcnow()
    with engine.connect() as conn:
        region = bounded_region(conn, adcode, within)
        incidents = tuple(
            {
                "id": r.id, "lon": r.lon, "lat": r.lat, "priority": r.priority,
                "status": "overdue" if r.resolve_deadline is not None and r.resolve_deadline < now
                else INCIDENT_MARKER_STATUS.get(r.status, "new"),
                "label": r.category,
            }
            for r in conn.execute(
                select(I.id, I.lon, I.lat, I.priority, I.status, I.category, I.resolve_deadline)
                .where(subtree_filter(region), I.is_open)
                .order_by(I.reported_at.desc())
                .limit(MAX_INCIDENT_MARKERS)
            )
        )  # fmt: skip
        res, reg = models.Resource, models.Region
        resources: tuple[dict[str, Any], ...] = ()
        if region.level in LOCAL_LEVELS:  # thousands of units bury a province map
            resources = tuple(
                {"id": r.id, "lon": r.lon, "lat": r.lat, "kind": r.kind, "label": r.name,
                 "status": RESOURCE_MARKER_STATUS.get(r.status, "dispatched")}
                for r in conn.execute(
                    select(res.id, res.lon, res.lat, res.kind, res.name, res.status)
                    .join(reg, reg.id == res.region_id)
                    .where(reg.path.startswith(region.path))
                )
            )  # fmt: skip
        cameras: tuple[dict[str, Any], ...] = ()
        if region.level in LOCAL_LEVELS:
            cameras = tuple(
                {"id": r.id, "lon": r.lon, "lat": r.lat, "label": r.name,
                 "status": "online" if r.online else "offline"}
                for r in conn.execute(camera_query(region))
            )  # fmt: skip
    return MapPoints(incidents, resources, cameras)
