"""The console as composed in ui.app: one runtime, its connection budget, what happens when
the server refuses a connection, what accepting a case costs, and the configured rules
reaching the case the console files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import create_engine, event, make_url, select, text
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import db, models
from tests.support.consoles import COUNTY
from ui.app import Console

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20_000


def _fed(qtbot, c: Console) -> None:  # type: ignore[no-untyped-def]
    """Start the console and wait until every panel has had its first read."""
    got: set[str] = set()
    c.live.snapshot_ready.connect(lambda _s: got.add("wall"))
    c.incidents.queue_ready.connect(lambda _q: got.add("incidents"))
    c.dispatch.board_ready.connect(lambda _b: got.add("dispatch"))
    c.handover.list_ready.connect(lambda _r: got.add("handover"))
    c.index.ranking_ready.connect(lambda _r: got.add("index"))
    c.live.points_ready.connect(lambda _p: got.add("markers"))
    c.video.wall_changed.connect(lambda _w: got.add("video"))
    c.start()
    want = {"wall", "incidents", "dispatch", "handover", "index", "video"}
    if c.map is not None:
        want.add("markers")
    qtbot.waitUntil(lambda: want <= got, timeout=WAIT)


def _connections(admin_url: str, database: str, application: str) -> int:
    eng = create_engine(admin_url)
    try:
        with eng.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND application_name = :a"
            ), {"d": database, "a": application}).scalar_one())  # fmt: skip
    finally:
        eng.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("demo_url", ["postgresql"], indirect=True)
def test_a_console_holds_three_connections_and_its_clock_one(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, pg_server: str
) -> None:
    """Wall, map markers and every panel live, with changes flowing: at most 3 connections
    (two pooled, one LISTEN); the clock child at most 1."""
    database = make_url(demo_url).database or ""
    c = walls(demo_url, with_map=True)
    _fed(qtbot, c)
    clock = subprocess.Popen(
        [sys.executable, str(ROOT / "console.py"), "--db", demo_url, "clock", "--center", COUNTY],
        cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        sim = subprocess.run(
            [sys.executable, str(ROOT / "console.py"), "--db", demo_url, "simulate",
             "--rate", "20", "--duration", "4", "--seed", "5"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert sim.returncode == 0, sim.stderr
        head = c.runtime.hub.position
        qtbot.waitUntil(lambda: c.runtime.hub.position > head or _latest(demo_url) <= head,
                        timeout=WAIT)  # fmt: skip
        qtbot.waitUntil(lambda: _connections(pg_server, database, "sgcc-clock") >= 1, timeout=WAIT)
        samples = [(_connections(pg_server, database, "sgcc-console"),
                    _connections(pg_server, database, "sgcc-clock")) for _ in range(5)]  # fmt: skip
    finally:
        clock.terminate()
        clock.wait(10)
    assert all(console <= 3 for console, _ in samples), samples
    assert max(console for console, _ in samples) >= 2  # the count is real: the pool and LISTEN
    assert all(clk <= 1 for _, clk in samples), samples


def _latest(url: str) -> int:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return int(conn.execute(text("SELECT coalesce(max(seq), 0) FROM change_log")).scalar_one())
    finally:
        eng.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("demo_url", ["postgresql"], indirect=True)
def test_a_refused_connection_shows_the_banner_and_the_console_recovers(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, pg_server: str, pg_databases
) -> None:
    """A server that refuses connections (here: the role's connection limit) is an outage
    on the wall, not a crash; once the server takes connections again the wall catches up."""
    database = make_url(demo_url).database or ""
    role = f"lim_{os.getpid()}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1'))
    pg_databases.roles.append(role)  # dropped with the test databases
    db_admin = create_engine(make_url(pg_server).set(database=database), isolation_level="AUTOCOMMIT")
    with db_admin.connect() as conn:
        conn.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"'))
        conn.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    db_admin.dispose()
    url = make_url(demo_url).set(username=role).render_as_string(hide_password=False)
    c = walls(url, with_map=False)
    c.start()
    qtbot.waitUntil(lambda: c.window.banner.isVisible(), timeout=WAIT)
    assert "数据库连接中断" in c.window.banner.text()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER ROLE "{role}" CONNECTION LIMIT 3'))
    admin.dispose()
    qtbot.waitUntil(lambda: not c.window.banner.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: c.window.snapshot() is not None, timeout=WAIT)
    assert _connections(pg_server, database, "sgcc-console") <= 3


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_accepting_a_case_costs_at_most_three_sessions(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str
) -> None:
    """Signed in as the township's duty officer, accept a reported case with the button:
    the write, the case as written and the queue with its counts; the feed's echo of the
    write is not read again."""
    eng = create_engine(demo_url)
    with Session(eng) as s:
        cell = s.scalars(select(models.GridCell).where(models.GridCell.county_code == COUNTY)
                         .order_by(models.GridCell.id)).first()  # fmt: skip
        assert cell is not None
        town = cell.township_code
        operator = accounts.actor_for(s, f"{town}.operator")
    iid = incidents.report_in(db.session_factory(eng), operator, NewIncident(
        category="safety_hazard", description="井盖缺失", grid_id=cell.id,
    ), policy=Policies.defaults().incidents)  # fmt: skip
    eng.dispose()
    c = walls(demo_url, with_map=False, center=town)
    _fed(qtbot, c)
    state, panel = c.incidents, c.incident_panel
    with qtbot.waitSignal(state.login_succeeded, timeout=WAIT):
        state.login(f"{town}.duty", "demo")
    panel.select_incident(iid)
    qtbot.waitUntil(lambda: panel.detail.case is not None and panel.detail.case.id == iid,
                    timeout=WAIT)  # fmt: skip
    button = panel.detail.buttons["accept"]
    qtbot.waitUntil(button.isVisible, timeout=WAIT)
    sessions: list[float] = []
    event.listen(state.factory, "after_begin", lambda *_: sessions.append(time.monotonic()))
    rebuilds: list[int] = []
    state.detail_ready.connect(lambda _v: rebuilds.append(1))
    state.action_done.connect(lambda _a, _v: rebuilds.append(1))
    echoes = state.echoes_skipped
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.detail.form.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.detail.case is not None
                    and panel.detail.case.detail.row.status == "accepted", timeout=WAIT)  # fmt: skip
    qtbot.waitUntil(lambda: state.echoes_skipped > echoes, timeout=WAIT)  # the echo came back
    assert len(sessions) <= 3, sessions
    assert len(rebuilds) == 1


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_hotline_case_carries_the_configured_deadline(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, tmp_path, monkeypatch
) -> None:
    """[deadlines] in the config file reaches the case the console files (the policy is
    built once in the composition root and handed to the worker)."""
    config = tmp_path / "config.toml"
    config.write_text("[deadlines]\n2 = [0.25, 3]\n", "utf-8")
    monkeypatch.setenv("CONSOLE_CONFIG", str(config))
    eng = create_engine(demo_url)
    with Session(eng) as s:
        cell = s.scalars(select(models.GridCell).where(
            models.GridCell.county_code == COUNTY).order_by(models.GridCell.id)).first()  # fmt: skip
        assert cell is not None
        code = cell.code
    c = walls(demo_url, with_map=False)
    _fed(qtbot, c)
    with qtbot.waitSignal(c.incidents.login_succeeded, timeout=WAIT):
        c.incidents.login(f"{COUNTY}.operator", "demo")
    form = c.hotline
    c._open_hotline()
    qtbot.waitUntil(lambda: form.submit.isEnabled(), timeout=WAIT)
    form.category.setCurrentIndex(max(0, form.category.findData("safety_hazard")))
    form.priority.setCurrentIndex(form.priority.findData(2))
    qtbot.keyClicks(form.grid_code, code)
    form.description.insertPlainText("配置时限测试：路灯倒伏")  # CJK comes by IME, not key codes
    with qtbot.waitSignal(c.incidents.report_done, timeout=WAIT) as done:
        qtbot.mouseClick(form.submit, Qt.MouseButton.LeftButton)
    iid = done.args[0]
    with Session(eng) as s:
        inc = s.get(models.Incident, iid)
        assert inc is not None and inc.priority == 2
        hours = (inc.resolve_deadline - inc.reported_at).total_seconds() / 3600
        ack = (inc.ack_deadline - inc.reported_at).total_seconds() / 3600
    eng.dispose()
    assert (round(ack, 2), round(hours, 2)) == (0.25, 3.0)
