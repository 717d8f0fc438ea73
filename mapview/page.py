"""The map page, built with folium, and the styles it needs (pure: no Qt).

The page is built once per view and never rebuilt for data: cells, values, boundaries and
points are pushed into it afterwards (see `mapview.view`). Every asset is local: folium's
CDN defaults are replaced by files served from the `cmap:` scheme (`mapview.scheme`):
Leaflet 1.9.4 from the `django-js-lib-leaflet` package, `qwebchannel.js` from Qt's own
resources, and `static/mapview.js` / `static/mapview.css` from this package.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

BASE_URL = "cmap://app"
"""Origin of every page asset (the `cmap:` scheme registered by `mapview.scheme`)."""

BACKGROUND = "#07101c"
"""Canvas colour of the map where nothing is drawn (no base tiles by default)."""

NO_DATA = ("#1b2636", "无数据")

METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    # metric key: (legend title, colour ramp from low to high; opaque, tuned for a dark wall)
    "reported_today": (
        "今日上报",
        ("#103049", "#12587c", "#1381a8", "#1eabd0", "#5dd6ee", "#c4f6ff"),
    ),
    "open": ("未办结", ("#2e2912", "#5e4a10", "#8f6a0c", "#c48f0b", "#f1b423", "#ffe28f")),
    "overdue": ("超期", ("#2f151b", "#5f1a26", "#921f31", "#c8293c", "#f2535c", "#ffa8a8")),
    # with RISK_THRESHOLDS each class is one alert level, in the alert colours
    "risk": ("风险", ("#1b2636", "#2f7dff", "#f2c500", "#ff8a1c", "#ff2d3d")),
}

RISK_THRESHOLDS: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0)
"""The `risk` metric's breaks: the highest open alert level of a cell, 1 blue .. 4 red."""
RISK_LABELS = ("无", "蓝色", "黄色", "橙色", "红色")

ALERT_LEVEL: dict[str, tuple[str, str]] = {
    # level: (colour, label) of risk-alert markers
    "red": ("#ff2d3d", "红色预警"),
    "orange": ("#ff8a1c", "橙色预警"),
    "yellow": ("#f2c500", "黄色预警"),
    "blue": ("#2f7dff", "蓝色预警"),
}
ALERT_SEVERITY: tuple[str, ...] = ("red", "orange", "yellow", "blue")
"""Most severe first: a cluster of alerts takes the colour of its highest level."""

INDEX_THRESHOLDS: tuple[float, ...] = (60.0, 70.0, 80.0, 90.0)
"""Class breaks of the safety-index choropleth (平安指数, 0..100, higher is safer)."""
INDEX_COLORS: tuple[str, ...] = ("#c81e3a", "#e8602c", "#e9b824", "#5fbf6a", "#17a589")

LAYER_LABELS: dict[str, str] = {
    "boundaries": "行政区划",
    "cells": "网格",
    "incidents": "事件",
    "resources": "资源",
    "cameras": "摄像头",
    "choropleth": "平安指数",
    "alerts": "风险预警",
    "dispatch": "派遣路线",
}

DISPATCH_LINE: dict[str, str] = {
    # dispatch status: line colour (unit → incident)
    "dispatched": "#ffb020",
    "acknowledged": "#ffd35c",
    "arrived": "#3ddc97",
}

LEVEL_ORDER: tuple[str, ...] = ("country", "province", "city", "county", "township", "community")

INCIDENT_STATUS: dict[str, tuple[str, str]] = {
    # status: (colour, label); unknown statuses fall back to "new"
    "new": ("#39c2ff", "新上报"),
    "assigned": ("#ffb020", "已派单"),
    "in_progress": ("#ffd35c", "处置中"),
    "supervised": ("#ff7ad9", "督办"),
    "overdue": ("#ff4757", "超期"),
    "resolved": ("#3ddc97", "已办结"),
}
INCIDENT_SEVERITY: tuple[str, ...] = (
    "overdue", "supervised", "new", "assigned", "in_progress", "resolved"
)  # fmt: skip
"""Most severe first: a cluster takes the colour of its most severe incident."""

RESOURCE_STATUS: dict[str, tuple[str, str]] = {
    "available": ("#3ddc97", "待命"),
    "dispatched": ("#ffb020", "出动"),
    "busy": ("#ffb020", "出动"),
    "offline": ("#64748b", "离线"),
}
RESOURCE_KIND: dict[str, str] = {
    "grid_worker": "网",
    "police": "警",
    "fire": "消",
    "medical": "医",
    "team": "队",
    "vehicle": "车",
}
RESOURCE_DEFAULT_GLYPH = "资"
CAMERA_STATUS: dict[str, tuple[str, str]] = {
    "online": ("#7dd3fc", "在线"),
    "offline": ("#64748b", "离线"),
}
LEGEND_TITLES: dict[str, str] = {"incidents": "事件状态", "alerts": "风险预警"}
"""Headings of the legend's point sections (the metric and index carry their own title)."""

FIT_LABEL = "⤢ 全览"
FIT_TITLE = "缩放到当前区域全貌（此后跟随区域变化）"
"""The map's fit control: back to the whole shown region after a person zoomed or panned."""

PANES: tuple[tuple[str, int, bool], ...] = (
    # Leaflet panes (name, z-index, takes pointer events), bottom to top. Leaflet's own:
    # tiles 200, overlays 400, markers 600, tooltips 650, popups 700.
    ("cmapCells", 410, True),
    ("cmapChoropleth", 415, False),
    ("cmapBoundaries", 420, False),
    ("cmapHighlight", 425, False),
    ("cmapCameras", 600, True),
    ("cmapResources", 610, True),
    ("cmapIncidents", 620, True),
    ("cmapLabels", 640, False),  # region names stay legible over every badge
    ("cmapAlerts", 645, True),  # a red alert is never hidden under a camera or a label
)
POINT_PANES: dict[str, str] = {
    "cameras": "cmapCameras",
    "resources": "cmapResources",
    "incidents": "cmapIncidents",
    "alerts": "cmapAlerts",
}
"""Each point layer (its markers and cluster badges) draws in a pane of its own."""


def page_texts(tr: Callable[[str], str] = str) -> dict[str, Any]:
    """Every label the page shows that is not data, passed through `tr` (the view's
    translator; identity: the Chinese sources). `CMap.setTexts` takes this."""

    def labels(table: dict[str, tuple[str, str]]) -> dict[str, str]:
        return {k: tr(label) for k, (_color, label) in table.items()}

    return {
        "layers": {k: tr(v) for k, v in LAYER_LABELS.items()},
        "incidentStatus": labels(INCIDENT_STATUS),
        "resourceStatus": labels(RESOURCE_STATUS),
        "cameraStatus": labels(CAMERA_STATUS),
        "alertLevel": labels(ALERT_LEVEL),
        "resourceKind": {k: tr(v) for k, v in RESOURCE_KIND.items()},
        "resourceDefault": tr(RESOURCE_DEFAULT_GLYPH),
        "legendTitles": {k: tr(v) for k, v in LEGEND_TITLES.items()},
        "fitLabel": tr(FIT_LABEL),
        "fitTitle": tr(FIT_TITLE),
    }


def translate_style(style: dict[str, Any], tr: Callable[[str], str]) -> dict[str, Any]:
    """A metric or choropleth style with its title and class labels through `tr`
    (numeric class labels have no translation and stay as they are)."""
    return {
        **style,
        "title": tr(style["title"]),
        "labels": [tr(x) for x in style["labels"]],
        "nodata": {**style["nodata"], "label": tr(style["nodata"]["label"])},
    }


def _hex_to_rgb(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _ramp(stops: Sequence[str], k: int) -> list[str]:
    """`k` colours evenly interpolated (in sRGB) along `stops`."""
    if k <= 1:
        return [stops[-1]] * max(k, 0)
    rgb = [_hex_to_rgb(s) for s in stops]
    out = []
    for i in range(k):
        t = i / (k - 1) * (len(rgb) - 1)
        j = min(int(t), len(rgb) - 2)
        f = t - j
        a, b = rgb[j], rgb[j + 1]
        r, g, b_ = (round(a[m] + (b[m] - a[m]) * f) for m in range(3))
        out.append(f"#{r:02x}{g:02x}{b_:02x}")
    return out


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.3g}"


def class_labels(thresholds: Sequence[float]) -> list[str]:
    """Legend labels of the `len(thresholds) + 1` classes.

    A value v is in class i when `thresholds[i-1] <= v < thresholds[i]`. Integer thresholds
    (counts) read as closed ranges: thresholds (1, 3, 6) give "0", "1–2", "3–5", "≥6".
    """
    t = list(thresholds)
    if not t:
        return ["全部"]
    if all(float(x).is_integer() for x in t):
        ints = [int(x) for x in t]
        labels = ["0" if ints[0] == 1 else f"<{ints[0]}"]
        for a, b in zip(ints, ints[1:], strict=False):
            labels.append(str(a) if b - a == 1 else f"{a}–{b - 1}")
        labels.append(f"≥{ints[-1]}")
        return labels
    labels = [f"<{_fmt(t[0])}"]
    labels += [f"{_fmt(a)}–{_fmt(b)}" for a, b in zip(t, t[1:], strict=False)]
    labels.append(f"≥{_fmt(t[-1])}")
    return labels


def metric_style(metric: str, thresholds: Sequence[float]) -> dict[str, Any]:
    """Colours and legend of a metric: class i (0-based) is drawn with `colors[i]`."""
    t = [float(x) for x in thresholds]
    if any(not math.isfinite(x) for x in t) or t != sorted(t):
        raise ValueError("thresholds must be finite and ascending")
    title, stops = METRICS.get(metric, (metric, METRICS["reported_today"][1]))
    colors = _ramp(stops, len(t) + 1)
    return {
        "metric": metric,
        "title": title,
        "thresholds": t,
        "colors": colors,
        "labels": list(RISK_LABELS)
        if metric == "risk" and tuple(t) == RISK_THRESHOLDS
        else class_labels(t),
        "nodata": {"color": NO_DATA[0], "label": NO_DATA[1]},
    }


def choropleth_style(thresholds: Sequence[float] = INDEX_THRESHOLDS) -> dict[str, Any]:
    """Colours and legend of the region choropleth (safety index): red low, green high."""
    t = [float(x) for x in thresholds]
    if any(not math.isfinite(x) for x in t) or t != sorted(t):
        raise ValueError("thresholds must be finite and ascending")
    colors = list(INDEX_COLORS) if len(t) + 1 == len(INDEX_COLORS) else _ramp(INDEX_COLORS, len(t) + 1)
    return {
        "metric": "safety_index",
        "title": "平安指数",
        "thresholds": t,
        "colors": colors,
        "labels": class_labels(t),
        "nodata": {"color": NO_DATA[0], "label": NO_DATA[1]},
    }


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def boundary_payload(features: list[dict[str, Any]]) -> tuple[dict[str, Any], bytes]:
    """Boundaries for the page: (meta, packed rings).

    meta: `features` (adcode, name, level per feature), `labels`, `bounds`, `levels`
    (coarsest first). The rings travel as one binary blob, like cells (`b"CMB1"`,
    uint32 n_rings, uint32 n_vertices, uint32 0, ring_feature int32[n_rings],
    ring_offsets int32[n_rings + 1], coords float32[n_vertices * 2]); exterior rings and
    holes alike, so "inside" is even-odd over all rings of a feature.

    Labels name the regions one level below the top level present (a province wall labels
    its cities); a label sits on shapely's `representative_point` of the largest polygon,
    which is always inside the region (a centroid may not be).
    """
    import numpy as np
    from shapely.geometry import shape  # lazy: shapely is only needed here

    metas: list[dict[str, str]] = []
    shapes = []
    ring_feature: list[int] = []
    counts: list[int] = []
    rings: list[Any] = []
    for fi, f in enumerate(features):
        props = f.get("properties") or {}
        adcode = str(props.get("adcode", ""))
        metas.append(
            {
                "adcode": adcode,
                "name": str(props.get("name", adcode)),
                "level": str(props.get("level", "county")),
            }
        )
        shp = shape(f["geometry"])
        shapes.append(shp)
        for poly in getattr(shp, "geoms", [shp]):
            if poly.is_empty or poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords, dtype=np.float64)[:, :2]
                if len(xy) > 1 and np.array_equal(xy[0], xy[-1]):
                    xy = xy[:-1]
                if len(xy) >= 3:
                    ring_feature.append(fi)
                    counts.append(len(xy))
                    rings.append(xy)
    levels = sorted({m["level"] for m in metas}, key=_level_rank)
    label_level = levels[1] if len(levels) > 1 else (levels[0] if levels else None)
    labels = []
    for m, shp in zip(metas, shapes, strict=True):
        if m["level"] != label_level or shp.is_empty:
            continue
        part = max(getattr(shp, "geoms", [shp]), key=lambda g: g.area)
        p = part.representative_point()
        labels.append({"name": m["name"], "lon": p.x, "lat": p.y})
    coords = np.concatenate(rings).astype("<f4") if rings else np.zeros((0, 2), "<f4")
    offsets = np.zeros(len(counts) + 1, dtype="<i4")
    np.cumsum(counts, out=offsets[1:])
    bounds = None
    if len(coords):
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        bounds = [float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])]
    blob = b"".join(
        (
            b"CMB1",
            np.array([len(counts), len(coords), 0], dtype="<u4").tobytes(),
            np.asarray(ring_feature, dtype="<i4").tobytes(),
            offsets.tobytes(),
            coords.tobytes(),
        )
    )
    meta = {"features": metas, "labels": labels, "bounds": bounds, "levels": levels}
    return meta, blob


def page_config() -> dict[str, Any]:
    """Static configuration the page script receives once, at load."""
    return {
        "background": BACKGROUND,
        "layers": LAYER_LABELS,
        "dispatchLine": DISPATCH_LINE,
        "levels": list(LEVEL_ORDER),
        "incidentStatus": {
            k: {"color": c, "label": lab} for k, (c, lab) in INCIDENT_STATUS.items()
        },
        "incidentSeverity": list(INCIDENT_SEVERITY),
        "resourceStatus": {
            k: {"color": c, "label": lab} for k, (c, lab) in RESOURCE_STATUS.items()
        },
        "resourceKind": RESOURCE_KIND,
        "cameraStatus": {k: {"color": c, "label": lab} for k, (c, lab) in CAMERA_STATUS.items()},
        "alertLevel": {k: {"color": c, "label": lab} for k, (c, lab) in ALERT_LEVEL.items()},
        "alertSeverity": list(ALERT_SEVERITY),
        "resourceDefault": RESOURCE_DEFAULT_GLYPH,
        "legendTitles": LEGEND_TITLES,
        "fitLabel": FIT_LABEL,
        "fitTitle": FIT_TITLE,
        "panes": [list(p) for p in PANES],
        "pointPanes": POINT_PANES,
        "cellStroke": "rgba(4, 10, 20, 0.75)",
        "flushDraws": True,
    }


def local_assets(map_: Any, base: str = BASE_URL) -> None:
    """Point a folium map's JS/CSS at local files: no CDN URL survives rendering."""
    map_.default_js = [
        ("leaflet", f"{base}/leaflet/leaflet.js"),
        ("qwebchannel", f"{base}/qt/qwebchannel.js"),
    ]
    map_.default_css = [("leaflet_css", f"{base}/leaflet/leaflet.css")]


def build_page(tiles_url: str | None = None, base: str = BASE_URL) -> str:
    """The HTML of the map page: an empty dark Leaflet map plus `mapview.js`.

    `tiles_url` is an optional XYZ template (`http://intranet/tiles/{z}/{x}/{y}.png` or a
    local `cmap://app/tiles/...` directory) drawn under everything else.
    """
    import folium  # lazy: folium and jinja2 cost ~150 ms to import
    from branca.element import MacroElement
    from jinja2 import Template

    m = folium.Map(
        location=[30.0, 120.0],
        zoom_start=6,
        tiles=None,
        prefer_canvas=True,
        attribution_control=False,
        double_click_zoom=False,  # double-click means "drill into this region"
        zoom_snap=0.25,
        zoom_delta=0.5,
        wheel_px_per_zoom_level=120,
        min_zoom=3,
        max_zoom=19,
        control_scale=False,
    )
    local_assets(m, base)
    m.default_js.append(("cmap", f"{base}/static/mapview.js"))
    m.default_css.append(("cmap_css", f"{base}/static/mapview.css"))
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url, attr="local", name="base", overlay=False, control=False, max_zoom=19
        ).add_to(m)

    class _Init(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "CMap.init({{ this._parent.get_name() }}, {{ this.config }});"
            "{% endmacro %}"
        )

        def __init__(self, config: dict[str, Any]) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self._name = "CMapInit"
            self.config = json.dumps(config, ensure_ascii=False)

    m.add_child(_Init(page_config()))
    root: Any = m.get_root()
    root.title = "map"
    html: str = root.render()
    return html
