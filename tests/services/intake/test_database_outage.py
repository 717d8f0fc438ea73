"""The database goes away in the middle of a report: the caller gets a 503 problem, nothing
is half-written, and the service files reports again once the database is back. On a
PostgreSQL cluster of the test's own (tests/support/pgcluster.py), stopped hard."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from services import demo
from services.store import db
from tests.support.fixtures import make_pg_cluster, pg_binaries  # noqa: F401 - fixtures
from tests.support.intake import (
    IntakeServer,
    counters_match_recount,
    grid_of,
    make_key,
    scalar,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# Test-only: a report whose external id is 'slow' waits inside its transaction, after the
# incident, its event, audit row, counters and change rows are flushed and before commit.
SLOW_TRIGGER = """
CREATE FUNCTION test_slow_intake() RETURNS trigger AS $$
BEGIN
    IF NEW.external_id = 'slow' THEN PERFORM pg_sleep(30); END IF;
    RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER test_slow_intake BEFORE INSERT ON incident_intake
    FOR EACH ROW EXECUTE FUNCTION test_slow_intake();
"""


def test_database_lost_mid_request_is_503_and_nothing_half_written(
    make_pg_cluster: Any, tmp_path: Path  # noqa: F811 - the fixture
) -> None:
    cluster = make_pg_cluster(standbys=0)
    cluster.create_database("intake", wait_standbys=False)
    url = cluster.url(cluster.primary, "intake")
    engine = db.make_engine(url)
    db.upgrade(engine)
    demo.build_demo(engine, demo.DemoOptions(grids=1500, seed=5))
    with engine.begin() as conn:
        conn.execute(text(SLOW_TRIGGER))
    town = scalar(engine, "SELECT township_code FROM grid_cell WHERE county_code = '330106' LIMIT 1")
    code, _, _ = grid_of(engine, town)
    token = make_key(engine, "hotline", "330106", ["hotline"])
    before = scalar(engine, "SELECT count(*) FROM incident")
    feed_before = scalar(engine, "SELECT count(*) FROM change_log")
    engine.dispose()

    def report(ext: str) -> httpx.Response:
        with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {token}"},
                          timeout=60) as c:  # fmt: skip
            return c.post("/api/v1/incidents", json={
                "channel": "hotline", "category": "fire", "description": f"测试 {ext}",
                "grid_code": code, "external_id": ext})  # fmt: skip

    with IntakeServer(url, tmp_path / "data") as server:
        assert report("before").status_code == 201
        answer: dict[str, httpx.Response] = {}
        sender = threading.Thread(target=lambda: answer.setdefault("slow", report("slow")))
        sender.start()
        probe = db.make_engine(url)
        wait_until(lambda: scalar(probe, "SELECT count(*) FROM pg_stat_activity "
                                  "WHERE query LIKE '%%incident_intake%%' AND wait_event = 'PgSleep'"),
                   what="the slow report waiting inside its transaction")  # fmt: skip
        probe.dispose()
        t0 = time.monotonic()
        cluster.stop(cluster.primary, "immediate")
        sender.join(60)
        slow = answer["slow"]
        assert slow.status_code == 503, slow.text
        body = slow.json()
        assert body["code"] == "database_unavailable" and body["status"] == 503
        assert "Traceback" not in slow.text and slow.headers["retry-after"]
        assert time.monotonic() - t0 < 30
        down = report("while-down")
        assert down.status_code == 503 and down.json()["code"] == "database_unavailable"

        cluster.start(cluster.primary)
        again = wait_until(lambda: (r := report("after")).status_code == 201 and r, timeout=30,
                           what="reports accepted again")  # fmt: skip
        assert again.json()["created"] is True

    engine = db.make_engine(url)
    try:
        assert scalar(engine, "SELECT count(*) FROM incident") == before + 2  # before, after
        assert scalar(engine, "SELECT count(*) FROM incident WHERE description IN ('测试 slow', '测试 while-down')") == 0
        assert scalar(engine, "SELECT count(*) FROM incident_intake WHERE external_id IN ('slow', 'while-down')") == 0
        assert scalar(engine, "SELECT count(*) FROM audit_log WHERE actor = 'key:hotline' "
                      "AND action = 'incident.report'") == 2  # fmt: skip
        orphans = scalar(engine, "SELECT count(*) FROM change_log c WHERE c.entity = 'incident' "
                         "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = c.entity_id)")  # fmt: skip
        assert orphans == 0
        assert scalar(engine, "SELECT count(*) FROM change_log") > feed_before
        assert counters_match_recount(engine)
    finally:
        engine.dispose()
