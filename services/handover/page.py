"""One shift as the handover screen shows it, and what the signed-in person may do there.

The rules of who may submit, reject, answer, accept, write the duty log or check in live
here (the services decide; the screen only shows the buttons this says are allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from services.accounts import Actor
from services.handover import duty_log, replay, roster
from services.handover.report import HandoverReport, HandoverView, build_report, view
from services.store import models
from services.territory.jurisdiction import OutsideJurisdiction


@dataclass(frozen=True)
class ShiftPage:
    """One shift as the handover panel shows it."""

    center_id: int
    center_name: str
    shift: roster.ShiftInfo
    incoming: roster.ShiftInfo | None
    handover: HandoverView | None
    report: HandoverReport  # the frozen snapshot if submitted, else a draft now
    frozen: bool
    log: tuple[duty_log.LogEntry, ...]
    allowed: frozenset[str]  # submit / reject / answer / accept / write_log / check_in
    now: datetime
    shifts: tuple[roster.ShiftInfo, ...]  # the roster around it, for the selector


@dataclass(frozen=True)
class ReplayData:
    shift: roster.ShiftInfo
    region_code: str
    replay: replay.ShiftReplay  # pure in-memory: each moment is computed without the database


def allowed_actions(page_shift: roster.ShiftInfo, incoming: roster.ShiftInfo | None,
                    handover: HandoverView | None, staff_id: int | None, actor: Actor,
                    center_id: int, now: datetime) -> frozenset[str]:  # fmt: skip
    """What the signed-in person may do on this shift."""
    if not actor.may("handle") or actor.center_id != center_id or staff_id is None:
        return frozenset()
    out: set[str] = set()
    outgoing = page_shift.is_officer(staff_id)
    taking_over = incoming is not None and incoming.is_officer(staff_id)
    status = handover.status if handover is not None else None
    if status != "accepted" and page_shift.on_roster(staff_id):
        out.add("write_log")
    if page_shift.checked_in_at is None and outgoing and not page_shift.ended(now):
        out.add("check_in")
    if outgoing and page_shift.ended(now) and status is None:
        out.add("submit")
    if outgoing and status == "rejected":
        out.add("answer")
    if taking_over and status == "submitted" and handover is not None and not outgoing:
        out.update(("accept", "reject"))
    return frozenset(out)


def shift_page(
    s: Session, actor: Actor, center_id: int, shift_id: int | None, now: datetime, tz: str
) -> ShiftPage | None:
    """The page of a shift (None: the center's last ended shift), or None if there is none."""
    if shift_id is not None:
        info: roster.ShiftInfo | None = roster.shift(s, shift_id)
    else:
        info = roster.last_ended_shift(s, center_id, now)
    if info is None:
        return None
    _own_shift(info, center_id)
    center = s.get(models.CommandCenter, center_id)
    assert center is not None
    incoming = roster.next_shift(s, info.id)
    handover = view(s, info.id)
    frozen = handover is not None and handover.report is not None
    report = handover.report if handover is not None and handover.report is not None else (
        build_report(s, center_id, info.id, now=now, tz=tz))  # fmt: skip
    staff_id = roster.staff_of(s, actor) if actor.user_id is not None else None
    span = info.ends_at - info.starts_at
    around = roster.shifts(s, center_id, info.starts_at - span * 8, info.ends_at + span * 3)
    return ShiftPage(
        center_id=center_id, center_name=center.name, shift=info, incoming=incoming,
        handover=handover, report=report, frozen=frozen, log=duty_log.entries(s, info.id),
        allowed=allowed_actions(info, incoming, handover, staff_id, actor, center_id, now),
        now=now, shifts=tuple(around),
    )  # fmt: skip


def region_code_of_center(s: Session, center_id: int) -> str | None:
    center = s.get(models.CommandCenter, center_id)
    region = s.get(models.Region, center.region_id) if center else None
    return region.adcode if region is not None else None


def load_replay(s: Session, center_id: int, shift_id: int, tz: str) -> ReplayData | None:
    """The timelines of a shift, read once, for the replay slider."""
    info = roster.shift(s, shift_id)
    _own_shift(info, center_id)
    code = region_code_of_center(s, center_id)
    if code is None:
        return None
    rp = replay.load(s, code, info.starts_at, info.ends_at, tz=tz)
    return ReplayData(info, code, rp)


def _own_shift(info: roster.ShiftInfo, center_id: int) -> None:
    """A center's handover page and replay read its own shifts only (jurisdiction)."""
    if info.center_id != center_id:
        raise OutsideJurisdiction(
            f"shift {info.id} belongs to another center than {center_id}",
            shift=info.id, center=center_id,
        )  # fmt: skip
