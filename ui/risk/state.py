"""Safety index and risk alerts for the wall: a worker (ui.kit.worker) reads and computes,
the GUI thread only receives plain values.

The worker
- reads the ranking (`services.risk.safety_index.Ranking`) of the current region for this
  month, and the open alerts (`services.risk.AlertBoard`) with their map markers;
- follows the change feed: a committed risk-alert change re-reads the alerts at once (so
  an alert raised by any console reaches the wall and the map within the feed's latency),
  a recomputed index the ranking;
- optionally (`run_rules`, `recompute`; the clock process does both for a console) runs
  the risk rules over the console's jurisdiction every `rules_every` seconds and
  recomputes this month's and last month's index every `index_every` seconds if their data
  changed;
- runs acknowledge/close requests as short transactions;
- reads the timeline of the alert the wall shows (`show_timeline(alert_id)`), again after
  any risk-alert change on the feed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import risk
from services.accounts import Actor
from services.errors import Refused
from services.risk import safety_index
from services.store import models
from services.store.changefeed import Change
from services.store.db import transaction
from services.store.runtime import Runtime
from services.territory import jurisdiction
from ui.kit.worker import Worker

ALERT_ENTITIES = frozenset({"risk_alert", "risk_alert_event"})


class IndexState(Worker):
    """Bridge between the index/risk worker and the views (signals are queued to the GUI)."""

    THREAD_NAME = "wall-index"
    WATCHES = ALERT_ENTITIES | {"safety_index"}

    ranking_ready = Signal(object)  # services.risk.safety_index.Ranking
    choropleth_ready = Signal(object)  # dict[str, float]: child adcode → index (MapView.set_choropleth)
    alerts_ready = Signal(object)  # services.risk.AlertBoard (RiskAlertList.set_board)
    alert_points_ready = Signal(object)  # list[dict]: MapView.set_points("alerts", ...)
    alerts_raised = Signal(object)  # list[int]: alerts this console's rule run raised
    index_recomputed = Signal(object)  # list[date]: months recomputed
    timeline_ready = Signal(int, object)  # alert id, tuple[services.risk.AlertEventRow, ...]
    action_done = Signal(str, int)  # "acknowledge" | "close", alert id
    action_failed = Signal(str, int, str, str)  # action, alert id, error code, message

    def __init__(
        self,
        runtime: Runtime | str,
        region_code: str,
        *,
        root: str | None = None,
        index_params: safety_index.IndexParams,
        risk_params: risk.RiskParams,
        index_every: float = 60.0,
        rules_every: float = 15.0,
        refresh_every: float = 30.0,
        run_rules: bool = True,
        recompute: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(runtime, refresh_every=refresh_every)
        self._region = region_code
        self._root = root or region_code
        self._index_params = index_params
        self._risk_params = risk_params
        self._index_every = index_every
        self._rules_every = rules_every
        self._run_rules = run_rules
        self._recompute = recompute
        self._now: Callable[[], datetime] = clock or models.utcnow
        self._view_lock = threading.Lock()
        self._month: date | None = None
        self._timeline_id: int | None = None
        self._alerts_dirty = False
        self._ranking_dirty = False
        self._last_rules = self._last_index = -1e9

    # -- control (GUI thread) -----------------------------------------------------

    @property
    def region_code(self) -> str:
        return self._region

    def drill(self, region_code: str) -> None:
        """Show another region's ranking and alerts (read next, off the GUI thread)."""
        with self._view_lock:
            self._region = region_code
        self.refresh()

    def set_month(self, month: date | None) -> None:
        """Show another month's ranking (None: the current month)."""
        with self._view_lock:
            self._month = month
        self.refresh()

    def show_timeline(self, alert_id: int | None) -> None:
        """Read this alert's timeline (`timeline_ready`) now and after each alert change."""
        with self._view_lock:
            self._timeline_id = alert_id
        if alert_id is not None:
            self._post(lambda e, f: self._read_timeline(alert_id))

    def acknowledge(self, actor: Actor, alert_id: int, note: str = "", version: int | None = None) -> None:
        """签收 an alert as `actor` (off the GUI thread); `action_done` or `action_failed`."""
        self._post(self._action("acknowledge", actor, alert_id, note, version))

    def close(self, actor: Actor, alert_id: int, note: str = "", version: int | None = None) -> None:
        """解除 an alert as `actor` (off the GUI thread); `action_done` or `action_failed`."""
        self._post(self._action("close", actor, alert_id, note, version))

    # -- worker side -----------------------------------------------------------------

    def _on_changes(self, changes: list[Change]) -> None:
        alerts = any(c.entity in ALERT_ENTITIES for c in changes)
        index = any(c.entity == "safety_index" for c in changes)
        with self._view_lock:
            self._alerts_dirty = self._alerts_dirty or alerts
            self._ranking_dirty = self._ranking_dirty or index
        super()._on_changes(changes)

    def _action(self, kind: str, actor: Actor, alert_id: int, note: str,
                version: int | None) -> Callable[[Engine, sessionmaker[Session]], None]:  # fmt: skip
        use_case = risk.acknowledge if kind == "acknowledge" else risk.close

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with transaction(factory) as s:
                    use_case(s, actor, alert_id, note, version=version)
            except Refused as exc:
                self.action_failed.emit(kind, alert_id, exc.code, exc.message)
                return
            except Exception as exc:
                self.action_failed.emit(kind, alert_id, "database", str(exc))
                raise  # the loop reports the lost connection and retries reading
            self.action_done.emit(kind, alert_id)
            self._read_alerts()

        return job

    def reread(self) -> None:
        """Everything: after a drill, a month change, an outage or the periodic refresh;
        after feed changes only the part they touch."""
        with self._view_lock:
            alerts, ranking = self._alerts_dirty, self._ranking_dirty
            self._alerts_dirty = self._ranking_dirty = False
        if alerts == ranking:  # both, or neither (not caused by the feed): everything
            self._read_ranking()
            self._read_alerts()
        elif alerts:
            self._read_alerts()
        else:
            self._read_ranking()

    def tick(self, now: float) -> float | None:
        """The rules and the index, when this worker runs them (tests, tools)."""
        if not (self._run_rules or self._recompute):
            return None
        if self._run_rules and now - self._last_rules >= self._rules_every:
            self._last_rules = now
            raised = risk.run_rules(self.engine, self._now(), scope=self._root,
                                    params=self._risk_params)  # fmt: skip
            if raised:
                self.alerts_raised.emit(raised)
                self._read_alerts()
        if self._recompute and now - self._last_index >= self._index_every:
            self._last_index = now
            done = safety_index.recompute_if_changed(
                self.engine, now=self._now(), params=self._index_params
            )
            if done:
                self.index_recomputed.emit(done)
                self._read_ranking()
        periods = [p for p, on in ((self._rules_every, self._run_rules),
                                   (self._index_every, self._recompute)) if on]  # fmt: skip
        return max(0.05, min(periods) - (time.monotonic() - now))

    def _bounded_region(self) -> str:
        """The region to read: the shown one, or the root when it lies outside the root
        (the services refuse it: services.territory.jurisdiction)."""
        with self._view_lock:
            region = self._region
        try:
            with self.engine.connect() as conn:
                jurisdiction.require_within(conn, self._root, region)
        except Refused:
            with self._view_lock:
                if self._region == region:
                    self._region = self._root
            return self._root
        return region

    def _read_ranking(self) -> None:
        region = self._bounded_region()
        with self._view_lock:
            month = self._month
        month = month or safety_index.month_of(self._now())
        board = safety_index.ranking(self.engine, region, month, within=self._root)
        self.ranking_ready.emit(board)
        self.choropleth_ready.emit(safety_index.child_index_values(board))

    def _read_alerts(self) -> None:
        region = self._bounded_region()
        with self._view_lock:
            alert_id = self._timeline_id
        self.alerts_ready.emit(risk.open_alerts(self.engine, region, within=self._root,
                                                params=self._risk_params))  # fmt: skip
        self.alert_points_ready.emit(list(risk.alert_points(self.engine, region, within=self._root)))
        if alert_id is not None:
            self._read_timeline(alert_id)

    def _read_timeline(self, alert_id: int) -> None:
        self.timeline_ready.emit(alert_id, risk.timeline(self.engine, alert_id))
