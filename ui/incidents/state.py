"""The incident console's state: one worker thread reads and writes, the GUI only receives.

Same shape as ui/wall/live.py. The worker owns the engine and the signed-in `Actor`; it runs
the requests the views post (login, filter, select, actions, hotline reports) one at a
time in order (one writer lane), and follows the change feed: when incident,
incident_event or supervision changes arrive it re-reads the queue, the counts and the
selected case (bursts coalesced to one read a second under load). Every result reaches
the GUI thread as a plain frozen value through a queued signal. Refusals come back as
`Refusal` values carrying the service's code, so views show a Chinese sentence; a stale
action carries the case as it is now and nothing is overwritten.

Before anyone signs in the console acts as the read-only viewer of its region
(`accounts.viewer_for_region`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Signal
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from services import accounts, incidents
from services.accounts import Actor
from services.errors import InvalidInput, Refused, StaleState
from services.incidents.workflow import (
    IncidentDetail,
    IncidentRow,
    NewIncident,
    QueueFilter,
    RouteTarget,
)
from services.store import models
from services.store.db import make_engine, session_factory
from ui.kit.feed_support import ActingWorker, BurstGate, ConnectionWatch, Job

WATCHED = frozenset({"incident", "incident_event", "supervision"})
SETTLE_S = 0.2  # seconds after a change before the queue is read again


@dataclass(frozen=True)
class CaseView:
    """A case as the detail view shows it: the service's detail plus names for the
    targets its timeline mentions ("center:12" → "西湖街道综治中心")."""

    detail: IncidentDetail
    target_names: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.detail.row.id


@dataclass(frozen=True)
class QueueView:
    """One read of the queue for a filter; `now` is the naive-UTC read time."""

    flt: QueueFilter
    rows: tuple[IncidentRow, ...]
    now: datetime
    as_of: datetime  # aware, for the panel's data age


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the service's code and parameters; for a stale action
    `current` is the case as it is now."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    current: CaseView | None = None

    @property
    def stale(self) -> bool:
        return self.code == "stale"


@dataclass(frozen=True)
class HotlineReport:
    """What the hotline form submits; the grid is given by code or by a map position."""

    category: str
    description: str
    channel: str = "hotline"
    priority: int = 3
    grid_code: str = ""
    lon: float | None = None
    lat: float | None = None
    reporter: str = ""
    address: str = ""




class IncidentState(ActingWorker):
    """Bridge between the incident worker and the views (signals are queued to the GUI)."""

    THREAD_NAME = "incident-state"

    login_succeeded = Signal(object)  # Actor
    login_failed = Signal(object)  # Refusal
    queue_ready = Signal(object)  # QueueView
    counts_ready = Signal(object)  # dict[str, int]: open, overdue, supervised, to_accept
    detail_ready = Signal(object)  # CaseView
    detail_refused = Signal(int, object)  # incident id, Refusal (e.g. outside the subtree)
    targets_ready = Signal(object)  # tuple[RouteTarget, ...]
    action_done = Signal(str, object)  # action, CaseView after it
    action_refused = Signal(str, object)  # action, Refusal
    report_done = Signal(int)  # new incident id
    report_refused = Signal(object)  # Refusal
    location_ready = Signal(float, float, str)  # lon, lat, grid code ("" if none there)
    location_refused = Signal(float, float, object)  # lon, lat, Refusal
    connection_lost = Signal(object)  # datetime (aware) since when
    connection_restored = Signal()
    refreshed = Signal(int)  # after a re-read caused by the feed: the newest seq seen

    BUSY_RATE = 20  # watched changes per second above which re-reads are coalesced
    BUSY_GAP = 1.0

    def __init__(
        self,
        url: str,
        region_code: str,
        *,
        follow_feed: bool = True,
        refresh_every: float = 30.0,
    ) -> None:
        super().__init__(region_code)
        self._url = url
        self._follow = follow_feed
        self._refresh_every = refresh_every
        # Worker-side state (only the worker touches these after start()).
        self._w_filter = QueueFilter()
        self._w_selected: int | None = None

    # -- control (GUI thread) -----------------------------------------------------

    def login(self, login: str, password: str) -> None:
        """Check the password in the worker; login_succeeded (and actor_changed) or
        login_failed follow."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with factory() as s:
                    actor = accounts.authenticate(s, login, password)
            except Refused as exc:
                self.login_failed.emit(_refusal(exc))
                return
            self._switch_actor(factory, actor)
            self.login_succeeded.emit(actor)

        self._post(job)

    def logout(self) -> None:
        self.set_actor(None)

    def set_filter(self, flt: QueueFilter) -> None:
        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            self._w_filter = flt
            self._read_queue(factory)

        self._post(job)

    def select(self, incident_id: int | None) -> None:
        """Read one case (its detail follows the feed while it stays selected)."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            self._w_selected = incident_id
            self._read_detail(factory)

        self._post(job)

    def refresh(self) -> None:
        self._post(lambda e, f: self._read_all(f))

    def perform(
        self, incident_id: int, expected_version: int, action: str, note: str = "",
        **params: Any,
    ) -> None:  # fmt: skip
        """One lifecycle action (accept … answer) on the case as the console showed it."""

        def write(factory: sessionmaker[Session], actor: Actor) -> IncidentDetail:
            return incidents.perform(
                factory, actor, incident_id, expected_version, action, note, **params
            )

        self._post(self._action_job(action, incident_id, write))

    def supervise(
        self, incident_id: int, expected_version: int, deadline: datetime, note: str
    ) -> None:
        """督办 with a deadline (naive UTC) and what is pressed for."""

        def write(factory: sessionmaker[Session], actor: Actor) -> IncidentDetail:
            return incidents.supervise_in(
                factory, actor, incident_id, expected_version, deadline, note
            )

        self._post(self._action_job("supervise", incident_id, write))

    def follow_up(self, incident_id: int, texts: list[str]) -> None:
        """举一反三: tasks linked to a resolved or closed case."""

        def write(factory: sessionmaker[Session], actor: Actor) -> IncidentDetail:
            if not any(t.strip() for t in texts):
                raise InvalidInput("a follow-up task needs a description", code="description")
            incidents.follow_up_in(factory, actor, incident_id, [t for t in texts if t.strip()])
            with factory() as s:
                return incidents.detail(s, actor, incident_id)

        self._post(self._action_job("follow_up", incident_id, write))

    def report(self, new: HotlineReport) -> None:
        """Take a hotline report in; report_done(id) or report_refused(Refusal)."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            assert actor is not None
            try:
                grid_id = None
                if new.grid_code.strip():
                    with factory() as s:
                        grid_id = grid_id_for_code(s, new.grid_code.strip())
                inc_id = incidents.report_in(factory, actor, NewIncident(
                    category=new.category, description=new.description, channel=new.channel,
                    priority=new.priority, grid_id=grid_id, lon=new.lon, lat=new.lat,
                    reporter=new.reporter, address=new.address,
                ))  # fmt: skip
            except Refused as exc:
                self.report_refused.emit(_refusal(exc))
                return
            except Exception:
                self.report_refused.emit(Refusal("db_error", "database unavailable"))
                raise
            self.report_done.emit(inc_id)
            self._read_all(factory)

        self._post(job)

    def locate(self, lon: float, lat: float) -> None:
        """Which grid cell holds a map position (for the hotline form)."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with factory() as s:
                    code = incidents.grid_at(s, lon, lat).code
            except Refused as exc:
                self.location_refused.emit(lon, lat, _refusal(exc))
                return
            self.location_ready.emit(lon, lat, code)

        self._post(job)

    # -- worker thread -------------------------------------------------------------

    def _action_job(
        self, action: str, incident_id: int,
        write: Callable[[sessionmaker[Session], Actor], IncidentDetail],
    ) -> Job:  # fmt: skip
        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            assert actor is not None
            try:
                after = write(factory, actor)
            except StaleState as exc:
                current = exc.current
                view = self._case_view(factory, current) if current is not None else None
                self.action_refused.emit(action, replace(_refusal(exc), current=view))
                if view is not None and self._w_selected == incident_id:
                    self.detail_ready.emit(view)
                self._read_queue(factory)
                return
            except Refused as exc:
                self.action_refused.emit(action, _refusal(exc))
                return
            except Exception:
                self.action_refused.emit(action, Refusal("db_error", "database unavailable"))
                raise  # the loop reports the lost connection and retries reads
            view = self._case_view(factory, after)
            self.action_done.emit(action, view)
            if self._w_selected == incident_id:
                self.detail_ready.emit(view)
            self._read_queue(factory)
            self._read_counts(factory)

        return job

    def _actor_switched(self, factory: sessionmaker[Session], actor: Actor) -> None:
        targets: tuple[RouteTarget, ...] = ()
        if actor.may("handle"):
            with factory() as s:
                targets = incidents.route_targets(s, actor)
        self.targets_ready.emit(targets)
        self._read_all(factory)

    def _run(self) -> None:
        engine = make_engine(self._url)
        factory = session_factory(engine)
        watch = ConnectionWatch(self.connection_lost, self.connection_restored)
        gate = BurstGate(self.BUSY_RATE, self.BUSY_GAP)
        last_read = time.monotonic()
        dirty = False
        dirty_since = 0.0
        while not self._stop.is_set():
            try:
                if self._w_actor is None:
                    self._switch_actor(factory, None)
                    last_read = time.monotonic()
                batch = self._jobs_then_changes(engine, factory, 0.1)
                now = time.monotonic()
                watched = sum(1 for c in batch if c.entity in WATCHED)
                if watched:
                    if not dirty:
                        dirty_since = now
                    dirty = True
                    gate.note(now, watched)
                due = now - last_read >= self._refresh_every
                # A short settle lets the wall's own worker read the same commit first.
                settled = dirty and now - dirty_since >= SETTLE_S
                if (settled and now - last_read >= gate.min_gap(now)) or due or watch.down:
                    self._read_all(factory)
                    last_read = time.monotonic()
                    if dirty and self._sub is not None:
                        self.refreshed.emit(self._sub.position)
                    dirty = False
                watch.ok()
            except Exception:  # noqa: BLE001 - any database failure: degrade, retry
                watch.failed(engine, self._stop)
        self._close_feed()
        engine.dispose()

    def _read_all(self, factory: sessionmaker[Session]) -> None:
        self._read_queue(factory)
        self._read_counts(factory)
        self._read_detail(factory)

    def _read_queue(self, factory: sessionmaker[Session]) -> None:
        actor = self._w_actor
        if actor is None:
            return
        now = models.utcnow()
        with factory() as s:
            rows = incidents.queue(s, actor, self._w_filter, now=now)
        self.queue_ready.emit(QueueView(self._w_filter, rows, now, datetime.now(UTC)))

    def _read_counts(self, factory: sessionmaker[Session]) -> None:
        actor = self._w_actor
        if actor is None:
            return
        with factory() as s:
            self.counts_ready.emit(incidents.counts(s, actor))

    def _read_detail(self, factory: sessionmaker[Session]) -> None:
        actor, selected = self._w_actor, self._w_selected
        if actor is None or selected is None:
            return
        try:
            with factory() as s:
                d = incidents.detail(s, actor, selected)
        except Refused as exc:
            self.detail_refused.emit(selected, _refusal(exc))
            return
        self.detail_ready.emit(self._case_view(factory, d))

    def _case_view(self, factory: sessionmaker[Session], d: IncidentDetail) -> CaseView:
        with factory() as s:
            return CaseView(d, target_names(s, d))


# --------------------------------------------------------------------------- helpers
# Small reads the views need and services do not offer; they run in the worker only.


def grid_id_for_code(session: Session, code: str) -> int:
    """The id of the grid cell with this code (网格编码), or InvalidInput."""
    grid_id = session.scalar(select(models.GridCell.id).where(models.GridCell.code == code))
    if grid_id is None:
        raise InvalidInput(f"no grid cell with code {code!r}", code="no_grid_code", grid=code)
    return int(grid_id)


def target_names(session: Session, d: IncidentDetail) -> dict[str, str]:
    """Names for the "center:ID" / "department:ID" targets in a case's timeline."""
    ids: dict[str, set[int]] = {"center": set(), "department": set()}
    for e in d.events:
        kind, _, raw = e.target.partition(":")
        if kind in ids and raw.isdigit():
            ids[kind].add(int(raw))
    names: dict[str, str] = {}
    if ids["center"]:
        cc = models.CommandCenter
        for i, n in session.execute(select(cc.id, cc.name).where(cc.id.in_(ids["center"]))):
            names[f"center:{i}"] = n
    if ids["department"]:
        dp = models.Department
        for i, n in session.execute(select(dp.id, dp.name).where(dp.id.in_(ids["department"]))):
            names[f"department:{i}"] = n
    return names


def _refusal(exc: Refused) -> Refusal:
    return Refusal(exc.code, exc.message, dict(exc.params))
