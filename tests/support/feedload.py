"""Load for the change-feed contention test and bench: a big import file and a steady writer.

* `write_import_file(engine, path, n)`: an `import incidents` CSV of `n` rows spread over the
  database's own grid cells (the test demo's codes), all new external ids.
* `python -m tests.support.feedload writer URL STOP_FILE OUT_JSON [PERIOD]`: an officer's
  console writing beside the import: every PERIOD seconds (default 0.05) it files a report
  (`incidents.report_in`) or takes the next action on one of its own cases
  (`incidents.perform`), and times each. It stops when STOP_FILE exists and writes its
  timings to OUT_JSON. A busy database (SQLite "database is locked") is retried, and the
  time spent retrying counts as waiting.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from services.policies import Policies
from services.store import models

POLICY = Policies.defaults().incidents

CATEGORIES = ("dispute", "safety_hazard", "public_order", "environment", "traffic")


def write_import_file(engine: Engine, path: Path, n: int, prefix: str = "IMP") -> int:
    """Write an `import incidents` CSV of `n` rows on the database's grid cells."""
    with engine.connect() as conn:
        codes = [c for (c,) in conn.execute(select(models.GridCell.code).order_by(models.GridCell.id))]
    assert codes, "no grid cells"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["external_id", "category", "description", "grid_code", "priority",
                    "reported_at", "reporter"])  # fmt: skip
        for k in range(n):
            w.writerow([
                f"{prefix}-{k}", CATEGORIES[k % len(CATEGORIES)], f"导入事件{k}",
                codes[(k * 7919) % len(codes)], 1 + k % 4,
                f"2026-11-{1 + k % 28:02d}T{k % 24:02d}:{k % 60:02d}:00", "外部系统",
            ])  # fmt: skip
    return n


def counters_and_recount(engine: Engine) -> tuple[dict[Any, dict[str, int]], dict[Any, dict[str, int]]]:
    """The daily counters as stored, and as a recount of the incidents makes them."""
    from services.store import rollup

    i, d = models.Incident, models.IncidentDaily
    with engine.connect() as conn:
        rows = conn.execute(select(i.province_code, i.city_code, i.county_code, i.township_code,
                                   i.reported_at, i.resolved_at, i.settled_level)).mappings().all()  # fmt: skip
        want = {(r["township_code"], r["day"]): {f: r[f] for f in rollup.FIELDS}
                for r in rollup.bulk_rows(rows)}  # fmt: skip
        have = {(r.township_code, r.day): {f: getattr(r, f) for f in rollup.FIELDS}
                for r in conn.execute(select(d))}  # fmt: skip
    return {k: v for k, v in have.items() if any(v.values())}, want


NEXT = {"reported": "accept", "accepted": "start", "in_progress": "resolve"}


def _writer(url: str, stop_file: Path, out: Path, period: float) -> None:
    import os

    from sqlalchemy.exc import OperationalError

    try:  # the officer's console comes first: measure waits on locks, not for a busy CPU
        os.setpriority(os.PRIO_PROCESS, 0, -10)
    except OSError:
        pass

    from services import accounts, incidents
    from services.errors import Refused
    from services.store import db

    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    with factory() as s:
        grid = s.scalars(select(models.GridCell).order_by(models.GridCell.id)).first()
        assert grid is not None
        actor = accounts.actor_for(s, f"{grid.township_code}.duty")
    grid_id = grid.id
    mine: dict[int, tuple[int, str]] = {}  # incident id -> (version, status)
    ops: list[dict[str, Any]] = []
    started = time.monotonic()
    k = 0
    while not stop_file.exists() and time.monotonic() - started < 3600:
        t0, wall0 = time.monotonic(), time.time()
        retries = 0
        while True:
            try:
                if mine and k % 2:
                    inc_id, (version, status) = next(iter(mine.items()))
                    kind = NEXT[status]
                    d = incidents.perform(factory, actor, inc_id, version, kind, note="writer",
                                        policy=POLICY)
                    if d.row.status in NEXT:
                        mine[inc_id] = (d.row.version, d.row.status)
                    else:
                        del mine[inc_id]
                else:
                    kind = "report"
                    new = incidents.NewIncident(category="dispute", description=f"writer {k}",
                                                grid_id=grid_id)  # fmt: skip
                    inc_id = incidents.report_in(factory, actor, new, policy=POLICY)
                    mine[inc_id] = (1, "reported")
                break
            except OperationalError as exc:  # busy: try again, the wait counts
                retries += 1
                if "locked" not in str(exc) or time.monotonic() - t0 > 900:
                    raise
                time.sleep(0.01)
            except Refused as exc:
                ops.append({"t": t0 - started, "kind": "refused", "error": exc.message})
                mine.clear()
                break
        ops.append({"t": t0 - started, "wall": wall0, "kind": kind,
                    "seconds": time.monotonic() - t0, "retries": retries})  # fmt: skip
        k += 1
        delay = t0 + period - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # pacing a load generator, not waiting on a condition
    out.write_text(json.dumps(ops), encoding="utf-8")
    engine.dispose()


def main(argv: list[str]) -> int:
    if len(argv) >= 4 and argv[0] == "writer":
        period = float(argv[4]) if len(argv) > 4 else 0.05
        _writer(argv[1], Path(argv[2]), Path(argv[3]), period)
        return 0
    print(__doc__, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
