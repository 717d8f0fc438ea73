"""The simulator writes every kind of traffic; the surge scenario overloads the scenic spot."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, func, select

from services.demo.simulator import Simulator
from services.store import models


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
