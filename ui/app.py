"""Start the Qt side: the application, the wall window, the map and the live state.

Order matters (FIELD-NOTES): QtWebEngineWidgets is imported, the map's URL scheme
registered and AA_ShareOpenGLContexts set before the QApplication exists.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from services.wall import RISK_THRESHOLDS, MapPoints
from ui.kit.first_paint import after_first_paint
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP

METRIC_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "reported_today": (1, 2, 4, 8),
    "open": (1, 2, 3, 5),
    "overdue": (1, 2, 3, 5),
    "risk": RISK_THRESHOLDS,
}
if TYPE_CHECKING:
    from ui.wall.live import MapTerritory

HOTLINE = QT_TRANSLATE_NOOP("WallWindow", "热线登记")
HANDOVER = QT_TRANSLATE_NOOP("WallWindow", "交接班")
HANDOVER_WINDOW = QT_TRANSLATE_NOOP("WallWindow", "交接班与回放")
REPLAY = QT_TRANSLATE_NOOP("WallWindow", "班次回放")
ABOUT = QT_TRANSLATE_NOOP("WallWindow", "关于")
ALERTS_WAITING = QT_TRANSLATE_NOOP("RiskAlertList", "⚠ 预警 {n}")
OTHER_LANGUAGE = {"zh_CN": ("en", "EN"), "en": ("zh_CN", "中文")}
"""The language button shows the language it switches to, in that language."""

TAB_LABELS = (
    QT_TRANSLATE_NOOP("Console", "今日"),
    QT_TRANSLATE_NOOP("Console", "平安指数"),
    QT_TRANSLATE_NOOP("Console", "事件"),
    QT_TRANSLATE_NOOP("Console", "风险预警"),
    QT_TRANSLATE_NOOP("Console", "四平台"),
)


def prepare_qt() -> Any:
    # Workers are Python threads: a short GIL switch interval keeps the GUI thread's many
    # small Python callbacks (painting, slots) from queueing behind a busy worker.
    sys.setswitchinterval(0.001)
    if os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    from PySide6 import QtWebEngineWidgets  # noqa: F401 - must precede QApplication
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from mapview.view import register_schemes

    register_schemes()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("sgcc-console")
    app.setOrganizationName("sgcc-console")
    return app


def spawn_clock(argv: list[str]) -> Any:
    """A wall's clock child, told this process's id (it stops when this process is gone)."""
    import subprocess

    from services.cli.jobs import CLOCK_PARENT_ENV

    env = {**os.environ, CLOCK_PARENT_ENV: str(os.getpid())}
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, env=env)


def parse_size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def parse_tiles(text: str | None) -> tuple[int, int] | None:
    return parse_size(text) if text else None


CLOCK_WATCH_MS = 5000  # how often the wall checks that its clock child still runs
CLOCK_STOP_SECONDS = 10  # after SIGTERM, before the clock child is killed


class Console:
    """Wires the live state to the views; owns nothing but the wiring."""

    def __init__(self, args: argparse.Namespace, url: str, *, with_map: bool = True,
                 read_url: str | None = None, max_replica_lag_s: float = 30.0,
                 pooled: bool = False, direct_url: str | None = None) -> None:  # fmt: skip
        from PySide6.QtCore import QSettings
        from sqlalchemy.orm import Session

        from services import accounts
        from services.config import load_settings
        from services.ops import memory
        from services.policies import Policies
        from services.store.runtime import Runtime
        from services.wall import root_region_code
        from ui.kit.i18n import install_language
        from ui.kit.theme import apply_theme
        from ui.wall.live import LiveState

        # A wall runs for weeks: few malloc arenas for the threads to come, and the free
        # pages given back every minute (services.ops.memory; the soak bench measures it).
        memory.limit_arenas()
        self.heap_trimmer = memory.HeapTrimmer()
        self.app = prepare_qt()
        settings = load_settings(url)
        install_language(self.app, args.lang)
        apply_theme(self.app, args.theme)
        # The process's one database side (one engine with a bounded pool, one feed hub)
        # and every policy, built once and handed to the workers.
        self.runtime = Runtime(url, read_url=read_url, max_replica_lag_s=max_replica_lag_s,
                               pooled=pooled, direct_url=direct_url)  # fmt: skip
        self.policies = Policies.load(settings.raw)  # console.py checked the file already
        top = root_region_code(self.runtime.engine)
        center = args.center or top
        # The console's root is its center's region: the breadcrumb, the map and every
        # read stay inside it (services.territory.jurisdiction refuses the rest).
        root = center
        with Session(self.runtime.engine) as s:  # composition time, before the window shows
            self._viewer = accounts.viewer_for_region(s, center)
        # Escalation, risk rules, the capacity watch and the index run in the clock process
        # (services.clock), not in this one: their Python work would slow the GUI thread.
        self.live = LiveState(self.runtime, center, root=root, tz=settings.timezone,
                              with_map=with_map)  # fmt: skip
        self.live.prefetch()  # the first snapshot is read while the window is built
        from ui.wall.window import WallWindow  # pyqtgraph and every panel: a long import

        self.window = WallWindow()
        self._labels: list[tuple[Callable[[str], None], str]] = []
        self.window.language_changed.connect(self._retranslate)
        self.window.header.set_timezone(settings.timezone)
        self.settings = QSettings()
        self.map: Any = None
        if with_map:
            from mapview.view import MapView

            self.map = MapView(tiles_url=settings.tiles_url)
            self.window.set_map_widget(self.map)
            self.map.region_double_clicked.connect(self._drill)
            # Leaflet's controls, labels and legend are CSS pixels: scale them with the wall.
            self.window.ui_scale_changed.connect(self.map.setZoomFactor)
            self.map.setZoomFactor(self.window.ui_scale())
            from widgets.wall.cell_card import CellCard

            self.cell_card = CellCard(self.map.parentWidget())
            self.map.cell_clicked.connect(self.live.request_cell)
        self._url, self._root, self._tz = url, root, settings.timezone
        self._clock_scope = top  # the clock child keeps sweeping the whole database
        self.clock_process: Any = None
        self.clock_restarts = 0
        self._clock_watch: Any = None
        self.center_id = self._viewer.center_id
        self.rotator: Any = None
        self._wire_incidents(center, settings.timezone)
        self._wire_index(center, root)
        self._wire_platforms(center, root, settings.timezone)
        self._wire_video()
        self._wire_dispatch(center)
        self._wire_handover(center, settings.timezone)
        self._wire_language()
        self._wire_about()
        self.live.snapshot_ready.connect(self.window.show_snapshot_in_steps)
        self.live.replica_lag_ready.connect(self.window.set_replica_lag)  # read_url only
        self.live.confirmed.connect(self.window.show_current)
        # The banner shows while any worker cannot reach the database (since the first).
        self._down: dict[str, datetime] = {}
        for name, worker in self.workers().items():
            worker.connection_lost.connect(lambda since, n=name: self._connection(n, since))
            worker.connection_restored.connect(lambda n=name: self._connection(n, None))
        self.window.drill_requested.connect(self._drill)
        if self.map is not None:
            self.live.territory_ready.connect(self._show_territory)
            self.live.cells_reset.connect(self._reset_cells)
            self.live.cells_changed.connect(self.map.update_values)
            self.live.points_ready.connect(self._show_points)
            self.live.dispatch_lines_ready.connect(self.map.set_dispatch_lines)
            from widgets.wall.metric_picker import MetricPicker

            self.metric_picker = MetricPicker(self.map.parentWidget())
            self.metric_picker.metric_chosen.connect(self.live.set_metric)
            self.window.ui_scale_changed.connect(self.metric_picker.set_ui_scale)
            self.live.cell_detail_ready.connect(self.cell_card.show_detail)
            # While the hotline form is open, a click on the map gives it the grid cell.
            self.live.cell_detail_ready.connect(
                lambda d: self.hotline.take_cell(d.code, d.township, d.community)
                if self.hotline.isVisible() else None
            )  # fmt: skip
        if args.scale:
            self.window.set_ui_scale(args.scale)
        self.app.aboutToQuit.connect(self.close)

    def _wire_incidents(self, center: str, tz: str) -> None:
        """The incident panel, the header's case badge and account, the hotline form."""

        from services.config import data_dir
        from services.incidents.attachments import AttachmentStore
        from ui.incidents.hotline_form import HotlineForm
        from ui.incidents.panel import IncidentPanel
        from ui.incidents.state import IncidentState
        from ui.kit.session import AccountBar
        from widgets.incidents.badge import IncidentBadge
        from widgets.tabbed import TabbedContent

        self.incidents = IncidentState(self.runtime, center, policy=self.policies.incidents,
                                       login_policy=self.policies.accounts,
                                       photos=AttachmentStore(data_dir() / "attachments"),
                                       )  # fmt: skip
        self.incident_panel = IncidentPanel(self.incidents, tz=tz)
        self.incident_tabs = TabbedContent("Console")
        self.incident_tabs.add(self.incident_panel, TAB_LABELS[2])
        self.window.set_side_panel("incidents", self.incident_tabs)
        self.incident_panel.data_as_of.connect(self.window.panel("incidents").set_as_of)
        # -- the case sheet (ui.incidents.sheet): a case opens over the wall's left column --
        from ui.incidents.sheet import MIN_WIDTH, left_column_rect

        self.incident_panel.dock_sheet(
            self.window, lambda scale: left_column_rect(self.window, round(MIN_WIDTH * scale))
        )
        # -- end of the case sheet --
        self.badge = IncidentBadge()
        self.incidents.counts_ready.connect(self.badge.set_counts)
        self.account = AccountBar(self.incidents)
        self.hotline = HotlineForm(self.incidents, self.window)
        # The hotline form docks over the right column: the map it picks on stays clear.
        from ui.incidents.sheet import right_column_rect

        self.hotline.dock_over(
            self.window, lambda scale: right_column_rect(self.window, round(480 * scale))
        )
        self.hotline.reported.connect(self.incident_panel.select_incident)
        hotline_button = self._header_button("hotlineButton", self._open_hotline)
        self._label(hotline_button.setText, HOTLINE)
        for w in (self.badge, self.account, hotline_button):
            self.window.header.add_status_widget(w)
        # Views take the wall's scale when it applies it (once, as the window is shown).
        for view in (self.badge, self.account, self.hotline):
            self.window.ui_scale_changed.connect(view.set_ui_scale)
        if self.map is not None:
            self.map.incident_clicked.connect(self.incident_panel.select_incident)
            self.incident_panel.incident_selected.connect(
                lambda iid, _lon, _lat: self.map.select_incident(iid)
            )

    def _wire_index(self, center: str, root: str) -> None:
        """平安指数 ranking beside the live ranking; risk alerts beside the incidents; the
        index choropleth and alert markers on the map."""
        from ui.risk.state import IndexState
        from widgets.risk.index_board import IndexBoard
        from widgets.risk.risk_alerts import RiskAlertList
        from widgets.tabbed import TabbedContent

        self.index = IndexState(
            self.runtime, center, root=root,
            index_params=self.policies.index, risk_params=self.policies.risk,
            run_rules=False, recompute=False,  # the clock process does both
        )  # fmt: skip
        self.index_board = IndexBoard()
        self.index.ranking_ready.connect(self.index_board.set_ranking)
        self.index_board.region_clicked.connect(self._drill)
        ranking = self.window.panel("ranking")
        self.ranking_tabs = TabbedContent("Console")
        ranking.set_content(self.ranking_tabs, keep_old=True)  # the live ranking: first tab
        self.ranking_tabs.add(self.window.ranking_table, TAB_LABELS[0])
        self.ranking_tabs.add(self.index_board, TAB_LABELS[1])
        self.alert_list = RiskAlertList()
        self.index.alerts_ready.connect(self.alert_list.set_board)
        self.incident_tabs.add(self.alert_list, TAB_LABELS[3])
        self.alert_list.acknowledge_requested.connect(
            lambda aid, ver, note: self._alert_action(self.index.acknowledge, aid, note, ver)
        )
        self.alert_list.close_requested.connect(
            lambda aid, ver, note: self._alert_action(self.index.close, aid, note, ver)
        )
        self.alert_list.alert_selected.connect(self.index.show_timeline)
        self.index.timeline_ready.connect(self.alert_list.set_timeline)
        self.incidents.actor_changed.connect(
            lambda a: self.alert_list.set_actions_enabled(a is not None and a.may("handle"))
        )
        self.alert_list.set_actions_enabled(False)
        self._wire_alert_attention()
        # The panels pass the wall's scale to their tabbed content, which passes it on.
        if self.map is not None:
            self.index.choropleth_ready.connect(self.map.set_choropleth)
            self.index.alert_points_ready.connect(lambda p: self.map.set_points("alerts", p))
            self.map.alert_clicked.connect(self.alert_list.select_alert)
            self.alert_list.alert_selected.connect(lambda aid: self.map.select_point("alerts", aid))

    def _wire_platforms(self, center: str, root: str, tz: str) -> None:
        """基层治理四平台 as a tab beside the ranking, on township and county walls only
        (services.wall.platforms.shows_platforms); a city or province wall has none."""
        from services.wall import region_by_code
        from services.wall.platforms import shows_platforms

        self.platforms: Any = None
        self.platform_panel: Any = None
        with self.runtime.engine.connect() as conn:  # composition time, before the window shows
            level = region_by_code(conn, root).level
        if not shows_platforms(level):
            return
        from ui.wall.platforms import PlatformState
        from widgets.wall.platforms import PlatformPanel

        self.platforms = PlatformState(self.runtime, center, root=root, tz=tz)
        self.platform_panel = PlatformPanel()
        self.platforms.board_ready.connect(self.platform_panel.set_board)
        self.ranking_tabs.add(self.platform_panel, TAB_LABELS[4])

    def _wire_alert_attention(self) -> None:
        """journey-dispatch: unacknowledged alerts counted on the 风险预警 tab and in the
        header (a separate status widget; the header itself is unchanged), louder with age
        (the urgency comes from services.risk); a press on the header's badge shows them."""
        from widgets.risk.risk_alerts import AlertAttentionBadge
        from widgets.tabbed import set_tab_badge

        self.alert_tab_badge = AlertAttentionBadge("{n}")
        set_tab_badge(self.incident_tabs.tabBar(), self.incident_tabs.indexOf(self.alert_list),
                      self.alert_tab_badge)  # fmt: skip
        self.alert_header_badge = AlertAttentionBadge(ALERTS_WAITING)
        self.alert_header_badge.setObjectName("alertAttention")
        self.window.header.add_status_widget(self.alert_header_badge)
        for badge in (self.alert_tab_badge, self.alert_header_badge):
            self.alert_list.attention_changed.connect(badge.set_attention)
            self.window.ui_scale_changed.connect(badge.set_ui_scale)
            badge.clicked.connect(self._show_alerts)

    def _show_alerts(self) -> None:
        self.window.docks["incidents"].raise_()
        self.incident_tabs.setCurrentWidget(self.alert_list)

    def _wire_video(self) -> None:
        """Video slots: cameras from the map and near the selected incident; conferences."""
        from ui.video import conference_panel
        from ui.video.panel import VideoPanel

        conference_panel.set_display_timezone(self._tz)
        self.video = VideoPanel(self.runtime, self._viewer,
                                incident_policy=self.policies.incidents)  # fmt: skip
        self.window.set_side_panel("video", self.video)

        def follow_actor(actor: Any) -> None:
            self.video.actor = actor
            self.video.reload()

        self.incidents.actor_changed.connect(follow_actor)
        self.incident_panel.incident_selected.connect(
            lambda _iid, lon, lat: self.video.offer_cameras_near(lon, lat)
        )
        # journey-dispatch: a conference knows the case in focus, and opens below the header.
        self.incident_panel.incident_selected.connect(
            lambda iid, _lon, _lat: self.video.set_focus_incident(iid)
        )
        self.video.conference_area = self._below_header
        if self.map is not None:
            self.map.camera_clicked.connect(self.video.show_camera)

    def _below_header(self) -> Any:
        """The wall's area under its header, in screen coordinates (for the conference)."""
        from PySide6.QtCore import QPoint, QRect

        header = self.window.header
        top_left = header.mapToGlobal(QPoint(0, header.height()))
        left = self.window.mapToGlobal(QPoint(0, 0)).x()
        return QRect(left, top_left.y(), self.window.width(),
                     max(200, self.window.height() - header.height()))  # fmt: skip

    def _wire_dispatch(self, center: str) -> None:
        """The dispatch board; proposals for the selected incident; the surge alert raises
        the board and its plan can switch the video layout."""
        from ui.dispatch.panel import DispatchPanel
        from ui.dispatch.state import DispatchState

        self.dispatch = DispatchState(
            self.runtime, center, policies=self.policies,
            surge_every=None,  # the capacity watch runs in the clock process
        )  # fmt: skip
        self.dispatch_panel = DispatchPanel(self.dispatch)
        self.window.set_side_panel("dispatch", self.dispatch_panel)
        self.incidents.actor_changed.connect(
            lambda a: self.dispatch_panel.set_actor(a if a is not None and a.role != "viewer" else None)
        )
        self.incident_panel.incident_selected.connect(
            lambda iid, _lon, _lat: self.dispatch_panel.propose_for_incident(iid)
        )
        self._surges_seen: set[int] = set()
        self.dispatch.surge_ready.connect(self._on_surges)
        self.dispatch_panel.layout_requested.connect(self._show_plan_layout)
        # journey-dispatch: the case the dispatch side follows (a surge plan's case) is
        # selected in the case panel too (select_incident is a no-op for the shown case).
        self.dispatch_panel.incident_selected.connect(self.incident_panel.select_incident)
        self.dispatch_panel.incident_selected.connect(self.video.set_focus_incident)
        if self.map is not None:
            self.dispatch_panel.incident_selected.connect(self.map.select_incident)

    def workers(self) -> dict[str, Any]:
        """Every background worker of the console, by name."""
        named = {"wall": self.live, "markers": self.live.markers, "incidents": self.incidents,
                 "index": self.index, "video": self.video.worker, "dispatch": self.dispatch,
                 "handover": self.handover, "platforms": self.platforms}  # fmt: skip
        return {name: w for name, w in named.items() if w is not None}

    def _connection(self, name: str, since: datetime | None) -> None:
        if since is None:
            self._down.pop(name, None)
        else:
            self._down.setdefault(name, since)
        self.window.set_connection_lost(min(self._down.values()) if self._down else None)

    def _alert_action(self, action: Callable[..., None], alert_id: int, note: str,
                      version: int | None) -> None:  # fmt: skip
        """签收 / 解除 as the signed-in account (the buttons show only once someone is)."""
        actor = self.incidents.actor()
        if actor is not None:
            action(actor, alert_id, note, version)

    def _on_surges(self, proposals: tuple[Any, ...]) -> None:
        """A place newly over its capacity brings the dispatch board to the front (once, so
        an officer who turns back to the incidents is not pulled away again)."""
        places = {p.place_id for p in proposals}
        if places - self._surges_seen:
            self.window.docks["dispatch"].raise_()
        self._surges_seen = places

    def _show_plan_layout(self, layout: int, camera_ids: list[int]) -> None:
        """A response plan's video layout: its cameras fill the slots from the first."""
        self.video.show_layout(layout, camera_ids)

    def _wire_handover(self, center: str, tz: str) -> None:
        """交接班 in its own window: the report, sign-off, duty log, review, and the replay
        of a shift, which takes over the map's cell colours while the window is open."""
        from ui.handover.state import HandoverState
        from ui.handover.window import HandoverWindow

        self.handover = HandoverState(self.runtime, center, tz=tz, policy=self.policies.handover)
        self.incidents.actor_changed.connect(
            lambda a: self.handover.set_actor(a if a is not None and a.role != "viewer" else None)
        )
        self.handover_window = HandoverWindow(self.handover, self.window)
        self._label(self.handover_window.setWindowTitle, HANDOVER_WINDOW)
        self.handover_panel = self.handover_window.handover_panel
        self.replay_panel = self.handover_window.replay_panel
        tabs = self.handover_window.tabs
        self._label(lambda text: tabs.setTabText(0, text), HANDOVER)
        self._label(lambda text: tabs.setTabText(1, text), REPLAY)
        self.window.ui_scale_changed.connect(self.handover_window.set_ui_scale)
        self.handover_window.set_ui_scale(self.window.ui_scale())
        button = self._header_button("handoverButton", self._open_handover)
        self._label(button.setText, HANDOVER)
        self.window.header.add_status_widget(button)
        self._replaying = False
        if self.map is not None:
            self.replay_panel.cells_at.connect(self._show_replay_cells)
            self.handover_window.finished.connect(self._end_replay)

    def _wire_language(self) -> None:
        """A header button that switches the whole console between Chinese and English."""
        from ui.kit.i18n import current_language, install_language

        self.language_button = button = self._header_button(
            "languageButton",
            lambda: install_language(self.app, OTHER_LANGUAGE[current_language(self.app)][0]),
        )

        def show() -> None:
            button.setText(OTHER_LANGUAGE[current_language(self.app)][1])

        self.window.language_changed.connect(show)
        show()
        self.window.header.add_title_widget(button)

    def _wire_about(self) -> None:
        """关于: where the territory data comes from, and the version."""
        from ui.kit.i18n import current_language
        from widgets.about import AboutDialog

        self.about_dialog = AboutDialog(self.window)
        self.window.ui_scale_changed.connect(self.about_dialog.set_ui_scale)
        self.about_dialog.set_language(current_language(self.app))
        self.window.language_changed.connect(
            lambda: self.about_dialog.set_language(current_language(self.app))
        )
        self.about_button = button = self._header_button("aboutButton", self._open_about)
        self._label(button.setText, ABOUT)
        self.window.header.add_title_widget(button)

    def _open_about(self) -> None:
        self.about_dialog.show()
        self.about_dialog.raise_()

    def show_panel(self, name: str) -> None:
        """Bring a side panel to the front (services.wall.rotation.PANELS)."""
        tabs = {"ranking": (self.ranking_tabs, self.window.ranking_table),
                "index": (self.ranking_tabs, self.index_board),
                "platforms": (self.ranking_tabs, self.platform_panel),
                "incidents": (self.incident_tabs, self.incident_panel),
                "alerts": (self.incident_tabs, self.alert_list)}  # fmt: skip
        if name == "dispatch":
            self.window.docks["dispatch"].raise_()
            return
        tab, page = tabs[name]
        if page is None:  # the four platforms on a city wall: refused at config load
            return
        self.window.docks["incidents" if tab is self.incident_tabs else "ranking"].raise_()
        tab.setCurrentWidget(page)

    def start_rotation(self, rotation: Any) -> Any:
        """Cycle the main area (services.wall.rotation.Rotation); returns the Rotator."""
        from ui.wall.rotation import Rotator

        def show(step: Any) -> None:
            if step.kind == "region":
                self._drill(step.value)
            else:
                self.show_panel(step.value)

        self.rotator = Rotator(self.window, rotation, show)
        self.rotator.start()
        return self.rotator

    def _header_button(self, name: str, on_click: Callable[[], None]) -> Any:
        """A button for the wall's header, styled like the case controls at the wall's scale."""
        from PySide6.QtWidgets import QPushButton

        from widgets.incident_style import incident_stylesheet

        button = QPushButton()
        button.setObjectName(name)
        button.clicked.connect(on_click)

        def style(scale: float) -> None:
            restyle(button, incident_stylesheet(scale))

        self.window.ui_scale_changed.connect(style)
        style(self.window.ui_scale())
        return button

    def _label(self, setter: Callable[[str], None], source: str) -> None:
        """Set a text now and again after each language switch (context WallWindow)."""
        self._labels.append((setter, source))
        setter(QCoreApplication.translate("WallWindow", source))

    def _retranslate(self) -> None:
        for setter, source in self._labels:
            setter(QCoreApplication.translate("WallWindow", source))

    def _open_handover(self) -> None:
        self.handover_window.show()
        self.handover_window.raise_()

    def _show_replay_cells(self, values: dict[int, float]) -> None:
        """The replayed moment on the map; live updates wait until the window closes."""
        if not self._replaying:
            self._replaying = True
            self.live.cells_changed.disconnect(self.map.update_values)
        metric = str(self.replay_panel.metric_box.currentData() or "open")
        self.map.set_metric(metric, values, METRIC_THRESHOLDS.get(metric, (1, 2, 3, 5)))

    def _end_replay(self) -> None:
        if self._replaying:
            self._replaying = False
            self.live.cells_changed.connect(self.map.update_values)
            self.live.set_metric(self.metric_picker.currentData() or "open")  # live colours back

    def _open_hotline(self) -> None:
        self.hotline.open()

    def _drill(self, adcode: str) -> None:
        self.live.drill(adcode)
        self.index.drill(adcode)
        if self.platforms is not None:
            self.platforms.show(adcode)

    def _show_territory(self, shown: MapTerritory) -> None:
        from mapview.cells import CellGeometry

        territory = shown.territory
        self.map.set_boundary_payload(shown.boundaries_meta, shown.boundaries_blob)
        self.map.set_cells(CellGeometry(territory.cell_ids, territory.offsets, territory.coords))
        self.map.fit()

    def _reset_cells(self, metric: str, values: dict[int, float]) -> None:
        self.map.set_metric(metric, values, METRIC_THRESHOLDS[metric])

    def _show_points(self, points: MapPoints) -> None:
        from widgets.labels import category_label

        incidents = [dict(p, label=category_label(p["label"])) for p in points.incidents]
        self.map.set_points("incidents", incidents)
        self.map.set_points("resources", list(points.resources))
        self.map.set_points("cameras", list(points.cameras))

    def start(self) -> None:
        """The wall's own worker first; the side panels' workers once its first snapshot is
        on screen, so they do not compete with it for the first frame. A first snapshot
        read ahead while the window was built is shown at once, and then every lane waits
        for the window's first paint: their first reads (the territory's boundaries, the
        panels) are Python work that held that paint back by a quarter of a second."""
        self._side_started = False
        self.heap_trimmer.start()
        shown = self.live.show_first()
        if shown and self.window.isVisible():
            after_first_paint(self.window, lambda: self._start_lanes(shown=True))
        else:
            self._start_lanes(shown)

    def _start_lanes(self, shown: bool) -> None:
        self.live.start()
        if shown:  # the first snapshot is on screen already
            self._side_started = True
            self._start_side_lanes()
        else:
            self.live.snapshot_ready.connect(self._start_side_workers)

    def start_clock(self) -> None:
        """Run this center's clock (services.clock) as a child process while the wall runs;
        on PostgreSQL not while the deployment's clock (`clock --all`) holds its lock. The
        watch (`_keep_clock`) then asks again every period and starts the child when no
        deployment clock leads any more."""
        from pathlib import Path

        from services.clock import deployment_clock_alive

        console_py = Path(__file__).resolve().parent.parent / "console.py"
        self._clock_argv = [sys.executable, str(console_py), "--db", self._url, "clock",
                            "--center", self._clock_scope]  # fmt: skip
        self._deployment_led: bool | None = None  # the last answer of the watch's check
        self._deployment_check: Any = None  # the thread asking it (off the GUI thread)
        if not deployment_clock_alive(self.runtime.engine):  # composition time, before the loop
            self.clock_process = spawn_clock(self._clock_argv)
        if self._clock_watch is None:
            from PySide6.QtCore import QTimer

            self._clock_watch = QTimer(self.window)
            self._clock_watch.timeout.connect(self._keep_clock)
        self._clock_watch.start(CLOCK_WATCH_MS)

    def _keep_clock(self) -> None:
        """Self-healing: a clock child that died (crash, OOM kill) is started again, at most
        once a watch period, so escalation and the risk rules go on without a restart. With
        no child (a deployment clock led), whether one still leads is asked on a short
        thread (a database call) and the child started once the answer is no."""
        import threading

        proc = self.clock_process
        if proc is None:
            check = self._deployment_check
            if check is not None and check.is_alive():
                return
            if self._deployment_led is False:
                self._deployment_led = None
                print("console: no deployment clock leads any more; starting this console's",
                      file=sys.stderr)  # fmt: skip
                self.clock_process = spawn_clock(self._clock_argv)
                return
            from services.clock import deployment_clock_alive

            engine = self.runtime.engine

            def ask() -> None:
                try:
                    self._deployment_led = deployment_clock_alive(engine)
                except Exception:  # noqa: BLE001 - the database is away: ask again next period
                    self._deployment_led = None

            self._deployment_check = threading.Thread(target=ask, name="clock-check", daemon=True)
            self._deployment_check.start()
            return
        if proc.poll() is None:
            return
        self.clock_restarts += 1
        print(f"console: the clock process ended (exit {proc.returncode}); starting it again "
              f"({self.clock_restarts})", file=sys.stderr)  # fmt: skip
        self.clock_process = spawn_clock(self._clock_argv)

    def stop_clock(self) -> None:
        """Stop the clock child: SIGTERM, then SIGKILL if it has not ended in 10 s."""
        import subprocess

        if self._clock_watch is not None:
            self._clock_watch.stop()
        proc, self.clock_process = self.clock_process, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(CLOCK_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _start_side_workers(self, _snapshot: object = None) -> None:
        if self._side_started:
            return
        self._side_started = True
        self.live.snapshot_ready.disconnect(self._start_side_workers)
        self._start_side_lanes()

    def _start_side_lanes(self) -> None:
        for worker in (self.incidents, self.dispatch, self.handover, self.index):
            worker.start()
        if self.platforms is not None:
            self.platforms.start()

    def close(self) -> None:
        self.heap_trimmer.stop()
        if self.rotator is not None:
            self.rotator.stop()
        self.stop_clock()
        self.window.save_layout(self.settings)
        self.live.stop()
        self.incidents.stop()
        self.index.stop()
        self.video.shutdown()
        self.dispatch_panel.shutdown()
        self.handover.stop()
        if self.platforms is not None:
            self.platforms.stop()
        self.runtime.close()


def run_wall(args: argparse.Namespace, url: str, *, read_url: str | None = None,
             max_replica_lag_s: float = 30.0, pooled: bool = False,
             direct_url: str | None = None) -> int:  # fmt: skip
    """`read_url`: a hot standby for reads (services.store.replica); `pooled`: `url` is
    PgBouncer, `direct_url` the primary past it (services.store.runtime)."""
    console = Console(args, url, read_url=read_url, max_replica_lag_s=max_replica_lag_s,
                      pooled=pooled, direct_url=direct_url)  # fmt: skip
    console.window.restore_layout(console.settings)
    tiles = parse_tiles(getattr(args, "tiles", None))
    if tiles:
        console.window.apply_tiles(tiles[0], tiles[1], args.bezel)
    screens = console.app.screens()
    if args.screen is not None:
        screen = screens[args.screen] if 0 <= args.screen < len(screens) else console.app.primaryScreen()
        console.window.setScreen(screen)
        console.window.move(screen.geometry().topLeft())
    kiosk = None
    if getattr(args, "kiosk", False):
        from services.accounts import may_exit_kiosk
        from ui.kit.kiosk import KioskGuard

        kiosk = KioskGuard(console.window, console.incidents,
                           lambda actor: may_exit_kiosk(actor, console.center_id))  # fmt: skip
    if args.fullscreen or kiosk is not None:
        # Without a window manager (a bare wall PC, Xvfb) full screen needs the geometry too.
        screen = console.window.screen() or console.app.primaryScreen()
        console.window.setGeometry(screen.geometry())
        console.window.showFullScreen()
    else:
        console.window.show()
    from ui.kit.heartbeat import Heartbeat

    heartbeat = Heartbeat(console.window)  # systemd's watchdog, when it runs the wall
    console.live.snapshot_ready.connect(lambda _snap: heartbeat.ready())
    console.start()
    console.start_clock()
    rotation = getattr(args, "rotation", None)  # checked by ui.commands before Qt
    if rotation is not None:
        console.start_rotation(rotation)
    # Ctrl+C or a service manager's SIGTERM: quit cleanly (layout saved, clock stopped);
    # the service manager may end a kiosk wall without a password.
    import signal

    def stop(*_: object) -> None:
        if kiosk is not None:
            kiosk.release()
        heartbeat.stopping()
        console.app.quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    return int(console.app.exec())


def run_screenshot(args: argparse.Namespace, url: str) -> int:
    """Render the wall offscreen with data loaded, save a PNG, exit."""
    from PySide6.QtCore import QEventLoop, QTimer

    width, height = parse_size(args.size)
    console = Console(args, url)
    console.window.resize(width, height)
    tiles = parse_tiles(getattr(args, "tiles", None))
    if tiles:
        console.window.apply_tiles(tiles[0], tiles[1], args.bezel)
    console.window.show()
    loop = QEventLoop()
    got: list[datetime] = []

    def on_snapshot(_snap: object) -> None:
        got.append(datetime.now())
        # give the map time to draw its cells (it reports when drawn), then grab
        QTimer.singleShot(200, loop.quit) if console.map is None else None

    console.live.snapshot_ready.connect(on_snapshot)
    if console.map is not None:
        settle_ms = 300 + round(1000 * float(getattr(args, "settle", 0.0) or 0.0))

        def on_drawn(kind: str, _ms: float) -> None:
            if kind == "metric" and got:
                QTimer.singleShot(settle_ms, loop.quit)  # --settle: let the side panels fill

        console.map.cells_drawn.connect(on_drawn)
    QTimer.singleShot(60_000, loop.quit)  # never hang: give up after a minute
    console.start()
    loop.exec()
    image = console.window.grab()
    ok = image.save(args.out)
    console.close()
    print(f"screenshot {'saved' if ok and got else 'FAILED'}: {args.out} ({width}x{height})")
    return 0 if ok and got else 1
