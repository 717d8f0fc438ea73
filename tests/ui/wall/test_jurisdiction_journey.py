"""Drill-down and back on the 西湖区 (330106) console, the way a duty officer does it, with
the simulator writing in another process: the breadcrumb never climbs to 杭州市, a
double-click over the border does not open 萧山区, and ⌂ 本级 brings the county back
(issue 14, jurisdiction)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import create_engine, text

from ui.app import Console
from widgets.wall.ranking_table import ADCODE_ROLE, COL_NAME, COL_OPEN, SORT_ROLE

ROOT = Path(__file__).resolve().parents[3]
COUNTY, CITY, NEIGHBOUR = "330106", "330100", "330109"  # 西湖区, 杭州市, 萧山区
WAIT = 20_000


@pytest.fixture
def county_console(qtbot, demo_url: str, tmp_path, monkeypatch) -> Iterator[Console]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # keep the operator's saved layout
    sim = subprocess.Popen(
        [sys.executable, str(ROOT / "console.py"), "--db", demo_url, "simulate",
         "--rate", "10", "--seed", "14"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    args = argparse.Namespace(center=COUNTY, lang="zh_CN", theme="dark", scale=None)
    c = Console(args, demo_url)
    c.window.resize(1920, 1080)
    c.window.show()
    try:
        yield c
    finally:
        sim.terminate()
        sim.wait(10)
        c.close()
        c.window.close()
        c.map.shutdown()
        c.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _names(url: str) -> dict[str, str]:
    eng = create_engine(url)
    with eng.connect() as conn:
        names = dict(conn.execute(text("SELECT adcode, name FROM region")).all())
    eng.dispose()
    return {str(k): str(v) for k, v in names.items()}


def _townships(url: str, county: str) -> set[str]:
    eng = create_engine(url)
    with eng.connect() as conn:
        codes = conn.execute(text(
            "SELECT t.adcode FROM region t JOIN region c ON c.id = t.parent_id WHERE c.adcode = :c"
        ), {"c": county}).scalars().all()  # fmt: skip
    eng.dispose()
    return {str(c) for c in codes}


def _ranking(c: Console) -> dict[str, int]:
    """The ranking table as shown: adcode → open cases."""
    t = c.window.ranking_table
    return {
        str(t.proxy.index(r, COL_NAME).data(ADCODE_ROLE)): int(t.proxy.index(r, COL_OPEN).data(SORT_ROLE))
        for r in range(t.row_count())
    }


def _shown_open(c: Console) -> int:
    return int(c.window.kpi_board.text_of("open").replace(",", ""))


def _crumbs(c: Console) -> str:
    return c.window.header.breadcrumb.text()


def _click(qtbot, button: QPushButton) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_county_console_drills_down_and_home_but_never_leaves_the_county(  # type: ignore[no-untyped-def]
    qtbot, county_console: Console, demo_url: str
) -> None:
    c = county_console
    header = c.window.header
    names = _names(demo_url)
    county, city = names[COUNTY], names[CITY]
    towns = _townships(demo_url, COUNTY)
    c.start()
    qtbot.waitUntil(lambda: _crumbs(c) == county and c.window.ranking_table.row_count() > 0,
                    timeout=WAIT)  # fmt: skip
    # At the root: no crumb above it to click, nothing of 杭州市 on screen, home is off.
    assert city not in _crumbs(c)
    assert header.breadcrumb.buttons() == {}
    assert not header.home_button.isEnabled()
    assert header.home_button.text() == "⌂ 本级"
    assert county in header.center_name.text()
    assert set(_ranking(c)) == towns  # the county's own townships, counted for the county
    qtbot.waitUntil(lambda: _shown_open(c) == sum(_ranking(c).values()), timeout=WAIT)

    # Click a township in the ranking: the wall shows it, under the county.
    table = c.window.ranking_table
    index = table.proxy.index(0, COL_NAME)
    town = str(index.data(ADCODE_ROLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.waitUntil(lambda: _crumbs(c) == f"{county} › {names[town]}", timeout=WAIT)
    assert set(header.breadcrumb.buttons()) == {COUNTY}  # the county, never the city
    assert header.home_button.isEnabled()

    # ⌂ 本级 brings the county back.
    _click(qtbot, header.home_button)
    qtbot.waitUntil(lambda: _crumbs(c) == county, timeout=WAIT)
    assert not header.home_button.isEnabled()

    # Down again through the map (a double-click on a township, as the page reports it),
    # then back up with the breadcrumb's county button.
    c.map.region_double_clicked.emit(town)
    qtbot.waitUntil(lambda: COUNTY in header.breadcrumb.buttons()
                    and header.breadcrumb.buttons()[COUNTY].isVisible(), timeout=WAIT)  # fmt: skip
    _click(qtbot, header.breadcrumb.buttons()[COUNTY])
    qtbot.waitUntil(lambda: _crumbs(c) == county, timeout=WAIT)

    # A double-click near the border that lands in 萧山区: refused, the county stays.
    refused: list[str] = []
    c.live.drill_refused.connect(refused.append)
    c.map.region_double_clicked.emit(NEIGHBOUR)
    qtbot.waitUntil(lambda: refused == [NEIGHBOUR], timeout=WAIT)
    seen: list[object] = []
    c.live.snapshot_ready.connect(seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)  # what the wall shows after the refusal
    assert _crumbs(c) == county
    assert names[NEIGHBOUR] not in header.center_name.text()
    assert set(_ranking(c)) == towns
    assert c.live.region_code == COUNTY
    qtbot.waitUntil(lambda: c.index.region_code == COUNTY, timeout=WAIT)
    # the map's markers stay the county's: no case of 萧山区 is sent to it
    points: list[object] = []
    c.live.points_ready.connect(points.append)
    c.live.markers.show(NEIGHBOUR)  # as a stale drill would ask
    qtbot.waitUntil(lambda: bool(points), timeout=WAIT)
    ids = [p["id"] for p in points[-1].incidents]  # type: ignore[attr-defined]
    assert ids
    eng = create_engine(demo_url)
    with eng.connect() as conn:
        counties = set(conn.execute(text(
            f"SELECT DISTINCT county_code FROM incident WHERE id IN ({','.join(map(str, ids))})"
        )).scalars())  # fmt: skip
    eng.dispose()
    assert counties == {COUNTY}
