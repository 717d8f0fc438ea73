"""预案: response plans per incident category and severity, and putting one into effect.

A plan (`models.ResponsePlan`) says, for a category and incidents at least as urgent as
`min_priority` (1 urgent .. 4 low): the response level (一级/二级/三级), the units to send,
the departments and centers to notify, and the video-wall layout with the cameras to show.
Its `content` JSON::

    {"units": [{"kind": "urban_management", "level": 2, "count": 2}, ...],
     "notify_departments": ["police", "transport"],   # department kinds of the county
     "notify_centers": ["township", "county"],        # centers on the incident's path
     "layout": 9, "cameras": 9,                       # layout slots, nearest cameras
     "incident_category": "public_order"}             # for alert-driven plans

Plan categories are the incident categories, plus `crowd_surge` for the capacity watch
(services.dispatch.surge). Selection prefers a plan of the incident's own region (deepest first),
then the tightest severity band.

Activating a plan creates a `PlanActivation` whose items are everything the plan proposes
(each unit chosen by `dispatch.nearest_available`); the officer confirms or declines item
by item. Confirming a unit dispatches it (in the same transaction); confirming a notice
records it on the incident's timeline; confirming the layout tells the console to switch
the wall. An activation for an alert without an incident opens one at the alert's place,
so the units have somewhere to go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from services import dispatch, incidents, video
from services.accounts import Actor
from services.dispatch.board import Candidate, Proposal
from services.dispatch.rules import DispatchPolicy
from services.errors import (
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    Refused,
    StaleState,
)
from services.incidents.cases import IncidentPolicy
from services.store import audit, models
from services.store.db import transaction

P = models.ResponsePlan
A = models.PlanActivation

SURGE_CATEGORY = "crowd_surge"
ITEM_KINDS = ("unit", "notify", "layout")
ITEM_STATES = ("proposed", "confirmed", "declined", "unfilled")

# Without a plan: which kinds of unit an incident category needs.
CATEGORY_KINDS: dict[str, tuple[str, ...]] = {
    "fire": ("fire", "medical"),
    "public_order": ("police", "grid_team"),
    "safety_hazard": ("emergency", "grid_team"),
    "traffic": ("police", "medical"),
    "public_health": ("medical",),
    "food_drug": ("urban_management",),
    "environment": ("urban_management", "emergency"),
    "city_management": ("urban_management",),
    "dispute": ("grid_team", "volunteer"),
    "petition": ("grid_team",),
    "other": ("grid_team",),
}


@dataclass(frozen=True)
class UnitSpec:
    kind: str
    level: int | None
    count: int


@dataclass(frozen=True)
class PlanRef:
    id: int
    name: str
    category: str
    min_priority: int
    response_level: int
    units: tuple[UnitSpec, ...]
    notify_departments: tuple[str, ...]
    notify_centers: tuple[str, ...]
    layout: int
    cameras: int
    region_id: int | None


@dataclass(frozen=True)
class PlanItem:
    """One thing an activation proposes; `state` is proposed / confirmed / declined /
    unfilled (no unit of that kind was free)."""

    idx: int
    kind: str  # unit / notify / layout
    ref: str  # resource id, "department:ID" / "center:ID", the layout
    label: str
    state: str
    unit_kind: str = ""
    unit_level: int | None = None
    distance_km: float | None = None
    eta_minutes: float | None = None
    unit_version: int | None = None
    dispatch_id: int | None = None
    cameras: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ActivationView:
    id: int
    plan_id: int
    plan_name: str
    response_level: int
    center_id: int
    incident_id: int | None
    alert_id: int | None
    status: str
    at: datetime
    actor: str
    items: tuple[PlanItem, ...]
    version: int

    @property
    def pending(self) -> int:
        return sum(1 for i in self.items if i.state == "proposed")

    def layout(self) -> tuple[int, tuple[int, ...]] | None:
        for i in self.items:
            if i.kind == "layout":
                return int(i.ref), i.cameras
        return None


# --------------------------------------------------------------------------- plans


def _plan_ref(p: models.ResponsePlan) -> PlanRef:
    c: Mapping[str, Any] = p.content or {}
    units = tuple(
        UnitSpec(str(u["kind"]), int(u["level"]) if u.get("level") is not None else None,
                 int(u.get("count", 1)))
        for u in c.get("units", [])
    )  # fmt: skip
    return PlanRef(p.id, p.name, p.category, p.min_priority, p.response_level, units,
                   tuple(c.get("notify_departments", ())), tuple(c.get("notify_centers", ())),
                   int(c.get("layout", 4)), int(c.get("cameras", 0)), p.region_id)  # fmt: skip


def select_plan(session: Session, category: str, priority: int,
                region_path: str = "") -> PlanRef | None:  # fmt: skip
    """The plan for a category and priority: one of the place's own region (deepest
    first) before a general one, then the tightest band (smallest `min_priority` that
    still covers the priority)."""
    reg = models.Region
    rows = session.execute(
        select(P, reg.path).outerjoin(reg, reg.id == P.region_id)
        .where(P.category == category, P.min_priority >= priority)
    ).all()  # fmt: skip
    best: tuple[tuple[int, int, int], models.ResponsePlan] | None = None
    for plan, path in rows:
        if path is not None and not region_path.startswith(path):
            continue
        key = (-(len(path) if path else 0), plan.min_priority, plan.id)
        if best is None or key < best[0]:
            best = (key, plan)
    return _plan_ref(best[1]) if best else None


def plan(session: Session, plan_id: int) -> PlanRef:
    p = session.get(P, plan_id)
    if p is None:
        raise NotFound(f"no response plan {plan_id}", code="no_plan", id=plan_id)
    return _plan_ref(p)


def _region_path_of_township(session: Session, township_code: str) -> str:
    reg = models.Region
    return str(session.scalar(select(reg.path).where(reg.adcode == township_code)) or "")


def plan_for_incident(session: Session, actor: Actor, incident_id: int) -> PlanRef | None:
    inc = dispatch.incident_for(session, actor, incident_id)
    return select_plan(session, inc.category, inc.priority,
                       _region_path_of_township(session, inc.township_code))  # fmt: skip


def propose_for_incident(
    session: Session, actor: Actor, incident_id: int, *,
    policy: DispatchPolicy,
) -> tuple[Proposal, PlanRef | None]:  # fmt: skip
    """The units an incident needs, nearest first: the matching plan's units, or else the
    kinds its category calls for (one of each, any level). A closed case gets none
    (InvalidTransition `incident_closed`: it cannot be dispatched to)."""
    inc = dispatch.incident_for(session, actor, incident_id)
    if not inc.is_open:
        raise InvalidTransition(f"incident {incident_id} is {inc.status}", code="incident_closed",
                                id=incident_id, status=inc.status)  # fmt: skip
    p = plan_for_incident(session, actor, incident_id)
    specs = p.units if p else tuple(
        UnitSpec(k, None, 1) for k in CATEGORY_KINDS.get(inc.category, ("grid_team",))
    )  # fmt: skip
    chosen: list[Candidate] = []
    for spec in specs:
        chosen += dispatch.nearest_available(
            session, actor, inc.lon, inc.lat, (spec.kind,), spec.level, spec.count,
            policy=policy, exclude=[c.resource_id for c in chosen],
        )  # fmt: skip
    kinds = tuple(dict.fromkeys(s.kind for s in specs))
    level = p.response_level if p else None
    return Proposal(inc.id, inc.lon, inc.lat, kinds, level, tuple(chosen), inc.category,
                    inc.priority, inc.description), p  # fmt: skip


# --------------------------------------------------------------------------- activation


def _view(session: Session, a: models.PlanActivation) -> ActivationView:
    p = session.get(P, a.plan_id)
    items = tuple(
        PlanItem(
            idx=int(str(it["idx"])), kind=str(it["kind"]), ref=str(it.get("ref", "")),
            label=str(it.get("label", "")), state=str(it.get("state", "proposed")),
            unit_kind=str(it.get("unit_kind", "")),
            unit_level=int(str(it["unit_level"])) if it.get("unit_level") is not None else None,
            distance_km=it.get("distance_km"), eta_minutes=it.get("eta_minutes"),  # type: ignore[arg-type]
            unit_version=it.get("unit_version"), dispatch_id=it.get("dispatch_id"),  # type: ignore[arg-type]
            cameras=tuple(int(c) for c in it.get("cameras", ()) or ()),  # type: ignore[attr-defined]
            note=str(it.get("note", "")),
        )
        for it in a.items or []
    )  # fmt: skip
    return ActivationView(a.id, a.plan_id, p.name if p else "", p.response_level if p else 0,
                          a.center_id, a.incident_id, a.alert_id, a.status, a.at, a.actor,
                          items, a.version)  # fmt: skip


def _unit_item(idx: int, c: Candidate) -> dict[str, object]:
    return {"idx": idx, "kind": "unit", "ref": str(c.resource_id), "label": c.name,
            "state": "proposed", "unit_kind": c.kind, "unit_level": c.level,
            "distance_km": c.distance_km, "eta_minutes": c.eta_minutes,
            "unit_version": c.version}  # fmt: skip


def _incident_for_alert(session: Session, actor: Actor, alert: models.RiskAlert,
                        p: PlanRef, now: datetime, policy: IncidentPolicy) -> int:  # fmt: skip
    """An open incident for an alert: one already activated for it, else a new report at
    the alert's place (the units need somewhere to go)."""
    content = session.get(P, p.id)
    category = str((content.content or {}).get("incident_category", "public_order")) \
        if content else "public_order"
    priority = max(1, min(4, p.response_level))
    return incidents.report(
        session, actor,
        incidents.NewIncident(
            category=category, description=f"预案启动：{p.name}。{alert.text}",
            channel="video_alert" if category == "public_order" else "hotline",
            priority=priority, grid_id=alert.grid_id,
            lon=alert.lon, lat=alert.lat, reporter=actor.label,
        ),
        policy=policy, now=now,
    )  # fmt: skip


def activate(
    factory: sessionmaker[Session],
    actor: Actor,
    plan_id: int,
    *,
    incident_id: int | None = None,
    alert_id: int | None = None,
    policy: DispatchPolicy,
    incident_policy: IncidentPolicy,
    now: datetime | None = None,
) -> ActivationView:
    """启动预案 for an incident or a risk alert: everything the plan proposes, at once, as
    items to confirm one by one. A second activation of the same incident or alert while
    one is active is refused (code `already_active`, `current` = that activation)."""
    actor.require("dispatch")
    if actor.center_id is None:
        raise NotAllowed("only a command center's account activates plans", code="no_center")
    if (incident_id is None) == (alert_id is None):
        raise InvalidInput("activate a plan for one incident or one alert", code="target")
    now = now or models.utcnow()

    def work(session: Session) -> ActivationView:
        p = plan(session, plan_id)
        alert = None
        iid = incident_id
        if alert_id is not None:
            # The target's row lock serialises two activations of the same alert or incident
            # (the check for an earlier one below then sees the other's commit).
            alert = session.get(models.RiskAlert, alert_id, with_for_update=True)
            if alert is None:
                raise NotFound(f"no risk alert {alert_id}", code="no_alert", id=alert_id)
            col = {"province": alert.province_code, "city": alert.city_code,
                   "county": alert.county_code, "township": alert.township_code}  # fmt: skip
            if col.get(actor.region_level) != actor.region_code:
                raise NotAllowed(f"alert {alert_id} is outside {actor.region_code}",
                                 code="outside", id=alert_id)  # fmt: skip
            if alert.status == "closed":
                raise InvalidTransition(f"alert {alert_id} is closed", code="alert_closed")
            iid = _incident_for_alert(session, actor, alert, p, now, incident_policy)
        assert iid is not None
        if alert is None:
            session.get(models.Incident, iid, with_for_update=True)
        inc = dispatch.incident_for(session, actor, iid)
        if not inc.is_open:
            raise InvalidTransition(f"incident {iid} is {inc.status}", code="incident_closed",
                                    id=iid, status=inc.status)  # fmt: skip
        items: list[dict[str, object]] = []
        chosen: list[int] = []
        for spec in p.units:
            found = dispatch.nearest_available(session, actor, inc.lon, inc.lat, (spec.kind,),
                                               spec.level, spec.count, policy=policy,
                                               exclude=chosen)  # fmt: skip
            for c in found:
                chosen.append(c.resource_id)
                items.append(_unit_item(len(items), c))
            for _ in range(spec.count - len(found)):
                items.append({"idx": len(items), "kind": "unit", "ref": "", "state": "unfilled",
                              "label": "", "unit_kind": spec.kind, "unit_level": spec.level})  # fmt: skip
        items += _notify_items(session, inc, p, len(items))
        cams: list[int] = []
        if p.cameras:
            cams = [c.id for c in video.nearest_cameras(session, actor, inc.lon, inc.lat,
                                                        count=p.cameras)]  # fmt: skip
        items.append({"idx": len(items), "kind": "layout", "ref": str(p.layout),
                      "label": f"{p.layout}", "state": "proposed", "cameras": cams})  # fmt: skip
        act = models.PlanActivation(
            plan_id=p.id, center_id=actor.center_id, incident_id=iid, alert_id=alert_id,
            at=now, actor=actor.label, status="active", items=items,
        )  # fmt: skip
        session.add(act)
        session.flush()
        # Checked after our own insert: the write lock (SQLite) or the target's row lock
        # taken above (PostgreSQL) has made any earlier activation visible by now.
        A_ = models.PlanActivation
        target = A_.alert_id == alert_id if alert_id is not None else A_.incident_id == iid
        earlier = session.scalar(
            select(func.min(A_.id)).where(target, A_.status == "active", A_.id != act.id)
        )
        if earlier is not None:
            what = "alert" if alert_id is not None else "incident"
            raise Refused(f"a plan is already active for this {what}",
                          code="already_active", id=int(earlier))
        dispatch.timeline_event(session, inc, actor, "plan_activate", now, p.name,
                                 f"plan:{p.id}")  # fmt: skip
        audit.record(session, actor, "plan.activate", "plan_activation", act.id,
                     after={"plan_id": p.id, "incident_id": iid, "alert_id": alert_id,
                            "items": len(items)}, detail=p.name, at=now)  # fmt: skip
        if alert is not None:
            session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="plan_activated",
                                              actor=actor.label, note=p.name))  # fmt: skip
        return _view(session, act)

    try:
        with transaction(factory) as session:
            return work(session)
    except Refused as exc:
        if exc.code == "already_active" and "id" in exc.params:
            with factory() as session:
                existing = session.get(A, exc.params["id"])
                exc_current = _view(session, existing) if existing else None
            raise StaleState(exc.message, current=exc_current, code="already_active",
                             id=exc.params["id"]) from None
        raise


def _notify_items(session: Session, inc: models.Incident, p: PlanRef,
                  start: int) -> list[dict[str, object]]:  # fmt: skip
    out: list[dict[str, object]] = []
    reg = models.Region
    if p.notify_departments:
        county_id = session.scalar(select(reg.id).where(reg.adcode == inc.county_code))
        dep = models.Department
        rows = session.execute(
            select(dep.id, dep.name, dep.kind)
            .where(dep.region_id == county_id, dep.kind.in_(p.notify_departments))
            .order_by(dep.id)
        ).all()
        for r in rows:
            out.append({"idx": start + len(out), "kind": "notify", "ref": f"department:{r.id}",
                        "label": r.name, "state": "proposed"})  # fmt: skip
    codes = {"township": inc.township_code, "county": inc.county_code, "city": inc.city_code,
             "province": inc.province_code}  # fmt: skip
    cc = models.CommandCenter
    for level in p.notify_centers:
        code = codes.get(level)
        if not code:
            continue
        row = session.execute(
            select(cc.id, cc.name).join(reg, reg.id == cc.region_id).where(reg.adcode == code)
        ).first()
        if row is not None:
            out.append({"idx": start + len(out), "kind": "notify", "ref": f"center:{row.id}",
                        "label": row.name, "state": "proposed"})  # fmt: skip
    return out


def _load(session: Session, actor: Actor, activation_id: int,
          expected_version: int | None) -> models.PlanActivation:  # fmt: skip
    actor.require("dispatch")
    a = session.get(A, activation_id)
    if a is None:
        raise NotFound(f"no plan activation {activation_id}", code="no_activation",
                       id=activation_id)  # fmt: skip
    if a.center_id != actor.center_id:
        raise NotAllowed("only the center that activated the plan works its items",
                         code="not_activator", id=activation_id)  # fmt: skip
    if expected_version is not None and a.version != expected_version:
        raise StaleState(f"plan activation {activation_id} changed meanwhile", id=activation_id)
    if a.status != "active":
        raise InvalidTransition(f"plan activation {activation_id} is {a.status}",
                                code="activation_closed", id=activation_id)  # fmt: skip
    return a


def _run(factory: sessionmaker[Session], activation_id: int, work: Any,
         resource_ids: Sequence[int] = ()) -> ActivationView:  # fmt: skip
    try:
        result: ActivationView = dispatch.run(factory, work, resource_ids)
        return result
    except StaleState as exc:
        with factory() as session:
            a = session.get(A, activation_id)
            view = _view(session, a) if a is not None else None
        if exc.current is None or exc.code != "unit_taken":
            exc.current = view
        else:
            exc.params["activation"] = view
        raise


def decide(
    factory: sessionmaker[Session],
    actor: Actor,
    activation_id: int,
    idx: int,
    confirm: bool,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ActivationView:
    """Confirm or decline one item. Confirming a unit dispatches it (refused like any
    dispatch: the unit is no longer free, outside, the incident closed; then nothing is
    written and `substitute` proposes another); a notice goes on the incident's timeline."""
    now = now or models.utcnow()
    rid: list[int] = []

    def work(session: Session) -> ActivationView:
        a = _load(session, actor, activation_id, expected_version)
        items = [dict(it) for it in a.items]
        if not 0 <= idx < len(items):
            raise InvalidInput(f"no item {idx}", code="item", idx=idx)
        it = items[idx]
        if it["state"] != "proposed":
            raise InvalidTransition(f"item {idx} is already {it['state']}", code="item_decided",
                                    idx=idx, state=it["state"])  # fmt: skip
        inc = dispatch.incident_for(session, actor, a.incident_id or 0)
        if confirm and it["kind"] == "unit":
            resource_id = int(str(it["ref"]))
            rid.append(resource_id)
            d = dispatch.dispatch_in_session(
                session, actor, inc.id, resource_id, activation_id=a.id, now=now,
                note=f"预案：{it['label']}",
            )
            it["dispatch_id"] = d.id
        elif confirm and it["kind"] == "notify":
            dispatch.timeline_event(session, inc, actor, "notify", now, str(it["label"]),
                                     str(it["ref"]))  # fmt: skip
        it["state"] = "confirmed" if confirm else "declined"
        it["decided_by"] = actor.label
        it["decided_at"] = now.isoformat(timespec="seconds")
        a.items = items
        session.flush()
        audit.record(session, actor, f"plan.{'confirm' if confirm else 'decline'}",
                     "plan_activation", a.id, after={"idx": idx, "kind": it["kind"],
                                                      "ref": it["ref"]},
                     detail=str(it["label"]), at=now)  # fmt: skip
        return _view(session, a)

    return _run(factory, activation_id, work, rid)


def substitute(
    factory: sessionmaker[Session],
    actor: Actor,
    activation_id: int,
    idx: int,
    *,
    policy: DispatchPolicy,
    now: datetime | None = None,
) -> ActivationView:
    """Replace a proposed (or unfilled) unit item by the nearest available unit of the
    same kind and level not already in the activation."""
    now = now or models.utcnow()

    def work(session: Session) -> ActivationView:
        a = _load(session, actor, activation_id, None)
        items = [dict(it) for it in a.items]
        if not 0 <= idx < len(items) or items[idx]["kind"] != "unit":
            raise InvalidInput(f"item {idx} is not a unit", code="item", idx=idx)
        it = items[idx]
        if it["state"] not in ("proposed", "unfilled"):
            raise InvalidTransition(f"item {idx} is already {it['state']}", code="item_decided",
                                    idx=idx, state=it["state"])  # fmt: skip
        inc = dispatch.incident_for(session, actor, a.incident_id or 0)
        used = [int(str(x["ref"])) for x in items if x["kind"] == "unit" and x.get("ref")]
        level = it.get("unit_level")
        found = dispatch.nearest_available(
            session, actor, inc.lon, inc.lat, (str(it["unit_kind"]),),
            int(str(level)) if level is not None else None, 1, policy=policy, exclude=used,
        )  # fmt: skip
        if not found:
            raise Refused(f"no other available {it['unit_kind']} unit", code="no_substitute",
                          kind=it["unit_kind"])  # fmt: skip
        new = _unit_item(idx, found[0])
        new["note"] = f"替换 {it.get('label') or ''}".strip()
        items[idx] = new
        a.items = items
        session.flush()
        audit.record(session, actor, "plan.substitute", "plan_activation", a.id,
                     before={"idx": idx, "ref": it.get("ref")},
                     after={"idx": idx, "ref": new["ref"]}, detail=str(new["label"]), at=now)  # fmt: skip
        return _view(session, a)

    return _run(factory, activation_id, work)


def close_activation(factory: sessionmaker[Session], actor: Actor, activation_id: int, *,
                     now: datetime | None = None) -> ActivationView:  # fmt: skip
    """End an activation; proposed items left are declined (units already sent stay)."""
    now = now or models.utcnow()

    def work(session: Session) -> ActivationView:
        a = _load(session, actor, activation_id, None)
        items = [dict(it) for it in a.items]
        for it in items:
            if it["state"] == "proposed":
                it["state"] = "declined"
        a.items = items
        a.status = "closed"
        a.closed_at = now
        session.flush()
        audit.record(session, actor, "plan.close", "plan_activation", a.id, at=now)
        return _view(session, a)

    return _run(factory, activation_id, work)


def activations(session: Session, actor: Actor, *, include_closed: bool = False,
                limit: int = 20) -> tuple[ActivationView, ...]:  # fmt: skip
    """The center's activations, newest first (active ones only by default)."""
    stmt = select(A).where(A.center_id == (actor.center_id or -1))
    if not include_closed:
        stmt = stmt.where(A.status == "active")
    return tuple(_view(session, a) for a in session.scalars(stmt.order_by(A.id.desc()).limit(limit)))


def activation(session: Session, activation_id: int) -> ActivationView:
    a = session.get(A, activation_id)
    if a is None:
        raise NotFound(f"no plan activation {activation_id}", code="no_activation")
    return _view(session, a)


# --------------------------------------------------------------------------- demo plans

DEMO_PLANS: tuple[dict[str, Any], ...] = (
    {"name": "景区大客流三级响应", "category": SURGE_CATEGORY, "min_priority": 3,
     "response_level": 3, "content": {
         "units": [{"kind": "grid_team", "level": 3, "count": 2},
                   {"kind": "volunteer", "level": 3, "count": 2}],
         "notify_departments": [], "notify_centers": ["township"],
         "layout": 4, "cameras": 4, "incident_category": "public_order"}},
    {"name": "景区大客流二级响应", "category": SURGE_CATEGORY, "min_priority": 2,
     "response_level": 2, "content": {
         "units": [{"kind": "urban_management", "level": 2, "count": 2},
                   {"kind": "emergency", "level": 2, "count": 1},
                   {"kind": "grid_team", "level": 3, "count": 2}],
         "notify_departments": ["police", "transport", "urban_management"],
         "notify_centers": ["township", "county"],
         "layout": 9, "cameras": 9, "incident_category": "public_order"}},
    {"name": "景区大客流一级响应", "category": SURGE_CATEGORY, "min_priority": 1,
     "response_level": 1, "content": {
         "units": [{"kind": "police", "level": 1, "count": 3},
                   {"kind": "medical", "level": 1, "count": 1},
                   {"kind": "emergency", "level": 2, "count": 2},
                   {"kind": "urban_management", "level": 2, "count": 2}],
         "notify_departments": ["police", "health", "emergency", "transport"],
         "notify_centers": ["township", "county", "city"],
         "layout": 16, "cameras": 16, "incident_category": "public_order"}},
    {"name": "火灾一级响应", "category": "fire", "min_priority": 2, "response_level": 1,
     "content": {"units": [{"kind": "fire", "level": 1, "count": 2},
                           {"kind": "medical", "level": 1, "count": 1},
                           {"kind": "police", "level": 1, "count": 1}],
                 "notify_departments": ["fire", "health", "emergency"],
                 "notify_centers": ["township", "county"], "layout": 4, "cameras": 4}},
    {"name": "治安事件二级响应", "category": "public_order", "min_priority": 2,
     "response_level": 2, "content": {
         "units": [{"kind": "police", "level": 1, "count": 2},
                   {"kind": "urban_management", "level": 2, "count": 1},
                   {"kind": "grid_team", "level": 3, "count": 1}],
         "notify_departments": ["police"], "notify_centers": ["township"],
         "layout": 4, "cameras": 4}},
    {"name": "安全隐患三级响应", "category": "safety_hazard", "min_priority": 3,
     "response_level": 3, "content": {
         "units": [{"kind": "emergency", "level": 2, "count": 1},
                   {"kind": "grid_team", "level": 3, "count": 1}],
         "notify_departments": ["emergency"], "notify_centers": ["township"],
         "layout": 4, "cameras": 4}},
    {"name": "矛盾纠纷三级响应", "category": "dispute", "min_priority": 2,
     "response_level": 3, "content": {
         "units": [{"kind": "grid_team", "level": 3, "count": 1},
                   {"kind": "volunteer", "level": 3, "count": 1}],
         "notify_departments": ["justice"], "notify_centers": ["township"],
         "layout": 1, "cameras": 1}},
)  # fmt: skip


def seed_demo_plans(session: Session) -> int:
    """Add the demo plans that are not there yet (by name); returns how many were added."""
    have = set(session.scalars(select(P.name)))
    added = 0
    for spec in DEMO_PLANS:
        if spec["name"] in have:
            continue
        session.add(P(name=spec["name"], category=spec["category"],
                      min_priority=spec["min_priority"], response_level=spec["response_level"],
                      content=spec["content"], region_id=None))  # fmt: skip
        added += 1
    session.flush()
    return added

