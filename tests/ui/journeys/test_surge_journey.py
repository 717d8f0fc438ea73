"""The surge in a person's hands on the 西湖区 county console while the simulator drives
the scenic spot over its capacity from another process: the banner proposes the 一级 plan,
the duty officer starts it (预案), sends the proposed units (派遣), confirms the plan's
wall layout (16 slots, the scene's cameras), convenes a conference for the surge case
(视频会商), reads its 决定/任务 picker, ends it and gets the scene back, and closes the
conference window with its button and with Esc. Every step is a click or a key; each
asserts what is on screen."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QTabBar, QWidget

from tests.support.wall_lint import combo_text_room
from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    Simulator,
    click,
    fed,
    shown_case,
    sign_in,
)
from ui.app import Console
from ui.dispatch.panel import DispatchPanel

SURGE_WAIT = 90_000
# Set to a folder to save the README's pictures of this journey (the wall with its map, the
# plan's cameras and the conference; the English dispatch board): off in CI.
SHOTS = os.environ.get("JOURNEY_SHOTS")


def save_shot(c: Console, name: str, *windows: QWidget) -> None:
    """The wall as a person sees it, with the given top-level windows over it."""
    if not SHOTS:
        return
    picture = c.window.grab()
    painter = QPainter(picture)
    origin = c.window.mapToGlobal(c.window.rect().topLeft())
    for w in windows:
        painter.drawPixmap(w.frameGeometry().topLeft() - origin, w.grab())
    painter.end()
    assert picture.save(str(Path(SHOTS) / name))


def raise_dock(qtbot, c: Console, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click the tab of a tabbed dock (incidents and dispatch share their place)."""
    title = c.window.docks[name].windowTitle()
    for bar in c.window.findChildren(QTabBar):
        for i in range(bar.count()):
            if bar.isVisible() and bar.tabText(i) == title:
                click(qtbot, bar, bar.tabRect(i).center())
                qtbot.waitUntil(lambda: c.window.panels[name].isVisible(), timeout=WAIT)
                return
    assert c.window.panels[name].isVisible(), f"no tab for {name!r}"


def pick_page(qtbot, panel: DispatchPanel, page: int) -> None:  # type: ignore[no-untyped-def]
    tabs = panel.tabs
    click(qtbot, tabs, tabs.tabRect(page).center())
    qtbot.waitUntil(lambda: panel.pages.currentIndex() == page, timeout=WAIT)


def click_row(qtbot, table, row: int) -> None:  # type: ignore[no-untyped-def]
    index = table.model().index(row, 0)
    table.scrollTo(index)
    click(qtbot, table.viewport(), table.visualRect(index).center())


def cameras_shown(c: Console) -> list[tuple[int, int | None]]:
    st = c.video.state()
    if st is None:
        return []
    return [(sl.index, sl.source.source_id) for sl in st.slots
            if sl.source is not None and sl.source.kind == "camera"]  # fmt: skip


def layout(c: Console) -> int | None:
    st = c.video.state()
    return st.layout if st is not None else None


def test_surge_plan_dispatch_layout_conference_and_end(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str
) -> None:
    with Simulator(demo_url, rate=25, duration=900, seed=3, scenario="surge",
                   surge_minutes=0.05) as sim:  # fmt: skip
        c = walls(demo_url, COUNTY, with_map=bool(SHOTS))
        fed(qtbot, c)
        sign_in(qtbot, c, f"{COUNTY}.duty")
        panel = c.dispatch_panel

        # 1. The scenic spot passes 150 % of its capacity: the banner proposes the 一级 plan
        # (and brings the dispatch board to the front).
        qtbot.waitUntil(lambda: panel.surge_banner.isVisible() and "一级" in panel.surge_detail.text()
                        and bool(panel._surge) and panel._surge[0].alert_id is not None,
                        timeout=SURGE_WAIT)  # fmt: skip
        assert "西湖风景名胜区" in panel.surge_title.text()
        assert "景区大客流一级响应" in panel.surge_detail.text()
        assert panel.activate_button.text() == "启动预案" and panel.activate_button.isEnabled()

        # 2. 启动预案: the plan's page in front, its items waiting; its case is the one shown.
        click(qtbot, panel.activate_button)
        qtbot.waitUntil(lambda: panel.pages.currentIndex() == DispatchPanel.PAGE_PLAN
                        and panel.plan_table.rowCount() > 0, timeout=WAIT)  # fmt: skip
        assert panel.plan_title.text().startswith("预案：景区大客流一级响应 · 一级响应")
        act = panel._activation()
        assert act is not None and act.incident_id is not None
        iid = act.incident_id
        qtbot.waitUntil(lambda: panel.focused_incident() == iid and shown_case(c) == iid,
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: "已启动" in panel.surge_detail.text(), timeout=WAIT)
        assert panel.activate_button.text() == "查看预案"

        # 3. 派遣: the units proposed for the surge case, sent as proposed.
        pick_page(qtbot, panel, DispatchPanel.PAGE_PROPOSAL)
        qtbot.waitUntil(lambda: f"#{iid}" in panel.proposal_title.text()
                        and panel.proposal_table.rowCount() > 0
                        and panel.dispatch_button.isEnabled(), timeout=WAIT)  # fmt: skip
        chosen = [panel.proposal_table.item(r, 0).text()
                  for r in range(panel.proposal_table.rowCount())
                  if panel.proposal_table.item(r, 0).checkState() == Qt.CheckState.Checked]
        assert chosen
        click(qtbot, panel.dispatch_button)
        qtbot.waitUntil(lambda: panel.message.text().startswith("已派遣"), timeout=WAIT)
        assert all(name in panel.message.text() for name in chosen)

        # 4. The plan's wall layout: confirm its row; the video panel shows 16 slots with the
        # scene's cameras.
        pick_page(qtbot, panel, DispatchPanel.PAGE_PLAN)
        rows = [panel.plan_table.item(r, 1).text() for r in range(panel.plan_table.rowCount())]
        layout_row = rows.index("布局")
        assert panel.plan_table.item(layout_row, 0).text() == "大屏 16 分屏"
        click_row(qtbot, panel.plan_table, layout_row)
        qtbot.waitUntil(panel.confirm_button.isEnabled, timeout=WAIT)
        # The plan's scene cameras (the online ones nearest the spot; how many of the demo's
        # are online depends on its seed), in its order from the first slot.
        plan_layout = act.layout()
        assert plan_layout is not None and plan_layout[0] == 16
        plan_cams = list(plan_layout[1][:16])
        assert len(plan_cams) >= 12 and len(set(plan_cams)) == len(plan_cams)
        click(qtbot, panel.confirm_button)
        qtbot.waitUntil(lambda: layout(c) == 16 and len(cameras_shown(c)) == len(plan_cams),
                        timeout=WAIT)  # fmt: skip
        scene = cameras_shown(c)
        assert scene == list(enumerate(plan_cams))
        assert sum(1 for t in c.video.tiles if t.isVisible()) == 16
        qtbot.waitUntil(lambda: "已确认" in panel.plan_table.item(layout_row, 3).text(),
                        timeout=WAIT)  # fmt: skip

        # 5. 视频会商 for the surge case: opens below the header, linked to the case.
        click(qtbot, c.video.conference_button)
        conf = c.video.conference_panel()
        assert conf is not None
        qtbot.waitUntil(lambda: conf.isVisible() and conf.room_list.count() > 0, timeout=WAIT)
        header = c.window.header
        assert conf.frameGeometry().top() >= header.mapToGlobal(header.rect().bottomLeft()).y()
        assert f"#{iid}" in conf.incident_label.text()
        assert "未关联" not in conf.incident_label.text()
        for i in range(2):  # tick two rooms: click the row, Space ticks it
            item = conf.room_list.item(i)
            click(qtbot, conf.room_list.viewport(), conf.room_list.visualItemRect(item).center())
            qtbot.keyClick(conf.room_list, Qt.Key.Key_Space)
            assert item.checkState() == Qt.CheckState.Checked, item.text()
        click(qtbot, conf.convene_button)
        qtbot.waitUntil(lambda: conf.pages.currentIndex() == 1 and conf.record is not None,
                        timeout=WAIT)  # fmt: skip
        assert conf.record is not None and conf.record.incident_id == iid
        # The scene stays on the wall beside the rooms.
        qtbot.waitUntil(lambda: {cam for _, cam in scene} <= {cam for _, cam in cameras_shown(c)}
                        and (layout(c) or 0) >= 16, timeout=WAIT)  # fmt: skip
        save_shot(c, "surge_conference_1080.png", conf)

        # 6. The 决定/任务 picker shows its words at 1080p, whole (no "…").
        box = conf.kind_box
        assert [box.itemText(i) for i in range(box.count())] == ["决定", "任务"]
        fm = box.fontMetrics()
        longest = max(fm.horizontalAdvance(box.itemText(i)) for i in range(box.count()))
        assert combo_text_room(box) >= longest, (combo_text_room(box), longest, box.width())
        assert box.width() >= box.sizeHint().width()
        click(qtbot, box)
        qtbot.waitUntil(box.view().isVisible, timeout=WAIT)
        view = box.view()
        shown = [view.model().index(i, 0).data() for i in range(box.count())]
        assert shown == ["决定", "任务"]
        assert all(view.visualRect(view.model().index(i, 0)).width() >= longest
                   for i in range(box.count()))  # fmt: skip
        qtbot.keyClick(view, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT)

        # 7. Esc closes the window, the conference goes on; the button brings it back.
        qtbot.keyClick(conf, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not conf.isVisible(), timeout=WAIT)
        click(qtbot, c.video.conference_button)
        qtbot.waitUntil(lambda: conf.isVisible() and conf.pages.currentIndex() == 1, timeout=WAIT)

        # 8. 结束会商: the record, and the plan's layout with its scene back.
        click(qtbot, conf.end_button)
        qtbot.waitUntil(lambda: conf.pages.currentIndex() == 2, timeout=WAIT)
        # Wait for the wall without the rooms: during the conference the scene is already
        # shown (a room may sit in the plan's free slot), so the scene alone proves nothing.
        def given_back() -> bool:
            st = c.video.state()
            return (st is not None and cameras_shown(c) == scene and layout(c) == 16
                    and all(sl.source is None or sl.source.kind == "camera" for sl in st.slots))
        qtbot.waitUntil(given_back, timeout=WAIT)
        st = c.video.state()
        assert st is not None and not any(sl.pinned for sl in st.slots if sl.source is None)

        # 9. The window's own close button.
        assert conf.close_button.text() == "关闭"
        click(qtbot, conf.close_button)
        qtbot.waitUntil(lambda: not conf.isVisible(), timeout=WAIT)
        assert isinstance(c.video, QWidget) and c.video.isVisible()
        assert sim.proc.poll() is None  # the simulator wrote throughout
        if SHOTS:  # the English dispatch board, switched with the header's button
            pick_page(qtbot, panel, DispatchPanel.PAGE_BOARD)
            click(qtbot, c.language_button)
            qtbot.waitUntil(lambda: c.language_button.text() == "中文", timeout=WAIT)
            qtbot.wait(1500)  # a picture, not an assertion: let the map page switch too
            save_shot(c, "dispatch_en_1080.png")
            click(qtbot, c.language_button)
