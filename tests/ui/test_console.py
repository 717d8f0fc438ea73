"""The whole console wired together: worker → wall, map cells, markers, metric, cell card."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from sqlalchemy import create_engine, text

from tests.support.wall_lint import combo_text_room, line_edit_text_room
from ui.app import Console
from widgets.wall.kpi_tile import format_count


@pytest.fixture
def console(qtbot, demo_url: str, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # keep the operator's saved layout
    args = argparse.Namespace(center="330106", lang="zh_CN", theme="dark", scale=None)
    c = Console(args, demo_url)
    c.window.resize(1920, 1080)
    c.window.show()
    yield c
    c.close()  # stops every worker
    c.window.close()
    c.map.shutdown()
    c.window.deleteLater()


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_console_feeds_map_and_switches_metric(qtbot, console, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    metrics: list[str] = []
    console.live.cells_reset.connect(lambda m, _v: metrics.append(m))
    points: list[object] = []
    console.live.points_ready.connect(points.append)
    with qtbot.waitSignal(console.live.snapshot_ready, timeout=20_000):
        console.start()
    qtbot.waitUntil(lambda: metrics == ["open"] and bool(points), timeout=20_000)
    eng = create_engine(demo_url)
    with eng.connect() as conn:
        n_open = conn.execute(text("SELECT count(*) FROM incident WHERE is_open AND county_code='330106'")).scalar_one()
        n_units = conn.execute(text("SELECT count(*) FROM resource WHERE county_code='330106'")).scalar_one()
        cell_id = conn.execute(text("SELECT id FROM grid_cell WHERE county_code='330106' LIMIT 1")).scalar_one()
    eng.dispose()
    p = points[-1]
    assert len(p.incidents) == n_open and len(p.resources) == n_units and p.cameras  # type: ignore[attr-defined]
    # the map holds what it was sent
    qtbot.waitUntil(lambda: len(console.map._points.get("resources", [])) == n_units, timeout=10_000)
    console.metric_picker.setCurrentIndex(2)  # overdue
    qtbot.waitUntil(lambda: metrics[-1] == "overdue", timeout=10_000)
    # a click on a cell in the map opens its card
    console.map.cell_clicked.emit(cell_id)
    qtbot.waitUntil(lambda: console.cell_card.isVisible(), timeout=10_000)
    assert console.cell_card.detail is not None and console.cell_card.detail.cell_id == cell_id


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_every_panel_is_fed_once_started(qtbot, console, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    """Each area's worker runs and delivers to its panel (a worker left unstarted would
    leave its panel empty without any error)."""
    got: dict[str, object] = {}
    for name, signal in {
        "wall": console.live.snapshot_ready,
        "incidents": console.incidents.queue_ready,
        "dispatch": console.dispatch.board_ready,
        "index": console.index.ranking_ready,
        "alerts": console.index.alerts_ready,
        "handover": console.handover.list_ready,
        "video": console.video.wall_changed,
    }.items():
        signal.connect(lambda value, name=name: got.setdefault(name, value))
    console.video.reload()
    console.start()
    qtbot.waitUntil(lambda: len(got) == 7, timeout=30_000)
    eng = create_engine(demo_url)
    with eng.connect() as conn:
        units = conn.execute(text("SELECT count(*) FROM resource WHERE county_code='330106'")).scalar_one()
    eng.dispose()
    assert got["dispatch"].total == units > 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_first_snapshot_is_painted_before_any_lane_reads(qtbot, console) -> None:  # type: ignore[no-untyped-def]
    """Read ahead while the window was built: `start` puts its numbers on the wall at once,
    and the lanes (whose first reads would share the interpreter with that paint) start
    only once it is painted."""
    tile = console.window.kpi_board.tiles["open"]
    painted: list[tuple[str, bool]] = []

    class Probe(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append((tile.text(), console.live.is_running()))
            return False

    probe = Probe()
    tile.value.installEventFilter(probe)
    snaps: list[object] = []
    console.live.snapshot_ready.connect(snaps.append)
    console.start()
    assert len(snaps) == 1  # shown by start itself, from the read ahead
    shown = tile.text()
    assert shown == format_count(snaps[0].kpis.open)  # type: ignore[attr-defined]
    assert not console.live.is_running() and not console.incidents.is_running()
    qtbot.waitUntil(lambda: console.live.is_running() and console.incidents.is_running(),
                    timeout=10_000)  # fmt: skip
    assert painted and painted[0] == (shown, False)  # its first paint had the numbers, alone
    tile.value.removeEventFilter(probe)


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_wall_scale_reaches_every_panel(qtbot, console) -> None:  # type: ignore[no-untyped-def]
    """A 4K wall (scale 2) must scale the panels inside tabs too, or they read tiny."""
    console.window.set_ui_scale(2.0)
    scaled = {
        "incidents": console.incident_panel._scale,
        "index": console.index_board._scale,
        "dispatch": console.dispatch_panel._scale,
    }
    assert scaled == {"incidents": 2.0, "index": 2.0, "dispatch": 2.0}


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_case_filters_are_not_squeezed_in_either_language(qtbot, console) -> None:  # type: ignore[no-untyped-def]
    """At 1920×1080 the case panel's lists show their whole texts and the search field its
    whole hint, in Chinese and after a click on EN (in one row, English squeezed the
    category list to "All catego" and the search field to a few letters)."""
    from PySide6.QtWidgets import QApplication

    panel = console.incident_panel
    try:
        for lang_text in ("EN", "中文"):  # the button offers the other language
            qtbot.waitUntil(lambda t=lang_text: console.language_button.text() == t, timeout=5000)
            for _ in range(3):  # the new texts' sizes, then the layouts they ask for, nested
                QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            for combo in (panel.status_filter, panel.category_filter):
                for k in range(combo.count()):
                    text = combo.itemText(k)
                    assert combo.fontMetrics().horizontalAdvance(text) <= combo_text_room(combo), text
            hint = panel.search.placeholderText()  # the whole hint, not "…/re…"
            room = line_edit_text_room(panel.search)
            assert panel.search.fontMetrics().horizontalAdvance(hint) <= room, (hint, room)
            for box in (panel.overdue_only, panel.supervised_only):
                assert box.width() >= box.sizeHint().width(), box.text()
            if lang_text == "EN":
                qtbot.mouseClick(console.language_button, Qt.MouseButton.LeftButton)
    finally:
        if console.language_button.text() == "中文":
            console.language_button.click()


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_language_button_switches_the_whole_console(qtbot, console) -> None:  # type: ignore[no-untyped-def]
    """The header's EN button: panels, header buttons, tabs and the handover window in
    English; its own text then offers 中文, which switches back."""
    from PySide6.QtWidgets import QPushButton

    def header_button(name: str) -> QPushButton:
        button = console.window.findChild(QPushButton, name)
        assert button is not None, name
        return button

    assert console.language_button.text() == "EN"
    assert header_button("handoverButton").text() == "交接班"
    try:
        console.language_button.click()
        qtbot.waitUntil(lambda: console.language_button.text() == "中文", timeout=5000)
        assert header_button("handoverButton").text() == "Handover"
        assert header_button("hotlineButton").text() == "Hotline"
        assert console.handover_window.windowTitle() == "Handover & replay"
        assert console.window.panel("video").title() == "Video surveillance"
        assert console.alert_list.ack_button.text() == "Acknowledge"
    finally:
        console.language_button.click()
    qtbot.waitUntil(lambda: console.language_button.text() == "EN", timeout=5000)
    assert header_button("handoverButton").text() == "交接班"
    assert console.handover_window.windowTitle() == "交接班与回放"


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_handover_window_reads_on_the_dark_wall(qtbot, console) -> None:  # type: ignore[no-untyped-def]
    """Opened from the dark wall, the report is paper white with dark text and the side
    boxes are dark with light text (they once came out light-on-light and dark-on-dark)."""
    from PySide6.QtGui import QColor

    def luminance(c: QColor) -> float:
        return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()

    def mean_luminance(widget) -> float:  # type: ignore[no-untyped-def]
        image = widget.grab().toImage()
        w, h = image.width(), image.height()
        points = [image.pixelColor(x, y) for x in range(0, w, max(1, w // 20))
                  for y in range(0, h, max(1, h // 10))]  # fmt: skip
        return sum(luminance(p) for p in points) / len(points)

    console.start()
    console._open_handover()
    panel = console.handover_panel
    qtbot.waitUntil(lambda: bool(panel.report_view.toPlainText().strip()), timeout=20_000)
    assert mean_luminance(panel.report_view.viewport()) > 0.8  # paper
    report_text = panel.report_view.palette().color(panel.report_view.foregroundRole())
    assert luminance(report_text) < 0.3
    label = panel.status_label
    assert mean_luminance(label) < 0.3  # the box behind the sign-off status is dark
    assert luminance(label.palette().color(label.foregroundRole())) > 0.6
    console.handover_window.hide()
