"""The handover review list: a center's ended shifts with their handover (or its absence),
newest first, searched by date, officer and text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from services.errors import NotFound
from services.handover import roster
from services.store import models
from services.wall.center import HANDOVER_GRACE


@dataclass(frozen=True)
class HandoverSearch:
    date_from: date | None = None  # local dates of the shift's start, inclusive
    date_to: date | None = None
    officer: str = ""  # part of a name: on the roster, or who submitted / accepted
    text: str = ""  # in the notes, the sign-off steps or the duty log
    limit: int = 200


@dataclass(frozen=True)
class HandoverRow:
    shift_id: int
    handover_id: int | None
    starts_at: datetime
    ends_at: datetime
    duty_officer: str
    leader: str
    status: str  # submitted / rejected / accepted / missing
    submitted_at: datetime | None
    submitted_by: str
    accepted_at: datetime | None
    accepted_by: str
    notes: str
    late: bool  # not accepted within the grace after the shift's end
    has_report: bool


def _local_bound(day: date, tz: str) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def handovers(
    session: Session,
    center_id: int,
    search: HandoverSearch = HandoverSearch(),
    *,
    now: datetime | None = None,
    tz: str = roster.DEFAULT_TZ,
) -> tuple[HandoverRow, ...]:
    """Ended shifts of a center with their handover, newest first, filtered by `search`."""
    now = now or models.utcnow()
    s, h, st = models.Shift, models.Handover, models.Staff
    conds: list[Any] = [s.center_id == center_id, s.ends_at <= now]
    if search.date_from is not None:
        conds.append(s.starts_at >= _local_bound(search.date_from, tz))
    if search.date_to is not None:
        conds.append(s.starts_at < _local_bound(search.date_to + timedelta(days=1), tz))
    name = search.officer.strip()
    if name:
        named = select(st.id).where(st.name.like(f"%{name}%"))
        ev = models.HandoverEvent
        conds.append(or_(s.duty_officer_id.in_(named), s.second_officer_id.in_(named),
                         s.leader_id.in_(named), h.submitted_by.in_(named),
                         h.accepted_by.in_(named),
                         exists().where(ev.handover_id == h.id, ev.staff_id.in_(named))))  # fmt: skip
    text = search.text.strip()
    if text:
        like = f"%{text}%"
        ev, dl = models.HandoverEvent, models.DutyLog
        conds.append(or_(
            h.notes.like(like),
            exists().where(ev.handover_id == h.id, ev.text.like(like)),
            exists().where(dl.shift_id == s.id, dl.text.like(like)),
        ))  # fmt: skip
    rows = session.execute(
        select(s, h).outerjoin(h, h.shift_id == s.id).where(*conds)
        .order_by(s.starts_at.desc(), s.id.desc()).limit(search.limit)
    ).all()  # fmt: skip
    ids: set[int] = set()
    for sh, ho in rows:
        ids.update((sh.duty_officer_id, sh.leader_id))
        if ho is not None:
            ids.update(i for i in (ho.submitted_by, ho.accepted_by) if i is not None)
    names = dict(session.execute(select(st.id, st.name).where(st.id.in_(ids))).all()) if ids else {}
    out = []
    for sh, ho in rows:
        status = ho.status if ho is not None else "missing"
        accepted_at = ho.accepted_at if ho is not None else None
        late = (accepted_at is None and now - sh.ends_at > HANDOVER_GRACE) or (
            accepted_at is not None and accepted_at - sh.ends_at > HANDOVER_GRACE)  # fmt: skip
        out.append(HandoverRow(
            shift_id=sh.id, handover_id=ho.id if ho is not None else None,
            starts_at=sh.starts_at, ends_at=sh.ends_at,
            duty_officer=names.get(sh.duty_officer_id, ""), leader=names.get(sh.leader_id, ""),
            status=status, submitted_at=ho.submitted_at if ho is not None else None,
            submitted_by=names.get(ho.submitted_by or 0, "") if ho is not None else "",
            accepted_at=accepted_at,
            accepted_by=names.get(ho.accepted_by or 0, "") if ho is not None else "",
            notes=(ho.notes or "") if ho is not None else "", late=late,
            has_report=bool(ho is not None and ho.snapshot),
        ))  # fmt: skip
    return tuple(out)


def center_of_code(session: Session, adcode: str | None) -> int:
    """The command center of a region code (None: the top region's center)."""
    r, c = models.Region, models.CommandCenter
    if adcode is None:
        stmt = select(c.id).join(r, r.id == c.region_id).where(r.parent_id.is_(None))
    else:
        stmt = select(c.id).join(r, r.id == c.region_id).where(r.adcode == adcode)
    cid = session.scalar(stmt.order_by(c.id).limit(1))
    if cid is None:
        raise NotFound(f"no command center for region {adcode or '(top)'}", code="no_center")
    return int(cid)
