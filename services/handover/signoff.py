"""交接班 sign-off: the outgoing officer submits the shift's report, the incoming one signs.

Sign-off::

    (none) ─submit→ submitted ─accept→ accepted (frozen: nothing changes any more)
                       │  ↑
                  reject  answer            reject: the incoming officer asks (a reason)
                       ↓  │                 answer: the outgoing officer replies; the
                     rejected                snapshot is re-frozen with the answer

Only the duty or second officer of the ending shift submits and answers; only the duty
or second officer of the next shift accepts or rejects. Every write adds a HandoverEvent
and an audit row; the version column refuses a lost race (StaleState with the current
handover)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, StaleState
from services.handover import roster
from services.handover.report import build_report
from services.handover.snapshot import HandoverReport, digest, report_from_json, report_to_json
from services.store import audit, models
from services.store.db import transaction

STATES = ("submitted", "rejected", "accepted")


HANDOVER_FIELDS = ("status", "submitted_at", "submitted_by", "accepted_at", "accepted_by",
                   "notes", "version")  # fmt: skip


@dataclass(frozen=True)
class HandoverStep:
    at: datetime
    action: str  # submit / reject / answer / accept
    staff_id: int
    staff: str
    text: str


@dataclass(frozen=True)
class HandoverView:
    """A shift's handover as the console shows it; `report` is the frozen snapshot."""

    id: int
    shift: roster.ShiftInfo
    incoming: roster.ShiftInfo | None
    status: str
    submitted_at: datetime | None
    submitted_by: str
    accepted_at: datetime | None
    accepted_by: str
    notes: str
    version: int
    steps: tuple[HandoverStep, ...]
    report: HandoverReport | None

    @property
    def question(self) -> str:
        """The open question of a rejected handover ("" otherwise)."""
        if self.status != "rejected":
            return ""
        rejects = [s for s in self.steps if s.action == "reject"]
        return rejects[-1].text if rejects else ""


def view(session: Session, shift_id: int) -> HandoverView | None:
    """The handover of a shift, or None if nobody submitted one yet."""
    h = session.scalar(select(models.Handover).where(models.Handover.shift_id == shift_id))
    return _view(session, h) if h is not None else None


def view_by_id(session: Session, handover_id: int) -> HandoverView:
    h = session.get(models.Handover, handover_id)
    if h is None:
        raise NotFound(f"no handover {handover_id}", code="no_handover", id=handover_id)
    return _view(session, h)


def _view(session: Session, h: models.Handover) -> HandoverView:
    ev, st = models.HandoverEvent, models.Staff
    steps = tuple(
        HandoverStep(e.at, e.action, e.staff_id, name, e.text)
        for e, name in session.execute(
            select(ev, st.name).join(st, st.id == ev.staff_id)
            .where(ev.handover_id == h.id).order_by(ev.at, ev.id)
        )
    )  # fmt: skip
    report = None
    if h.snapshot:
        try:
            report = report_from_json(dict(h.snapshot))
        except (KeyError, TypeError, ValueError):
            report = None  # an older snapshot format: the review shows the steps only
    return HandoverView(
        id=h.id, shift=roster.shift(session, h.shift_id),
        incoming=roster.next_shift(session, h.shift_id), status=h.status,
        submitted_at=h.submitted_at, submitted_by=roster.staff_name(session, h.submitted_by),
        accepted_at=h.accepted_at, accepted_by=roster.staff_name(session, h.accepted_by),
        notes=h.notes or "", version=h.version, steps=steps, report=report,
    )  # fmt: skip


def _signer(session: Session, actor: Actor, info: roster.ShiftInfo) -> int:
    actor.require("handle")
    if actor.center_id != info.center_id:
        raise NotAllowed(f"{actor.login} does not belong to the center of shift {info.id}",
                         code="other_center", center_id=info.center_id)  # fmt: skip
    staff_id = roster.staff_of(session, actor)
    if staff_id is None:
        raise NotAllowed(f"account {actor.login} is not a person on any roster",
                         code="not_on_roster", shift_id=info.id)  # fmt: skip
    return staff_id


def _step(session: Session, h: models.Handover, action: str, staff_id: int, text: str,
          now: datetime) -> None:  # fmt: skip
    session.add(models.HandoverEvent(handover_id=h.id, at=now, action=action,
                                     staff_id=staff_id, text=text))  # fmt: skip


def _audit(session: Session, actor: Actor, action: str, h: models.Handover,
           before: dict[str, object] | None, now: datetime, detail: str = "") -> None:  # fmt: skip
    after = audit.snapshot_after(session, h, HANDOVER_FIELDS)
    if h.snapshot:
        after["snapshot_digest"] = digest(h.snapshot)
    audit.record(session, actor, f"handover_{action}", "handover", h.id, before=before,
                 after=after, detail=detail, at=now)  # fmt: skip


def _refuse_signed(h: models.Handover) -> None:
    if h.status == "accepted":
        raise InvalidTransition(f"handover {h.id} is already accepted", code="already_accepted",
                                id=h.id)  # fmt: skip


def submit(
    session: Session,
    actor: Actor,
    shift_id: int,
    notes: str = "",
    *,
    now: datetime | None = None,
    tz: str = roster.DEFAULT_TZ,
    window: timedelta = timedelta(0),
) -> HandoverView:
    """The outgoing officer submits the shift's report with notes (frozen now): once the
    shift has ended, or within `window` (HandoverPolicy.submit_window) before its end."""
    now = now or models.utcnow()
    info = roster.shift(session, shift_id)
    staff_id = _signer(session, actor, info)
    opens = info.ends_at - window
    if now < opens:
        raise InvalidTransition(f"shift {shift_id} may be handed over from {opens:%Y-%m-%d %H:%M} UTC",
                                code="shift_not_ended", shift_id=shift_id,
                                ends_at=info.ends_at, opens_at=opens)  # fmt: skip
    if not info.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of shift {shift_id}",
                         code="not_on_roster", shift_id=shift_id)  # fmt: skip
    existing = session.scalar(select(models.Handover).where(models.Handover.shift_id == shift_id))
    if existing is not None:
        _refuse_signed(existing)
        code = "answer_required" if existing.status == "rejected" else "already_submitted"
        raise InvalidTransition(f"shift {shift_id} already has a handover ({existing.status})",
                                code=code, id=existing.id)  # fmt: skip
    report = build_report(session, info.center_id, shift_id, now=now, tz=tz)
    h = models.Handover(shift_id=shift_id, status="submitted", submitted_at=now,
                        submitted_by=staff_id, notes=notes.strip(),
                        snapshot=report_to_json(report))  # fmt: skip
    session.add(h)
    session.flush()
    _step(session, h, "submit", staff_id, notes.strip(), now)
    _audit(session, actor, "submit", h, None, now, notes.strip())
    session.flush()
    return _view(session, h)


def _load(session: Session, handover_id: int, expected_version: int) -> models.Handover:
    h = session.get(models.Handover, handover_id)
    if h is None:
        raise NotFound(f"no handover {handover_id}", code="no_handover", id=handover_id)
    if h.version != expected_version:
        raise StaleState(f"handover {handover_id} was changed by someone else", id=handover_id)
    return h


def _incoming_signer(session: Session, actor: Actor, h: models.Handover) -> int:
    info = roster.shift(session, h.shift_id)
    staff_id = _signer(session, actor, info)
    nxt = roster.next_shift(session, h.shift_id)
    if staff_id == h.submitted_by:
        raise NotAllowed("the outgoing officer cannot sign their own handover",
                         code="own_handover", id=h.id)  # fmt: skip
    if nxt is None or not nxt.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of the incoming shift",
                         code="not_on_roster", id=h.id)  # fmt: skip
    return staff_id


def _awaiting_incoming(
    session: Session, actor: Actor, handover_id: int, expected_version: int
) -> tuple[models.Handover, int]:
    """The handover at the version the incoming officer saw, and that officer's staff id;
    refused unless it is submitted and unsigned (what reject and accept both require)."""
    h = _load(session, handover_id, expected_version)
    staff_id = _incoming_signer(session, actor, h)
    _refuse_signed(h)
    if h.status != "submitted":
        raise InvalidTransition(f"handover {h.id} waits for the outgoing officer's answer",
                                code="answer_required", id=h.id)  # fmt: skip
    return h, staff_id


def reject(
    session: Session, actor: Actor, handover_id: int, expected_version: int, reason: str,
    *, now: datetime | None = None,
) -> HandoverView:  # fmt: skip
    """The incoming officer sends the handover back with a question."""
    now = now or models.utcnow()
    h, staff_id = _awaiting_incoming(session, actor, handover_id, expected_version)
    if not reason.strip():
        raise InvalidInput("a rejection needs a reason", code="reason")
    before = audit.snapshot(h, HANDOVER_FIELDS)
    h.status = "rejected"
    session.flush()
    _step(session, h, "reject", staff_id, reason.strip(), now)
    _audit(session, actor, "reject", h, before, now, reason.strip())
    session.flush()
    return _view(session, h)


def answer(
    session: Session, actor: Actor, handover_id: int, expected_version: int, text: str,
    *, now: datetime | None = None, tz: str = roster.DEFAULT_TZ,
) -> HandoverView:  # fmt: skip
    """The outgoing officer answers the question; the report is frozen again."""
    now = now or models.utcnow()
    h = _load(session, handover_id, expected_version)
    info = roster.shift(session, h.shift_id)
    staff_id = _signer(session, actor, info)
    if not info.is_officer(staff_id):
        raise NotAllowed(f"{actor.login} is not an officer of shift {h.shift_id}",
                         code="not_on_roster", id=h.id)  # fmt: skip
    _refuse_signed(h)
    if h.status != "rejected":
        raise InvalidTransition(f"handover {h.id} has no open question", code="not_rejected",
                                id=h.id)  # fmt: skip
    if not text.strip():
        raise InvalidInput("an answer needs text", code="answer")
    before = audit.snapshot(h, HANDOVER_FIELDS)
    h.status = "submitted"
    h.snapshot = report_to_json(build_report(session, info.center_id, h.shift_id, now=now, tz=tz))
    session.flush()
    _step(session, h, "answer", staff_id, text.strip(), now)
    _audit(session, actor, "answer", h, before, now, text.strip())
    session.flush()
    return _view(session, h)


def accept(
    session: Session, actor: Actor, handover_id: int, expected_version: int, note: str = "",
    *, now: datetime | None = None,
) -> HandoverView:  # fmt: skip
    """The incoming officer signs: the handover is accepted and frozen for good."""
    now = now or models.utcnow()
    h, staff_id = _awaiting_incoming(session, actor, handover_id, expected_version)
    before = audit.snapshot(h, HANDOVER_FIELDS)
    h.status = "accepted"
    h.accepted_at = now
    h.accepted_by = staff_id
    session.flush()
    _step(session, h, "accept", staff_id, note.strip(), now)
    _audit(session, actor, "accept", h, before, now, note.strip())
    _report_on_duty(session, actor, h.shift_id, staff_id, now)
    session.flush()
    return _view(session, h)


def _report_on_duty(session: Session, actor: Actor, shift_id: int, staff_id: int,
                    now: datetime) -> None:  # fmt: skip
    """Signing the handover is reporting on duty: the incoming shift counts as checked in
    (有人员) if it is on now and nobody checked in yet."""
    nxt = roster.next_shift(session, shift_id)
    if nxt is None or not nxt.is_officer(staff_id) or nxt.checked_in_at is not None:
        return
    if not nxt.starts_at - roster.CHECK_IN_EARLY <= now < nxt.ends_at:
        return
    roster.check_in(session, actor, nxt.id, now=now)


R = TypeVar("R")


def run(factory: sessionmaker[Session], work: Callable[[Session], R],
        current: Callable[[Session], HandoverView | None]) -> R:  # fmt: skip
    """One transaction; a lost race (version, or two first submissions) becomes StaleState
    carrying the handover as it is now."""
    try:
        with transaction(factory) as session:
            return work(session)
    except StaleState as exc:
        stale = exc
    except (StaleDataError, IntegrityError):
        stale = StaleState("the handover was changed by someone else")
    with factory() as session:
        stale.current = current(session)
    raise stale
