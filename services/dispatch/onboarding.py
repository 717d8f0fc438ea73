"""Onboarding a center's forces: linkage units (联动单位), watched places and response plans.

CSV or JSON Lines (services.tabular), every bad row named, all or nothing; the columns are
in `UNITS`, `PLACES` and `PLANS`. Every row written is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from services.accounts import Actor
from services.dispatch.plans import SURGE_CATEGORY
from services.dispatch.rules import LEVELS, UNIT_KINDS
from services.store import audit, models
from services.store.db import session_factory, transaction
from services.tabular import Column, Row, Template, check, duplicates, load
from services.territory.onboarding import RegionInfo, Regions, grid_for, located
from services.vocabulary import CATEGORIES

LOCAL_LEVELS = ("county", "township", "community")
PLAN_CATEGORIES = (*CATEGORIES, SURGE_CATEGORY)
LAYOUTS = (1, 4, 6, 9, 16)
NOTIFY_LEVELS = ("province", "city", "county", "township")

UNITS = Template(
    "units",
    "linkage units (联动单位) with their response level (一级/二级/三级) and base",
    (
        Column("name", "name, unique in its county", True),
        Column("kind", f"one of {', '.join(UNIT_KINDS)}", True),
        Column("response_level", "1, 2 or 3 (一级 most urgent)", True),
        Column("region", "adcode of its base's county, township or community", True),
        Column("lon", "base longitude (default: a point inside the region)"),
        Column("lat", "base latitude"),
        Column("status", "available (default) or unavailable"),
    ),
    (
        {"name": "东街派出所巡逻组1", "kind": "police", "response_level": "1",
         "region": "620702001", "lon": "100.4530", "lat": "38.9320"},
        {"name": "甘州区消防救援站", "kind": "fire", "response_level": "1", "region": "620702"},
        {"name": "东街网格应急小分队", "kind": "grid_team", "response_level": "3",
         "region": "620702001", "status": "available"},
    ),
)  # fmt: skip

PLACES = Template(
    "places",
    "places watched for capacity (景区、广场、车站): a visitor count past capacity raises an alert",
    (
        Column("name", "name, unique in its county", True),
        Column("kind", "scenic_spot (default), square, station, venue ..."),
        Column("region", "adcode of its county, township or community", True),
        Column("lon", "longitude", True),
        Column("lat", "latitude", True),
        Column("daily_capacity", "visitors a day it is built for", True),
        Column("grid", "grid cell code (default: the cell at its place, if any)"),
    ),
    (
        {"name": "张掖七彩丹霞景区", "kind": "scenic_spot", "region": "620702",
         "lon": "100.4500", "lat": "38.9300", "daily_capacity": "30000"},
    ),
)  # fmt: skip

PLANS = Template(
    "plans",
    "response plans (预案) per category and severity: units, notices and the video layout",
    (
        Column("name", "name, unique", True),
        Column("category", f"one of {', '.join(PLAN_CATEGORIES)}", True),
        Column("min_priority", "for incidents at least this urgent: 1 (urgent) .. 4 (low)", True),
        Column("response_level", "1, 2 or 3", True),
        Column("region", "adcode of the region it is for (blank: everywhere)"),
        Column("units", "kind:level:count;... e.g. police:1:2;medical:1:1 (JSON: a list)"),
        Column("notify_departments", "department kinds of the county to notify, ; separated"),
        Column("notify_centers", "levels of centers to notify: township;county;city;province"),
        Column("layout", "video layout slots: 1, 4, 6, 9 or 16 (default 4)"),
        Column("cameras", "nearest cameras to show (default: the layout's slots)"),
        Column("incident_category", f"for {SURGE_CATEGORY}: the category of the case it opens"),
    ),
    (
        {"name": "甘州区火灾一级响应", "category": "fire", "min_priority": "2",
         "response_level": "1", "region": "620702", "units": "fire:1:2;medical:1:1;police:1:1",
         "notify_departments": "fire;health;emergency", "notify_centers": "township;county",
         "layout": "4", "cameras": "4"},
        {"name": "景区大客流二级响应", "category": SURGE_CATEGORY, "min_priority": "2",
         "response_level": "2", "units": "police:1:2;grid_team:3:2",
         "notify_centers": "township;county", "layout": "9", "incident_category": "public_order"},
    ),
)  # fmt: skip

UNIT_FIELDS = ("name", "kind", "response_level", "status", "region_id", "county_code",
               "home_lon", "home_lat")  # fmt: skip
PLACE_FIELDS = ("name", "kind", "grid_id", "county_code", "lon", "lat", "daily_capacity")


def _local_region(row: Row, regions: Regions, actor: Actor) -> RegionInfo | None:
    region = regions.lookup(row, actor)
    if region is not None and region.level not in LOCAL_LEVELS:
        row.fail("region", f"{region.adcode} is a {region.level}: a county or lower")
        return None
    return region


def import_units(engine: Engine, actor: Actor, path: str) -> int:
    """Check every unit (kind, level, base inside its region), then add all of them."""
    rows = load(path)
    res = models.Resource
    now = models.utcnow()
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        known = {f"{c}:{n}" for c, n in s.execute(select(res.county_code, res.name))}
        seen: dict[str, int] = {}
        made: list[dict[str, Any]] = []
        for row in rows:
            name = row.text("name", required=True)
            kind = row.choice("kind", UNIT_KINDS, required=True)
            level = row.integer("response_level", required=True, lo=min(LEVELS), hi=max(LEVELS))
            region = _local_region(row, regions, actor)
            where = located(row, s, region, required=False)
            status = row.choice("status", ("available", "unavailable"), default="available")
            county = regions.county_code(region) if region else ""
            if region is not None and name:
                duplicates(row, "name", name, seen, known, key=f"{county}:{name}",
                           where=f"the units of county {county}")  # fmt: skip
            if row.ok and region is not None and where is not None:
                made.append({"name": name, "kind": kind, "response_level": level,
                             "status": status, "status_since": now, "region_id": region.id,
                             "county_code": county, "home_lon": where[0], "home_lat": where[1],
                             "lon": where[0], "lat": where[1]})  # fmt: skip
        check(rows)
        for values in made:
            unit = res(**values)
            s.add(unit)
            s.flush()
            audit.record(s, actor, "onboard.unit", "resource", unit.id,
                         after=audit.snapshot(unit, UNIT_FIELDS))  # fmt: skip
    return len(made)


def import_places(engine: Engine, actor: Actor, path: str) -> int:
    """Check every place (inside its region, a capacity), then add all of them."""
    rows = load(path)
    pl = models.Place
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        known = {f"{c}:{n}" for c, n in s.execute(select(pl.county_code, pl.name))}
        seen: dict[str, int] = {}
        made: list[dict[str, Any]] = []
        for row in rows:
            name = row.text("name", required=True)
            kind = row.text("kind", max_len=24) or "scenic_spot"
            region = _local_region(row, regions, actor)
            where = located(row, s, region)
            capacity = row.integer("daily_capacity", required=True, lo=1)
            cell = grid_for(row, s, region, where)
            county = regions.county_code(region) if region else ""
            if region is not None and name:
                duplicates(row, "name", name, seen, known, key=f"{county}:{name}",
                           where=f"the places of county {county}")  # fmt: skip
            if row.ok and where is not None:
                made.append({"name": name, "kind": kind, "grid_id": cell.id if cell else None,
                             "county_code": county, "lon": where[0], "lat": where[1],
                             "daily_capacity": capacity, "current_count": 0})  # fmt: skip
        check(rows)
        for values in made:
            place = pl(**values)
            s.add(place)
            s.flush()
            audit.record(s, actor, "onboard.place", "place", place.id,
                         after=audit.snapshot(place, PLACE_FIELDS))  # fmt: skip
    return len(made)


def _units_spec(row: Row) -> list[dict[str, Any]]:
    """`kind:level:count;...` (or a JSON list of {kind, level, count}) checked."""
    value = row.fields.get("units")
    out: list[dict[str, Any]] = []
    specs: list[Any] = value if isinstance(value, list) else row.items("units")
    for spec in specs:
        if isinstance(spec, dict):
            kind, level, count = spec.get("kind"), spec.get("level"), spec.get("count", 1)
        else:
            parts = str(spec).split(":")
            kind = parts[0]
            level = parts[1] if len(parts) > 1 and parts[1] else None
            count = parts[2] if len(parts) > 2 else 1
        if kind not in UNIT_KINDS:
            row.fail("units", f"unit kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
            continue
        try:
            lvl = int(level) if level not in (None, "") else None
            n = int(count)
        except (TypeError, ValueError):
            row.fail("units", f"{spec!r}: level and count are whole numbers (kind:level:count)")
            continue
        if (lvl is not None and lvl not in LEVELS) or not 1 <= n <= 50:
            row.fail("units", f"{spec!r}: level 1-3, count 1-50")
            continue
        out.append({"kind": kind, "level": lvl, "count": n})
    return out


def import_plans(engine: Engine, actor: Actor, path: str) -> int:
    """Check every plan (category, levels, units, notices, layout), then add all of them."""
    rows = load(path)
    p = models.ResponsePlan
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        known = set(s.scalars(select(p.name)))
        seen: dict[str, int] = {}
        made: list[dict[str, Any]] = []
        for row in rows:
            name = row.text("name", required=True, max_len=96)
            duplicates(row, "name", name, seen, known)
            category = row.choice("category", PLAN_CATEGORIES, required=True)
            min_priority = row.integer("min_priority", required=True, lo=1, hi=4)
            level = row.integer("response_level", required=True, lo=1, hi=3)
            region = regions.lookup(row, actor, required=False)
            if region is None and not actor.sees_path("/") and not row.raw("region"):
                row.fail("region", f"{actor.login} may only add plans for its own region")
            units = _units_spec(row)
            departments = row.items("notify_departments")
            centers = row.items("notify_centers")
            for lv in centers:
                if lv not in NOTIFY_LEVELS:
                    row.fail("notify_centers", f"{lv!r} is not one of {', '.join(NOTIFY_LEVELS)}")
            layout = row.integer("layout", default=4)
            if layout not in LAYOUTS:
                row.fail("layout", f"{layout} is not one of {', '.join(map(str, LAYOUTS))}")
            cameras = row.integer("cameras", default=layout, lo=0, hi=16)
            content: dict[str, Any] = {"units": units, "notify_departments": departments,
                                       "notify_centers": centers, "layout": layout,
                                       "cameras": cameras}  # fmt: skip
            if category == SURGE_CATEGORY:
                content["incident_category"] = row.choice(
                    "incident_category", CATEGORIES, default="public_order"
                )
            if row.ok:
                made.append({"name": name, "category": category, "min_priority": min_priority,
                             "response_level": level, "content": content,
                             "region_id": region.id if region else None})  # fmt: skip
        check(rows)
        for values in made:
            plan = p(**values)
            s.add(plan)
            s.flush()
            audit.record(s, actor, "onboard.plan", "response_plan", plan.id, after=values)
    return len(made)
