"""The incident console's state: one worker (ui.kit.worker) reads and writes, the GUI only
receives.

The worker acts as the signed-in `Actor`; it runs the requests the views post (login,
filter, select, actions, hotline reports) one at a time in order (one writer lane), and
follows the change feed: when another console's incident, incident_event or supervision
changes arrive it re-reads the queue, the counts and the selected case (bursts coalesced
to one read a second under load). An action costs two sessions: the write (which also
reads the case as written) and one read of the queue and counts; its own echo on the feed
is not read again. Every result reaches
the GUI thread as a plain frozen value through a queued signal. Refusals come back as
`Refusal` values carrying the service's code, so views show a Chinese sentence; a stale
action carries the case as it is now and nothing is overwritten.

Before anyone signs in the console acts as the read-only viewer of its region
(`accounts.viewer_for_region`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import incidents
from services.accounts import Actor, LoginPolicy
from services.errors import InvalidInput, Refused, StaleState
from services.incidents import attachments
from services.incidents import intake as intake_info
from services.incidents.attachments import AttachmentRow, AttachmentStore
from services.incidents.cases import (
    IncidentDetail,
    IncidentPolicy,
    IncidentRow,
    NewIncident,
    QueueFilter,
    RouteTarget,
)
from services.incidents.intake import IntakeInfo
from services.store import models
from services.store.runtime import Runtime
from ui.kit.refusal import DB_UNAVAILABLE, Refusal
from ui.kit.worker import ActingWorker, Job


@dataclass(frozen=True)
class CaseView:
    """A case as the detail view shows it: the service's detail plus names for the
    targets its timeline mentions ("center:12" → "西湖街道综治中心"), its photos and, for
    a case another system sent (services.incidents.intake), how it came in and where its
    address was matched."""

    detail: IncidentDetail
    photos: tuple[AttachmentRow, ...] = ()
    intake: IntakeInfo | None = None

    @property
    def target_names(self) -> Mapping[str, str]:
        return self.detail.target_names

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
    total: int = -1  # cases in the whole queue (a COUNT); the rows are one page of them


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
    submit_key: str = ""  # made by the form per call; the same on a resubmit


class IncidentState(ActingWorker):
    """Bridge between the incident worker and the views (signals are queued to the GUI)."""

    THREAD_NAME = "incident-state"
    WATCHES = frozenset({"incident", "incident_event", "supervision"})
    SETTLE = 0.2  # a short settle lets the wall's own worker read the same commit first
    BUSY_RATE = 20  # watched changes per second above which re-reads are coalesced
    BUSY_GAP = 1.0

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
    thumbnails_ready = Signal(int, object)  # incident id, dict[attachment id, QImage]
    photo_ready = Signal(int, int, object)  # incident id, attachment id, QImage (full size)
    photo_refused = Signal(int, object)  # attachment id, Refusal (e.g. the file is missing)

    THUMB = (160, 120)  # px, the longest side fits

    def __init__(
        self,
        runtime: Runtime | str,
        region_code: str,
        *,
        policy: IncidentPolicy,
        login_policy: LoginPolicy,
        follow_feed: bool = True,
        refresh_every: float = 30.0,
        photos: AttachmentStore | None = None,
    ) -> None:
        """`photos`: where the intake service keeps the cases' photos (None: listed only)."""
        super().__init__(runtime, region_code, login_policy=login_policy,
                         follow_feed=follow_feed, refresh_every=refresh_every)  # fmt: skip
        self.policy = policy
        self.photos = photos
        # The selected case's photos and intake record as last read (an action's answer
        # keeps them: it changes neither), and the photos whose thumbnails were sent.
        self._w_extras: tuple[int, tuple[AttachmentRow, ...], IntakeInfo | None] | None = None
        self._w_thumbs: tuple[int, tuple[int, ...]] | None = None
        # Worker-side state (only the worker touches these after start()).
        self._w_filter = QueueFilter()
        self._w_selected: int | None = None

    # -- control (GUI thread) -----------------------------------------------------

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

    def perform(
        self, incident_id: int, expected_version: int, action: str, note: str = "",
        **params: Any,
    ) -> None:  # fmt: skip
        """One lifecycle action (accept … answer) on the case as the console showed it."""

        def write(factory: sessionmaker[Session], actor: Actor) -> IncidentDetail:
            return incidents.perform(
                factory, actor, incident_id, expected_version, action, note,
                policy=self.policy, **params,
            )  # fmt: skip

        self._post(self._action_job(action, incident_id, write))

    def supervise(
        self, incident_id: int, expected_version: int, deadline: datetime | timedelta, note: str
    ) -> None:
        """督办 with a deadline (naive UTC, or a time from now on the service's clock) and
        what is pressed for."""

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
            incidents.follow_up_in(factory, actor, incident_id, [t for t in texts if t.strip()],
                                   policy=self.policy)  # fmt: skip
            with factory() as s:
                return incidents.detail(s, actor, incident_id)

        self._post(self._action_job("follow_up", incident_id, write))

    def report(self, new: HotlineReport) -> None:
        """Take a hotline report in; report_done(id) or report_refused(Refusal). A report
        sent again with the same submit key (its first answer lost with the connection)
        answers with the case it was filed as, once."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            assert actor is not None
            try:
                inc_id = incidents.take_call_in(factory, actor, NewIncident(
                    category=new.category, description=new.description, channel=new.channel,
                    priority=new.priority, grid_code=new.grid_code, lon=new.lon, lat=new.lat,
                    reporter=new.reporter, address=new.address,
                    submit_key=new.submit_key or None,
                ), policy=self.policy)  # fmt: skip
            except Refused as exc:
                self.report_refused.emit(Refusal.of(exc))
                return
            except Exception:
                self.report_refused.emit(DB_UNAVAILABLE)
                raise
            self.report_done.emit(inc_id)
            self._read_lists(factory)

        self._post(job)

    def open_photo(self, incident_id: int, attachment_id: int) -> None:
        """One photo of a case at full size: photo_ready or photo_refused."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            if actor is None or self.photos is None:
                self.photo_refused.emit(attachment_id, Refusal("file_missing", ""))
                return
            try:
                with factory() as s:
                    _row, path = attachments.open_attachment(
                        s, actor, incident_id, attachment_id, self.photos
                    )
            except Refused as exc:
                self.photo_refused.emit(attachment_id, Refusal.of(exc))
                return
            image = QImage(str(path))
            if image.isNull():
                self.photo_refused.emit(attachment_id, Refusal("not_an_image", ""))
                return
            self.photo_ready.emit(incident_id, attachment_id, image)

        self._post(job)

    def locate(self, lon: float, lat: float) -> None:
        """Which grid cell holds a map position (for the hotline form)."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with factory() as s:
                    code = incidents.grid_at(s, lon, lat).code
            except Refused as exc:
                self.location_refused.emit(lon, lat, Refusal.of(exc))
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
                view = self._case_view(current) if current is not None else None
                self.action_refused.emit(action, replace(Refusal.of(exc), current=view))
                if view is not None and self._w_selected == incident_id:
                    self.detail_ready.emit(view)
                self._read_lists(factory)
                return
            except Refused as exc:
                self.action_refused.emit(action, Refusal.of(exc))
                return
            except Exception:
                self.action_refused.emit(action, DB_UNAVAILABLE)
                raise  # the loop reports the lost connection and retries reads
            # The case as written (one rebuild of the detail: action_done carries it); the
            # feed's echo of this write is ours and is not read again.
            self.action_done.emit(action, self._case_view(after))
            self._read_lists(factory)

        return job

    def _actor_switched(self, factory: sessionmaker[Session], actor: Actor) -> None:
        targets: tuple[RouteTarget, ...] = ()
        if actor.may("handle"):
            with factory() as s:
                targets = incidents.route_targets(s, actor)
        self.targets_ready.emit(targets)
        self._read_all(factory)

    def reread(self) -> None:
        self._read_all(self.factory)

    def _read_all(self, factory: sessionmaker[Session]) -> None:
        self._read_lists(factory)
        self._read_detail(factory)

    def _read_lists(self, factory: sessionmaker[Session]) -> None:
        """The queue and the counts, in one session."""
        actor = self._w_actor
        if actor is None:
            return
        now = models.utcnow()
        with factory() as s:
            page = incidents.queue_page(s, actor, self._w_filter, now=now)
            counts = incidents.counts(s, actor, now=now)
        self.queue_ready.emit(
            QueueView(self._w_filter, page.rows, now, datetime.now(UTC), page.total)
        )
        self.counts_ready.emit(counts)

    def _read_queue(self, factory: sessionmaker[Session]) -> None:
        actor = self._w_actor
        if actor is None:
            return
        now = models.utcnow()
        with factory() as s:
            page = incidents.queue_page(s, actor, self._w_filter, now=now)
        self.queue_ready.emit(
            QueueView(self._w_filter, page.rows, now, datetime.now(UTC), page.total)
        )

    def _read_detail(self, factory: sessionmaker[Session]) -> None:
        actor, selected = self._w_actor, self._w_selected
        if actor is None or selected is None:
            return
        thumbs: dict[int, QImage] | None = None
        try:
            with factory() as s:  # the case, its photos and intake record: one session
                d = incidents.detail(s, actor, selected)
                photos = attachments.list_attachments(s, actor, selected)
                info = intake_info.intake_info(s, actor, selected)
                ids = tuple(p.id for p in photos)
                if self.photos is not None and self._w_thumbs != (selected, ids):
                    thumbs = self._thumbnails(s, actor, selected, photos)
                    self._w_thumbs = (selected, ids)
        except Refused as exc:
            self.detail_refused.emit(selected, Refusal.of(exc))
            return
        self._w_extras = (selected, photos, info)
        self.detail_ready.emit(CaseView(d, photos, info))
        if thumbs is not None:
            self.thumbnails_ready.emit(selected, thumbs)

    def _case_view(self, d: IncidentDetail) -> CaseView:
        extras = self._w_extras
        if extras is not None and extras[0] == d.row.id:
            return CaseView(d, extras[1], extras[2])
        return CaseView(d)

    def _thumbnails(
        self, s: Session, actor: Actor, incident_id: int, photos: tuple[AttachmentRow, ...]
    ) -> dict[int, QImage]:
        """Small images of a case's photos, decoded here (never on the GUI thread)."""
        assert self.photos is not None
        out: dict[int, QImage] = {}
        w, h = self.THUMB
        for p in photos:
            try:
                _row, path = attachments.open_attachment(s, actor, incident_id, p.id, self.photos)
            except Refused:
                continue  # listed without a picture (its file is missing here)
            image = QImage(str(path))
            if not image.isNull():
                out[p.id] = image.scaled(w, h, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        return out
