"""Onboarding a real center: its territory from the register, its centers and departments.

- `lay_out_register`: the register's townships (and communities, and optionally grid cells
  by the population model) under the counties already imported with `import regions`;
  boundaries generated inside each county (services.territory.layout).
- `import_centers` / `import_departments`: CSV or JSON Lines (services.tabular), every bad
  row named, all or nothing; the columns are in `CENTERS` and `DEPARTMENTS`.
- `add_center`, `centers`, `center_detail`: the `center add|list|show` commands.

Every write is audited (services.store.audit) in the transaction that makes it; the actor's
region bounds what it may create (an account of a county center onboards that county only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from services import vocabulary
from services.accounts import Actor, actor_for
from services.errors import InvalidInput, NotAllowed, NotFound
from services.store import audit, models
from services.store.db import session_factory, transaction
from services.tabular import (
    Column,
    ImportRejected,
    Problems,
    Row,
    Template,
    check,
    duplicates,
    load,
)
from services.territory import layout, partition
from services.territory.population import PopulationModel
from services.territory.register import CommunityKind, Register

CENTER_LEVELS = ("province", "city", "county", "township")
"""Levels that have a command center (communities have stations, not centers, here)."""
CENTER_FIELDS = ("name", "level", "venue_area_m2", "screen_count", "screen_ok",
                 "required_on_duty", "has_24h_operation", "has_response_plans",
                 "has_routing_rules", "room_stream_url")  # fmt: skip
STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "srt", "udp", "file", "demo")


def admin_actor() -> Actor:
    """The server's administrator on the command line: the whole database."""
    return Actor(login="admin", name="管理员", role="system", center_id=None, region_id=0,
                 region_code="", region_level="", region_path="/")  # fmt: skip


def cli_actor(session: Session, login: str | None) -> Actor:
    """`--as LOGIN` (bounded by that account's region), else the administrator."""
    return actor_for(session, login) if login else admin_actor()


@dataclass(frozen=True)
class RegionInfo:
    id: int
    adcode: str
    name: str
    level: str
    path: str
    parent_id: int | None

    @property
    def codes(self) -> tuple[str, ...]:
        """The adcodes from the top region down to this one."""
        return tuple(c for c in self.path.strip("/").split("/") if c)


class Regions:
    """Every region by code, and what an import needs to know about them."""

    def __init__(self, session: Session) -> None:
        r = models.Region
        self.by_code = {
            row.adcode: RegionInfo(row.id, row.adcode, row.name, row.level, row.path, row.parent_id)
            for row in session.execute(select(r.id, r.adcode, r.name, r.level, r.path, r.parent_id))
        }
        self.by_id = {info.id: info for info in self.by_code.values()}
        c = models.CommandCenter
        self.center_of = dict(session.execute(select(c.region_id, c.id)).all())

    def get(self, code: str) -> RegionInfo | None:
        return self.by_code.get(code)

    def ancestor(self, region: RegionInfo, level: str) -> RegionInfo | None:
        """The region itself or the ancestor at `level`."""
        for code in reversed(region.codes):
            info = self.by_code.get(code)
            if info is not None and info.level == level:
                return info
        return None

    def county_code(self, region: RegionInfo) -> str:
        """The county of a county-or-lower region ("" above county level)."""
        county = self.ancestor(region, "county")
        return county.adcode if county else ""

    def lookup(self, row: Row, actor: Actor, field: str = "region", *,
               required: bool = True) -> RegionInfo | None:  # fmt: skip
        """The region a row names, inside the actor's jurisdiction (else a problem)."""
        code = row.text(field, required=required, max_len=16)
        if not code:
            return None
        info = self.by_code.get(code)
        if info is None:
            row.fail(field, f"no region {code} (import its boundary first: `import regions`)")
            return None
        if not actor.sees_path(info.path):
            row.fail(field, f"region {code} is outside the jurisdiction of {actor.login}")
            return None
        return info


PLACE_TOLERANCE_DEG = 0.01
"""How far (about 1 km) a base, camera or place may lie outside its region's boundary."""


def located(row: Row, session: Session, region: RegionInfo | None, *,
            required: bool = True) -> tuple[float, float] | None:  # fmt: skip
    """The row's lon/lat, checked to lie in (or within ~1 km of) the region's boundary;
    without them, the region's representative point unless `required`."""
    lon = row.number("lon", required=required, lo=-180, hi=180)
    lat = row.number("lat", required=required, lo=-90, hi=90)
    if region is None:
        return None
    boundary = session.scalar(select(models.Region.boundary).where(models.Region.id == region.id))
    geom = shapely.from_wkb(boundary) if boundary is not None else None
    if lon is None or lat is None:
        if required or row.raw("lon") or row.raw("lat"):
            return None  # missing or unreadable: already noted
        if geom is None:
            row.fail("lon", f"missing, and region {region.adcode} has no boundary to place it in")
            return None
        point = geom.representative_point()
        return float(point.x), float(point.y)
    if geom is not None and geom.distance(shapely.Point(lon, lat)) > PLACE_TOLERANCE_DEG:
        row.fail("lon", f"{lon:.5f},{lat:.5f} lies outside region {region.adcode} ({region.name})")
        return None
    return lon, lat


def grid_containing(session: Session, lon: float, lat: float) -> models.GridCell | None:
    """The grid cell that contains a point, if any."""
    g = models.GridCell
    d = 0.03
    point = shapely.Point(lon, lat)
    for cell in session.scalars(
        select(g).where(g.lon.between(lon - d, lon + d), g.lat.between(lat - d, lat + d))
    ):
        if shapely.from_wkb(cell.geometry).covers(point):
            return cell
    return None


def grid_for(row: Row, session: Session, region: RegionInfo | None,
             where: tuple[float, float] | None) -> models.GridCell | None:  # fmt: skip
    """The row's `grid` (a code, which must lie in the region), else the cell at its place."""
    code = row.text("grid", max_len=24)
    g = models.GridCell
    if code:
        cell = session.scalar(select(g).where(g.code == code))
        if cell is None:
            row.fail("grid", f"no grid cell {code}")
            return None
        cell_region = session.get(models.Region, cell.region_id)
        if region is not None and (cell_region is None or not cell_region.path.startswith(region.path)):
            row.fail("grid", f"grid cell {code} is not in region {region.adcode}")
            return None
        return cell
    return grid_containing(session, *where) if where else None


def stream_url(row: Row, field: str, *, required: bool = False) -> str:
    """A stream or room URL with a known scheme (rtsp://, http(s)://, rtmp://, ...)."""
    url = row.text(field, required=required, max_len=256)
    if url and url.split("://", 1)[0].lower() not in STREAM_SCHEMES or (url and "://" not in url):
        row.fail(field, f"not a stream URL: {url!r} (schemes: {', '.join(STREAM_SCHEMES)})")
        return ""
    return url


# --------------------------------------------------------------------------- centers

CENTERS = Template(
    "centers",
    "command centers (综治中心/指挥中心) with the facts behind the four haves (四有)",
    (
        Column("region", "adcode of the center's region (province, city, county or township)", True),
        Column("name", "name (default: the region's name + 社会治理综合指挥中心)"),
        Column("venue_m2", "有场地: floor area of the dedicated venue, m² (40 m² or more meets it)", True),
        Column("screens_total", "有大屏: panels of the big display", True),
        Column("screens_working", "panels working now (half or more meets it)", True),
        Column("staff_required", "有人员: officers on duty required at once (default 2)"),
        Column("operates_24h", "有机制: 24-hour operation, yes/no (default yes)"),
        Column("has_response_plans", "response plans in force, yes/no (default yes)"),
        Column("has_routing_rules", "routing and supervision rules in force, yes/no (default yes)"),
        Column("room_stream_url", "the center's room on the video network (rtsp://...)"),
    ),
    (
        {"region": "620000", "name": "甘肃省社会治理综合指挥中心", "venue_m2": "420",
         "screens_total": "24", "screens_working": "24", "staff_required": "3",
         "operates_24h": "yes", "room_stream_url": "rtsp://10.62.0.10/room"},
        {"region": "620702", "venue_m2": "120", "screens_total": "9", "screens_working": "8",
         "staff_required": "2", "operates_24h": "yes", "has_response_plans": "yes",
         "has_routing_rules": "yes"},
    ),
)  # fmt: skip


@dataclass(frozen=True)
class CenterSpec:
    """A command center to create, with its four-haves facts."""

    region: str
    venue_area_m2: float
    screen_count: int
    screen_ok: int
    name: str = ""
    required_on_duty: int = 2
    has_24h_operation: bool = True
    has_response_plans: bool = True
    has_routing_rules: bool = True
    room_stream_url: str = ""


def _center_spec(row: Row, regions: Regions, actor: Actor, seen: dict[str, int]) -> CenterSpec | None:
    region = regions.lookup(row, actor)
    total = row.integer("screens_total", required=True, lo=0)
    working = row.integer("screens_working", required=True, lo=0)
    spec = CenterSpec(
        region=region.adcode if region else "",
        name=row.text("name", max_len=96),
        venue_area_m2=row.number("venue_m2", required=True, lo=0) or 0.0,
        screen_count=total or 0,
        screen_ok=working or 0,
        required_on_duty=row.integer("staff_required", default=2, lo=1, hi=50) or 2,
        has_24h_operation=row.boolean("operates_24h", default=True),
        has_response_plans=row.boolean("has_response_plans", default=True),
        has_routing_rules=row.boolean("has_routing_rules", default=True),
        room_stream_url=stream_url(row, "room_stream_url"),
    )
    if total is not None and working is not None and working > total:
        row.fail("screens_working", f"{working} working of {total} panels")
    if region is not None:
        if region.level not in CENTER_LEVELS:
            row.fail("region", f"{region.adcode} is a {region.level}: centers are at "
                               f"{', '.join(CENTER_LEVELS)} level")  # fmt: skip
        elif region.id in regions.center_of:
            row.fail("region", f"{region.adcode} already has a center (`center show {region.adcode}`)")
        else:
            duplicates(row, "region", region.adcode, seen, set())
    return spec if row.ok else None


def _create_center(session: Session, actor: Actor, spec: CenterSpec, region: RegionInfo) -> int:
    center = models.CommandCenter(
        region_id=region.id, name=spec.name or f"{region.name}社会治理综合指挥中心",
        level=region.level, venue_area_m2=spec.venue_area_m2, screen_count=spec.screen_count,
        screen_ok=spec.screen_ok, required_on_duty=spec.required_on_duty,
        has_24h_operation=spec.has_24h_operation, has_response_plans=spec.has_response_plans,
        has_routing_rules=spec.has_routing_rules, room_stream_url=spec.room_stream_url,
    )  # fmt: skip
    session.add(center)
    session.flush()
    audit.record(session, actor, "onboard.center", "command_center", center.id,
                 after=audit.snapshot(center, CENTER_FIELDS), detail=region.adcode)  # fmt: skip
    return center.id


def import_centers(engine: Engine, actor: Actor, path: str) -> int:
    """Check every row, then create every center in one transaction (or ImportRejected)."""
    rows = load(path)
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        seen: dict[str, int] = {}
        specs = [(_center_spec(row, regions, actor, seen)) for row in rows]
        check(rows)
        for spec in specs:
            assert spec is not None
            region = regions.get(spec.region)
            assert region is not None
            _create_center(s, actor, spec, region)
    return len(specs)


def add_center(engine: Engine, actor: Actor, spec: CenterSpec) -> int:
    """`center add`: one center, the same rules as a row of `import centers`."""
    fields = {"region": spec.region, "name": spec.name, "venue_m2": str(spec.venue_area_m2),
              "screens_total": str(spec.screen_count), "screens_working": str(spec.screen_ok),
              "staff_required": str(spec.required_on_duty),
              "operates_24h": "yes" if spec.has_24h_operation else "no",
              "has_response_plans": "yes" if spec.has_response_plans else "no",
              "has_routing_rules": "yes" if spec.has_routing_rules else "no",
              "room_stream_url": spec.room_stream_url}  # fmt: skip
    problems = Problems("center add")
    row = Row(0, fields, problems)
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        checked = _center_spec(row, regions, actor, {})
        if checked is None:
            raise InvalidInput("; ".join(problems.lines()), code="center")
        region = regions.get(checked.region)
        assert region is not None
        return _create_center(s, actor, checked, region)


@dataclass(frozen=True)
class CenterRow:
    """One line of `center list`."""

    id: int
    region_code: str
    region_name: str
    level: str
    name: str
    staff: int
    accounts: int
    shifts: int


@dataclass(frozen=True)
class CenterDetail:
    """`center show`: the center's facts, its people and what is on duty now."""

    row: CenterRow
    venue_area_m2: float
    screen_count: int
    screen_ok: int
    required_on_duty: int
    has_24h_operation: bool
    has_response_plans: bool
    has_routing_rules: bool
    room_stream_url: str
    departments: tuple[tuple[str, str, str], ...]  # name, kind, platform
    units: int
    cameras: int
    four_haves: tuple[tuple[str, bool, str], ...]  # key, met, reason
    duty_officer: str | None
    leader_on_duty: str | None


def centers(engine: Engine, actor: Actor, under: str | None = None) -> tuple[CenterRow, ...]:
    """The centers inside the actor's region (and under `under`), by region code."""
    c, r, st, u, sh = (models.CommandCenter, models.Region, models.Staff, models.User,
                       models.Shift)  # fmt: skip
    with Session(engine) as s:
        rows = s.execute(
            select(c.id, r.adcode, r.name, r.level, c.name, r.id.label("rid"), r.path)
            .join(r, r.id == c.region_id).order_by(r.path)
        ).all()  # fmt: skip
        staff = dict(s.execute(select(st.region_id, func.count()).group_by(st.region_id)).all())
        users = dict(s.execute(select(u.center_id, func.count()).group_by(u.center_id)).all())
        shifts = dict(s.execute(select(sh.center_id, func.count()).group_by(sh.center_id)).all())
    return tuple(
        CenterRow(row.id, row.adcode, row.name, row.level, row[4], int(staff.get(row.rid, 0)),
                  int(users.get(row.id, 0)), int(shifts.get(row.id, 0)))
        for row in rows
        if actor.sees_path(row.path) and (not under or f"/{under}/" in row.path)
    )  # fmt: skip


def center_detail(engine: Engine, actor: Actor, adcode: str) -> CenterDetail:
    """A center's four-haves facts, departments, units, cameras and who is on duty now."""
    from services import wall as wall_queries

    row = next((c for c in centers(engine, actor) if c.region_code == adcode), None)
    if row is None:
        raise NotFound(f"no center for region {adcode} (`center list` shows them)", code="no_center")
    header = wall_queries.wall_snapshot(engine, adcode).header
    c, d, r = models.CommandCenter, models.Department, models.Region
    with Session(engine) as s:
        center = s.get(c, row.id)
        assert center is not None
        region = s.get(r, center.region_id)
        assert region is not None
        deps = tuple(
            (name, kind, vocabulary.PLATFORM_LABELS.get(platform, ""))
            for name, kind, platform in s.execute(
                select(d.name, d.kind, d.platform).where(d.region_id == region.id).order_by(d.id)
            )
        )
        sub = select(r.id).where(r.path.startswith(region.path))
        units = s.scalar(select(func.count()).select_from(models.Resource)
                         .where(models.Resource.region_id.in_(sub))) or 0  # fmt: skip
        cameras = s.scalar(select(func.count()).select_from(models.Camera)
                           .where(models.Camera.region_id.in_(sub))) or 0  # fmt: skip
    return CenterDetail(
        row, center.venue_area_m2, center.screen_count, center.screen_ok,
        center.required_on_duty, center.has_24h_operation, center.has_response_plans,
        center.has_routing_rules, center.room_stream_url, deps, int(units), int(cameras),
        tuple((f.key, f.met, f.reason) for f in header.four_haves),
        header.duty_officer, header.leader_on_duty,
    )  # fmt: skip


# --------------------------------------------------------------------------- departments

DEPARTMENTS = Template(
    "departments",
    "departments of a level, and a township's stations grouped by its four platforms (四平台)",
    (
        Column("region", "adcode of the region the department belongs to", True),
        Column("name", "name, unique in its region", True),
        Column("kind", "what it does, a short code: police, fire, health, market, justice ...", True),
        Column("platform", "township stations: 综治工作/市场监管/综合执法/便民服务 "
                           "(or governance/market/enforcement/service)"),
        Column("room_stream_url", "its room on the video network, for video meetings"),
    ),
    (
        {"region": "620702", "name": "甘州区公安分局", "kind": "police"},
        {"region": "620702001", "name": "东街街道派出所", "kind": "police", "platform": "综治工作"},
        {"region": "620702001", "name": "东街街道市场监管所", "kind": "market",
         "platform": "市场监管"},
    ),
)  # fmt: skip


def import_departments(engine: Engine, actor: Actor, path: str) -> int:
    """Check every row, then create every department in one transaction."""
    rows = load(path)
    d = models.Department
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        known = {f"{rid}:{name}" for rid, name in s.execute(select(d.region_id, d.name))}
        seen: dict[str, int] = {}
        made: list[dict[str, Any]] = []
        for row in rows:
            region = regions.lookup(row, actor)
            name = row.text("name", required=True)
            kind = row.text("kind", required=True, max_len=32)
            raw = row.text("platform", max_len=16)
            platform = vocabulary.platform_of(raw) if raw else ""
            if platform is None:
                row.fail("platform", f"{raw!r} is not one of "
                                     f"{', '.join(vocabulary.PLATFORM_LABELS.values())}")  # fmt: skip
            elif platform and region is not None and region.level != "township":
                row.fail("platform", f"the four platforms are a township's; {region.adcode} "
                                     f"is a {region.level}")  # fmt: skip
            url = stream_url(row, "room_stream_url")
            if region is not None and name:
                key = f"{region.id}:{name}"
                if key in seen:
                    row.fail("name", f"{name} repeats line {seen[key]} in {region.adcode}")
                elif key in known:
                    row.fail("name", f"{name} is already a department of {region.adcode}")
                seen.setdefault(key, row.line)
            if row.ok and region is not None:
                made.append({"region_id": region.id, "name": name, "kind": kind,
                             "platform": platform or "", "room_stream_url": url})  # fmt: skip
        check(rows)
        for values in made:
            dep = models.Department(**values)
            s.add(dep)
            s.flush()
            audit.record(s, actor, "onboard.department", "department", dep.id, after=values)
    return len(made)


# --------------------------------------------------------------------------- the register


@dataclass(frozen=True)
class RegisterSummary:
    """What `lay_out_register` added."""

    counties: int
    townships: int
    communities: int
    grids: int
    skipped: tuple[str, ...]  # counties the register has no townships for


def lay_out_register(
    engine: Engine,
    actor: Actor,
    region: str,
    *,
    communities: bool = True,
    grids: bool = False,
    seed: int = 7,
) -> RegisterSummary:
    """Add the register's townships (and communities) under every county of `region`.

    Counties that already have townships keep them (say, imported with real boundaries);
    communities are added to townships that have none. With `grids`, each community gets
    the grid cells its people need (services.territory.population: one per ~1,000 urban or
    ~280 rural people), cut inside it. Regions get the model's population. One transaction.
    """
    factory = session_factory(engine)
    with transaction(factory) as s:
        regions = Regions(s)
        top = regions.get(region)
        if top is None:
            raise NotFound(f"no region {region} (import its boundary first: `import regions`)",
                           code="no_region")  # fmt: skip
        if not actor.sees_path(top.path):
            raise NotAllowed(f"region {region} is outside the jurisdiction of {actor.login}",
                             code="outside")  # fmt: skip
        r = models.Region
        counties = s.execute(
            select(r.id, r.adcode, r.name, r.path, r.boundary)
            .where(r.level == "county", r.path.startswith(top.path)).order_by(r.adcode)
        ).all()  # fmt: skip
        if top.level == "county":
            counties = [c for c in counties if c.adcode == top.adcode]
        if not counties:
            raise InvalidInput(f"no county with a boundary under {region}", code="no_county")
        register = Register.load(counties[0].adcode[:2] + "0000")
        model = PopulationModel.for_province(
            counties[0].adcode[:2] + "0000", (c.kind for c in register.communities())
        )
        known = {c.adcode for c in counties}
        children: dict[int, list[Any]] = {}
        for row in s.execute(select(r.id, r.adcode, r.name, r.level, r.parent_id, r.path, r.boundary)
                             .where(r.path.startswith(top.path))):  # fmt: skip
            if row.parent_id is not None:
                children.setdefault(row.parent_id, []).append(row)
        added = [0, 0, 0, 0]
        skipped: list[str] = []
        for k, county in enumerate(counties):
            if county.boundary is None:
                skipped.append(county.adcode)
                continue
            info = regions.get(county.adcode)
            assert info is not None
            city = regions.ancestor(info, "city")
            province = regions.ancestor(info, "province")
            chain = (province.adcode if province else "", city.adcode if city else "",
                     county.adcode)  # fmt: skip
            towns = children.get(county.id, [])
            placed_towns: list[tuple[Any, layout.PlacedArea]] = []
            if not [t for t in towns if t.level == "township"]:
                real = layout.townships_of(register, county.adcode, county.name, known)
                if not real:
                    skipped.append(county.adcode)
                    continue
                geom = shapely.from_wkb(county.boundary)
                for town in layout.place_townships(county.adcode, geom, real, seed + k):
                    placed_towns.append((_add_region(s, town, county.id, county.path), town))
                added[0] += 1
                added[1] += len(placed_towns)
            else:
                for t in towns:
                    if t.level == "township" and t.boundary is not None:
                        have = layout.PlacedArea(t.adcode, t.name, "township", county.adcode, "",
                                                 shapely.from_wkb(t.boundary))  # fmt: skip
                        placed_towns.append((t, have))
            for town_row, town in placed_towns:
                if not communities or any(c.level == "community" for c in children.get(town_row.id, [])):
                    continue
                coms = register.communities(town.code)
                placed = layout.place_communities(town, coms, seed)
                kinds = {c.code: c.kind for c in coms}
                for com in placed:
                    com_row = _add_region(s, com, town_row.id, town_row.path,
                                          model.people(kinds[com.code]))  # fmt: skip
                    added[2] += 1
                    if grids:
                        added[3] += _add_cells(s, com, com_row, model, kinds[com.code],
                                               chain, seed)  # fmt: skip
        _roll_up_population(s, top)
        audit.record(s, actor, "onboard.register", "region", top.id,
                     detail=f"{register.version}: {added[1]} townships, {added[2]} communities, "
                            f"{added[3]} grid cells under {region}")  # fmt: skip
    return RegisterSummary(added[0], added[1], added[2], added[3], tuple(skipped))


def _add_region(
    session: Session, area: layout.PlacedArea, parent_id: int, parent_path: str, people: int = 0
) -> Any:
    x0, y0, x1, y1 = area.geometry.bounds
    region = models.Region(
        adcode=area.code, name=area.name, level=area.level, parent_id=parent_id,
        path=f"{parent_path}{area.code}/", population=people,
        boundary=shapely.to_wkb(area.geometry), min_lon=x0, min_lat=y0, max_lon=x1, max_lat=y1,
    )  # fmt: skip
    session.add(region)
    session.flush()
    return region


def _add_cells(
    session: Session, com: layout.PlacedArea, region: models.Region, model: PopulationModel,
    kind: CommunityKind, chain: tuple[str, str, str], seed: int,
) -> int:  # fmt: skip
    """A community's cells at full scale (at least one), its people shared among them."""
    count = max(1, round(model.grids(kind)))
    cells = partition.cut_cells(com.code, com.geometry, count, seed, digits=3, simplify=False)
    people = model.people(kind)
    province, city, county = chain
    for cell in cells:
        population = max(1, people // count)
        session.add(models.GridCell(
            code=cell.code, region_id=region.id, province_code=province, city_code=city,
            county_code=county, township_code=com.parent_code, community_code=com.code,
            geometry=shapely.to_wkb(cell.geometry), lon=cell.centroid[0], lat=cell.centroid[1],
            households=max(1, round(population / 2.6)), population=population, enterprises=0,
        ))  # fmt: skip
    return len(cells)


def _roll_up_population(session: Session, top: RegionInfo) -> None:
    """Each region's population = the sum of its communities' (where it has any)."""
    r = models.Region
    rows = session.execute(
        select(r.id, r.level, r.path, r.population).where(r.path.startswith(top.path))
    ).all()
    sums: dict[str, int] = {}
    for row in rows:
        if row.level == "community":
            for code in row.path.strip("/").split("/")[:-1]:
                sums[code] = sums.get(code, 0) + int(row.population or 0)
    for row in rows:
        code = row.path.strip("/").split("/")[-1]
        if row.level != "community" and code in sums:
            region = session.get(r, row.id)
            assert region is not None
            region.population = sums[code]


__all__ = [
    "CENTERS",
    "DEPARTMENTS",
    "CenterDetail",
    "CenterRow",
    "CenterSpec",
    "ImportRejected",
    "RegisterSummary",
    "Regions",
    "add_center",
    "admin_actor",
    "center_detail",
    "centers",
    "cli_actor",
    "import_centers",
    "import_departments",
    "lay_out_register",
    "grid_containing",
    "grid_for",
    "located",
    "stream_url",
]
