"""A console worker (ui/kit/worker.py) on a Runtime with read_url: its write goes to the
primary and its next re-read shows it although the standby's replay is paused; a worker
that wrote nothing reads the standby (and does not see it yet)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Signal  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from services.store import models  # noqa: E402
from services.store.runtime import Runtime  # noqa: E402
from tests.scale.replica_support import alert, migrate  # noqa: E402
from tests.support.fixtures import PgDatabase  # noqa: E402
from ui.kit.worker import Worker  # noqa: E402


class AlertCount(Worker):
    """Reads how many alerts say "officer", and from which kind of server."""

    THREAD_NAME = "alert-count"
    WATCHES = frozenset({"risk_alert"})
    REFRESH_EVERY = None
    counted = Signal(object)  # (count, read from a standby)

    def reread(self) -> None:
        with self.factory() as s:
            n = s.scalar(select(func.count()).where(models.RiskAlert.text == "officer"))
            standby = s.scalar(text("SELECT pg_is_in_recovery()"))
        self.counted.emit((int(n or 0), bool(standby)))


@pytest.fixture
def runtime(pg_db: PgDatabase) -> Iterator[Runtime]:
    primary_url, standby_url = migrate(pg_db.cluster, pg_db.name)
    rt = Runtime(primary_url, read_url=standby_url)
    rt.router.ryw_wait_s = 0.3
    try:
        yield rt
    finally:
        rt.close()


def test_a_workers_write_is_in_its_next_reread_while_the_standby_lags(
    qtbot, pg_db: PgDatabase, runtime: Runtime  # type: ignore[no-untyped-def]
) -> None:
    officer, bystander = AlertCount(runtime), AlertCount(runtime)
    seen: dict[int, list[tuple[int, bool]]] = {id(officer): [], id(bystander): []}
    for w in (officer, bystander):
        w.counted.connect(lambda v, w=w: seen[id(w)].append(v))
        w.start()
    try:
        qtbot.waitUntil(lambda: all(seen.values()), timeout=10_000)
        assert seen[id(officer)][-1] == (0, True)  # at rest: the standby
        pg_db.cluster.pause_replay(pg_db.standby)
        done: list[object] = []
        officer.call(lambda s: s.add(alert("officer")), on_done=done.append)
        qtbot.waitUntil(lambda: bool(done), timeout=10_000)
        officer.refresh()
        bystander.refresh()
        qtbot.waitUntil(lambda: len(seen[id(officer)]) >= 2 and len(seen[id(bystander)]) >= 2, timeout=10_000)
        assert seen[id(officer)][-1] == (1, False)  # its own write: read from the primary
        assert seen[id(bystander)][-1] == (0, True)  # the standby has not replayed it yet
    finally:
        officer.stop()
        bystander.stop()
