"""Kiosk mode (console.py --kiosk): a wall that only an officer on duty can take down.

The window is full screen and frameless; closing it (Alt+F4, the window manager, Ctrl+Q)
asks for an account and password (`LoginDialog`, checked off the GUI thread); only an
account `accounts.may_exit_kiosk` accepts closes it. SIGTERM from the service manager still
ends the wall (`release()`), so systemd can stop and restart it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

from services.accounts import Actor
from ui.kit.session import LoginDialog
from ui.kit.worker import ActingWorker


class KioskGuard(QObject):
    """Refuses the window's close until an allowed account confirms it."""

    def __init__(
        self,
        window: QWidget,
        state: ActingWorker,
        may_exit: Callable[[Actor], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self.window = window
        self.state = state
        self.may_exit = may_exit
        self.released = False
        self.dialog: LoginDialog | None = None
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.installEventFilter(self)

    def release(self) -> None:
        """Let the next close through (the service manager's stop)."""
        self.released = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.window and event.type() == QEvent.Type.Close and not self.released:
            event.ignore()
            self.ask()
            return True
        return super().eventFilter(watched, event)

    def ask(self, notice: str = "") -> None:
        """Open (or raise) the confirmation: an officer's account and password."""
        if self.dialog is None:
            dialog = LoginDialog(self.state, self.window)
            dialog.setObjectName("kioskExit")
            dialog.title.setText(self.tr("退出大屏：请值班员确认"))
            dialog.logged_in.connect(self._confirmed)
            dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
            self.dialog = dialog
        if notice:
            self.dialog.message.setText(notice)
            self.dialog.message.show()
        self.dialog.show()
        self.dialog.raise_()

    def _confirmed(self, actor: Actor) -> None:
        if self.may_exit(actor):
            self.released = True
            self.window.close()
            return
        # Signed in, but not an officer of this wall: ask again once this dialog has closed.
        QTimer.singleShot(0, lambda: self.ask(self.tr("此账号不能退出大屏（需本中心值班员或领导）")))
