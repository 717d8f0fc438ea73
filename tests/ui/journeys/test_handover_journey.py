"""The handover in people's hands on two 西湖区 consoles while the simulator writes from
another process: the outgoing duty officer opens 交接班 from the header, logs an event and
submits (the shift ends in a few minutes, inside the submission window, whatever the wall
clock says); the incoming officer, signed in on the other console, rejects with a question;
the outgoing answers; the incoming accepts (signs), and saves the signed report as a PDF
through the save dialog. Every step is a click or a key; each asserts what is on screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit, QPushButton
from sqlalchemy import Engine, select

from services import accounts
from services.handover import roster, view
from services.store import models
from services.store.db import session_factory, transaction
from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    Simulator,
    choose,
    click,
    fed,
    sign_in,
    type_text,
)
from ui.app import Console
from ui.handover.panel import HandoverPanel


def open_handover(qtbot, c: Console) -> HandoverPanel:  # type: ignore[no-untyped-def]
    button = c.window.findChild(QPushButton, "handoverButton")
    assert button is not None
    click(qtbot, button)
    qtbot.waitExposed(c.handover_window)
    return c.handover_panel


def status(p: HandoverPanel) -> str | None:
    page = p.page
    if page is None:
        return None
    return page.handover.status if page.handover is not None else "none"


def visible(p: HandoverPanel) -> set[str]:
    return {a for a, b in p.buttons.items() if b.isVisible() and b.isEnabled()}


def press(qtbot, p: HandoverPanel, action: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    """Type the note (交班说明 / 退回原因 / 答复) and press the action's button."""
    click(qtbot, p.note_edit)
    p.note_edit.selectAll()
    qtbot.keyClick(p.note_edit, Qt.Key.Key_Delete)
    if note:
        type_text(qtbot, p.note_edit, note)
    click(qtbot, p.buttons[action])


def save_pdf(qtbot, p: HandoverPanel, path: Path) -> None:  # type: ignore[no-untyped-def]
    """导出PDF; in the save dialog click the file name field, type the file's path, 保存.

    Keys go to the field once the dialog is the active window and the field has the focus,
    as a person's do. Typed without the focus, the dialog's list keeps every folder the
    path passes through selected (QFileDialog unselects them only while the field has the
    focus), so 保存 turns into 打开 and opens the last folder: nothing is written. Whether
    the dialog was active yet when the keys came was a race (it lost under pytest's output
    capture and won with -s)."""
    typed: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, fill)
            return
        typed.append(dialog.windowTitle())
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT)
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert edit is not None
        click(qtbot, edit)
        qtbot.waitUntil(edit.hasFocus, timeout=WAIT)
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(edit, str(path))
        completer = edit.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None and popup.isVisible():  # a path's completions
            qtbot.keyClick(popup, Qt.Key.Key_Escape)
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        save = next(b for b in box.buttons()
                    if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole)  # fmt: skip
        typed.append(save.text())
        typed.append(edit.text())
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    def give_up() -> None:  # never hang in the dialog's loop: the assertion below fails
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            dialog.reject()

    QTimer.singleShot(50, fill)
    QTimer.singleShot(WAIT, give_up)
    assert p.export_button.isEnabled()
    click(qtbot, p.export_button)  # the dialog runs its own loop until 保存
    assert typed == ["导出交接班报告", "保存", str(path)]
    qtbot.waitUntil(lambda: path.exists() and path.stat().st_size > 0, timeout=WAIT)


def test_submit_reject_answer_accept_and_the_signed_pdf(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, demo_engine: Engine, tmp_path: Path
) -> None:
    factory = session_factory(demo_engine)
    now = models.utcnow()
    with factory() as s:
        duty = accounts.actor_for(s, f"{COUNTY}.duty")
        assert duty.center_id is not None
        # The shift to hand over: the last ended one if nobody signed it yet, else the
        # running one, made to end in 20 minutes (inside the default 30-minute window),
        # so the journey holds at any hour.
        shift = roster.last_ended_shift(s, duty.center_id, now)
        signed = view(s, shift.id) if shift is not None else None
        if shift is None or (signed is not None and signed.status == "accepted"):
            shift = roster.current_shift(s, duty.center_id, now)
        assert shift is not None
        incoming = roster.next_shift(s, shift.id)
        assert incoming is not None
        password = s.scalar(select(models.User.password_hash).where(models.User.login == duty.login))
    with transaction(factory) as s:
        if shift.ends_at > now:
            row, nxt = s.get(models.Shift, shift.id), s.get(models.Shift, incoming.id)
            assert row is not None and nxt is not None
            row.ends_at = nxt.starts_at = now + timedelta(minutes=20)
        logins = []
        for tag, staff, name in (("out", shift.duty_officer_id, shift.duty_officer),
                                 ("in", incoming.duty_officer_id, incoming.duty_officer)):  # fmt: skip
            login = s.scalar(select(models.User.login).where(models.User.staff_id == staff))
            if login is None:
                login = f"{COUNTY}.{tag}"
                s.add(models.User(login=login, staff_id=staff,
                                  jurisdiction_region_id=duty.region_id, role="duty_officer",
                                  center_id=duty.center_id, display_name=name,
                                  password_hash=password, active=True))  # fmt: skip
            logins.append(login)

    with Simulator(demo_url, rate=4, duration=900, seed=13) as sim:
        out_c = walls(demo_url, COUNTY)
        in_c = walls(demo_url, COUNTY)
        fed(qtbot, out_c)
        fed(qtbot, in_c)
        sign_in(qtbot, out_c, logins[0])
        sign_in(qtbot, in_c, logins[1])
        out, inc = open_handover(qtbot, out_c), open_handover(qtbot, in_c)
        qtbot.waitUntil(lambda: out.page is not None and inc.page is not None, timeout=WAIT)
        for p in (out, inc):
            if p.page is not None and p.page.shift.id != shift.id:  # pick it in the list
                choose(qtbot, p.shift_box, shift.id)
            qtbot.waitUntil(lambda p=p: p.page is not None and p.page.shift.id == shift.id,
                            timeout=WAIT)  # fmt: skip

        # 1. The outgoing officer: a draft, 提交交班 offered (the window is open); logs, submits.
        qtbot.waitUntil(lambda: visible(out) == {"submit"}, timeout=WAIT)
        assert out.buttons["submit"].text() == "提交交班"
        assert status(out) == "none" and "草稿" in out.report_view.toPlainText()
        qtbot.waitUntil(lambda: visible(inc) == {"check_in"}, timeout=WAIT)
        click(qtbot, out.log_text)
        type_text(qtbot, out.log_text, "景区客流已回落，夜间巡逻照常")
        click(qtbot, out.log_button)
        qtbot.waitUntil(lambda: out.log_list.count() >= 1
                        and "景区客流已回落" in out.log_list.item(out.log_list.count() - 1).text(),
                        timeout=WAIT)  # fmt: skip
        press(qtbot, out, "submit", "请关注夜间客流")
        qtbot.waitUntil(lambda: status(out) == "submitted" and status(inc) == "submitted",
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: visible(inc) == {"accept", "reject", "check_in"}, timeout=WAIT)
        assert "草稿" not in inc.report_view.toPlainText()
        assert "景区客流已回落" in inc.report_view.toPlainText()
        assert visible(out) == set()

        # 2. The incoming officer rejects with a question; the outgoing console shows it.
        press(qtbot, inc, "reject", "督办件现在由谁跟进？")
        qtbot.waitUntil(lambda: status(out) == "rejected" and status(inc) == "rejected",
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: "督办件现在由谁跟进？" in out.status_label.text()
                        and visible(out) == {"answer"}, timeout=WAIT)  # fmt: skip
        assert visible(inc) == {"check_in"}

        # 3. The outgoing answers; the incoming sees the handover back, and signs.
        press(qtbot, out, "answer", "由北山街道跟进，明早反馈")
        qtbot.waitUntil(lambda: status(inc) == "submitted"
                        and "accept" in visible(inc), timeout=WAIT)  # fmt: skip
        press(qtbot, inc, "accept", "已接班")
        qtbot.waitUntil(lambda: status(out) == "accepted" and status(inc) == "accepted",
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: "已签收" in out.status_label.text(), timeout=WAIT)
        steps = [inc.steps.item(k).text() for k in range(inc.steps.count())]
        assert [s.split(" ")[2] for s in steps] == ["提交", "退回", "答复", "签收"]
        assert visible(out) == set() and not out.log_button.isEnabled()
        assert "草稿" not in inc.report_view.toPlainText()

        # 4. The signed report, saved as a PDF through the save dialog.
        pdf_path = tmp_path / "handover_signed.pdf"  # typed with keys: ASCII
        save_pdf(qtbot, inc, pdf_path)
        assert pdf_path.read_bytes().startswith(b"%PDF")
        doc = QPdfDocument()
        doc.load(str(pdf_path))
        assert doc.pageCount() >= 1
        text = "".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
        for words in ("西湖区社会治理综合指挥中心", "交接班报告", "交接签字",
                      "景区客流已回落", shift.duty_officer, incoming.duty_officer):  # fmt: skip
            assert words in text, words
        assert "草稿" not in text
        assert sim.proc.poll() is None  # the simulator wrote throughout
