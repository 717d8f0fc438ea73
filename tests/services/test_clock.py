"""The console's clock process: one pass escalates, raises alerts and computes the index."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from services import accounts, clock, incidents
from services.policies import Policies
from services.store import db, models

DEFAULTS = Policies.defaults()


def test_one_pass_runs_every_job(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    now = models.utcnow()
    with db.transaction(factory) as s:
        grid = s.scalars(select(models.GridCell).order_by(models.GridCell.id)).first()
        assert grid is not None
        actor = accounts.actor_for(s, f"{grid.township_code}.duty")
        iid = incidents.report(
            s, actor,
            incidents.NewIncident(category="dispute", description="久拖未决的纠纷",
                                  grid_id=grid.id, reported_at=now - timedelta(days=40)), policy=DEFAULTS.incidents,
        )  # fmt: skip
        place = s.scalars(select(models.Place).order_by(models.Place.id)).first()
        assert place is not None
        place.current_count, place.count_at = 2 * place.daily_capacity, now
        place_id = place.id
    passes = clock.run(demo_engine, "330000", Policies.defaults(), threading.Event(), rounds=1)
    assert passes == 1
    with Session(demo_engine) as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None and inc.escalations == 1
        assert [e.action for e in inc.events][-1] == "auto_escalate"
        alert = s.scalar(
            select(models.RiskAlert).where(models.RiskAlert.key == f"place_capacity:place:{place_id}")
        )
        assert alert is not None and alert.level == "red"
        assert s.scalar(select(func.count()).select_from(models.SafetyIndex)) > 0


def test_a_failing_job_does_not_stop_the_others(demo_engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("lost connection")

    monkeypatch.setattr(clock.incidents, "sweep_overdue", broken)
    clock.run(demo_engine, "330000", Policies.defaults(), threading.Event(), rounds=1)
    with Session(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(models.SafetyIndex)) > 0


HELD_LOCK_SCRIPT = """
import os, signal, threading
from services.cli.jobs import stop_on_sigterm
stop = threading.Event()
stop_on_sigterm(stop)
with stop._cond:  # where the main thread is when it waits: inside stop.wait()
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(10_000_000):  # the handler runs between these bytecodes
        pass
print("stopped" if stop.wait(30) else "still running")
"""


def test_sigterm_stops_the_clock_even_while_its_stop_event_is_locked() -> None:
    """A clock child that got SIGTERM inside `stop.wait()` hung for ever when its handler
    called `stop.set()` (the event's lock was its own); now a short thread sets it once
    the main thread lets go of the lock, and the clock stops."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", HELD_LOCK_SCRIPT], cwd=root, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert out.stdout.strip() == "stopped", out.stderr


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_a_clock_whose_wall_died_while_it_started_stops(demo_url: str) -> None:
    """A wall killed while its clock child was still starting left the child's "parent" as
    init from its first look, so the clock ran on for ever without a wall (two such
    clocks were found half an hour after their walls crashed). The wall now names itself
    in CONSOLE_CLOCK_PARENT; a clock whose named parent is not its parent stops."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from services.cli.jobs import CLOCK_PARENT_ENV

    root = Path(__file__).resolve().parents[2]
    dead_pid = 4_194_304 + 1  # above Linux's highest process id: no process has it
    env = {**os.environ, CLOCK_PARENT_ENV: str(dead_pid)}
    out = subprocess.run([sys.executable, "console.py", "--db", demo_url, "clock", "--center", "330106"],
                         cwd=root, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "the wall that started this clock is gone" in out.stderr
