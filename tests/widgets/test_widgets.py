"""Wall widgets on their own: data age, KPI tiles, header, charts, categories, ranking."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QPalette  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from services.wall.situation import (
    CategoryCount,
    CenterHeader,
    ChildRegionRow,
    DayCount,
    FourHave,
    Kpis,
)
from ui.kit.theme import apply_theme, load_theme, scaled_stylesheet  # noqa: E402
from widgets.labels import CATEGORY_LABELS, category_label, center_level_label  # noqa: E402
from widgets.panel import DataAgeLabel, Panel, age_state, format_age  # noqa: E402
from widgets.wall.category_bar import CategoryBarChart  # noqa: E402
from widgets.wall.header import HeaderWidget  # noqa: E402
from widgets.wall.kpi_tile import KpiBoard, format_percent  # noqa: E402
from widgets.wall.ranking_table import COL_REPORTED, RankingTable  # noqa: E402
from widgets.wall.trend_chart import DailyTrendChart, HourlyTrendChart  # noqa: E402

T0 = datetime(2026, 11, 24, 6, 30, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def dark_theme(qapp):
    apply_theme(qapp, "dark")
    yield qapp
    qapp.setStyleSheet("")


def test_age_thresholds() -> None:
    assert age_state(None) == "none"
    assert age_state(3) == "fresh"
    assert age_state(10) == "fresh"
    assert age_state(10.5) == "stale"
    assert age_state(60) == "stale"
    assert age_state(61) == "old"
    assert format_age(3) == "数据 3 秒前"
    assert format_age(125) == "数据 2 分钟前"
    assert format_age(7300) == "数据 2 小时前"
    assert format_age(-2) == "数据 0 秒前"  # clock skew never shows a negative age


def test_data_age_label_turns_amber_then_red(qtbot, dark_theme) -> None:
    clock = FakeClock(T0)
    label = DataAgeLabel(clock=clock)
    qtbot.addWidget(label)
    label.show()
    assert label.state() == "none"
    label.set_as_of(T0 - timedelta(seconds=3))
    assert label.text() == "数据 3 秒前"
    assert label.state() == "fresh"
    clock.now = T0 + timedelta(seconds=9)
    label.refresh()
    assert label.state() == "stale"
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == "#ffb020"
    clock.now = T0 + timedelta(seconds=70)
    label.refresh()
    assert label.state() == "old"
    assert label.text() == "数据 1 分钟前"
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == "#ff4d4f"


def test_data_age_label_ticks_by_itself(qtbot) -> None:
    clock = FakeClock(T0)
    label = DataAgeLabel(clock=clock, interval_ms=20)
    qtbot.addWidget(label)
    label.set_as_of(T0)
    clock.now = T0 + timedelta(seconds=15)
    qtbot.waitUntil(lambda: label.state() == "stale", timeout=2000)


def test_kpi_board_shows_counts_and_rates(qtbot) -> None:
    board = KpiBoard()
    qtbot.addWidget(board)
    board.set_kpis(Kpis(10520, 1371, 58, 8731, 0.96744, 0.958))
    assert board.text_of("reported_today") == "10,520"
    assert board.text_of("open") == "1,371"
    assert board.text_of("overdue") == "58"
    assert board.text_of("resolved_today") == "8,731"
    assert board.text_of("resolution_rate") == "96.7%"
    assert board.text_of("settled_low_share") == "95.8%"
    assert board.tiles["overdue"].tone() == "alarm"
    board.set_kpis(Kpis(0, 0, 0, 0, None, None))
    assert board.text_of("resolution_rate") == "—"
    assert board.tiles["overdue"].tone() == "good"


def test_format_percent() -> None:
    assert format_percent(0.9674) == "96.7%"
    assert format_percent(1.0) == "100.0%"
    assert format_percent(None) == "—"


def test_category_labels_cover_every_code() -> None:
    codes = {
        "dispute", "public_order", "safety_hazard", "fire", "environment", "city_management",
        "traffic", "food_drug", "public_health", "petition", "other",
    }  # fmt: skip
    assert set(CATEGORY_LABELS) == codes
    assert category_label("dispute") == "矛盾纠纷"
    assert category_label("food_drug") == "食品药品"
    assert category_label("unknown_code") == "unknown_code"
    assert center_level_label("county") == "县级指挥中心"


def test_category_chart_draws_all_rows_when_tall_enough(qtbot) -> None:
    chart = CategoryBarChart()
    qtbot.addWidget(chart)
    items = [CategoryCount(code, 100 - i) for i, code in enumerate(CATEGORY_LABELS)]
    chart.set_categories(items)
    chart.resize(400, chart.sizeHint().height())
    chart.show()
    assert chart.labels()[:3] == ["矛盾纠纷", "治安隐患", "安全隐患"]
    assert chart.visible_rows() == 11
    assert not chart.grab().isNull()


def test_header_shows_people_level_and_four_haves(qtbot) -> None:
    header = HeaderWidget(clock=FakeClock(T0))
    qtbot.addWidget(header)
    h = CenterHeader(
        "温州市瓯海区社会治理综合指挥中心",
        "county",
        "王芳",
        None,
        (
            FourHave("venue", True, "指挥大厅"),
            FourHave("screen", True, "大屏在线"),
            FourHave("staff", False, "值班人员 1/2"),
            FourHave("mechanism", True, "24小时值守"),
        ),
    )
    header.set_header(h, (("330000", "浙江省"), ("330300", "温州市"), ("330304", "瓯海区")))
    assert header.center_name.text() == "温州市瓯海区社会治理综合指挥中心"
    assert header.level_badge.text() == "县级指挥中心"
    assert header.duty_officer.text() == "王芳"
    assert header.leader_on_duty.text() == "未排班"
    staff = header.badges["staff"]
    assert staff.met() is False
    assert staff.mark.text() == "✗"
    assert staff.reason.text() == "值班人员 1/2"
    assert header.badges["venue"].mark.text() == "✓"
    assert header.badges["venue"].property("met") == "yes"
    assert header.clock_label.text() == T0.astimezone().strftime("%H:%M:%S")
    # The breadcrumb: ancestors are clickable, the current region is not.
    assert set(header.breadcrumb.buttons()) == {"330000", "330300"}
    with qtbot.waitSignal(header.drill_requested) as sig:
        qtbot.mouseClick(header.breadcrumb.buttons()["330300"], Qt.MouseButton.LeftButton)
    assert sig.args == ["330300"]


def test_trend_charts_keep_their_items(qtbot) -> None:
    chart = HourlyTrendChart()
    qtbot.addWidget(chart)
    item = chart.today_item
    items = list(chart.plot.listDataItems())
    chart.set_data(list(range(24)), [5] * 24, current_hour=9)
    today, yesterday = chart.series()
    assert today == tuple(float(v) for v in range(10))  # only up to the current hour
    assert len(yesterday) == 24
    chart.set_data([1] * 24, [2] * 24, current_hour=23)
    assert chart.today_item is item  # setData on the same item, never a rebuilt plot
    assert chart.plot.listDataItems() == items  # lines and the "now" marker, same objects
    assert chart.legend_labels() == ("今日", "昨日")

    daily = DailyTrendChart()
    qtbot.addWidget(daily)
    days = [DayCount(f"2026-11-{d:02d}", 100 + d) for d in range(1, 31)]
    daily.set_data(days)
    daily_item = daily.day_item
    daily.set_data(days[1:])
    assert daily.day_item is daily_item
    assert len(daily.days()) == 29


def test_trend_charts_redraw_only_when_their_series_change(qtbot, monkeypatch) -> None:
    """A snapshot that leaves the hourly or daily series as they are draws nothing."""
    chart = HourlyTrendChart()
    qtbot.addWidget(chart)
    calls: list[int] = []
    real = chart.today_item.setData
    monkeypatch.setattr(
        chart.today_item, "setData", lambda *a, **k: (calls.append(1), real(*a, **k))
    )
    chart.set_data(list(range(24)), [5] * 24, current_hour=9)
    chart.set_data(list(range(24)), [5] * 24, current_hour=9)
    assert len(calls) == 1
    chart.set_data(list(range(24)), [5] * 24, current_hour=10)  # the hour moved on
    assert len(calls) == 2 and len(chart.series()[0]) == 11
    chart.set_data([9, *range(1, 24)], [5] * 24, current_hour=10)  # a count changed
    assert len(calls) == 3 and chart.series()[0][0] == 9.0

    daily = DailyTrendChart()
    qtbot.addWidget(daily)
    drawn: list[int] = []
    real_day = daily.day_item.setData
    monkeypatch.setattr(
        daily.day_item, "setData", lambda *a, **k: (drawn.append(1), real_day(*a, **k))
    )
    days = [DayCount(f"2026-11-{d:02d}", 100 + d) for d in range(1, 31)]
    daily.set_data(days)
    daily.set_data(list(days))
    assert len(drawn) == 1
    daily.set_data([*days[:-1], DayCount("2026-11-30", 500)])
    assert len(drawn) == 2 and daily.days()[-1].count == 500


def _rows() -> list[ChildRegionRow]:
    return [
        ChildRegionRow("330100", "杭州市", "city", 900, 120, 5, 0.95),
        ChildRegionRow("330200", "宁波市", "city", 1500, 80, 0, 0.97),
        ChildRegionRow("330300", "温州市", "city", 1200, 200, 12, None),
    ]


def test_ranking_sorts_numbers_as_numbers(qtbot) -> None:
    table = RankingTable()
    qtbot.addWidget(table)
    table.set_rows(_rows())
    assert table.row_count() == 3
    assert table.adcode_at(0) == "330300"  # default: most overdue first
    table.sortByColumn(COL_REPORTED, Qt.SortOrder.DescendingOrder)
    assert [table.adcode_at(i) for i in range(3)] == ["330200", "330300", "330100"]
    overdue = table.proxy.index(0, 3)
    assert overdue.data(Qt.ItemDataRole.DisplayRole) == "0"


def test_ranking_highlights_overdue(qtbot) -> None:
    table = RankingTable()
    qtbot.addWidget(table)
    table.set_rows(_rows())
    model = table.source_model
    assert model.data(model.index(2, 3), Qt.ItemDataRole.ForegroundRole) == model.alarm_color
    assert model.data(model.index(2, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(1, 3), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(2, 4), Qt.ItemDataRole.DisplayRole) == "—"


def test_panel_replaces_content(qtbot) -> None:
    panel = Panel("视频监控", QLabel("old"))
    qtbot.addWidget(panel)
    assert panel.title() == "视频监控"
    new = QLabel("new")
    panel.set_content(new)
    assert panel.content() is new


def test_themes_load_and_style_painted_widgets(qtbot, qapp) -> None:
    chart = HourlyTrendChart()
    qtbot.addWidget(chart)
    chart.show()
    try:
        apply_theme(qapp, "dark")
        dark = chart.primaryColor.name()
        apply_theme(qapp, "light")
        light = chart.primaryColor.name()
    finally:
        qapp.setStyleSheet("")
    assert dark == "#21d4fd"
    assert light == "#0b6bcb"
    for name in ("dark", "light"):
        assert "WenQuanYi Zen Hei" in load_theme(name)
    with pytest.raises(ValueError):
        apply_theme(qapp, "neon")


def test_scaled_stylesheet_scales_fonts() -> None:
    assert "KpiValue { font-size: 52px; }" in scaled_stylesheet(1.0)
    assert "KpiValue { font-size: 104px; }" in scaled_stylesheet(2.0)


def test_fit_label_shrinks_long_text_instead_of_clipping(qtbot) -> None:  # type: ignore[no-untyped-def]
    from widgets.fit_label import FitLabel

    label = FitLabel(min_scale=0.7)
    qtbot.addWidget(label)
    label.setText("西湖区社会治理综合指挥中心")
    full = label.fontMetrics().horizontalAdvance(label.text())
    assert abs(label.minimumSizeHint().width() - 0.7 * full) <= 1
    label.resize(full + 20, 40)
    assert label.fit_factor() == 1.0
    label.resize(full // 2, 40)
    assert 0.45 < label.fit_factor() < 0.55  # drawn at half size, whole
    image = label.grab().toImage()
    assert not image.isNull() and image.width() == full // 2
