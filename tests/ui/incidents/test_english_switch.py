"""The English switch in a person's hands, on the county wall at 1920×1080: with a case
open in its sheet (an action form open on it), the hotline form open, the header's
language button turns the case's captions, title, timeline, buttons and form, the hotline
form's captions, choices and location line, and the queue's cells into English, the
queue's status and deadline columns wide enough for their English texts, and the next
press turns everything back into Chinese."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QPushButton, QStyleOptionViewItem
from sqlalchemy import Engine

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
from ui.incidents.queue import COL_DEADLINE, COL_STATUS

CJK = re.compile(r"[\u4e00-\u9fff]")


def _switch(qtbot, c: Console, to: str) -> None:  # type: ignore[no-untyped-def]
    """Press the header's language button (it names the language it switches to)."""
    button = c.language_button
    click(qtbot, button)
    qtbot.waitUntil(lambda: c.hotline.windowTitle() == to, timeout=WAIT)


def _captions(c: Console) -> list[str]:
    detail = c.incident_panel.detail
    return [w.text() for w in detail.findChildren(QLabel, "incCaption") if w.isVisible()] + [
        w.text() for w in detail.findChildren(QLabel, "incSection") if w.isVisible()
    ]


def _too_narrow(c: Console) -> list[tuple[str, int, int]]:
    """(text, needs, has) of each status/deadline cell in view wider than its column."""
    table = c.incident_panel.table
    model = table.model()
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    out = []
    for col in (COL_STATUS, COL_DEADLINE):
        for row in range(model.rowCount()):
            index = model.index(row, col)
            if not table.visualRect(index).intersects(table.viewport().rect()):
                continue
            need = table.itemDelegateForIndex(index).sizeHint(option, index).width()
            if need > table.columnWidth(col) + 2:
                out.append((str(index.data()), need, table.columnWidth(col)))
    header = table.horizontalHeader()
    filled = sum(header.sectionSize(col) for col in range(header.count()))
    if abs(filled - table.viewport().width()) > 2:  # the text column takes the rest
        out.append(("(all columns)", table.viewport().width(), filled))
    fm = QFontMetrics(header.font())
    for col in (COL_STATUS, COL_DEADLINE):
        text = str(model.headerData(col, header.orientation()))
        if fm.horizontalAdvance(text) > header.sectionSize(col):
            out.append((text, fm.horizontalAdvance(text), header.sectionSize(col)))
    return out


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_case_sheet_queue_and_hotline_form_follow_the_language_switch(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, demo_engine: Engine
) -> None:
    c = walls(demo_url)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{COUNTY}.duty")
    panel, detail, hotline = c.incident_panel, c.incident_panel.detail, c.hotline
    pick_tab(qtbot, c, 2)  # 辖区全部
    qtbot.waitUntil(lambda: len(row_ids(c)) > 5, timeout=WAIT)
    case_id = row_ids(c)[0]
    click_case(qtbot, c, case_id)
    qtbot.waitUntil(lambda: detail.timeline.count() > 0, timeout=WAIT)
    action = next(a for a, b in detail.buttons.items() if b.isVisible())
    press_action(qtbot, c, action, note="abc")
    click(qtbot, c.window.findChild(QPushButton, "hotlineButton"))
    qtbot.waitUntil(hotline.isVisible, timeout=WAIT)
    assert hotline.location.text() == "未选位置" and hotline.windowTitle() == "热线受理登记"
    assert "网格" in _captions(c) and detail.timeline_title.text().startswith("处置时间线")
    chinese_title = detail.title.text()
    chinese_button = detail.buttons[action].text()

    _switch(qtbot, c, "Hotline intake")
    # The case: captions, sections, title (category, priority, status), timeline, buttons.
    qtbot.waitUntil(lambda: detail.timeline_title.text().startswith("Timeline"), timeout=WAIT)
    assert "Grid" in _captions(c) and "Resolve by" in _captions(c)
    assert not [t for t in _captions(c) if CJK.search(t)], _captions(c)
    assert detail.title.text() != chinese_title and detail.title.text().startswith(f"#{case_id}")
    assert not CJK.search(detail.title.text()), detail.title.text()
    shown = [b.text() for b in detail.buttons.values() if b.isVisible()]
    assert shown and not [t for t in shown if CJK.search(t)], shown
    assert not [t for t in shown if "&" in t.replace("&&", "")], shown  # no stray mnemonic
    assert detail.buttons[action].text() != chinese_button
    verbs = [detail.timeline.itemAtPosition(r, 1) for r in range(detail.timeline.rowCount())]
    verb_texts = [w.widget().text() for w in verbs if w is not None and w.widget() is not None]
    assert verb_texts and not [t for t in verb_texts if CJK.search(t)], verb_texts
    # The open action form keeps its note and speaks English.
    form = detail.form
    assert form.isVisible() and form.note.text() == "abc"
    assert not CJK.search(form.confirm.text()) and not CJK.search(form.cancel.text())
    # The hotline form: captions, choices, placeholders, the location line, its buttons.
    texts = [w.text() for w in hotline.findChildren(QLabel) if w.isVisible()]
    texts += [hotline.category.currentText(), hotline.priority.currentText(),
              hotline.channel.currentText(), hotline.submit.text(), hotline.close_button.text(),
              hotline.grid_code.placeholderText(), hotline.reporter.placeholderText()]  # fmt: skip
    assert "Category" in texts and hotline.location.text() and hotline.submit.text()
    assert not [t for t in texts if CJK.search(t)], texts
    # The queue: English cells, and the status and deadline columns hold them.
    model = panel.table.model()
    status = str(model.index(0, COL_STATUS).data())
    assert status and not CJK.search(status), status
    qtbot.waitUntil(lambda: not _too_narrow(c), timeout=WAIT)

    _switch(qtbot, c, "热线受理登记")
    qtbot.waitUntil(lambda: detail.timeline_title.text().startswith("处置时间线"), timeout=WAIT)
    assert "网格" in _captions(c) and detail.title.text() == chinese_title
    assert detail.buttons[action].text() == chinese_button
    assert hotline.location.text() == "未选位置" and "事件类别" in [
        w.text() for w in hotline.findChildren(QLabel)
    ]
    assert form.note.text() == "abc" and CJK.search(form.confirm.text())
    assert CJK.search(str(model.index(0, COL_STATUS).data()))
    qtbot.waitUntil(lambda: not _too_narrow(c), timeout=WAIT)
