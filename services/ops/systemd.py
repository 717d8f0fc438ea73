"""systemd's notify protocol (sd_notify(3)) without libsystemd: one datagram per message.

The wall's unit (resources/systemd/sgcc-wall.service) is `Type=notify` with `WatchdogSec=`:
the wall says READY=1 once its first snapshot is on screen and WATCHDOG=1 from a timer on
its GUI thread, so a frozen GUI thread stops the heartbeats and systemd restarts the wall
(`Restart=always`). Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
"""

from __future__ import annotations

import os
import socket


def _address() -> str | None:
    path = os.environ.get("NOTIFY_SOCKET", "")
    if not path:
        return None
    return "\0" + path[1:] if path.startswith("@") else path  # "@": the abstract namespace


def notify(message: str) -> bool:
    """Send `message` (e.g. "READY=1", "WATCHDOG=1", "STATUS=...") to the service manager;
    False when there is none or it cannot be reached (never raises)."""
    address = _address()
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
        return True
    except OSError:
        return False


def watchdog_seconds() -> float | None:
    """The watchdog period systemd expects heartbeats within (WATCHDOG_USEC), if it is for
    this process (WATCHDOG_PID unset or ours); None when no watchdog is set."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) <= 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 1_000_000
