"""What the case journeys share: the clicks and keys a person uses (sign in, pick a tab,
search, click a row, scroll, press a button) and the simulator writing in another process.
The whole console they click is the `walls` fixture (tests/support/consoles.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QInputMethodEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QWidget

from tests.support.consoles import COUNTY as COUNTY  # the journeys' county
from ui.app import Console

ROOT = Path(__file__).resolve().parents[3]
WAIT = 20_000


def fed(qtbot, c: Console) -> None:  # type: ignore[no-untyped-def]
    """Start the console; wait for the incident panel's first queue."""
    got: list[object] = []
    c.incidents.queue_ready.connect(got.append)
    c.start()
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT)


def file_reports(url: str, n: int) -> list[int]:
    """File `n` reports in the county's first cells, each as its township's operator: the
    county's 辖区全部 then lists at least `n` cases whatever the hour (the demo's backlog is
    thin in the small hours, when few of the day's reports are in)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from services import accounts, incidents
    from services.policies import Policies
    from services.store import db, models

    g = models.GridCell
    eng = db.make_engine(url)
    try:
        with Session(eng) as s:
            cells = s.execute(
                select(g.id, g.township_code).where(g.county_code == COUNTY).order_by(g.id).limit(n)
            ).all()
            operators = {t: accounts.actor_for(s, f"{t}.operator") for _, t in cells}
        factory = db.session_factory(eng)
        policy = Policies.defaults().incidents
        return [
            incidents.report_in(factory, operators[town], incidents.NewIncident(
                category="dispute", description=f"邻里纠纷第 {k + 1} 起，双方争执不下", grid_id=cell,
                reporter="王女士"), policy=policy)  # fmt: skip
            for k, (cell, town) in enumerate(cells)
        ]
    finally:
        eng.dispose()


def click(qtbot, widget: QWidget, pos: QPoint | None = None) -> None:  # type: ignore[no-untyped-def]
    assert widget.isVisible(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or widget.rect().center())


def sign_in(qtbot, c: Console, login: str) -> None:  # type: ignore[no-untyped-def]
    """登录 in the header, type the account and password, press 登录."""
    click(qtbot, c.account.button)
    dialog = c.account.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.login, login)
    qtbot.keyClicks(dialog.password, "demo")
    with qtbot.waitSignal(dialog.logged_in, timeout=WAIT):
        click(qtbot, dialog.submit)
    qtbot.waitUntil(lambda: c.account.button.text() == "退出", timeout=WAIT)


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a field as a person does: keys for ASCII, the input method's commit for
    Chinese (QTest has no keys for CJK characters; an IME commits whole words)."""
    widget.setFocus()
    chunk = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii() == (not chunk or chunk[-1].isascii()):
            chunk += ch
            continue
        if chunk and chunk[0].isascii():
            qtbot.keyClicks(widget, chunk)
        elif chunk:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)
        chunk = ch if ch != "\0" else ""


def choose(qtbot, combo: QComboBox, data: object) -> None:  # type: ignore[no-untyped-def]
    """Pick the entry holding `data` with the keyboard, as on a closed drop-down: Home,
    then Down to it (the popup ignores a click that follows its opening too closely)."""
    datas = [combo.itemData(i) for i in range(combo.count())]
    assert data in datas, (data, datas)
    index = datas.index(data)
    click(qtbot, combo)  # opens the popup; Esc closes it again, the focus stays
    qtbot.waitUntil(combo.view().isVisible, timeout=WAIT)
    qtbot.keyClick(combo.view(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not combo.view().isVisible(), timeout=WAIT)
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == index, combo.currentText()


def sign_out(qtbot, c: Console) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, c.account.button)
    qtbot.waitUntil(lambda: c.account.button.text() == "登录", timeout=WAIT)


def pick_tab(qtbot, c: Console, index: int) -> None:  # type: ignore[no-untyped-def]
    tabs = c.incident_panel.tabs
    click(qtbot, tabs, tabs.tabRect(index).center())
    assert tabs.currentIndex() == index


def search(qtbot, c: Console, text: str) -> None:  # type: ignore[no-untyped-def]
    box = c.incident_panel.search
    click(qtbot, box)
    box.selectAll()
    qtbot.keyClicks(box, text)


def row_ids(c: Console) -> list[int]:
    return [r.id for r in c.incident_panel.rows()]


def click_case(qtbot, c: Console, incident_id: int) -> None:  # type: ignore[no-untyped-def]
    """Click the queue row of a case (it must be listed) and wait for its sheet."""
    panel = c.incident_panel
    qtbot.waitUntil(lambda: incident_id in row_ids(c), timeout=WAIT)
    table = panel.table
    row = row_ids(c).index(incident_id)
    index = table.model().index(row, 2)
    table.scrollTo(index)
    click(qtbot, table.viewport(), table.visualRect(index).center())
    qtbot.waitUntil(lambda: shown_case(c) == incident_id and panel.sheet.isVisible(),
                    timeout=WAIT)  # fmt: skip


def shown_case(c: Console) -> int | None:
    case = c.incident_panel.detail.case
    return case.id if case is not None else None


def shown_status(c: Console) -> str | None:
    case = c.incident_panel.detail.case
    return case.detail.row.status if case is not None else None


def selected_row_id(c: Console) -> int | None:
    table = c.incident_panel.table
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    return c.incident_panel.rows()[rows[0].row()].id


def wheel(widget: QWidget, steps: int) -> None:
    """Turn the mouse wheel over a widget (negative: towards the reader, i.e. down)."""
    centre = QPointF(widget.rect().center())
    for _ in range(abs(steps)):
        event = QWheelEvent(
            centre, QPointF(widget.mapToGlobal(centre)), QPoint(0, 0),
            QPoint(0, 120 if steps > 0 else -120), Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(widget, event)


def visible_in(widget: QWidget, frame: QWidget) -> bool:
    """Shown, and its whole rectangle inside `frame`'s (and the window's) visible area."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(frame, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    window = frame.window()
    frame_in_window = QRect(frame.mapTo(window, QPoint(0, 0)), frame.size())
    return frame.rect().contains(rect) and window.rect().contains(frame_in_window)


def action_buttons(c: Console) -> list[str]:
    """The actions whose buttons a person sees in the case sheet now."""
    detail = c.incident_panel.detail
    return [a for a, b in detail.buttons.items() if visible_in(b, c.incident_panel.sheet)]


def press_action(qtbot, c: Console, action: str, note: str = "") -> QPushButton:  # type: ignore[no-untyped-def]
    """Click an action's button in the sheet and type its note; returns the confirm button."""
    detail = c.incident_panel.detail
    qtbot.waitUntil(lambda: action in action_buttons(c), timeout=WAIT)
    click(qtbot, detail.buttons[action])
    assert detail.form.isVisible() and detail.form.action == action
    if note:
        type_text(qtbot, detail.form.note, note)
    return detail.form.confirm


class Simulator:
    """`console.py simulate` as another process writing into the console's database."""

    def __init__(self, url: str, *, rate: float = 20, duration: float = 30, seed: int = 5,
                 scenario: str = "normal", surge_minutes: float = 10.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "console.py"), "--db", url, "simulate",
             "--rate", str(rate), "--duration", str(duration), "--seed", str(seed),
             "--scenario", scenario, "--surge-minutes", str(surge_minutes)],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(20)

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()
