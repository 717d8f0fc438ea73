"""A grid worker's tasks (网格员待办): the open cases its township center handles that it
may act on now, with what it may do to each (the workflow decides, the page only shows).

A grid worker account (role `grid_worker`) is bound to a township center. Its tasks are
the open cases handled by that center itself (not by one of the center's departments),
in a state a field action starts from: accepted, routed here by the county, returned, or
already in progress. It takes a task (start), adds progress notes and photos, and
resolves it; accepting, routing, returning and closing stay with the center's officers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.incidents import cases, queries, rules
from services.store import models

FIELD_STATUSES = ("accepted", "routed", "returned", "in_progress")


@dataclass(frozen=True)
class Task:
    row: cases.IncidentRow
    grid_code: str
    allowed: tuple[str, ...]


def tasks(
    session: Session, actor: Actor, *, limit: int = 100, now: datetime | None = None
) -> tuple[Task, ...]:
    """The account's tasks: in progress first, then supervised and overdue, then by deadline."""
    now = now or models.utcnow()
    rows = queries.queue(
        session, actor, cases.QueueFilter(scope="action", statuses=FIELD_STATUSES, limit=limit),
        now=now,
    )  # fmt: skip
    rows = tuple(r for r in rows if r.handling_department_id is None)
    g = models.GridCell
    grid_ids = {r.grid_id for r in rows if r.grid_id is not None}
    codes: dict[int, str] = {}
    if grid_ids:
        codes = {gid: code for gid, code in session.execute(select(g.id, g.code).where(g.id.in_(grid_ids)))}
    incs = {i.id: i for i in session.scalars(select(models.Incident).where(
        models.Incident.id.in_([r.id for r in rows])))} if rows else {}  # fmt: skip
    out = [
        Task(r, codes.get(r.grid_id or 0, ""), rules.allowed_actions(session, actor, incs[r.id]))
        for r in rows
    ]
    out.sort(key=lambda t: (t.row.status != "in_progress",))
    return tuple(out)
