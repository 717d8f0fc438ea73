"""基层治理四平台 on whole consoles (issue 16, item 4): a township's wall and a county's show
the four platforms with the service's counts, follow a matter written by another process,
and a city's wall has no such panel."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Engine, text

from services import vocabulary
from services.store import db
from services.wall.platforms import PlatformBoard, platform_board
from ui.app import Console
from widgets.wall.platforms import COL_MATTERS, COL_NAME, COL_OPEN, COL_OVERDUE

ROOT = Path(__file__).resolve().parents[3]
WAIT = 20_000
COUNTY, CITY = "330106", "330100"  # 西湖区, 杭州市

NEW_MATTER = """
import sys
from datetime import timedelta
from sqlalchemy import select
from services.store import db, models
from services.store.db import transaction
from services.store.db import session_factory
engine = db.make_engine(sys.argv[1])
I = models.Incident
with transaction(session_factory(engine)) as s:
    like = s.execute(select(I).where(I.township_code == sys.argv[2]).limit(1)).scalar_one()
    now = models.utcnow()
    s.add(I(category=like.category, source_channel="hotline", priority=3, status="routed",
            is_open=True, grid_id=like.grid_id, province_code=like.province_code,
            city_code=like.city_code, county_code=like.county_code,
            township_code=like.township_code, community_code=like.community_code,
            lon=like.lon, lat=like.lat, description="", reporter="another process",
            handling_center_id=like.handling_center_id, platform="market",
            reported_at=now, ack_deadline=now + timedelta(hours=1),
            resolve_deadline=now + timedelta(hours=48)))
"""


def _busiest_township(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text(
            "SELECT township_code FROM incident WHERE platform != '' AND county_code = :c "
            "GROUP BY township_code ORDER BY count(*) DESC, township_code LIMIT 1"), {"c": COUNTY},
        ).scalar_one())  # fmt: skip


def _shown(c: Console) -> list[tuple[str, int, int, int]]:
    """The panel's table as shown: (platform label, matters, open, overdue) per row."""
    model = c.platform_panel.model

    def num(row: int, col: int) -> int:
        return int(str(model.index(row, col).data()).replace(",", ""))

    return [(str(model.index(r, COL_NAME).data()), num(r, COL_MATTERS), num(r, COL_OPEN),
             num(r, COL_OVERDUE)) for r in range(model.rowCount())]  # fmt: skip


def _expected(board: PlatformBoard) -> list[tuple[str, int, int, int]]:
    return [(r.label, r.matters, r.open, r.overdue) for r in board.rows]


def _open_platform_tab(qtbot, c: Console) -> None:  # type: ignore[no-untyped-def]
    """Click the 四平台 tab beside the ranking, as an officer does."""
    tabs = c.ranking_tabs
    index = tabs.indexOf(c.platform_panel)
    assert tabs.tabText(index) == "四平台"
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: c.platform_panel.isVisible(), timeout=WAIT)


def _wait_board(qtbot, c: Console) -> PlatformBoard:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: c.platform_panel.board() is not None, timeout=WAIT)
    board = c.platform_panel.board()
    assert board is not None
    return board


def test_township_wall_shows_its_four_platforms_and_follows_a_new_matter(  # type: ignore[no-untyped-def]
    qtbot, walls: Callable[..., Console], demo_url: str
) -> None:
    engine = db.make_engine(demo_url)
    try:
        town = _busiest_township(engine)
        c = walls(demo_url, town)
        c.start()
        _open_platform_tab(qtbot, c)
        shown = _wait_board(qtbot, c)
        assert shown.region_code == town and shown.level == "township"
        expected = platform_board(engine, town)
        assert _shown(c) == _expected(expected)
        assert [r[0] for r in _shown(c)] == ["综治工作", "市场监管", "综合执法", "便民服务"]
        assert expected.matters > 0
        assert c.platform_panel.title.text().startswith("基层治理四平台 · ")
        market = vocabulary.PLATFORMS.index("market")
        before = _shown(c)[market]

        # Another process routes a new matter to 市场监管: the panel follows the feed.
        res = subprocess.run([sys.executable, "-c", NEW_MATTER, demo_url, town], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        assert res.returncode == 0, res.stderr
        qtbot.waitUntil(lambda: _shown(c)[market][1:3] == (before[1] + 1, before[2] + 1),
                        timeout=WAIT)  # fmt: skip
        assert _shown(c) == _expected(platform_board(engine, town))
    finally:
        engine.dispose()


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_county_wall_rolls_its_townships_platforms_up(  # type: ignore[no-untyped-def]
    qtbot, walls: Callable[..., Console], demo_url: str
) -> None:
    engine = db.make_engine(demo_url)
    try:
        c = walls(demo_url, COUNTY)
        c.start()
        _open_platform_tab(qtbot, c)
        shown = _wait_board(qtbot, c)
        assert shown.region_code == COUNTY and shown.level == "county"
        expected = platform_board(engine, COUNTY)
        assert _shown(c) == _expected(expected)
        assert expected.matters > platform_board(engine, _busiest_township(engine)).matters
    finally:
        engine.dispose()


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_city_wall_has_no_platform_panel(  # type: ignore[no-untyped-def]
    qtbot, walls: Callable[..., Console], demo_url: str
) -> None:
    c = walls(demo_url, CITY)
    assert c.platform_panel is None and c.platforms is None
    tabs = c.ranking_tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["今日", "平安指数"]
    assert "platforms" not in c.workers()
