"""Start the Qt side: the application, the wall window, the map and the live state.

Order matters (FIELD-NOTES): QtWebEngineWidgets is imported, the map's URL scheme
registered and AA_ShareOpenGLContexts set before the QApplication exists.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from typing import Any

from services.wall_queries import MapPoints, Territory

METRIC_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "reported_today": (1, 2, 4, 8),
    "open": (1, 2, 3, 5),
    "overdue": (1, 2, 3, 5),
}


def prepare_qt() -> Any:
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


def parse_size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def parse_tiles(text: str | None) -> tuple[int, int] | None:
    return parse_size(text) if text else None


class Console:
    """Wires the live state to the views; owns nothing but the wiring."""

    def __init__(self, args: argparse.Namespace, url: str, *, with_map: bool = True) -> None:
        from PySide6.QtCore import QSettings

        from services.config import load_settings
        from services.db import make_engine
        from services.wall_queries import root_region_code
        from ui.i18n import install_language
        from ui.live import LiveState
        from ui.theme import apply_theme
        from ui.wall import WallWindow

        self.app = prepare_qt()
        settings = load_settings(url)
        install_language(self.app, args.lang)
        apply_theme(self.app, args.theme)
        engine = make_engine(url)
        root = root_region_code(engine)
        engine.dispose()
        center = args.center or root
        self.window = WallWindow()
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
            from widgets.cell_card import CellCard

            self.cell_card = CellCard(self.map.parentWidget())
            self.map.cell_clicked.connect(lambda cell: self.live.request_cell(cell))
        self.live = LiveState(url, center, root=root, tz=settings.timezone, with_map=with_map)
        self.live.snapshot_ready.connect(self.window.show_snapshot)
        self.live.connection_lost.connect(self.window.set_connection_lost)
        self.live.connection_restored.connect(lambda: self.window.set_connection_lost(None))
        self.window.drill_requested.connect(self._drill)
        if self.map is not None:
            self.live.territory_ready.connect(self._show_territory)
            self.live.cells_reset.connect(self._reset_cells)
            self.live.cells_changed.connect(self.map.update_values)
            self.live.points_ready.connect(self._show_points)
            from widgets.metric_picker import MetricPicker

            self.metric_picker = MetricPicker(self.map.parentWidget())
            self.metric_picker.metric_chosen.connect(self.live.set_metric)
            self.window.ui_scale_changed.connect(self.metric_picker.set_ui_scale)
            self.metric_picker.set_ui_scale(self.window.ui_scale())
            self.live.cell_detail_ready.connect(self.cell_card.show_detail)
        if args.scale:
            self.window.set_ui_scale(args.scale)
        self.app.aboutToQuit.connect(self.close)

    def _drill(self, adcode: str) -> None:
        self.live.drill(adcode)

    def _show_territory(self, territory: Territory) -> None:
        from mapview.cells import CellGeometry

        self.map.set_boundaries(list(territory.boundaries))
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
        self.live.start()

    def close(self) -> None:
        self.window.save_layout(self.settings)
        self.live.stop()


def run_wall(args: argparse.Namespace, url: str) -> int:
    console = Console(args, url)
    console.window.restore_layout(console.settings)
    tiles = parse_tiles(getattr(args, "tiles", None))
    if tiles:
        console.window.apply_tiles(tiles[0], tiles[1], args.bezel)
    screens = console.app.screens()
    if args.screen is not None:
        screen = screens[args.screen] if 0 <= args.screen < len(screens) else console.app.primaryScreen()
        console.window.setScreen(screen)
        console.window.move(screen.geometry().topLeft())
    if args.fullscreen:
        # Without a window manager (a bare wall PC, Xvfb) full screen needs the geometry too.
        screen = console.window.screen() or console.app.primaryScreen()
        console.window.setGeometry(screen.geometry())
        console.window.showFullScreen()
    else:
        console.window.show()
    console.start()
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
        def on_drawn(kind: str, _ms: float) -> None:
            if kind == "metric" and got:
                QTimer.singleShot(300, loop.quit)

        console.map.cells_drawn.connect(on_drawn)
    QTimer.singleShot(60_000, loop.quit)  # never hang: give up after a minute
    console.start()
    loop.exec()
    image = console.window.grab()
    ok = image.save(args.out)
    console.close()
    print(f"screenshot {'saved' if ok and got else 'FAILED'}: {args.out} ({width}x{height})")
    return 0 if ok and got else 1
