"""The console's clock: the periodic jobs of a center, run in their own process.

Overdue cases escalate (督办), the risk rules and the capacity watch raise alerts, and the
month's safety index is recomputed when its data changed. Every job is idempotent and safe
to run from several consoles at once (version checks and unique alert keys), and its
results reach every wall through the change feed. The wall starts `console.py clock` as a
child process so that this Python work never competes with its GUI thread for the GIL.
When the database goes away the clock says so in one line, backs off (2 s doubling to 30 s)
and runs the job that failed again as soon as it answers (services.store.outage).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from services import incidents, risk
from services.dispatch import surge
from services.policies import Policies
from services.risk import safety_index
from services.store import models, outage
from services.store.db import session_factory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClockPlan:
    """How often each job runs, in seconds (None: not at all)."""

    escalate_every: float | None = 60.0
    rules_every: float | None = 30.0
    capacity_every: float | None = 15.0  # crowds build fast
    index_every: float | None = 300.0  # a monthly index: every 5 minutes is plenty


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

    return {"escalate": escalate, "rules": rules, "capacity": capacity, "index": index}


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
