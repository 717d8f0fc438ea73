"""A real `console.py serve` process for tests and benchmarks, and what they share.

The server is started as a subprocess on a free loopback port; `start()` waits for the port
to accept connections (or for the process to die, then raises with its output), never a
fixed sleep. Keys are made through the service functions, like `console.py apikey add`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from services import accounts
from services.intake import access
from services.store import models, rollup
from tests.support.pgcluster import free_port, port_open

ROOT = Path(__file__).resolve().parents[2]


class IntakeServer:
    """`console.py --db URL serve --port P` in its own process, data dir under `data_dir`."""

    def __init__(self, db_url: str, data_dir: Path, *, env: dict[str, str] | None = None) -> None:
        self.db_url = db_url
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"serve-{self.port}.log"
        self._env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> IntakeServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "XDG_DATA_HOME": str(self.data_dir),
               "CONSOLE_CONFIG": str(self.data_dir / "no-config.toml"), **self._env}  # fmt: skip
        env.pop("CONSOLE_DB", None)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "console.py"), "--db", self.db_url, "serve",
                 "--port", str(self.port), "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}: {self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"serve did not listen within {timeout} s: {self.output()}")
            time.sleep(0.02)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> IntakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def admin(session: Session) -> accounts.Actor:
    region = session.scalar(select(models.Region).where(models.Region.parent_id.is_(None)))
    assert region is not None
    return accounts.system_actor(region, None)


def make_key(
    engine: Engine, name: str, center: str, channels: Sequence[str], **options: Any
) -> str:
    """A new API key (its token) for the center with this adcode."""
    with Session(engine) as s, s.begin():
        _id, token = access.create_key(s, admin(s), name, center, channels, **options)
    return token


def counters_match_recount(engine: Engine) -> bool:
    """incident_daily equals the counters rebuilt from the incidents themselves."""
    cols = ("province_code", "city_code", "county_code", "township_code",
            "reported_at", "resolved_at", "settled_level")  # fmt: skip
    d = models.IncidentDaily
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(*(getattr(models.Incident, c) for c in cols)))]
        kept = {
            (r.township_code, r.day): (r.reported, r.resolved, r.settled_low, r.resolved_on)
            for r in conn.execute(select(d))
            if (r.reported, r.resolved, r.settled_low, r.resolved_on) != (0, 0, 0, 0)
        }
    rebuilt = {
        (r["township_code"], r["day"]): (r["reported"], r["resolved"], r["settled_low"], r["resolved_on"])
        for r in rollup.bulk_rows(rows)
    }
    return kept == rebuilt


def grid_of(engine: Engine, township: str) -> tuple[str, float, float]:
    """(code, lon, lat) of the first grid cell of a township: the lon/lat is inside it."""
    import shapely
    from shapely import wkb

    g = models.GridCell
    with engine.connect() as conn:
        code, geom = conn.execute(
            select(g.code, g.geometry).where(g.township_code == township).order_by(g.id).limit(1)
        ).one()
    p = shapely.get_coordinates(wkb.loads(geom).representative_point())[0]
    return str(code), float(p[0]), float(p[1])


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def wait_until(check: Any, timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll `check()` until it is truthy (then return it), at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
