"""督办 and escalation: an upper level presses the handling center with a deadline, the
handling center answers, and overdue cases climb one level at a time (the console's clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor, system_actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed
from services.incidents.cases import AUDIT_FIELDS, IncidentPolicy
from services.incidents.rules import _audit, _event, _load, _parent_center, allowed_actions, visible
from services.store import audit, models
from services.store.db import transaction

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


def _escalate(session: Session, inc: models.Incident, *, automatic: bool) -> str:
    parent = _parent_center(session, inc.handling_center_id or 0)
    if parent is None:
        raise InvalidTransition("there is no level above this center", code="top_level")
    inc.handling_center_id = parent.id
    inc.handling_department_id = None
    if automatic:
        inc.escalations += 1
    return f"center:{parent.id}"


def supervise(
    session: Session, actor: Actor, incident_id: int, deadline: datetime, note: str,
    now: datetime | None = None,
) -> int:  # fmt: skip
    """督办: an upper level presses the handling center with a deadline."""
    now = now or models.utcnow()
    actor.require("supervise")
    inc = _load(session, actor, incident_id)
    if "supervise" not in allowed_actions(session, actor, inc):
        raise NotAllowed("only an upper level presses an open case", code="supervise_below")
    if deadline <= now:
        raise InvalidInput("the supervision deadline must be in the future", code="deadline")
    if not note.strip():
        raise InvalidInput("say what is pressed for", code="note")
    before = audit.snapshot(inc, AUDIT_FIELDS)
    sup = models.Supervision(
        incident_id=inc.id, from_center_id=actor.center_id or 0, to_center_id=inc.handling_center_id,
        at=now, actor=actor.label, deadline=deadline, note=note.strip(),
    )  # fmt: skip
    session.add(sup)
    inc.supervised = True  # the row changes, so its version moves: older views go stale
    session.flush()
    _event(session, inc, actor, "supervise", inc.status, now, note=note.strip(),
           target=f"deadline:{deadline.isoformat(timespec='minutes')}")  # fmt: skip
    _audit(session, actor, "supervise", inc, before, now, detail=note)
    return sup.id


def answer_supervision(
    session: Session, actor: Actor, inc: models.Incident, answer: str, now: datetime
) -> None:
    """The handling center answers every pending supervision of the case."""
    if not answer.strip():
        raise InvalidInput("an answer needs text", code="answer")
    pending = session.scalars(
        select(models.Supervision).where(
            models.Supervision.incident_id == inc.id, models.Supervision.answered_at.is_(None)
        )
    ).all()
    if not pending:
        raise InvalidTransition("no supervision waits for an answer", code="no_supervision")
    for sup in pending:
        sup.answered_at = now
        sup.answered_by = actor.label
        sup.answer = answer.strip()
    inc.supervised = False
    _event(session, inc, actor, "answer", inc.status, now, note=answer.strip())


def _close_supervisions(
    session: Session, inc: models.Incident, actor: Actor, now: datetime, text: str
) -> None:
    for sup in session.scalars(
        select(models.Supervision).where(
            models.Supervision.incident_id == inc.id, models.Supervision.answered_at.is_(None)
        )
    ):
        sup.answered_at = now
        sup.answered_by = actor.label
        sup.answer = text
    inc.supervised = False


def escalate_overdue(
    session: Session,
    actor: Actor,
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
    limit: int = 500,
) -> list[int]:
    """Overdue cases in the actor's subtree move one level up, once per `escalate_every_h`
    of lateness at each level, recorded in the timeline by the system. A case also waits
    `escalate_every_h` after its previous automatic escalation, so one found very late (the
    clock was off) climbs one level, not several in consecutive sweeps. Returns the ids."""
    now = now or models.utcnow()
    every = timedelta(hours=policy.escalate_every_h)
    candidates = session.scalars(
        select(I)
        .where(visible(actor), I.is_open, I.resolve_deadline < now)
        .order_by(I.resolve_deadline)
        .limit(limit)
    ).all()
    ev = models.IncidentEvent
    last_auto: dict[int, datetime] = dict(
        session.execute(
            select(ev.incident_id, func.max(ev.at))
            .where(ev.incident_id.in_([c.id for c in candidates]), ev.action == "auto_escalate")
            .group_by(ev.incident_id)
        ).all()
    ) if candidates else {}  # fmt: skip
    done: list[int] = []
    for inc in candidates:
        assert inc.resolve_deadline is not None
        if now < inc.resolve_deadline + every * inc.escalations:
            continue
        previous = last_auto.get(inc.id)
        if previous is not None and now < previous + every:
            continue
        if _parent_center(session, inc.handling_center_id or 0) is None:
            continue
        before = audit.snapshot(inc, AUDIT_FIELDS)
        prev = inc.status
        target = _escalate(session, inc, automatic=True)
        inc.status = "reported"
        late = now - inc.resolve_deadline
        note = f"超期 {late.total_seconds() / 3600:.1f} 小时，自动上报上级"
        _event(session, inc, actor, "auto_escalate", prev, now, note=note, target=target)
        _audit(session, actor, "auto_escalate", inc, before, now, detail=note)
        done.append(inc.id)
    return done


def sweep_overdue(
    factory: sessionmaker[Session],
    region_code: str,
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
) -> list[int]:
    """The console's clock: escalate overdue cases in a region's subtree, as the system.

    Several consoles may sweep overlapping subtrees at once; the loser of a race on a case
    rolls back and the next sweep picks up whatever is still due.
    """
    with factory() as session:
        region = session.scalar(select(models.Region).where(models.Region.adcode == region_code))
        if region is None:
            return []
        center = session.scalar(
            select(models.CommandCenter.id).where(models.CommandCenter.region_id == region.id)
        )
        actor = system_actor(region, center)
    try:
        with transaction(factory) as session:
            return escalate_overdue(session, actor, policy=policy, now=now)
    except StaleDataError:
        return []
