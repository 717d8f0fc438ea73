"""The video panel end to end on the demo: cameras in slots, nearest cameras pinned, layouts
restored after a restart, and a conference with roll call, minutes and its record."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from services import accounts, video
from services.accounts import Actor
from services.demo import media as demo_media
from services.policies import Policies
from services.store import db, models
from services.video import conference
from tests.services.video.test_slots import busiest_county
from tests.support.language import english  # noqa: E402
from tests.support.typing_kit import type_text

DEFAULTS = Policies.defaults()


pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs Debian's ffmpeg")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small stand-ins for every demo clip (320×180, 2 s), made once for the module."""
    folder = tmp_path_factory.mktemp("media")
    specs = [replace(s, width=320, height=180, seconds=2) for s in demo_media.demo_specs()]
    demo_media.ensure_clips(folder, specs)
    return folder


@pytest.fixture
def demo_sqlite(demo_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def leader(demo_sqlite: str) -> Iterator[Actor]:
    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        actor = accounts.actor_for(s, f"{busiest_county(s)}.leader")
    engine.dispose()
    yield actor



def make_panel(qtbot: QtBot, url: str, actor: Actor, media: Path):  # type: ignore[no-untyped-def]
    from ui.video.panel import VideoPanel

    panel = VideoPanel(url, actor, media_dir=media,
                       tile_options={"backoff_start_ms": 300, "stall_ms": 2000}, incident_policy=DEFAULTS.incidents)  # fmt: skip
    qtbot.addWidget(panel)
    panel.resize(1600, 900)
    panel.show()
    qtbot.waitUntil(lambda: panel.state() is not None and panel.camera_list.count() > 0)
    return panel


def test_cameras_fill_slots_and_the_layout_survives_a_restart(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path, tmp_path: Path
) -> None:
    panel = make_panel(qtbot, demo_sqlite, leader, media)
    assert panel.state().layout == 4  # type: ignore[union-attr]
    assert all(panel.tile(i).state_text() == "无信号" for i in range(4))

    first = panel.camera_list.item(0)
    panel.camera_list.itemActivated.emit(first)  # the list, as a click would
    qtbot.waitUntil(lambda: panel.tile(0).state() == "playing", timeout=10_000)
    assert panel.tile(0).label() == first.text().replace("（离线）", "")
    assert panel.tile(0).is_active()

    panel.choose_layout(9)
    qtbot.waitUntil(lambda: panel.state().layout == 9)  # type: ignore[union-attr]
    assert sum(t.isVisible() for t in panel.tiles) == 9
    panel.select_slot(4)
    qtbot.waitUntil(lambda: panel.state().active_index == 4)  # type: ignore[union-attr]
    assert panel.tile(4).is_active() and not panel.tile(0).is_active()

    # An incident is selected: its nearest cameras fill the free slots, pinned.
    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        cam = s.scalar(select(models.Camera).where(models.Camera.county_code == leader.region_code,
                                                   models.Camera.online.is_(True)))  # fmt: skip
        assert cam is not None
        expected = video.nearest_cameras(s, leader, cam.lon, cam.lat)
    engine.dispose()
    panel.offer_cameras_near(cam.lon, cam.lat)
    qtbot.waitUntil(lambda: panel.fill_button.isEnabled())
    assert [c.id for c in panel.offered()] == [c.id for c in expected]
    panel.fill_button.click()
    want = min(9, len(expected))
    qtbot.waitUntil(lambda: sum(not t.empty for t in panel.state().slots) == want)  # type: ignore[union-attr]
    state = panel.state()
    assert state is not None and want >= 4
    filled = [s for s in state.slots if s.source]
    assert [s.source.source_id for s in filled] == [c.id for c in expected[:want]]  # type: ignore[union-attr]
    assert all(s.pinned for s in filled)
    qtbot.waitUntil(lambda: all(panel.tile(s.index).state() == "playing" for s in filled),
                    timeout=15_000)  # fmt: skip
    assert all(panel.tile(s.index).state_text() == "无信号" for s in state.slots if s.empty)
    # At 9 slots cameras play their sub-stream.
    assert panel.tile(0).url().endswith("_sub.mp4")
    panel.grab().save(str(tmp_path / "video_panel.png"))

    panel.shutdown()
    panel.close()

    again = make_panel(qtbot, demo_sqlite, leader, media)
    back = again.state()
    assert back is not None and back.layout == 9 and back.active_index == state.active_index
    assert [s.source.source_id if s.source else None for s in back.slots] == [
        s.source.source_id if s.source else None for s in state.slots
    ]
    assert [s.pinned for s in back.slots] == [s.pinned for s in state.slots]
    qtbot.waitUntil(lambda: all(again.tile(s.index).state() == "playing" for s in filled),
                    timeout=15_000)  # fmt: skip
    again.shutdown()


def test_a_second_console_of_the_center_follows_the_panel_through_the_feed(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path
) -> None:
    """The leader's desk console sets up the video; the wall console (the duty account of
    the same center, its own engine) shows the same layout and cameras without a reload."""
    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        duty = accounts.actor_for(s, f"{leader.region_code}.duty")
    engine.dispose()
    assert duty.center_id == leader.center_id
    desk = make_panel(qtbot, demo_sqlite, leader, media)
    wall = make_panel(qtbot, demo_sqlite, duty, media)
    assert wall.state().layout == 4  # type: ignore[union-attr]

    desk.choose_layout(6)
    camera = desk.camera_list.item(1)
    desk.camera_list.itemActivated.emit(camera)
    qtbot.waitUntil(lambda: desk.state().slots[0].source is not None, timeout=10_000)  # type: ignore[union-attr]
    shown = desk.state().slots[0].source  # type: ignore[union-attr]

    def followed() -> bool:
        st = wall.state()
        return st is not None and st.layout == 6 and st.slots[0].source == shown
    qtbot.waitUntil(followed, timeout=10_000)
    assert sum(t.isVisible() for t in wall.tiles) == 6
    qtbot.waitUntil(lambda: wall.tile(0).state() == "playing", timeout=15_000)

    desk.clear_active()  # clearing (no layout change) reaches the wall too
    qtbot.waitUntil(lambda: wall.state().slots[0].source is None, timeout=10_000)  # type: ignore[union-attr]
    assert wall.tile(0).state_text() == "无信号"
    desk.shutdown()
    wall.shutdown()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_conference_roll_call_marks_a_dead_room_absent_and_keeps_the_record(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path
) -> None:
    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        rooms = conference.rooms(s, leader)
        towns = [r for r in rooms if r.kind == "center" and r.level == "township"][:3]
        depts = [r for r in rooms if r.kind == "department"][:2]
        # The second department's room is unreachable: nothing listens on that port.
        s.execute(update(models.Department).where(models.Department.id == depts[1].id)
                  .values(room_stream_url=f"http://127.0.0.1:{free_port()}/room.ts"))  # fmt: skip
    engine.dispose()

    panel = make_panel(qtbot, demo_sqlite, leader, media)
    panel.open_conference()
    conf = panel.conference_panel()
    assert conf is not None
    conf.roll_call_ms = 6000
    qtbot.waitUntil(lambda: conf.room_list.count() > 0)
    conf.title_edit.setText("景区客流激增应急会商")
    conf.check_rooms([r.key for r in towns + depts])
    conf.convene_button.click()
    qtbot.waitUntil(lambda: conf.record is not None and conf.pages.currentIndex() == 1)
    qtbot.waitUntil(lambda: panel.state().layout == 6)  # type: ignore[union-attr]
    record = conf.record
    assert record is not None
    labels = {panel.tile(p.slot_index).label() for p in record.participants}  # type: ignore[arg-type]
    assert labels == {r.name for r in towns + depts}

    conf.roll_button.click()
    qtbot.waitUntil(lambda: conf.record is not None and all(
        p.present is not None for p in conf.record.participants), timeout=15_000)  # fmt: skip
    called = {p.label: p.present for p in conf.record.participants}
    assert called == {r.name: r.key != depts[1].key for r in towns + depts}
    dead = next(p for p in conf.record.participants if p.label == depts[1].name)
    assert panel.tile(dead.slot_index).state() == "lost"  # type: ignore[arg-type]
    assert panel.tile(dead.slot_index).state_text() == "信号中断"  # type: ignore[arg-type]

    conf.kind_box.setCurrentIndex(1)
    conf.minute_text.setText("增派警力疏导入口车辆")
    conf.owner_edit.setText("县公安局")
    conf.add_button.click()
    qtbot.waitUntil(lambda: conf.minutes.rowCount() == 1)
    assert conf.minutes.item(0, 3).text() == "县公安局"
    conf.end_button.click()
    qtbot.waitUntil(lambda: conf.pages.currentIndex() == 2)
    html = conf.record_view.toPlainText()
    assert "景区客流激增应急会商" in html and "增派警力疏导入口车辆" in html and "4/5" in html
    # Afterwards the record stays readable from the list of past conferences.
    conf.new_button.click()
    qtbot.waitUntil(lambda: conf.pages.currentIndex() == 0 and conf.history.count() == 1)
    assert "景区客流激增应急会商" in conf.history.item(0).text()
    conf._history_activated(conf.history.item(0))
    assert conf.pages.currentIndex() == 2
    assert "增派警力疏导入口车辆" in conf.record_view.toPlainText()
    panel.shutdown()

    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        stored = conference.conference_record(s, record.id)
    engine.dispose()
    assert stored.ended_at is not None and stored.present_count == 4
    assert [(m.kind, m.owner) for m in stored.minutes] == [("task", "县公安局")]


def _scene(panel) -> list[tuple[int, str, int | None]]:  # type: ignore[no-untyped-def]
    st = panel.state()
    assert st is not None
    return [(sl.index, sl.source.kind, sl.source.source_id) for sl in st.slots if sl.source]


def test_a_conference_over_a_plan_layout_keeps_the_scene_knows_the_case_and_gives_the_layout_back(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path
) -> None:
    from PySide6.QtCore import QRect, Qt

    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        iid = s.scalar(select(models.Incident.id).where(
            models.Incident.county_code == leader.region_code, models.Incident.is_open)
            .order_by(models.Incident.id).limit(1))  # fmt: skip
        rooms = [r for r in conference.rooms(s, leader) if r.kind == "center"][:4]
    engine.dispose()
    assert iid is not None
    panel = make_panel(qtbot, demo_sqlite, leader, media)
    try:
        # The plan's layout: 16 slots, 6 scene cameras put in by hand (click a slot, pick).
        qtbot.mouseClick(panel.layout_buttons.button(16), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.state().layout == 16)  # type: ignore[union-attr]
        for k in range(6):
            qtbot.mouseClick(panel.tile(k), Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda k=k: panel.state().active_index == k)  # type: ignore[union-attr]
            panel.camera_list.setCurrentRow(k)
            qtbot.keyClick(panel.camera_list, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda k=k: panel.state().slot(k).source is not None)  # type: ignore[union-attr]
        before = _scene(panel)
        assert len(before) == 6 and all(kind == "camera" for _, kind, _ in before)

        # A case is in focus: the conference is held for it, and opens below the header.
        panel.set_focus_incident(iid)
        panel.conference_area = lambda: QRect(0, 120, 1600, 780)
        qtbot.mouseClick(panel.conference_button, Qt.MouseButton.LeftButton)
        conf = panel.conference_panel()
        assert conf is not None
        qtbot.waitUntil(lambda: conf.isVisible() and conf.room_list.count() > 0)
        assert conf.geometry().top() >= 120
        assert f"#{iid}" in conf.incident_label.text() and "未关联" not in conf.incident_label.text()
        conf.check_rooms([r.key for r in rooms])
        qtbot.mouseClick(conf.convene_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.record is not None and conf.pages.currentIndex() == 1)
        qtbot.waitUntil(lambda: len(_scene(panel)) == 10)
        during = _scene(panel)
        assert panel.state().layout == 16 and during[:6] == before  # type: ignore[union-attr]
        assert {(kind, sid) for _, kind, sid in during[6:]} == {r.key for r in rooms}
        assert conf.record is not None and conf.record.incident_id == iid

        # The 决定/任务 picker shows its words, not "…", even in a narrow window.
        conf.resize(640, 700)
        qtbot.waitUntil(lambda: conf.kind_box.width() >= conf.kind_box.sizeHint().width())
        assert [conf.kind_box.itemText(i) for i in range(conf.kind_box.count())] == ["决定", "任务"]
        # A decision of a conference held for a case becomes a task of that case.
        type_text(qtbot, conf.minute_text, "景区即刻限流")
        type_text(qtbot, conf.owner_edit, "县应急管理局")
        qtbot.mouseClick(conf.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.minutes.rowCount() == 1)
        conf.minutes.selectRow(0)
        assert conf.task_button.isEnabled()
        qtbot.mouseClick(conf.task_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.status.text() == "已转为事件任务")
        # The status line and the conference on screen follow the language switch, and back.
        with english():
            qtbot.waitUntil(lambda: conf.status.text() == "Made an incident task")
            assert conf.end_button.text() == "End conference"
            assert conf.minutes.item(0, 1).text() == "Decision"
        qtbot.waitUntil(lambda: conf.status.text() == "已转为事件任务")
        assert conf.minutes.item(0, 1).text() == "决定"

        # Esc closes the window; the conference goes on and the button brings it back.
        qtbot.keyClick(conf, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not conf.isVisible())
        qtbot.mouseClick(panel.conference_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.isVisible() and conf.pages.currentIndex() == 1)
        qtbot.mouseClick(conf.end_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.pages.currentIndex() == 2)
        qtbot.waitUntil(lambda: _scene(panel) == before)
        assert panel.state().layout == 16  # type: ignore[union-attr]
        qtbot.mouseClick(conf.close_button, Qt.MouseButton.LeftButton)
        assert not conf.isVisible()
    finally:
        panel.shutdown()


def test_a_conference_without_a_case_says_so_in_words(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path
) -> None:
    from PySide6.QtCore import Qt

    from services.errors import InvalidInput
    from ui.kit.refusal import error_text

    panel = make_panel(qtbot, demo_sqlite, leader, media)
    try:
        qtbot.mouseClick(panel.conference_button, Qt.MouseButton.LeftButton)
        conf = panel.conference_panel()
        assert conf is not None
        qtbot.waitUntil(lambda: conf.room_list.count() > 0)
        assert conf.incident_label.text() == "未关联事件"
        conf.check_rooms([tuple(conf.room_list.item(0).data(Qt.ItemDataRole.UserRole))])  # type: ignore[list-item]
        qtbot.mouseClick(conf.convene_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.pages.currentIndex() == 1)
        assert not conf.task_button.isEnabled()  # the service says: no case, no tasks
        refusal = InvalidInput("the conference was not held for an incident",
                               code="conference_no_incident")  # fmt: skip
        assert error_text(refusal, domain="video") == "本次会商未关联事件，不能转为事件任务"
        # ... and in English after the switch (the refusal kit's table has its English).
        from PySide6.QtWidgets import QApplication

        from ui.kit.i18n import install_language

        app = QApplication.instance()
        install_language(app, "en")
        try:
            assert error_text(refusal, domain="video") == (
                "This conference is not linked to an incident; no incident task can be made")
            qtbot.waitUntil(lambda: conf.close_button.text() == "Close")
        finally:
            install_language(app, "zh_CN")
        qtbot.mouseClick(conf.end_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: conf.pages.currentIndex() == 2)
    finally:
        panel.shutdown()


def test_the_status_line_follows_the_language_switch(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path
) -> None:
    """A message said in Chinese reads in English after the switch, and back (it is kept
    as its key and values, not as the text it was said in)."""
    engine = db.make_engine(demo_sqlite)
    with db.transaction(db.session_factory(engine)) as s:
        cam = s.scalar(select(models.Camera).where(models.Camera.county_code == leader.region_code))
        assert cam is not None
        n = len(video.nearest_cameras(s, leader, cam.lon, cam.lat))
    engine.dispose()
    panel = make_panel(qtbot, demo_sqlite, leader, media)
    try:
        panel.offer_cameras_near(cam.lon, cam.lat)
        qtbot.waitUntil(lambda: panel.status.text() == f"事件附近 {n} 个监控")
        with english():
            qtbot.waitUntil(lambda: panel.status.text() == f"{n} cameras near incident")
            assert panel.fill_button.text() != "附近监控填入空位"
        qtbot.waitUntil(lambda: panel.status.text() == f"事件附近 {n} 个监控")
    finally:
        panel.shutdown()


def test_the_conference_window_follows_the_wall_scale(
    qtbot: QtBot, demo_sqlite: str, leader: Actor, media: Path
) -> None:
    """At 3840×2160 (scale 2) the conference reads like the wall: every text twice its
    1080p size (>= 32 px), the window twice as large, within the area it opens in."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontInfo

    from ui.video.conference_panel import FONT_PX, SIZE

    panel = make_panel(qtbot, demo_sqlite, leader, media)
    try:
        panel.set_ui_scale(2.0)
        panel.conference_area = lambda: QRect(0, 240, 3840, 1900)
        qtbot.mouseClick(panel.conference_button, Qt.MouseButton.LeftButton)
        conf = panel.conference_panel()
        assert conf is not None
        qtbot.waitUntil(lambda: conf.isVisible() and conf.room_list.count() > 0)
        for w in (conf.close_button, conf.convene_button, conf.incident_label,
                  conf.history_title, conf.room_list, conf.title_edit):  # fmt: skip
            assert QFontInfo(w.font()).pixelSize() == 2 * FONT_PX >= 32, w
        assert (conf.width(), conf.height()) == (2 * SIZE[0], 2 * SIZE[1])
        assert conf.geometry().top() >= 240
        panel.set_ui_scale(1.0)  # back to 1080p: it follows while open
        qtbot.waitUntil(lambda: QFontInfo(conf.convene_button.font()).pixelSize() == FONT_PX)
        assert (conf.width(), conf.height()) == SIZE
    finally:
        panel.shutdown()
