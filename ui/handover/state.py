"""The handover console's state: a worker (ui.kit.worker) reads and writes, the GUI only
receives.

The worker runs the requests the views post (select a shift, search, the sign-off steps,
duty-log entries, check-in, loading a replay) one at a time in order, as the account the
console hands it, and follows the change feed: when a handover, its events, the duty log
or the roster change elsewhere, it re-reads the selected shift and the review list. The
page and what may be done on it come from services.handover.page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import accounts, handover
from services.accounts import Actor
from services.errors import Refused, StaleState
from services.handover import duty_log, roster
from services.handover import page as shift_pages
from services.handover.page import ShiftPage
from services.handover.policy import HandoverPolicy
from services.store import models
from services.store.runtime import Runtime
from ui.kit.refusal import DB_UNAVAILABLE, Refusal
from ui.kit.worker import Worker

WATCHED = frozenset({"handover", "handover_event", "duty_log", "shift"})


class HandoverState(Worker):
    """Handover, duty log, review list and replay of one center, read and written off the
    GUI thread; follows the change feed so the other officer's signature shows at once."""

    THREAD_NAME = "handover-state"
    WATCHES = frozenset({"handover", "handover_event", "duty_log", "shift"})
    REFRESH_EVERY = 30.0  # what may be done depends on the time (the shift's end)

    actor_changed = Signal(object)  # Actor
    page_ready = Signal(object)  # ShiftPage
    page_refused = Signal(object)  # Refusal
    list_ready = Signal(object)  # tuple[HandoverRow, ...]
    action_done = Signal(str, object)  # action, ShiftPage after it
    action_refused = Signal(str, object)  # action, Refusal
    replay_ready = Signal(object)  # ReplayData

    def __init__(
        self,
        runtime: Runtime | str,
        center_code: str | None = None,
        *,
        policy: HandoverPolicy,
        tz: str = roster.DEFAULT_TZ,
        follow_feed: bool = True,
        clock: Callable[[], datetime] = models.utcnow,
    ) -> None:
        """`policy`: the configured handover rules (Policies.handover, built once)."""
        super().__init__(runtime, follow_feed=follow_feed)
        self._policy = policy
        self._center_code = center_code
        self._tz = tz
        self._clock = clock
        # Worker-side state.
        self._w_actor: Actor | None = None
        self._w_center: int | None = None
        self._w_shift: int | None = None
        self._w_search = handover.HandoverSearch()
        self._w_page: ShiftPage | None = None

    # -- control (GUI thread) -----------------------------------------------------

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

    def submit(self, notes: str) -> None:
        self._write("submit", lambda s, a, p: handover.submit(
            s, a, p.shift.id, notes, now=self._clock(), tz=self._tz,
            window=self._policy.submit_window))  # fmt: skip

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
        """签到 to the shift the page offers (this one, or the next for its incoming officer)."""
        self._write("check_in", lambda s, a, p: roster.check_in(
            s, a, p.check_in_shift or p.shift.id, now=self._clock()))  # fmt: skip

    def load_replay(self, shift_id: int | None = None) -> None:
        """Read the timelines of a shift once (default: the shown one); replay_ready follows."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            sid = shift_id or (self._w_page.shift.id if self._w_page else None)
            if sid is None or self._w_center is None:
                return
            with factory() as s:
                data = shift_pages.load_replay(s, self._w_center, sid, self._tz)
            if data is not None:
                self.replay_ready.emit(data)

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
                self.action_refused.emit(action, Refusal.of(exc))
                self._read_all(factory)
                return
            except Refused as exc:
                self.action_refused.emit(action, Refusal.of(exc))
                return
            except Exception:
                self.action_refused.emit(action, DB_UNAVAILABLE)
                raise
            # The person stays on the shift they acted on (the default page may move on:
            # after signing, the incoming officer's own shift would be the first to show).
            self._w_shift = page.shift.id
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
                code = shift_pages.region_code_of_center(s, self._w_center)
                assert code is not None
                actor = accounts.viewer_for_region(s, code)
        self._w_actor = actor
        self.actor_changed.emit(actor)
        self._read_all(factory)

    def on_started(self) -> None:
        if self._w_actor is None:
            self._switch(self.factory, None)

    def reread(self) -> None:
        self._read_all(self.factory)

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
            self.page_refused.emit(Refusal.of(exc))
            return
        if page is None:
            self.page_refused.emit(Refusal("no_shift", "no ended shift"))
            return
        self._w_page = page
        self.page_ready.emit(page)

    def _page(self, s: Session, actor: Actor, center_id: int, now: datetime) -> ShiftPage | None:
        return shift_pages.shift_page(s, actor, center_id, self._w_shift, now, self._tz,
                                      self._policy)  # fmt: skip


def _hid(page: ShiftPage) -> int:
    if page.handover is None:
        raise StaleState("the handover is not submitted yet")
    return page.handover.id


def _ver(page: ShiftPage) -> int:
    assert page.handover is not None
    return page.handover.version
