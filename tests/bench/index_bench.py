"""Benchmarks of the safety index and the risk rules (`index.*`, `risk.*` rows of
`console.py bench`), on the demo province built for the purpose on SQLite and PostgreSQL.

Nothing here is a test: targets are compared, not asserted.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine

from services import risk
from services import wall as wall_queries
from services.policies import Policies
from services.risk import safety_index
from services.store import db, models
from tests.bench import db_bench as perf
from tests.bench.table import BenchRow

DEFAULTS = Policies.defaults()


def _median(fn: object, repeat: int) -> float:
    assert callable(fn)
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2]


def measure(engine: Engine, backend: str, repeat: int = 3) -> list[BenchRow]:
    """Rows for one database holding a demo."""
    now = models.utcnow()
    month = safety_index.month_of(now)
    with engine.connect() as conn:
        regions = len(conn.execute(
            models.Region.__table__.select().where(
                models.Region.level.in_(safety_index.INDEX_LEVELS))
        ).all())  # fmt: skip
    compute = _median(lambda: safety_index.compute_month(engine, month, now=now, params=DEFAULTS.index), repeat)
    root = wall_queries.root_region_code(engine)
    ranking = _median(lambda: safety_index.ranking(engine, root, month), repeat)
    unchanged = _median(lambda: safety_index.recompute_if_changed(engine, (month,), now=now, params=DEFAULTS.index), repeat)
    risk.run_rules(engine, now, params=DEFAULTS.risk)  # the first run raises what the history holds
    rules = _median(lambda: risk.run_rules(engine, now, params=DEFAULTS.risk), repeat)
    alerts = _median(lambda: risk.open_alerts(engine, root, params=risk.RiskParams()), repeat)
    return [
        BenchRow(f"index.compute_month.{backend}", compute * 1000, "ms", 3000,
                 note=f"every region at every level ({regions}), one month, province"),
        BenchRow(f"index.ranking.{backend}", ranking * 1000, "ms", 100,
                 note="province: its cities with last month"),
        BenchRow(f"index.recompute_unchanged.{backend}", unchanged * 1000, "ms", 50,
                 note="recompute_if_changed when nothing changed"),
        BenchRow(f"risk.run_rules.{backend}", rules * 1000, "ms", 1000,
                 note="all rules, whole province, nothing new to raise"),
        BenchRow(f"risk.open_alerts.{backend}", alerts * 1000, "ms", 100,
                 note="province alert list"),
    ]  # fmt: skip


def run(grids: int = 109_000, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[BenchRow]:
    """Build the demo at `grids` cells on each backend and measure."""
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = []
        if "sqlite" in backends:
            url = f"sqlite:///{Path(tmp) / 'index_bench.db'}"
            perf.build(url, grids)
            targets.append(("sqlite", url))
        if "postgresql" in backends:
            pg = perf.pg_database("console_index_bench")
            if pg is not None:
                perf.build(pg, grids)
                targets.append(("postgresql", pg))
        for backend, url in targets:
            engine = db.make_engine(url)
            rows.extend(measure(engine, backend))
            engine.dispose()
    return rows


if __name__ == "__main__":
    import sys

    from tests.bench.table import format_table

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 109_000
    print(format_table(run(n)))
