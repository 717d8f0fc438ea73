"""视频会商: convene with rooms in slots, roll call, minutes, end, and the handover's read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from services import accounts, video
from services.errors import InvalidInput, InvalidTransition, NotAllowed
from services.policies import Policies
from services.store import db, models
from services.video import conference
from tests.services.video.test_slots import busiest_county

DEFAULTS = Policies.defaults()


def test_a_county_conference_from_convening_to_the_handover_record(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    t0 = models.utcnow().replace(microsecond=0)
    with db.transaction(factory) as s:
        county = busiest_county(s)
        leader = accounts.actor_for(s, f"{county}.leader")
        viewer = accounts.actor_for(s, f"{county}.viewer")
        rooms = conference.rooms(s, leader)
        towns = [r for r in rooms if r.kind == "center" and r.level == "township"][:3]
        depts = [r for r in rooms if r.kind == "department"][:2]
        assert len(towns) == 3 and len(depts) == 2
        assert all(r.stream_url.startswith("demo://room/") for r in towns + depts)
        # Another county's room is not below this one.
        other = s.scalar(
            select(models.CommandCenter).where(
                models.CommandCenter.level == "county",
                models.CommandCenter.id != leader.center_id,
            )
        )
        assert other is not None and ("center", other.id) not in {r.key for r in rooms}
        with pytest.raises(NotAllowed):
            conference.convene(s, leader, "越界", [("center", other.id)])
        with pytest.raises(NotAllowed):
            conference.convene(s, viewer, "无权限", [towns[0].key])
        with pytest.raises(InvalidInput):
            conference.convene(s, leader, "无人参会", [])
        # Four nearest cameras pinned before the meeting (the flow on the wall).
        cams = video.list_cameras(s, leader)[:4]
        video.choose_layout(s, leader, 4)
        video.fill_free(s, leader, [c.source() for c in cams], pin=True)

    with db.transaction(factory) as s:
        incident = s.scalar(
            select(models.Incident).where(models.Incident.county_code == county)
            .order_by(models.Incident.id).limit(1)
        )  # fmt: skip
        assert incident is not None
        conf_id = conference.convene(
            s, leader, "景区客流激增应急会商", [r.key for r in towns + depts],
            incident_id=incident.id, at=t0,
        )  # fmt: skip
        wall = video.load_wall(s, leader)
    # Five rooms plus four pinned cameras: the wall grows to 9 slots, cameras kept.
    assert wall.layout == 9
    shown = {(sl.source.kind, sl.source.source_id) for sl in wall.slots if sl.source}
    assert {("camera", c.id) for c in cams} <= shown
    assert {r.key for r in towns + depts} <= shown

    with db.transaction(factory) as s:
        record = conference.conference_record(s, conf_id)
        parts = record.participants
        assert [p.label for p in parts] == [r.name for r in towns + depts]
        slots = [p.slot_index for p in parts]
        assert None not in slots and len(set(slots)) == 5
        for p in parts:
            assert wall.slot(p.slot_index).source.source_id == p.room_id  # type: ignore[arg-type, union-attr]
        # Roll call: the second township's stream did not play.
        results = {p.id: p.room_id != towns[1].id or p.kind != "center" for p in parts}
        record = conference.record_roll_call(s, leader, conf_id, results,
                                             at=t0 + timedelta(minutes=1))  # fmt: skip
        assert record.present_count == 4
        assert [p.label for p in record.absent] == [towns[1].name]
        with pytest.raises(InvalidInput):
            conference.record_roll_call(s, leader, conf_id, {10**9: True})
        decision = conference.add_minute(s, leader, conf_id, "decision", "景区即刻限流，启动二级响应",
                                         "县应急管理局", at=t0 + timedelta(minutes=5))  # fmt: skip
        task_id = conference.decision_to_task(s, leader, decision, policy=DEFAULTS.incidents)
        task = s.get(models.Incident, task_id)
        assert task is not None and task.origin_id == incident.id and task.kind == "follow_up"
        assert "景区即刻限流" in task.description and task.source_channel == "conference"
        with pytest.raises(InvalidTransition):
            conference.decision_to_task(s, leader, decision, policy=DEFAULTS.incidents)
        conference.add_minute(s, leader, conf_id, "task", "增派警力疏导入口车辆",
                              "县公安局", at=t0 + timedelta(minutes=6))  # fmt: skip
        with pytest.raises(InvalidInput):
            conference.add_minute(s, leader, conf_id, "task", "没有责任人", " ")
        running = conference.running_conference(s, leader)
        assert running is not None and running.id == conf_id

    with db.transaction(factory) as s:
        ended = conference.end(s, leader, conf_id, at=t0 + timedelta(minutes=30))
        with pytest.raises(InvalidTransition):
            conference.add_minute(s, leader, conf_id, "decision", "会后补记", "值班员")
        assert conference.running_conference(s, leader) is None
        wall_after = video.load_wall(s, leader)
    assert ended.ended_at == t0 + timedelta(minutes=30)
    assert [(m.kind, m.owner) for m in ended.minutes] == [("decision", "县应急管理局"),
                                                          ("task", "县公安局")]  # fmt: skip
    assert ended.minutes[0].at == t0 + timedelta(minutes=5)
    assert ended.minutes[0].incident_id == task_id and ended.minutes[1].incident_id is None
    assert ended.incident_id == incident.id
    # Room slots are unpinned at the end; the pinned cameras stay pinned.
    for sl in wall_after.slots:
        if sl.source and sl.source.kind in ("center", "department"):
            assert not sl.pinned
        if sl.source and sl.source.kind == "camera":
            assert sl.pinned

    with db.transaction(factory) as s:
        shift = conference.conferences_between(s, leader.center_id or 0, t0 - timedelta(hours=1),
                                               t0 + timedelta(hours=11))  # fmt: skip
        before = conference.conferences_between(s, leader.center_id or 0,
                                                t0 - timedelta(hours=13), t0 - timedelta(hours=1))  # fmt: skip
        actions = set(
            s.scalars(
                select(models.AuditLog.action).where(
                    models.AuditLog.entity.startswith("conference")
                )
            )
        )
        changes = s.scalar(
            select(func.count()).select_from(models.ChangeRecord)
            .where(models.ChangeRecord.entity == "conference")
        )  # fmt: skip
    assert [c.id for c in shift] == [conf_id] and before == []
    assert shift[0].present_count == 4 and len(shift[0].minutes) == 2
    assert {"conference.convene", "conference.roll_call", "conference.decision",
            "conference.task", "conference.end"} <= actions  # fmt: skip
    assert changes is not None and changes >= 2  # the change feed saw it (other consoles)


def _shown(wall: video.VideoWallState) -> list[tuple[int, str, int | None, bool]]:
    return [(sl.index, sl.source.kind, sl.source.source_id, sl.pinned)
            for sl in wall.slots if sl.source is not None]  # fmt: skip


def test_a_conference_keeps_the_plans_scene_and_gives_the_layout_back(demo_engine: Engine) -> None:
    """A plan's 16-slot layout with 6 scene cameras: rooms take free slots, the cameras
    stay where they are, and the end restores exactly what was shown before."""
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        leader = accounts.actor_for(s, f"{busiest_county(s)}.leader")
        cams = video.list_cameras(s, leader)[:6]
        video.choose_layout(s, leader, 16)
        for k, cam in enumerate(cams):  # what a plan's layout does: unpinned scene cameras
            video.show_camera(s, leader, cam.id, index=k)
        before = video.load_wall(s, leader)
        rooms = [r for r in conference.rooms(s, leader) if r.kind == "center"][:4]
        cid = conference.convene(s, leader, "景区客流会商", [r.key for r in rooms])
        during = video.load_wall(s, leader)
        record = conference.conference_record(s, cid)
    assert len(_shown(before)) == 6
    assert during.layout == 16 and _shown(during)[:6] == _shown(before)
    assert sorted(p.slot_index for p in record.participants) == [6, 7, 8, 9]  # type: ignore[type-var]
    assert {(p.kind, p.room_id) for p in record.participants} == {r.key for r in rooms}
    assert not record.makes_tasks
    with db.transaction(factory) as s:
        minute = conference.add_minute(s, leader, cid, "decision", "限流", "县应急管理局")
        with pytest.raises(InvalidInput) as refused:
            conference.decision_to_task(s, leader, minute, policy=DEFAULTS.incidents)
        assert refused.value.code == "conference_no_incident"
    with db.transaction(factory) as s:
        conference.end(s, leader, cid)
        after = video.load_wall(s, leader)
    assert after.layout == 16 and _shown(after) == _shown(before)


def test_rooms_that_do_not_fit_grow_the_layout_and_the_end_shrinks_it_back(
    demo_engine: Engine,
) -> None:
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        leader = accounts.actor_for(s, f"{busiest_county(s)}.leader")
        cams = video.list_cameras(s, leader)[:3]
        video.choose_layout(s, leader, 4)
        for k, cam in enumerate(cams):
            video.show_camera(s, leader, cam.id, index=k)
        before = video.load_wall(s, leader)
        rooms = [r for r in conference.rooms(s, leader) if r.kind == "center"][:3]
        cid = conference.convene(s, leader, "会商", [r.key for r in rooms])
        during = video.load_wall(s, leader)
    assert during.layout == 6 and _shown(during)[:3] == _shown(before)
    with db.transaction(factory) as s:
        conference.end(s, leader, cid)
        after = video.load_wall(s, leader)
    assert after.layout == 4 and _shown(after) == _shown(before)


def test_a_room_seated_in_the_last_free_slot_leaves_it_at_the_end(demo_engine: Engine) -> None:
    """A plan's 16-slot layout with 15 scene cameras and two rooms: the layout cannot grow,
    so the first room takes the one free slot and the second has none (its own window).
    The end empties that slot and unpins it; the scene stays as it was."""
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        leader = accounts.actor_for(s, f"{busiest_county(s)}.leader")
        cams = video.list_cameras(s, leader)
        video.choose_layout(s, leader, 16)
        for k in range(15):
            video.show_camera(s, leader, cams[k % len(cams)].id, index=k)
        before = video.load_wall(s, leader)
        rooms = [r for r in conference.rooms(s, leader) if r.kind == "center"][:2]
        cid = conference.convene(s, leader, "会商", [r.key for r in rooms])
        during = video.load_wall(s, leader)
        record = conference.conference_record(s, cid)
    assert during.layout == 16 and _shown(during)[:15] == _shown(before)
    assert during.slots[15].source is not None and during.slots[15].source.kind == "center"
    assert sorted(p.slot_index for p in record.participants if p.slot_index is not None) == [15]
    with db.transaction(factory) as s:
        conference.end(s, leader, cid)
        after = video.load_wall(s, leader)
    assert after.layout == 16 and _shown(after) == _shown(before)
    assert after.slots[15].source is None and not after.slots[15].pinned
