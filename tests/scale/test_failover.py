"""Failover end to end: a console's incident worker (the real Runtime and IncidentState an
officer acts through) and the intake service (`console.py serve`, a real process), both
given the multi-host URL ``host=primary,standby target_session_attrs=read-write``; the
primary is stopped (fast) and the standby promoted while both keep writing.

Asserted: the worker's connection signal shows the outage; writes resume within 10 s of
the promotion; every acknowledged action is on the new primary; nothing is applied twice
(an action retried after a failure at the same version is refused as stale, a report
re-sent with the same external id is the same case); the console's feed hub delivers every
change committed after it started, in order, once each, across the failover.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from services import accounts, demo, incidents  # noqa: E402
from services.incidents.cases import NewIncident  # noqa: E402
from services.policies import Policies  # noqa: E402
from services.store import changefeed, db, models  # noqa: E402
from services.store.runtime import Runtime  # noqa: E402
from tests.scale.replica_support import app_url, migrate  # noqa: E402
from tests.support.intake import make_key  # noqa: E402
from tests.support.pgcluster import PgCluster, free_port, port_open, wait_for  # noqa: E402
from ui.incidents.state import IncidentState  # noqa: E402
from ui.kit.refusal import Refusal  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = Policies.defaults()
RESUME_LIMIT_S = 10.0
CASES = 80


def _setup(cluster: PgCluster, name: str) -> tuple[str, str, accounts.Actor, list[tuple[int, int]], str]:
    """Migrated demo database: (town, grid code, its duty officer, [(case id, version)] of
    cases waiting to be accepted, an intake key's token)."""
    cluster.create_database(name)
    migrate(cluster, name)
    admin = db.make_engine(cluster.url(cluster.primary, name))
    try:
        demo.build_demo(admin, demo.DemoOptions(grids=300, seed=5))
        g = models.GridCell
        with Session(admin) as s:
            cell = s.scalars(select(g).order_by(g.id).limit(1)).one()
            town, grid, grid_id, county = cell.township_code, cell.code, cell.id, cell.county_code
            officer = accounts.actor_for(s, f"{town}.duty")
        factory = db.session_factory(admin)
        cases = []
        for k in range(CASES):
            iid = incidents.report_in(factory, officer, NewIncident(
                category="safety_hazard", description=f"待受理 {k}", grid_id=grid_id),
                policy=DEFAULTS.incidents)  # fmt: skip
            with Session(admin) as s:
                cases.append((iid, int(s.get_one(models.Incident, iid).version)))
        token = make_key(admin, "hotline", county, ["hotline"])
    finally:
        admin.dispose()
    cluster.wait_all_replayed()
    return town, grid, officer, cases, token


def _serve(url: str, tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[database]\nurl = "{url}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_")}
    env.update(CONSOLE_CONFIG=str(cfg), XDG_DATA_HOME=str(tmp_path / "data"))
    port = free_port()
    out = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "console.py"), "serve", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for(lambda: port_open(port) or (proc.poll() is not None and 1 / 0), timeout=60,
             what="the intake service to listen")  # fmt: skip
    return proc, port


class _Reporter(threading.Thread):
    """An external system filing reports with its own ids; a failed POST is sent again with
    the same id until the service answers (as a sender that does not know the outcome)."""

    def __init__(self, port: int, token: str, grid: str) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.grid = port, token, grid
        self.stop = threading.Event()
        self.acked: list[tuple[str, int, float]] = []  # (external id, case id, when)
        self.retries = 0

    def run(self) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=5,
                          headers={"Authorization": f"Bearer {self.token}"}) as client:  # fmt: skip
            k = 0
            while not self.stop.is_set():
                ext = f"fo-{k}"
                try:
                    answer = client.post("/api/v1/incidents", json={
                        "channel": "hotline", "category": "fire", "description": f"切换 {k}",
                        "grid_code": self.grid, "external_id": ext})  # fmt: skip
                except httpx.HTTPError:
                    answer = None
                if answer is not None and answer.status_code in (200, 201):
                    self.acked.append((ext, int(answer.json()["id"]), time.monotonic()))
                    k += 1
                    self.stop.wait(0.05)
                else:
                    self.retries += 1
                    self.stop.wait(0.1)


class _Officer:
    """Accepts the waiting cases one after another through the console's worker; after a
    database failure the same action (same version) is tried again."""

    def __init__(self, state: IncidentState, cases: list[tuple[int, int]]) -> None:
        self.state, self.todo = state, list(cases)
        self.acked: list[tuple[int, float]] = []  # (case id, when action_done came)
        self.stale: list[int] = []  # a retry refused: the first attempt had committed
        self.failures = 0
        self.running = True
        state.action_done.connect(self._done)
        state.action_refused.connect(self._refused)

    def next(self) -> None:
        if self.running and self.todo:
            iid, version = self.todo[0]
            self.state.perform(iid, version, "accept", "切换中受理")

    def _done(self, action: str, view: Any) -> None:
        self.acked.append((self.todo.pop(0)[0], time.monotonic()))
        self.next()

    def _refused(self, action: str, refusal: Refusal) -> None:
        if refusal.code == "db_error":
            self.failures += 1
            from PySide6.QtCore import QTimer

            QTimer.singleShot(100, self.next)
            return
        self.stale.append(self.todo.pop(0)[0])
        self.next()


def test_a_console_and_the_intake_service_write_on_through_a_failover(  # type: ignore[no-untyped-def]
    qtbot, make_pg_cluster: Callable[..., PgCluster], tmp_path: Path
) -> None:
    cluster = make_pg_cluster(standbys=1)
    old, standby = cluster.primary, cluster.standbys[0]
    town, grid, officer, cases, token = _setup(cluster, "failover")
    url = app_url(cluster.multi_host_url("failover", connect_timeout=2))
    rt = Runtime(url)
    delivered: list[int] = []
    rt.hub.listen(None, lambda batch: delivered.extend(c.seq for c in batch))
    start_seq = rt.hub.position
    state = IncidentState(rt, town, policy=DEFAULTS.incidents, login_policy=DEFAULTS.accounts)
    outage: dict[str, float] = {}
    state.connection_lost.connect(lambda _since: outage.setdefault("lost", time.monotonic()))
    state.connection_restored.connect(lambda: outage.setdefault("restored", time.monotonic()))
    proc, port = _serve(url, tmp_path)
    reporter = _Reporter(port, token, grid)
    acting = _Officer(state, cases)
    try:
        state.start()
        state.set_actor(officer)
        qtbot.waitUntil(lambda: getattr(state.actor(), "role", None) == "duty_officer", timeout=15_000)
        reporter.start()
        acting.next()
        qtbot.waitUntil(lambda: len(acting.acked) >= 10 and len(reporter.acked) >= 10, timeout=30_000)

        cluster.stop(old, mode="fast")  # a fast stop sends the standby all WAL first
        qtbot.waitUntil(lambda: "lost" in outage, timeout=15_000)  # the banner's source
        cluster.promote(standby)
        promoted = time.monotonic()
        qtbot.waitUntil(lambda: bool(acting.acked) and acting.acked[-1][1] > promoted
                        and reporter.acked[-1][2] > promoted, timeout=30_000)  # fmt: skip
        officer_resumed = next(t for _, t in acting.acked if t > promoted) - promoted
        intake_resumed = next(t for _, _, t in reporter.acked if t > promoted) - promoted
        n_officer, n_intake = len(acting.acked), len(reporter.acked)
        qtbot.waitUntil(lambda: "restored" in outage, timeout=30_000)  # the banner clears
        banner_cleared = outage["restored"] - promoted
        qtbot.waitUntil(lambda: len(acting.acked) >= n_officer + 5 and len(reporter.acked) >= n_intake + 5,
                        timeout=30_000)  # fmt: skip
    finally:
        acting.running = False
        reporter.stop.set()
        reporter.join(15)
        qtbot.waitUntil(lambda: not state.busy(), timeout=15_000)
        state.stop()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    print(f"\nfailover: writes resumed {officer_resumed:.2f} s (console) / {intake_resumed:.2f} s"
          f" (intake) after promotion; {acting.failures} failed actions retried,"
          f" {reporter.retries} reports re-sent; the banner cleared {banner_cleared:.2f} s after")  # fmt: skip
    assert officer_resumed <= RESUME_LIMIT_S and intake_resumed <= RESUME_LIMIT_S
    assert outage["lost"] < promoted < outage["restored"]
    assert banner_cleared <= RESUME_LIMIT_S
    assert acting.failures + reporter.retries > 0  # the outage was met mid-stream

    new = db.make_engine(cluster.url(cluster.primary, "failover"))
    try:
        with new.connect() as conn:
            assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
            accepts = dict(conn.execute(text(
                "SELECT incident_id, count(*) FROM incident_event WHERE action = 'accept'"
                " GROUP BY incident_id")).all())  # fmt: skip
            intake = dict(conn.execute(text(
                "SELECT external_id, count(*) FROM incident_intake WHERE external_id LIKE 'fo-%'"
                " GROUP BY external_id")).all())  # fmt: skip
        for iid, _ in acting.acked:
            assert accepts.get(iid) == 1, iid  # acknowledged: there, once
        for iid in acting.stale:
            assert accepts.get(iid) == 1, iid  # the retry was not applied again
        assert all(n == 1 for n in accepts.values())
        assert {ext for ext, _, _ in reporter.acked} <= set(intake)  # nothing acknowledged lost
        assert all(n == 1 for n in intake.values())  # no report filed twice
        want = [c.seq for c in changefeed.read_after(new, start_seq, limit=10**6)]
        wait_for(lambda: len(delivered) >= len(want), timeout=20, what="the hub to catch up")
        assert delivered == want  # every change after the hub started, in order, once
        jumps = [b - a for a, b in zip(want, want[1:], strict=False) if b - a != 1]
        print(f"feed: {len(want)} changes delivered in order; seq jumps {jumps}")
    finally:
        new.dispose()
        rt.close()
