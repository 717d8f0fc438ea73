"""The simulator writes every kind of traffic; the surge scenario overloads the scenic spot."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, event, func, select

from services.demo.simulator import Simulator
from services.store import db, models


def test_simulator_writes_reports_progress_and_movements(demo_engine: Engine) -> None:
    sim = Simulator(demo_engine, seed=1)
    kinds = Counter(sim.step().split(":")[0] for _ in range(200))
    assert kinds["report"] > 60 and kinds["progress"] > 20 and kinds["move"] > 5
    with demo_engine.connect() as conn:
        channels = set(
            conn.execute(
                select(models.Incident.source_channel).where(models.Incident.reporter == "simulator")
            ).scalars()
        )
    assert {"field_app", "hotline"} <= channels


def test_surge_drives_visitors_past_capacity_and_clusters_reports(demo_engine: Engine) -> None:
    sim = Simulator(demo_engine, seed=2, scenario="surge", surge_seconds=0.001)
    for _ in range(300):
        sim.step()
    with demo_engine.connect() as conn:
        place = conn.execute(select(models.Place).order_by(models.Place.id).limit(1)).one()
        at_spot = conn.execute(
            select(func.count()).where(
                models.Incident.reporter == "simulator", models.Incident.grid_id == place.grid_id
            )
        ).scalar_one()
        total = conn.execute(
            select(func.count()).where(models.Incident.reporter == "simulator")
        ).scalar_one()
    assert place.current_count >= 2 * place.daily_capacity
    assert at_spot / total > 0.4  # reports cluster at the scenic spot


def test_simulator_survives_a_busy_database(tmp_path: Path, demo_template: Path) -> None:
    """Another writer holds SQLite's write lock past busy_timeout: the simulator waits and
    goes on when it is free, it never dies."""
    path = tmp_path / "busy.db"
    shutil.copy(demo_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=50"))
    sim = Simulator(engine, seed=3, rules_every=0, field_every=0)
    blocker = sqlite3.connect(path, isolation_level=None, timeout=10)
    blocker.execute("BEGIN IMMEDIATE")  # an import holding the lock
    done = threading.Event()
    errors: list[BaseException] = []

    def simulate() -> None:
        try:
            while not done.is_set():
                sim.step_or_wait(backoff=0.01)
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    t = threading.Thread(target=simulate)
    t.start()
    deadline = time.monotonic() + 30
    while sim.retries < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    written_while_busy = sim.written
    blocker.execute("ROLLBACK")
    while sim.written < written_while_busy + 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    done.set()
    t.join(timeout=30)
    blocker.close()
    engine.dispose()
    assert not errors
    assert sim.retries >= 3 and "locked" in sim.last_error
    assert sim.written >= written_while_busy + 5
