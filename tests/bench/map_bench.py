"""Map benchmark: plain folium GeoJson (canvas renderer) against MapView, in one run.

Plain folium is measured twice: `folium` colours cells with `style_function` (the folium
way; folium turns it into a JS `switch (feature.id)` with one case per cell not in the
most common class) and `folium_uniform` gives every cell one style (no switch: the best
case for folium, to separate the switch from Leaflet's per-layer cost).

For 10,000 and 109,000 synthetic cells, each implementation is loaded twice in a
1920×1080 view (the first load is reported as "cold" in the note, the second is the
measure) and then restyled:

- first paint: from the start of the load until the page reports, through the
  QWebChannel, that the cells are on the canvas (the draw is followed by a canvas
  read-back so the raster really happened; `loadFinished` alone would be too early);
- restyle-all: a new full set of values (a metric switch), call to "drawn" report;
- restyle-100: 100 scattered cells change class (median of 5), call to "drawn" report;
- renderer RSS: VmRSS of the page's QtWebEngineProcess renderer, from /proc.

Run: `python -m tests.bench.map_bench` (prints a Markdown table).
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from services.ops.memory import rss_mb
from tests.bench.table import BenchRow, format_table

SIZES = (10_000, 109_000)
FIRST_PAINT_TARGET_S = {10_000: 0.3, 109_000: 1.0}
RESTYLE_100_TARGET_MS = 50.0
RESTYLE_ALL_TARGET_MS = 200.0  # not in the issue: "switching the metric feels instant"
RSS_TARGET_MB = 500.0
VIEW_SIZE = (1920, 1080)
THRESHOLDS = (1.0, 2.0, 4.0, 7.0, 11.0)


def _ensure_app() -> Any:
    """The running QApplication, or a new one created in the order WebEngine needs."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication)
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from mapview.scheme import register_schemes, schemes_registered

    app = QApplication.instance()
    if app is None:
        register_schemes()
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
    elif not schemes_registered():
        raise RuntimeError("call mapview.view.register_schemes() before creating the QApplication")
    return app


def wait_until(done: Callable[[], bool], timeout_s: float, interval_ms: int = 5) -> bool:
    """Run the Qt event loop (a QEventLoop, never exec() again) until `done()` or timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return True
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if done() or time.perf_counter() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return done()


def _rss_mb(pid: int) -> float:
    """NaN for a process that cannot be read (a row the table shows as missing)."""
    mb = rss_mb(pid)
    return float("nan") if mb is None else mb


def _classes(values: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(THRESHOLDS), values, side="right").astype(np.int32)


class _Result:
    def __init__(self) -> None:
        self.first_cold: float | None = None
        self.first: float | None = None
        self.restyle_all: float | None = None
        self.restyle_100: float | None = None
        self.rss: float | None = None
        self.note = ""


def _dispose(view: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    pid = view.page().renderProcessPid()
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if pid > 0:
        wait_until(lambda: not Path(f"/proc/{pid}").exists(), 5.0)


# ---------------------------------------------------------------------------- ours
def _bench_ours(
    n: int, cells: Any, v1: dict[int, float], v2: dict[int, float], timeout_s: float
) -> _Result:
    from mapview.view import MapView

    res = _Result()
    rng = np.random.default_rng(7)
    for attempt in ("cold", "warm"):
        events: list[tuple[str, float]] = []
        t0 = time.perf_counter()
        view = MapView()
        view.resize(*VIEW_SIZE)
        view.show()
        view.cells_drawn.connect(
            lambda kind, _ms, ev=events: ev.append((kind, time.perf_counter()))
        )
        view.set_cells(cells)
        view.set_metric("reported_today", v1, THRESHOLDS)

        def drawn(kind: str, ev: list[tuple[str, float]] = events) -> float | None:
            return next((t for k, t in ev if k == kind), None)

        ok = wait_until(lambda: drawn("metric") is not None, timeout_s)
        first = (drawn("metric") or t0) - t0 if ok else float("nan")
        if attempt == "cold":
            res.first_cold = first
            _dispose(view)
            continue
        res.first = first
        wait_until(lambda: False, 0.5)  # let the page settle
        events.clear()
        t1 = time.perf_counter()
        view.set_metric("reported_today", v2, THRESHOLDS)
        wait_until(lambda: drawn("metric") is not None, timeout_s)
        res.restyle_all = ((drawn("metric") or t1) - t1) * 1000
        samples = []
        current = dict(v2)
        for _ in range(5):
            ids = rng.choice(cells.ids, 100, replace=False)
            batch = {
                int(i): float(THRESHOLDS[-1] + 5 if current[int(i)] < THRESHOLDS[-1] else 0)
                for i in ids
            }
            current.update(batch)
            events.clear()
            t2 = time.perf_counter()
            view.update_values(batch)
            wait_until(lambda: drawn("update") is not None, timeout_s)
            samples.append(((drawn("update") or t2) - t2) * 1000)
        res.restyle_100 = statistics.median(samples)
        res.rss = _rss_mb(view.page().renderProcessPid())
        if view.js_errors or view.offline_guard.violations:
            res.note = f"errors: {view.js_errors[:1]} {view.offline_guard.violations[:1]}"
        _dispose(view)
    return res


# ---------------------------------------------------------------------------- plain folium
_BENCH_JS = """
(function () {
  var gj = %(gj)s, layers = gj.getLayers(), colors = %(colors)s, bridge = null;
  function flush() {
    var r = layers.length && layers[0]._renderer;
    if (r && r._ctx) { r._ctx.getImageData(0, 0, 1, 1); }
  }
  function whenDrawn(kind, t) {
    requestAnimationFrame(function () { flush(); bridge.drawn(kind, performance.now() - t); });
  }
  window.BENCH = {
    restyle: function (kind, idx, cls) {
      var t = performance.now();
      for (var k = 0; k < idx.length; k++) { layers[idx[k]].setStyle({fillColor: colors[cls[k]]}); }
      whenDrawn(kind, t);
    },
    restyleAll: function (cls) {
      var t = performance.now();
      for (var k = 0; k < layers.length; k++) { layers[k].setStyle({fillColor: colors[cls[k]]}); }
      whenDrawn('all', t);
    }
  };
  new QWebChannel(qt.webChannelTransport, function (ch) {
    bridge = ch.objects.bridge;
    whenDrawn('first', performance.now());
  });
})();
"""


def _folium_page(cells: Any, values: np.ndarray, styled: bool = True) -> str:
    """Plain folium: one GeoJson layer (canvas renderer), colours from `style_function`.

    folium compiles `style_function` into a JS `switch (feature.id)` with one `case` per
    cell that does not have the most common style; with `styled=False` every cell has
    the same style (no switch): the best case for plain folium.
    """
    import folium
    from branca.element import Element, MacroElement
    from jinja2 import Template

    from mapview.page import local_assets, metric_style

    colors = metric_style("reported_today", THRESHOLDS)["colors"]
    cls = _classes(values)
    feats = []
    for i in range(len(cells)):
        ring = np.round(
            cells.coords[cells.offsets[i] : cells.offsets[i + 1]].astype(np.float64), 6
        ).tolist()
        ring.append(ring[0])
        feats.append(
            {
                "type": "Feature",
                "properties": {"c": colors[int(cls[i])]},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    m = folium.Map(
        location=[29.0, 120.5],
        zoom_start=7,
        tiles=None,
        prefer_canvas=True,
        attribution_control=False,
    )
    local_assets(m)
    root: Any = m.get_root()
    root.header.add_child(Element("<style>.leaflet-container{background:#07101c}</style>"))
    gj = folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        style_function=lambda f: {
            "fillColor": f["properties"]["c"] if styled else colors[1],
            "fillOpacity": 1.0,
            "weight": 0,
        },
    )
    gj.add_to(m)
    x0, y0, x1, y1 = cells.bounds
    m.fit_bounds([[y0, x0], [y1, x1]], padding=(24, 24))

    class _Hook(MacroElement):
        _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

        def __init__(self, js: str) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.js = js

    gj.add_child(_Hook(_BENCH_JS % {"gj": gj.get_name(), "colors": json.dumps(colors)}))
    html: str = m.get_root().render()
    return html


def _painted_or_died(drawn: Callable[[str], float | None], crashes: list[str]) -> bool:
    return drawn("first") is not None or bool(crashes)


def _on_end(crashes: list[str], status: Any, code: int) -> None:
    """Record a renderer that died (closing a view also ends its renderer, normally)."""
    if status.name != "NormalTerminationStatus":
        crashes.append(f"{status.name} {code}")


def _failure(crashes: list[str], timeout_s: float, elapsed: float) -> str:
    if crashes:
        return f"renderer died {elapsed:.1f} s into the load, before painting ({crashes[0]})"
    return f"no paint within {timeout_s:.0f} s"


def _bench_folium(
    n: int, cells: Any, v1: np.ndarray, v2: np.ndarray, timeout_s: float, styled: bool = True
) -> _Result:
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QColor
    from PySide6.QtWebChannel import QWebChannel
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from mapview import scheme
    from mapview.view import map_profile

    res = _Result()
    tb = time.perf_counter()
    html = _folium_page(cells, v1, styled).encode()
    build_s = time.perf_counter() - tb
    url = scheme.publish(f"bench/folium-{n}.html", html, "text/html")
    res.note = f"page {len(html) / 1e6:.1f} MB, built in {build_s:.1f} s"
    events: list[tuple[str, float]] = []

    class Bridge(QObject):
        @Slot(str, float)
        def drawn(self, kind: str, _ms: float) -> None:
            events.append((kind, time.perf_counter()))

    def drawn(kind: str) -> float | None:
        return next((t for k, t in events if k == kind), None)

    rng = np.random.default_rng(7)
    try:
        for attempt in ("cold", "warm"):
            events.clear()
            crashes: list[str] = []  # per attempt: closing a view also ends its renderer
            t0 = time.perf_counter()
            view = QWebEngineView()
            page = QWebEnginePage(map_profile(), view)
            page.setBackgroundColor(QColor("#07101c"))
            bridge = Bridge(view)
            channel = QWebChannel(page)
            channel.registerObject("bridge", bridge)
            page.setWebChannel(channel)
            page.renderProcessTerminated.connect(functools.partial(_on_end, crashes))
            view.setPage(page)
            view.resize(*VIEW_SIZE)
            view.show()
            view.load(QUrl(url))
            painted_or_died = functools.partial(_painted_or_died, drawn, crashes)
            ok = wait_until(painted_or_died, timeout_s) and not crashes
            first = (drawn("first") or t0) - t0 if ok else float("nan")
            if attempt == "cold":
                res.first_cold = first
                _dispose(view)
                if not ok:
                    res.note += f"; cold: {_failure(crashes, timeout_s, time.perf_counter() - t0)}"
                    if not crashes:
                        return res  # a timeout would only repeat
                continue  # one more try: a crash may not repeat
            res.first = first
            if not ok:
                res.note += f"; warm: {_failure(crashes, timeout_s, time.perf_counter() - t0)}"
                _dispose(view)
                return res
            wait_until(lambda: False, 0.5)
            cls2 = _classes(v2)
            events.clear()
            t1 = time.perf_counter()
            page.runJavaScript(f"BENCH.restyleAll({json.dumps(cls2.tolist())})")
            if wait_until(lambda: drawn("all") is not None, timeout_s):
                res.restyle_all = ((drawn("all") or t1) - t1) * 1000
            samples = []
            for _ in range(5):
                idx = rng.choice(len(cells), 100, replace=False)
                new_cls = np.where(cls2[idx] < len(THRESHOLDS), len(THRESHOLDS), 0)
                cls2[idx] = new_cls
                events.clear()
                t2 = time.perf_counter()
                page.runJavaScript(
                    f"BENCH.restyle('some', {json.dumps(idx.tolist())}, {json.dumps(new_cls.tolist())})"
                )
                if wait_until(lambda: drawn("some") is not None, timeout_s):
                    samples.append(((drawn("some") or t2) - t2) * 1000)
            res.restyle_100 = statistics.median(samples) if samples else None
            res.rss = _rss_mb(page.renderProcessPid())
            _dispose(view)
    finally:
        scheme.unpublish(f"bench/folium-{n}.html")
    return res


# ---------------------------------------------------------------------------- rows
def _label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _rows(impl: str, n: int, r: _Result) -> list[BenchRow]:
    tag = f"map.{impl}.{_label(n)}"
    nan = float("nan")
    cold = (
        f"cold {r.first_cold:.2f} s"
        if r.first_cold is not None and r.first_cold == r.first_cold
        else ""
    )
    note = "; ".join(x for x in (cold, r.note) if x)
    return [
        BenchRow(
            f"{tag}.first_paint",
            r.first if r.first is not None else nan,
            "s",
            FIRST_PAINT_TARGET_S.get(n, 1.0),
            note=note,
        ),
        BenchRow(
            f"{tag}.restyle_all",
            r.restyle_all if r.restyle_all is not None else nan,
            "ms",
            RESTYLE_ALL_TARGET_MS,
        ),
        BenchRow(
            f"{tag}.restyle_100",
            r.restyle_100 if r.restyle_100 is not None else nan,
            "ms",
            RESTYLE_100_TARGET_MS,
        ),
        BenchRow(f"{tag}.renderer_rss", r.rss if r.rss is not None else nan, "MB", RSS_TARGET_MB),
    ]


def _ratio(
    tag: str, n: int, name: str, folium_v: float | None, ours_v: float | None, bound: bool = False
) -> BenchRow:
    ok = folium_v is not None and ours_v is not None and ours_v > 0 and folium_v == folium_v
    value = folium_v / ours_v if ok else float("nan")  # type: ignore[operator]
    which = "folium" if tag == "ratio" else "folium_uniform"
    note = f"{which} ÷ ours" + (f" (at least: {which} timed out)" if bound else "")
    return BenchRow(
        f"map.{tag}.{_label(n)}.{name}", value, "×", 1.0, lower_is_better=False, note=note
    )


def run_map_bench(sizes: tuple[int, ...] = SIZES, folium_timeout_s: float = 90.0) -> list[BenchRow]:
    """Measure plain folium and MapView side by side; rows are named `map.*`."""
    from mapview.cells import align_values, synthetic_cells, synthetic_values
    from mapview.view import MapView

    _ensure_app()
    warm = MapView()  # start the WebEngine processes once, outside any measure
    warm.resize(*VIEW_SIZE)
    warm.show()
    warm.set_cells(synthetic_cells(500))
    ready = [False]
    warm.cells_drawn.connect(lambda *_: ready.__setitem__(0, True))
    wait_until(lambda: ready[0], 30.0)
    _dispose(warm)

    rows: list[BenchRow] = []
    for n in sizes:
        cells = synthetic_cells(n)
        v1 = synthetic_values(cells, seed=1)
        v2 = synthetic_values(cells, seed=2)
        a1, a2 = align_values(cells, v1), align_values(cells, v2)
        ours = _bench_ours(n, cells, v1, v2, timeout_s=60.0)
        plain = _bench_folium(n, cells, a1, a2, folium_timeout_s)
        uniform = _bench_folium(n, cells, a1, a2, folium_timeout_s, styled=False)
        rows += _rows("ours", n, ours)
        rows += _rows("folium", n, plain)
        rows += _rows("folium_uniform", n, uniform)
        for tag, other in (("ratio", plain), ("ratio_uniform", uniform)):
            first = other.first if other.first is not None and other.first == other.first else None
            bound = first is None and "no paint" in other.note
            rows += [
                _ratio(
                    tag, n, "first_paint", folium_timeout_s if bound else first, ours.first, bound
                ),
                _ratio(tag, n, "restyle_all", other.restyle_all, ours.restyle_all),
                _ratio(tag, n, "restyle_100", other.restyle_100, ours.restyle_100),
                _ratio(tag, n, "renderer_rss", other.rss, ours.rss),
            ]
    return rows


def main() -> None:
    rows = run_map_bench()
    if "--json" in sys.argv:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        print(format_table(rows))


if __name__ == "__main__":
    main()
