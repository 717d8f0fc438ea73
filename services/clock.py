"""The console's clock: the periodic jobs of a center, run in their own process.

Overdue cases escalate (督办), the risk rules and the capacity watch raise alerts, and the
month's safety index is recomputed when its data changed, and the map's per-cell counters
move their 30-day window at CST midnight (services.store.rollup). Every job is idempotent and safe
to run from several consoles at once (version checks and unique alert keys), and its
results reach every wall through the change feed. The wall starts `console.py clock` as a
child process so that this Python work never competes with its GUI thread for the GIL.
When the database goes away the clock says so in one line, backs off (2 s doubling to 30 s)
and runs the job that failed again as soon as it answers (services.store.outage).

On PostgreSQL a deployment runs one clock for the whole database instead
(`console.py clock --all`, `lead`): each instance asks for a session advisory lock
(`pg_try_advisory_lock(DEPLOYMENT_LOCK_KEY)`) on a direct connection of its own; the one
that holds it runs the jobs, the others stand by and ask again every `retry_s` seconds.
The lock ends with its connection, so when the leader dies (even SIGKILL) the server
releases it and a standby takes over within about `retry_s`. The lock connection must be
direct, never through PgBouncer in transaction mode (it keeps no session state). Consoles
see the lock held (`deployment_clock_alive`) and start no clock child of their own.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, make_url, text

from services import incidents, risk
from services.dispatch import surge
from services.policies import Policies
from services.risk import safety_index
from services.store import models, outage, rollup
from services.store.db import close_quietly, connect_direct, session_factory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClockPlan:
    """How often each job runs, in seconds (None: not at all)."""

    escalate_every: float | None = 60.0
    rules_every: float | None = 30.0
    capacity_every: float | None = 15.0  # crowds build fast
    index_every: float | None = 300.0  # a monthly index: every 5 minutes is plenty
    grid_window_every: float | None = 60.0  # the map's per-cell counters move at CST midnight


def jobs(engine: Engine, region_code: str, policies: Policies) -> dict[str, Callable[[], None]]:
    """The center's jobs, by name, each a call that does one round."""
    factory = session_factory(engine)
    policy, risk_params, index_params = policies.incidents, policies.risk, policies.index

    def escalate() -> None:
        incidents.sweep_overdue(factory, region_code, policy=policy)

    def rules() -> None:
        risk.run_rules(engine, models.utcnow(), scope=region_code, params=risk_params)

    def capacity() -> None:
        surge.raise_alerts(engine, region_code, models.utcnow(), params=risk_params)

    def index() -> None:
        safety_index.recompute_if_changed(engine, now=models.utcnow(), params=index_params)

    def grid_window() -> None:
        with engine.begin() as conn:
            rollup.advance_grid_window(conn, rollup.grid_window_start_for(models.utcnow()))

    return {"escalate": escalate, "rules": rules, "capacity": capacity, "index": index,
            "grid_window": grid_window}  # fmt: skip


def run(
    engine: Engine,
    region_code: str,
    policies: Policies,
    stop: threading.Event,
    plan: ClockPlan = ClockPlan(),
    *,
    rounds: int | None = None,
    say: Callable[[str], None] | None = None,
    backoff: outage.Backoff | None = None,
) -> int:
    """Run the jobs on their schedules until `stop` is set (or `rounds` passes are done).
    A lost database is waited out with backoff, one line each try through `say` (default:
    a warning on this module's log); any other failure of a job is logged and the job
    tried again at its next turn. Returns the passes made."""
    every = {
        "escalate": plan.escalate_every,
        "rules": plan.rules_every,
        "capacity": plan.capacity_every,
        "index": plan.index_every,
        "grid_window": plan.grid_window_every,
    }
    tell = say or log.warning
    backoff = backoff or outage.Backoff()
    todo = jobs(engine, region_code, policies)
    last: dict[str, float] = {}
    passes = 0
    while not stop.is_set() and (rounds is None or passes < rounds):
        now = time.monotonic()
        for name, job in todo.items():
            period = every[name]
            if period is None or now - last.get(name, -1e9) < period:
                continue
            try:
                outage.retrying(job, engine=engine, say=tell, wait=stop.wait, backoff=backoff)
            except Exception:  # noqa: BLE001 - a bug or a lost race: this job's next turn
                log.exception("clock job %s failed; retrying at its next turn", name)
            if stop.is_set():
                break
            last[name] = time.monotonic()
        passes += 1
        if rounds is None or passes < rounds:
            stop.wait(1.0)
    return passes


# --------------------------------------------------------------------------- one clock per deployment

DEPLOYMENT_LOCK_KEY = 7_302_002
"""The session advisory lock the deployment's one clock holds (beside db.FEED_LOCK_KEY)."""

LEADER_APPLICATION = "sgcc-clock-leader"
"""application_name of the leader's lock connection (with its pid: `sgcc-clock-leader:1234`)."""

_HELD_SQL = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND classid = 0 AND objid = :key AND objsubid = 1"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
)


def deployment_clock_alive(engine: Engine) -> bool:
    """True when a `clock --all` holds the deployment lock on this database (PostgreSQL);
    always False on SQLite. A console asks before starting a clock child of its own."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return bool(conn.execute(_HELD_SQL, {"key": DEPLOYMENT_LOCK_KEY}).scalar())


class _LockConnection:
    """A direct psycopg connection (autocommit) that may hold the deployment lock."""

    def __init__(self, engine: Engine, url: str | None = None) -> None:
        self._engine = engine
        self._url = url
        self._conn: Any = None

    def try_lock(self) -> bool:
        import psycopg

        url = make_url(self._url) if self._url else self._engine.url
        try:
            if self._conn is None:
                self._conn = connect_direct(
                    url, application=f"{LEADER_APPLICATION}:{os.getpid()}", connect_timeout=5
                )
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (DEPLOYMENT_LOCK_KEY,)).fetchone()
            return bool(row and row[0])
        except psycopg.Error:
            self.close()
            return False

    def alive(self) -> bool:
        """The connection (and so the lock) still stands."""
        import psycopg

        try:
            self._conn.execute("SELECT 1")
            return True
        except (psycopg.Error, AttributeError):
            self.close()
            return False

    def close(self) -> None:
        close_quietly(self._conn)
        self._conn = None


def lead(
    engine: Engine,
    region_code: str,
    policies: Policies,
    stop: threading.Event,
    plan: ClockPlan = ClockPlan(),
    *,
    retry_s: float = 1.0,
    say: Callable[[str], None] | None = None,
    lock_url: str | None = None,
) -> None:
    """`clock --all`: stand by until this instance holds the deployment lock, then run the
    jobs over `region_code` (the root) until `stop`, or until the lock's connection is lost
    (then stand by again: another instance may lead meanwhile). `lock_url`: where the lock
    is held when `engine` goes through PgBouncer (the primary itself)."""
    tell = say or log.warning
    lock = _LockConnection(engine, lock_url)
    standing_by = False
    try:
        while not stop.is_set():
            if not lock.try_lock():
                if not standing_by:
                    tell("standing by: another clock leads this deployment")
                    standing_by = True
                stop.wait(retry_s)
                continue
            standing_by = False
            tell(f"leading this deployment's clock (pid {os.getpid()})")
            lost = threading.Event()
            jobs_stop = threading.Event()

            def watch(jobs_stop: threading.Event = jobs_stop, lost: threading.Event = lost) -> None:
                # The jobs stop when asked to, or when the lock's connection is gone.
                while not stop.is_set():
                    if not lock.alive():
                        lost.set()
                        break
                    stop.wait(min(retry_s, 0.5))
                jobs_stop.set()

            watcher = threading.Thread(target=watch, name="clock-lock", daemon=True)
            watcher.start()
            run(engine, region_code, policies, jobs_stop, plan, say=tell)
            watcher.join(retry_s + 5)
            if lost.is_set() and not stop.is_set():
                tell("lost the deployment lock: standing by")
                lock.close()
    finally:
        lock.close()
