"""Rotation of an unattended wall (issue 18, item 6) on a whole console: it advances on its
timer, a click or a key on the wall pauses it, it resumes after the quiet period; a bad
rotation stops `console.py` with one line before a window opens."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from services.wall.rotation import Rotation, Step
from ui.app import Console
from widgets.wall.ranking_table import ADCODE_ROLE, COL_NAME

ROOT = Path(__file__).resolve().parents[3]
WAIT = 20_000
COUNTY, NEIGHBOUR = "330106", "330109"  # 西湖区, 萧山区


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_rotation_advances_pauses_on_input_and_resumes(  # type: ignore[no-untyped-def]
    qtbot, walls: Callable[..., Console], demo_url: str
) -> None:
    c = walls(demo_url, COUNTY)
    c.start()
    qtbot.waitUntil(lambda: c.window.ranking_table.row_count() > 0, timeout=WAIT)
    town = str(c.window.ranking_table.proxy.index(0, COL_NAME).data(ADCODE_ROLE))
    assert town.startswith(COUNTY) and town != COUNTY
    steps = (Step("region", town), Step("panel", "platforms"), Step("region", COUNTY))
    rotator = c.start_rotation(Rotation(seconds=0.3, quiet_seconds=1.0, steps=steps))
    header = c.window.header

    # On its timer: the township on the map (the wall reads it), then the four platforms.
    qtbot.waitUntil(lambda: c.live.region_code == town, timeout=WAIT)
    qtbot.waitUntil(lambda: c.ranking_tabs.currentWidget() is c.platform_panel, timeout=WAIT)
    qtbot.waitUntil(lambda: c.live.region_code == COUNTY and rotator.index() == 2, timeout=WAIT)

    # A click on the wall pauses it where it is; nothing advances until the quiet period.
    advanced: list[int] = []
    rotator.advanced.connect(advanced.append)
    paused: list[bool] = []  # each change: True paused, False resumed
    rotator.paused_changed.connect(paused.append)
    qtbot.mouseClick(header.center_name, Qt.MouseButton.LeftButton)
    assert rotator.is_paused()
    held = rotator.index()
    assert paused == [True]
    qtbot.waitUntil(lambda: paused == [True, False], timeout=WAIT)  # after ~1 s without input
    assert advanced == [] and not rotator.is_paused()
    qtbot.waitUntil(lambda: advanced != [], timeout=WAIT)  # and on again
    assert advanced[0] == (held + 1) % len(steps)

    # A key pauses it too.
    qtbot.keyClick(c.window.ranking_table, Qt.Key.Key_Down)
    assert rotator.is_paused()
    count = len(advanced)
    assert paused == [True, False, True]
    qtbot.waitUntil(lambda: paused == [True, False, True, False], timeout=WAIT)
    assert len(advanced) == count


def _console(*argv: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CONSOLE_CONFIG=str(config), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "console.py"), *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_a_rotation_outside_the_jurisdiction_is_one_line_and_no_wall(demo_url: str,
                                                                     tmp_path: Path) -> None:  # fmt: skip
    config = tmp_path / "config.toml"
    config.write_text(f'[wall]\nrotate = ["home", "region:{NEIGHBOUR}"]\n', "utf-8")
    res = _console("--db", demo_url, "--center", COUNTY, "--rotate", "20", config=config)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert f"region:{NEIGHBOUR}" in res.stderr and "outside the jurisdiction of 330106" in res.stderr
    assert str(config) in res.stderr

    config.write_text('[wall]\nrotate_seconds = "often"\n', "utf-8")
    res = _console("--db", demo_url, "--center", COUNTY, config=config)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "wall.rotate_seconds must be a number of seconds" in res.stderr

    config.write_text("", "utf-8")
    res = _console("--db", demo_url, "--rotate", "often", config=config)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "--rotate" in res.stderr and "'often' is not a number of seconds" in res.stderr
