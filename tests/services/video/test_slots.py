"""Video wall slots persist per layout and center; cameras are found by subtree and distance."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from services import accounts, video
from services.errors import InvalidInput, NotAllowed
from services.store import db, models


def busiest_county(session: Session) -> str:
    """The demo county with the most cameras (the same on both backends)."""
    cam = models.Camera
    row = session.execute(
        select(cam.county_code, func.count())
        .group_by(cam.county_code)
        .order_by(func.count().desc(), cam.county_code)
        .limit(1)
    ).one()
    return str(row[0])


def test_slots_are_saved_per_layout_and_restored_after_a_restart(
    demo_engine: Engine, demo_url: str
) -> None:
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        county = busiest_county(s)
        leader = accounts.actor_for(s, f"{county}.leader")
        viewer = accounts.actor_for(s, f"{county}.viewer")
        first = video.load_wall(s, leader)
        cams = video.list_cameras(s, leader)
    assert first.layout == 4 and all(slot.empty for slot in first.slots)
    assert len(cams) >= 9

    with db.transaction(factory) as s:
        state = video.show_camera(s, leader, cams[0].id)
    assert state.slot(0).source is not None and state.slot(0).source.source_id == cams[0].id
    assert state.slot(0).label == cams[0].name

    with db.transaction(factory) as s:
        video.set_active(s, leader, 2)
        state = video.show_camera(s, leader, cams[1].id)  # goes to the active slot
        assert state.active_index == 2 and state.slot(2).source.source_id == cams[1].id  # type: ignore[union-attr]
        state = video.choose_layout(s, leader, 9)
        assert all(slot.empty for slot in state.slots), "layout 9 has its own slots"
        state = video.fill_free(s, leader, [c.source() for c in cams[2:11]])
        state = video.set_pinned(s, leader, 4, True)
    assert [slot.source.source_id for slot in state.slots] == [c.id for c in cams[2:11]]  # type: ignore[union-attr]
    # At 9 slots cameras play their sub-stream, at 4 the main stream.
    assert state.slot(0).source.url_for(9) == cams[2].sub_stream_url  # type: ignore[union-attr]
    assert state.slot(0).source.url_for(4) == cams[2].stream_url  # type: ignore[union-attr]
    assert state.slot(0).play_url().endswith("_sub.mp4")

    with db.transaction(factory) as s:
        video.choose_layout(s, leader, 4)
        with pytest.raises(NotAllowed):
            video.show_camera(s, viewer, cams[3].id)
        with pytest.raises(InvalidInput):
            video.choose_layout(s, leader, 5)

    # A restart: a new engine and session read what was saved.
    demo_engine.dispose()
    fresh = db.make_engine(demo_url)
    try:
        with db.transaction(db.session_factory(fresh)) as s:
            back = video.load_wall(s, leader)
            assert back.layout == 4 and back.active_index == 2
            assert back.slot(0).source.source_id == cams[0].id  # type: ignore[union-attr]
            assert back.slot(2).source.source_id == cams[1].id  # type: ignore[union-attr]
            assert back.slot(1).empty and back.slot(3).empty
            nine = video.choose_layout(s, leader, 9)
            assert nine.slot(4).pinned and not nine.slot(3).pinned
            # A pinned slot keeps its camera: showing another goes to a slot not pinned.
            video.set_active(s, leader, 4)
            after = video.show_camera(s, leader, cams[0].id)
            assert after.slot(4).source.source_id == cams[6].id  # type: ignore[union-attr]
            assert after.slot(0).source.source_id == cams[0].id  # type: ignore[union-attr]
            audited = s.scalar(
                select(func.count()).select_from(models.AuditLog)
                .where(models.AuditLog.action.startswith("video."),
                       models.AuditLog.actor == leader.login)
            )  # fmt: skip
        assert audited is not None and audited >= 14
    finally:
        fresh.dispose()


def test_nearest_cameras_are_the_subtree_cameras_by_distance(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        county = busiest_county(s)
        leader = accounts.actor_for(s, f"{county}.leader")
        every = list(
            s.scalars(
                select(models.Camera).where(
                    models.Camera.county_code == county, models.Camera.online.is_(True)
                )
            )
        )
        origin = every[0]
        lon, lat = origin.lon + 0.003, origin.lat - 0.002
        near = video.nearest_cameras(s, leader, lon, lat, count=4, radius_m=200_000)
        outside = s.scalar(select(models.Camera).where(models.Camera.county_code != county))
        assert outside is not None
        with pytest.raises(NotAllowed):
            video.camera(s, leader, outside.id)
    expected = sorted(every, key=lambda c: (video.distance_m(lon, lat, c.lon, c.lat), c.id))[:4]
    assert [c.id for c in near] == [c.id for c in expected]
    dists = [c.distance_m for c in near]
    assert dists == sorted(dists)  # type: ignore[type-var]
    assert dists[0] == pytest.approx(video.distance_m(lon, lat, origin.lon, origin.lat), abs=0.1)


def test_assign_refuses_a_camera_outside_the_area_and_plays_stored_streams(
    demo_engine: Engine,
) -> None:
    """`assign` and `fill_free` make the check `camera()` makes: another county's camera is
    refused (nothing written), and a camera of the area plays its own stored stream."""
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        county = busiest_county(s)
        leader = accounts.actor_for(s, f"{county}.leader")
        outside = s.scalar(select(models.Camera).where(models.Camera.county_code != county))
        inside = video.list_cameras(s, leader)[0]
        assert outside is not None
        foreign = video.Source("camera", outside.id, outside.name, outside.stream_url)
        slots_before = s.scalar(select(func.count()).select_from(models.VideoSlot))
    with db.transaction(factory) as s, pytest.raises(NotAllowed, match="outside"):
        video.assign(s, leader, foreign)
    with db.transaction(factory) as s, pytest.raises(NotAllowed, match="outside"):
        video.fill_free(s, leader, [inside.source(), foreign])
    with db.transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(models.VideoSlot)) == slots_before
        forged = video.Source("camera", inside.id, "", "rtsp://elsewhere/stream")
        state = video.assign(s, leader, forged)
    slot = state.slot(state.active_index)
    assert slot.source is not None and slot.source.stream_url == inside.stream_url
    assert slot.label == inside.name


def test_a_plans_layout_places_every_camera_in_one_write(demo_engine: Engine) -> None:
    """启动预案's video step: the layout and all its cameras, slot by slot, in one
    transaction; a pinned slot of the old layout does not push a camera elsewhere, and a
    camera outside the area refuses the whole step."""
    factory = db.session_factory(demo_engine)
    with db.transaction(factory) as s:
        county = busiest_county(s)
        leader = accounts.actor_for(s, f"{county}.leader")
        cams = [c.id for c in video.list_cameras(s, leader)][:9]
        outside = s.scalar(select(models.Camera.id).where(models.Camera.county_code != county))
    assert len(cams) == 9 and outside is not None
    with db.transaction(factory) as s:
        video.choose_layout(s, leader, 9)
        video.show_camera(s, leader, cams[-1], 0)
        video.set_pinned(s, leader, 0, True)
    with db.transaction(factory) as s:
        state = video.show_layout(s, leader, 9, cams + [outside])  # one more than its slots
    assert state.layout == 9 and state.active_index == 0
    assert [slot.source.source_id if slot.source else None for slot in state.slots] == cams
    with pytest.raises(NotAllowed), db.transaction(factory) as s:
        video.show_layout(s, leader, 4, [cams[0], outside])
    with factory() as s:
        again = video.load_wall(s, leader)
    assert again.layout == 9  # the refused step changed nothing
