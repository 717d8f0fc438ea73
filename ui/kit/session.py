"""Sign in and out of the console.

The wall starts read-only (the viewer of its region); `LoginDialog` checks an account and
password in an acting worker (`ActingWorker.login`: `accounts.authenticate`, Argon2, off
the GUI thread) and on success that worker acts as the account; the composition root
hands the account to every other worker. `AccountBar` is a small header widget: who is
signed in, and a 登录 / 退出 button.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.accounts import Actor
from ui.kit.refusal import Refusal, refusal_text
from ui.kit.worker import ActingWorker
from widgets.incident_labels import role_label
from widgets.incident_style import incident_stylesheet
from widgets.style_sheet import restyle
from widgets.translate import on_language_change


class LoginDialog(QDialog):
    """Account + password; `logged_in(actor)` and accept() on success."""

    logged_in = Signal(object)  # Actor

    def __init__(self, state: ActingWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.state = state
        self._waiting = False
        self.title = QLabel(self)
        self.title.setObjectName("incTitle")
        self.login = QLineEdit(self)
        self.login.setObjectName("login")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setObjectName("incMessage")
        self.message.setProperty("tone", "alarm")
        self.message.hide()
        self.submit = QPushButton(self)
        self.submit.setObjectName("submit")
        self.submit.setDefault(True)
        self.cancel = QPushButton(self)
        form = QFormLayout()
        self.captions: list[QLabel] = []
        for field in (self.login, self.password):
            label = QLabel(self)
            label.setObjectName("incCaption")
            self.captions.append(label)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        state.login_succeeded.connect(self._succeeded)
        state.login_failed.connect(self._failed)
        self.retranslate()
        on_language_change(self, self.retranslate)
        self.set_ui_scale(1.0)

    def retranslate(self) -> None:
        """Every text of the dialog in the current language."""
        self.setWindowTitle(self.tr("登录"))
        self.title.setText(self.tr("值班人员登录"))
        self.login.setPlaceholderText(self.tr("账号，如 330106001.duty"))
        self.submit.setText(self.tr("登录"))
        self.cancel.setText(self.tr("取消"))
        for label, caption in zip(self.captions, (self.tr("账号"), self.tr("密码")), strict=True):
            label.setText(caption)

    def set_ui_scale(self, scale: float) -> None:
        restyle(self, incident_stylesheet(scale))
        self.setMinimumWidth(round(420 * scale))

    def _submit(self) -> None:
        if self._waiting:
            return
        if not self.login.text().strip() or not self.password.text():
            self._show(self.tr("请输入账号和密码"))
            return
        self._waiting = True
        self.submit.setEnabled(False)
        self.message.hide()
        self.state.login(self.login.text().strip(), self.password.text())

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def _succeeded(self, actor: Actor) -> None:
        if not self._waiting:
            return
        self._waiting = False
        self.submit.setEnabled(True)
        self.password.clear()
        self.logged_in.emit(actor)
        self.accept()

    def _failed(self, refusal: Refusal) -> None:
        if not self._waiting:
            return
        self._waiting = False
        self.submit.setEnabled(True)
        self.password.clear()
        self._show(refusal_text(refusal.code, refusal.message))


class AccountBar(QWidget):
    """ "只读（未登录） [登录]" or "许强(330106001.duty) · 值班员 [退出]" for the header."""

    def __init__(self, state: ActingWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountBar")
        self.state = state
        self.who = QLabel(self)
        self.who.setObjectName("incValue")
        self.button = QPushButton(self)
        self.button.setObjectName("accountButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.who)
        layout.addWidget(self.button)
        self.dialog: LoginDialog | None = None
        self._actor: Actor | None = None
        self.button.clicked.connect(self._clicked)
        state.actor_changed.connect(self.set_actor)
        self.set_actor(state.actor())
        on_language_change(self, lambda: self.set_actor(self._actor))  # 登录/退出, the role
        self.set_ui_scale(1.0)

    def set_ui_scale(self, scale: float) -> None:
        restyle(self, incident_stylesheet(scale))
        if self.dialog is not None:
            self.dialog.set_ui_scale(scale)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        signed_in = actor is not None and actor.role != "viewer"
        if signed_in and actor is not None:
            # The name and role read across the room; the login is in the tooltip (the
            # header has no room for all three at 1080p in English).
            self.who.setText(f"{actor.name or actor.login} · {role_label(actor.role)}")
            self.who.setToolTip(f"{actor.label} · {role_label(actor.role)}")
            self.button.setText(self.tr("退出"))
        else:
            self.who.setText(self.tr("只读（未登录）"))
            self.who.setToolTip("")
            self.button.setText(self.tr("登录"))

    def _clicked(self) -> None:
        if self._actor is not None and self._actor.role != "viewer":
            self.state.logout()
            return
        if self.dialog is None:
            self.dialog = LoginDialog(self.state, self.window())
        self.dialog.show()
        self.dialog.raise_()
