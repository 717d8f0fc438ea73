"""The wall's tables and charts under a live feed: a board read again with the same rows is
not laid out again, each cell is worked out once per read, and the charts' axes hold still
while the numbers move within a step of the scale (each of these was a GUI-thread stall)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from services.risk.params import RiskParams
from services.risk.queries import AlertBoard, AlertRow
from services.wall.situation import DayCount
from tests.support.alerts import RAISED, alert_row
from tests.support.language import english
from widgets.risk.risk_alerts import COL_LEVEL, COL_TIME, RiskAlertList
from widgets.wall.trend_chart import DailyTrendChart, HourlyTrendChart, nice_ceiling

T = RAISED


_row = alert_row


def _board(rows: tuple[AlertRow, ...]) -> AlertBoard:
    waiting = sum(1 for r in rows if r.status == "open")
    return AlertBoard("330106", rows, {"red": len(rows)}, len(rows), None, unacknowledged=waiting,
                      oldest_unacknowledged=T if waiting else None, params=RiskParams())  # fmt: skip


def _shown(qtbot: QtBot, alerts: RiskAlertList) -> dict[str, int]:
    alerts.resize(900, 500)
    alerts.show()
    qtbot.waitExposed(alerts)
    signals = {"reset": 0, "changed": 0}
    alerts.model.modelReset.connect(lambda: signals.__setitem__("reset", signals["reset"] + 1))
    alerts.model.dataChanged.connect(lambda *_: signals.__setitem__("changed", signals["changed"] + 1))
    return signals


def test_the_same_alerts_read_again_are_not_laid_out_again(qtbot: QtBot) -> None:
    alerts = RiskAlertList(clock=lambda: T + timedelta(hours=2))  # they have waited long
    qtbot.addWidget(alerts)
    signals = _shown(qtbot, alerts)
    rows = tuple(_row(k) for k in range(5))
    alerts.set_board(_board(rows))
    # One reset, with the urgency already in it: no second and third signal after it.
    assert signals == {"reset": 1, "changed": 0}
    color = alerts.model.data(alerts.model.index(0, COL_TIME), Qt.ItemDataRole.ForegroundRole)
    assert color is not None and color.name() == "#ff2d3d"
    alerts.table.selectRow(2)
    alerts.set_board(_board(rows))  # the feed's next read: the same alerts
    assert signals == {"reset": 1, "changed": 0}
    assert alerts.table.selectionModel().selectedRows()[0].row() == 2
    alerts.set_board(_board((*rows, _row(7))))  # a new alert
    assert signals["reset"] == 2 and alerts.model.rowCount() == 6


def test_the_alert_cells_are_said_again_in_the_new_language(qtbot: QtBot) -> None:
    alerts = RiskAlertList(clock=lambda: T)
    qtbot.addWidget(alerts)
    _shown(qtbot, alerts)
    alerts.set_board(_board((_row(1),)))
    level = alerts.model.index(0, COL_LEVEL)
    assert alerts.model.data(level) == "● 红色"
    with english():
        qtbot.waitUntil(lambda: alerts.model.data(level) != "● 红色")
        assert "red" in str(alerts.model.data(level)).lower()
    qtbot.waitUntil(lambda: alerts.model.data(level) == "● 红色")


def test_nice_ceiling_is_the_next_step_of_the_scale() -> None:
    for value in (1.0, 1.35, 7.0, 9.99, 10.0, 13.0, 135.0, 999.0, 1001.0, 52_345.0):
        top = nice_ceiling(value)
        assert value <= top <= value * 1.25 + 1e-9
    assert nice_ceiling(10.1) == 12.0 and nice_ceiling(130.0) == 150.0


def test_the_hourly_axis_holds_still_while_the_counts_move_within_a_step(qtbot: QtBot) -> None:
    chart = HourlyTrendChart()
    qtbot.addWidget(chart)
    today, yesterday = [0] * 24, [5] * 24
    today[9] = 100
    chart.set_data(today, yesterday, current_hour=9)
    first = chart.plot.getViewBox().viewRange()[1]
    assert first[1] >= 100 * 1.35  # headroom for the floating legend
    today[9] = 104
    chart.set_data(today, yesterday, current_hour=9)
    assert chart.plot.getViewBox().viewRange()[1] == first
    assert chart.series()[0][-1] == 104.0  # the curve itself moved
    today[9] = 200
    chart.set_data(today, yesterday, current_hour=9)
    assert chart.plot.getViewBox().viewRange()[1][1] >= 200 * 1.35


def test_the_daily_chart_keeps_its_ticks_when_only_today_grows(qtbot: QtBot) -> None:
    chart = DailyTrendChart()
    qtbot.addWidget(chart)
    days = [DayCount(f"2026-11-{d:02d}", 40 + d) for d in range(1, 31)]
    chart.set_data(days)
    axis = chart.plot.getAxis("bottom")
    ticks = axis._tickLevels  # pyqtgraph keeps the ticks it was given here
    chart.set_data([*days[:-1], DayCount("2026-11-30", 71)])
    assert axis._tickLevels is ticks
    assert chart.days()[-1].count == 71
