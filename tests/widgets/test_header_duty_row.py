"""The header's duty row in English at 1920×1080 and 3840×2160: the case badge with
four-digit counts, the account and the header's buttons, all at their minimum width or
more, none drawn over another (issue #14: the row squeezed the badge, its parts overlapped)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QLabel, QPushButton, QWidget  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from services.wall.situation import CenterHeader, FourHave  # noqa: E402
from tests.support.language import english  # noqa: E402
from tests.support.wall_lint import lint  # noqa: E402
from ui.kit.theme import load_theme, scaled_stylesheet  # noqa: E402
from widgets.incident_style import incident_stylesheet  # noqa: E402
from widgets.incidents.badge import IncidentBadge  # noqa: E402
from widgets.risk.risk_alerts import AlertAttentionBadge  # noqa: E402
from widgets.wall.header import HeaderWidget  # noqa: E402

T0 = datetime(2026, 12, 2, 14, 19, 53, tzinfo=UTC)



@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_duty_row_gives_the_case_badge_its_room_in_english(qtbot: QtBot, scale: float) -> None:
    wall = QWidget()  # the wall's sheet, as the header inherits it
    qtbot.addWidget(wall)
    wall.setStyleSheet(load_theme("dark") + "\n" + scaled_stylesheet(scale))
    header = HeaderWidget(wall, clock=lambda: T0)
    header.set_timezone("Asia/Shanghai")
    header.set_header(CenterHeader(
        "西湖区社会治理综合指挥中心", "county", "廖航", "马超强",
        (FourHave("venue", True, code="venue", values=(("area", 213),)),
         FourHave("screen", True, code="screen", values=(("working", 9), ("total", 9))),
         FourHave("staff", True, code="staff", values=(("on_duty", 2), ("required", 2))),
         FourHave("mechanism", True, "24小时值守")),
    ), (("330106", "西湖区"),))  # fmt: skip
    badge = IncidentBadge()
    badge.set_ui_scale(scale)
    header.add_status_widget(badge)
    for text in ("廖航 · Duty officer", "Log out", "Hotline", "Handover"):  # the console's
        w: QWidget = QLabel(text) if "·" in text else QPushButton(text)
        w.setStyleSheet(incident_stylesheet(scale))
        header.add_status_widget(w)
    alerts = AlertAttentionBadge("⚠ Alerts {n}")  # red alerts waiting: shown in the row too
    alerts.set_ui_scale(scale)
    alerts.set_attention(4, 3)
    header.add_status_widget(alerts)
    header.add_title_widget(QPushButton("中文"))
    header.set_ui_scale(scale)
    # The title and the four haves take on the 西湖区 wall what they take there in English
    # (breadcrumb, home, level, language; the haves' reasons): measured 421 and 610 px at 1080p.
    header.title_part.setMinimumWidth(round(421 * scale))
    header.haves_part.setMinimumWidth(round(610 * scale))
    with english():
        badge.set_counts({"open": 1234, "overdue": 567, "supervised": 89})
        wall.resize(round(1920 * scale), round(110 * scale))
        header.resize(wall.size())
        wall.show()
        qtbot.waitExposed(wall)
        qtbot.waitUntil(lambda: "Overdue" in badge.text())
        qtbot.waitUntil(lambda: header.width() == round(1920 * scale))
        assert badge.width() >= badge.minimumSizeHint().width()
        found = [f for f in lint(header, scale=scale, english=True,
                                 data_names={"廖航", "马超强", "西湖区", "西湖区社会治理综合指挥中心"})
                 if f.rule == "overlap"]  # fmt: skip
        assert not found, "\n".join(map(str, found))
