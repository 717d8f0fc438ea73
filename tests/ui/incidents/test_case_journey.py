"""The whole case journey in people's hands, on two consoles (the 西湖区 county and one of
its townships) while the simulator writes from another process: the county takes a
hotline call, accepts it and routes it down, presses it (督办); the township starts and
resolves it; the county evaluates and archives it (评价归档). Every step is a click or a
key; each asserts what the person sees: the case shown and selected, its status and
handling center, and the action buttons offered in the sheet."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services.store import models
from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    Simulator,
    action_buttons,
    choose,
    click,
    click_case,
    fed,
    pick_tab,
    press_action,
    row_ids,
    selected_row_id,
    shown_case,
    shown_status,
    sign_in,
    type_text,
)
from ui.app import Console


def _facts(c: Console) -> dict[str, str]:
    return {k: v.text() for k, v in c.incident_panel.detail._fact_values.items()}


def _sees(qtbot, c: Console, iid: int, status: str, buttons: set[str]) -> None:  # type: ignore[no-untyped-def]
    """The console shows this case, selected in its queue, in this status (title and all),
    with exactly these action buttons in view."""
    qtbot.waitUntil(lambda: shown_case(c) == iid and shown_status(c) == status
                    and set(action_buttons(c)) == buttons, timeout=WAIT)  # fmt: skip
    assert c.incident_panel.sheet.isVisible()
    assert f"#{iid}" in c.incident_panel.detail.title.text()
    assert selected_row_id(c) == iid or iid not in row_ids(c)


def test_hotline_to_archive_from_the_county_and_the_township(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, demo_engine: Engine
) -> None:
    g, cc, r = models.GridCell, models.CommandCenter, models.Region
    with Session(demo_engine) as s:
        cell = s.scalars(select(g).where(g.county_code == COUNTY).order_by(g.id)).first()
        assert cell is not None
        town_code, grid = cell.township_code, cell.code
        town_center = s.execute(select(cc.id, cc.name).join(r, r.id == cc.region_id)
                                .where(r.adcode == town_code)).one()  # fmt: skip
        county_name = s.scalar(select(cc.name).join(r, r.id == cc.region_id)
                               .where(r.adcode == COUNTY))  # fmt: skip

    with Simulator(demo_url, rate=8, duration=600, seed=9) as sim:
        county = walls(demo_url, COUNTY)
        town = walls(demo_url, town_code)
        fed(qtbot, county)
        fed(qtbot, town)
        sign_in(qtbot, county, f"{COUNTY}.duty")
        sign_in(qtbot, town, f"{town_code}.duty")

        # 1. The county's duty officer takes the call in the hotline form.
        click(qtbot, county.window.findChild(QPushButton, "hotlineButton"))
        form = county.hotline
        qtbot.waitUntil(form.isVisible, timeout=WAIT)
        choose(qtbot, form.category, "dispute")
        type_text(qtbot, form.grid_code, grid)
        type_text(qtbot, form.reporter, "王女士")
        type_text(qtbot, form.phone, "13800000000")
        type_text(qtbot, form.description, "楼上装修噪音扰民，协商无果")
        with qtbot.waitSignal(form.reported, timeout=WAIT) as got:
            click(qtbot, form.submit)
        iid = got.args[0]
        click(qtbot, form.close_button)

        # 2. It is the county's to accept (not only to press): accept it.
        _sees(qtbot, county, iid, "reported", {"accept", "escalate"})
        assert _facts(county)["center"] == county_name
        assert iid in row_ids(county)  # 待我处理
        click(qtbot, press_action(qtbot, county, "accept", "已电话回访来电人"))
        _sees(qtbot, county, iid, "accepted", {"route", "start", "resolve", "escalate"})
        assert "已受理" in county.incident_panel.detail.message.text()

        # 3. Route it down to the township's center.
        confirm = press_action(qtbot, county, "route", "请属地核实处置")
        choose(qtbot, county.incident_panel.detail.form.target, ("center", town_center.id))
        click(qtbot, confirm)
        _sees(qtbot, county, iid, "routed", {"supervise"})
        assert _facts(county)["center"] == town_center.name

        # The township sees it waiting on it and opens it.
        qtbot.waitUntil(lambda: iid in row_ids(town), timeout=WAIT)
        click_case(qtbot, town, iid)
        _sees(qtbot, town, iid, "routed", {"start", "return", "escalate"})

        # 4. The county presses it (督办) with a deadline; the township sees the flag.
        confirm = press_action(qtbot, county, "supervise", "请今日内办结并回复")
        click(qtbot, confirm)
        qtbot.waitUntil(lambda: county.incident_panel.detail.flag_supervised.isVisible(),
                        timeout=WAIT)  # fmt: skip
        _sees(qtbot, county, iid, "routed", {"supervise"})
        _sees(qtbot, town, iid, "routed", {"start", "return", "escalate", "answer"})
        assert town.incident_panel.detail.flag_supervised.isVisible()
        pick_tab(qtbot, county, 1)  # 我督办的
        qtbot.waitUntil(lambda: row_ids(county) == [iid] or iid in row_ids(county), timeout=WAIT)

        # 5. The township starts and resolves it.
        click(qtbot, press_action(qtbot, town, "start", "网格员已到场"))
        _sees(qtbot, town, iid, "in_progress", {"resolve", "return", "escalate", "answer"})
        click(qtbot, press_action(qtbot, town, "resolve", "双方达成协议，噪音已停止"))
        _sees(qtbot, town, iid, "resolved", {"close", "reopen", "follow_up"})
        # The county follows: the supervision is closed with it, evaluation is offered.
        _sees(qtbot, county, iid, "resolved", {"close", "reopen"})
        assert not county.incident_panel.detail.flag_supervised.isVisible()
        pick_tab(qtbot, county, 2)  # 辖区全部 keeps the resolved case
        qtbot.waitUntil(lambda: iid in row_ids(county), timeout=WAIT)
        assert selected_row_id(county) == iid

        # 6. The county evaluates it: archived, gone from 辖区全部 (全部状态).
        click(qtbot, press_action(qtbot, county, "close", "回访来电人，满意"))
        _sees(qtbot, county, iid, "closed", {"reopen"})
        assert _facts(county)["evaluation"] == "满意"
        qtbot.waitUntil(lambda: iid not in row_ids(county), timeout=WAIT)
        _sees(qtbot, town, iid, "closed", {"reopen", "follow_up"})
        assert sim.proc.poll() is None  # the simulator wrote throughout
    with Session(demo_engine) as s:
        ev = models.IncidentEvent
        steps = s.scalars(select(ev.action).where(ev.incident_id == iid).order_by(ev.id)).all()
        simulated = s.scalar(select(ev.id).where(ev.actor.like("simulator%"), ev.incident_id != iid)
                             .order_by(ev.id.desc()))  # fmt: skip
    assert steps == ["report", "accept", "route", "supervise", "start", "resolve", "close"]
    assert simulated is not None
