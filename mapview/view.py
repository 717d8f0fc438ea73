"""MapView: the offline grid-cell map in a QWebEngineView.

Start-up order matters (Qt reads these once, when the QApplication is created)::

    import os
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")  # only when root
    import PySide6.QtWebEngineWidgets  # noqa: F401  import WebEngine before the QApplication
    from PySide6.QtCore import QCoreApplication, Qt
    from mapview.view import register_schemes

    register_schemes()  # the cmap: scheme, before the QApplication exists
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv)

The page is built once (folium, local assets only) and loaded from the `cmap:` scheme;
data is pushed into it with JavaScript and never causes a reload:

- `set_cells` publishes the packed geometry as a binary blob the page fetches once;
- `set_metric` sends all values (base64 float32) plus colours and legend;
- `update_values` sends only the changed cells; the page repaints just those.

Calls made before the page is ready are queued and sent, in order, when the page reports
ready (the Anki webview pattern). Every page load has a generation number; reports from a
page being torn down (an older generation, or a view being closed) are ignored. If the
renderer process dies the page is reloaded (once until a page is ready again) and the
current state replayed. A renderer whose memory passes `renderer_budget_mb` (checked every
minute) is replaced the same way: a new page in a new process, the state replayed.

When the page cannot start, the map area is never silently empty: a banner over it says
why (the page failed to load, a page asset such as `leaflet.js` could not be served, the
scripts did not start, the renderer ended) until a page reports ready (`failure()`,
`page_failed`).

The page's ⤢ 全览 control (as `fit()`) refits the shown region after a person zoomed.

The map fits the territory (boundaries, else cells) until a person pans or zooms; then it
stays put (also across data changes and resizes) until `fit()` is called. `select_incident`
counts as a person looking somewhere: if it has to move the map, auto-fit stops.

Drawing (`static/mapview.js`): cells and boundaries are two canvas layers of our own, not
Leaflet vector layers. Geometry arrives once as binary and is projected once to zoom-0
Web-Mercator pixels; a draw is then a multiply-add per vertex. Level of detail is decided
per cell from its projected size, so a real territory with small urban and large rural
cells gets the right treatment everywhere:

- under 3 device px: a pixel block (the cell's pixel box) written straight into an
  ImageData: at province zoom 109,000 cells cost ~15 ms and still show the hot spots,
  where paths would cost ~300 ms for shapes nobody can see;
- 3 to 28 px: scan-converted in JavaScript into the same ImageData (exact, no
  anti-aliasing, a 1-px darker rim from 9 px up so cells read as a grid);
- 28 px and more (few cells fit on screen): anti-aliased canvas paths, filled per colour
  in batches of 300 sub-paths, with a thin outline.

Cells are never merged into townships: every cell keeps its own colour at every zoom.
A value change repaints only the changed cells: each cell's pixel box is rebuilt from the
cells overlapping it (spatial-grid index), so 100 scattered changes cost ~5-10 ms at 109k
where Leaflet's canvas redraws the union of dirty areas (~0.25-0.4 s). Boundaries are
drawn per level with vertices closer than half a pixel dropped.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import logging
import math
import os
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QWidget

from mapview import scheme
from mapview.cells import CellGeometry, align_values, index_values
from mapview.page import (
    BACKGROUND,
    BASE_URL,
    INDEX_THRESHOLDS,
    boundary_payload,
    build_page,
    choropleth_style,
    metric_style,
    page_texts,
    translate_style,
)
from mapview.scheme import OfflineGuard, register_schemes
from services.ops.memory import rss_mb
from widgets.style_sheet import restyle

__all__ = ["MapView", "register_schemes", "POINT_LAYERS", "LAYERS"]

log = logging.getLogger(__name__)

POINT_LAYERS = ("incidents", "resources", "cameras", "alerts")
LAYERS = ("boundaries", "cells", "choropleth", "dispatch", *POINT_LAYERS)

_keys = itertools.count(1)
_profile: QWebEngineProfile | None = None


def map_profile() -> QWebEngineProfile:
    """The off-the-record profile all map views share (nothing written to disk)."""
    global _profile
    if _profile is None:
        _profile = QWebEngineProfile(QCoreApplication.instance())
        scheme.install_scheme_handler(_profile)
    return _profile


@functools.lru_cache(maxsize=4)
def _page_html(tiles_url: str | None) -> bytes:
    """The map page, built with folium once per version of its inputs and kept on disk:
    importing folium and rendering its templates costs about a second of start-up."""
    from importlib.metadata import version

    from mapview import page
    from services.config import data_dir

    key = hashlib.sha256()
    for part in (version("folium"), version("branca"), tiles_url or "", page.BASE_URL):
        key.update(part.encode("utf-8") + b"\0")
    key.update(Path(page.__file__).read_bytes())
    cached = data_dir() / "cache" / f"map-page-{key.hexdigest()[:20]}.html"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    html = build_page(tiles_url).encode("utf-8")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(html)
        tmp.replace(cached)
    except OSError:
        pass  # a read-only data dir: build it every start
    return html


def _js(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _finite_or_none(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


class _Bridge(QObject):
    """The page's only way back to Python. Drops reports from a page being torn down."""

    def __init__(self, view: MapView) -> None:
        super().__init__()
        self._view = weakref.ref(view)

    def _target(self, gen: int) -> MapView | None:
        view = self._view()
        if view is None or not shiboken6.isValid(view) or view._closing or gen != view._gen:
            return None
        return view

    @Slot(int)
    def pageReady(self, gen: int) -> None:  # noqa: N802 (JS-facing names)
        view = self._target(gen)
        if view is not None:
            view._on_page_ready()

    @Slot(int, int)
    def cellClicked(self, gen: int, cell_id: int) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.cell_clicked.emit(int(cell_id))

    @Slot(int, int)
    def incidentClicked(self, gen: int, incident_id: int) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.incident_clicked.emit(int(incident_id))

    @Slot(int, int)
    def cameraClicked(self, gen: int, camera_id: int) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.camera_clicked.emit(int(camera_id))

    @Slot(int, int)
    def resourceClicked(self, gen: int, resource_id: int) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.resource_clicked.emit(int(resource_id))

    @Slot(int, int)
    def alertClicked(self, gen: int, alert_id: int) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.alert_clicked.emit(int(alert_id))

    @Slot(int, str)
    def regionDoubleClicked(self, gen: int, adcode: str) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.region_double_clicked.emit(str(adcode))

    @Slot(int, str, float)
    def drawn(self, gen: int, kind: str, ms: float) -> None:
        if (view := self._target(gen)) is not None:
            view.cells_drawn.emit(kind, float(ms))

    @Slot(int, bool)
    def autoFitChanged(self, gen: int, on: bool) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None and view._auto_fit != bool(on):
            view._auto_fit = bool(on)
            view.auto_fit_changed.emit(bool(on))

    @Slot(int, str)
    def jsError(self, gen: int, message: str) -> None:  # noqa: N802
        if (view := self._target(gen)) is not None:
            view.js_errors.append(message)
            log.error("map page: %s", message)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MapView", text)


if TYPE_CHECKING:

    def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 - Qt's own name
        ...

else:
    from PySide6.QtCore import QT_TRANSLATE_NOOP

# Why the map shows nothing (MapView.failure); {placeholders} are filled in after translation.
FAILURE_TITLE = QT_TRANSLATE_NOOP("MapView", "地图无法显示")
FAILURES: dict[str, str] = {
    "load_failed": QT_TRANSLATE_NOOP("MapView", "地图页面加载失败"),
    "asset_missing": QT_TRANSLATE_NOOP("MapView", "缺少地图资源 {asset}"),
    "not_started": QT_TRANSLATE_NOOP("MapView", "地图脚本未能启动（{missing} 未加载）"),
    "not_ready": QT_TRANSLATE_NOOP("MapView", "地图页面 {seconds} 秒内未就绪"),
    "renderer_reloading": QT_TRANSLATE_NOOP("MapView", "地图渲染进程异常退出（{status}），正在重新加载…"),
    "renderer_gave_up": QT_TRANSLATE_NOOP("MapView", "地图渲染进程再次退出（{status}），已停止自动重新加载"),
}
READY_TIMEOUT_S = 15
"""After the page loaded, how long its scripts may take to report ready."""
RENDERER_BUDGET_MB = 512.0
"""The renderer process's resident memory past which the page is made again in a new one.
A province wall's page (10,000 cells) starts near 200 MB and passes 300 MB within minutes
of a busy wall's traffic; a new process starts again from about 250 MB (measured
2026-12-03, README "the soak's memory")."""
RENDERER_CHECK_S = 60.0


class MapView(QWebEngineView):
    """The territory map: boundaries, live-coloured grid cells, incidents, resources, cameras.

    `tiles_url`: optional base tiles, an XYZ URL template (intranet server) or a local
    directory laid out as `{z}/{x}/{y}.png`. Without it the map is a dark canvas.
    """

    cell_clicked = Signal(int)
    incident_clicked = Signal(int)
    camera_clicked = Signal(int)
    resource_clicked = Signal(int)
    alert_clicked = Signal(int)  # a risk-alert marker
    region_double_clicked = Signal(str)
    ready = Signal()
    cells_drawn = Signal(str, float)  # kind ('cells', 'metric', 'update', 'view'), JS ms
    auto_fit_changed = Signal(bool)
    page_failed = Signal(str)  # failure code (FAILURES): the banner over the map says why

    def __init__(self, parent: QWidget | None = None, tiles_url: str | None = None) -> None:
        super().__init__(parent)
        self._key = f"v{next(_keys)}"
        self._gen = 0
        self._ready = False
        self._closing = False
        self._pending: list[str] = []
        self._auto_fit = True
        self.js_errors: list[str] = []
        # state, replayed if the renderer has to be restarted
        self._boundaries: dict[str, Any] | None = None
        self._boundaries_url: str | None = None
        self._cells: CellGeometry | None = None
        self._cells_url: str | None = None
        self._metric: dict[str, Any] | None = None
        self._values: dict[int, float] = {}
        self._points: dict[str, list[dict[str, Any]]] = {}
        self._dispatch_lines: list[dict[str, Any]] | None = None
        self._choropleth: tuple[dict[str, Any], dict[str, float]] | None = None
        self._visible: dict[str, bool] = {}
        self._selected: int | None = None
        self._blob_keys: dict[str, list[str]] = {}
        self._failure: tuple[str, dict[str, str]] | None = None
        self._reloaded_after_crash = False  # reload once until a page is ready again
        self.failure_banner = QLabel(self)
        self.failure_banner.setObjectName("mapFailure")
        self.failure_banner.setWordWrap(True)
        self.failure_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.failure_banner.hide()
        self._style_banner()
        self._ready_timer = QTimer(self)
        self._ready_timer.setSingleShot(True)
        self._ready_timer.setInterval(READY_TIMEOUT_S * 1000)
        self._ready_timer.timeout.connect(self._on_ready_timeout)

        allowed: frozenset[str] = frozenset()
        if tiles_url and "://" not in tiles_url and os.path.isdir(tiles_url):
            scheme.set_tile_dir(tiles_url)
            tiles_url = BASE_URL + "/tiles/{z}/{x}/{y}.png"
        elif tiles_url:
            host = urlsplit(tiles_url).hostname
            allowed = frozenset({host.lower()}) if host else frozenset()
        self._tiles_url = tiles_url

        self.offline_guard = OfflineGuard(self, allowed_hosts=allowed)
        self._bridge = _Bridge(self)
        self.setPage(self._new_page())
        self.loadFinished.connect(self._on_load_finished)
        # The renderer's own memory grows on a busy wall and a reload in the same process
        # does not give it back (README, "the soak's memory"): past its budget the page
        # is made again in a new renderer process, its state replayed.
        self.renderer_budget_mb: float | None = RENDERER_BUDGET_MB  # None: never replaced
        self.renderers_recycled = 0
        self._memory_timer = QTimer(self)
        self._memory_timer.setInterval(round(RENDERER_CHECK_S * 1000))
        self._memory_timer.timeout.connect(self._check_renderer_memory)
        self._memory_timer.start()
        scheme.asset_missing().connect(self._on_asset_missing)
        prefix = f"{self._key}/"
        self.destroyed.connect(lambda *_: scheme.unpublish_prefix(prefix))  # no ref to self
        self._page_url = scheme.publish(
            f"{self._key}/page.html", _page_html(tiles_url), "text/html"
        )
        self._load()
        self._send_texts()  # runs first once the page is ready

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Language switch: the page's labels, the legend and the toggles follow."""
        if event.type() == QEvent.Type.LanguageChange and not self._closing:
            self._show_failure()
            self._send_texts()
            if self._metric is not None and self._cells is not None:
                self._send_metric()
            self._send_choropleth()
        super().changeEvent(event)

    # ------------------------------------------------------------------ state
    @property
    def is_ready(self) -> bool:
        """True once the page has loaded and its channel is connected."""
        return self._ready

    @property
    def auto_fit(self) -> bool:
        """True while the map follows the territory (no person has panned or zoomed)."""
        return self._auto_fit

    @property
    def cells(self) -> CellGeometry | None:
        return self._cells

    def failure(self) -> str | None:
        """The failure code (a key of FAILURES) while the banner shows, else None."""
        return self._failure[0] if self._failure is not None else None

    def failure_text(self) -> str:
        """What the banner over the map says ("" when the map works)."""
        return self.failure_banner.text() if self._failure is not None else ""

    # ------------------------------------------------------------------ public API
    def set_boundaries(self, features: list[dict[str, Any]]) -> None:
        """Administrative boundaries: GeoJSON features with properties adcode, name, level."""
        self.set_boundary_payload(*boundary_payload(features))

    def set_boundary_payload(self, meta: dict[str, Any], blob: bytes) -> None:
        """Boundaries already packed by `boundary_payload` (off the GUI thread)."""
        self._boundaries = meta
        self._boundaries_url = self._publish("boundaries", blob)
        self._call("setBoundaries", meta, self._boundaries_url)

    def set_cells(self, cells: CellGeometry) -> None:
        """The territory's grid cells (once per territory); values are kept by cell id."""
        self._cells = cells
        self._cells_url = self._publish("cells", cells.to_bytes())
        self._call("setCells", self._cells_url)
        if self._metric is not None:
            self._send_metric()

    def set_metric(
        self, metric: str, values: Mapping[int, float], thresholds: Sequence[float]
    ) -> None:
        """Colour cells by `metric` ('reported_today', 'open', 'overdue', 'risk'): the full set.

        Cell i gets class j when `thresholds[j-1] <= value < thresholds[j]`; cells without a
        value are drawn as "no data".
        """
        self._metric = metric_style(metric, thresholds)
        self._values = {int(k): float(v) for k, v in values.items()}
        if self._cells is not None:
            self._send_metric()

    def update_values(self, values: Mapping[int, float]) -> None:
        """A small batch of changed values: only these cells are restyled in the page."""
        if not values:
            return
        self._values.update({int(k): float(v) for k, v in values.items()})
        if self._cells is None or self._metric is None:
            return
        idx, vals = index_values(self._cells, values)
        if len(idx) < len(values):
            log.debug("update_values: %d unknown cell ids ignored", len(values) - len(idx))
        if len(idx):
            self._call("updateValues", idx.tolist(), [_finite_or_none(v) for v in vals.tolist()])

    def set_choropleth(
        self, values: Mapping[str, float | None], thresholds: Sequence[float] = INDEX_THRESHOLDS
    ) -> None:
        """Fill boundary features by value (adcode → safety index; red low, green high).

        The layer ('choropleth') is off until `set_layer_visible('choropleth', True)` or the
        page's own toggle; regions without a value are not filled.
        """
        style = choropleth_style(thresholds)
        clean = {
            str(k): float(v) for k, v in values.items() if v is not None and math.isfinite(v)
        }
        self._choropleth = (style, clean)
        self._send_choropleth()

    def set_points(self, layer: str, points: list[dict[str, Any]]) -> None:
        """Replace the points of 'incidents', 'resources', 'cameras' or 'alerts'.

        Each point: id, lon, lat, status, priority (incidents) or kind (resources), label.
        Alerts: status is the level (blue/yellow/orange/red); services.risk.alert_points.
        """
        if layer not in POINT_LAYERS:
            raise ValueError(f"layer must be one of {POINT_LAYERS}, not {layer!r}")
        clean = [
            {
                "id": int(p["id"]),
                "lon": float(p["lon"]),
                "lat": float(p["lat"]),
                "status": str(p.get("status", "")),
                "priority": p.get("priority"),
                "kind": p.get("kind"),
                "label": str(p.get("label", "")),
            }
            for p in points
        ]
        self._points[layer] = clean
        self._call("setPoints", layer, clean)

    def set_dispatch_lines(self, lines: list[dict[str, Any]]) -> None:
        """Routes of active dispatches: unit_lon/unit_lat → incident_lon/incident_lat, by
        status (dispatched, acknowledged, arrived); services.dispatch.map_layer gives them."""
        keys = ("unit_lon", "unit_lat", "incident_lon", "incident_lat")
        clean = [{**{k: float(d[k]) for k in keys}, "status": str(d.get("status", ""))}
                 for d in lines]  # fmt: skip
        self._dispatch_lines = clean
        self._call("setDispatchLines", clean)

    @Slot()
    def fit(self) -> None:
        """Fit the territory and follow it again until a person pans or zooms."""
        self._call("fit")

    @Slot(int)
    def select_incident(self, incident_id: int) -> None:
        """Mark an incident (never clustered) and bring it into view if it is outside."""
        self._selected = int(incident_id)
        self._call("selectIncident", self._selected)

    def select_point(self, layer: str, point_id: int) -> None:
        """The same for a point of another layer, e.g. a risk alert chosen in its list."""
        if layer not in POINT_LAYERS:
            raise ValueError(f"layer must be one of {POINT_LAYERS}, not {layer!r}")
        self._call("selectPoint", layer, int(point_id))

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        """Show or hide one of `LAYERS` (the page also has its own toggles)."""
        if layer not in LAYERS:
            raise ValueError(f"layer must be one of {LAYERS}, not {layer!r}")
        self._visible[layer] = bool(visible)
        self._call("setLayerVisible", layer, bool(visible))

    def run_js(self, code: str, callback: Any = None) -> None:
        """Run JavaScript in the page now (tests, diagnostics); not queued."""
        if callback is None:
            self.page().runJavaScript(code)
        else:
            self.page().runJavaScript(code, 0, callback)

    def shutdown(self) -> None:
        """Stop talking to the page for good (before deleting the view); later reports
        from it are ignored. Closing or hiding the view does not do this."""
        self._closing = True
        self._ready = False
        self._pending.clear()
        scheme.unpublish_prefix(f"{self._key}/")

    # ------------------------------------------------------------------ internals
    def _publish(self, kind: str, data: bytes) -> str:
        """Serve a blob for the page; the one before the previous of this kind is dropped
        (the previous may still be fetched by a command in flight)."""
        key = f"{self._key}/{kind}-{next(_keys)}.bin"
        keys = self._blob_keys.setdefault(kind, [])
        keys.append(key)
        while len(keys) > 2:
            scheme.unpublish(keys.pop(0))
        return scheme.publish(key, data)

    def _send_metric(self) -> None:
        assert self._cells is not None and self._metric is not None
        arr = align_values(self._cells, self._values)
        b64 = base64.b64encode(arr.astype("<f4").tobytes()).decode("ascii")
        self._call("setMetric", translate_style(self._metric, _tr), b64)

    def _send_texts(self) -> None:
        self._call("setTexts", page_texts(_tr))

    def _send_choropleth(self) -> None:
        if self._choropleth is not None:
            style, clean = self._choropleth
            self._call("setChoropleth", translate_style(style, _tr), clean)

    def _call(self, fn: str, *args: Any) -> None:
        code = f"CMap.{fn}({','.join(_js(a) for a in args)});"
        if self._closing:
            return
        if self._ready:
            self.page().runJavaScript(code)
        else:
            self._pending.append(code)

    def _load(self) -> None:
        self._gen += 1
        self._ready = False
        self.load(QUrl(f"{self._page_url}?g={self._gen}"))

    def _on_page_ready(self) -> None:
        self._ready = True
        self._ready_timer.stop()
        self._reloaded_after_crash = False
        self._set_failure(None)
        pending, self._pending = self._pending, []
        if pending:
            # one round trip; each call isolated so one failure cannot drop the rest
            self.page().runJavaScript(
                "\n".join(f"try{{{c}}}catch(e){{console.error(e)}}" for c in pending)
            )
        self.ready.emit()

    def _new_page(self) -> QWebEnginePage:
        """A page of the map's profile, behind the offline guard, with the bridge."""
        page = QWebEnginePage(map_profile(), self)
        page.setBackgroundColor(QColor(BACKGROUND))
        page.setUrlRequestInterceptor(self.offline_guard)
        channel = QWebChannel(page)
        channel.registerObject("bridge", self._bridge)
        page.setWebChannel(channel)
        page.renderProcessTerminated.connect(self._on_renderer_died)
        return page

    def renderer_mb(self) -> float | None:
        """The resident memory of this page's renderer process (None if unknown)."""
        return rss_mb(self.page().renderProcessPid())

    def recycle_renderer(self) -> None:
        """Make the page again in a new renderer process and replay the map's state into
        it (what the officer sees comes back as it was: cells, metric, points, selection)."""
        if self._closing:
            return
        old = self.page()
        old.renderProcessTerminated.disconnect(self._on_renderer_died)
        self._ready = False
        self._pending = self._replay_state()
        self.setPage(self._new_page())
        old.deleteLater()
        self.renderers_recycled += 1
        self._load()

    def _check_renderer_memory(self) -> None:
        budget = self.renderer_budget_mb
        if budget is None or not self._ready:
            return
        used = self.renderer_mb()
        if used is not None and used > budget:
            log.warning("map renderer at %.0f MB, over its %.0f MB: a new renderer process",
                        used, budget)  # fmt: skip
            self.recycle_renderer()

    def _replay_state(self) -> list[str]:
        """The calls that rebuild the current state in a fresh page."""
        self._pending = []
        saved_ready, self._ready = self._ready, False
        try:
            self._send_texts()
            if self._boundaries is not None:
                self._call("setBoundaries", self._boundaries, self._boundaries_url)
            if self._cells_url is not None:
                self._call("setCells", self._cells_url)
                if self._metric is not None:
                    self._send_metric()
            for layer, pts in self._points.items():
                self._call("setPoints", layer, pts)
            self._send_choropleth()
            if self._dispatch_lines is not None:
                self._call("setDispatchLines", self._dispatch_lines)
            for layer, on in self._visible.items():
                self._call("setLayerVisible", layer, on)
            if self._selected is not None:
                self._call("selectIncident", self._selected)
            return self._pending
        finally:
            self._ready = saved_ready

    def _on_renderer_died(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        normal = QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus
        if self._closing or status == normal:  # a normal end is the view closing
            return
        name = getattr(status, "name", str(status)).replace("TerminationStatus", "")
        self._ready = False
        if self._reloaded_after_crash:  # it ended again before any page got ready: stop
            log.error("map renderer ended again (%s, %s): not reloading", status, code)
            self._set_failure("renderer_gave_up", status=name)
            return
        log.error("map renderer ended (%s, %s): reloading and replaying state", status, code)
        self._reloaded_after_crash = True
        self._set_failure("renderer_reloading", status=name)
        self._pending = self._replay_state()
        self._load()

    # ------------------------------------------------------------------ failures
    def _on_load_finished(self, ok: bool) -> None:
        if self._closing or self._ready:
            return
        if not ok:
            if self.failure() not in ("renderer_reloading", "renderer_gave_up"):
                self._set_failure("load_failed")
            return
        gen = self._gen
        probe = "[typeof L, typeof QWebChannel, typeof CMap].join(',')"
        self.page().runJavaScript(probe, 0, lambda kinds: self._on_probe(gen, kinds))
        self._ready_timer.start()

    def _on_probe(self, gen: int, kinds: object) -> None:
        """Which of the page's scripts did not load (Leaflet, Qt's channel, our own)."""
        if self._closing or self._ready or gen != self._gen or not isinstance(kinds, str):
            return
        names = ("leaflet.js", "qwebchannel.js", "mapview.js")
        missing = [n for n, k in zip(names, kinds.split(","), strict=False) if k == "undefined"]
        if missing and self.failure() != "asset_missing":  # that one names the file
            self._set_failure("not_started", missing=", ".join(missing))

    def _on_asset_missing(self, path: str) -> None:
        if not self._closing and not self._ready:
            self._set_failure("asset_missing", asset=path)

    def _on_ready_timeout(self) -> None:
        if not self._closing and not self._ready and self._failure is None:
            self._set_failure("not_ready", seconds=str(READY_TIMEOUT_S))

    def _set_failure(self, code: str | None, **params: str) -> None:
        failure = (code, params) if code is not None else None
        if failure == self._failure:
            return
        self._failure = failure
        if code is not None:
            log.error("map: %s %s", code, params)
        self._show_failure()
        if code is not None:
            self.page_failed.emit(code)

    def _show_failure(self) -> None:
        if self._failure is None:
            self.failure_banner.hide()
            return
        code, params = self._failure
        reason = _tr(FAILURES[code]).format(**params)
        self.failure_banner.setText(f"⚠ {_tr(FAILURE_TITLE)}：{reason}")
        self._place_banner()
        self.failure_banner.show()
        self.failure_banner.raise_()

    def _style_banner(self) -> None:
        px = round(22 * self.zoomFactor())
        pad = round(10 * self.zoomFactor())
        restyle(
            self.failure_banner,
            f"QLabel#mapFailure {{ background: rgba(150, 16, 32, 0.92); color: #ffffff;"
            f" font-size: {px}px; font-weight: bold; padding: {pad}px;"
            f" border-bottom: 2px solid #ff4757; }}"
        )

    def _place_banner(self) -> None:
        w = self.width()
        self.failure_banner.setGeometry(0, 0, w, self.failure_banner.heightForWidth(w))

    def setZoomFactor(self, factor: float) -> None:  # noqa: N802 (Qt name)
        """The page's CSS pixels and the failure banner follow the wall's scale."""
        super().setZoomFactor(factor)
        self._style_banner()
        self._place_banner()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._place_banner()
        if self._failure is not None:
            self.failure_banner.raise_()
