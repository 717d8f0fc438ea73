"""The handover console's state: a worker thread reads and writes, the GUI only receives.

Same shape as ui/wall/live.py and ui/incidents/state.py: the worker owns the engine and the
signed-in `Actor`, runs the requests the views post (login, select a shift, search, the
sign-off steps, duty-log entries, check-in, loading a replay) one at a time in order, and
follows the change feed: when a handover, its events, the duty log or the roster change,
it re-reads the selected shift and the review list. Results reach the GUI thread as plain
frozen values through queued signals; refusals as `Refusal` values with the service's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import accounts, handover
from services.accounts import Actor
from services.errors import Refused, StaleState
from services.handover import duty_log, replay, roster
from services.store import models
from services.store.db import make_engine, session_factory
from ui.kit.feed_support import ConnectionWatch, JobWorker

WATCHED = frozenset({"handover", "handover_event", "duty_log", "shift"})


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ShiftPage:
    """One shift as the handover panel shows it."""

    center_id: int
    center_name: str
    shift: roster.ShiftInfo
    incoming: roster.ShiftInfo | None
    handover: handover.HandoverView | None
    report: handover.HandoverReport  # the frozen snapshot if submitted, else a draft now
    frozen: bool
    log: tuple[duty_log.LogEntry, ...]
    allowed: frozenset[str]  # submit / reject / answer / accept / write_log / check_in
    now: datetime
    shifts: tuple[roster.ShiftInfo, ...]  # the roster around it, for the selector


@dataclass(frozen=True)
class ReplayData:
    shift: roster.ShiftInfo
    region_code: str
    replay: replay.ShiftReplay  # pure in-memory: each moment is computed without the database


def allowed_actions(page_shift: roster.ShiftInfo, incoming: roster.ShiftInfo | None,
                    view: handover.HandoverView | None, staff_id: int | None, actor: Actor,
                    center_id: int, now: datetime) -> frozenset[str]:  # fmt: skip
    """What the signed-in person may do on this shift (the services decide; this only
    hides buttons that would be refused)."""
    if not actor.may("handle") or actor.center_id != center_id or staff_id is None:
        return frozenset()
    out: set[str] = set()
    outgoing = page_shift.is_officer(staff_id)
    taking_over = incoming is not None and incoming.is_officer(staff_id)
    status = view.status if view is not None else None
    if status != "accepted" and page_shift.on_roster(staff_id):
        out.add("write_log")
    if page_shift.checked_in_at is None and outgoing and not page_shift.ended(now):
        out.add("check_in")
    if outgoing and page_shift.ended(now) and status is None:
        out.add("submit")
    if outgoing and status == "rejected":
        out.add("answer")
    if taking_over and status == "submitted" and view is not None and not outgoing:
        out.update(("accept", "reject"))
    return frozenset(out)


class HandoverState(JobWorker):
    """Handover, duty log, review list and replay of one center, read and written off the
    GUI thread; follows the change feed so the other officer's signature shows at once."""

    THREAD_NAME = "handover-state"

    actor_changed = Signal(object)  # Actor
    login_failed = Signal(object)  # Refusal
    page_ready = Signal(object)  # ShiftPage
    page_refused = Signal(object)  # Refusal
    list_ready = Signal(object)  # tuple[HandoverRow, ...]
    action_done = Signal(str, object)  # action, ShiftPage after it
    action_refused = Signal(str, object)  # action, Refusal
    replay_ready = Signal(object)  # ReplayData
    connection_lost = Signal(object)
    connection_restored = Signal()

    def __init__(
        self,
        url: str,
        center_code: str | None = None,
        *,
        tz: str = roster.DEFAULT_TZ,
        follow_feed: bool = True,
        clock: Callable[[], datetime] = models.utcnow,
    ) -> None:
        super().__init__()
        self._url = url
        self._center_code = center_code
        self._tz = tz
        self._follow = follow_feed
        self._clock = clock
        # Worker-side state.
        self._w_actor: Actor | None = None
        self._w_center: int | None = None
        self._w_shift: int | None = None
        self._w_search = handover.HandoverSearch()
        self._w_page: ShiftPage | None = None

    # -- control (GUI thread) -----------------------------------------------------

    def login(self, login: str, password: str) -> None:
        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            try:
                with factory() as s:
                    actor = accounts.authenticate(s, login, password)
            except Refused as exc:
                self.login_failed.emit(_refusal(exc))
                return
            self._switch(factory, actor)

        self._post(job)

    def set_actor(self, actor: Actor | None) -> None:
        """Act as this account (signed in elsewhere); None: the read-only viewer."""
        self._post(lambda e, f: self._switch(f, actor))

    def select_shift(self, shift_id: int | None) -> None:
        """Show a shift (None: the center's last ended shift)."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            self._w_shift = shift_id
            self._read_page(factory)

        self._post(job)

    def search(self, search: handover.HandoverSearch) -> None:
        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            self._w_search = search
            self._read_list(factory)

        self._post(job)

    def refresh(self) -> None:
        self._post(lambda e, f: self._read_all(f))

    def submit(self, notes: str) -> None:
        self._write("submit", lambda s, a, p: handover.submit(
            s, a, p.shift.id, notes, now=self._clock(), tz=self._tz))  # fmt: skip

    def reject(self, reason: str) -> None:
        self._write("reject", lambda s, a, p: handover.reject(
            s, a, _hid(p), _ver(p), reason, now=self._clock()))  # fmt: skip

    def answer(self, text: str) -> None:
        self._write("answer", lambda s, a, p: handover.answer(
            s, a, _hid(p), _ver(p), text, now=self._clock(), tz=self._tz))  # fmt: skip

    def accept(self, note: str = "") -> None:
        self._write("accept", lambda s, a, p: handover.accept(
            s, a, _hid(p), _ver(p), note, now=self._clock()))  # fmt: skip

    def write_log(self, kind: str, text: str, corrects_id: int | None = None) -> None:
        self._write("write_log", lambda s, a, p: duty_log.write(
            s, a, p.shift.id, kind, text, corrects_id=corrects_id, now=self._clock()))  # fmt: skip

    def check_in(self) -> None:
        self._write("check_in", lambda s, a, p: roster.check_in(s, a, p.shift.id,
                                                                now=self._clock()))  # fmt: skip

    def load_replay(self, shift_id: int | None = None) -> None:
        """Read the timelines of a shift once (default: the shown one); replay_ready follows."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            sid = shift_id or (self._w_page.shift.id if self._w_page else None)
            if sid is None or self._w_center is None:
                return
            with factory() as s:
                info = roster.shift(s, sid)
                center = s.get(models.CommandCenter, self._w_center)
                region = s.get(models.Region, center.region_id) if center else None
                if region is None:
                    return
                rp = replay.load(s, region.adcode, info.starts_at, info.ends_at, tz=self._tz)
            self.replay_ready.emit(ReplayData(info, region.adcode, rp))

        self._post(job)

    # -- worker thread -------------------------------------------------------------

    def _write(self, action: str,
               work: Callable[[Session, Actor, ShiftPage], object]) -> None:  # fmt: skip
        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor, page = self._w_actor, self._w_page
            if actor is None or page is None:
                self.action_refused.emit(action, Refusal("no_page", "nothing selected"))
                return
            try:
                handover.run(factory, lambda s: work(s, actor, page),
                             lambda s: handover.view(s, page.shift.id))  # fmt: skip
            except StaleState as exc:
                self.action_refused.emit(action, _refusal(exc))
                self._read_all(factory)
                return
            except Refused as exc:
                self.action_refused.emit(action, _refusal(exc))
                return
            except Exception:
                self.action_refused.emit(action, Refusal("db_error", "database unavailable"))
                raise
            self._read_page(factory)
            if self._w_page is not None:
                self.action_done.emit(action, self._w_page)
            self._read_list(factory)

        self._post(job)

    def _switch(self, factory: sessionmaker[Session], actor: Actor | None) -> None:
        with factory() as s:
            if self._w_center is None:
                self._w_center = handover.center_of_code(s, self._center_code)
            if actor is None:
                center = s.get(models.CommandCenter, self._w_center)
                region = s.get(models.Region, center.region_id) if center else None
                assert region is not None
                actor = accounts.viewer_for_region(s, region.adcode)
        self._w_actor = actor
        self.actor_changed.emit(actor)
        self._read_all(factory)

    def _run(self) -> None:
        engine = make_engine(self._url)
        factory = session_factory(engine)
        health = ConnectionWatch(self.connection_lost, self.connection_restored)
        while not self._stop.is_set():
            try:
                if self._w_actor is None:
                    self._switch(factory, None)
                batch = self._jobs_then_changes(engine, factory, 0.2)
                if any(c.entity in WATCHED for c in batch) or health.down:
                    self._read_all(factory)
                health.ok()
            except Exception:  # noqa: BLE001 - any database failure: degrade, retry
                health.failed(engine, self._stop)
        self._close_feed()
        engine.dispose()

    def _read_all(self, factory: sessionmaker[Session]) -> None:
        self._read_page(factory)
        self._read_list(factory)

    def _read_list(self, factory: sessionmaker[Session]) -> None:
        if self._w_center is None:
            return
        with factory() as s:
            rows = handover.handovers(s, self._w_center, self._w_search, now=self._clock(),
                                      tz=self._tz)  # fmt: skip
        self.list_ready.emit(rows)

    def _read_page(self, factory: sessionmaker[Session]) -> None:
        actor, center_id = self._w_actor, self._w_center
        if actor is None or center_id is None:
            return
        now = self._clock()
        try:
            with factory() as s:
                page = self._page(s, actor, center_id, now)
        except Refused as exc:
            self.page_refused.emit(_refusal(exc))
            return
        if page is None:
            self.page_refused.emit(Refusal("no_shift", "no ended shift"))
            return
        self._w_page = page
        self.page_ready.emit(page)

    def _page(self, s: Session, actor: Actor, center_id: int, now: datetime) -> ShiftPage | None:
        if self._w_shift is not None:
            info: roster.ShiftInfo | None = roster.shift(s, self._w_shift)
        else:
            info = roster.last_ended_shift(s, center_id, now)
        if info is None:
            return None
        center = s.get(models.CommandCenter, center_id)
        assert center is not None
        incoming = roster.next_shift(s, info.id)
        view = handover.view(s, info.id)
        frozen = view is not None and view.report is not None
        report = view.report if view is not None and view.report is not None else (
            handover.build_report(s, center_id, info.id, now=now, tz=self._tz))  # fmt: skip
        staff_id = roster.staff_of(s, actor) if actor.user_id is not None else None
        around = roster.shifts(s, center_id, info.starts_at - (info.ends_at - info.starts_at) * 8,
                               info.ends_at + (info.ends_at - info.starts_at) * 3)  # fmt: skip
        return ShiftPage(
            center_id=center_id, center_name=center.name, shift=info, incoming=incoming,
            handover=view, report=report, frozen=frozen, log=duty_log.entries(s, info.id),
            allowed=allowed_actions(info, incoming, view, staff_id, actor, center_id, now),
            now=now, shifts=tuple(around),
        )  # fmt: skip


def _hid(page: ShiftPage) -> int:
    if page.handover is None:
        raise StaleState("the handover is not submitted yet")
    return page.handover.id


def _ver(page: ShiftPage) -> int:
    assert page.handover is not None
    return page.handover.version


def _refusal(exc: Refused) -> Refusal:
    return Refusal(exc.code, exc.message, dict(exc.params))
