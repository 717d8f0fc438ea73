"""What the map draws for a region: cell geometry and boundaries, per-cell metrics,
the cell card, and markers (open incidents, linkage units, cameras).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Engine,
    func,
    select,
    text,
    union_all,
)

from services.store import models, rollup
from services.territory import jurisdiction
from services.wall.regions import (
    LEVEL_COLUMN,
    Clock,
    RegionRef,
    bounded_region,
    subtree_filter,
)
from services.wall.situation import (
    CellDetail,
    OpenIncident,
)

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


def grid_counts(engine: Engine, region: RegionRef, since: datetime, *,
                within: str | None = None) -> dict[int, int]:  # fmt: skip
    """Incidents per grid cell in a region's subtree reported at or after `since` (naive
    UTC; the map's metric), cells with none left out; refused outside the subtree of `within`.

    When `since` is the start of the per-cell counters' window (CST midnight of the first
    of the last 30 days, `Clock.start30`: services.store.rollup), one counter row per cell
    is read (no aggregate: one row per cell but where its incidents carry other codes),
    in the same statement as the window's start so a concurrent move cannot mix two
    windows. Any other `since` scans the covering (level, grid, reported_at) index,
    reading the DBAPI rows directly: at province scale (~100,000 groups) building
    SQLAlchemy Row objects doubled the time. Both give the same counts.
    """
    jurisdiction.within(within, region.adcode, region.path)
    with engine.connect() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:  # JIT-compiling either read costs more than it saves
            conn.execute(text("SET LOCAL jit = off"))
        start = rollup.grid_window_start(conn)
        if start is not None and since == rollup.utc_midnight(start):
            g, w = models.GridRecent, models.GridRecentWindow
            # grid_recent names its codes as the incidents do
            level_col = getattr(g, LEVEL_COLUMN[region.level].key)
            same_window = select(w.id).where(w.id == 1, w.start == start).exists()
            counted = select(g.grid_id, g.reported).where(
                level_col == region.adcode, g.reported > 0, same_window
            )
            rows = conn.execute(counted).cursor.fetchall()
            # No rows: an empty subtree, or the window moved since `start` was read.
            if rows or rollup.grid_window_start(conn) == start:
                out = dict(rows)
                if len(out) < len(rows):  # a cell with incidents of other codes (rare): add up
                    out = {}
                    for cell, n in rows:
                        out[cell] = out.get(cell, 0) + n
                return out
        stmt = (
            select(I.grid_id, func.count())
            .where(subtree_filter(region), I.reported_at >= since, I.grid_id.is_not(None))
            .group_by(I.grid_id)
        )
        if pg:
            # Left alone, the planner picks a sequential scan and a hash aggregate that
            # spills at the default 4 MB work_mem, and JIT-compiles it: ~290 ms at 300,000
            # incidents. Streaming the covering index in grid order: ~100 ms. SET LOCAL ends
            # with this read's transaction.
            for setting in ("enable_seqscan = off", "enable_hashagg = off"):
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
        rows = conn.execute(
            select(g.id, g.geometry).where(level_col == adcode).order_by(g.id)
        ).all()
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
    coords = (
        shapely.get_coordinates(rings).astype(np.float32) if rows else np.zeros((0, 2), np.float32)
    )
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
