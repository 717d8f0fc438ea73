"""The wall window: snapshot in, numbers on screen, drill signal out, banner, ages,
layout persistence, splice-wall tiles and the English switch."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QPalette  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from services.wall.situation import (
    CategoryCount,
    CenterHeader,
    ChildRegionRow,
    DayCount,
    FourHave,
    Kpis,
    WallSnapshot,
)
from ui.kit.i18n import install_language  # noqa: E402
from ui.kit.theme import apply_theme  # noqa: E402
from ui.wall.tiles import SPANNING, TileGrid  # noqa: E402
from ui.wall.window import WallWindow, auto_ui_scale, find_screen  # noqa: E402
from widgets.wall.ranking_table import COL_NAME  # noqa: E402

T0 = datetime(2026, 11, 24, 6, 30, 0, tzinfo=UTC)

CITIES = [
    ("330100", "杭州市", 1204, 160, 5, 0.962),
    ("330200", "宁波市", 1013, 98, 0, 0.975),
    ("330300", "温州市", 1388, 210, 12, 0.941),
    ("330400", "嘉兴市", 720, 64, 1, 0.981),
    ("330500", "湖州市", 512, 40, 0, 0.978),
    ("330600", "绍兴市", 806, 77, 2, 0.969),
    ("330700", "金华市", 941, 131, 8, 0.952),
    ("330800", "衢州市", 388, 35, 0, 0.983),
    ("330900", "舟山市", 207, 18, 0, 0.99),
    ("331000", "台州市", 877, 102, 3, 0.958),
    ("331100", "丽水市", 412, 41, 0, 0.979),
]


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_snapshot(as_of: datetime = T0, **changes: object) -> WallSnapshot:
    """A province-level snapshot of Zhejiang with its 11 cities."""
    children = tuple(
        ChildRegionRow(code, name, "city", rep, open_, over, rate)
        for code, name, rep, open_, over, rate in CITIES
    )
    snap = WallSnapshot(
        region_code="330000",
        region_name="浙江省",
        level="province",
        breadcrumb=(("330000", "浙江省"),),
        header=CenterHeader(
            "浙江省社会治理综合指挥中心",
            "province",
            "张伟",
            "李建国",
            (
                FourHave("venue", True, "指挥大厅"),
                FourHave("screen", True, "拼接屏在线"),
                FourHave("staff", False, code="staff", values=(("on_duty", 1), ("required", 2))),
                FourHave("mechanism", True, "24小时值守"),
            ),
        ),
        kpis=Kpis(10520, 1371, 31, 8731, 0.9674, 0.958),
        hourly_today=tuple(300 + h for h in range(24)),
        hourly_yesterday=tuple(280 + h for h in range(24)),
        daily_30=tuple(DayCount(f"2026-10-{d:02d}", 10000 + d) for d in range(1, 31)),
        categories=(
            CategoryCount("dispute", 2400),
            CategoryCount("public_order", 1600),
            CategoryCount("fire", 500),
        ),
        children=children,
        as_of=as_of,
        feed_seq=42,
    )
    return replace(snap, **changes) if changes else snap


@pytest.fixture
def themed(qapp):
    apply_theme(qapp, "dark")
    yield qapp
    qapp.setStyleSheet("")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0 + timedelta(seconds=3))


@pytest.fixture
def make_wall(themed):
    """WallWindow factory; the windows are really deleted afterwards, so the next test's
    theme change does not restyle a pile of dead windows."""
    made: list[WallWindow] = []

    def make(**kwargs: object) -> WallWindow:
        window = WallWindow(**kwargs)  # type: ignore[arg-type]
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def wall(qtbot, make_wall, clock) -> WallWindow:
    window = make_wall(clock=clock)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_tiles_show_the_numbers(wall: WallWindow) -> None:
    wall.show_snapshot(make_snapshot())
    board = wall.kpi_board
    assert board.text_of("reported_today") == "10,520"
    assert board.text_of("open") == "1,371"
    assert board.text_of("overdue") == "31"
    assert board.text_of("resolved_today") == "8,731"
    assert board.text_of("resolution_rate") == "96.7%"
    assert board.text_of("settled_low_share") == "95.8%"
    assert wall.header.center_name.text() == "浙江省社会治理综合指挥中心"
    assert wall.header.level_badge.text() == "省级指挥中心"
    assert wall.category_chart.labels() == ["矛盾纠纷", "治安隐患", "消防"]
    assert wall.panel("kpi").age_label.text() == "数据 3 秒前"


def test_ranking_has_the_rows(wall: WallWindow) -> None:
    wall.show_snapshot(make_snapshot())
    table = wall.ranking_table
    assert table.row_count() == 11
    names = {table.proxy.index(r, COL_NAME).data() for r in range(11)}
    assert names == {name for _, name, *_ in CITIES}
    assert table.adcode_at(0) == "330300"  # most overdue first


def test_clicking_a_row_asks_to_drill_down(qtbot, wall: WallWindow) -> None:
    wall.show_snapshot(make_snapshot())
    table = wall.ranking_table
    qtbot.waitUntil(lambda: table.visualRect(table.proxy.index(1, 0)).height() > 0)
    expected = table.adcode_at(1)
    rect = table.visualRect(table.proxy.index(1, 0))
    with qtbot.waitSignal(wall.drill_requested, timeout=1000) as sig:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [expected]


def test_clicking_a_breadcrumb_asks_to_drill_up(qtbot, wall: WallWindow) -> None:
    crumbs = (("330000", "浙江省"), ("330100", "杭州市"), ("330106", "西湖区"))
    wall.show_snapshot(make_snapshot(breadcrumb=crumbs))
    button = wall.header.breadcrumb.buttons()["330000"]
    with qtbot.waitSignal(wall.drill_requested, timeout=1000) as sig:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert sig.args == ["330000"]


def test_connection_banner_shows_and_clears(wall: WallWindow) -> None:
    wall.show_snapshot(make_snapshot())
    since = datetime(2026, 11, 24, 4, 34, 56, tzinfo=UTC)
    wall.set_connection_lost(since)
    assert wall.banner.isVisible()
    hhmmss = since.astimezone().strftime("%H:%M:%S")  # no center zone set: the machine's
    assert f"数据库连接中断 自 {hhmmss}" in wall.banner.text()
    wall.header.set_timezone("Asia/Shanghai")  # the center's clock, like the header's
    wall.set_connection_lost(since)
    assert "数据库连接中断 自 12:34:56" in wall.banner.text()
    assert wall.banner.y() == 0 and wall.banner.width() == wall.width()  # across the top
    # The last data stays on screen.
    assert wall.kpi_board.text_of("reported_today") == "10,520"
    wall.set_connection_lost(None)
    assert not wall.banner.isVisible()


def test_data_age_turns_amber_then_red(wall: WallWindow, clock: FakeClock) -> None:
    wall.show_snapshot(make_snapshot(as_of=T0))
    label = wall.panel("ranking").age_label
    assert label.text() == "数据 3 秒前"
    assert label.state() == "fresh"
    clock.now = T0 + timedelta(seconds=12)
    wall.refresh_ages()
    assert label.state() == "stale"
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == "#ffb020"
    clock.now = T0 + timedelta(seconds=90)
    wall.refresh_ages()
    assert label.state() == "old"
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == "#ff4d4f"
    # Video and dispatch have no data yet: no age shown.
    assert not wall.panel("video").age_label.isVisible()


def test_placeholders_and_slots(wall: WallWindow) -> None:
    assert wall.panel("video").title() == "视频监控"
    assert wall.panel("dispatch").title() == "资源调度"
    assert wall.panel("dispatch").content().text() == "暂无"
    map_view = QLabel("map")
    wall.set_map_widget(map_view)
    assert wall.panel("map").content() is map_view
    wall.show_snapshot(make_snapshot())  # the placeholder is gone; snapshots still work
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    wall.show_snapshot(make_snapshot())
    dispatch = QLabel("dispatch")
    wall.set_side_panel("dispatch", dispatch)
    assert wall.panel("dispatch").content() is dispatch
    with pytest.raises(ValueError):
        wall.set_side_panel("nope", QLabel())


def test_layout_roundtrip_survives_a_restart(qtbot, make_wall, tmp_path) -> None:
    path = str(tmp_path / "wall.ini")
    first = make_wall()
    first.resize(1600, 900)
    first.show()
    qtbot.waitExposed(first)
    first.set_layout_locked(False)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.docks["ranking"])
    first.set_ui_scale(1.25)
    first.save_layout(QSettings(path, QSettings.Format.IniFormat))
    first.close()

    second = make_wall()
    assert second.restore_layout(QSettings(path, QSettings.Format.IniFormat))
    second.show()
    qtbot.waitExposed(second)
    ranking_area = second.dockWidgetArea(second.docks["ranking"])
    assert ranking_area == Qt.DockWidgetArea.RightDockWidgetArea
    assert (
        second.dockWidgetArea(second.docks["trend_hourly"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    )
    assert second.ui_scale() == 1.25
    assert not second.is_layout_locked()


def test_tiles_are_saved_and_restored(make_wall, tmp_path) -> None:
    path = str(tmp_path / "wall.ini")
    first = make_wall()
    first.resize(1920, 1080)
    first.show()
    first.apply_tiles(2, 2, 6)
    first.save_layout(QSettings(path, QSettings.Format.IniFormat))
    second = make_wall()
    second.restore_layout(QSettings(path, QSettings.Format.IniFormat))
    assert second.tiles() == (2, 2, 6)


def test_missing_screen_falls_back_to_primary(make_wall, tmp_path) -> None:
    path = str(tmp_path / "wall.ini")
    first = make_wall()
    first.resize(1200, 700)
    first.show()
    settings = QSettings(path, QSettings.Format.IniFormat)
    first.save_layout(settings)
    settings.setValue("wall/screen", "HDMI-GONE-9")  # unplugged since
    settings.setValue("wall/geometry", b"")
    settings.sync()

    second = make_wall()
    second.restore_layout(QSettings(path, QSettings.Format.IniFormat))
    primary = QGuiApplication.primaryScreen()
    assert second.screen() is primary
    assert primary.availableGeometry().contains(second.geometry())
    assert find_screen("HDMI-GONE-9", QGuiApplication.screens(), primary) is primary
    assert find_screen(primary.name(), QGuiApplication.screens(), None) is primary


def test_apply_tiles_places_panels_inside_tiles(qtbot, make_wall) -> None:
    window = make_wall()
    window.resize(5760, 3240)
    window.show()
    qtbot.waitExposed(window)
    window.show_snapshot(make_snapshot())
    window.apply_tiles(3, 3, 12)
    assert window.ui_scale() == 2.0
    grid = TileGrid(window.width(), window.height(), 3, 3)
    plan = window.tile_plan()
    widgets = {**window.header.parts(), **window.panels}
    for name, widget in widgets.items():
        geo = widget.geometry()
        top_left = widget.mapTo(window, widget.rect().topLeft())
        rect = (top_left.x(), top_left.y(), geo.width(), geo.height())
        assert rect == plan[name], name
        if name not in SPANNING:
            assert grid.tile_of(rect) is not None, f"{name} straddles a seam"
        assert widget.isVisible(), name
    for dock in window.docks.values():
        assert not dock.isVisible()

    window.clear_tiles()
    assert window.tiles() is None
    for name, dock in window.docks.items():
        assert dock.widget() is window.panels[name]
    assert window.header.duty_part.parent() is window.header


def test_ui_scale_follows_height(qtbot, make_wall) -> None:
    assert auto_ui_scale(1080) == 1.0
    assert auto_ui_scale(2160) == 2.0
    assert auto_ui_scale(3240) == 2.0
    window = make_wall()
    window.resize(3840, 2160)
    window.show()
    qtbot.waitExposed(window)
    assert window.ui_scale() == 2.0
    value = window.kpi_board.tiles["reported_today"].value
    assert value.font().pixelSize() == 104
    window.set_ui_scale(1.5)
    assert value.font().pixelSize() == 78
    with pytest.raises(ValueError):
        window.set_ui_scale(0)


def test_english_switch_changes_visible_labels(qtbot, qapp, wall: WallWindow) -> None:
    wall.show_snapshot(make_snapshot())
    wall.set_connection_lost(T0)
    assert wall.panel("video").title() == "视频监控"
    try:
        install_language(qapp, "en")
        qtbot.waitUntil(lambda: wall.panel("video").title() == "Video surveillance", timeout=2000)
        assert wall.kpi_board.tiles["reported_today"].caption.text() == "Reported today"
        assert wall.panel("kpi").age_label.text() == "Data 3 s ago"
        assert wall.category_chart.labels() == ["Disputes", "Public order", "Fire"]
        assert wall.header.level_badge.text() == "Provincial command center"
        assert wall.header.badges["staff"].name.text() == "Staff"
        assert wall.header.badges["staff"].reason.text() == "On duty 1/2"
        assert "Database connection lost since" in wall.banner.text()
        header = wall.ranking_table.model().headerData(1, Qt.Orientation.Horizontal)
        assert header == "Reported"
    finally:
        install_language(qapp, "zh_CN")
    qtbot.waitUntil(lambda: wall.panel("video").title() == "视频监控", timeout=2000)
    assert wall.kpi_board.tiles["reported_today"].caption.text() == "今日上报"
    assert wall.header.badges["staff"].reason.text() == "值班人员 1/2"


def test_window_grab_is_not_blank(wall: WallWindow) -> None:
    wall.show_snapshot(make_snapshot())
    image = wall.grab().toImage()
    assert image.size().width() == 1920
    colours = {image.pixel(x, y) for x in range(0, 1920, 97) for y in range(0, 1080, 61)}
    assert len(colours) > 20
    assert QRect(0, 0, 1920, 1080) == wall.rect()


def test_tiles_applied_before_show_follow_the_new_scale(qtbot, make_wall) -> None:
    window = make_wall()
    window.resize(5760, 3240)
    window.apply_tiles(3, 3, 12)  # before show: the scale changes when the window appears
    window.show()
    qtbot.waitExposed(window)
    assert window.ui_scale() == 2.0
    title = window.header.title_part
    qtbot.waitUntil(lambda: title.height() >= title.sizeHint().height(), timeout=2000)
    assert window.tile_plan()["header.title"][3] == title.height()


def test_todays_hourly_line_ends_at_the_centers_hour_not_the_machines(wall: WallWindow) -> None:
    """At 00:03 UTC it is 08:03 in Hangzhou: today's line runs 00:00–08:00 (9 points)
    whatever the machine's own time zone is."""
    wall.header.set_timezone("Asia/Shanghai")
    wall.show_snapshot(make_snapshot(as_of=datetime(2026, 11, 25, 0, 3, tzinfo=UTC)))
    today, yesterday = wall.hourly_chart.series()
    assert len(today) == 9 and today[-1] == 308.0
    assert len(yesterday) == 24


def test_home_returns_to_the_first_crumb_in_both_languages(qtbot, qapp, wall: WallWindow) -> None:
    """⌂ 本级 is off at the console's root and, below it, asks for the root (the first
    crumb: the services start the breadcrumb there)."""
    home = wall.header.home_button
    wall.show_snapshot(replace(make_snapshot(), breadcrumb=(("330106", "西湖区"),)))
    assert not home.isEnabled() and home.text() == "⌂ 本级"
    wall.show_snapshot(replace(make_snapshot(), breadcrumb=(("330106", "西湖区"), ("330106010", "转塘街道"))))
    assert wall.header.breadcrumb.text() == "西湖区 › 转塘街道"
    wall.show()
    qtbot.waitUntil(home.isVisible, timeout=2000)
    with qtbot.waitSignal(wall.drill_requested, timeout=2000) as sig:
        qtbot.mouseClick(home, Qt.MouseButton.LeftButton)
    assert sig.args == ["330106"]
    try:
        install_language(qapp, "en")
        qtbot.waitUntil(lambda: home.text() == "⌂ Home", timeout=2000)
        assert home.toolTip() == "Back to this center's own region"
    finally:
        install_language(qapp, "zh_CN")
    qtbot.waitUntil(lambda: home.text() == "⌂ 本级", timeout=2000)


def test_the_first_snapshot_is_shown_whole_the_next_in_steps(qtbot, wall: WallWindow) -> None:
    """A first frame with today's count beside an empty category list ("no reports
    today") would contradict itself: the first snapshot fills every panel at once; later
    ones update the numbers now and the lists in the turns after."""
    first = make_snapshot()
    wall.show_snapshot_in_steps(first)
    assert wall.category_chart.categories() == first.categories  # at once, no turn between
    later = make_snapshot(categories=(CategoryCount("fire", 7),), kpis=Kpis(1, 2, 3, 4, 0.5, 0.5))
    wall.show_snapshot_in_steps(later)
    assert wall.kpi_board.kpis() == later.kpis
    assert wall.category_chart.categories() == first.categories  # still the old list here
    qtbot.waitUntil(lambda: wall.category_chart.categories() == later.categories, timeout=5000)
