"""Reads of the incident feature: a case as one account sees it, the queues and their
badges, and where a case may be routed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from services import vocabulary
from services.accounts import Actor
from services.incidents.cases import (
    EventRow,
    IncidentDetail,
    IncidentRow,
    PlatformTargets,
    QueueFilter,
    QueuePage,
    RouteTarget,
    SupervisionRow,
)
from services.incidents.rules import _load, _row, allowed_actions, visible
from services.store import models

I = models.Incident  # noqa: E741 - short alias keeps the queries readable


def route_targets(
    session: Session, actor: Actor, category: str | None = None
) -> tuple[RouteTarget, ...]:
    """Where this center may route a case: departments of its own and upper levels (分流),
    and the centers one level below it (派单).

    A township's own departments come first, platform by platform (四平台: 综治工作,
    市场监管, 综合执法, 便民服务; the one the case's `category` belongs to first), then
    departments outside the platforms and those of upper levels, nearest level first."""
    return tuple(t for group in route_groups(session, actor, category) for t in group.targets)


def route_groups(
    session: Session, actor: Actor, category: str | None = None
) -> tuple[PlatformTargets, ...]:
    """`route_targets` grouped: one group per platform that has departments here (the
    suggested one first), then the other departments, then the centers below."""
    region = session.get(models.Region, actor.region_id)
    assert region is not None
    ancestors = [c for c in region.path.strip("/").split("/") if c]
    d, r, c = models.Department, models.Region, models.CommandCenter
    deps = session.execute(
        select(d.id, d.name, d.platform, r.adcode).join(r, r.id == d.region_id)
        .where(r.adcode.in_(ancestors)).order_by(r.path.desc(), d.id)
    ).all()  # fmt: skip
    lower = session.execute(
        select(c.id, c.name).join(r, r.id == c.region_id).where(r.parent_id == actor.region_id)
        .order_by(r.adcode)
    ).all()  # fmt: skip
    suggested = vocabulary.CATEGORY_PLATFORM.get(category or "")
    order = sorted(vocabulary.PLATFORMS, key=lambda p: (p != suggested, vocabulary.PLATFORMS.index(p)))
    by_platform: dict[str, list[RouteTarget]] = {p: [] for p in order}
    others: list[RouteTarget] = []
    for i, name, platform, code in deps:
        target = RouteTarget("department", i, name, platform or "")
        if platform in by_platform and code == actor.region_code:
            by_platform[platform].append(target)
        else:  # upper levels' departments keep their label but are not this township's
            others.append(target)
    groups = [
        PlatformTargets(p, vocabulary.PLATFORM_LABELS[p], tuple(ts), p == suggested)
        for p, ts in by_platform.items()
        if ts
    ]
    if others:
        groups.append(PlatformTargets("", "职能部门", tuple(others)))
    if lower:
        groups.append(
            PlatformTargets("", "下级中心", tuple(RouteTarget("center", i, n) for i, n in lower))
        )
    return tuple(groups)


ACTION_QUEUE = QueueFilter()
"""The default queue: the cases needing this center's action (a frozen value, shared)."""


def detail(
    session: Session, actor: Actor, incident_id: int, *, now: datetime | None = None
) -> IncidentDetail:
    """The case as this account sees it (NotAllowed outside its subtree)."""
    now = now or models.utcnow()
    inc = _load(session, actor, incident_id)
    ev = models.IncidentEvent
    events = tuple(
        EventRow(e.at, e.action, e.from_status, e.to_status, e.actor, e.note, e.target)
        for e in session.scalars(select(ev).where(ev.incident_id == inc.id).order_by(ev.id))
    )
    cc = models.CommandCenter
    center_names: dict[int, str] = {
        cid: name
        for cid, name in session.execute(
            select(cc.id, cc.name).where(cc.id.in_(_center_ids(session, inc)))
        )
    }
    sups = tuple(
        SupervisionRow(
            s.id, center_names.get(s.from_center_id, ""), center_names.get(s.to_center_id or 0, ""),
            s.at, s.actor, s.deadline, s.note, s.answered_at, s.answered_by, s.answer,
            s.answered_at is None and s.deadline < now, s.version,
        )  # fmt: skip
        for s in session.scalars(
            select(models.Supervision)
            .where(models.Supervision.incident_id == inc.id)
            .order_by(models.Supervision.id)
        )
    )
    origin = session.get(I, inc.origin_id) if inc.origin_id else None
    follow = session.scalars(select(I).where(I.origin_id == inc.id).order_by(I.id)).all()
    dept = (
        session.get(models.Department, inc.handling_department_id)
        if inc.handling_department_id
        else None
    )
    cell = session.get(models.GridCell, inc.grid_id) if inc.grid_id else None
    return IncidentDetail(
        row=_row(inc, now),
        reporter=inc.reporter,
        handling_center=center_names.get(inc.handling_center_id or 0, ""),
        handling_department=dept.name if dept else "",
        grid_code=cell.code if cell else "",
        events=events,
        supervisions=sups,
        origin=_row(origin, now) if origin is not None else None,
        follow_ups=tuple(_row(f, now) for f in follow),
        evaluation=inc.evaluation,
        allowed=allowed_actions(session, actor, inc),
        target_names=_target_names(session, events),
    )


def _target_names(session: Session, events: Sequence[EventRow]) -> dict[str, str]:
    """Names for the "center:ID" / "department:ID" targets in a case's timeline."""
    ids: dict[str, set[int]] = {"center": set(), "department": set()}
    for e in events:
        kind, _, raw = e.target.partition(":")
        if kind in ids and raw.isdigit():
            ids[kind].add(int(raw))
    names: dict[str, str] = {}
    for kind, model in (("center", models.CommandCenter), ("department", models.Department)):
        if ids[kind]:
            for i, n in session.execute(select(model.id, model.name).where(model.id.in_(ids[kind]))):
                names[f"{kind}:{i}"] = n
    return names


def _center_ids(session: Session, inc: models.Incident) -> set[int]:
    ids = {inc.handling_center_id or 0}
    for a, b in session.execute(
        select(models.Supervision.from_center_id, models.Supervision.to_center_id).where(
            models.Supervision.incident_id == inc.id
        )
    ):
        ids.update((a, b or 0))
    return ids


def _queue_conditions(actor: Actor, flt: QueueFilter, now: datetime) -> list[Any]:
    conds: list[Any] = [visible(actor)]
    if flt.scope == "action":
        conds.append(I.handling_center_id == (actor.center_id or -1))
        conds.append(or_(I.is_open, I.status == "resolved"))
    elif flt.scope == "supervising":
        sv = models.Supervision
        pressed = select(sv.incident_id).where(
            sv.from_center_id == (actor.center_id or -1), sv.answered_at.is_(None)
        )
        conds.append(I.id.in_(pressed))
    elif not flt.statuses:
        # 辖区全部 keeps a resolved case until it is evaluated and archived (评价归档);
        # archived ones show when that status is picked.
        conds.append(or_(I.is_open, I.status == "resolved"))
    if flt.statuses:
        conds.append(I.status.in_(flt.statuses))
    if flt.category:
        conds.append(I.category == flt.category)
    if flt.overdue_only:
        conds.append(and_(I.is_open, I.resolve_deadline < now))
    if flt.supervised_only:
        conds.append(I.supervised)
    text = flt.text.strip()
    if text:
        like = f"%{text}%"
        alts: list[ColumnElement[bool]] = [
            I.description.like(like), I.address.like(like), I.reporter.like(like)
        ]  # fmt: skip
        if text.lstrip("#").isdigit():
            alts.append(I.id == int(text.lstrip("#")))
        conds.append(or_(*alts))
    return conds


def queue(
    session: Session, actor: Actor, flt: QueueFilter = ACTION_QUEUE, *, now: datetime | None = None
) -> tuple[IncidentRow, ...]:
    """The cases needing this center's action (or pressed by it, or all in its subtree),
    supervised and overdue first, then by deadline (one page: `flt.offset`, `flt.limit`)."""
    now = now or models.utcnow()
    conds = _queue_conditions(actor, flt, now)
    overdue_first = func.coalesce(I.resolve_deadline < now, False)
    rows = session.scalars(
        select(I)
        .where(*conds)
        .order_by(I.supervised.desc(), overdue_first.desc(), I.priority, I.resolve_deadline,
                  I.id)  # fmt: skip
        .offset(max(0, flt.offset))
        .limit(flt.limit)
    ).all()
    return tuple(_row(r, now) for r in rows)


def queue_page(
    session: Session, actor: Actor, flt: QueueFilter = ACTION_QUEUE, *, now: datetime | None = None
) -> QueuePage:
    """`queue`'s page and the number of cases in the whole queue (one COUNT)."""
    now = now or models.utcnow()
    total = session.scalar(
        select(func.count()).select_from(I).where(*_queue_conditions(actor, flt, now))
    )
    return QueuePage(queue(session, actor, flt, now=now), int(total or 0), flt.offset, flt.limit)


def counts(session: Session, actor: Actor, *, now: datetime | None = None) -> dict[str, int]:
    """Badges for the panel: waiting on this center, overdue, supervised."""
    now = now or models.utcnow()
    mine = and_(visible(actor), I.handling_center_id == (actor.center_id or -1))
    row = session.execute(
        select(
            func.count().filter(I.is_open),
            func.count().filter(I.is_open, I.resolve_deadline < now),
            func.count().filter(I.supervised),
            func.count().filter(I.status == "reported"),
        ).where(mine)
    ).one()
    return {"open": row[0], "overdue": row[1], "supervised": row[2], "to_accept": row[3]}
