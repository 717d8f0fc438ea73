"""The dispatch panel on a real worker over the small demo (SQLite): the board's counts, a
proposal confirmed from the panel, the surge banner with plan activation and the layout
request, a refusal shown in words, and a second console's panel following it all live."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from services import accounts, dispatch, incidents
from services.dispatch import plans as response_plans
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import db, models
from ui.dispatch.panel import DispatchPanel
from ui.dispatch.state import DispatchState
from ui.kit.i18n import install_language

DEFAULTS = Policies.defaults()


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    url = f"sqlite:///{target}"
    eng = db.make_engine(url)
    f = db.session_factory(eng)
    with db.transaction(f) as s:
        response_plans.seed_demo_plans(s)
        place = s.scalar(select(models.Place).order_by(models.Place.id).limit(1))
        assert place is not None
        county = place.county_code
        s.execute(update(models.Resource).where(models.Resource.county_code == county)
                  .values(status="available"))  # fmt: skip
    with f() as s:
        duty = accounts.actor_for(s, f"{county}.duty")
        leader = accounts.actor_for(s, f"{county}.leader")
        grid = s.scalar(select(models.GridCell.id).where(models.GridCell.county_code == county)
                        .order_by(models.GridCell.id).limit(1))  # fmt: skip
    with db.transaction(f) as s:
        iid = incidents.report(s, duty, NewIncident(
            category="public_order", description="广场人员聚集", priority=2, grid_id=grid), policy=DEFAULTS.incidents)  # fmt: skip
    yield {"url": url, "engine": eng, "factory": f, "county": county, "duty": duty,
           "leader": leader, "incident": iid, "place": place.id}  # fmt: skip
    eng.dispose()


def _panel(qtbot: QtBot, url: str, county: str, actor: accounts.Actor) -> DispatchPanel:
    state = DispatchState(url, county, surge_every=None, policies=DEFAULTS)
    panel = DispatchPanel(state)
    qtbot.addWidget(panel)
    panel.resize(520, 640)
    with qtbot.waitSignal(state.actor_changed, timeout=10_000,
                          check_params_cb=lambda a: a.login == actor.login):  # fmt: skip
        state.start()
        panel.set_actor(actor)
    return panel


def test_board_proposal_surge_and_second_console(qtbot: QtBot, demo) -> None:  # type: ignore[no-untyped-def]
    duty_panel = _panel(qtbot, demo["url"], demo["county"], demo["duty"])
    other = _panel(qtbot, demo["url"], demo["county"], demo["leader"])
    try:
        qtbot.waitUntil(lambda: duty_panel.unit_model.rowCount() > 0, timeout=10_000)
        with demo["factory"]() as s:
            board = dispatch.board(s, demo["duty"], policy=DEFAULTS.dispatch)
        assert duty_panel.count_cells[("available", None)].text() == f"{board.count('available'):,}"
        assert duty_panel.count_cells[("available", 2)].text() == str(board.count("available", 2))
        assert duty_panel.surge_banner.isHidden()

        # From an incident: the proposal, confirmed as shown.
        with qtbot.waitSignal(duty_panel.state.proposal_ready, timeout=10_000):
            duty_panel.propose_for_incident(demo["incident"])
        assert duty_panel.pages.currentIndex() == DispatchPanel.PAGE_PROPOSAL
        checked = [duty_panel.proposal_table.item(r, 0) for r in range(duty_panel.proposal_table.rowCount())]
        chosen = [i.data(Qt.ItemDataRole.UserRole)[0] for i in checked
                  if i is not None and i.checkState() == Qt.CheckState.Checked]
        assert chosen
        with qtbot.waitSignal(duty_panel.state.done, timeout=10_000):
            duty_panel.dispatch_button.click()
        assert duty_panel.message.text().startswith("已派遣")
        # The other console's board shows the units dispatched, with their task.
        qtbot.waitUntil(lambda: {u.id for u in other.unit_model.rows()
                                 if u.status == "dispatched"} >= set(chosen), timeout=10_000)  # fmt: skip
        u = next(u for u in other.unit_model.rows() if u.id == chosen[0])
        assert u.incident_id == demo["incident"]

        # The same unit again (a stale proposal): refused in words, nothing else happens.
        with qtbot.waitSignal(duty_panel.state.refused, timeout=10_000):
            duty_panel.state.dispatch(demo["incident"], [(chosen[0], 1)])
        assert "其他席位" in duty_panel.message.text() or "正在执行任务" in duty_panel.message.text()

        # The surge: the banner, the plan activated, the layout requested.
        with db.transaction(demo["factory"]) as s:
            place = s.get(models.Place, demo["place"])
            assert place is not None
            place.current_count, place.count_at = 12_000, models.utcnow()
        duty_panel.state.refresh()  # what the console's watch tick does: runs the rule
        qtbot.waitUntil(lambda: bool(duty_panel._surge) and duty_panel._surge[0].alert_id
                        is not None, timeout=10_000)  # fmt: skip
        assert not duty_panel.surge_banner.isHidden()
        assert "二级" in duty_panel.surge_detail.text()
        with qtbot.waitSignal(duty_panel.layout_requested, timeout=5_000) as layout:
            duty_panel.layout_button.click()
        assert layout.args[0] == 9 and isinstance(layout.args[1], list)
        with qtbot.waitSignal(duty_panel.state.done, timeout=10_000,
                              check_params_cb=lambda a, r: a == "activate"):  # fmt: skip
            duty_panel.activate_button.click()
        assert duty_panel.pages.currentIndex() == DispatchPanel.PAGE_PLAN
        first_unit = next(r for r in range(duty_panel.plan_table.rowCount())
                          if duty_panel._activation().items[r].kind == "unit")  # type: ignore[union-attr]
        duty_panel.plan_table.selectRow(first_unit)
        assert duty_panel.confirm_button.isEnabled()
        with qtbot.waitSignal(duty_panel.state.done, timeout=10_000):
            duty_panel.confirm_button.click()
        act = duty_panel._activation()
        assert act is not None and act.items[first_unit].state == "confirmed"
        sent = int(act.items[first_unit].ref)
        layout_row = len(act.items) - 1
        duty_panel.plan_table.selectRow(layout_row)
        with qtbot.waitSignal(duty_panel.layout_requested, timeout=10_000) as layout:
            duty_panel.confirm_button.click()
        assert layout.args[0] == 9
        # The second console: the banner says the plan is active, the unit is dispatched.
        qtbot.waitUntil(lambda: any(u.id == sent and u.status == "dispatched"
                                    for u in other.unit_model.rows()), timeout=10_000)  # fmt: skip
        qtbot.waitUntil(lambda: "已启动" in other.surge_detail.text(), timeout=10_000)
        # Time in state turns amber once past the limit (no database on the clock tick).
        row = next(u for u in duty_panel.unit_model.rows() if u.id == sent)
        duty_panel.unit_model.set_now(row.status_since + timedelta(minutes=4))
        assert duty_panel.unit_model.alarm(row) == "amber"
    finally:
        duty_panel.shutdown()
        other.shutdown()


def _close(factory, incident_id: int) -> None:  # type: ignore[no-untyped-def]
    """Another console archives the case (an ORM write: the change feed sees it)."""
    with db.transaction(factory) as s:
        inc = s.get(models.Incident, incident_id)
        assert inc is not None
        inc.status, inc.is_open = "closed", False


def test_the_dispatch_side_follows_the_case_in_focus_and_drops_a_closed_one(
    qtbot: QtBot, demo  # type: ignore[no-untyped-def]
) -> None:
    panel = _panel(qtbot, demo["url"], demo["county"], demo["duty"])
    try:
        qtbot.waitUntil(lambda: panel.unit_model.rowCount() > 0, timeout=10_000)
        # An archived case is not proposed for: the page says why and has nothing to send.
        with db.transaction(demo["factory"]) as s:
            grid = s.scalar(select(models.GridCell.id).where(
                models.GridCell.county_code == demo["county"]).limit(1))  # fmt: skip
            archived = incidents.report(s, demo["duty"], NewIncident(
                category="public_order", description="早已办结", priority=2, grid_id=grid),
                policy=DEFAULTS.incidents)  # fmt: skip
        _close(demo["factory"], archived)
        with qtbot.waitSignal(panel.state.refused, timeout=10_000):
            panel.propose_for_incident(archived)
        assert "已办结" in panel.proposal_title.text() and f"#{archived}" in panel.proposal_title.text()
        assert panel.proposal_table.rowCount() == 0 and not panel.dispatch_button.isEnabled()
        assert panel.focused_incident() is None

        # The open case in focus: proposed; when it closes elsewhere, the proposal goes.
        with qtbot.waitSignal(panel.state.proposal_ready, timeout=10_000):
            panel.propose_for_incident(demo["incident"])
        assert panel.proposal_table.rowCount() > 0 and panel.dispatch_button.isEnabled()
        assert panel.pages.currentIndex() == DispatchPanel.PAGE_PROPOSAL
        _close(demo["factory"], demo["incident"])
        qtbot.waitUntil(lambda: panel.proposal_table.rowCount() == 0, timeout=10_000)
        assert "已办结" in panel.proposal_title.text()
        assert "派遣建议已清除" in panel.message.text()
        assert not panel.dispatch_button.isEnabled() and panel.focused_incident() is None

        # A plan started for the surge: its case is now the one in focus (and announced).
        with db.transaction(demo["factory"]) as s:
            place = s.get(models.Place, demo["place"])
            assert place is not None
            place.current_count, place.count_at = 12_000, models.utcnow()
        panel.state.refresh()
        qtbot.waitUntil(lambda: bool(panel._surge) and panel._surge[0].alert_id is not None,
                        timeout=10_000)  # fmt: skip
        announced: list[int] = []
        panel.incident_selected.connect(announced.append)
        with qtbot.waitSignal(panel.state.proposal_ready, timeout=10_000):
            qtbot.mouseClick(panel.activate_button, Qt.MouseButton.LeftButton)
        act = panel._activation()
        assert act is not None and act.incident_id is not None
        assert panel.focused_incident() == act.incident_id and announced[-1] == act.incident_id
        assert f"#{act.incident_id}" in panel.proposal_title.text()
        assert panel.pages.currentIndex() == DispatchPanel.PAGE_PLAN  # the plan stays in front
    finally:
        panel.shutdown()


def test_unit_buttons_show_the_steps_the_service_allows(qtbot: QtBot, demo) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, demo["url"], demo["county"], demo["duty"])
    try:
        with qtbot.waitSignal(panel.state.proposal_ready, timeout=10_000):
            panel.propose_for_incident(demo["incident"])
        item = panel.proposal_table.item(0, 0)
        assert item is not None
        sent = int(item.data(Qt.ItemDataRole.UserRole)[0])
        with qtbot.waitSignal(panel.state.done, timeout=10_000):
            qtbot.mouseClick(panel.dispatch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(u.id == sent and u.status == "dispatched"
                                    for u in panel.unit_model.rows()), timeout=10_000)  # fmt: skip
        row = next(r for r, u in enumerate(panel.unit_model.rows()) if u.id == sent)
        panel.unit_table.selectRow(row)
        unit = panel.unit_model.rows()[row]
        assert unit.steps == ("acknowledge", "cancel") and unit.availability == ""
        assert panel.step_button.text() == "确认出发" and panel.step_button.isEnabled()
        assert panel.cancel_button.isEnabled() and not panel.availability_button.isEnabled()
        free = next(r for r, u in enumerate(panel.unit_model.rows()) if u.status == "available")
        panel.unit_table.selectRow(free)
        assert not panel.step_button.isEnabled() and not panel.cancel_button.isEnabled()
        assert panel.availability_button.isEnabled() and panel.availability_button.text() == "暂停使用"
    finally:
        panel.shutdown()


CJK = re.compile(r"[\u4e00-\u9fff]")


def _switch(qtbot: QtBot, panel: DispatchPanel, lang: str) -> None:
    """What the header's language button does (the panel here stands alone); Qt posts the
    change to every widget: wait until the panel's first tab reads the new language."""
    app = QApplication.instance()
    assert app is not None
    install_language(app, lang)
    board = "Board" if lang == "en" else "看板"
    qtbot.waitUntil(lambda: panel.tabs.tabText(0) == board, timeout=5_000)


def test_titles_tables_and_message_follow_the_language_switch(qtbot: QtBot, demo) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, demo["url"], demo["county"], demo["duty"])
    iid = demo["incident"]
    try:
        qtbot.waitUntil(lambda: panel.unit_model.rowCount() > 0, timeout=10_000)
        with qtbot.waitSignal(panel.state.proposal_ready, timeout=10_000):
            panel.propose_for_incident(iid)
        t = panel.proposal_table
        assert "建议派遣" in panel.proposal_title.text() and t.rowCount() > 1
        plan = panel._proposal.plan.name if panel._proposal and panel._proposal.plan else ""  # data
        first = t.item(0, 0)
        assert first is not None and first.checkState() == Qt.CheckState.Checked
        qtbot.mouseClick(t.viewport(), Qt.MouseButton.LeftButton,
                         pos=t.visualItemRect(first).topLeft() + QPoint(8, t.rowHeight(0) // 2))  # fmt: skip
        qtbot.waitUntil(lambda: t.item(0, 0).checkState() == Qt.CheckState.Unchecked)  # type: ignore[union-attr]
        chinese_level = t.item(0, 1).text()  # type: ignore[union-attr]

        _switch(qtbot, panel, "en")
        title = panel.proposal_title.text()
        assert f"#{iid}" in title and not CJK.search(title.replace(plan, "")), title
        assert not CJK.search(panel.plan_title.text()), panel.plan_title.text()
        assert t.item(0, 1).text() != chinese_level  # type: ignore[union-attr]
        assert not CJK.search(t.item(0, 1).text())  # type: ignore[union-attr]
        # Every unit's name is whole in its row's tooltip (the column may cut it).
        for r in range(t.rowCount()):
            name = t.item(r, 0)
            assert name is not None and name.text() and name.text() in name.toolTip()
        # What the officer unticked stays unticked through the switch.
        assert t.item(0, 0).checkState() == Qt.CheckState.Unchecked  # type: ignore[union-attr]

        _switch(qtbot, panel, "zh_CN")
        assert "建议派遣" in panel.proposal_title.text()
        assert t.item(0, 1).text() == chinese_level  # type: ignore[union-attr]
        # The case closes elsewhere: the page's title and the line say why, in Chinese ...
        _close(demo["factory"], iid)
        qtbot.waitUntil(lambda: t.rowCount() == 0, timeout=10_000)
        assert "已办结" in panel.proposal_title.text() and "派遣建议已清除" in panel.message.text()
        # ... and in English after the switch.
        _switch(qtbot, panel, "en")
        for text in (panel.proposal_title.text(), panel.message.text()):
            assert f"#{iid}" in text and not CJK.search(text), text
    finally:
        _switch(qtbot, panel, "zh_CN")
        panel.shutdown()
