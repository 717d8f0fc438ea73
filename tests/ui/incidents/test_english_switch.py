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

from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    click,
    click_case,
    fed,
    file_reports,
    pick_tab,
    press_action,
    row_ids,
    sign_in,
    type_text,
)
from ui.app import Console
from ui.incidents.queue import COL_DEADLINE, COL_STATUS

CJK = re.compile(r"[\u4e00-\u9fff]")


def _switch(qtbot, c: Console, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Press the header's language button; it then names the other language."""
    click(qtbot, c.language_button)
    other = "中文" if lang == "en" else "EN"
    qtbot.waitUntil(lambda: c.language_button.text() == other, timeout=WAIT)


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


def _console(qtbot, walls, demo_url: str) -> Console:  # type: ignore[no-untyped-def]
    """The county wall, its duty officer signed in, 辖区全部 listed."""
    file_reports(demo_url, 6)
    c = walls(demo_url)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{COUNTY}.duty")
    pick_tab(qtbot, c, 2)  # 辖区全部
    qtbot.waitUntil(lambda: len(row_ids(c)) > 5, timeout=WAIT)
    return c


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_case_sheet_follows_the_language_switch(qtbot, walls, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    c = _console(qtbot, walls, demo_url)
    detail = c.incident_panel.detail
    case_id = row_ids(c)[0]
    click_case(qtbot, c, case_id)
    qtbot.waitUntil(lambda: detail.timeline.count() > 0, timeout=WAIT)
    action = next(a for a, b in detail.buttons.items() if b.isVisible())
    press_action(qtbot, c, action, note="abc")
    assert "网格" in _captions(c) and detail.timeline_title.text().startswith("处置时间线")
    chinese_title = detail.title.text()
    chinese_button = detail.buttons[action].text()

    _switch(qtbot, c, "en")
    # Captions, sections, title (category, priority, status), timeline, buttons.
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

    _switch(qtbot, c, "zh_CN")
    qtbot.waitUntil(lambda: detail.timeline_title.text().startswith("处置时间线"), timeout=WAIT)
    assert "网格" in _captions(c) and detail.title.text() == chinese_title
    assert detail.buttons[action].text() == chinese_button
    assert form.note.text() == "abc" and CJK.search(form.confirm.text())


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_hotline_form_follows_the_language_switch(qtbot, walls, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    c = _console(qtbot, walls, demo_url)
    hotline = c.hotline
    click(qtbot, c.window.findChild(QPushButton, "hotlineButton"))
    qtbot.waitUntil(hotline.isVisible, timeout=WAIT)
    assert hotline.location.text() == "未选位置" and hotline.windowTitle() == "热线受理登记"
    type_text(qtbot, hotline.reporter, "王先生")

    _switch(qtbot, c, "en")
    qtbot.waitUntil(lambda: hotline.title.text() == "Hotline intake", timeout=WAIT)
    # Captions, choices, placeholders, the location line, its buttons; what was typed stays.
    texts = [w.text() for w in hotline.findChildren(QLabel) if w.isVisible()]
    texts += [hotline.category.currentText(), hotline.priority.currentText(),
              hotline.channel.currentText(), hotline.submit.text(), hotline.close_button.text(),
              hotline.grid_code.placeholderText(), hotline.phone.placeholderText()]  # fmt: skip
    assert "Category" in texts and hotline.location.text() and hotline.submit.text()
    assert not [t for t in texts if CJK.search(t)], texts
    assert hotline.reporter.text() == "王先生"

    _switch(qtbot, c, "zh_CN")
    qtbot.waitUntil(lambda: hotline.title.text() == "热线受理登记", timeout=WAIT)
    assert hotline.location.text() == "未选位置" and "事件类别" in [
        w.text() for w in hotline.findChildren(QLabel)
    ]
    assert hotline.submit.text() == "提交登记" and hotline.reporter.text() == "王先生"


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_queue_columns_hold_their_texts_in_both_languages(qtbot, walls, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    c = _console(qtbot, walls, demo_url)
    model = c.incident_panel.table.model()
    assert not _too_narrow(c)
    for size, scale in (((1920, 1080), 1.0), ((3840, 2160), 2.0)):
        c.window.resize(*size)
        qtbot.waitUntil(lambda s=scale: c.window.ui_scale() == s, timeout=WAIT)
        _switch(qtbot, c, "en")
        qtbot.waitUntil(lambda: not CJK.search(str(model.index(0, COL_STATUS).data())),
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: not _too_narrow(c), timeout=WAIT)
        _switch(qtbot, c, "zh_CN")
        qtbot.waitUntil(lambda: bool(CJK.search(str(model.index(0, COL_STATUS).data()))),
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: not _too_narrow(c), timeout=WAIT)


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_read_only_line_follows_the_language_switch(qtbot, walls, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    """Nobody signed in: the queue's 只读 line switches with the header's button, both ways
    (it was set once, when the viewer took the wall, and stayed Chinese in English)."""
    c = walls(demo_url)
    fed(qtbot, c)
    label = c.incident_panel.account_label
    qtbot.waitUntil(lambda: "只读" in label.text(), timeout=WAIT)
    chinese = label.text()
    _switch(qtbot, c, "en")
    qtbot.waitUntil(lambda: not CJK.search(label.text()), timeout=WAIT)
    assert "Read-only" in label.text(), label.text()
    _switch(qtbot, c, "zh_CN")
    qtbot.waitUntil(lambda: label.text() == chinese, timeout=WAIT)
