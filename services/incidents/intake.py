"""Reports from other systems and the field client: locate, file once, remember how.

`file_report` is the intake service's one write for a new case. It finds the grid cell (a
grid code, a map point through the in-memory grid index, or an address text matched
offline against the township/community register), files the case through
`reporting.report` (so counters, audit and change feed are kept as for any report) and
records, with the case, who sent it, the sender's own id and how its place was found, with
the address match and its confidence for the accepting officer.

Idempotent by (caller's center, channel, external id): a retry of the same report gets the
first case back, also when two retries race (the unique key decides, the loser re-reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shapely import wkb
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.accounts import Actor
from services.errors import InvalidInput, NotAllowed
from services.incidents import cases, reporting, workflow
from services.store import models
from services.territory.grid_index import GridIndex

INTAKE_CHANNELS = ("field_app", "citizen_app", "hotline", "video_alert", "sensor_alert")
"""The channels another system (or the field client) may file by."""
MIN_ADDRESS_CONFIDENCE = 0.5


@dataclass(frozen=True)
class AddressResult:
    """What an address matcher made of a text."""

    status: str  # matched / ambiguous / outside / none
    codes: tuple[str, ...]  # resolved region codes, widest first (province … community)
    names: tuple[str, ...]  # their official names
    confidence: float
    reason: str


class AddressLocator(Protocol):
    """Matches an address text to register units inside a scope (a region code)."""

    def match(self, text: str, scope: str) -> AddressResult: ...


@dataclass(frozen=True)
class IntakeReport:
    """A report as another system sends it: a place is a grid code, a point, or an address."""

    channel: str
    category: str
    description: str
    priority: int = 3
    reporter: str = ""
    external_id: str | None = None
    grid_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    address: str = ""
    reported_at: datetime | None = None


@dataclass(frozen=True)
class IntakeInfo:
    """How a case came in, for the accepting officer's case detail."""

    source: str
    external_id: str | None
    caller: str
    located_by: str
    address_text: str
    match_status: str | None
    match_code: str | None
    match_names: str
    match_confidence: float | None
    match_reason: str
    received_at: datetime


@dataclass(frozen=True)
class Filed:
    incident_id: int
    created: bool  # False: the same (channel, external id) was filed before


def _existing(session: Session, actor: Actor, channel: str, external_id: str) -> int | None:
    t = models.IncidentIntake
    return session.scalar(
        select(t.incident_id).where(
            t.center_id == (actor.center_id or -1), t.source == channel, t.external_id == external_id
        )
    )


@dataclass(frozen=True)
class _Place:
    grid_id: int
    lon: float | None
    lat: float | None
    located_by: str
    match: AddressResult | None = None


def _locate(
    session: Session, actor: Actor, rep: IntakeReport, grids: GridIndex,
    addresses: AddressLocator | None,
) -> _Place:  # fmt: skip
    if rep.grid_code:
        gid = session.scalar(select(models.GridCell.id).where(models.GridCell.code == rep.grid_code))
        if gid is None:
            raise InvalidInput(f"no grid cell {rep.grid_code}", code="no_grid", grid=rep.grid_code)
        return _Place(gid, rep.lon, rep.lat, "grid")
    if rep.lon is not None and rep.lat is not None:
        hit = grids.locate(rep.lon, rep.lat)
        return _Place(hit.grid_id, rep.lon, rep.lat, "point")
    if (rep.lon is None) != (rep.lat is None):
        raise InvalidInput("a point needs both lon and lat", code="half_point")
    if not rep.address.strip():
        raise InvalidInput("a report needs a grid code, a point (lon, lat) or an address",
                           code="no_location")  # fmt: skip
    if addresses is None:
        raise InvalidInput("address matching is not available on this server", code="no_matcher")
    match = addresses.match(rep.address, actor.region_code)
    if match.status == "outside":
        raise NotAllowed(f"the address lies outside the jurisdiction of {actor.login}: "
                         f"{match.reason}", code="address_outside")  # fmt: skip
    if match.status != "matched" or match.confidence < MIN_ADDRESS_CONFIDENCE or not match.codes:
        raise InvalidInput(f"the address could not be placed ({match.reason}); send a grid code"
                           " or a point", code="address_unmatched",
                           status=match.status)  # fmt: skip
    grid_id = _grid_for_region(session, grids, match.codes)
    if grid_id is None:
        raise InvalidInput(f"no grid cell of this territory lies in {''.join(match.names)}",
                           code="address_no_grid")  # fmt: skip
    return _Place(grid_id, None, None, "address", match)


def _grid_for_region(session: Session, grids: GridIndex, codes: tuple[str, ...]) -> int | None:
    """A grid cell standing for the deepest matched region the database knows: the cell at
    its representative point (the case sits there until the officer places it better)."""
    r, g = models.Region, models.GridCell
    for code in reversed(codes):
        region = session.scalar(select(r).where(r.adcode == code))
        if region is None:
            continue
        if region.boundary:
            p = wkb.loads(region.boundary).representative_point()
            try:
                return grids.locate(float(p.x), float(p.y)).grid_id
            except InvalidInput:
                pass
        col = {"township": g.township_code, "county": g.county_code, "city": g.city_code,
               "province": g.province_code}.get(region.level)  # fmt: skip
        if col is not None:
            gid = session.scalar(select(g.id).where(col == code).order_by(g.id).limit(1))
            if gid is not None:
                return int(gid)
    return None


def file_report(
    factory: sessionmaker[Session],
    actor: Actor,
    rep: IntakeReport,
    *,
    grids: GridIndex,
    addresses: AddressLocator | None = None,
    policy: cases.IncidentPolicy,
    now: datetime | None = None,
) -> Filed:
    """File one report (or return the case it was filed as before)."""
    now = now or models.utcnow()
    if rep.channel not in INTAKE_CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(INTAKE_CHANNELS)}", code="channel")
    if actor.center_id is None:
        raise NotAllowed(f"{actor.login} belongs to no center", code="no_center")
    ext = (rep.external_id or "").strip() or None

    def existing(session: Session) -> int | None:
        return None if ext is None else _existing(session, actor, rep.channel, ext)

    def file(session: Session) -> int:
        place = _locate(session, actor, rep, grids, addresses)
        new_id = reporting.report(
            session, actor,
            cases.NewIncident(
                category=rep.category, description=rep.description, channel=rep.channel,
                priority=rep.priority, grid_id=place.grid_id, lon=place.lon, lat=place.lat,
                reporter=rep.reporter, address=rep.address[:128], reported_at=rep.reported_at,
            ),
            policy=policy, now=now,
        )  # fmt: skip
        m = place.match
        session.add(
            models.IncidentIntake(
                incident_id=new_id, center_id=actor.center_id, source=rep.channel,
                external_id=ext, caller=actor.login, located_by=place.located_by,
                address_text=rep.address[:200],
                match_status=m.status if m else None,
                match_code=m.codes[-1] if m and m.codes else None,
                match_names="".join(m.names)[:160] if m else "",
                match_confidence=round(m.confidence, 3) if m else None,
                match_reason=m.reason[:200] if m else "", received_at=now,
            )
        )  # fmt: skip
        return new_id

    return Filed(*reporting.file_once(factory, existing, file))


def intake_info(session: Session, actor: Actor, incident_id: int) -> IntakeInfo | None:
    """How the case came in (None for a case typed in at a console)."""
    workflow.detail_visible(session, actor, incident_id)
    row = session.get(models.IncidentIntake, incident_id)
    if row is None:
        return None
    return IntakeInfo(
        row.source, row.external_id, row.caller, row.located_by, row.address_text,
        row.match_status, row.match_code, row.match_names, row.match_confidence,
        row.match_reason, row.received_at,
    )  # fmt: skip
