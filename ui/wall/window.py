"""The wall window (大屏): places the panels, saves their arrangement, knows the tile grid.

No business logic and no database here. A worker calls `show_snapshot` with a plain
`WallSnapshot` and `set_connection_lost`; the window fans the values out to its panels.

Layout (主中间、次两边): header across the top; the map in the middle with the KPI strip
above it (key indicators over the main visual); trends, categories and ranking on the
left; video, incidents and dispatch on the right. Side panels are QDockWidgets, so the arrangement
is saved with `QMainWindow.saveState` and survives a restart. On a splice wall,
`apply_tiles` switches to a tile-aligned plan (`ui.wall.tiles.plan_tiles`) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QRect,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QResizeEvent, QScreen, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from services.wall.situation import WallSnapshot
from ui.kit.theme import scaled_stylesheet
from ui.wall.tiles import plan_tiles
from widgets.banner import ConnectionBanner
from widgets.layouts import layout_of
from widgets.panel import Clock, Panel, utc_now
from widgets.placeholders import (
    NOTHING_YET,
    DispatchPlaceholder,
    EmptyNote,
    MapPlaceholder,
    VideoPlaceholder,
)
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP
from widgets.wall.category_bar import CategoryBarChart
from widgets.wall.header import HeaderWidget
from widgets.wall.kpi_tile import KpiBoard
from widgets.wall.ranking_table import RankingTable
from widgets.wall.trend_chart import DailyTrendChart, HourlyTrendChart

PANEL_TITLES: dict[str, str] = {
    "map": QT_TRANSLATE_NOOP("WallWindow", "态势地图"),
    "kpi": QT_TRANSLATE_NOOP("WallWindow", "实时指标"),
    "trend_hourly": QT_TRANSLATE_NOOP("WallWindow", "今日分时上报"),
    "trend_daily": QT_TRANSLATE_NOOP("WallWindow", "近30日上报趋势"),
    "categories": QT_TRANSLATE_NOOP("WallWindow", "今日事件类别"),
    "ranking": QT_TRANSLATE_NOOP("WallWindow", "下级区域排名"),
    "video": QT_TRANSLATE_NOOP("WallWindow", "视频监控"),
    "incidents": QT_TRANSLATE_NOOP("WallWindow", "事件处置"),
    "dispatch": QT_TRANSLATE_NOOP("WallWindow", "资源调度"),
}
WINDOW_TITLE = QT_TRANSLATE_NOOP("WallWindow", "社会治理综合指挥中心")

_LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
_RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
_TOP = Qt.DockWidgetArea.TopDockWidgetArea
DOCK_AREAS: dict[str, Qt.DockWidgetArea] = {
    "kpi": _TOP,
    "trend_hourly": _LEFT,
    "trend_daily": _LEFT,
    "categories": _LEFT,
    "ranking": _LEFT,
    "video": _RIGHT,
    "incidents": _RIGHT,
    "dispatch": _RIGHT,
}
# Default heights within a column (relative), and the side columns' share of the width.
DOCK_WEIGHTS: dict[str, float] = {
    "trend_hourly": 1.0,
    "trend_daily": 1.0,
    "categories": 1.3,
    "ranking": 1.75,
    "video": 2.0,
    "incidents": 2.2,  # tabbed with dispatch
    "dispatch": 2.2,
}
TABBED_DOCKS: tuple[tuple[str, str], ...] = (("incidents", "dispatch"),)
SIDE_WIDTH = 0.26
DATA_PANELS: tuple[str, ...] = ("kpi", "trend_hourly", "trend_daily", "categories", "ranking")

SETTINGS_GROUP = "wall"
STATE_VERSION = 1


def auto_ui_scale(height: int) -> float:
    """Default UI scale from the window height: 1.0 at 1080 px, 2.0 at 2160 px and above.

    Capped at 2.0: a 3×3 splice wall (3240 px) is read from further away but its tiles
    must still hold whole panels.
    """
    return round(min(2.0, max(0.6, height / 1080)), 2)


def find_screen(name: str, screens: Sequence[QScreen], primary: QScreen | None) -> QScreen | None:
    """The screen called `name`, or the primary screen if it no longer exists."""
    for screen in screens:
        if screen.name() == name:
            return screen
    return primary


class WallWindow(QMainWindow):
    """The command-center wall. See the module docstring for the layout."""

    drill_requested = Signal(str)
    """adcode of a region to drill into (ranking row or breadcrumb clicked)."""
    ui_scale_changed = Signal(float)
    language_changed = Signal()  # after the window retranslated itself
    """the UI scale now in force (the map follows it with its zoom factor)."""

    def __init__(self, parent: QWidget | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(parent)
        self.setObjectName("WallWindow")
        self._clock = clock
        self._snapshot: WallSnapshot | None = None
        self._steps_left: list[Callable[[WallWindow, WallSnapshot], None]] = []
        self._step_timer = QTimer(self)  # a child: it dies with the window, steps and all
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._next_step)
        self._explicit_scale: float | None = None
        self._scale = 0.0
        self._styled = False  # the scale's style sheets are applied (at the first show)
        self._tiles: tuple[int, int, int] | None = None
        self._plan: dict[str, tuple[int, int, int, int]] = {}
        self._saved_dock_state: QByteArray | None = None
        self._auto_proportions = True
        self._locked = True
        self._sizes_pending = False
        self._tiles_pending = False

        # Top: connection banner over the header, across the whole width.
        self.top = QWidget(self)
        self.top.setObjectName("wallTop")
        top = QVBoxLayout(self.top)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(0)
        self.banner = ConnectionBanner(self.top)
        self.header = HeaderWidget(self.top, clock=clock)
        top.addWidget(self.banner)
        top.addWidget(self.header)
        self.setMenuWidget(self.top)
        self.header.drill_requested.connect(self.drill_requested)

        # Panel contents.
        self.map_placeholder: MapPlaceholder | None = MapPlaceholder()
        self.kpi_board = KpiBoard()
        self.hourly_chart = HourlyTrendChart()
        self.daily_chart = DailyTrendChart()
        self.category_chart = CategoryBarChart()
        self.ranking_table = RankingTable()
        self.ranking_table.region_clicked.connect(self.drill_requested)
        contents: dict[str, QWidget] = {
            "map": self.map_placeholder,
            "kpi": self.kpi_board,
            "trend_hourly": self.hourly_chart,
            "trend_daily": self.daily_chart,
            "categories": self.category_chart,
            "ranking": self.ranking_table,
            "video": VideoPlaceholder(),
            "incidents": EmptyNote(NOTHING_YET),
            "dispatch": DispatchPlaceholder(),
        }
        self.panels: dict[str, Panel] = {}
        for name, content in contents.items():
            panel = Panel(PANEL_TITLES[name], content, clock=clock, show_age=name in DATA_PANELS)
            panel.setObjectName(f"panel_{name}")
            self.panels[name] = panel

        # Map in the middle.
        self._center = QWidget(self)
        self._center.setObjectName("wallCenter")
        center = QVBoxLayout(self._center)
        center.setContentsMargins(0, 0, 0, 0)
        center.addWidget(self.panels["map"])
        self.setCentralWidget(self._center)

        # Side columns reach up to the header; the KPI strip sits over the map only.
        self.setCorner(Qt.Corner.TopLeftCorner, _LEFT)
        self.setCorner(Qt.Corner.BottomLeftCorner, _LEFT)
        self.setCorner(Qt.Corner.TopRightCorner, _RIGHT)
        self.setCorner(Qt.Corner.BottomRightCorner, _RIGHT)
        self.setDockNestingEnabled(True)
        self.docks: dict[str, QDockWidget] = {}
        for name, area in DOCK_AREAS.items():
            dock = QDockWidget(self)
            dock.setObjectName(f"dock_{name}")
            dock.setWidget(self.panels[name])
            self.addDockWidget(area, dock, Qt.Orientation.Vertical)
            self.docks[name] = dock
        # One screen cannot give three dense panels a readable height: incidents and
        # dispatch share their place as tabs (a surge raises dispatch; a splice wall's
        # tile plan gives each its own tile).
        for first, second in TABBED_DOCKS:
            self.tabifyDockWidget(self.docks[first], self.docks[second])
        self.docks["incidents"].raise_()

        # Tile mode: panels are moved onto this canvas and placed by the tile plan.
        self._canvas = QWidget(self)
        self._canvas.setObjectName("tileCanvas")
        self._canvas.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._canvas.hide()

        self.set_layout_locked(True)
        self.retranslate()
        # A first guess from the screen (a wall runs full screen) for whoever asks before the
        # window is shown; the style sheets are applied once, at the size it is shown with
        # (each full restyle costs hundreds of milliseconds of start-up).
        screen = self.screen()
        self._scale = auto_ui_scale(screen.geometry().height()) if screen else 1.0

    # ==== data ==========================================================================
    def show_snapshot(self, s: WallSnapshot) -> None:
        """Show everything in `s`; each panel's data age restarts from `s.as_of`."""
        self._show_head(s)
        for step in self._STEPS:
            step(self, s)

    def show_snapshot_in_steps(self, s: WallSnapshot) -> None:
        """As `show_snapshot`, for the live feed: the header and the numbers now, the
        charts and the lists one per turn of the event loop after, each with the newest
        snapshot. Qt paints what changed between turns, so no turn holds the GUI thread for
        the whole wall's update and repaint (a 10 ms timer was 67 ms late at p99 under load
        when it did). The first snapshot is shown whole: a first frame with today's count
        beside an empty category list saying "no reports today" would contradict itself."""
        if self._snapshot is None:
            self.show_snapshot(s)
            return
        self._show_head(s)
        if not self._steps_left:
            self._steps_left = list(self._STEPS)
            self._step_timer.start()

    def _next_step(self) -> None:
        if not self._steps_left or self._snapshot is None:  # the snapshot is set with the steps
            return
        self._steps_left.pop(0)(self, self._snapshot)
        if self._steps_left:
            self._step_timer.start()

    def _show_head(self, s: WallSnapshot) -> None:
        self._snapshot = s
        self.header.set_header(s.header, s.breadcrumb)
        self.kpi_board.set_kpis(s.kpis)
        if self.map_placeholder is not None:
            self.map_placeholder.set_region(s.region_name)
        for name in DATA_PANELS:
            self.panels[name].set_as_of(s.as_of)

    def _show_hourly(self, s: WallSnapshot) -> None:
        # The hour of the center's day (its time zone, as the hourly counts), not the machine's.
        local_hour = s.as_of.astimezone(self.header.timezone()).hour
        self.hourly_chart.set_data(s.hourly_today, s.hourly_yesterday, local_hour)

    def _show_daily(self, s: WallSnapshot) -> None:
        self.daily_chart.set_data(s.daily_30)

    # A list with a new number of rows: the columns' heights follow (one pass, coalesced).
    def _show_categories(self, s: WallSnapshot) -> None:
        reflow = len(s.categories) != len(self.category_chart.categories())
        self.category_chart.set_categories(s.categories)
        if reflow:
            self._schedule_default_sizes()

    def _show_ranking(self, s: WallSnapshot) -> None:
        reflow = len(s.children) != self.ranking_table.row_count()
        self.ranking_table.set_rows(s.children)
        if reflow:
            self._schedule_default_sizes()

    _STEPS: tuple[Callable[[WallWindow, WallSnapshot], None], ...] = (
        _show_hourly, _show_daily, _show_categories, _show_ranking,
    )

    def show_current(self, at: datetime) -> None:
        """The numbers shown are still current at `at` (the feed says nothing changed)."""
        if self._snapshot is None:
            return
        for name in DATA_PANELS:
            self.panels[name].set_as_of(at)

    def snapshot(self) -> WallSnapshot | None:
        return self._snapshot

    def set_replica_lag(self, lag_s: float | None) -> None:
        """Beside each data age: how far the hot standby it reads lags (None: hidden)."""
        for name in DATA_PANELS:
            self.panels[name].age_label.set_replica_lag(lag_s)

    def set_connection_lost(self, since: datetime | None) -> None:
        """Show the red "数据库连接中断 自 HH:MM:SS" banner; None clears it. Data stays."""
        shown = self.banner.isVisibleTo(self)
        if since is not None and since.tzinfo is not None:
            since = since.astimezone(self.header.timezone())  # the center's clock, as the header
        self.banner.set_since(since)
        if self._tiles is not None:
            self.banner.raise_()
        elif shown != (since is not None):
            self._schedule_default_sizes()  # the banner takes height from the columns

    def refresh_ages(self) -> None:
        """Recompute every data-age label now (the 1 s timers do this on their own)."""
        for panel in self.panels.values():
            panel.age_label.refresh()
        self.header.refresh_clock()

    # ==== slots for other engineers' panels =============================================
    def set_map_widget(self, w: QWidget) -> None:
        """Put the map (e.g. mapview.view.MapView) in the central slot; the wall owns it."""
        self.panels["map"].set_content(w)
        self.map_placeholder = None  # deleted with the old content

    def set_side_panel(self, name: str, widget: QWidget) -> None:
        """Replace the content of a side panel, e.g. "video" or "dispatch"."""
        if name not in self.docks:
            raise ValueError(f"unknown panel {name!r}; expected one of {sorted(self.docks)}")
        self.panels[name].set_content(widget)

    def panel(self, name: str) -> Panel:
        return self.panels[name]

    # ==== scale =========================================================================
    def set_ui_scale(self, f: float | None) -> None:
        """Fonts and paddings scale by `f`; None derives it from the window height."""
        if f is not None and f <= 0:
            raise ValueError("UI scale must be positive")
        self._explicit_scale = f
        self._apply_scale(f if f is not None else auto_ui_scale(self.height()))

    def ui_scale(self) -> float:
        return self._scale

    def _apply_scale(self, scale: float) -> None:
        scale = round(scale, 2)
        if self._styled and scale == self._scale:
            return
        self._styled = True
        self._scale = scale
        restyle(self, scaled_stylesheet(scale))
        self.header.set_ui_scale(scale)
        self.banner.set_ui_scale(scale)
        for panel in self.panels.values():
            panel.set_ui_scale(scale)
        margin = round(8 * scale)
        layout_of(self._center).setContentsMargins(0, 0, 0, 0)
        self.setContentsMargins(0, 0, 0, 0)
        layout_of(self.top).setContentsMargins(0, 0, 0, margin)
        self.ui_scale_changed.emit(scale)
        if self._tiles is not None:
            self._layout_tiles()
            self._schedule_tile_layout()  # again once the new fonts have resized the parts
        else:
            self._schedule_default_sizes()

    # ==== normal (dock) layout ==========================================================
    def set_layout_locked(self, locked: bool) -> None:
        """Locked (default on a wall): no dock title bars, nothing can be dragged away."""
        self._locked = locked
        for dock in self.docks.values():
            if locked:
                dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
                dock.setTitleBarWidget(QWidget(dock))
            else:
                dock.setFeatures(
                    QDockWidget.DockWidgetFeature.DockWidgetMovable
                    | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                )
                old = dock.titleBarWidget()
                dock.setTitleBarWidget(None)  # type: ignore[arg-type]  # None: Qt's own title bar
                if old is not None:
                    old.deleteLater()
                self._auto_proportions = False  # the operator arranges now

    def is_layout_locked(self) -> bool:
        return self._locked

    def _schedule_default_sizes(self) -> None:
        if self._auto_proportions and not self._sizes_pending:
            self._sizes_pending = True
            QTimer.singleShot(0, self, self._apply_default_sizes)  # dies with the window

    def _apply_default_sizes(self) -> None:
        """Side columns at 26 % of the width; categories and ranking as tall as their rows
        need, the two trend charts share the rest; KPI strip as tall as it needs."""
        self._sizes_pending = False
        if not self._auto_proportions or self._tiles is not None:
            return
        side = round(self.width() * SIDE_WIDTH)
        self.resizeDocks(
            [self.docks["trend_hourly"], self.docks["video"]],
            [side, side],
            Qt.Orientation.Horizontal,
        )
        avail = max(1, self.height() - self.top.sizeHint().height())
        self.resizeDocks(
            list(self._column_docks(("trend_hourly", "trend_daily", "categories", "ranking"))),
            self._left_heights(avail),
            Qt.Orientation.Vertical,
        )
        right = ("video", "incidents")
        total = sum(DOCK_WEIGHTS[n] for n in right)
        self.resizeDocks(
            list(self._column_docks(right)),
            [round(avail * DOCK_WEIGHTS[n] / total) for n in right],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks(
            [self.docks["kpi"]], [self.panels["kpi"].sizeHint().height()], Qt.Orientation.Vertical
        )

    def _column_docks(self, names: Sequence[str]) -> list[QDockWidget]:
        return [self.docks[n] for n in names]

    def _left_heights(self, avail: int) -> list[int]:
        names = ("trend_hourly", "trend_daily", "categories", "ranking")
        need_cat = self.panels["categories"].sizeHint().height()
        need_rank = self.panels["ranking"].sizeHint().height()
        rest = avail - need_cat - need_rank
        min_trend = round(110 * self._scale)
        if rest >= 2 * min_trend:
            return [rest // 2, rest - rest // 2, need_cat, need_rank]
        total = sum(DOCK_WEIGHTS[n] for n in names)
        return [round(avail * DOCK_WEIGHTS[n] / total) for n in names]

    # ==== tile (splice wall) layout =====================================================
    def apply_tiles(self, cols: int, rows: int, bezel_px: int) -> None:
        """Place every panel inside whole tiles of a `cols × rows` splice wall.

        The window should cover the wall (e.g. full screen on a 5760×3240 desktop). Only
        the map may span seams; see `ui.wall.tiles.plan_tiles`. `clear_tiles` goes back.
        """
        if cols < 1 or rows < 1 or bezel_px < 0:
            raise ValueError("need cols >= 1, rows >= 1, bezel_px >= 0")
        if self._tiles is None:
            self._saved_dock_state = self.saveState(STATE_VERSION)
            self._enter_tiles()
        self._tiles = (cols, rows, bezel_px)
        self._layout_tiles()
        self._schedule_tile_layout()

    def tiles(self) -> tuple[int, int, int] | None:
        """(cols, rows, bezel_px) while tiled, else None."""
        return self._tiles

    def tile_plan(self) -> dict[str, tuple[int, int, int, int]]:
        """The rectangles currently applied in tile mode (window coordinates)."""
        return dict(self._plan)

    def clear_tiles(self) -> None:
        """Leave tile mode: panels go back to their docks and the saved arrangement."""
        if self._tiles is None:
            return
        self._tiles = None
        self._plan = {}
        for name, dock in self.docks.items():
            dock.setWidget(self.panels[name])
            dock.show()
        layout_of(self._center).addWidget(self.panels["map"])
        self.panels["map"].show()
        self.header.reattach_parts()
        layout_of(self.top, QVBoxLayout).insertWidget(0, self.banner)
        self.banner.setVisible(self.banner.since() is not None)
        self._canvas.hide()
        self.top.show()
        if self._saved_dock_state is not None:
            self.restoreState(self._saved_dock_state, STATE_VERSION)
        self._saved_dock_state = None
        self._schedule_default_sizes()

    def _tile_widgets(self) -> dict[str, QWidget]:
        widgets: dict[str, QWidget] = dict(self.header.parts())
        widgets["banner"] = self.banner
        widgets.update(self.panels)
        return widgets

    def _enter_tiles(self) -> None:
        for name, widget in self._tile_widgets().items():
            widget.setParent(self._canvas)
            if name != "banner":
                widget.show()
        for dock in self.docks.values():
            dock.hide()
        self.top.hide()
        self.banner.setVisible(self.banner.since() is not None)
        self._canvas.setGeometry(self.rect())
        self._canvas.show()
        self._canvas.raise_()

    def _schedule_tile_layout(self) -> None:
        if not self._tiles_pending:
            self._tiles_pending = True
            QTimer.singleShot(0, self, self._layout_tiles)

    def _layout_tiles(self) -> None:
        self._tiles_pending = False
        if self._tiles is None:
            return
        cols, rows, bezel = self._tiles
        s = self._scale
        parts = self.header.parts().values()
        header_px = max(p.sizeHint().height() for p in parts)
        self._canvas.setGeometry(self.rect())
        self._plan = plan_tiles(
            self.width(),
            self.height(),
            cols,
            rows,
            bezel,
            header_px=header_px,
            kpi_px=self.panels["kpi"].sizeHint().height(),
            gap_px=round(10 * s),
            pad_px=round(8 * s),
            min_panel_px=round(140 * s),
        )
        widgets = self._tile_widgets()
        for name, rect in self._plan.items():
            widgets[name].setGeometry(QRect(*rect))
        self.banner.raise_()

    # ==== persistence ===================================================================
    def save_layout(self, settings: QSettings) -> None:
        """Save geometry, screen, dock arrangement, tiles, scale and lock state."""
        if self._tiles is not None and self._saved_dock_state is not None:
            state = self._saved_dock_state
        else:
            state = self.saveState(STATE_VERSION)
        screen = self.screen()
        settings.beginGroup(SETTINGS_GROUP)
        try:
            settings.setValue("version", STATE_VERSION)
            settings.setValue("geometry", self.saveGeometry())
            settings.setValue("state", state)
            settings.setValue("screen", screen.name() if screen is not None else "")
            settings.setValue(
                "screenGeometry", screen.geometry() if screen is not None else QRect()
            )
            settings.setValue("fullScreen", self.isFullScreen())
            settings.setValue("tiles", ",".join(str(v) for v in self._tiles) if self._tiles else "")
            settings.setValue("uiScale", float(self._explicit_scale or 0.0))
            settings.setValue("locked", self._locked)
        finally:
            settings.endGroup()
        settings.sync()

    def restore_layout(self, settings: QSettings) -> bool:
        """Restore what `save_layout` wrote. A saved screen that is gone → the primary.

        Returns False if nothing (or nothing compatible) was saved.
        """
        settings.beginGroup(SETTINGS_GROUP)
        try:
            if int(str(settings.value("version", 0) or 0)) != STATE_VERSION:
                return False
            geometry = settings.value("geometry")
            state = settings.value("state")
            screen_name = str(settings.value("screen", "") or "")
            full_screen = settings.value("fullScreen", False, type=bool)
            tiles = str(settings.value("tiles", "") or "")
            scale = float(str(settings.value("uiScale", 0.0) or 0.0))
            locked = bool(settings.value("locked", True, type=bool))
        finally:
            settings.endGroup()

        self.clear_tiles()
        screens = QGuiApplication.screens()
        saved_screen = next((s for s in screens if s.name() == screen_name), None)
        target = find_screen(screen_name, screens, QGuiApplication.primaryScreen())
        if target is not None:
            self.setScreen(target)
        if saved_screen is not None and isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        elif target is not None:
            self.setGeometry(target.availableGeometry())
        if full_screen:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)

        restored = False
        if isinstance(state, QByteArray | bytes):
            restored = self.restoreState(QByteArray(state), STATE_VERSION)
        if restored:
            self._auto_proportions = False
        self.set_layout_locked(locked)
        if scale > 0:  # an explicit scale was saved; otherwise keep the current setting
            self.set_ui_scale(scale)
        if tiles:
            cols, rows, bezel = (int(v) for v in tiles.split(","))
            self.apply_tiles(cols, rows, bezel)
        return restored

    # ==== events ========================================================================
    def retranslate(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("WallWindow", WINDOW_TITLE))
        for name, dock in self.docks.items():
            dock.setWindowTitle(QCoreApplication.translate("WallWindow", PANEL_TITLES[name]))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.language_changed.emit()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._explicit_scale is None:
            self._apply_scale(auto_ui_scale(self.height()))
        if self._tiles is not None:
            self._layout_tiles()
            self._schedule_tile_layout()
        else:
            self._schedule_default_sizes()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._styled:
            self._apply_scale(self._explicit_scale or auto_ui_scale(self.height()))
        super().showEvent(event)
        self._schedule_default_sizes()
