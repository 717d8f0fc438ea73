"""上报: taking a report in (the rules it must pass, the grid cell it lands in, the center
that handles it), at a console (热线受理) or from elsewhere, and the follow-up tasks (举一反三)
filed from a resolved case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from services.accounts import Actor
from services.errors import InvalidInput, NotAllowed
from services.incidents.cases import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_POLICY,
    IncidentPolicy,
    NewIncident,
)
from services.incidents.rules import (
    _audit,
    _event,
    _is_above,
    _load,
    _township_center,
    allowed_actions,
)
from services.store import models
from services.store.db import transaction

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


def _locate(session: Session, new: NewIncident) -> models.GridCell:
    g = models.GridCell
    if new.grid_id is None and new.grid_code.strip():
        code = new.grid_code.strip()
        cell = session.scalar(select(g).where(g.code == code))
        if cell is None:
            raise InvalidInput(f"no grid cell with code {code!r}", code="no_grid_code", grid=code)
        return cell
    if new.grid_id is not None:
        cell = session.get(g, new.grid_id)
        if cell is None:
            raise InvalidInput(f"no grid cell {new.grid_id}", code="no_grid", grid=new.grid_id)
        return cell
    if new.lon is None or new.lat is None:
        raise InvalidInput("a report needs a grid cell or a map position", code="no_location")
    return grid_at(session, new.lon, new.lat)


def grid_at(session: Session, lon: float, lat: float) -> models.GridCell:
    """The grid cell containing a point (nearest centroid within ~3 km if none contains it)."""
    import shapely
    from shapely import wkb

    g = models.GridCell
    d = 0.03
    cells = session.scalars(
        select(g).where(g.lon.between(lon - d, lon + d), g.lat.between(lat - d, lat + d))
    ).all()
    point = shapely.Point(lon, lat)
    for cell in sorted(cells, key=lambda c: (c.lon - lon) ** 2 + (c.lat - lat) ** 2):
        if wkb.loads(cell.geometry).covers(point):
            return cell
    if cells:
        return min(cells, key=lambda c: (c.lon - lon) ** 2 + (c.lat - lat) ** 2)
    raise InvalidInput(
        f"no grid cell near {lon:.5f},{lat:.5f}", code="no_grid_here", lon=lon, lat=lat
    )


def check_report(
    session: Session,
    actor: Actor,
    new: NewIncident,
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
    cell: models.GridCell | None = None,
    township_centers: dict[str, int | None] | None = None,
) -> tuple[dict[str, Any], str]:
    """Every rule a report must pass, and nothing written: the new incident's column values
    and the event's target. `cell` (the report's grid cell, already looked up) and
    `township_centers` (a cache) let a bulk import check 50,000 rows without a query each."""
    actor.require("intake")
    now = now or models.utcnow()
    if new.category not in CATEGORIES:
        raise InvalidInput(f"unknown category {new.category!r}", code="category")
    if new.channel not in CHANNELS:
        raise InvalidInput(f"unknown channel {new.channel!r}", code="channel")
    if new.priority not in policy.deadlines:
        raise InvalidInput("priority must be 1 (urgent) to 4 (low)", code="priority")
    if not new.description.strip():
        raise InvalidInput("a report needs a description", code="description")
    if cell is None:
        cell = _locate(session, new)
    codes = {
        "province": cell.province_code,
        "city": cell.city_code,
        "county": cell.county_code,
        "township": cell.township_code,
        "community": cell.community_code,
    }
    if codes.get(actor.region_level) != actor.region_code:
        raise NotAllowed(
            f"grid cell {cell.code} is outside the jurisdiction of {actor.login}",
            code="outside_grid",
            grid=cell.code,
        )
    if township_centers is None:
        center_id = _township_center(session, cell.township_code)
    else:
        if cell.township_code not in township_centers:
            township_centers[cell.township_code] = _township_center(session, cell.township_code)
        center_id = township_centers[cell.township_code]
    target = ""
    if new.take_in:
        if actor.center_id is None:
            raise NotAllowed("only an account of a center takes a call in", code="no_center")
        center_id = actor.center_id
    elif new.assign_center_id is not None:
        if not _is_above(session, actor, new.assign_center_id):
            raise NotAllowed("can only assign to a center below this one", code="assign_below")
        center_id = new.assign_center_id
        target = f"center:{center_id}"
    reported_at = new.reported_at or now
    ack_h, resolve_h = policy.hours(new.category, new.priority)
    values: dict[str, Any] = dict(
        external_id=new.external_id,
        category=new.category,
        source_channel=new.channel,
        priority=new.priority,
        status="reported",
        is_open=True,
        grid_id=cell.id,
        province_code=cell.province_code,
        city_code=cell.city_code,
        county_code=cell.county_code,
        township_code=cell.township_code,
        community_code=cell.community_code,
        lon=new.lon if new.lon is not None else cell.lon,
        lat=new.lat if new.lat is not None else cell.lat,
        description=new.description.strip(),
        reporter=new.reporter,
        address=new.address,
        handling_center_id=center_id,
        reported_at=reported_at,
        ack_deadline=reported_at + timedelta(hours=ack_h),
        resolve_deadline=reported_at + timedelta(hours=resolve_h),
        kind=new.kind,
        origin_id=new.origin_id,
        supervised=False,
        escalations=0,
        platform="",
    )
    return values, target


def report(
    session: Session,
    actor: Actor,
    new: NewIncident,
    *,
    policy: IncidentPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> int:
    """上报: take a report in; it lands at the township center of its grid cell (or the
    lower center an upper level assigns it to). Returns the new incident's id."""
    now = now or models.utcnow()
    values, target = check_report(session, actor, new, policy=policy, now=now)
    inc = models.Incident(**values)
    session.add(inc)
    session.flush()
    _event(session, inc, actor, "report", None, now, note=new.channel, target=target)
    _audit(session, actor, "report", inc, None, now)
    return inc.id


def _follow_up(
    session: Session, actor: Actor, origin: models.Incident, text: str,
    policy: IncidentPolicy, now: datetime,
) -> int:  # fmt: skip
    if not text.strip():
        raise InvalidInput("a follow-up task needs a description", code="description")
    new_id = report(
        session,
        actor,  # whoever may handle a case may also file one
        NewIncident(
            category=origin.category, description=text, channel="follow_up",
            priority=origin.priority, grid_id=origin.grid_id, lon=origin.lon, lat=origin.lat,
            origin_id=origin.id, kind="follow_up",
        ),
        policy=policy,
        now=now,
    )  # fmt: skip
    task = session.get(I, new_id)
    assert task is not None
    task.handling_center_id = origin.handling_center_id
    task.status = "accepted"
    task.accepted_at = now
    _event(session, task, actor, "accept", "reported", now, note=f"举一反三: #{origin.id}")
    return new_id


def open_follow_up(
    session: Session, actor: Actor, origin_id: int, text: str,
    policy: IncidentPolicy, now: datetime | None = None,
) -> int:  # fmt: skip
    """举一反三: a task linked to a resolved or closed case, handled by the same center."""
    now = now or models.utcnow()
    origin = _load(session, actor, origin_id)
    if "follow_up" not in allowed_actions(session, actor, origin):
        raise NotAllowed("only the handling center opens follow-ups on a resolved case",
                         code="follow_up")  # fmt: skip
    return _follow_up(session, actor, origin, text, policy, now)


def file_once(
    factory: sessionmaker[Session],
    existing: Callable[[Session], int | None],
    file: Callable[[Session], int],
) -> tuple[int, bool]:
    """File a case at most once per key, in one transaction: `existing` finds the case the
    key was filed as before (None: not yet, or no key), else `file` files it. When two
    submits of one key race, the unique key decides and the loser re-reads. Returns
    (incident id, created)."""
    try:
        with transaction(factory) as session:
            first = existing(session)  # before anything is flushed: no lock is held yet
            if first is not None:
                return first, False
            return file(session), True
    except IntegrityError:
        with factory() as session:  # a submit of the same key won the race
            first = existing(session)
        if first is None:
            raise
        return first, False


SUBMIT_KEY_LENGTH = 40
"""A console's submit key is at most this long (a UUID is 32 or 36 characters)."""


def submit_key_id(actor: Actor, key: str | None) -> str | None:
    """The `incident.external_id` a console's submit key is kept under: one per center (or
    account, for one without a center), so a key never finds another center's case."""
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > SUBMIT_KEY_LENGTH or ":" in key:
        raise InvalidInput("a submit key is a UUID", code="submit_key")
    owner = actor.center_id if actor.center_id is not None else f"@{actor.login}"
    return f"console:{owner}:{key}"


def report_in(
    factory: sessionmaker[Session], actor: Actor, new: NewIncident,
    policy: IncidentPolicy,
) -> int:  # fmt: skip
    """`report` in its own transaction (the hotline form). With a submit key, sending the
    same form again (its first answer lost) returns the first case and writes nothing,
    neither a case nor an audit entry."""
    actor.require("intake")
    ext = submit_key_id(actor, new.submit_key)
    if ext is not None:
        if new.external_id is not None:
            raise InvalidInput("a report has a submit key or an external id", code="submit_key")
        new = replace(new, external_id=ext)

    def existing(session: Session) -> int | None:
        return None if ext is None else session.scalar(select(I.id).where(I.external_id == ext))

    return file_once(factory, existing, lambda s: report(s, actor, new, policy=policy))[0]


def take_call_in(
    factory: sessionmaker[Session], actor: Actor, new: NewIncident, policy: IncidentPolicy
) -> int:
    """热线受理 at a console: the call lands at the center that answered it (a county as
    well as a township), which accepts it and handles it itself or passes it down (分流派单
    to a township center or a department). A report from elsewhere (`report_in`, imports,
    the intake service) lands at its grid cell's township center instead."""
    return report_in(factory, actor, replace(new, take_in=True), policy)


def follow_up_in(
    factory: sessionmaker[Session], actor: Actor, origin_id: int, texts: Sequence[str],
    *, policy: IncidentPolicy,
) -> list[int]:  # fmt: skip
    """举一反三 tasks for a resolved or closed case, in one transaction."""
    with transaction(factory) as session:
        return [open_follow_up(session, actor, origin_id, t, policy=policy) for t in texts]
