"""Benchmark of the dispatch proposal (`dispatch.*` rows of `console.py bench`).

5,000 synthetic linkage units over one county (~40 × 40 km), every kind and level, a
tenth busy; the proposal asks for the 3 nearest available units of one kind and level
(or any kind) to an incident. Measured on a throw-away SQLite file and, when the server
answers, a throw-away PostgreSQL database.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, text

from services import dispatch
from services.accounts import Actor
from services.policies import Policies
from services.store import db, models
from tests.bench.table import BenchRow

DEFAULTS = Policies.defaults()


UNITS = 5_000
TARGET_MS = 20.0
COUNTY = "990101"


def build(engine: Engine, units: int = UNITS, seed: int = 5) -> tuple[Actor, int]:
    """A county with 20 townships, `units` units and one open incident; the county's
    duty officer and the incident id."""
    db.upgrade(engine)
    rng = random.Random(seed)
    lon0, lat0 = 120.0, 30.0
    with db.transaction(db.session_factory(engine)) as s:
        path = "/"
        parent = None
        ids: dict[str, int] = {}
        for code, level in (("990000", "province"), ("990100", "city"), (COUNTY, "county")):
            path = f"{path}{code}/"
            r = models.Region(adcode=code, name=code, level=level, parent_id=parent, path=path)
            s.add(r)
            s.flush()
            ids[code] = parent = r.id
        towns = []
        for k in range(20):
            code = f"{COUNTY}{k:03d}"
            r = models.Region(adcode=code, name=f"镇{k}", level="township",
                              parent_id=ids[COUNTY], path=f"{path}{code}/")  # fmt: skip
            s.add(r)
            s.flush()
            towns.append(r.id)
        center = models.CommandCenter(region_id=ids[COUNTY], name="县中心", level="county")
        s.add(center)
        s.flush()
        now = models.utcnow()
        rows = []
        for k in range(units):
            lon = lon0 + rng.uniform(0, 0.4)
            lat = lat0 + rng.uniform(0, 0.36)
            rows.append({
                "name": f"单位{k}", "kind": dispatch.UNIT_KINDS[k % len(dispatch.UNIT_KINDS)],
                "response_level": 1 + k % 3,
                "status": "available" if rng.random() > 0.1 else "en_route",
                "status_since": now, "region_id": rng.choice(towns), "county_code": COUNTY,
                "home_lon": lon, "home_lat": lat, "lon": lon, "lat": lat, "version": 1,
            })  # fmt: skip
        s.execute(insert(models.Resource), rows)
        inc = models.Incident(
            category="public_order", source_channel="hotline", priority=2, status="accepted",
            is_open=True, province_code="990000", city_code="990100", county_code=COUNTY,
            township_code=f"{COUNTY}000", lon=lon0 + 0.2, lat=lat0 + 0.18, reported_at=now,
        )  # fmt: skip
        s.add(inc)
        s.flush()
        incident_id = inc.id
        center_id = center.id
    actor = Actor(login="bench", name="", role="duty_officer", center_id=center_id,
                  region_id=ids[COUNTY], region_code=COUNTY, region_level="county",
                  region_path=path)  # fmt: skip
    return actor, incident_id


def measure(engine: Engine, repeat: int = 200) -> tuple[float, float, float]:
    """(p50, p95, max) milliseconds of `dispatch.propose` over `repeat` calls."""
    actor, iid = build(engine)
    factory = db.session_factory(engine)
    asks = [(("emergency",), 2), (("police", "fire"), 1), ((), None)]
    samples = []
    with factory() as s:
        dispatch.propose(s, actor, iid, ["police"], 1, 3, policy=DEFAULTS.dispatch)  # warm
        for k in range(repeat):
            kinds, level = asks[k % len(asks)]
            t0 = time.perf_counter()
            dispatch.propose(s, actor, iid, kinds, level, 3, policy=DEFAULTS.dispatch)
            samples.append((time.perf_counter() - t0) * 1000)
            s.rollback()  # each proposal in its own read, like a console's
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], samples[-1]


def run() -> list[BenchRow]:
    """The `dispatch.*` bench rows (SQLite always, PostgreSQL when reachable)."""
    from tests.bench.db_bench import pg_database

    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as tmp:
        eng = db.make_engine(f"sqlite:///{Path(tmp) / 'dispatch.db'}")
        rows += _rows(eng, "sqlite")
        eng.dispose()
    url = pg_database("console_bench_dispatch")
    if url is not None:
        eng = db.make_engine(url)
        rows += _rows(eng, "postgresql")
        eng.dispose()
        from sqlalchemy import create_engine

        from tests.bench.db_bench import PG_ADMIN

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "console_bench_dispatch" WITH (FORCE)'))
        admin.dispose()
    return rows


def _rows(engine: Engine, backend: str) -> list[BenchRow]:
    p50, p95, worst = measure(engine)
    note = f"nearest 3 available of a kind and level, n=200; max {worst:.1f} ms"
    return [
        BenchRow(f"dispatch.propose_p50.{backend}", p50, "ms", TARGET_MS,
                 note=f"5,000 units; {note}"),
        BenchRow(f"dispatch.propose_p95.{backend}", p95, "ms", TARGET_MS,
                 note=f"5,000 units; {note}"),
    ]  # fmt: skip


if __name__ == "__main__":
    from tests.bench.table import format_table

    print(format_table(run()))
