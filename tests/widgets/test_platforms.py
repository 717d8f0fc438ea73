"""The four township platforms widget (基层治理四平台): it shows the board it is given."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt

from services.wall.platforms import PlatformBoard, PlatformRow
from widgets.wall.platforms import COL_MATTERS, COL_NAME, COL_OVERDUE, COL_RATE, PlatformPanel


def _board() -> PlatformBoard:
    rows = (
        PlatformRow("governance", "综治工作", 270, 256, 14, 2, 3),
        PlatformRow("market", "市场监管", 138, 124, 14, 0, 2),
        PlatformRow("enforcement", "综合执法", 1303, 1277, 6, 1, 2),
        PlatformRow("service", "便民服务", 0, 0, 0, 0, 2),
    )
    return PlatformBoard("330106010", "转塘街道", "township", rows, datetime(2026, 12, 1, tzinfo=UTC))


def test_panel_shows_each_platform_and_the_totals(qtbot: Any) -> None:
    panel = PlatformPanel()
    qtbot.addWidget(panel)
    assert panel.model.rowCount() == 0 and panel.title.text() == "基层治理四平台"
    panel.set_board(_board())
    model = panel.model

    def cell(row: int, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.data(model.index(row, col), role)

    assert [cell(r, COL_NAME) for r in range(4)] == ["综治工作", "市场监管", "综合执法", "便民服务"]
    assert cell(2, COL_MATTERS) == "1,303"
    assert cell(0, COL_RATE) == "94.8%" and cell(3, COL_RATE) == "—"
    assert cell(0, COL_OVERDUE, Qt.ItemDataRole.ForegroundRole) == model.alarm_color
    assert cell(1, COL_OVERDUE, Qt.ItemDataRole.ForegroundRole) is None
    # The name column may elide a long (English) name: the row's tooltip leads with it.
    assert cell(1, COL_NAME, Qt.ItemDataRole.ToolTipRole).startswith("市场监管 · ")
    assert cell(1, COL_MATTERS, Qt.ItemDataRole.ToolTipRole).startswith("市场监管 · ")
    # 1,657 of 1,711 matters resolved: 96.8%; 3 overdue
    assert panel.title.text() == "基层治理四平台 · 转塘街道 · 事项 1,711 · 超期 3 · 办结率 96.8%"
    panel.set_ui_scale(2.0)  # a 4K wall: taller rows, every platform still in view
    panel.resize(800, panel.sizeHint().height())
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.table.horizontalHeader().height()
    rows = sum(panel.table.rowHeight(r) for r in range(4))
    assert panel.table.rowHeight(0) >= 60 and panel.table.height() >= header + rows


def test_all_four_platforms_stay_in_view_when_the_column_is_short(qtbot: Any) -> None:
    """A wall's side column may give the panel less than four full rows (the English totals
    line wraps at 1080p): the rows shrink so no platform is cut off, and grow back."""
    panel = PlatformPanel()
    qtbot.addWidget(panel)
    panel.set_board(_board())
    panel.resize(480, panel.sizeHint().height())
    panel.show()
    qtbot.waitExposed(panel)
    full = panel.table.rowHeight(0)
    panel.resize(480, panel.sizeHint().height() - 40)
    qtbot.waitUntil(lambda: panel.table.rowHeight(0) < full)
    viewport = panel.table.viewport().height()
    assert sum(panel.table.rowHeight(r) for r in range(4)) <= viewport
    assert panel.table.rowHeight(0) >= panel.table.fontMetrics().height()  # text still fits
    panel.resize(480, panel.sizeHint().height() + 40)
    qtbot.waitUntil(lambda: panel.table.rowHeight(0) == full)
