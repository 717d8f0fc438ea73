"""值班日志: what the people on duty write during a shift; entries are never changed.

Kinds: `event` (a notable event), `instruction` (a leader's instruction, written down by
whoever received it) and `correction` (points at the entry it corrects). A wrong entry is
corrected by a new entry; nothing is updated or deleted. Once the shift's handover is
accepted its log is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed
from services.handover import roster
from services.store import audit, models

KINDS = ("event", "instruction", "correction")
MAX_TEXT = 2000
WRITE_EARLY_MIN = 30  # minutes before the start an officer may already write


@dataclass(frozen=True)
class LogEntry:
    id: int
    shift_id: int
    at: datetime
    author_id: int
    author: str
    kind: str
    text: str
    corrects_id: int | None


def entries(session: Session, shift_id: int) -> tuple[LogEntry, ...]:
    """The shift's log in writing order."""
    d, st = models.DutyLog, models.Staff
    rows = session.execute(
        select(d, st.name).join(st, st.id == d.author_id)
        .where(d.shift_id == shift_id).order_by(d.at, d.id)
    ).all()  # fmt: skip
    return tuple(
        LogEntry(e.id, e.shift_id, e.at, e.author_id, name, e.kind, e.text, e.corrects_id)
        for e, name in rows
    )


def write(
    session: Session,
    actor: Actor,
    shift_id: int,
    kind: str,
    text: str,
    *,
    corrects_id: int | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Add one entry, timestamped now, by the signed-in person on the shift's roster."""
    now = now or models.utcnow()
    actor.require("handle")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {KINDS}", code="log_kind", kind=kind)
    body = text.strip()
    if not body:
        raise InvalidInput("a log entry needs text", code="log_text")
    if len(body) > MAX_TEXT:
        raise InvalidInput(f"at most {MAX_TEXT} characters", code="log_text")
    info = roster.shift(session, shift_id)
    if actor.center_id != info.center_id:
        raise NotAllowed(f"{actor.login} does not belong to the center of shift {shift_id}",
                         code="other_center", center_id=info.center_id)  # fmt: skip
    staff_id = roster.staff_of(session, actor)
    if not info.on_roster(staff_id):
        raise NotAllowed(f"{actor.login} is not on the roster of shift {shift_id}",
                         code="not_on_roster", shift_id=shift_id)  # fmt: skip
    if (now - info.starts_at).total_seconds() < -WRITE_EARLY_MIN * 60:
        raise InvalidTransition(f"shift {shift_id} has not started", code="not_started",
                                shift_id=shift_id)  # fmt: skip
    h = models.Handover
    status = session.scalar(select(h.status).where(h.shift_id == shift_id))
    if status == "accepted":
        raise InvalidTransition(f"the handover of shift {shift_id} is signed; its log is closed",
                                code="handover_accepted", shift_id=shift_id)  # fmt: skip
    if kind == "correction":
        target = session.get(models.DutyLog, corrects_id) if corrects_id is not None else None
        if target is None or target.shift_id != shift_id:
            raise InvalidInput("a correction names an entry of the same shift",
                               code="corrects", corrects_id=corrects_id)  # fmt: skip
    elif corrects_id is not None:
        raise InvalidInput("only a correction names another entry", code="corrects",
                           corrects_id=corrects_id)  # fmt: skip
    assert staff_id is not None
    row = models.DutyLog(shift_id=shift_id, at=now, author_id=staff_id, kind=kind, text=body,
                         corrects_id=corrects_id)  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(session, actor, f"log_{kind}", "duty_log", row.id,
                 after={"shift_id": shift_id, "kind": kind, "text": body,
                        "corrects_id": corrects_id}, at=now)  # fmt: skip
    return LogEntry(row.id, shift_id, now, staff_id, roster.staff_name(session, staff_id), kind,
                    body, corrects_id)  # fmt: skip
