"""The incident mechanism across levels, on SQLite and PostgreSQL: the issue's scripted
scenario, optimistic locking, jurisdiction, supervision and the append-only audit log."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from services import accounts, incidents, vocabulary
from services.errors import InvalidInput, InvalidTransition, NotAllowed, StaleState
from services.incidents.cases import NewIncident, QueueFilter
from services.policies import Policies
from services.store import changefeed, db, models

DEFAULTS = Policies.defaults()


class Console:
    """One console: its own engine (connection pool) and signed-in account."""

    def __init__(self, url: str, login: str) -> None:
        self.url = url
        self.engine = db.make_engine(url)
        self.factory = db.session_factory(self.engine)
        with self.factory() as s:
            self.actor = accounts.actor_for(s, login)
        self.seen = changefeed.head(self.engine)

    def detail(self, incident_id: int) -> incidents.IncidentDetail:
        with self.factory() as s:
            return incidents.detail(s, self.actor, incident_id)

    def queue(self, **kw: object) -> tuple[incidents.IncidentRow, ...]:
        with self.factory() as s:
            return incidents.queue(s, self.actor, QueueFilter(**kw))  # type: ignore[arg-type]

    def act(self, incident_id: int, action: str, note: str = "", **params: object):  # type: ignore[no-untyped-def]
        version = self.detail(incident_id).row.version
        return incidents.perform(
            self.factory, self.actor, incident_id, version, action, note,
            policy=DEFAULTS.incidents, **params,
        )  # fmt: skip

    def feed_mentions(self, incident_id: int) -> bool:
        """Did a change to this incident reach this console's feed since last asked?"""
        changes = changefeed.read_after(self.engine, self.seen)
        if changes:
            self.seen = changes[-1].seq
        return any(c.entity == "incident" and c.entity_id == incident_id for c in changes)

    def close(self) -> None:
        self.engine.dispose()


def _places(engine: Engine) -> dict[str, str]:
    """A county with two townships (and its city), each with a grid cell."""
    with Session(engine) as s:
        g = models.GridCell
        county = s.execute(
            select(g.county_code).group_by(g.county_code)
            .having(func.count(func.distinct(g.township_code)) >= 2).order_by(g.county_code)
        ).scalars().first()  # fmt: skip
        towns = s.scalars(
            select(g.township_code).where(g.county_code == county).distinct()
            .order_by(g.township_code)
        ).all()  # fmt: skip
        grid = s.scalar(select(g).where(g.township_code == towns[0]).order_by(g.id).limit(1))
        assert grid is not None and county is not None
        return {"town": towns[0], "neighbour": towns[1], "county": county,
                "city": grid.city_code, "grid": str(grid.id)}  # fmt: skip


@pytest.fixture
def consoles(demo_url: str, demo_engine: Engine):  # type: ignore[no-untyped-def]
    p = _places(demo_engine)
    made = {
        "town": Console(demo_url, f"{p['town']}.duty"),
        "town_op": Console(demo_url, f"{p['town']}.operator"),
        "neighbour": Console(demo_url, f"{p['neighbour']}.duty"),
        "county": Console(demo_url, f"{p['county']}.duty"),
        "county_leader": Console(demo_url, f"{p['county']}.leader"),
        "city": Console(demo_url, f"{p['city']}.duty"),
        "viewer": Console(demo_url, f"{p['county']}.viewer"),
    }
    made["places"] = p  # type: ignore[assignment]
    yield made
    for c in made.values():
        if isinstance(c, Console):
            c.close()


def test_scripted_scenario_across_levels(consoles, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    town, county, leader, city = (consoles[k] for k in ("town", "county", "county_leader", "city"))
    p = consoles["places"]

    # A grid worker's report (平安通) lands at the township center, visible up the tree.
    with town.factory() as s, s.begin():
        iid = incidents.report(
            s, consoles["town_op"].actor,
            NewIncident(category="dispute", description="邻里噪音纠纷，多次协调未果",
                        channel="field_app", priority=2, grid_id=int(p["grid"]),
                        reporter="网格员 张伟"), policy=DEFAULTS.incidents,
        )  # fmt: skip
    assert county.feed_mentions(iid) and city.feed_mentions(iid)
    assert [r.id for r in town.queue() if r.id == iid] == [iid]

    # Township accepts, routes to a county department.
    town.act(iid, "accept", "已受理")
    dept = next(t for t in _targets(town) if t.kind == "department")
    d = town.act(iid, "route", "请县职能部门处置", target_kind="department", target_id=dept.id)
    assert d.row.status == "routed" and d.handling_department == dept.name
    assert county.feed_mentions(iid)
    assert county.detail(iid).row.status == "routed"

    # The county presses the township (督办); the township sees it first in its queue.
    deadline = models.utcnow() + timedelta(hours=2)
    v = leader.detail(iid).row.version
    incidents.supervise_in(leader.factory, leader.actor, iid, v, deadline, "请两小时内反馈进展")
    first = town.queue()[0]
    assert first.id == iid and first.supervised
    assert "answer" in town.detail(iid).allowed
    assert [r.id for r in leader.queue(scope="supervising")] == [iid]
    town.act(iid, "start", "部门已签收")
    d = town.act(iid, "answer", "城管与司法所联合上门调解中")
    assert not d.row.supervised and d.supervisions[0].answer == "城管与司法所联合上门调解中"
    assert leader.queue(scope="supervising") == ()

    # It goes overdue; the clock escalates it one level up, once.
    with town.factory() as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None and inc.resolve_deadline is not None
        late = inc.resolve_deadline + timedelta(minutes=5)
        region = s.scalar(select(models.Region).where(models.Region.adcode == p["county"]))
        assert region is not None
    sweeper = accounts.system_actor(region, None)
    with county.factory() as s, s.begin():
        escalated = incidents.escalate_overdue(s, sweeper, now=late, policy=DEFAULTS.incidents)
    # Our case, and any demo case of the county whose deadline also fell before `late`
    # (the demo's cases are dated from the hour it was built).
    assert iid in escalated
    with county.factory() as s:
        for other in escalated:
            row = s.get(models.Incident, other)
            assert row is not None and row.resolve_deadline is not None
            assert row.resolve_deadline < late and row.county_code == p["county"]
    with county.factory() as s, s.begin():
        assert incidents.escalate_overdue(s, sweeper, now=late, policy=DEFAULTS.incidents) == []  # not twice
    with county.factory() as s:
        d = incidents.detail(s, county.actor, iid, now=late)
    assert d.row.status == "reported" and d.row.overdue and d.row.handling_center_id == (
        county.actor.center_id
    )
    assert d.events[-1].action == "auto_escalate" and "超期" in d.events[-1].note
    assert county.feed_mentions(iid) and city.feed_mentions(iid)
    assert iid not in [r.id for r in town.queue()]  # the county has it now

    # The county handles it: accept, start, resolve, close with a follow-up task.
    county.act(iid, "accept")
    county.act(iid, "start")
    d = county.act(iid, "resolve", "双方达成调解协议")
    assert d.row.status == "resolved" and "close" in d.allowed
    d = county.act(iid, "close", "回访满意", evaluation="satisfied",
                   follow_ups=["排查同小区类似噪音纠纷"])  # fmt: skip
    assert d.row.status == "closed" and d.evaluation == "satisfied"
    (task,) = d.follow_ups
    assert task.kind == "follow_up" and task.origin_id == iid and task.status == "accepted"
    assert county.detail(task.id).origin is not None
    assert task.id in [r.id for r in county.queue()]
    assert town.feed_mentions(iid)

    # Every step is in the timeline and in the audit log.
    actions = [e.action for e in county.detail(iid).events]
    assert actions == ["report", "accept", "route", "supervise", "start", "answer",
                       "auto_escalate", "accept", "start", "resolve", "close"]  # fmt: skip
    with Session(demo_engine) as s:
        audited = s.scalars(
            select(models.AuditLog.action).where(
                models.AuditLog.entity == "incident", models.AuditLog.entity_id == iid
            ).order_by(models.AuditLog.id)
        ).all()
        assert audited == [f"incident.{a}" for a in actions]
        last = s.scalars(
            select(models.AuditLog).where(models.AuditLog.entity_id == iid)
            .order_by(models.AuditLog.id.desc())
        ).first()  # fmt: skip
        assert last is not None and last.before is not None and last.after is not None
        assert last.before["status"] == "resolved" and last.after["status"] == "closed"


def _targets(console: Console) -> tuple[incidents.RouteTarget, ...]:
    with console.factory() as s:
        return incidents.route_targets(s, console.actor)


def _new_case(console: Console, grid: int) -> int:
    with console.factory() as s, s.begin():
        return incidents.report(
            s, console.actor, NewIncident(category="safety_hazard", description="井盖缺失",
                                          grid_id=grid, channel="hotline"), policy=DEFAULTS.incidents,
        )  # fmt: skip


def test_second_editor_is_refused_with_current_state(consoles) -> None:  # type: ignore[no-untyped-def]
    town = consoles["town"]
    iid = _new_case(town, int(consoles["places"]["grid"]))
    seen = town.detail(iid).row.version
    incidents.perform(town.factory, town.actor, iid, seen, "accept", "甲受理", policy=DEFAULTS.incidents)
    with pytest.raises(StaleState) as err:
        incidents.perform(town.factory, town.actor, iid, seen, "accept", "乙受理", policy=DEFAULTS.incidents)
    current = err.value.current
    assert current.row.status == "accepted" and current.row.version == seen + 1
    assert [e.note for e in current.events if e.action == "accept"] == ["甲受理"]


def test_two_consoles_race_one_wins(consoles) -> None:  # type: ignore[no-untyped-def]
    """Truly concurrent: both read the same version, both commit; exactly one lands."""
    town = consoles["town"]
    other = Console(town.url, town.actor.login)  # a second officer of the same center
    iid = _new_case(town, int(consoles["places"]["grid"]))
    seen = town.detail(iid).row.version
    barrier = threading.Barrier(2)
    results: list[object] = []

    def go(console: Console, note: str) -> None:
        barrier.wait()
        try:
            done = incidents.perform(console.factory, console.actor, iid, seen, "accept", note, policy=DEFAULTS.incidents)
            results.append(done)
        except StaleState as exc:
            results.append(exc)

    threads = [threading.Thread(target=go, args=(c, n)) for c, n in ((town, "甲"), (other, "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    other.close()
    assert sorted(type(r).__name__ for r in results) == ["IncidentDetail", "StaleState"]
    d = town.detail(iid)
    assert d.row.version == seen + 1
    assert len([e for e in d.events if e.action == "accept"]) == 1


def test_jurisdiction_is_enforced(consoles) -> None:  # type: ignore[no-untyped-def]
    town, neighbour, viewer = consoles["town"], consoles["neighbour"], consoles["viewer"]
    iid = _new_case(town, int(consoles["places"]["grid"]))
    with pytest.raises(NotAllowed) as err:
        neighbour.detail(iid)
    assert err.value.code == "outside"
    with pytest.raises(NotAllowed):
        incidents.perform(neighbour.factory, neighbour.actor, iid, 1, "accept", policy=DEFAULTS.incidents)
    assert iid not in [r.id for r in neighbour.queue(scope="all")]
    with pytest.raises(NotAllowed):  # a neighbour cannot file into another township either
        _new_case(neighbour, int(consoles["places"]["grid"]))
    # The county sees it but does not handle it; the viewer sees and may do nothing.
    county = consoles["county"]
    assert county.detail(iid).allowed == ("supervise",)
    with pytest.raises(NotAllowed) as err:
        incidents.perform(county.factory, county.actor, iid, 1, "accept", policy=DEFAULTS.incidents)
    assert err.value.code == "not_handler"
    assert viewer.detail(iid).allowed == ()
    with pytest.raises(NotAllowed) as err:
        incidents.perform(viewer.factory, viewer.actor, iid, 1, "accept", policy=DEFAULTS.incidents)
    assert err.value.code == "role"
    # An upper level may press; a township may not press itself.
    assert "supervise" in county.detail(iid).allowed
    assert "supervise" not in town.detail(iid).allowed


def test_bad_transitions_and_input_are_refused(consoles) -> None:  # type: ignore[no-untyped-def]
    town = consoles["town"]
    iid = _new_case(town, int(consoles["places"]["grid"]))
    with pytest.raises(InvalidTransition):
        town.act(iid, "resolve")
    with pytest.raises(InvalidTransition):
        town.act(iid, "close")
    town.act(iid, "accept")
    with pytest.raises(InvalidInput):
        town.act(iid, "route", target_kind="center", target_id=999_999)
    town.act(iid, "start")
    town.act(iid, "resolve")
    with pytest.raises(InvalidInput):
        town.act(iid, "reopen", "")  # a reason is required
    d = town.act(iid, "reopen", "群众反映问题复发")
    assert d.row.status == "in_progress"
    with town.factory() as s, s.begin(), pytest.raises(InvalidInput):
        incidents.report(s, town.actor, NewIncident(category="nonsense", description="x",
                                                    grid_id=int(consoles["places"]["grid"])), policy=DEFAULTS.incidents)  # fmt: skip


def test_returned_case_goes_back_to_the_router(consoles) -> None:  # type: ignore[no-untyped-def]
    town, county = consoles["town"], consoles["county"]
    with county.factory() as s, s.begin():
        center = s.scalar(
            select(models.CommandCenter.id).join(models.Region).where(
                models.Region.adcode == consoles["places"]["town"]
            )
        )
    iid = _new_case(town, int(consoles["places"]["grid"]))
    town.act(iid, "escalate", "需县级协调")
    county.act(iid, "accept")
    county.act(iid, "route", "请乡镇处置", target_kind="center", target_id=center)
    assert town.detail(iid).row.status == "routed"
    d = town.act(iid, "return", "不属于本乡镇职责")
    assert d.row.status == "returned" and d.row.handling_center_id == county.actor.center_id


def test_audit_log_cannot_be_altered(consoles, demo_engine: Engine, demo_owner_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """Neither the console's role (no privilege) nor the owner (the trigger) rewrites it."""
    _new_case(consoles["town"], int(consoles["places"]["grid"]))
    for stmt in (
        update(models.AuditLog).values(actor="someone else"),
        text("DELETE FROM audit_log"),
    ):
        for eng in (demo_engine, demo_owner_engine):
            with pytest.raises(DBAPIError) as err, eng.begin() as conn:
                conn.execute(stmt)
            assert "append-only" in str(err.value) or (
                eng is demo_engine and "permission denied" in str(err.value)
            )
    with Session(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(models.AuditLog)) >= 1


def test_concurrent_sweeps_escalate_once(consoles) -> None:  # type: ignore[no-untyped-def]
    """Two consoles' clocks (county and city) sweep at once: one escalation, not two."""
    town, county, city = consoles["town"], consoles["county"], consoles["city"]
    iid = _new_case(town, int(consoles["places"]["grid"]))
    with town.factory() as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None and inc.resolve_deadline is not None
        late = inc.resolve_deadline + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    out: dict[str, list[int]] = {}

    def sweep(name: str, console: Console) -> None:
        barrier.wait()
        out[name] = incidents.sweep_overdue(console.factory, console.actor.region_code, now=late, policy=DEFAULTS.incidents)

    threads = [threading.Thread(target=sweep, args=a) for a in (("county", county), ("city", city))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert iid in out["county"] + out["city"]
    d = county.detail(iid)
    assert [e.action for e in d.events].count("auto_escalate") == 1
    assert d.row.handling_center_id == county.actor.center_id
    # The next sweep a minute later does nothing: the county gets a full period first.
    again = incidents.sweep_overdue(city.factory, city.actor.region_code,
                                    now=late + timedelta(minutes=1), policy=DEFAULTS.incidents)  # fmt: skip
    assert iid not in again


def test_a_case_found_very_late_climbs_one_level_per_period(consoles) -> None:  # type: ignore[no-untyped-def]
    """The clocks were off for 30 hours (a whole console room down): the first sweep sends
    the case to the county; the sweep a minute later does not send it on to the city,
    though it is more than one period late; a full period after the escalation it goes."""
    town, county, city = consoles["town"], consoles["county"], consoles["city"]
    iid = _new_case(town, int(consoles["places"]["grid"]))
    with town.factory() as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None and inc.resolve_deadline is not None
        every = timedelta(hours=incidents.DEFAULT_POLICY.escalate_every_h)
        found = inc.resolve_deadline + every + timedelta(hours=6)

    def sweep(at: datetime) -> list[int]:
        return incidents.sweep_overdue(city.factory, city.actor.region_code, now=at, policy=DEFAULTS.incidents)

    assert iid in sweep(found)
    assert county.detail(iid).row.handling_center_id == county.actor.center_id
    assert iid not in sweep(found + timedelta(minutes=1))
    assert iid not in sweep(found + every - timedelta(minutes=1))
    assert iid in sweep(found + every)
    assert city.detail(iid).row.handling_center_id == city.actor.center_id
    events = [e.action for e in city.detail(iid).events]
    assert events.count("auto_escalate") == 2


def test_township_routing_offers_its_platforms_first(consoles) -> None:  # type: ignore[no-untyped-def]
    """一中心四平台: a township routes to its platforms' stations first (the platform of the
    case's category on top), then the county's departments; the platform keeps the case in
    its tally when it moves on."""
    town, county = consoles["town"], consoles["county"]
    with town.factory() as s:
        groups = incidents.route_groups(s, town.actor, "food_drug")
        flat = incidents.route_targets(s, town.actor, "food_drug")
        plain = incidents.route_targets(s, town.actor)
    platforms = [g.platform for g in groups if g.platform]
    assert platforms[0] == "market" and groups[0].suggested  # 食品药品 → 市场监管
    assert set(platforms) == set(vocabulary.PLATFORMS)
    assert [g.label for g in groups[:4]][0] == "市场监管"
    assert all(t.platform == g.platform for g in groups if g.platform for t in g.targets)
    assert [t for g in groups for t in g.targets] == list(flat)
    assert {(t.kind, t.id) for t in flat} == {(t.kind, t.id) for t in plain}  # same targets
    assert [g.platform for g in plain_groups(town)][:4] == list(vocabulary.PLATFORMS)
    station = groups[0].targets[0]
    iid = _new_case(town, int(consoles["places"]["grid"]))
    town.act(iid, "accept")
    d = town.act(iid, "route", "转市场监管平台", target_kind="department", target_id=station.id)
    assert d.handling_department == station.name
    with town.factory() as s:
        assert s.get(models.Incident, iid).platform == "market"  # type: ignore[union-attr]
    town.act(iid, "escalate", "需县级协调")
    with county.factory() as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None and inc.handling_department_id is None and inc.platform == "market"


def plain_groups(console: Console) -> tuple[incidents.PlatformTargets, ...]:
    with console.factory() as s:
        return incidents.route_groups(s, console.actor)
