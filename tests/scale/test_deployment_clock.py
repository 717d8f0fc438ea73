"""One clock per deployment: two `console.py clock --all` elect one leader by an advisory
lock; SIGKILL the leader and the other takes over within seconds; a console on PostgreSQL
then starts no clock child of its own (on SQLite it does, as before)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, insert, text

from services.clock import DEPLOYMENT_LOCK_KEY, LEADER_APPLICATION, deployment_clock_alive
from services.store import db, models
from tests.scale.replica_support import migrate
from tests.support.fixtures import PgDatabase
from tests.support.pgcluster import wait_for

ROOT = Path(__file__).resolve().parents[2]
TAKEOVER_LIMIT_S = 5.0

LEADER_SQL = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = :key"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def _leader_pid(engine: Engine) -> int | None:
    """The OS pid of the clock process that holds the deployment lock (None: nobody)."""
    with engine.connect() as conn:
        names = conn.execute(LEADER_SQL, {"key": DEPLOYMENT_LOCK_KEY}).scalars().all()
    assert len(names) <= 1, names
    if not names:
        return None
    app, _, pid = str(names[0]).partition(":")
    assert app == LEADER_APPLICATION
    return int(pid)


@pytest.fixture
def clock_db(pg_db: PgDatabase) -> Iterator[tuple[str, Engine]]:
    """A migrated database with one region (the clock's root), as the app role's URL, and
    a superuser engine on it to watch the locks."""
    app_primary, _ = migrate(pg_db.cluster, pg_db.name)
    admin = db.make_engine(pg_db.url())
    with admin.begin() as conn:
        conn.execute(insert(models.Region).values(adcode="990000", name="测试省", level="province",
                                                  parent_id=None, path="/990000/"))  # fmt: skip
    try:
        yield app_primary, admin
    finally:
        admin.dispose()


def _start_clock(url: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "console.py"), "--db", url, "clock", "--all"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip


def test_two_deployment_clocks_elect_one_and_the_other_takes_over_a_killed_leader(
    clock_db: tuple[str, Engine], tmp_path: Path, record_property: object
) -> None:
    url, admin = clock_db
    logs = {name: tmp_path / f"clock-{name}.log" for name in ("a", "b")}
    procs = {name: _start_clock(url, log) for name, log in logs.items()}
    by_pid = {p.pid: name for name, p in procs.items()}
    try:
        first = wait_for(lambda: _leader_pid(admin), timeout=30, what="one clock to lead")
        leader = by_pid[first]
        other = "b" if leader == "a" else "a"
        wait_for(lambda: "standing by" in logs[other].read_text(), timeout=30,
                 what="the second clock to stand by")  # fmt: skip
        assert deployment_clock_alive(admin)
        assert procs[other].poll() is None and _leader_pid(admin) == first

        os.kill(procs[leader].pid, signal.SIGKILL)
        t0 = time.monotonic()
        procs[leader].wait(10)
        second = wait_for(lambda: (pid := _leader_pid(admin)) is not None and pid != first and pid,
                          timeout=TAKEOVER_LIMIT_S * 3, what="the standby clock to take over")  # fmt: skip
        took = time.monotonic() - t0
        print(f"[clock] takeover after SIGKILL: {took * 1000:.0f} ms")
        assert second == procs[other].pid
        assert took < TAKEOVER_LIMIT_S
        wait_for(lambda: "leading this deployment's clock" in logs[other].read_text(), timeout=10,
                 what="the new leader to say so")  # fmt: skip
        assert deployment_clock_alive(admin)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
    wait_for(lambda: not deployment_clock_alive(admin), timeout=10, what="the lock to go with the clocks")
    assert procs[other].returncode == 0  # SIGTERM: a clean stop


def test_a_console_starts_no_clock_child_while_the_deployment_clock_leads(  # type: ignore[no-untyped-def]
    qapp, clock_db: tuple[str, Engine], tmp_path: Path
) -> None:
    from ui.app import Console

    url, admin = clock_db
    leader = _start_clock(url, tmp_path / "clock.log")
    try:
        wait_for(lambda: _leader_pid(admin), timeout=30, what="the deployment clock to lead")
        console = _console(url, admin)
        Console.start_clock(console)  # type: ignore[arg-type]
        assert console.clock_process is None
        console._clock_watch.stop()
    finally:
        leader.terminate()
        leader.wait(15)
    assert leader.returncode == 0


def _console(url: str, admin: Engine) -> SimpleNamespace:
    """What Console.start_clock / _keep_clock use of a console (no window: no parent)."""
    from ui.app import Console

    console = SimpleNamespace(runtime=SimpleNamespace(engine=admin), clock_process=None, _url=url,
                              _clock_scope="990000", _clock_watch=None, window=None, clock_restarts=0)  # fmt: skip
    console._keep_clock = lambda: Console._keep_clock(console)  # type: ignore[arg-type]
    return console


def test_a_console_starts_its_clock_child_when_the_deployment_clock_dies(  # type: ignore[no-untyped-def]
    qapp, clock_db: tuple[str, Engine], tmp_path: Path
) -> None:
    from ui.app import Console

    url, admin = clock_db
    leader = _start_clock(url, tmp_path / "clock.log")
    console = _console(url, admin)
    try:
        wait_for(lambda: _leader_pid(admin), timeout=30, what="the deployment clock to lead")
        Console.start_clock(console)  # type: ignore[arg-type]
        console._clock_watch.stop()  # the test calls the watch itself, as its timer would
        assert console.clock_process is None
        for _ in range(3):  # while the deployment clock leads, the watch starts nothing
            Console._keep_clock(console)  # type: ignore[arg-type]
            wait_for(lambda: not console._deployment_check.is_alive(), timeout=10, what="the check")
        assert console.clock_process is None and console._deployment_led is True
        leader.kill()  # dies without a word: its lock goes with its connection
        leader.wait(15)

        def child_started() -> bool:
            Console._keep_clock(console)  # type: ignore[arg-type]
            return console.clock_process is not None

        wait_for(child_started, timeout=30, what="the console to start its own clock child")
        assert console.clock_process.poll() is None
        assert console.clock_process.args[-2:] == ["--center", "990000"]
    finally:
        if leader.poll() is None:
            leader.kill()
            leader.wait(15)
        Console.stop_clock(console)  # type: ignore[arg-type]


def test_sqlite_has_no_deployment_clock_and_refuses_clock_all(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        assert deployment_clock_alive(engine) is False
    finally:
        engine.dispose()
    out = subprocess.run(
        [sys.executable, str(ROOT / "console.py"), "--db", str(tmp_path / "c.db"), "clock", "--all"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode != 0
    assert "clock --all" in out.stderr and out.stderr.strip().count("\n") == 0
