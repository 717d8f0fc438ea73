"""Regions as the wall's reads see them: a region by code, the console's bounds, the
local clock of one read, and the incident column that selects a region's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    select,
)

from services.store import models
from services.territory import jurisdiction

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


def feed_scopes(conn: Connection, region: RegionRef) -> frozenset[str]:
    """The change feed's scopes (township and county codes: services.store.db `_scope`)
    that can touch the region's subtree: those inside it, and the codes on its own path (a
    community's changes are scoped to its township). A change scoped elsewhere cannot
    alter the region's wall."""
    r = models.Region
    rows = conn.execute(
        select(r.adcode).where(r.path.startswith(region.path), r.level.in_(("county", "township")))
    )
    inside = {str(code) for (code,) in rows}
    return frozenset(inside | {c for c in region.path.strip("/").split("/") if c})


def can_touch(scopes: frozenset[str] | None, scope: str | None) -> bool:
    """Whether a change with feed scope `scope` can alter the wall of a region whose scopes
    are `scopes` (`feed_scopes`; None: not read yet, so it can). An unscoped change (shifts,
    handovers, centers) always can."""
    return scopes is None or not scope or scope in scopes


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


def breadcrumb(
    conn: Connection, region: RegionRef, root: str | None
) -> tuple[tuple[str, str], ...]:
    codes = [c for c in region.path.strip("/").split("/") if c]
    if root and root in codes:
        codes = codes[codes.index(root) :]
    r = models.Region
    names = dict(conn.execute(select(r.adcode, r.name).where(r.adcode.in_(codes))).all())
    return tuple((c, names.get(c, c)) for c in codes)
