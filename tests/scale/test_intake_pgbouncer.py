"""The intake service (`console.py serve`, a real process) through PgBouncer in transaction
mode, configured as a deployment is (`database.pooled`, `database.direct_url`): reports are
filed through the pooler, the feed's LISTEN sits on the primary itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import text

from services import demo
from services.store import db
from tests.scale.replica_support import SCALE_ROLES, migrate
from tests.support.fixtures import PgDatabase
from tests.support.intake import grid_of, make_key, scalar
from tests.support.pgcluster import PgBouncer, free_port, port_open, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_intake_service_files_reports_through_pgbouncer(
    pg_db: PgDatabase, make_pgbouncer: Callable[..., PgBouncer], tmp_path: Path
) -> None:
    direct_url, _ = migrate(pg_db.cluster, pg_db.name)
    admin = db.make_engine(pg_db.url())
    demo.build_demo(admin, demo.DemoOptions(grids=300, seed=5))
    with admin.begin() as conn:
        county = conn.execute(text("SELECT county_code FROM grid_cell LIMIT 1")).scalar_one()
    town = scalar(admin, "SELECT township_code FROM grid_cell WHERE county_code = :c LIMIT 1", c=county)
    code, _, _ = grid_of(admin, town)
    token = make_key(admin, "hotline", county, ["hotline"])
    bouncer = make_pgbouncer(pg_db.cluster, pool_mode="transaction", default_pool_size=2,
                             users=("postgres", SCALE_ROLES.app))  # fmt: skip
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[database]\nurl = "{bouncer.url(pg_db.name, user=SCALE_ROLES.app)}"\n'
                   f'pooled = true\ndirect_url = "{direct_url}"\n')  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_")}
    env.update(CONSOLE_CONFIG=str(cfg), XDG_DATA_HOME=str(tmp_path / "data"))
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "console.py"), "serve", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: port_open(port) or (proc.poll() is not None and 1 / 0), timeout=60,
                 what="the intake service to listen")  # fmt: skip
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as client:  # fmt: skip
            for k in range(8):  # past psycopg's default prepare threshold (5)
                answer = client.post("/api/v1/incidents", json={
                    "channel": "hotline", "category": "fire", "description": f"经连接池 {k}",
                    "grid_code": code, "external_id": f"pooled-{k}"})  # fmt: skip
                assert answer.status_code == 201, answer.text
        assert scalar(admin, "SELECT count(*) FROM incident WHERE description LIKE '经连接池%%'") == 8
        pools = [p for p in bouncer.show("POOLS") if p["database"] == pg_db.name and p["user"] == SCALE_ROLES.app]
        assert pools, "the service did not go through the pooler"
        listeners = pg_db.primary.query(
            "SELECT client_port FROM pg_stat_activity WHERE datname = %s AND query LIKE 'LISTEN%%'"
            " AND application_name = 'sgcc-intake'", (pg_db.name,), dbname="postgres",
        )  # fmt: skip
        assert len(listeners) == 1, log.read_text()
        server_ports = {int(s["local_port"]) for s in bouncer.show("SERVERS")}
        assert listeners[0][0] not in server_ports  # the LISTEN is direct, not a pooled connection
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        admin.dispose()
