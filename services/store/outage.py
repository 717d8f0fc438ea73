"""Riding out a database that goes away: tell a lost database from a bug, back off, resume.

Long-running writers (the simulator, the clock) call `retrying(...)` around one unit of
work. While the database is unavailable they say so in one line ("database unavailable,
retrying in 2 s: <reason>"), wait with exponential backoff (2 s doubling to 30 s), drop the
engine's dead connections and try the same unit again; what they acknowledged before was
committed, and a unit counts only once it has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

T = TypeVar("T")

# SQLSTATE classes that mean "the server is not there or not taking work" (PostgreSQL):
# 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
# cannot connect now), 58 system error. Others (a constraint, a lost race) are not outages.
OUTAGE_CLASSES = ("08", "53", "57", "58")


def unavailable_reason(exc: BaseException) -> str | None:
    """One line saying why the database is unavailable, or None if `exc` is something else."""
    if isinstance(exc, PoolTimeout):
        return "no free connection in the pool"
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    lost = exc.connection_invalidated or isinstance(exc, InterfaceError)
    if isinstance(exc, OperationalError) and (state is None or str(state)[:2] in OUTAGE_CLASSES):
        lost = True  # SQLite's "database is locked" / "unable to open" too
    if not lost:
        return None
    text = str(orig if orig is not None else exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0].strip()


class Backoff:
    """Delays of 2, 4, 8, 16 and then 30 s (by default); `reset()` after a success."""

    def __init__(self, first: float = 2.0, cap: float = 30.0) -> None:
        self.first, self.cap = first, cap
        self._next = first

    def next(self) -> float:
        delay = self._next
        self._next = min(self.cap, self._next * 2)
        return delay

    def reset(self) -> None:
        self._next = self.first

    @property
    def failing(self) -> bool:
        return self._next != self.first


class _SameFailureTwice(logging.Filter):
    """psycopg's "error ignored terminating <Pipeline>" warning: logged when leaving a
    pipeline fails while the block's own error already propagates, i.e. the lost server a
    second time. That error reaches `retrying`, which says it in its one line; the warning
    came out beside it as a second, raw line (seen when the server stopped mid-write)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("error ignored terminating")


_SAME_FAILURE_TWICE = _SameFailureTwice()


def _seconds(delay: float) -> str:
    return f"{delay:g} s"


def retrying(
    work: Callable[[], T],
    *,
    engine: Engine,
    say: Callable[[str], None],
    wait: Callable[[float], bool],
    backoff: Backoff | None = None,
) -> T | None:
    """Run `work` until it succeeds, riding out database outages (other errors propagate).
    `say` gets one line per failed try and one when the database is back; `wait(seconds)`
    sleeps and returns True to give up (a stop was asked for), and then None is returned."""
    backoff = backoff or Backoff()
    logging.getLogger("psycopg").addFilter(_SAME_FAILURE_TWICE)  # added once, however often
    while True:
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - sorted right below: outages are retried
            reason = unavailable_reason(exc)
            if reason is None:
                raise
            delay = backoff.next()
            say(f"database unavailable, retrying in {_seconds(delay)}: {reason}")
            engine.dispose()  # its pooled connections are dead; new ones after the wait
            if wait(delay):
                return None
            continue
        if backoff.failing:
            say("database available again: resuming")
            backoff.reset()
        return result
