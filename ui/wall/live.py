"""The wall's live state: workers read, the GUI thread only receives plain values.

`LiveState` follows the change feed (through the process's hub) for what the wall shows
(cases, shifts and handovers for the header's four haves, the center's facts, risk
alerts for the risk colouring). After such changes (or a drill-down, or every
`refresh_every` seconds, so clock-based counts such as "overdue" roll over and each
panel's data age stays honest on a quiet feed) it reads a `WallSnapshot` and the per-cell
counts for the map, and emits them. Map markers and dispatch routes (thousands of rows)
are read by a worker of their own, so the counts never wait behind them. When reads fail
it emits `connection_lost(since)` once, retries with backoff, and on success emits
`connection_restored()` followed by a full snapshot, so every change made meanwhile is
caught up.

Every read is bounded by the console's root (its center's region): a drill to a region
outside it is refused by the services (services.territory.jurisdiction); the state then
shows the root again and emits `drill_refused(code)`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Signal
from sqlalchemy import Engine

from services import dispatch
from services import wall as wall_queries
from services.errors import Refused
from services.store import changefeed
from services.store.changefeed import Change
from services.store.runtime import Runtime
from services.wall.regions import can_touch
from services.wall.situation import WallSnapshot
from ui.kit.worker import Worker


@dataclass(frozen=True)
class MapTerritory:
    """A territory as the map takes it: the boundaries already packed for the page
    (mapview.page.boundary_payload: shapely and numpy work, done here, not on the GUI
    thread, where it held the first frame back by a third of a second)."""

    territory: wall_queries.Territory
    boundaries_meta: dict[str, Any]
    boundaries_blob: bytes

WALL_WATCHES = frozenset({"incident", "shift", "handover", "command_center", "risk_alert"})
MARKER_WATCHES = frozenset({"incident", "resource", "dispatch", "camera"})
log = logging.getLogger(__name__)


class MapMarkers(Worker):
    """Map markers and dispatch routes of the shown region, read on a lane of their own."""

    THREAD_NAME = "wall-markers"
    WATCHES = MARKER_WATCHES
    MIN_GAP = 10.0  # markers move slowly on a wall; at most one read per 10 s under changes
    SETTLE = 0.3  # the wall's snapshot (its numbers) reads the same commit first
    REFRESH_EVERY = None

    points_ready = Signal(object)  # services.wall.MapPoints
    dispatch_lines_ready = Signal(object)  # list[dict]: active dispatch routes

    def __init__(self, runtime: Runtime | str, region_code: str, *, root: str | None = None,
                 **kwargs: object) -> None:  # fmt: skip
        super().__init__(runtime, **kwargs)  # type: ignore[arg-type]
        self._region = region_code
        self._root = root or region_code

    def show(self, region_code: str) -> None:
        """Read this region's markers now (a drill-down)."""

        def job(_e: object, _f: object) -> None:
            self._region = region_code
            self.reread()

        self._post(job)

    def reread(self) -> None:
        engine = self.read_engine
        try:
            points = wall_queries.map_points(engine, self._region, within=self._root)
        except (Refused, LookupError):  # outside the root: back to it, as the wall
            log.warning("map markers: %s is outside %s", self._region, self._root)
            self._region = self._root
            points = wall_queries.map_points(engine, self._region, within=self._root)
        self.points_ready.emit(points)
        routes = dispatch.map_layer(engine, self._region, within=self._root).lines
        self.dispatch_lines_ready.emit([asdict(line) for line in routes])


class LiveState(Worker):
    """Bridge between the wall's workers and the views (signals are queued to the GUI)."""

    THREAD_NAME = "wall-live"
    WATCHES = WALL_WATCHES
    # Coalesce under load: one repaint of the wall a second is enough to read, and keeps
    # the GUI thread free (each snapshot repaints most panels). Above 8 commits a second
    # held for 3 s (a busy city, 10 reports a second) at most two reads a second:
    # re-reading a province's snapshot ten times a second cost the wall most of half a
    # core. Counted by commits over 3 s, so neither a sweep committing twenty changes at
    # once nor a center's own bursts of a few commits slow the next read.
    BUSY_RATE = 20
    BUSY_GAP = 1.0
    BUSY_BATCHES = (24, 3.0, 0.5)

    snapshot_ready = Signal(object)  # WallSnapshot
    replica_lag_ready = Signal(object)  # float | None: the hot standby's lag (read_url only)
    cells_changed = Signal(object)  # dict[int, float]: only cells whose value changed
    cells_reset = Signal(str, object)  # metric, dict[int, float]: all cells of the territory
    points_ready = Signal(object)  # services.wall.MapPoints
    territory_ready = Signal(object)  # MapTerritory: the territory and its packed boundaries
    feed_batch = Signal(int, int)  # (number of changes, newest seq)
    cell_detail_ready = Signal(object)  # CellDetail
    dispatch_lines_ready = Signal(object)  # list[dict]: active dispatch routes (MapView)
    confirmed = Signal(object)  # aware datetime: what is shown is still current then
    drill_refused = Signal(str)  # adcode asked for outside the root (the root is shown)

    CONFIRM_EVERY = 2.0  # seconds between "still current" confirmations on a quiet feed

    def __init__(
        self,
        runtime: Runtime | str,
        region_code: str,
        *,
        root: str | None = None,
        tz: str = "Asia/Shanghai",
        refresh_every: float = 60.0,
        with_map: bool = True,
    ) -> None:
        super().__init__(runtime, refresh_every=refresh_every)
        self._region = region_code
        self._root = root or region_code
        self._tz = tz
        self._with_map = with_map
        self._region_lock = threading.Lock()
        self._region_changed = True
        self._cell_values: dict[int, float] = {}
        self._metric = "open"
        self._metric_changed = False
        self._next_change: datetime | None = None  # aware UTC: re-read then (the clock)
        self._scopes: frozenset[str] | None = None  # feed scopes inside the region shown
        self._prefetch: tuple[threading.Thread, list[WallSnapshot]] | None = None
        self._shown_first: WallSnapshot | None = None  # emitted by `start`, not yet confirmed
        self.markers: MapMarkers | None = None
        if with_map:
            self.markers = MapMarkers(self.runtime, region_code, root=self._root)
            self.markers.points_ready.connect(self.points_ready)
            self.markers.dispatch_lines_ready.connect(self.dispatch_lines_ready)

    # -- control (GUI thread) -----------------------------------------------------

    @property
    def region_code(self) -> str:
        return self._region

    @property
    def root_code(self) -> str:
        """The console's root: its center's region; nothing above or beside it is read."""
        return self._root

    def prefetch(self) -> None:
        """Read the first snapshot now, on a thread of its own, while the console builds
        its window (composition time, GUI thread): `start` then shows it at once instead of
        reading it only after the window is up."""
        holder: list[WallSnapshot] = []

        def read() -> None:
            try:
                holder.append(self._read_snapshot(self.read_engine, self._region, True))
            except Exception as exc:  # noqa: BLE001 - the lane reads again and reports it
                log.debug("wall: the first snapshot was not read ahead: %s", exc)

        thread = threading.Thread(target=read, name="wall-prefetch", daemon=True)
        self._prefetch = (thread, holder)
        thread.start()

    def show_first(self, wait: float = 1.0) -> bool:
        """Emit the snapshot read ahead (`prefetch`), here on the GUI thread, when it is
        ready within `wait` seconds: the views connected by now show it before the
        window's first paint. The lane's first read then only checks that nothing was
        committed since (else it reads and emits again). False: nothing was shown."""
        first = self._claim_prefetched(wait)
        if first is None:
            return False
        self._scopes, self._next_change = first.feed_scopes, first.next_change_at
        self._shown_first = first
        self.snapshot_ready.emit(first)
        return True

    def start(self) -> None:
        super().start()
        if self.markers is not None:
            self.markers.start()

    def _claim_prefetched(self, wait: float | None) -> WallSnapshot | None:
        """The snapshot read ahead, once: None when there is none, it failed, or it is not
        ready within `wait` seconds (None: as long as it takes)."""
        with self._region_lock:
            prefetch, self._prefetch = self._prefetch, None
        if prefetch is None:
            return None
        thread, holder = prefetch
        thread.join(wait)
        if thread.is_alive():
            with self._region_lock:
                self._prefetch = prefetch  # the lane's first read takes it
            return None
        return holder[0] if holder else None

    def stop(self, timeout: float = 5.0) -> None:
        if self.markers is not None:
            self.markers.stop(timeout)
        super().stop(timeout)

    def drill(self, region_code: str) -> None:
        """Show another region: the workers read it next, off the GUI thread. The region
        already shown (a double-click inside it, off its townships) reads nothing again."""
        with self._region_lock:
            if region_code == self._region:
                return
            self._region = region_code
            self._region_changed = True
        self.refresh()
        if self.markers is not None:
            self.markers.show(region_code)

    def set_metric(self, metric: str) -> None:
        """Colour the map's cells by another metric (reported_today, open, overdue)."""
        if metric not in wall_queries.MAP_METRICS:
            raise ValueError(f"unknown map metric {metric!r}")
        with self._region_lock:
            self._metric = metric
            self._metric_changed = True
        self.refresh()

    def request_cell(self, cell_id: int) -> None:
        """Read a grid cell's detail (people, households, open cases) off the GUI thread;
        a cell outside the root is refused and shows nothing."""

        def job(engine: object, _f: object) -> None:
            try:
                detail = wall_queries.cell_detail(self.read_engine, cell_id, within=self._root)
            except Refused as exc:
                log.warning("cell card: %s", exc.message)
                return
            self.cell_detail_ready.emit(detail)

        self._post(job)

    # -- worker side -----------------------------------------------------------------

    def _on_changes(self, changes: list[Change]) -> None:
        self.feed_batch.emit(len(changes), changes[-1].seq)
        super()._on_changes(changes)

    def relevant(self, change: Change) -> bool:
        """A change scoped to a township or county outside the region shown is not read
        for: at 50 province-wide events/s a township wall would otherwise re-read at the
        busy pace (once a second) for cases it does not count. Unscoped kinds (shifts,
        handovers, centers) always are; the periodic refresh covers a case moved out."""
        return can_touch(self._scopes, change.scope)

    def reread(self) -> None:
        engine = self.read_engine
        with self._region_lock:
            region = self._region
            changed = self._region_changed
            self._region_changed = False
        try:
            snap, fresh = self._first_or_read(engine, region, changed)
        except (Refused, LookupError):  # outside the root (a neighbour's code): show the root
            asked = region
            with self._region_lock:
                if self._region == asked:
                    self._region = self._root
                region, changed = self._region, True
                self._region_changed = False
            log.warning("wall: %s is outside %s, showing %s", asked, self._root, region)
            self.drill_refused.emit(asked)
            snap, fresh = self._read_snapshot(engine, region, changed), True
        if snap.feed_scopes is not None:
            self._scopes = snap.feed_scopes
        self._next_change = snap.next_change_at
        if fresh:
            self.snapshot_ready.emit(snap)
        if self.runtime.read_engine is not None:
            self.replica_lag_ready.emit(self.runtime.replica_lag())
        if not self._with_map:
            return
        if changed:
            from mapview.page import boundary_payload  # lazy: only a wall with a map

            territory = wall_queries.territory(engine, region, within=self._root)
            meta, blob = boundary_payload(list(territory.boundaries))
            self.territory_ready.emit(MapTerritory(territory, meta, blob))
        with self._region_lock:
            metric = self._metric
            reset = changed or self._metric_changed
            self._metric_changed = False
        values = wall_queries.cell_metric(engine, region, metric, tz=self._tz, within=self._root)
        if reset:
            self._cell_values = values
            self.cells_reset.emit(metric, values)
        else:
            delta = {c: v for c, v in values.items() if self._cell_values.get(c) != v}
            delta.update({c: 0.0 for c in self._cell_values if c not in values})
            self._cell_values = values
            if delta:
                self.cells_changed.emit(delta)

    def _first_or_read(self, engine: Engine, region: str, changed: bool) -> tuple[WallSnapshot, bool]:
        """(snapshot, whether it still has to be emitted). The snapshot read ahead
        (`prefetch`) serves while nothing was committed since it read the feed head;
        otherwise, and on every later read, a fresh one is read."""
        shown, self._shown_first = self._shown_first, None
        ahead = shown or self._claim_prefetched(None)
        if ahead is not None and ahead.region_code == region:
            if changefeed.head(engine) == ahead.feed_seq:
                return ahead, shown is None
        return self._read_snapshot(engine, region, changed), True

    def _read_snapshot(self, engine: Engine, region: str, changed: bool) -> WallSnapshot:
        """The region's snapshot; with its feed scopes, in the same read, when the region
        changed or none are known yet."""
        return wall_queries.wall_snapshot(
            engine, region, tz=self._tz, within=self._root,
            scopes=changed or self._scopes is None,
        )  # fmt: skip

    def tick(self, now: float) -> float | None:
        """Between writes the numbers change only by the clock: re-read when they do (the
        snapshot says when); otherwise tell the views that what they show is current (the
        feed is followed and nothing is waiting), so the data age stays honest without a
        read every few seconds."""
        at = datetime.now(UTC)
        due = self._next_change
        if due is not None and at >= due:
            self.reread()
        elif self.is_current():
            self.confirmed.emit(at)
        if self._next_change is None:
            return self.CONFIRM_EVERY
        return max(0.05, min(self.CONFIRM_EVERY, (self._next_change - at).total_seconds()))

    def on_started(self) -> None:
        with self._region_lock:  # first read, or after an outage: the territory too
            self._region_changed = True
