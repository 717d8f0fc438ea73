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
from services.handover.policy import HandoverPolicy
from services.handover.report import build_report
from services.handover.signoff import HandoverView, view
from services.handover.snapshot import HandoverReport
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
    frozen: bool  # a submitted handover: the report is what was signed, never live data
    log: tuple[duty_log.LogEntry, ...]
    allowed: frozenset[str]  # submit / reject / answer / accept / write_log / check_in
    now: datetime
    shifts: tuple[roster.ShiftInfo, ...]  # the roster around it, for the selector
    submit_opens_at: datetime | None = None
    """For the outgoing officer before submission is allowed: when it will be."""
    check_in_shift: int | None = None
    """The shift 签到 checks in to (this one, or the next for its incoming officer)."""
    reconstructed: bool = False
    """A signed handover kept without its snapshot (older data): the report is rebuilt
    as of its submission, never from what happened after."""


@dataclass(frozen=True)
class ReplayData:
    shift: roster.ShiftInfo
    region_code: str
    replay: replay.ShiftReplay  # pure in-memory: each moment is computed without the database


@dataclass(frozen=True)
class Permissions:
    """What the signed-in person may do on a shift's page, and the times that explain
    what they may not do yet."""

    allowed: frozenset[str]
    submit_opens_at: datetime | None = None
    check_in_shift: int | None = None


def _may_check_in(info: roster.ShiftInfo | None, staff_id: int, now: datetime) -> bool:
    """An officer of the shift, not checked in, within the time check-in accepts."""
    return (info is not None and info.is_officer(staff_id) and info.checked_in_at is None
            and info.starts_at - roster.CHECK_IN_EARLY <= now < info.ends_at)  # fmt: skip


def permissions(page_shift: roster.ShiftInfo, incoming: roster.ShiftInfo | None,
                handover: HandoverView | None, staff_id: int | None, actor: Actor,
                center_id: int, now: datetime, policy: HandoverPolicy) -> Permissions:  # fmt: skip
    """What the signed-in person may do on this shift: the outgoing officer submits from
    `policy.submit_window` before the end (before that, `submit_opens_at` says when);
    the incoming officer accepts or rejects, and checks in to the next shift from here."""
    if not actor.may("handle") or actor.center_id != center_id or staff_id is None:
        return Permissions(frozenset())
    out: set[str] = set()
    outgoing = page_shift.is_officer(staff_id)
    taking_over = incoming is not None and incoming.is_officer(staff_id)
    status = handover.status if handover is not None else None
    if status != "accepted" and page_shift.on_roster(staff_id):
        out.add("write_log")
    check_in: int | None = None
    if outgoing and _may_check_in(page_shift, staff_id, now):
        check_in = page_shift.id
    elif taking_over and not outgoing and _may_check_in(incoming, staff_id, now):
        assert incoming is not None
        check_in = incoming.id
    if check_in is not None:
        out.add("check_in")
    opens_at: datetime | None = None
    if outgoing and status is None:
        opens = page_shift.ends_at - policy.submit_window
        if now >= opens:
            out.add("submit")
        else:
            opens_at = opens
    if outgoing and status == "rejected":
        out.add("answer")
    if taking_over and status == "submitted" and handover is not None and not outgoing:
        out.update(("accept", "reject"))
    return Permissions(frozenset(out), opens_at, check_in)


def allowed_actions(page_shift: roster.ShiftInfo, incoming: roster.ShiftInfo | None,
                    handover: HandoverView | None, staff_id: int | None, actor: Actor,
                    center_id: int, now: datetime,
                    policy: HandoverPolicy) -> frozenset[str]:  # fmt: skip
    """What the signed-in person may do on this shift (`permissions(...).allowed`)."""
    return permissions(page_shift, incoming, handover, staff_id, actor, center_id, now,
                       policy).allowed  # fmt: skip


def _default_shift(s: Session, actor: Actor, center_id: int, staff_id: int | None,
                   now: datetime, policy: HandoverPolicy) -> roster.ShiftInfo | None:  # fmt: skip
    """The shift the handover screen opens on: the last ended one, unless the person is on
    duty now and nothing waits for them there. Then it is their own running shift (the
    outgoing officer submits it from the window before its end), or the running shift
    whose submitted handover they are to take over."""
    last = roster.last_ended_shift(s, center_id, now)
    current = roster.current_shift(s, center_id, now)
    if current is None or staff_id is None:
        return last
    if last is not None:
        signed = view(s, last.id)
        taking_over = roster.next_shift(s, last.id)
        involved = last.is_officer(staff_id) or (
            taking_over is not None and taking_over.is_officer(staff_id))
        if involved and (signed is None or signed.status != "accepted"):
            return last  # the handover still waits for them (to submit, answer or sign)
    if current.is_officer(staff_id):
        return current
    nxt = roster.next_shift(s, current.id)
    if nxt is not None and nxt.is_officer(staff_id) and view(s, current.id) is not None:
        return current
    return last


def shift_page(
    s: Session, actor: Actor, center_id: int, shift_id: int | None, now: datetime, tz: str,
    policy: HandoverPolicy,
) -> ShiftPage | None:
    """The page of a shift (None: the one the person should see first, see
    `_default_shift`), or None if there is none."""
    staff_id = roster.staff_of(s, actor) if actor.user_id is not None else None
    if shift_id is not None:
        info: roster.ShiftInfo | None = roster.shift(s, shift_id)
    else:
        info = _default_shift(s, actor, center_id, staff_id, now, policy)
    if info is None:
        return None
    _own_shift(info, center_id)
    center = s.get(models.CommandCenter, center_id)
    assert center is not None
    incoming = roster.next_shift(s, info.id)
    handover = view(s, info.id)
    reconstructed = False
    if handover is not None and handover.report is not None:
        report = handover.report  # what was signed, exactly
    elif handover is not None:
        # Signed without a snapshot (older data): as of its submission, nothing later.
        reconstructed = True
        report = build_report(s, center_id, info.id, now=handover.submitted_at or info.ends_at,
                              tz=tz)  # fmt: skip
    else:
        report = build_report(s, center_id, info.id, now=now, tz=tz)
    span = info.ends_at - info.starts_at
    around = roster.shifts(s, center_id, info.starts_at - span * 8, info.ends_at + span * 3)
    may = permissions(info, incoming, handover, staff_id, actor, center_id, now, policy)
    return ShiftPage(
        center_id=center_id, center_name=center.name, shift=info, incoming=incoming,
        handover=handover, report=report, frozen=handover is not None,
        log=duty_log.entries(s, info.id), allowed=may.allowed, now=now, shifts=tuple(around),
        submit_opens_at=may.submit_opens_at, check_in_shift=may.check_in_shift,
        reconstructed=reconstructed,
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
