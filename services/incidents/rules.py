"""Who may see and do what on a case: the subtree filter, loading a case for an account, the
centers above and below it, the actions allowed now, and the timeline and audit rows every
change writes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.errors import InvalidTransition, NotAllowed, NotFound
from services.incidents.cases import ACTIONS, AUDIT_FIELDS, FIELD_ACTIONS, TRANSITIONS, IncidentRow
from services.store import audit, models
from services.wall.regions import LEVEL_COLUMN

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


def visible(actor: Actor) -> ColumnElement[bool]:
    """Incidents inside the account's subtree."""
    col = LEVEL_COLUMN.get(actor.region_level)
    if col is None:
        return I.id == -1
    return col == actor.region_code


def _row(inc: models.Incident, now: datetime) -> IncidentRow:
    overdue = bool(inc.is_open and inc.resolve_deadline and inc.resolve_deadline < now)
    ack_overdue = bool(inc.status == "reported" and inc.ack_deadline and inc.ack_deadline < now)
    return IncidentRow(
        id=inc.id, category=inc.category, channel=inc.source_channel, priority=inc.priority,
        status=inc.status, kind=inc.kind, township_code=inc.township_code, grid_id=inc.grid_id,
        description=inc.description, address=inc.address, reported_at=inc.reported_at,
        ack_deadline=inc.ack_deadline, resolve_deadline=inc.resolve_deadline,
        handling_center_id=inc.handling_center_id,
        handling_department_id=inc.handling_department_id, supervised=inc.supervised,
        overdue=overdue, ack_overdue=ack_overdue, origin_id=inc.origin_id, version=inc.version,
        lon=inc.lon, lat=inc.lat,
    )  # fmt: skip


def _load(session: Session, actor: Actor, incident_id: int) -> models.Incident:
    # No SELECT FOR UPDATE: the version column refuses a lost race at flush (StaleState).
    inc = session.scalar(select(I).where(I.id == incident_id))
    if inc is None:
        raise NotFound(f"no incident {incident_id}", code="no_incident", id=incident_id)
    col = LEVEL_COLUMN.get(actor.region_level)
    if col is None or getattr(inc, col.key) != actor.region_code:
        raise NotAllowed(
            f"incident {incident_id} is outside the jurisdiction of {actor.login}",
            code="outside",
            id=incident_id,
        )
    return inc


def _center_region(session: Session, center_id: int | None) -> models.Region | None:
    if center_id is None:
        return None
    center = session.get(models.CommandCenter, center_id)
    return session.get(models.Region, center.region_id) if center else None


def _parent_center(session: Session, center_id: int) -> models.CommandCenter | None:
    region = _center_region(session, center_id)
    if region is None or region.parent_id is None:
        return None
    return session.scalar(
        select(models.CommandCenter).where(models.CommandCenter.region_id == region.parent_id)
    )


def _township_center(session: Session, township_code: str) -> int | None:
    return session.scalar(
        select(models.CommandCenter.id)
        .join(models.Region, models.Region.id == models.CommandCenter.region_id)
        .where(models.Region.adcode == township_code)
    )


def _is_above(session: Session, actor: Actor, center_id: int | None) -> bool:
    """Is the actor's region a strict ancestor of this center's region?"""
    region = _center_region(session, center_id)
    return bool(
        region is not None
        and region.path != actor.region_path
        and region.path.startswith(actor.region_path)
    )


def _event(
    session: Session, inc: models.Incident, actor: Actor, action: str, prev: str | None,
    at: datetime, note: str = "", target: str = "",
) -> None:  # fmt: skip
    session.add(
        models.IncidentEvent(
            incident_id=inc.id, at=at, action=action, from_status=prev, to_status=inc.status,
            actor=actor.label, note=note, center_id=actor.center_id, target=target,
        )
    )  # fmt: skip


def _audit(
    session: Session, actor: Actor, action: str, inc: models.Incident,
    before: dict[str, object] | None, at: datetime, detail: str = "",
) -> None:  # fmt: skip
    audit.record(
        session, actor, f"incident.{action}", "incident", inc.id,
        before=before, after=audit.snapshot_after(session, inc, AUDIT_FIELDS), detail=detail,
        at=at,
    )  # fmt: skip


def allowed_actions(session: Session, actor: Actor, inc: models.Incident) -> tuple[str, ...]:
    """The actions this account may take on the case now (the detail view's buttons)."""
    out: list[str] = []
    own = actor.center_id is not None and actor.center_id == inc.handling_center_id
    if not actor.may("handle") and actor.may("field"):
        if own and inc.handling_department_id is None:
            out += [a for a in ACTIONS if a in FIELD_ACTIONS and inc.status in TRANSITIONS[a][0]]
            if inc.is_open:
                out.append("note")
        return tuple(out)
    if actor.may("handle"):
        for action, (starts, _to) in TRANSITIONS.items():
            if inc.status not in starts:
                continue
            if action in ("reopen", "close"):
                # 评价归档 and 重新办理 also belong to the level above that passed the case
                # down (the center that took the call calls the citizen back).
                if own or _is_above(session, actor, inc.handling_center_id):
                    out.append(action)
            elif action == "escalate":
                if own and _parent_center(session, inc.handling_center_id or 0) is not None:
                    out.append(action)
            elif own:
                out.append(action)
        if own and inc.is_open:
            out.append("note")
        if own and inc.supervised:
            out.append("answer")
        if own and inc.status in ("resolved", "closed"):
            out.append("follow_up")
    if actor.may("supervise") and inc.is_open and _is_above(session, actor, inc.handling_center_id):
        out.append("supervise")
    return tuple(out)


def _check_transition(inc: models.Incident, action: str) -> str:
    starts, to = TRANSITIONS[action]
    if inc.status not in starts:
        raise InvalidTransition(
            f"cannot {action} an incident that is {inc.status}",
            code="transition",
            action=action,
            status=inc.status,
        )
    return to
