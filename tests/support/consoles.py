"""A whole console as ui.app composes it, on screen at 1920×1080, and its teardown.

`walls` is the pytest fixture (a factory; every console it made is torn down after the
test). `make_console` and `close_console` are the same steps as plain functions, for a
fixture of another scope (the wall lint builds one console for its module).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtTest import QTest

from ui.app import Console

COUNTY = "330106"  # 西湖区
SIZE = (1920, 1080)


def console_args(center: str = COUNTY) -> argparse.Namespace:
    return argparse.Namespace(center=center, lang="zh_CN", theme="dark", scale=None)


def make_console(url: str, center: str = COUNTY, *, with_map: bool = False) -> Console:
    """A console for `center` on `url`, shown at 1920×1080 and exposed (not started).
    Set XDG_CONFIG_HOME first, or it reads the operator's saved layout."""
    c = Console(console_args(center), url, with_map=with_map)
    c.window.resize(*SIZE)
    c.window.show()
    assert QTest.qWaitForWindowExposed(c.window), "the console's window was never exposed"
    return c


def close_console(c: Console) -> None:
    """Stop it, close its window and map page, and delete the window (after `flush()`)."""
    c.close()
    c.window.close()
    if c.map is not None:
        c.map.shutdown()
    c.window.deleteLater()


def flush() -> None:
    """Run the deletions that deleteLater posted."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def walls(qapp, tmp_path, monkeypatch) -> Iterator[Callable[..., Console]]:  # type: ignore[no-untyped-def]
    """Whole consoles: `walls(url, center=COUNTY, *, with_map=False)`; no map page unless
    asked (the left column and the side docks are as on the wall)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # not the operator's saved layout
    made: list[Console] = []

    def make(url: str, center: str = COUNTY, *, with_map: bool = False) -> Console:
        c = make_console(url, center, with_map=with_map)
        made.append(c)
        return c

    yield make
    for c in made:
        close_console(c)
    flush()
