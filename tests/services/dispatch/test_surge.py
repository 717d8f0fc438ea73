"""The G20 case end to end on SQLite and PostgreSQL: the simulator's surge raises the
capacity alert, the county console gets the level-2 proposal and plan, activates it,
confirms the units, and the units move through their states, seen by a second console."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import Engine, select, update

from services import accounts, dispatch
from services.demo import field
from services.demo.simulator import Simulator
from services.dispatch import plans as response_plans
from services.dispatch import surge
from services.policies import Policies
from services.store import changefeed, db, models

DEFAULTS = Policies.defaults()


def test_surge_alert_plan_activation_and_units_through_their_states(
    demo_url: str, demo_engine: Engine
) -> None:
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        # The demo seeds its plans (预案); seeding again adds nothing.
        names = set(s.scalars(select(models.ResponsePlan.name)))
        assert {p["name"] for p in response_plans.DEMO_PLANS} <= names
        assert response_plans.seed_demo_plans(s) == 0
        place = s.scalar(select(models.Place).order_by(models.Place.id).limit(1))
        assert place is not None and place.daily_capacity == 10_000
        county = place.county_code
        # Every level-2 unit of the county free (the demo leaves a few out of service).
        s.execute(update(models.Resource).where(models.Resource.county_code == county)
                  .values(status="available"))  # fmt: skip
    with factory() as s:
        duty = accounts.actor_for(s, f"{county}.duty")
        second = accounts.actor_for(s, f"{county}.leader")
    other_engine = db.make_engine(demo_url)  # the second console's own connections
    seen = changefeed.head(other_engine)

    # The surge, 40% of the way: visitors at ~1.2× capacity (一级 would be ≥1.5×).
    sim = Simulator(demo_engine, seed=3, scenario="surge", surge_seconds=1000.0,
                    rules_every=25, field_every=0)  # fmt: skip
    sim.started = time.monotonic() - 400.0
    alert_id = None
    for _ in range(400):
        sim.step()
        with factory() as s:
            alert_id = s.scalar(select(models.RiskAlert.id).where(
                models.RiskAlert.key == surge.alert_key(place.id)))  # fmt: skip
        if alert_id is not None:
            break
    assert alert_id is not None, "the surge raised no capacity alert"

    with factory() as s:
        (prop,) = surge.check(demo_engine, s, duty, policy=DEFAULTS.surge, risk_params=DEFAULTS.risk)
    assert prop.place_id == place.id and prop.alert_id == alert_id
    assert 1.0 <= prop.ratio < 1.5 and prop.response_level == 2
    assert prop.plan is not None and prop.plan.name == "景区大客流二级响应"
    assert prop.layout == 9 and prop.activation_id is None

    act = response_plans.activate(factory, duty, prop.plan.id, alert_id=alert_id, incident_policy=DEFAULTS.incidents, policy=DEFAULTS.dispatch)
    assert act.incident_id is not None and act.alert_id == alert_id
    kinds = [i.kind for i in act.items]
    assert kinds.count("unit") == 5 and "notify" in kinds and kinds[-1] == "layout"
    assert act.layout() is not None and act.layout()[0] == 9  # type: ignore[index]
    with factory() as s:
        assert surge.watch(s, duty, with_cameras=False, policy=DEFAULTS.surge)[0].activation_id == act.id

    # Confirm the level-2 units one by one, decline the rest of the unit items.
    sent: list[int] = []
    for item in act.items:
        if item.kind != "unit" or item.state != "proposed":
            continue
        if item.unit_level == 2:
            act = response_plans.decide(factory, duty, act.id, item.idx, True,
                                        expected_version=act.version)  # fmt: skip
            sent.append(int(item.ref))
        else:
            act = response_plans.decide(factory, duty, act.id, item.idx, False)
    assert len(sent) >= 2
    assert all(i.dispatch_id for i in act.items if i.kind == "unit" and int(i.ref) in sent)

    # The units report back (the simulator's field side), step by step.
    t0 = models.utcnow()
    with factory() as s:
        board = dispatch.board(s, second, policy=DEFAULTS.dispatch)
    assert {u.id for u in board.units if u.status == "dispatched"} >= set(sent)
    assert board.count("dispatched", 2) >= len(sent)
    statuses: list[set[str]] = []
    for dt in (10, 200, 300, 400):
        field.simulate_field(factory, now=t0 + timedelta(seconds=dt), policy=DEFAULTS.dispatch)
        with factory() as s:
            statuses.append({u.status for u in dispatch.board(s, second, policy=DEFAULTS.dispatch).units if u.id in sent})
    assert statuses == [{"en_route"}, {"on_scene"}, {"returning"}, {"available"}]

    # The second console saw all of it on its feed.
    entities = {(c.entity, c.entity_id) for c in changefeed.read_after(other_engine, seen)}
    assert ("risk_alert", alert_id) in entities and ("plan_activation", act.id) in entities
    assert {("resource", rid) for rid in sent} <= entities
    with factory() as s:
        rows = dispatch.dispatches_for_incident(s, second, act.incident_id)
    assert {r.resource_id for r in rows} == set(sent)
    assert all(r.status == "returned" and r.activation_id == act.id for r in rows)
    other_engine.dispose()
