"""值班表: the shifts of a center, who is on duty, check-in, and extending the roster.

Shifts are configured as local wall-clock ranges that tile the day, e.g.
`[roster] shifts = ["08:00-20:00", "20:00-08:00"]` (China Standard Time by default). The
incoming officer of a shift's handover is the duty officer of the shift that follows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from services.store import audit, models

DEFAULT_SHIFTS = ("08:00-20:00", "20:00-08:00")
DEFAULT_TZ = "Asia/Shanghai"
CHECK_IN_EARLY = timedelta(minutes=30)  # an officer may check in this long before the start
SHIFT_FIELDS = ("center_id", "starts_at", "ends_at", "duty_officer_id", "second_officer_id",
                "leader_id", "checked_in_at")  # fmt: skip


@dataclass(frozen=True)
class ShiftInfo:
    """One shift of the roster with the names of the people on it (naive UTC times)."""

    id: int
    center_id: int
    starts_at: datetime
    ends_at: datetime
    duty_officer_id: int
    duty_officer: str
    second_officer_id: int | None
    second_officer: str
    leader_id: int
    leader: str
    checked_in_at: datetime | None

    def ended(self, now: datetime) -> bool:
        return self.ends_at <= now

    def on_roster(self, staff_id: int | None) -> bool:
        return staff_id is not None and staff_id in (
            self.duty_officer_id, self.second_officer_id, self.leader_id
        )  # fmt: skip

    def is_officer(self, staff_id: int | None) -> bool:
        """The duty officer or the second officer (the people who sign a handover)."""
        return staff_id is not None and staff_id in (self.duty_officer_id, self.second_officer_id)


@dataclass(frozen=True)
class ShiftPattern:
    """One configured shift of the day: local start and length."""

    start: time
    hours: float

    @property
    def label(self) -> str:
        end = (datetime.combine(datetime(2000, 1, 1), self.start)
               + timedelta(hours=self.hours)).time()  # fmt: skip
        return f"{self.start:%H:%M}-{end:%H:%M}"


def parse_patterns(specs: Sequence[str]) -> tuple[ShiftPattern, ...]:
    """`["08:00-20:00", "20:00-08:00"]` → patterns; they must follow on and cover 24 hours."""
    out: list[ShiftPattern] = []
    for spec in specs:
        try:
            a, b = (part.strip() for part in spec.split("-"))
            start = time.fromisoformat(a)
            end = time.fromisoformat(b)
        except ValueError:
            raise InvalidInput(f"shift {spec!r} is not HH:MM-HH:MM", code="shift_spec",
                               spec=spec) from None  # fmt: skip
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        if minutes <= 0:
            minutes += 24 * 60
        out.append(ShiftPattern(start, minutes / 60))
    if not out:
        raise InvalidInput("the roster needs at least one shift", code="shift_spec", spec="")
    total = sum(p.hours for p in out)
    follows = all(
        (datetime.combine(datetime(2000, 1, 1), p.start) + timedelta(hours=p.hours)).time()
        == out[(k + 1) % len(out)].start
        for k, p in enumerate(out)
    )
    if abs(total - 24) > 1e-9 or not follows:
        raise InvalidInput("shifts must follow on from each other and cover 24 hours",
                           code="shift_spec", spec=", ".join(specs))  # fmt: skip
    return tuple(out)


def patterns_from_config(raw: dict[str, object]) -> tuple[ShiftPattern, ...]:
    """The `[roster] shifts` list of the config file, or the day/night default."""
    roster = raw.get("roster")
    specs = roster.get("shifts") if isinstance(roster, dict) else None
    if not isinstance(specs, list) or not specs:
        specs = list(DEFAULT_SHIFTS)
    return parse_patterns([str(s) for s in specs])


# --------------------------------------------------------------------------- reads


def _names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    st = models.Staff
    return {i: n for i, n in session.execute(select(st.id, st.name).where(st.id.in_(wanted)))}


def _info(s: models.Shift, names: dict[int, str]) -> ShiftInfo:
    return ShiftInfo(
        id=s.id, center_id=s.center_id, starts_at=s.starts_at, ends_at=s.ends_at,
        duty_officer_id=s.duty_officer_id, duty_officer=names.get(s.duty_officer_id, ""),
        second_officer_id=s.second_officer_id,
        second_officer=names.get(s.second_officer_id or 0, ""),
        leader_id=s.leader_id, leader=names.get(s.leader_id, ""), checked_in_at=s.checked_in_at,
    )  # fmt: skip


def _infos(session: Session, rows: Sequence[models.Shift]) -> list[ShiftInfo]:
    ids: list[int | None] = []
    for s in rows:
        ids += [s.duty_officer_id, s.second_officer_id, s.leader_id]
    names = _names(session, ids)
    return [_info(s, names) for s in rows]


def shift(session: Session, shift_id: int) -> ShiftInfo:
    row = session.get(models.Shift, shift_id)
    if row is None:
        raise NotFound(f"no shift {shift_id}", code="no_shift", id=shift_id)
    return _infos(session, [row])[0]


def shifts(
    session: Session, center_id: int, start: datetime | None = None, end: datetime | None = None
) -> list[ShiftInfo]:
    """The center's shifts overlapping [start, end), in time order."""
    s = models.Shift
    stmt = select(s).where(s.center_id == center_id)
    if start is not None:
        stmt = stmt.where(s.ends_at > start)
    if end is not None:
        stmt = stmt.where(s.starts_at < end)
    return _infos(session, session.scalars(stmt.order_by(s.starts_at, s.id)).all())


def current_shift(session: Session, center_id: int, now: datetime) -> ShiftInfo | None:
    s = models.Shift
    row = session.scalar(
        select(s).where(s.center_id == center_id, s.starts_at <= now, s.ends_at > now)
        .order_by(s.starts_at.desc()).limit(1)
    )  # fmt: skip
    return _infos(session, [row])[0] if row is not None else None


def last_ended_shift(session: Session, center_id: int, now: datetime) -> ShiftInfo | None:
    s = models.Shift
    row = session.scalar(
        select(s).where(s.center_id == center_id, s.ends_at <= now)
        .order_by(s.ends_at.desc(), s.id.desc()).limit(1)
    )  # fmt: skip
    return _infos(session, [row])[0] if row is not None else None


def next_shift(session: Session, shift_id: int) -> ShiftInfo | None:
    """The shift that takes over from this one: the first to start at or after its end."""
    cur = session.get(models.Shift, shift_id)
    if cur is None:
        raise NotFound(f"no shift {shift_id}", code="no_shift", id=shift_id)
    s = models.Shift
    row = session.scalar(
        select(s).where(s.center_id == cur.center_id, s.starts_at >= cur.ends_at)
        .order_by(s.starts_at, s.id).limit(1)
    )  # fmt: skip
    return _infos(session, [row])[0] if row is not None else None


def incoming_officer(session: Session, shift_id: int) -> int | None:
    """The staff id of who receives this shift's handover (the next shift's duty officer)."""
    nxt = next_shift(session, shift_id)
    return nxt.duty_officer_id if nxt is not None else None


def staff_of(session: Session, actor: Actor) -> int | None:
    """The staff member behind a signed-in account (None for shared or system accounts)."""
    u = models.User
    cond = u.id == actor.user_id if actor.user_id is not None else u.login == actor.login
    sid = session.scalar(select(u.staff_id).where(cond))
    return int(sid) if sid is not None else None


def staff_name(session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    return _names(session, [staff_id]).get(staff_id, "")


# --------------------------------------------------------------------------- writes


def _require_center(actor: Actor, center_id: int) -> None:
    if actor.center_id != center_id:
        raise NotAllowed(f"{actor.login} does not belong to center {center_id}",
                         code="other_center", center_id=center_id)  # fmt: skip


def check_in(session: Session, actor: Actor, shift_id: int, *, now: datetime | None = None
             ) -> ShiftInfo:  # fmt: skip
    """签到: the duty or second officer of a shift reports on duty (once)."""
    now = now or models.utcnow()
    row = session.get(models.Shift, shift_id)
    if row is None:
        raise NotFound(f"no shift {shift_id}", code="no_shift", id=shift_id)
    _require_center(actor, row.center_id)
    staff_id = staff_of(session, actor)
    info = _infos(session, [row])[0]
    if not info.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of shift {shift_id}",
                         code="not_on_roster", shift_id=shift_id)  # fmt: skip
    if row.checked_in_at is not None:
        raise InvalidTransition(f"shift {shift_id} is already checked in",
                                code="checked_in", shift_id=shift_id)  # fmt: skip
    if now < row.starts_at - CHECK_IN_EARLY or now >= row.ends_at:
        raise InvalidTransition(f"shift {shift_id} is not on now", code="not_on_now",
                                shift_id=shift_id)  # fmt: skip
    before = audit.snapshot(row, SHIFT_FIELDS)
    row.checked_in_at = now
    session.flush()
    audit.record(session, actor, "check_in", "shift", row.id, before=before,
                 after=audit.snapshot(row, SHIFT_FIELDS), at=now)  # fmt: skip
    return _infos(session, [row])[0]


def extend_roster(
    session: Session,
    actor: Actor,
    center_id: int,
    until: datetime,
    patterns: Sequence[ShiftPattern] = (),
    *,
    tz: str = DEFAULT_TZ,
    now: datetime | None = None,
) -> list[ShiftInfo]:
    """Add shifts after the center's last one until `until` (naive UTC), officers and
    leaders of the center taking turns in the order of the last shifts."""
    actor.require("handle")
    _require_center(actor, center_id)
    pats = tuple(patterns) or parse_patterns(DEFAULT_SHIFTS)
    center = session.get(models.CommandCenter, center_id)
    if center is None:
        raise NotFound(f"no center {center_id}", code="no_center", id=center_id)
    st = models.Staff
    officers = list(session.scalars(select(st.id).where(
        st.region_id == center.region_id, st.role == "duty_officer").order_by(st.id)))  # fmt: skip
    leaders = list(session.scalars(select(st.id).where(
        st.region_id == center.region_id, st.role == "leader").order_by(st.id)))  # fmt: skip
    if not officers or not leaders:
        raise InvalidInput("the center has no duty officers or leaders to put on the roster",
                           code="no_staff", center_id=center_id)  # fmt: skip
    s = models.Shift
    last = session.scalar(select(s).where(s.center_id == center_id)
                          .order_by(s.ends_at.desc()).limit(1))  # fmt: skip
    zone = ZoneInfo(tz)
    start = last.ends_at if last is not None else (now or models.utcnow())
    officer_k = officers.index(last.duty_officer_id) + 1 if (
        last is not None and last.duty_officer_id in officers) else 0  # fmt: skip
    leader_k = leaders.index(last.leader_id) + 1 if (
        last is not None and last.leader_id in leaders) else 0  # fmt: skip
    made: list[models.Shift] = []
    local = start.replace(tzinfo=UTC).astimezone(zone)
    guard = 0
    while start < until and guard < 10_000:
        guard += 1
        pat = _pattern_at(pats, local)
        if pat is None:  # start is not on a configured boundary: begin at the next one
            start = _next_boundary(pats, local).astimezone(UTC).replace(tzinfo=None)
            local = start.replace(tzinfo=UTC).astimezone(zone)
            continue
        end_local = (local + timedelta(hours=pat.hours)).astimezone(zone)
        end = end_local.astimezone(UTC).replace(tzinfo=None)
        row = models.Shift(
            center_id=center_id, starts_at=start, ends_at=end,
            duty_officer_id=officers[officer_k % len(officers)],
            second_officer_id=officers[(officer_k + 1) % len(officers)] if len(officers) > 1
            else None,
            leader_id=leaders[leader_k % len(leaders)], checked_in_at=None,
        )  # fmt: skip
        session.add(row)
        made.append(row)
        officer_k += 2
        leader_k += 1
        start, local = end, end_local
    session.flush()
    for row in made:
        audit.record(session, actor, "roster_add", "shift", row.id,
                     after=audit.snapshot(row, SHIFT_FIELDS), at=now)  # fmt: skip
    return _infos(session, made)


def _pattern_at(pats: Sequence[ShiftPattern], local: datetime) -> ShiftPattern | None:
    for p in pats:
        if local.hour == p.start.hour and local.minute == p.start.minute and local.second == 0:
            return p
    return None


def _next_boundary(pats: Sequence[ShiftPattern], local: datetime) -> datetime:
    best: datetime | None = None
    for p in pats:
        cand = local.replace(hour=p.start.hour, minute=p.start.minute, second=0, microsecond=0)
        if cand <= local:
            cand += timedelta(days=1)
        if best is None or cand < best:
            best = cand
    assert best is not None
    return best
