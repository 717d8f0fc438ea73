"""The notify protocol reaches a real datagram socket; the shipped unit supervises the wall."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.ops import systemd

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A stand-in service manager: the socket systemd would pass in NOTIFY_SOCKET."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


def test_messages_arrive_at_the_managers_socket(manager: socket.socket) -> None:
    assert systemd.notify("READY=1\nSTATUS=wall on screen")
    assert manager.recv(4096) == b"READY=1\nSTATUS=wall on screen"


def test_without_a_manager_nothing_is_sent_and_nothing_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not systemd.notify("WATCHDOG=1")
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))  # a manager that went away
    assert not systemd.notify("WATCHDOG=1")


def test_the_watchdog_period_is_for_this_process_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    assert systemd.watchdog_seconds() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", "1")  # meant for another process
    assert systemd.watchdog_seconds() is None
    monkeypatch.setenv("WATCHDOG_USEC", "zero")
    monkeypatch.delenv("WATCHDOG_PID")
    assert systemd.watchdog_seconds() is None


def test_the_shipped_unit_restarts_a_wall_whose_heartbeat_stops() -> None:
    unit = (ROOT / "resources/systemd/sgcc-wall.service").read_text(encoding="utf-8")
    keys = dict(line.split("=", 1) for line in unit.splitlines()
                if "=" in line and not line.startswith("#"))  # fmt: skip
    assert keys["Type"] == "notify"
    assert int(keys["WatchdogSec"]) > 0
    assert keys["Restart"] == "always"
    assert "--kiosk" in keys["ExecStart"].split()
