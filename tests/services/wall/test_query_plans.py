"""A large wall's re-read goes through the indexes made for it (SQLite's plans).

Without them a province wall's map walked every incident of the province to find the open
ones, and its 30-day counters were looked up row by row (migration 0013)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event

from services.wall import cell_metric, wall_snapshot

WALLS = [("330000", "province", "city"), ("330100", "city", "county"),
         ("330106", "county", "township")]  # fmt: skip


def _plans(engine: Engine, read: object) -> Iterator[tuple[str, str]]:
    """(statement, its plan) for every statement `read()` sends."""
    sent: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        read()  # type: ignore[operator]
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    raw = engine.raw_connection()
    try:
        for statement, parameters in sent:
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            yield " ".join(statement.split()), " | ".join(str(r[3]) for r in rows)
    finally:
        raw.close()


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("code", "level", "child"), WALLS)
def test_the_open_cells_read_only_the_open_incidents(demo_engine: Engine, code: str, level: str, child: str) -> None:
    for metric in ("open", "overdue"):
        plans = [p for s, p in _plans(demo_engine, lambda m=metric: cell_metric(demo_engine, code, m))
                 if "FROM incident" in s]  # fmt: skip
        assert plans and all(f"ix_incident_open_{level}_grid" in p for p in plans), plans


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("code", "level", "child"), WALLS)
def test_the_30_day_counters_are_summed_from_one_covering_index(demo_engine: Engine, code: str, level: str, child: str) -> None:
    plans = [p for s, p in _plans(demo_engine, lambda: wall_snapshot(demo_engine, code))
             if "FROM incident_daily" in s]  # fmt: skip
    assert plans == [f"SEARCH incident_daily USING COVERING INDEX ix_incident_daily_{level}_{child} ({level}_code=?)"]
