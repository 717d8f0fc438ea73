"""The case detail at 1920×1080, clicked through as a duty officer does, while the
simulator writes from another process: the case opens in a sheet over the wall's left
column where its facts, timeline and action form have room; live refreshes keep the
selected case, the place the officer scrolled to and a half-typed 督办 note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.policies import Policies
from services.store import db, models
from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    Simulator,
    action_buttons,
    click,
    click_case,
    fed,
    pick_tab,
    press_action,
    search,
    selected_row_id,
    shown_case,
    sign_in,
    visible_in,
    wheel,
)

DEFAULTS = Policies.defaults()


def _township_case_with_history(url: str, engine: Engine, notes: int = 25) -> int:
    """An open case at one of 西湖区's townships with a long timeline (another console's
    progress notes), so its detail is taller than any screen."""
    i = models.Incident
    with Session(engine) as s:
        town = s.scalar(select(models.GridCell.township_code)
                        .where(models.GridCell.county_code == COUNTY).order_by(models.GridCell.id))  # fmt: skip
        cell = s.scalar(select(models.GridCell.id).where(models.GridCell.township_code == town)
                        .order_by(models.GridCell.id))  # fmt: skip
        operator = accounts.actor_for(s, f"{town}.operator")
        duty = accounts.actor_for(s, f"{town}.duty")
    eng = db.make_engine(url)
    factory = db.session_factory(eng)
    try:
        iid = incidents.report_in(factory, operator, incidents.NewIncident(
            category="safety_hazard", description="沿街店铺消防通道被杂物堵塞，多次劝导未改",
            grid_id=cell, reporter="李先生", address="文三路 88 号"), policy=DEFAULTS.incidents)  # fmt: skip
        detail = incidents.perform(factory, duty, iid, 1, "accept", "已电话联系来电人",
                                   policy=DEFAULTS.incidents)  # fmt: skip
        assert detail.row.status == "accepted"
        for n in range(notes):
            incidents.note_in(factory, duty, iid, f"第 {n + 1} 次现场巡查：通道仍有堆物，已拍照取证")
    finally:
        eng.dispose()
    with Session(engine) as s:
        assert s.get(i, iid) is not None
    return iid


def test_case_sheet_keeps_selection_scroll_and_note_under_live_traffic(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, demo_engine: Engine
) -> None:
    iid = _township_case_with_history(demo_url, demo_engine)
    c = walls(demo_url)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{COUNTY}.duty")
    panel, detail, sheet = c.incident_panel, c.incident_panel.detail, c.incident_panel.sheet
    assert not sheet.isVisible()

    # 辖区全部, search the case number, click its row: the sheet opens with the case.
    pick_tab(qtbot, c, 2)
    search(qtbot, c, f"#{iid}")
    click_case(qtbot, c, iid)
    assert sheet.objectName() == "caseSheet"
    assert f"#{iid}" in detail.title.text()
    # Room to read at 1080p: the sheet covers the left column, below the header, to the bottom.
    geo = sheet.geometry()
    assert geo.height() >= 800 and geo.width() >= 480, geo
    assert geo.bottom() >= c.window.height() - 2 and geo.left() <= 2
    assert geo.right() < c.window.width() // 2  # the map and the right docks stay in view
    # Fact rows do not overlap and the timeline rows are real rows, not stripes.
    facts = [w for w in detail._fact_values.values()]
    for a in facts:
        for b in facts:
            if a is not b:
                assert not a.geometry().intersects(b.geometry()), (a.text(), b.text())
    qtbot.waitUntil(lambda: detail.timeline.rowCount() >= 27, timeout=WAIT)
    first = detail.timeline.itemAtPosition(0, 3).widget()
    assert first.height() >= first.fontMetrics().height()

    # The county presses the township: 督办 is offered and fully in view.
    assert "supervise" in action_buttons(c)
    confirm = press_action(qtbot, c, "supervise", "请今日18点前")
    assert visible_in(confirm, sheet) and visible_in(detail.form.note, sheet)

    # Scroll the detail down with the wheel, half-way through the timeline.
    bar = detail.body_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200, timeout=WAIT)
    wheel(detail.body_scroll.viewport(), -4)
    qtbot.waitUntil(lambda: 0 < bar.value() < bar.maximum(), timeout=WAIT)
    scrolled = bar.value()

    # Live traffic: the simulator's commits, and another console's note on this very case.
    refreshes: list[int] = []
    c.incidents.refreshed.connect(refreshes.append)
    reads: list[int] = []
    c.incidents.detail_ready.connect(lambda v: reads.append(v.id))
    with Simulator(demo_url, rate=15, duration=30):
        qtbot.waitUntil(lambda: len(refreshes) >= 3 and reads.count(iid) >= 3, timeout=40_000)
        eng = db.make_engine(demo_url)
        try:
            with Session(eng) as s:
                town_duty = accounts.actor_for(s, f"{detail.case.detail.row.township_code}.duty")  # type: ignore[union-attr]
            incidents.note_in(db.session_factory(eng), town_duty, iid, "网格员：已清理一半")
        finally:
            eng.dispose()
        qtbot.waitUntil(lambda: detail.timeline.rowCount() >= 28, timeout=WAIT)
        before = len(refreshes)
        qtbot.waitUntil(lambda: len(refreshes) >= before + 2, timeout=40_000)

        # Where the officer was: the same case, selected, at the same place, note intact.
        assert panel.selected_id() == iid and shown_case(c) == iid
        assert selected_row_id(c) == iid
        assert bar.value() == scrolled
        assert detail.form.isVisible() and detail.form.action == "supervise"
        assert detail.form.note.text() == "请今日18点前"
        assert visible_in(detail.form.confirm, sheet)
        assert "网格员：已清理一半" in detail.timeline.itemAtPosition(27, 3).widget().text()

    # 关闭 puts the sheet away; a click on the row brings the case back; Esc closes it too.
    click(qtbot, sheet.close_button)
    assert not sheet.isVisible() and panel.selected_id() == iid
    click_case(qtbot, c, iid)
    qtbot.keyClick(detail.form.note, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=WAIT)
