"""Shift handover on SQLite and PostgreSQL: the report against hand-made data, the dual
sign-off (reject → answer → accept), refusals, the frozen snapshot, the wall's 有机制,
the review search, the duty log and the roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from services import accounts, handover
from services import wall as wall_queries
from services.errors import InvalidInput, InvalidTransition, NotAllowed, StaleState
from services.handover import duty_log, roster
from services.store import models
from services.store.db import session_factory, transaction
from tests.support import territory
from tests.support.territory import T1, T2

T0 = datetime(2026, 3, 2, 0, 0)  # 08:00 China time: the day shift S1 starts
END = T0 + timedelta(hours=12)
AFTER = END + timedelta(minutes=10)  # the outgoing officer hands over


@dataclass
class World:
    engine: Engine
    t: territory.Territory
    center: int
    s0: int  # the shift before S1
    s1: int  # the day shift being handed over: officer 甲, second 乙
    s2: int  # the night shift taking over: officer 丙, second 丁
    ids: dict[str, int]  # incidents by name
    staff: dict[str, int]

    def actor(self, login: str) -> accounts.Actor:
        with session_factory(self.engine)() as s:
            return accounts.actor_for(s, login)


def _incident(
    s,
    t,
    name: str,
    grid: int,
    reported: datetime,
    steps: list[tuple[str, datetime]],
    deadline_h: float = 72.0,
    **extra: object,
) -> int:  # type: ignore[no-untyped-def]
    row = territory.incident_row(t, grid, reported, deadline_h=deadline_h)
    row.update(description=f"{name} 测试事件", **extra)
    status, prev = "reported", None
    times: dict[str, datetime] = {}
    order = {"accept": "accepted", "start": "in_progress", "resolve": "resolved", "close": "closed"}
    for action, at in steps:
        status = order[action]
        times[action] = at
    row.update(status=status, is_open=status not in ("resolved", "closed"),
               accepted_at=times.get("accept"), resolved_at=times.get("resolve"),
               closed_at=times.get("close"), ack_deadline=reported + timedelta(hours=4),
               settled_level="township" if "resolve" in times else None)  # fmt: skip
    inc = models.Incident(**row)
    s.add(inc)
    s.flush()
    s.add(models.IncidentEvent(incident_id=inc.id, at=reported, action="report",
                               from_status=None, to_status="reported"))  # fmt: skip
    prev = "reported"
    for action, at in steps:
        s.add(models.IncidentEvent(incident_id=inc.id, at=at, action=action, from_status=prev,
                                   to_status=order[action]))  # fmt: skip
        prev = order[action]
    return int(inc.id)


def _user(login: str, role: str, center: int, region: int, name: str, staff: int | None
          ) -> models.User:  # fmt: skip
    """An account without a password hash (Argon2 is slow; actor_for needs none)."""
    return models.User(
        login=login,
        staff_id=staff,
        jurisdiction_region_id=region,
        role=role,
        center_id=center,
        display_name=name,
        password_hash="",
        active=True,
    )


@pytest.fixture
def world(engine: Engine) -> World:
    t = territory.build(engine)
    ids: dict[str, int] = {}
    staff: dict[str, int] = {}
    with transaction(session_factory(engine)) as s:
        center = models.CommandCenter(region_id=t.region_ids[T1], name="一镇社会治理综合指挥中心",
                                      level="township", venue_area_m2=80, screen_count=4,
                                      screen_ok=4, required_on_duty=2)  # fmt: skip
        other = models.CommandCenter(region_id=t.region_ids[T2], name="二镇社会治理综合指挥中心",
                                     level="township", venue_area_m2=80, screen_count=4,
                                     screen_ok=4)  # fmt: skip
        s.add_all([center, other])
        s.flush()
        for name, role, region in (("甲", "duty_officer", T1), ("乙", "duty_officer", T1),
                                   ("丙", "duty_officer", T1), ("丁", "duty_officer", T1),
                                   ("领导一", "leader", T1), ("领导二", "leader", T1),
                                   ("外人", "duty_officer", T2)):  # fmt: skip
            st = models.Staff(name=name, role=role, region_id=t.region_ids[region])
            s.add(st)
            s.flush()
            staff[name] = st.id
        for login, name, cid in (("a.duty", "甲", center.id), ("b.duty", "乙", center.id),
                                 ("c.duty", "丙", center.id), ("l.leader", "领导一", center.id),
                                 ("x.duty", "外人", center.id)):  # fmt: skip
            role = "leader" if login.endswith("leader") else "duty_officer"
            s.add(_user(login, role, cid, t.region_ids[T1], name, staff[name]))
        s.add(_user("op", "operator", center.id, t.region_ids[T1], "话务员", None))

        def shift(start: datetime, officer: str, second: str, leader: str) -> int:
            row = models.Shift(center_id=center.id, starts_at=start,
                               ends_at=start + timedelta(hours=12),
                               duty_officer_id=staff[officer], second_officer_id=staff[second],
                               leader_id=staff[leader], checked_in_at=start)  # fmt: skip
            s.add(row)
            s.flush()
            return int(row.id)

        s0 = shift(T0 - timedelta(hours=12), "丙", "丁", "领导二")
        s1 = shift(T0, "甲", "乙", "领导一")
        s2 = shift(END, "丙", "丁", "领导二")
        h = timedelta(hours=1)
        g1, g2, g3 = t.g1, t.g2, t.g3
        ids["before"] = _incident(s, t, "before", g1, T0 - 2 * h, [("accept", T0 - 2 * h),
                                  ("start", T0 - h)], deadline_h=8)  # fmt: skip
        ids["done"] = _incident(s, t, "done", g1, T0 + h, [
            ("accept", T0 + h + timedelta(minutes=10)), ("start", T0 + 2 * h),
            ("resolve", T0 + 3 * h), ("close", T0 + 5 * h)])  # fmt: skip
        ids["pressed"] = _incident(s, t, "pressed", g3, T0 + 2 * h, [
            ("accept", T0 + 2 * h + timedelta(minutes=20)), ("start", T0 + 3 * h)])  # fmt: skip
        ids["waiting"] = _incident(s, t, "waiting", g1, T0 + 4 * h, [])
        ids["later"] = _incident(s, t, "later", g1, END + timedelta(minutes=5), [])
        ids["elsewhere"] = _incident(s, t, "elsewhere", g2, T0 + h, [])
        ids["old"] = _incident(s, t, "old", g1, T0 - 30 * h, [("accept", T0 - 29 * h),
                               ("start", T0 - 28 * h), ("resolve", T0 - 20 * h)])  # fmt: skip
        s.add(models.Supervision(incident_id=ids["pressed"], from_center_id=other.id,
                                 to_center_id=center.id, at=T0 + 4 * h, actor="县值班员",
                                 deadline=T0 + 8 * h, note="请尽快反馈"))  # fmt: skip
        s.execute(update(models.Incident).where(models.Incident.id == ids["pressed"])
                  .values(supervised=True))  # fmt: skip
        for name, grid, online in (("一镇路口1", g1, True), ("一镇路口2", g3, False),
                                   ("二镇路口", g2, False)):  # fmt: skip
            s.add(models.Camera(name=name, grid_id=grid, county_code=territory.COUNTY, lon=120.0,
                                lat=30.0, stream_url="", sub_stream_url="", online=online))  # fmt: skip
        for town, level, at in ((T1, "orange", T0 + 5 * h), (T2, "red", T0 + 5 * h),
                                (T1, "blue", T0 - 5 * h)):  # fmt: skip
            s.add(models.RiskAlert(domain="dispute", level=level, county_code=territory.COUNTY,
                                   township_code=town, raised_at=at, status="open",
                                   rule="repeat_dispute", text=f"{town} 纠纷多发"))  # fmt: skip
        conf = models.Conference(center_id=center.id, title="景区客流会商", started_at=T0 + 6 * h,
                                 ended_at=T0 + 7 * h, convened_by="领导一")  # fmt: skip
        s.add(conf)
        s.flush()
        s.add(models.ConferenceParticipant(conference_id=conf.id, label="派出所", present=True))
        s.add(models.ConferenceParticipant(conference_id=conf.id, label="城管中队",
                                           present=False))  # fmt: skip
        s.add(models.ConferenceMinute(conference_id=conf.id, at=T0 + 6.5 * h, kind="decision",
                                      text="启动限流，增派巡逻", owner="派出所"))  # fmt: skip
        busy = models.Resource(name="一镇巡逻组", kind="police", response_level=1,
                               status="on_scene", status_since=T0 + 9 * h,
                               region_id=t.region_ids[T1], county_code=territory.COUNTY,
                               home_lon=120, home_lat=30, lon=120, lat=30)  # fmt: skip
        broken = models.Resource(name="一镇小分队", kind="grid_team", response_level=3,
                                 status="unavailable", status_since=T0 + 2 * h,
                                 region_id=t.region_ids[T1], county_code=territory.COUNTY,
                                 home_lon=120, home_lat=30, lon=120, lat=30)  # fmt: skip
        s.add_all([busy, broken])
        s.flush()
        s.add(models.Dispatch(incident_id=ids["pressed"], resource_id=busy.id, status="on_scene",
                              active=True, dispatched_at=T0 + 9 * h, center_id=center.id))  # fmt: skip
        cid = center.id
    w = World(engine, t, cid, s0, s1, s2, ids, staff)
    factory = session_factory(engine)
    with transaction(factory) as s:
        a = w.actor("a.duty")
        first = duty_log.write(s, a, s1, "event", "09:10 一镇路口发生交通事故，已处置", now=T0 + h)
        duty_log.write(s, w.actor("l.leader"), s1, "instruction", "领导指示：加强景区巡逻",
                       now=T0 + 3 * h)  # fmt: skip
        duty_log.write(s, a, s1, "correction", "更正：事故时间为09:20", corrects_id=first.id,
                       now=T0 + 4 * h)  # fmt: skip
    return w


def _report(w: World, now: datetime = AFTER) -> handover.HandoverReport:
    with session_factory(w.engine)() as s:
        return handover.build_report(s, w.center, w.s1, now=now)


def test_report_contents(world: World) -> None:
    r = _report(world)
    ids = world.ids
    assert r.center_name == "一镇社会治理综合指挥中心"
    assert (r.shift.duty_officer, r.shift.second_officer, r.shift.leader) == ("甲", "乙", "领导一")
    assert r.shift.incoming_officer == "丙" and r.shift.next_shift_id == world.s2
    assert r.opened_total == 3
    assert [c.id for c in r.opened] == [ids["done"], ids["pressed"], ids["waiting"]]
    assert r.resolved_total == 1 and [c.id for c in r.resolved] == [ids["done"]]
    # Still open at handover time: two in progress, two waiting; one overdue, one supervised.
    assert (r.open_total, r.overdue_total, r.supervised_total) == (4, 1, 1)
    groups = {g.status: g for g in r.open_groups}
    assert set(groups) == {"in_progress", "reported"}
    assert [c.id for c in groups["in_progress"].cases] == [ids["pressed"], ids["before"]]
    assert {c.id for c in groups["reported"].cases} == {ids["waiting"], ids["later"]}
    assert [c.id for c in r.attention] == [ids["pressed"], ids["before"]] and r.attention_total == 2
    pressed, before = r.attention
    assert pressed.supervised and pressed.supervision_deadline == T0 + timedelta(hours=8)
    assert before.overdue and before.resolve_deadline == T0 + timedelta(hours=6)
    assert [(d.incident_id, d.unit, d.status) for d in r.dispatches] == [
        (ids["pressed"], "一镇巡逻组", "on_scene")]  # fmt: skip
    assert [u.name for u in r.units_out] == ["一镇小分队"] and r.units_out_total == 1
    assert len(r.conferences) == 1
    conf = r.conferences[0]
    assert (conf.participants, conf.present, conf.absent) == (2, 1, ("城管中队",))
    assert [m.text for m in conf.minutes] == ["启动限流，增派巡逻"]
    assert [(a.level, a.township_code) for a in r.alerts] == [("orange", T1)]
    assert r.alerts_open_total == 2
    assert (r.cameras.total, r.cameras.online, r.cameras.offline) == (2, 1, 1)
    assert r.cameras.offline_names == ("一镇路口2",) and r.cameras.rooms_absent == 1
    assert [e.kind for e in r.duty_log] == ["event", "instruction", "correction"]
    assert r.duty_log[2].corrects_id == r.duty_log[0].id
    k = r.kpis
    assert (k.reported, k.resolved, k.open_at_start, k.open_at_end, k.overdue_at_end) == (
        3, 1, 1, 3, 1)  # fmt: skip
    assert (k.accepted, k.accepted_on_time, k.settled_low) == (2, 2, 1)
    assert len(r.hourly) == 12
    assert [h.reported for h in r.hourly] == [0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert [h.resolved for h in r.hourly][3] == 1 and sum(h.resolved for h in r.hourly) == 1
    # Open at each hour's end (inclusive): "before", +done@1h, +pressed@2h, -done@3h, +waiting@4h
    assert [h.open_at_end for h in r.hourly] == [2, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    # "before" is overdue after T0+6h (deadline < t): from the end of the 7th hour on.
    assert [h.overdue_at_end for h in r.hourly] == [0] * 6 + [1] * 6
    # The snapshot round-trips exactly.
    assert handover.report_from_json(handover.report_to_json(r)) == r


def _submit(w: World, login: str, now: datetime = AFTER, notes: str = "请关注督办件"
            ) -> handover.HandoverView:  # fmt: skip
    with transaction(session_factory(w.engine)) as s:
        return handover.submit(s, w.actor(login), w.s1, notes, now=now)


def _act(
    w: World,
    fn,
    login: str,
    hid: int,
    version: int,
    *args: object,  # type: ignore[no-untyped-def]
    now: datetime = AFTER,
) -> handover.HandoverView:
    with transaction(session_factory(w.engine)) as s:
        return fn(s, w.actor(login), hid, version, *args, now=now)  # type: ignore[no-any-return]


def _refused(code: str, exc_type: type[Exception], fn, *args: object, **kw: object) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc_type) as info:
        fn(*args, **kw)
    assert info.value.code == code  # type: ignore[attr-defined]


def test_sign_off_reject_answer_accept(world: World) -> None:
    w = world
    # Not before the shift ends; only its officers; not the operator account.
    _refused("shift_not_ended", InvalidTransition, _submit, w, "a.duty",
             now=END - timedelta(minutes=5))  # fmt: skip
    _refused("not_on_roster", NotAllowed, _submit, w, "c.duty")
    _refused("not_on_roster", NotAllowed, _submit, w, "x.duty")
    _refused("role", NotAllowed, _submit, w, "op")

    v = _submit(w, "a.duty")
    assert (v.status, v.submitted_by, v.submitted_at, v.notes) == ("submitted", "甲", AFTER,
                                                                  "请关注督办件")  # fmt: skip
    assert v.incoming is not None and v.incoming.duty_officer == "丙"
    assert v.report is not None and v.report.open_total == 4
    _refused("already_submitted", InvalidTransition, _submit, w, "a.duty")

    # The outgoing cannot sign their own; the other outgoing officer is not incoming.
    _refused("own_handover", NotAllowed, _act, w, handover.accept, "a.duty", v.id, v.version)
    _refused("not_on_roster", NotAllowed, _act, w, handover.accept, "b.duty", v.id, v.version)
    _refused("reason", InvalidInput, _act, w, handover.reject, "c.duty", v.id, v.version, " ")

    t1 = AFTER + timedelta(minutes=3)
    v = _act(w, handover.reject, "c.duty", v.id, v.version, "督办件何时反馈？", now=t1)
    assert v.status == "rejected" and v.question == "督办件何时反馈？"
    _refused("answer_required", InvalidTransition, _act, w, handover.accept, "c.duty", v.id,
             v.version)  # fmt: skip
    _refused("answer_required", InvalidTransition, _submit, w, "a.duty")
    _refused("not_on_roster", NotAllowed, _act, w, handover.answer, "c.duty", v.id, v.version,
             "x")  # fmt: skip

    # The outgoing writes a log line, then answers: the snapshot is frozen again with it.
    with transaction(session_factory(w.engine)) as s:
        duty_log.write(s, w.actor("a.duty"), w.s1, "event", "已电话联系县督办科，20:30前反馈",
                       now=t1 + timedelta(minutes=1))  # fmt: skip
    t2 = AFTER + timedelta(minutes=6)
    v = _act(w, handover.answer, "a.duty", v.id, v.version, "已联系县督办科，20:30前反馈", now=t2)
    assert v.status == "submitted" and v.report is not None
    assert v.report.duty_log[-1].text == "已电话联系县督办科，20:30前反馈"
    assert v.report.generated_at == t2

    # A console that still shows the old version is refused with the current state.
    factory = session_factory(w.engine)
    stale_version = v.version - 1
    with pytest.raises(StaleState) as info:
        handover.run(factory, lambda s: handover.accept(s, w.actor("c.duty"), v.id, stale_version,
                                                       now=t2),
                     lambda s: handover.view(s, w.s1))  # fmt: skip
    assert isinstance(info.value.current, handover.HandoverView)
    assert info.value.current.version == v.version

    t3 = AFTER + timedelta(minutes=8)
    v = _act(w, handover.accept, "c.duty", v.id, v.version, "已接班", now=t3)
    assert (v.status, v.accepted_by, v.accepted_at) == ("accepted", "丙", t3)
    assert [(st.action, st.staff, st.at) for st in v.steps] == [
        ("submit", "甲", AFTER), ("reject", "丙", t1), ("answer", "甲", t2), ("accept", "丙", t3)]  # fmt: skip

    # Signed: signing twice and any change are refused; the log of the shift is closed.
    _refused("already_accepted", InvalidTransition, _act, w, handover.accept, "c.duty", v.id,
             v.version)  # fmt: skip
    _refused("already_accepted", InvalidTransition, _act, w, handover.reject, "c.duty", v.id,
             v.version, "再问")  # fmt: skip
    _refused("already_accepted", InvalidTransition, _submit, w, "a.duty")
    with pytest.raises(InvalidTransition) as info2:
        with transaction(session_factory(w.engine)) as s:
            duty_log.write(s, w.actor("a.duty"), w.s1, "event", "补记", now=t3)
    assert info2.value.code == "handover_accepted"

    # Every write is audited with a fingerprint of the frozen report.
    with session_factory(w.engine)() as s:
        al = models.AuditLog
        rows = s.execute(select(al.action, al.actor, al.after).where(
            al.entity == "handover", al.entity_id == v.id).order_by(al.id)).all()  # fmt: skip
    assert [(r.action, r.actor) for r in rows] == [
        ("handover_submit", "a.duty"), ("handover_reject", "c.duty"),
        ("handover_answer", "a.duty"), ("handover_accept", "c.duty")]  # fmt: skip
    assert rows[0].after["snapshot_digest"] != rows[2].after["snapshot_digest"]


def test_accepted_snapshot_is_frozen(world: World) -> None:
    w = world
    v = _submit(w, "a.duty")
    v = _act(w, handover.accept, "c.duty", v.id, v.version)
    frozen = v.report
    assert frozen is not None
    # Later the data changes: the overdue case is resolved and a late report is back-dated.
    with transaction(session_factory(w.engine)) as s:
        s.execute(update(models.Incident).where(models.Incident.id == w.ids["before"]).values(
            status="resolved", is_open=False, resolved_at=AFTER + timedelta(hours=1)))  # fmt: skip
        _incident(s, w.t, "backdated", w.t.g1, T0 + timedelta(hours=7), [])
    later = _report(w, now=AFTER + timedelta(hours=2))
    assert later.opened_total == 4 and later.overdue_total == 0  # a fresh build sees the change
    with session_factory(w.engine)() as s:
        again = handover.view(s, w.s1)
    assert again is not None and again.report == frozen  # the signed one does not
    assert frozen.opened_total == 3 and frozen.overdue_total == 1


def test_unconfirmed_handover_counts_against_mechanism(world: World) -> None:
    w = world
    with transaction(session_factory(w.engine)) as s:  # the shift before S1 was signed in time
        s.add(models.Handover(shift_id=w.s0, status="accepted", submitted_at=T0,
                              submitted_by=w.staff["丙"], accepted_at=T0,
                              accepted_by=w.staff["甲"]))  # fmt: skip

    def mechanism(now: datetime) -> tuple[bool, str]:
        clock = wall_queries.Clock.at(now, "Asia/Shanghai")
        with w.engine.connect() as conn:
            center = conn.execute(select(models.CommandCenter).where(
                models.CommandCenter.id == w.center)).first()  # fmt: skip
            sh = conn.execute(select(models.Shift).where(models.Shift.id == w.s2)).first()
            haves = wall_queries.four_haves(conn, center, sh, clock)
        mech = haves[3]
        return mech.met, mech.reason

    late = END + timedelta(hours=2)
    assert mechanism(late)[0] is False  # nobody submitted
    v = _submit(w, "a.duty", now=END + timedelta(minutes=30))
    assert mechanism(late)[0] is False  # submitted but not confirmed
    _act(w, handover.accept, "c.duty", v.id, v.version, now=END + timedelta(minutes=40))
    assert mechanism(late) == (True, "24小时值守 · 交接班正常")


def test_review_search(world: World) -> None:
    w = world
    v = _submit(w, "a.duty", notes="景区客流较大，夜间注意")
    _act(w, handover.reject, "c.duty", v.id, v.version, "限流措施持续到几点？")
    f = session_factory(w.engine)
    now = AFTER + timedelta(hours=3)

    def search(**kw: object) -> list[tuple[int, str]]:
        with f() as s:
            rows = handover.handovers(s, w.center, handover.HandoverSearch(**kw), now=now)  # type: ignore[arg-type]
        return [(r.shift_id, r.status) for r in rows]

    assert search() == [(w.s1, "rejected"), (w.s0, "missing")]  # newest first; S2 not ended
    assert search(officer="甲") == [(w.s1, "rejected")]
    assert search(officer="丙") == [(w.s1, "rejected"), (w.s0, "missing")]  # incoming / on S0
    assert search(officer="无此人") == []
    assert search(text="景区客流") == [(w.s1, "rejected")]  # the notes
    assert search(text="限流措施") == [(w.s1, "rejected")]  # the question
    assert search(text="加强景区巡逻") == [(w.s1, "rejected")]  # the duty log
    assert search(text="找不到的内容") == []
    # S0 starts 2026-03-01 20:00 China time, S1 2026-03-02 08:00.
    assert search(date_from=date(2026, 3, 2)) == [(w.s1, "rejected")]
    assert search(date_to=date(2026, 3, 1)) == [(w.s0, "missing")]
    with f() as s:
        rows = handover.handovers(s, w.center, now=now)
    assert rows[0].submitted_by == "甲" and rows[0].late  # not accepted 3 h after the end
    assert rows[0].has_report and not rows[1].has_report


def test_duty_log_is_append_only(world: World) -> None:
    w = world
    f = session_factory(w.engine)
    with f() as s:
        entries = duty_log.entries(s, w.s1)
    assert [(e.author, e.kind) for e in entries] == [("甲", "event"), ("领导一", "instruction"),
                                                     ("甲", "correction")]  # fmt: skip
    # Not on the roster, a correction of another shift's entry, empty text: refused.
    for login, kind, text, corrects, code in (
        ("c.duty", "event", "x", None, "not_on_roster"),
        ("a.duty", "correction", "x", None, "corrects"),
        ("a.duty", "event", "x", entries[0].id, "corrects"),
        ("a.duty", "event", "  ", None, "log_text"),
        ("a.duty", "note", "x", None, "log_kind"),
    ):
        with pytest.raises((NotAllowed, InvalidInput)) as info:
            with transaction(f) as s:
                duty_log.write(s, w.actor(login), w.s1, kind, text, corrects_id=corrects,
                               now=T0 + timedelta(hours=5))  # fmt: skip
        assert info.value.code == code
    with f() as s:
        assert s.scalar(select(func.count()).select_from(models.DutyLog)) == 3
        # The module offers no update: entries keep their first text.
        assert duty_log.entries(s, w.s1)[0].text == "09:10 一镇路口发生交通事故，已处置"


def test_roster(world: World) -> None:
    w = world
    f = session_factory(w.engine)
    with f() as s:
        assert roster.last_ended_shift(s, w.center, AFTER).id == w.s1  # type: ignore[union-attr]
        assert roster.current_shift(s, w.center, AFTER).id == w.s2  # type: ignore[union-attr]
        assert roster.next_shift(s, w.s1).id == w.s2  # type: ignore[union-attr]
        assert roster.incoming_officer(s, w.s1) == w.staff["丙"]
        assert roster.last_ended_shift(s, w.center, T0 - timedelta(days=1)) is None
    pats = roster.parse_patterns(["08:00-20:00", "20:00-08:00"])
    assert [(p.start.hour, p.hours) for p in pats] == [(8, 12.0), (20, 12.0)]
    three = roster.parse_patterns(["08:00-16:00", "16:00-00:00", "00:00-08:00"])
    assert [p.label for p in three] == ["08:00-16:00", "16:00-00:00", "00:00-08:00"]
    for bad in (["08:00-20:00"], ["08:00-20:00", "21:00-08:00"], ["8h-20h"]):
        with pytest.raises(InvalidInput):
            roster.parse_patterns(bad)
    with transaction(f) as s:
        made = roster.extend_roster(s, w.actor("l.leader"), w.center, END + timedelta(days=2),
                                    pats, now=AFTER)  # fmt: skip
    assert [m.starts_at for m in made] == [END + timedelta(hours=12 * k) for k in range(1, 4)]
    assert all(m.ends_at - m.starts_at == timedelta(hours=12) for m in made)
    assert made[0].duty_officer != "丙"  # turns move on from the last shift
    # Check-in: only an officer of the shift, once, and only when it is on.
    with transaction(f) as s:
        s.execute(update(models.Shift).where(models.Shift.id == w.s2).values(checked_in_at=None))
    _refused("not_on_roster", NotAllowed, _check_in, w, "a.duty", w.s2, END)
    _refused(
        "not_on_now", InvalidTransition, _check_in, w, "c.duty", w.s2, END - timedelta(hours=2)
    )
    assert _check_in(w, "c.duty", w.s2, END - timedelta(minutes=5)).checked_in_at == END - timedelta(
        minutes=5)  # fmt: skip
    _refused("checked_in", InvalidTransition, _check_in, w, "c.duty", w.s2, END)


def _check_in(w: World, login: str, shift_id: int, now: datetime) -> roster.ShiftInfo:
    with transaction(session_factory(w.engine)) as s:
        return roster.check_in(s, w.actor(login), shift_id, now=now)
