"""Esc with the case sheet and the hotline form both open on the county wall: it puts away
the one the officer is working in (the one holding the focus), else the one on top, and
only that one; the next Esc the other."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    click,
    click_case,
    fed,
    pick_tab,
    press_action,
    row_ids,
    sign_in,
)
from ui.app import Console


def _esc(qtbot, c: Console) -> None:  # type: ignore[no-untyped-def]
    """Esc where the keyboard is now (the focused widget, else the wall)."""
    target = QApplication.focusWidget() or c.window
    qtbot.keyClick(target, Qt.Key.Key_Escape)


def _open_hotline(qtbot, c: Console) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, c.window.findChild(QPushButton, "hotlineButton"))
    qtbot.waitUntil(c.hotline.isVisible, timeout=WAIT)


def _holds_focus(w: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is w or w.isAncestorOf(focus))


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_esc_puts_away_the_topmost_of_case_sheet_and_hotline_form(qtbot, walls, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    c = walls(demo_url)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{COUNTY}.duty")
    sheet, form = c.incident_panel.sheet, c.hotline
    c.window.activateWindow()  # the keyboard goes to the wall, as on the duty desk
    qtbot.waitUntil(lambda: QApplication.activeWindow() is c.window, timeout=WAIT)
    pick_tab(qtbot, c, 2)
    qtbot.waitUntil(lambda: bool(row_ids(c)), timeout=WAIT)
    case_id = row_ids(c)[0]

    # The form opened over an open sheet, the cursor in it: Esc closes the form only.
    click_case(qtbot, c, case_id)
    _open_hotline(qtbot, c)
    click(qtbot, form.description)
    assert _holds_focus(form)
    qtbot.keyClick(form.description, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)
    assert sheet.isVisible()
    _esc(qtbot, c)  # and the next Esc the sheet
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=WAIT)

    # The form open, then a case opened from the queue (the sheet on top, the focus in the
    # queue): Esc closes the sheet, the form stays; the next Esc closes the form.
    _open_hotline(qtbot, c)
    click_case(qtbot, c, case_id)
    assert not _holds_focus(form) and not _holds_focus(sheet)
    _esc(qtbot, c)
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=WAIT)
    assert form.isVisible()
    _esc(qtbot, c)
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)

    # The officer typing in the sheet while the form lies on top: Esc closes the sheet.
    click_case(qtbot, c, case_id)
    _open_hotline(qtbot, c)
    action = next(a for a, b in c.incident_panel.detail.buttons.items() if b.isVisible())
    note = c.incident_panel.detail.form.note
    press_action(qtbot, c, action)
    if not note.isVisible():  # a form without a note: the cursor in its task list instead
        note = c.incident_panel.detail.form.tasks
    click(qtbot, note)
    assert _holds_focus(sheet)
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=WAIT)
    assert form.isVisible()
