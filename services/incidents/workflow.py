"""Incident use cases: one action on a case (`perform`), progress notes, and the
transaction wrapper that turns a lost race into StaleState.

Every change goes through `perform` (or `report` / `supervise` / `answer_supervision`):
it checks who may act (role, and that the case is inside the account's subtree), that the
case is in a state the action starts from and still at the version the console showed,
then writes the incident, an IncidentEvent and an audit row in one transaction. The ORM
flush hooks (services.store.db) add the change-feed row and keep the daily counters in step.
The rules live in `rules`, the values in `cases`, the intake in `reporting`, 督办 and
escalation in `supervision`, the reads in `queries`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services import vocabulary
from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, StaleState
from services.incidents.cases import (
    AUDIT_FIELDS,
    EVALUATIONS,
    TRANSITIONS,
    IncidentDetail,
    IncidentPolicy,
)
from services.incidents.queries import detail, route_targets
from services.incidents.reporting import _follow_up
from services.incidents.rules import (
    _audit,
    _center_region,
    _check_transition,
    _event,
    _load,
    allowed_actions,
)
from services.incidents.supervision import (
    _close_supervisions,
    _escalate,
    answer_supervision,
    supervise,
)
from services.store import audit, models
from services.store.db import transaction


def _do(
    session: Session,
    actor: Actor,
    inc: models.Incident,
    action: str,
    note: str,
    params: dict[str, Any],
    policy: IncidentPolicy,
    now: datetime,
) -> None:
    if not actor.may("field"):
        actor.require("handle")
    if action in TRANSITIONS:
        _check_transition(inc, action)
    elif action != "answer":
        raise InvalidInput(f"unknown action {action!r}", code="action")
    if action not in allowed_actions(session, actor, inc):
        raise NotAllowed(
            f"{actor.login} may not {action} incident {inc.id} (handled by another center)",
            code="not_handler",
            action=action,
        )
    before = audit.snapshot(inc, AUDIT_FIELDS)
    prev = inc.status
    target = ""
    if action == "answer":
        answer_supervision(session, actor, inc, note, now)
        _audit(session, actor, action, inc, before, now, detail=note)
        return
    to = _check_transition(inc, action)
    if action == "accept":
        inc.accepted_at = now
    elif action == "route":
        target = _route(session, actor, inc, params)
    elif action == "return":
        target = _return_to_router(session, inc)
    elif action == "resolve":
        inc.resolved_at = now
        region = _center_region(session, inc.handling_center_id)
        inc.settled_level = region.level if region else None
    elif action == "close":
        evaluation = params.get("evaluation", "satisfied")
        if evaluation not in EVALUATIONS:
            raise InvalidInput(f"evaluation must be one of {EVALUATIONS}", code="evaluation")
        inc.evaluation = evaluation
        inc.closed_at = now
    elif action == "reopen":
        if not note.strip():
            raise InvalidInput("reopening needs a reason", code="reason")
        inc.resolved_at = None
        inc.closed_at = None
        inc.settled_level = None
        inc.evaluation = None
    elif action == "escalate":
        target = _escalate(session, inc, automatic=False)
    inc.status = to
    inc.is_open = to not in vocabulary.CLOSED_STATUSES
    if not inc.is_open and inc.supervised:
        _close_supervisions(session, inc, actor, now, f"已{'办结' if to == 'resolved' else '归档'}")
    _event(session, inc, actor, action, prev, now, note=note, target=target)
    _audit(session, actor, action, inc, before, now, detail=note)
    if action == "close":
        for text in params.get("follow_ups", ()):
            _follow_up(session, actor, inc, str(text), policy, now)


def _route(session: Session, actor: Actor, inc: models.Incident, params: dict[str, Any]) -> str:
    kind, target_id = params.get("target_kind"), params.get("target_id")
    allowed = {(t.kind, t.id) for t in route_targets(session, actor, inc.category)}
    if (kind, target_id) not in allowed:
        raise InvalidInput(
            "route to one of this center's departments or the centers below it",
            code="route_target",
        )
    if kind == "department":
        inc.handling_department_id = int(target_id)  # type: ignore[arg-type]
        platform = session.scalar(
            select(models.Department.platform).where(models.Department.id == int(target_id))  # type: ignore[arg-type]
        )
        if platform:  # the platform's tally keeps the case even when it moves on
            inc.platform = platform
    else:
        inc.handling_center_id = int(target_id)  # type: ignore[arg-type]
        inc.handling_department_id = None
    return f"{kind}:{target_id}"


def _return_to_router(session: Session, inc: models.Incident) -> str:
    """退回: a department hands back to its center; a lower center back to whoever routed."""
    if inc.handling_department_id is not None:
        inc.handling_department_id = None
        return f"center:{inc.handling_center_id}"
    ev = models.IncidentEvent
    router = session.scalar(
        select(ev.center_id)
        .where(ev.incident_id == inc.id, ev.action == "route", ev.target == f"center:{inc.handling_center_id}")
        .order_by(ev.id.desc())
        .limit(1)
    )  # fmt: skip
    if router is None:
        raise InvalidTransition("nobody routed this case here; escalate it instead", code="no_router")
    inc.handling_center_id = router
    return f"center:{router}"


def note_allowed(session: Session, actor: Actor, incident_id: int) -> models.Incident:
    """The case, if this account may add a note or photo to it now: whoever may act on it
    (its handling center's officers and grid workers), or the caller that filed it (a
    system's key, a grid worker) while it is open. NotAllowed otherwise."""
    inc = _load(session, actor, incident_id)
    if "note" in allowed_actions(session, actor, inc):
        return inc
    filer = session.scalar(
        select(models.IncidentIntake.caller).where(models.IncidentIntake.incident_id == inc.id)
    )
    if inc.is_open and filer is not None and filer == actor.login:
        return inc
    raise NotAllowed(
        f"{actor.login} may not add to incident {incident_id} now", code="not_handler",
        action="note",
    )  # fmt: skip


def detail_visible(session: Session, actor: Actor, incident_id: int) -> None:
    """NotFound / NotAllowed unless the case exists inside the account's subtree."""
    _load(session, actor, incident_id)


def note(
    session: Session, actor: Actor, incident_id: int, text: str, *, action: str = "note",
    now: datetime | None = None,
) -> models.Incident:  # fmt: skip
    """A progress note (处置进展) on an open case by whoever may act on it now; the status
    stays. `action` names the timeline step ("note"; "attach" for a photo)."""
    now = now or models.utcnow()
    inc = note_allowed(session, actor, incident_id)
    if not text.strip():
        raise InvalidInput("a progress note needs text", code="note")
    _event(session, inc, actor, action, inc.status, now, note=text.strip())
    _audit(session, actor, action, inc, audit.snapshot(inc, AUDIT_FIELDS), now, detail=text)
    return inc


def note_in(
    factory: sessionmaker[Session], actor: Actor, incident_id: int, text: str
) -> IncidentDetail:
    """`note` in its own transaction; returns the case after it."""
    with transaction(factory) as session:
        note(session, actor, incident_id, text)
    with factory() as session:
        return detail(session, actor, incident_id)


T = TypeVar("T")


def perform(
    factory: sessionmaker[Session],
    actor: Actor,
    incident_id: int,
    expected_version: int,
    action: str,
    note: str = "",
    *,
    policy: IncidentPolicy,
    now: datetime | None = None,
    **params: Any,
) -> IncidentDetail:
    """Take one action on a case the console showed at `expected_version`.

    If someone else changed it first, nothing is written and StaleState carries the
    case as it is now. Returns the case after the action.
    """
    when = now or models.utcnow()

    def work(session: Session) -> IncidentDetail:
        inc = _load(session, actor, incident_id)
        if inc.version != expected_version:
            raise StaleState(
                f"incident {incident_id} was changed by someone else (version {inc.version})",
                id=incident_id,
            )
        _do(session, actor, inc, action, note, params, policy, when)
        session.flush()  # the version and timeline as committed, read in the same session
        return detail(session, actor, incident_id, now=when)

    return run(factory, actor, incident_id, work)


def run(
    factory: sessionmaker[Session],
    actor: Actor,
    incident_id: int,
    work: Callable[[Session], T],
) -> T:
    """One transaction; a lost optimistic-lock race becomes StaleState with the current case."""
    try:
        with transaction(factory) as session:
            return work(session)
    except StaleState as exc:
        stale = exc
    except StaleDataError:
        stale = StaleState(f"incident {incident_id} was changed by someone else", id=incident_id)
    with factory() as session:
        stale.current = detail(session, actor, incident_id)
    raise stale


def supervise_in(
    factory: sessionmaker[Session], actor: Actor, incident_id: int, expected_version: int,
    deadline: datetime | timedelta, note: str, *, now: datetime | None = None,
) -> IncidentDetail:  # fmt: skip
    """`supervise` with the optimistic check, in its own transaction. `deadline` is a
    moment (naive UTC) or a time from now (the service's clock, not the console's)."""
    when = now or models.utcnow()
    due = when + deadline if isinstance(deadline, timedelta) else deadline

    def work(session: Session) -> IncidentDetail:
        inc = _load(session, actor, incident_id)
        if inc.version != expected_version:
            raise StaleState(f"incident {incident_id} was changed by someone else", id=incident_id)
        supervise(session, actor, incident_id, due, note)
        session.flush()
        return detail(session, actor, incident_id, now=when)

    return run(factory, actor, incident_id, work)
