"""The simulator and the clock ride out a database that goes away: one line on stderr per
try, backoff, and writes again when it is back, losing nothing they acknowledged."""

from __future__ import annotations

import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from services import clock, demo
from services.policies import Policies
from services.store import db, models, outage
from tests.support.fixtures import make_pg_cluster, pg_binaries  # noqa: F401 - fixtures
from tests.support.pgcluster import PgCluster

ROOT = Path(__file__).resolve().parents[3]
LINE = re.compile(r"database unavailable, retrying in [\d.]+ s: \S")


def _operational(message: str, sqlstate: str | None = None) -> OperationalError:
    class Orig(Exception):
        pass

    orig = Orig(message)
    orig.sqlstate = sqlstate  # type: ignore[attr-defined]
    return OperationalError("SELECT 1", {}, orig)


def test_outages_are_told_from_other_errors() -> None:
    assert outage.unavailable_reason(_operational("connection refused\nmore")) == "connection refused"
    assert outage.unavailable_reason(_operational("terminating connection", "57P01"))
    assert outage.unavailable_reason(_operational("could not serialize", "40001")) is None
    assert outage.unavailable_reason(IntegrityError("x", {}, Exception("duplicate key"))) is None
    assert outage.unavailable_reason(ValueError("a bug")) is None
    backoff = outage.Backoff()
    assert [backoff.next() for _ in range(6)] == [2, 4, 8, 16, 30, 30]


def test_retrying_backs_off_says_one_line_each_try_and_resumes(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    failures = [_operational("database is locked"), _operational("database is locked")]
    said: list[str] = []
    waited: list[float] = []

    def work() -> str:
        if failures:
            raise failures.pop()
        return "done"

    def wait(seconds: float) -> bool:
        waited.append(seconds)
        return False  # not stopped: try again

    got = outage.retrying(work, engine=engine, say=said.append, wait=wait)
    assert got == "done" and waited == [2.0, 4.0]
    assert said == [
        "database unavailable, retrying in 2 s: database is locked",
        "database unavailable, retrying in 4 s: database is locked",
        "database available again: resuming",
    ]
    with pytest.raises(ValueError):  # a bug is not an outage: it propagates
        outage.retrying(lambda: int("x"), engine=engine, say=said.append, wait=lambda s: False)


class Lines:
    """A child process's stderr, read line by line in a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.q: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stderr is not None
        stream = proc.stderr
        threading.Thread(target=lambda: [self.q.put(x) for x in stream], daemon=True).start()

    def wait_for(self, pattern: re.Pattern[str] | str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        for line in self.seen:
            if rx.search(line):
                return line
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if rx.search(line):
                return line
        raise AssertionError(f"no line like {rx.pattern!r} in {timeout} s: {self.seen}")


def _wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)  # polling a condition in another process
    raise AssertionError(f"timed out waiting for {what}")


def _reports(url: str) -> int:
    eng = db.make_engine(url)
    try:
        with eng.connect() as conn:
            return int(conn.execute(
                select(func.count()).select_from(models.Incident).where(models.Incident.reporter == "simulator")
            ).scalar() or 0)  # fmt: skip
    finally:
        eng.dispose()


def _connected(url: str, application: str) -> bool:
    """A process of that application_name holds a connection (it is past its start-up)."""
    eng = db.make_engine(url)
    try:
        with eng.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app"
            ), {"app": application}).scalar())  # fmt: skip
    finally:
        eng.dispose()


def _start(url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONSOLE_DB", "CONSOLE_CONFIG")}
    env["CONSOLE_CONFIG"] = "/nonexistent/config.toml"
    return subprocess.Popen(
        [sys.executable, str(ROOT / "console.py"), "--db", url, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )  # fmt: skip


def _stop(proc: subprocess.Popen[str]) -> str:
    """SIGTERM, which both stop on cleanly (not SIGINT: a shell that starts the suite in
    the background has its children ignore SIGINT, and then nothing stopped them)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()  # not left running after the test, writing into the next one's machine
        proc.communicate(timeout=10)
        raise
    return out


def _acknowledged_reports(stdout: str) -> int:
    m = re.search(r"wrote \d+ events \((.*)\)", stdout)
    assert m, stdout
    kinds = dict((k, int(n)) for n, k in (part.split(" ", 1) for part in m.group(1).split(", ")))
    return kinds.get("report", 0)


@pytest.fixture
def small_demo(tmp_path: Path) -> Path:
    path = tmp_path / "sim.db"
    eng = db.make_engine(f"sqlite:///{path}")
    db.upgrade(eng)
    demo.build_demo(eng, demo.DemoOptions(grids=300, townships=200, seed=5))
    eng.dispose()
    return path


@pytest.fixture
def pg_outage(make_pg_cluster: Callable[..., PgCluster]) -> Iterator[tuple[PgCluster, str]]:  # noqa: F811
    cluster = make_pg_cluster(standbys=0)
    cluster.create_database("console", wait_standbys=False)
    url = cluster.url(cluster.primary, "console")
    eng = db.make_engine(url)
    db.upgrade(eng)
    demo.build_demo(eng, demo.DemoOptions(grids=300, townships=200, seed=5))
    eng.dispose()
    yield cluster, url


def test_the_lost_server_is_said_once_not_again_by_psycopg(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Leaving a pipeline on a server that just died makes psycopg warn "error ignored
    terminating ..." beside the error `retrying` already says in its one line; a stopped
    server in CI printed it as a second, raw line. Other psycopg warnings still show."""
    import logging

    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    outage.retrying(lambda: None, engine=engine, say=lambda _l: None, wait=lambda _s: False)
    psycopg_log = logging.getLogger("psycopg")
    with caplog.at_level(logging.WARNING, logger="psycopg"):
        psycopg_log.warning("error ignored terminating %r: %s", "<psycopg.Pipeline [BAD]>",
                            "consuming input failed: server closed the connection")  # fmt: skip
        psycopg_log.warning("some other warning")
    assert [r.getMessage() for r in caplog.records if r.name == "psycopg"] == ["some other warning"]


def test_postgresql_simulate_and_clock_ride_out_a_stopped_server(
    pg_outage: tuple[PgCluster, str],
) -> None:
    cluster, url = pg_outage
    sim = _start(url, "simulate", "--rate", "20", "--seed", "3")
    ticker = _start(url, "clock")
    try:
        sim_err, clock_err = Lines(sim), Lines(ticker)
        _wait(lambda: _reports(url) >= 5, 60, "the simulator's first reports")
        # The clock checks the database once at start-up and refuses to start without it
        # (one line, exit 1): stop the server only once it is running (a slow start under
        # load used to meet the stopped server).
        _wait(lambda: _connected(url, "sgcc-clock"), 60, "the clock's first connection")
        cluster.stop(cluster.primary, "fast")
        sim_err.wait_for(LINE, 30)
        clock_err.wait_for(LINE, 30)
        assert sim.poll() is None and ticker.poll() is None, "both keep waiting"
        time.sleep(3)  # an outage of some seconds: several tries, backing off
        cluster.start(cluster.primary)
        before = _reports(url)
        _wait(lambda: _reports(url) >= before + 5, 60, "writes to resume")
        sim_err.wait_for("database available again", 30)
        clock_err.wait_for("database available again", 30)
    finally:
        out = _stop(sim)
        _stop(ticker)
    for lines in (sim_err.seen, clock_err.seen):
        assert not any("Traceback" in line for line in lines), lines
        assert all(LINE.search(x) or "available again" in x for x in lines), lines
    # Every report the simulator counted is in the database (none acknowledged and lost).
    assert _reports(url) >= _acknowledged_reports(out) > 5


def test_clock_job_resumes_its_work_after_the_server_returns(
    pg_outage: tuple[PgCluster, str],
) -> None:
    """In process, with short periods: after the restart the capacity watch raises the
    alert for a place that went over capacity while the server was away."""
    cluster, url = pg_outage
    engine = db.make_engine(url)
    stop = threading.Event()
    said: list[str] = []
    plan = clock.ClockPlan(escalate_every=None, rules_every=None, capacity_every=0.2, index_every=None)
    runner = threading.Thread(
        target=clock.run, args=(engine, "330000", Policies.defaults(), stop, plan),
        kwargs={"say": said.append, "backoff": outage.Backoff(first=0.5, cap=1.0)}, daemon=True,
    )  # fmt: skip
    runner.start()
    try:
        cluster.stop(cluster.primary, "immediate")
        _wait(lambda: any(LINE.search(x) for x in said), 30,
              "the clock to say the database is unavailable")  # fmt: skip
        cluster.start(cluster.primary)
        with db.transaction(db.session_factory(engine)) as s:
            place = s.scalars(select(models.Place).order_by(models.Place.id)).first()
            assert place is not None
            place.current_count, place.count_at = 3 * place.daily_capacity, models.utcnow()
            key = f"place_capacity:place:{place.id}"

        def alerted() -> bool:
            with engine.connect() as conn:
                return bool(conn.execute(
                    select(func.count()).select_from(models.RiskAlert).where(models.RiskAlert.key == key)
                ).scalar())  # fmt: skip

        _wait(alerted, 30, "the capacity watch to raise its alert after the restart")
        assert "database available again: resuming" in said
    finally:
        stop.set()
        runner.join(timeout=30)
        engine.dispose()
    assert not runner.is_alive()


def test_sqlite_simulate_waits_out_a_locked_file(small_demo: Path) -> None:
    url = f"sqlite:///{small_demo}"
    sim = _start(url, "simulate", "--rate", "20", "--seed", "4")
    lock = sqlite3.connect(small_demo, timeout=30, isolation_level=None)
    try:
        err = Lines(sim)
        _wait(lambda: _reports(url) >= 5, 60, "the simulator's first reports")
        lock.execute("BEGIN EXCLUSIVE")  # nobody else may write (the busy timeout is 10 s)
        line = err.wait_for(LINE, 40)
        assert "database is locked" in line
        lock.execute("ROLLBACK")
        before = _reports(url)
        _wait(lambda: _reports(url) >= before + 5, 60, "writes to resume")
        err.wait_for("database available again", 30)
    finally:
        lock.close()
        out = _stop(sim)
    assert not any("Traceback" in x for x in err.seen), err.seen
    assert _reports(url) >= _acknowledged_reports(out) > 5


def test_simulate_at_rate_zero_is_refused() -> None:
    res = subprocess.run([sys.executable, str(ROOT / "console.py"), "simulate", "--rate", "0"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)  # fmt: skip
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "--rate" in res.stderr

