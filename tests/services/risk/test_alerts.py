"""Risk early warning: each rule fires where it should and not elsewhere; dedupe, handling,
import; and the simulator's surge driving a red alert onto the map's queries."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from services import risk
from services import wall as wall_queries
from services.demo.simulator import Simulator
from services.errors import InvalidInput, InvalidTransition, NotAllowed, StaleState
from services.policies import Policies
from services.risk import alerts as risk_alerts
from services.store import changefeed, models
from services.store.db import session_factory, transaction
from services.territory.importer import ImportRejected
from tests.support import territory as tt

DEFAULTS = Policies.defaults()


NOW = datetime(2026, 11, 20, 6)


def _alerts(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(models.RiskAlert).order_by(models.RiskAlert.id)))


def _found(cands: list[risk.Candidate]) -> dict[str, str]:
    return {c.place: c.level for c in cands}


# --------------------------------------------------------------------------- rules


def test_repeat_rules_fire_within_seven_days_only(engine: Engine) -> None:
    t = tt.build(engine)
    h = timedelta(hours=1)
    tt.add_incidents(engine, [
        # g1: two disputes and a petition within 7 days → blue
        tt.incident_row(t, t.g1, NOW - 2 * h),
        tt.incident_row(t, t.g1, NOW - 50 * h),
        tt.incident_row(t, t.g1, NOW - 140 * h, category="petition"),
        # g3: two disputes this week, the third 8 days ago → nothing
        tt.incident_row(t, t.g3, NOW - h),
        tt.incident_row(t, t.g3, NOW - 30 * h),
        tt.incident_row(t, t.g3, NOW - 8 * 24 * h),
        # g2: three hazards → repeat_hazard blue; a dispute there is not a repeat
        *(tt.incident_row(t, t.g2, NOW - k * h, category="safety_hazard") for k in (1, 3, 5)),
        tt.incident_row(t, t.g2, NOW - h),
    ])  # fmt: skip
    disputes = risk.evaluate(engine, NOW, rules=["repeat_dispute"], params=DEFAULTS.risk)
    assert _found(disputes) == {f"grid:{t.g1}": "blue"}
    d = disputes[0]
    assert d.domain == "dispute" and d.codes == (tt.PROVINCE, tt.CITY, tt.COUNTY, tt.T1)
    assert d.measure == 3
    hazards = risk.evaluate(engine, NOW, rules=["repeat_hazard"], params=DEFAULTS.risk)
    assert _found(hazards) == {f"grid:{t.g2}": "blue"}
    assert hazards[0].domain == "production_safety"
    # more disputes raise the level: 5 → yellow
    tt.add_incidents(engine, [tt.incident_row(t, t.g1, NOW - k * h) for k in (3, 4)])
    assert _found(risk.evaluate(engine, NOW, rules=["repeat_dispute"], params=DEFAULTS.risk)) == {f"grid:{t.g1}": "yellow"}
    # the scope limits where rules look
    assert risk.evaluate(engine, NOW, scope=tt.T2, rules=["repeat_dispute"], params=DEFAULTS.risk) == []


def test_cell_far_above_its_own_baseline(engine: Engine) -> None:
    t = tt.build(engine)
    rows = []
    for day in range(1, 29):  # the 28 days before the last 24 h
        at = NOW - timedelta(hours=24) - timedelta(days=day) + timedelta(hours=3)
        rows.append(tt.incident_row(t, t.g1, at, category="public_order"))  # 1 a day
        rows += [tt.incident_row(t, t.g2, at, category="public_order") for _ in range(4)]  # 4
    for k in range(6):  # six in the last 24 h in each of g1 and g2; five in g3
        at = NOW - timedelta(hours=2 + k)
        rows.append(tt.incident_row(t, t.g1, at, category="public_order"))
        rows.append(tt.incident_row(t, t.g2, at, category="public_order"))
        if k < 5:
            rows.append(tt.incident_row(t, t.g3, at, category="public_order"))
    tt.add_incidents(engine, rows)
    found = risk.evaluate(engine, NOW, rules=["cell_baseline"], params=DEFAULTS.risk)
    # g1: 6 vs 1 expected → 6× → yellow; g2: 6 vs 4 → 1.5× → no; g3: under the minimum count
    assert _found(found) == {f"grid:{t.g1}": "yellow"}
    assert found[0].measure == pytest.approx(6.0)
    assert found[0].domain == "public_order"
    # Six more in g1 → 12× → red
    tt.add_incidents(engine, [tt.incident_row(t, t.g1, NOW - timedelta(minutes=10 + k),
                                              category="public_order") for k in range(6)])  # fmt: skip
    assert _found(risk.evaluate(engine, NOW, rules=["cell_baseline"], params=DEFAULTS.risk)) == {f"grid:{t.g1}": "red"}


@pytest.mark.parametrize(
    ("count", "age_h", "level"),
    [(20_500, 0.1, "red"), (11_000, 0.1, "yellow"), (13_500, 1, "orange"), (5_000, 0.1, None),
     (20_500, 7, None)],  # the last: a count older than 6 h is not trusted
)  # fmt: skip
def test_place_over_its_capacity(engine: Engine, count: int, age_h: float, level: str | None) -> None:
    t = tt.build(engine)
    with transaction(session_factory(engine)) as s:
        place = s.get(models.Place, t.place_id)
        assert place is not None
        place.current_count = count
        place.count_at = NOW - timedelta(hours=age_h)
    found = risk.evaluate(engine, NOW, rules=["place_capacity"], params=DEFAULTS.risk)
    assert _found(found) == ({f"place:{t.place_id}": level} if level else {})
    if level:
        assert found[0].grid_id == t.g2 and found[0].codes[3] == tt.T2


# --------------------------------------------------------------------------- engine


def _three_disputes(engine: Engine, t: tt.Territory) -> None:
    tt.add_incidents(engine, [tt.incident_row(t, t.g1, NOW - timedelta(hours=k)) for k in (1, 2, 3)])


def test_run_rules_is_idempotent_and_escalates(engine: Engine) -> None:
    t = tt.build(engine)
    _three_disputes(engine, t)
    head = changefeed.head(engine)
    ids = risk.run_rules(engine, NOW, params=DEFAULTS.risk)
    assert len(ids) == 1
    assert risk.run_rules(engine, NOW, params=DEFAULTS.risk) == []
    assert [c.entity for c in changefeed.read_after(engine, head)].count("risk_alert") == 1
    tt.add_incidents(engine, [tt.incident_row(t, t.g1, NOW - timedelta(hours=k)) for k in (4, 5)])
    assert risk.run_rules(engine, NOW, params=DEFAULTS.risk) == []
    (alert,) = _alerts(engine)
    assert alert.level == "yellow" and alert.key == f"repeat_dispute:grid:{t.g1}"
    assert [e.action for e in risk.timeline(engine, alert.id)] == ["raised", "escalated"]
    with engine.connect() as conn:
        actions = conn.execute(
            select(models.AuditLog.action).where(models.AuditLog.entity_id == alert.id)
            .order_by(models.AuditLog.id)
        ).scalars().all()  # fmt: skip
    assert actions == ["risk.raise", "risk.escalate"]


def test_a_console_that_loses_the_race_does_not_double_raise(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = tt.build(engine)
    _three_disputes(engine, t)
    real = risk.evaluate

    def evaluate_then_other_console_raises(*args: Any, **kwargs: Any) -> list[risk.Candidate]:
        found = real(*args, **kwargs)
        lower = [c for c in found if c.rule == "repeat_dispute"][0]
        other = risk.Candidate(**{**lower.__dict__, "level": "blue", "text": "other console"})
        with transaction(session_factory(engine)) as s:  # commits between our read and insert
            risk_alerts._raise(s, other, NOW)
        return [risk.Candidate(**{**lower.__dict__, "level": "orange"})]

    monkeypatch.setattr(risk_alerts, "evaluate", evaluate_then_other_console_raises)
    assert risk.run_rules(engine, NOW, params=DEFAULTS.risk) == []  # the unique key refused our insert
    (alert,) = _alerts(engine)
    assert alert.level == "orange"  # ... and we escalated the other console's alert instead
    assert [e.action for e in risk.timeline(engine, alert.id)] == ["raised", "escalated"]


def test_consoles_running_rules_at_once_raise_each_alert_once(engine: Engine) -> None:
    t = tt.build(engine)
    _three_disputes(engine, t)
    with transaction(session_factory(engine)) as s:
        place = s.get(models.Place, t.place_id)
        assert place is not None
        place.current_count, place.count_at = 20_500, NOW
    barrier = threading.Barrier(4)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def console() -> None:
        try:
            barrier.wait()
            results.append(risk.run_rules(engine, NOW, params=DEFAULTS.risk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=console) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors, errors
    raised = [i for r in results for i in r]
    alerts = _alerts(engine)
    assert sorted(a.key for a in alerts) == sorted(
        [f"place_capacity:place:{t.place_id}", f"repeat_dispute:grid:{t.g1}"]
    )
    assert sorted(raised) == sorted(a.id for a in alerts)  # each raised by exactly one console


# --------------------------------------------------------------------------- handling


def test_acknowledge_and_close_with_timeline_audit_and_cooldown(engine: Engine) -> None:
    t = tt.build(engine)
    _three_disputes(engine, t)
    (alert_id,) = risk.run_rules(engine, NOW, params=DEFAULTS.risk)
    factory = session_factory(engine)
    with pytest.raises(NotAllowed):
        with transaction(factory) as s:
            risk.acknowledge(s, tt.actor(t, role="viewer"), alert_id)
    with pytest.raises(NotAllowed):  # T2's center does not see T1's alert
        with transaction(factory) as s:
            risk.acknowledge(s, tt.actor(t, tt.T2, "township"), alert_id)
    with pytest.raises(StaleState):
        with transaction(factory) as s:
            risk.acknowledge(s, tt.actor(t), alert_id, version=99)
    with transaction(factory) as s:
        risk.acknowledge(s, tt.actor(t), alert_id, "已通知网格长", now=NOW)
    with pytest.raises(InvalidTransition):
        with transaction(factory) as s:
            risk.acknowledge(s, tt.actor(t), alert_id)
    board = risk.open_alerts(engine, tt.COUNTY, params=risk.RiskParams())
    assert [(a.id, a.status, a.place_name) for a in board.alerts] == [(alert_id, "acknowledged", "一镇")]
    with transaction(factory) as s:
        risk.close(s, tt.actor(t, tt.T1, "township"), alert_id, "纠纷已调解", now=NOW)
    assert risk.open_alerts(engine, tt.PROVINCE, params=risk.RiskParams()).alerts == ()
    events = risk.timeline(engine, alert_id)
    assert [(e.action, e.note) for e in events] == [
        ("raised", events[0].note), ("acknowledged", "已通知网格长"), ("closed", "纠纷已调解")
    ]  # fmt: skip
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.AuditLog.action, models.AuditLog.after)
            .where(models.AuditLog.entity == "risk_alert", models.AuditLog.entity_id == alert_id)
            .order_by(models.AuditLog.id)
        ).all()  # fmt: skip
    assert [r.action for r in rows] == ["risk.raise", "risk.acknowledge", "risk.close"]
    assert rows[-1].after["status"] == "closed"
    # Same level within the cool-down: not raised again; a day later it is.
    assert risk.run_rules(engine, NOW + timedelta(hours=1), params=DEFAULTS.risk) == []
    again = risk.run_rules(engine, NOW + timedelta(hours=13), params=DEFAULTS.risk)
    assert len(again) == 1 and again[0] != alert_id


# --------------------------------------------------------------------------- map and wall


def test_alerts_on_the_map_queries(engine: Engine) -> None:
    t = tt.build(engine)
    _three_disputes(engine, t)
    risk.run_rules(engine, NOW, params=DEFAULTS.risk)
    assert wall_queries.cell_metric(engine, tt.COUNTY, "risk") == {t.g1: 1.0}
    assert wall_queries.cell_metric(engine, tt.T2, "risk") == {}
    (point,) = risk.alert_points(engine, tt.PROVINCE)
    assert point["status"] == "blue" and point["lon"] == pytest.approx(120.025)
    assert "矛盾纠纷" in point["label"]


# --------------------------------------------------------------------------- import


CSV_OK = """external_id,domain,level,raised_at,text,grid,region,lon,lat
YH-1,cyber,red,2026-11-20T09:00:00,网络谣言扩散,,990101,,
YH-2,自然灾害,橙,2026-11-20T10:00:00+08:00,山体滑坡隐患,{g1},,,
YH-3,fire,yellow,,仓库消防通道堵塞,,990101002,120.15,30.05
"""


def test_import_alerts_all_or_nothing_without_duplicates(engine: Engine, tmp_path: Path) -> None:
    t = tt.build(engine)
    good = tmp_path / "alerts.csv"
    good.write_text(CSV_OK.format(g1=f"{tt.T1}g1"), encoding="utf-8")
    result = risk.import_alerts(engine, str(good), now=NOW)
    assert (result.added, result.skipped) == (3, 0)
    alerts = {a.key: a for a in _alerts(engine)}
    assert alerts["import:YH-1"].raised_at == datetime(2026, 11, 20, 1)  # China time → UTC
    assert alerts["import:YH-1"].township_code == "" and alerts["import:YH-1"].county_code == tt.COUNTY
    assert alerts["import:YH-2"].domain == "natural_disaster" and alerts["import:YH-2"].level == "orange"
    assert alerts["import:YH-2"].grid_id == t.g1 and alerts["import:YH-2"].township_code == tt.T1
    assert alerts["import:YH-3"].raised_at == NOW and alerts["import:YH-3"].lon == 120.15
    assert all(a.source == "import" for a in alerts.values())
    assert risk.open_alerts(engine, tt.PROVINCE, params=risk.RiskParams()).total == 3
    assert risk.open_alerts(engine, tt.T2, params=risk.RiskParams()).total == 1

    again = risk.import_alerts(engine, str(good), now=NOW)
    assert (again.added, again.skipped) == (0, 3)
    assert len(_alerts(engine)) == 3

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"external_id": "N-1", "domain": "fire", "level": "red", "region": "990101"}\n'
        '{"external_id": "N-2", "domain": "weather", "level": "red", "region": "990101"}\n'
        "\n"
        '{"external_id": "N-3", "domain": "fire", "level": "purple", "grid": "nope"}\n'
        '{"external_id": "N-1", "domain": "fire", "level": "red", "region": "990101"}\n'
        '{"external_id": "N-5", "domain": "fire", "level": "red", "region": "990000"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        risk.import_alerts(engine, str(bad), now=NOW)
    text = "\n".join(info.value.problems)
    assert "line 2: unknown domain 'weather'" in text
    assert "line 4: unknown level 'purple'" in text and "line 4: unknown grid 'nope'" in text
    assert "line 5: duplicate external_id 'N-1' (also line 1)" in text
    assert "line 6: region 990000 is a province" in text
    assert "line 1" not in text.replace("also line 1", "")
    assert len(_alerts(engine)) == 3  # nothing written


# --------------------------------------------------------------------------- end to end


def test_surge_raises_a_red_alert_at_the_scenic_spot_on_the_map(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        place = conn.execute(select(models.Place).order_by(models.Place.id).limit(1)).one()
    root = wall_queries.root_region_code(demo_engine)
    received: dict[int, float] = {}
    stop = threading.Event()
    sub = changefeed.Subscription(demo_engine, poll_interval=0.2)

    def follow() -> None:  # a console following the change feed
        while not stop.is_set():
            for change in sub.next_batch(timeout=0.05):
                if change.entity == "risk_alert" and change.op == "insert":
                    received.setdefault(change.entity_id, time.time())

    follower = threading.Thread(target=follow)
    follower.start()
    try:
        sim = Simulator(demo_engine, seed=5, scenario="surge", surge_seconds=0.001, rules_every=50)
        for _ in range(250):
            sim.step()
        with demo_engine.connect() as conn:
            red = conn.execute(
                select(models.RiskAlert).where(
                    models.RiskAlert.rule == "place_capacity", models.RiskAlert.level == "red"
                )
            ).one()
        deadline = time.monotonic() + 5
        while red.id not in received and time.monotonic() < deadline:
            time.sleep(0.01)  # the follower thread reports; bounded wait on its condition
    finally:
        stop.set()
        follower.join(5)
        sub.close()
    assert red.id in sim.alerts_raised
    assert red.grid_id == place.grid_id and red.domain == "public_order"
    # the feed delivered it within the change-feed latency of its commit
    raised = red.raised_at.replace(tzinfo=UTC).timestamp()
    assert received[red.id] - raised < 1.0
    # the map's risk metric shows the scenic spot's cell red, and its marker is there
    assert wall_queries.cell_metric(demo_engine, root, "risk")[place.grid_id] == 4.0
    markers = [p for p in risk.alert_points(demo_engine, root) if p["id"] == red.id]
    assert markers and markers[0]["status"] == "red"
    assert (markers[0]["lon"], markers[0]["lat"]) == pytest.approx((place.lon, place.lat))
    # the wall list puts it first
    assert risk.open_alerts(demo_engine, root, params=risk.RiskParams()).alerts[0].level == "red"
    # the surge's reports also lift the cell far above its baseline
    with demo_engine.connect() as conn:
        cell_rules = set(conn.execute(
            select(models.RiskAlert.rule).where(models.RiskAlert.grid_id == place.grid_id)
        ).scalars())  # fmt: skip
    assert "cell_baseline" in cell_rules
    with demo_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.RiskAlertEvent)).scalar()


def test_unacknowledged_alerts_are_counted_and_grow_louder_with_age(engine: Engine) -> None:
    """The tab and the header count alerts nobody has signed for; how loud they are is
    decided here from the oldest one's age (15 / 60 minutes by default, [risk] settings)."""
    t = tt.build(engine)
    _three_disputes(engine, t)
    (alert_id,) = risk.run_rules(engine, NOW, params=DEFAULTS.risk)
    params = risk.RiskParams.from_config({"urgent_after_minutes": 15, "critical_after_minutes": 60})
    board = risk.open_alerts(engine, tt.COUNTY, params=params)
    assert board.unacknowledged == 1 and board.oldest_unacknowledged == NOW
    m = timedelta(minutes=1)
    assert [board.attention(NOW + k * m) for k in (0, 14, 15, 59, 60, 120)] == [
        (1, 0), (1, 0), (1, 1), (1, 1), (1, 2), (1, 2)]  # fmt: skip
    quick = risk.open_alerts(engine, tt.COUNTY, params=risk.RiskParams.from_config(
        {"urgent_after_minutes": 1, "critical_after_minutes": 2}))  # fmt: skip
    assert quick.attention(NOW + 3 * m) == (1, 2)
    with transaction(session_factory(engine)) as s:
        risk.acknowledge(s, tt.actor(t), alert_id, "已通知网格长", now=NOW)
    signed = risk.open_alerts(engine, tt.COUNTY, params=params)
    assert signed.total == 1 and signed.attention(NOW + 120 * m) == (0, 0)
    with pytest.raises(InvalidInput):
        risk.RiskParams.from_config({"urgent_after_minutes": 60, "critical_after_minutes": 15})


def test_the_alert_board_is_the_same_statements_whatever_alerts_it_shows(engine: Engine) -> None:
    """The board named its places through an IN list of the codes shown, one statement per
    list length; SQLite compiles each anew and the soak's C heap grew with them."""
    from sqlalchemy import event

    tt.build(engine)
    factory = session_factory(engine)

    def raise_in(township: str) -> None:
        with transaction(factory) as s:
            s.add(models.RiskAlert(domain="public_security", level="blue", county_code=tt.COUNTY,
                                   township_code=township, raised_at=NOW, status="open",
                                   rule="test", text=f"{township} 测试"))  # fmt: skip

    def statements() -> tuple[set[str], Any]:
        seen: set[str] = set()

        def record(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
            seen.add(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            board = risk.open_alerts(engine, tt.COUNTY, params=risk.RiskParams())
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return seen, board

    raise_in(tt.T1)
    one, board = statements()
    assert [a.place_name for a in board.alerts] == ["一镇"]
    raise_in(tt.T2)
    two, board = statements()
    assert sorted(a.place_name for a in board.alerts) == sorted(["一镇", "二镇"])
    assert one == two
