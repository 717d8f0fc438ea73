"""The wall's live state: a worker thread reads, the GUI thread only receives plain values.

The worker follows the change feed; after each batch (or a drill-down, or every
`refresh_every` seconds, so clock-based counts such as "overdue" roll over and each
panel's data age stays honest on a quiet feed) it reads a
`WallSnapshot` and the per-cell counts for the map, and emits them. The GUI never touches
the database. When reads fail it emits `connection_lost(since)` once, retries with
backoff, and on success emits `connection_restored()` followed by a full snapshot, so
every change made meanwhile is caught up.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import asdict

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from services import dispatch
from services.store import changefeed
from services.store.db import make_engine
from services.wall import queries as wall_queries
from ui.kit.feed_support import BurstGate, ConnectionWatch, stop_thread


class LiveState(QObject):
    """Bridge between the reading worker and the views (signals are queued to the GUI)."""

    snapshot_ready = Signal(object)  # WallSnapshot
    cells_changed = Signal(object)  # dict[int, float]: only cells whose value changed
    cells_reset = Signal(str, object)  # metric, dict[int, float]: all cells of the territory
    points_ready = Signal(object)  # services.wall.queries.MapPoints
    territory_ready = Signal(object)  # services.wall.queries.Territory
    connection_lost = Signal(object)  # datetime (aware, local) since when
    connection_restored = Signal()
    feed_batch = Signal(int, int)  # (number of changes, newest seq)
    cell_detail_ready = Signal(object)  # CellDetail
    dispatch_lines_ready = Signal(object)  # list[dict]: active dispatch routes (MapView)

    def __init__(
        self,
        url: str,
        region_code: str,
        *,
        root: str | None = None,
        tz: str = "Asia/Shanghai",
        refresh_every: float = 5.0,
        with_map: bool = True,
    ) -> None:
        super().__init__()
        self._url = url
        self._region = region_code
        self._root = root or region_code
        self._tz = tz
        self._refresh_every = refresh_every
        self._with_map = with_map
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._region_changed = True
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._cell_values: dict[int, float] = {}
        self._cell_request: int | None = None
        self._metric = "open"
        self._metric_changed = False
        self._points_at = 0.0
        self._points_dirty = False  # changes arrived since the markers were last read
        self._markers_wanted: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._markers_thread: threading.Thread | None = None
        self.engine: Engine | None = None

    # -- control (GUI thread) -----------------------------------------------------

    @property
    def region_code(self) -> str:
        return self._region

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wall-live", daemon=True)
        self._thread.start()
        if self._with_map:
            self._markers_thread = threading.Thread(
                target=self._run_markers, name="wall-markers", daemon=True
            )
            self._markers_thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        stop_thread(self._stop, self._wake, self._thread, timeout)
        self._thread = None
        if self._markers_thread is not None:
            self._markers_thread.join(timeout)
            self._markers_thread = None

    def drill(self, region_code: str) -> None:
        """Show another region: the worker reads it next, off the GUI thread."""
        with self._lock:
            self._region = region_code
            self._region_changed = True
        self._wake.set()

    def refresh(self) -> None:
        self._wake.set()

    POINTS_EVERY = 10.0  # seconds between marker refreshes while data changes

    def set_metric(self, metric: str) -> None:
        """Colour the map's cells by another metric (reported_today, open, overdue)."""
        if metric not in wall_queries.MAP_METRICS:
            raise ValueError(f"unknown map metric {metric!r}")
        with self._lock:
            self._metric = metric
            self._metric_changed = True
        self._wake.set()

    def request_cell(self, cell_id: int) -> None:
        """Read a grid cell's detail (people, households, open cases) off the GUI thread."""
        with self._lock:
            self._cell_request = cell_id
        self._wake.set()

    # -- worker thread -------------------------------------------------------------

    def _run(self) -> None:
        engine = make_engine(self._url)
        self.engine = engine
        sub: changefeed.Subscription | None = None
        watch = ConnectionWatch(self.connection_lost, self.connection_restored)
        gate = BurstGate(self.BUSY_RATE, self.BUSY_GAP)
        last_read = 0.0
        stale = False  # changes arrived that the last read does not show yet
        while not self._stop.is_set():
            try:
                if sub is None:
                    sub = changefeed.Subscription(engine, poll_interval=1.0)
                    self._region_changed = True
                now = time.monotonic()
                gap = gate.min_gap(now)
                wait = 0.25 if not stale else max(0.0, min(0.25, last_read + gap - now))
                batch = sub.next_batch(timeout=0.0 if self._wake.is_set() else wait)
                if not sub.connected:
                    raise ConnectionError("change feed unreachable")
                now = time.monotonic()
                if batch:
                    self.feed_batch.emit(len(batch), batch[-1].seq)
                    gate.note(now, len(batch))
                    stale = True
                    self._points_dirty = True
                due = now - last_read >= self._refresh_every
                # Coalesce under load: one repaint of the wall a second is enough to read,
                # and keeps the GUI thread free (each snapshot repaints most panels).
                ready = stale and now - last_read >= gate.min_gap(now)
                with self._lock:
                    cell, self._cell_request = self._cell_request, None
                if cell is not None:
                    self.cell_detail_ready.emit(wall_queries.cell_detail(engine, cell))
                if ready or due or self._wake.is_set() or self._region_changed or watch.down:
                    self._wake.clear()
                    self._read(engine)
                    last_read = time.monotonic()
                    stale = False
                watch.ok()
            except Exception:  # noqa: BLE001 - any database failure: degrade, retry
                watch.failed(engine, self._stop)
        if sub is not None:
            sub.close()
        engine.dispose()

    BUSY_RATE = 20  # changes per second above which reads are coalesced
    BUSY_GAP = 1.0  # seconds between reads when busy ("within 1 s of a commit")

    def _read(self, engine: Engine) -> None:
        with self._lock:
            region = self._region
            changed = self._region_changed
            self._region_changed = False
        snap = wall_queries.wall_snapshot(engine, region, tz=self._tz, root=self._root)
        self.snapshot_ready.emit(snap)
        if not self._with_map:
            return
        if changed:
            territory = wall_queries.territory(engine, region)
            self.territory_ready.emit(territory)
        with self._lock:
            metric = self._metric
            reset = changed or self._metric_changed
            self._metric_changed = False
        values = wall_queries.cell_metric(engine, region, metric, tz=self._tz)
        if reset:
            self._cell_values = values
            self.cells_reset.emit(metric, values)
        else:
            delta = {c: v for c, v in values.items() if self._cell_values.get(c) != v}
            delta.update({c: 0.0 for c in self._cell_values if c not in values})
            self._cell_values = values
            if delta:
                self.cells_changed.emit(delta)
        markers_due = self._points_dirty and time.monotonic() - self._points_at >= self.POINTS_EVERY
        if changed or markers_due:
            self._points_at = time.monotonic()
            self._points_dirty = False
            self._markers_wanted.put(region)  # read beside, so counts never wait on markers

    def _run_markers(self) -> None:
        """Map markers and dispatch routes: thousands of rows, read on their own thread."""
        engine: Engine | None = None
        while not self._stop.is_set():
            try:
                region = self._markers_wanted.get(timeout=0.5)
            except queue.Empty:
                continue
            while not self._markers_wanted.empty():  # only the newest request matters
                region = self._markers_wanted.get_nowait()
            try:
                engine = engine or make_engine(self._url)
                self.points_ready.emit(wall_queries.map_points(engine, region))
                routes = dispatch.map_layer(engine, region).lines
                self.dispatch_lines_ready.emit([asdict(line) for line in routes])
            except Exception:  # noqa: BLE001 - the main loop reports the lost database
                with self._lock:
                    self._points_dirty = True
        if engine is not None:
            engine.dispose()
