"""An unattended wall: heartbeats stop when the GUI thread freezes, a kiosk closes only for
an officer of its center, a dead clock child is started again and a stuck one is killed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from services.accounts import Actor, may_exit_kiosk
from ui import app as console_app
from ui.kit.heartbeat import Heartbeat
from ui.kit.kiosk import KioskGuard


def _actor(role: str, center_id: int | None) -> Actor:
    return Actor(login=f"x.{role}", name="许强", role=role, center_id=center_id, region_id=1,
                 region_code="330106", region_level="county", region_path="/33/3301/330106/")  # fmt: skip


def test_only_an_officer_of_the_walls_center_may_take_it_down() -> None:
    assert may_exit_kiosk(_actor("duty_officer", 7), 7)
    assert may_exit_kiosk(_actor("leader", 7), 7)
    assert not may_exit_kiosk(_actor("duty_officer", 8), 7)  # another center's officer
    assert not may_exit_kiosk(_actor("viewer", 7), 7)
    assert not may_exit_kiosk(_actor("operator", 7), 7)


def test_heartbeats_stop_while_the_gui_thread_is_frozen(qtbot: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    arrived: list[float] = []
    done = threading.Event()

    def receive() -> None:
        while not done.is_set():
            try:
                if sock.recv(64) == b"WATCHDOG=1":
                    arrived.append(time.monotonic())
            except TimeoutError:
                continue

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    owner = QWidget()
    qtbot.addWidget(owner)
    beat = Heartbeat(owner, period=0.2)  # a beat every 100 ms
    assert beat.active
    qtbot.waitUntil(lambda: len(arrived) >= 3, timeout=5000)
    frozen_at = time.monotonic()
    time.sleep(0.8)  # the GUI thread is stuck (a blocking call on it): no beat may go out
    thawed_at = time.monotonic()
    before = len(arrived)
    qtbot.waitUntil(lambda: len(arrived) >= before + 2, timeout=5000)  # beats resume
    done.set()
    reader.join(2)
    sock.close()
    during = [t for t in arrived if frozen_at + 0.05 < t < thawed_at]
    assert during == []


class _FakeLogin(QObject):
    """The acting worker's login signals; who signs in is what the test decides."""

    login_succeeded = Signal(object)
    login_failed = Signal(object)

    def __init__(self, who: Actor) -> None:
        super().__init__()
        self.who = who

    def login(self, _login: str, _password: str) -> None:
        self.login_succeeded.emit(self.who)


@pytest.mark.parametrize(("role", "closes"), [("duty_officer", True), ("viewer", False)])
def test_a_kiosk_wall_closes_only_after_an_officer_confirms(qtbot: Any, role: str,
                                                           closes: bool) -> None:  # fmt: skip
    window = QWidget()
    qtbot.addWidget(window)
    state = _FakeLogin(_actor(role, 7))
    guard = KioskGuard(window, state, lambda a: may_exit_kiosk(a, 7))  # type: ignore[arg-type]
    window.show()
    qtbot.waitExposed(window)
    window.close()  # Alt+F4, the window manager's close
    assert window.isVisible()
    assert guard.dialog is not None and guard.dialog.isVisible()
    dialog = guard.dialog
    qtbot.keyClicks(dialog.login, "330106.duty")
    qtbot.keyClicks(dialog.password, "demo")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    if closes:
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    else:
        qtbot.waitUntil(lambda: guard.dialog is not None and guard.dialog.isVisible()
                        and guard.dialog.message.isVisible(), timeout=3000)  # fmt: skip
        assert window.isVisible()
        assert "不能退出" in guard.dialog.message.text()
        guard.release()  # the service manager's stop still ends it
        window.close()
        assert not window.isVisible()


def _clock_stub(*, ignore_term: bool) -> list[str]:
    code = "import signal, time\n"
    if ignore_term:
        code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    code += "print('up', flush=True)\ntime.sleep(120)\n"
    return [sys.executable, "-c", code]


def test_a_clock_child_that_ignores_sigterm_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console_app, "CLOCK_STOP_SECONDS", 0.5)
    proc = subprocess.Popen(_clock_stub(ignore_term=True), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "up\n"  # SIGTERM now ignored
    console = SimpleNamespace(_clock_watch=None, clock_process=proc)
    console_app.Console.stop_clock(console)  # type: ignore[arg-type]
    assert proc.returncode == -signal.SIGKILL
    assert console.clock_process is None


def test_a_clock_child_that_died_is_started_again() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    dead.wait(30)
    console = SimpleNamespace(clock_process=dead, clock_restarts=0,
                              _clock_argv=_clock_stub(ignore_term=False))  # fmt: skip
    console_app.Console._keep_clock(console)  # type: ignore[arg-type]
    try:
        assert console.clock_restarts == 1
        assert console.clock_process is not dead and console.clock_process.poll() is None
        console_app.Console._keep_clock(console)  # type: ignore[arg-type]
        assert console.clock_restarts == 1  # a running clock is left alone
    finally:
        console.clock_process.kill()
        console.clock_process.wait()
