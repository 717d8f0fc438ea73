"""Safety index and risk alerts for the wall: a worker thread reads and computes, the GUI
thread only receives plain values (the pattern of ui.wall.live).

The worker
- reads the ranking (`services.risk.safety_index.Ranking`) of the current region for this month,
  and the open alerts (`services.risk.AlertBoard`) with their map markers;
- follows the change feed: a committed risk-alert change re-reads the alerts at once, so
  an alert raised by any console reaches the wall and the map within the feed's latency;
- every `rules_every` seconds runs the risk rules over the console's jurisdiction (the
  root region) and every `index_every` seconds recomputes this month's and last month's
  index if their data changed (`recompute_if_changed`), then re-reads the ranking;
- runs acknowledge/close requests (`acknowledge(...)`, `close(...)`) as short transactions;
- reads the timeline of the alert the wall shows (`show_timeline(alert_id)`), again after
  any risk-alert change on the feed.

No database call happens on the GUI thread. Read errors emit `connection_lost(since)` once,
retry with backoff, and `connection_restored()` on success.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from services import risk
from services.accounts import Actor
from services.errors import Refused
from services.risk import safety_index
from services.store import changefeed, models
from services.store.db import make_engine, session_factory, transaction
from ui.kit.feed_support import SIDE_WAKE_TICK, ConnectionWatch, stop_thread

ALERT_ENTITIES = frozenset({"risk_alert", "risk_alert_event"})


@dataclass(frozen=True)
class _Action:
    kind: str  # "acknowledge" | "close"
    actor: Actor
    alert_id: int
    note: str
    version: int | None


class IndexState(QObject):
    """Bridge between the index/risk worker and the views (signals are queued to the GUI)."""

    ranking_ready = Signal(object)  # services.risk.safety_index.Ranking
    choropleth_ready = Signal(object)  # dict[str, float]: child adcode → index (MapView.set_choropleth)
    alerts_ready = Signal(object)  # services.risk.AlertBoard (RiskAlertList.set_board)
    alert_points_ready = Signal(object)  # list[dict]: MapView.set_points("alerts", ...)
    alerts_raised = Signal(object)  # list[int]: alerts this console's rule run raised
    index_recomputed = Signal(object)  # list[date]: months recomputed
    timeline_ready = Signal(int, object)  # alert id, tuple[services.risk.AlertEventRow, ...]
    action_done = Signal(str, int)  # "acknowledge" | "close", alert id
    action_failed = Signal(str, int, str, str)  # action, alert id, error code, message
    connection_lost = Signal(object)  # datetime (aware, local) since when
    connection_restored = Signal()

    def __init__(
        self,
        url: str,
        region_code: str,
        *,
        root: str | None = None,
        index_params: safety_index.IndexParams | None = None,
        risk_params: risk.RiskParams | None = None,
        index_every: float = 60.0,
        rules_every: float = 15.0,
        refresh_every: float = 30.0,
        run_rules: bool = True,
        recompute: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self._url = url
        self._region = region_code
        self._root = root or region_code
        self._index_params = index_params
        self._risk_params = risk_params
        self._index_every = index_every
        self._rules_every = rules_every
        self._refresh_every = refresh_every
        self._run_rules = run_rules
        self._recompute = recompute
        self._now: Callable[[], datetime] = clock or models.utcnow
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._region_changed = True
        self._month: date | None = None
        self._timeline_id: int | None = None
        self._timeline_dirty = False
        self._actions: queue.SimpleQueue[_Action] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.engine: Engine | None = None

    # -- control (GUI thread) -----------------------------------------------------

    @property
    def region_code(self) -> str:
        return self._region

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wall-index", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        stop_thread(self._stop, self._wake, self._thread, timeout)
        self._thread = None

    def drill(self, region_code: str) -> None:
        """Show another region's ranking and alerts (read next, off the GUI thread)."""
        with self._lock:
            self._region = region_code
            self._region_changed = True
        self._wake.set()

    def set_month(self, month: date | None) -> None:
        """Show another month's ranking (None: the current month)."""
        with self._lock:
            self._month = month
            self._region_changed = True
        self._wake.set()

    def refresh(self) -> None:
        with self._lock:
            self._region_changed = True
        self._wake.set()

    def show_timeline(self, alert_id: int | None) -> None:
        """Read this alert's timeline (`timeline_ready`) now and after each alert change."""
        with self._lock:
            self._timeline_id = alert_id
            self._timeline_dirty = alert_id is not None
        self._wake.set()

    def acknowledge(self, actor: Actor, alert_id: int, note: str = "", version: int | None = None) -> None:
        """签收 an alert as `actor` (off the GUI thread); `action_done` or `action_failed`."""
        self._actions.put(_Action("acknowledge", actor, alert_id, note, version))
        self._wake.set()

    def close(self, actor: Actor, alert_id: int, note: str = "", version: int | None = None) -> None:
        """解除 an alert as `actor` (off the GUI thread); `action_done` or `action_failed`."""
        self._actions.put(_Action("close", actor, alert_id, note, version))
        self._wake.set()

    # -- worker thread -------------------------------------------------------------

    def _run(self) -> None:
        engine = make_engine(self._url)
        self.engine = engine
        sub: changefeed.Subscription | None = None
        health = ConnectionWatch(self.connection_lost, self.connection_restored)
        last_rules = last_index = last_read = -1e9
        while not self._stop.is_set():
            try:
                if sub is None:
                    sub = changefeed.Subscription(engine, poll_interval=1.0, wake_tick=SIDE_WAKE_TICK)
                    self._region_changed = True
                batch = sub.next_batch(timeout=0.0 if self._wake.is_set() else 0.25)
                if not sub.connected:
                    raise ConnectionError("change feed unreachable")
                self._wake.clear()
                alerts_dirty = any(c.entity in ALERT_ENTITIES for c in batch)
                self._do_actions(engine)
                now = time.monotonic()
                ranking_dirty = False
                if self._run_rules and now - last_rules >= self._rules_every:
                    last_rules = now
                    raised = risk.run_rules(engine, self._now(), scope=self._root,
                                            params=self._risk_params)  # fmt: skip
                    if raised:
                        self.alerts_raised.emit(raised)
                        alerts_dirty = True
                if self._recompute and now - last_index >= self._index_every:
                    last_index = now
                    done = safety_index.recompute_if_changed(
                        engine, now=self._now(), params=self._index_params
                    )
                    if done:
                        self.index_recomputed.emit(done)
                        ranking_dirty = True
                with self._lock:
                    region = self._region
                    changed = self._region_changed
                    self._region_changed = False
                    month = self._month
                due = time.monotonic() - last_read >= self._refresh_every
                if changed or ranking_dirty or due or health.down:
                    self._read_ranking(engine, region, month)
                if changed or alerts_dirty or due or health.down:
                    self._read_alerts(engine, region)
                with self._lock:
                    alert_id = self._timeline_id
                    timeline_dirty = self._timeline_dirty or (alerts_dirty and alert_id is not None)
                    self._timeline_dirty = False
                if timeline_dirty and alert_id is not None:
                    self.timeline_ready.emit(alert_id, risk.timeline(engine, alert_id))
                if changed or due or health.down:
                    last_read = time.monotonic()
                health.ok()
            except Exception:  # noqa: BLE001 - any database failure: degrade, retry
                with self._lock:
                    self._region_changed = True
                    self._timeline_dirty = self._timeline_id is not None
                health.failed(engine, self._stop)
        if sub is not None:
            sub.close()
        engine.dispose()

    def _read_ranking(self, engine: Engine, region: str, month: date | None) -> None:
        month = month or safety_index.month_of(self._now())
        board = safety_index.ranking(engine, region, month)
        self.ranking_ready.emit(board)
        self.choropleth_ready.emit(safety_index.child_index_values(board))

    def _read_alerts(self, engine: Engine, region: str) -> None:
        self.alerts_ready.emit(risk.open_alerts(engine, region))
        self.alert_points_ready.emit(list(risk.alert_points(engine, region)))

    def _do_actions(self, engine: Engine) -> None:
        factory = session_factory(engine)
        while True:
            try:
                action = self._actions.get_nowait()
            except queue.Empty:
                return
            use_case = risk.acknowledge if action.kind == "acknowledge" else risk.close
            try:
                with transaction(factory) as s:
                    use_case(s, action.actor, action.alert_id, action.note, version=action.version)
            except Refused as exc:
                self.action_failed.emit(action.kind, action.alert_id, exc.code, exc.message)
                continue
            except Exception as exc:
                self.action_failed.emit(action.kind, action.alert_id, "database", str(exc))
                raise  # the loop reports the lost connection and retries reading
            self.action_done.emit(action.kind, action.alert_id)
