"""A tiny hand-made territory for index and risk tests: numbers small enough to check by hand.

province 990000 → city 990100 → county 990101 → townships T1 990101001 (10,000 people,
cells g1 and g3) and T2 990101002 (20,000 people, cell g2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import shapely
from shapely.geometry import box
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.store import models
from services.store.db import session_factory, transaction

PROVINCE, CITY, COUNTY, T1, T2 = "990000", "990100", "990101", "990101001", "990101002"
CODES = {T1: (PROVINCE, CITY, COUNTY, T1), T2: (PROVINCE, CITY, COUNTY, T2)}


@dataclass(frozen=True)
class Territory:
    region_ids: dict[str, int]
    g1: int
    g2: int
    g3: int
    town_of: dict[int, str]
    place_id: int


def build(engine: Engine) -> Territory:
    ids: dict[str, int] = {}
    with transaction(session_factory(engine)) as s:
        path = "/"
        parent = None
        for code, name, level, pop in (
            (PROVINCE, "测试省", "province", 30_000),
            (CITY, "测试市", "city", 30_000),
            (COUNTY, "测试县", "county", 30_000),
        ):
            path = f"{path}{code}/"
            r = models.Region(adcode=code, name=name, level=level, parent_id=parent, path=path,
                              population=pop, min_lon=120.0, min_lat=30.0, max_lon=120.2,
                              max_lat=30.1)  # fmt: skip
            s.add(r)
            s.flush()
            ids[code] = parent = r.id
        for code, name, pop, x in ((T1, "一镇", 10_000, 120.0), (T2, "二镇", 20_000, 120.1)):
            r = models.Region(adcode=code, name=name, level="township", parent_id=ids[COUNTY],
                              path=f"{path}{code}/", population=pop, min_lon=x, min_lat=30.0,
                              max_lon=x + 0.1, max_lat=30.1)  # fmt: skip
            s.add(r)
            s.flush()
            ids[code] = r.id
        cells = {}
        for name, town, x in (("g1", T1, 120.0), ("g3", T1, 120.05), ("g2", T2, 120.1)):
            p, c, k, t = CODES[town]
            g = models.GridCell(
                code=f"{town}{name}", region_id=ids[town], province_code=p, city_code=c,
                county_code=k, township_code=t,
                geometry=shapely.to_wkb(box(x, 30.0, x + 0.05, 30.05)),
                lon=x + 0.025, lat=30.025, households=100, population=300,
            )  # fmt: skip
            s.add(g)
            s.flush()
            cells[name] = g.id
        place = models.Place(name="测试景区", kind="scenic_spot", grid_id=cells["g2"],
                             county_code=COUNTY, lon=120.125, lat=30.025,
                             daily_capacity=10_000, current_count=0)  # fmt: skip
        s.add(place)
        s.flush()
        place_id = place.id
    town_of = {cells["g1"]: T1, cells["g3"]: T1, cells["g2"]: T2}
    return Territory(ids, cells["g1"], cells["g2"], cells["g3"], town_of, place_id)


def incident_row(
    t: Territory, grid: int, reported_at: datetime, *, category: str = "dispute",
    priority: int = 3, resolved_at: datetime | None = None,
    deadline_h: float = 72.0,
) -> dict[str, object]:  # fmt: skip
    p, c, k, town = CODES[t.town_of[grid]]
    return {
        "category": category, "source_channel": "field_app", "priority": priority,
        "status": "resolved" if resolved_at else "reported", "is_open": resolved_at is None,
        "grid_id": grid, "province_code": p, "city_code": c, "county_code": k,
        "township_code": town, "lon": 120.0, "lat": 30.0, "reported_at": reported_at,
        "resolved_at": resolved_at, "resolve_deadline": reported_at + timedelta(hours=deadline_h),
        "settled_level": "township" if resolved_at else None, "kind": "case", "version": 1,
        "supervised": False, "escalations": 0, "description": "", "reporter": "test",
        "address": "",
    }  # fmt: skip


def add_incidents(engine: Engine, rows: list[dict[str, object]]) -> None:
    """Bulk rows straight into the table (no change feed): the history before a test."""
    with engine.begin() as conn:
        conn.execute(insert(models.Incident), rows)


def add_incident_orm(engine: Engine, row: dict[str, object]) -> int:
    """One incident through the ORM: lands in the change feed like a live report."""
    with transaction(session_factory(engine)) as s:
        inc = models.Incident(**row)
        s.add(inc)
        s.flush()
        return inc.id


def actor(t: Territory, code: str = COUNTY, level: str = "county", role: str = "duty_officer",
          login: str = "duty") -> Actor:  # fmt: skip
    paths = {PROVINCE: "/990000/", CITY: "/990000/990100/", COUNTY: "/990000/990100/990101/",
             T1: f"/990000/990100/990101/{T1}/", T2: f"/990000/990100/990101/{T2}/"}  # fmt: skip
    return Actor(login=login, name="值班员", role=role, center_id=None,
                 region_id=t.region_ids[code], region_code=code, region_level=level,
                 region_path=paths[code])  # fmt: skip


def session(engine: Engine) -> Session:
    return session_factory(engine)()
