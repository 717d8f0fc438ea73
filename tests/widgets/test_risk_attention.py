"""Unacknowledged risk alerts: counted on a badge that grows louder as the oldest waits
(the urgency steps come from services.risk; the badge only shows them)."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from services.risk.params import RiskParams
from services.risk.queries import AlertBoard
from tests.support.alerts import RAISED, alert_row
from widgets.risk.risk_alerts import AlertAttentionBadge, RiskAlertList

T = RAISED


_row = alert_row


def test_the_badge_counts_waiting_alerts_and_grows_louder_with_age(qtbot: QtBot) -> None:
    now = [T + timedelta(minutes=5)]
    alerts = RiskAlertList(clock=lambda: now[0])
    qtbot.addWidget(alerts)
    alerts._attention_timer.setInterval(20)  # the clock's tick, quickly
    tab, header = AlertAttentionBadge("{n}"), AlertAttentionBadge("⚠ 预警 {n}")
    for badge in (tab, header):
        qtbot.addWidget(badge)
        alerts.attention_changed.connect(badge.set_attention)
    assert tab.isHidden() and header.isHidden()  # nothing waits

    rows = tuple(_row(k) for k in range(4)) + (_row(9, "acknowledged"),)
    alerts.set_board(AlertBoard("330106", rows, {"red": 5}, 5, None, unacknowledged=4,
                                oldest_unacknowledged=T, params=RiskParams()))  # fmt: skip
    assert not tab.isHidden() and tab.text() == "4" and header.text() == "⚠ 预警 4"
    assert tab.urgency() == 0 and alerts.total_label.text() == "未解除 5"
    quiet = tab.styleSheet()
    now[0] = T + timedelta(minutes=20)
    qtbot.waitUntil(lambda: tab.urgency() == 1)
    assert "font-weight: 700" in tab.styleSheet() and tab.styleSheet() != quiet
    now[0] = T + timedelta(hours=2)
    qtbot.waitUntil(lambda: header.urgency() == 2)
    assert "font-weight: 900" in header.styleSheet() and "#ff2d3d" in header.styleSheet()
    # The rows waiting longest show it too (time and status in the badge's colour).
    from PySide6.QtCore import Qt

    from widgets.risk.risk_alerts import COL_TIME

    color = alerts.model.data(alerts.model.index(0, COL_TIME), Qt.ItemDataRole.ForegroundRole)
    assert color is not None and color.name() == "#ff2d3d"
    assert alerts.model.data(alerts.model.index(4, COL_TIME), Qt.ItemDataRole.ForegroundRole) is None

    # Signed for: the badges go quiet.
    alerts.set_board(AlertBoard("330106", rows, {"red": 5}, 5, None, unacknowledged=0,
                                oldest_unacknowledged=None, params=RiskParams()))  # fmt: skip
    assert tab.isHidden() and header.isHidden() and alerts.attention() == (0, 0)


def test_a_badge_that_appears_later_widens_its_tab_instead_of_covering_the_text(
    qtbot: QtBot,
) -> None:
    """The wall started in English with no alert waiting; two arrive: the tab grows to hold
    "Risk alerts" and the badge side by side (the tab's text was cut to "isk alert")."""
    from PySide6.QtWidgets import QLabel, QStyle, QTabWidget

    from widgets.tabbed import set_tab_badge

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("queue"), "Incidents")
    tabs.addTab(QLabel("alerts"), "Risk alerts")
    badge = AlertAttentionBadge("{n}")
    set_tab_badge(tabs.tabBar(), 1, badge)
    tabs.resize(900, 300)
    tabs.show()
    qtbot.waitExposed(tabs)
    bar = tabs.tabBar()
    narrow = bar.tabRect(1).width()
    badge.set_attention(2, 1)
    text = bar.fontMetrics().horizontalAdvance("Risk alerts")
    assert not badge.isHidden()
    qtbot.waitUntil(lambda: bar.tabRect(1).width() >= narrow + badge.width())
    room = bar.tabRect(1).width() - badge.width() - bar.style().pixelMetric(
        QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    assert room >= text, (room, text)
    assert badge.geometry().left() >= bar.tabRect(1).left() + text
    badge.set_attention(0, 0)  # all acknowledged: the tab gives the room back
    qtbot.waitUntil(lambda: bar.tabRect(1).width() == narrow)
