"""Reads of the risk alerts: the open alerts of a region as a board, an alert's timeline,
the map's alert points and the alert level of each grid cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select
from sqlalchemy.orm import aliased

from services.risk.params import DOMAINS, LEVEL_RANK, LEVELS, OPEN_STATUSES, RiskParams
from services.risk.rules import scope_of
from services.store import models
from services.territory import jurisdiction

G = models.GridCell
R = models.RiskAlert


_ALERT_CODE = {"province": R.province_code, "city": R.city_code, "county": R.county_code,
               "township": R.township_code}  # fmt: skip


@dataclass(frozen=True)
class AlertRow:
    id: int
    domain: str
    level: str
    status: str
    rule: str
    source: str
    text: str
    raised_at: datetime
    place_name: str  # township (or county) name
    grid_id: int | None
    grid_code: str | None
    township_code: str
    county_code: str
    lon: float | None
    lat: float | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    version: int


@dataclass(frozen=True)
class AlertBoard:
    """The open alerts of a region's subtree, highest level first, newest first."""

    region_code: str
    alerts: tuple[AlertRow, ...]
    counts: Mapping[str, int] = field(default_factory=dict)  # open alerts by level (all of them)
    total: int = 0
    as_of: datetime | None = None
    unacknowledged: int = 0  # raised and not yet 签收 (all of them, not only those listed)
    oldest_unacknowledged: datetime | None = None  # naive UTC
    params: RiskParams = field(default_factory=RiskParams)  # the urgency steps it was read with

    def attention(self, now: datetime) -> tuple[int, int]:
        """(unacknowledged alerts, urgency 0–2 of the oldest of them at `now`, naive UTC):
        what the tab and the header show, louder as the oldest waits longer."""
        if not self.unacknowledged:
            return 0, 0
        return self.unacknowledged, self.params.urgency(self.oldest_unacknowledged, now)


@dataclass(frozen=True)
class AlertEventRow:
    at: datetime
    action: str
    actor: str
    note: str


def _alert_filter(level: str, adcode: str) -> Any:
    """Alerts of a region's subtree; a community's through its cells (alerts carry the
    codes down to the township only)."""
    if level == "community":
        return R.grid_id.in_(select(G.id).where(G.community_code == adcode))
    return _ALERT_CODE[level] == adcode


def _region_filter(conn: Connection, adcode: str) -> Any:
    sc = scope_of(conn, adcode)
    assert sc is not None
    return _alert_filter(sc.level, sc.adcode)


def open_alerts(engine: Engine, adcode: str, limit: int = 200, *,
                params: RiskParams, within: str | None = None) -> AlertBoard:  # fmt: skip
    """Open and acknowledged alerts of the region's subtree (for the wall list), with the
    unacknowledged ones counted and the oldest of them (its urgency: `params`); refused
    outside the subtree of `within` (the console's root)."""
    rank = case(*((R.level == lv, LEVEL_RANK[lv]) for lv in LEVELS), else_=0)
    with engine.connect() as conn:
        jurisdiction.require_within(conn, within, adcode)
        f = _region_filter(conn, adcode)
        counts = {
            lv: int(n)
            for lv, n in conn.execute(
                select(R.level, func.count())
                .where(f, R.status.in_(OPEN_STATUSES))
                .group_by(R.level)
            )
        }
        waiting, oldest = conn.execute(
            select(func.count(), func.min(R.raised_at)).where(f, R.status == "open")
        ).one()
        # The place names by join, not by an IN list of the codes shown: a list whose
        # length follows the alerts is a new statement for every length, which SQLite
        # compiles again each time (63 lengths in a 2.5-minute soak, held in C memory).
        town, county = aliased(models.Region), aliased(models.Region)
        rows = conn.execute(
            select(R, G.code.label("grid_code"), town.name.label("town_name"),
                   county.name.label("county_name"))
            .outerjoin(G, G.id == R.grid_id)
            .outerjoin(town, town.adcode == R.township_code)
            .outerjoin(county, county.adcode == R.county_code)
            .where(f, R.status.in_(OPEN_STATUSES))
            .order_by(rank.desc(), R.raised_at.desc(), R.id.desc())
            .limit(limit)
        ).all()  # fmt: skip
    alerts = tuple(
        AlertRow(
            id=r.id, domain=r.domain, level=r.level, status=r.status, rule=r.rule,
            source=r.source, text=r.text, raised_at=r.raised_at,
            place_name=r.town_name or r.county_name or r.county_code,
            grid_id=r.grid_id, grid_code=r.grid_code, township_code=r.township_code,
            county_code=r.county_code, lon=r.lon, lat=r.lat,
            acknowledged_at=r.acknowledged_at, acknowledged_by=r.acknowledged_by,
            version=r.version,
        )
        for r in rows
    )  # fmt: skip
    return AlertBoard(adcode, alerts, counts, sum(counts.values()), datetime.now(UTC),
                      int(waiting or 0), oldest, params)  # fmt: skip


def timeline(engine: Engine, alert_id: int) -> tuple[AlertEventRow, ...]:
    e = models.RiskAlertEvent
    with engine.connect() as conn:
        return tuple(
            AlertEventRow(r.at, r.action, r.actor, r.note)
            for r in conn.execute(
                select(e.at, e.action, e.actor, e.note).where(e.alert_id == alert_id).order_by(e.id)
            )
        )


def alert_points(engine: Engine, adcode: str, *, within: str | None = None
                 ) -> tuple[dict[str, Any], ...]:  # fmt: skip
    """Open alerts of the subtree as map markers (MapView.set_points('alerts', ...)):
    status = the level, label = domain and text; refused outside the subtree of `within`."""
    with engine.connect() as conn:
        jurisdiction.require_within(conn, within, adcode)
        f = _region_filter(conn, adcode)
        rows = conn.execute(
            select(R.id, R.lon, R.lat, R.level, R.domain, R.text, R.status)
            .where(f, R.status.in_(OPEN_STATUSES), R.lon.is_not(None), R.lat.is_not(None))
            .order_by(R.id)
        ).all()
    return tuple(
        {"id": r.id, "lon": r.lon, "lat": r.lat, "status": r.level, "kind": r.domain,
         "priority": LEVEL_RANK.get(r.level, 0),
         "label": f"{DOMAINS.get(r.domain, r.domain)} · {r.text}"}
        for r in rows
    )  # fmt: skip


def cell_levels(conn: Connection, level: str, adcode: str) -> dict[int, float]:
    """Grid cell → highest open alert level (1 blue .. 4 red) in a subtree (the map's
    `risk` metric). Alerts without a cell are left out."""
    rank = func.max(case(*((R.level == lv, LEVEL_RANK[lv]) for lv in LEVELS), else_=0))
    rows = conn.execute(
        select(R.grid_id, rank)
        .where(_alert_filter(level, adcode), R.status.in_(OPEN_STATUSES), R.grid_id.is_not(None))
        .group_by(R.grid_id)
    ).all()
    return {int(g): float(v) for g, v in rows if v}
