"""The dispatch panel's state: one worker thread reads and writes, the GUI only receives.

Same shape as ui/wall/live.py and ui/incidents/state.py. The worker owns its engine and the
signed-in `Actor`, runs the requests the panel posts (propose, dispatch, steps, plan
activation and items) one at a time in order, and follows the change feed: when a
resource, dispatch, plan activation, risk alert or place changes it re-reads the board,
the surge proposals and the center's activations (bursts coalesced to one read a second
under load). Every `surge_every` seconds it also runs the capacity watch for its region
(services.dispatch.surge.check), which raises the capacity alert through services.risk.
Refusals come back as `Refusal` values with the service's code, so the panel shows a
Chinese sentence; a lost race carries the state as it is now.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import dispatch
from services.accounts import Actor
from services.dispatch import plans as response_plans
from services.dispatch import surge
from services.dispatch.units import Candidate, DispatchPolicy, Proposal
from services.errors import Refused
from services.store.db import make_engine, session_factory
from ui.kit.feed_support import ActingWorker, BurstGate, ConnectionWatch

WATCHED = frozenset({"resource", "dispatch", "plan_activation", "risk_alert", "place"})


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the service's code, parameters and, for a lost race,
    what it is now (a UnitRow, DispatchRow or ActivationView)."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    current: Any = None


@dataclass(frozen=True)
class ProposalView:
    """A proposal for an incident: the units proposed (checked) and the next nearest
    of the same kinds (unchecked) for the officer to pick instead."""

    proposal: Proposal
    plan: response_plans.PlanRef | None
    others: tuple[Candidate, ...]


def _refusal(exc: Refused) -> Refusal:
    return Refusal(exc.code, exc.message, dict(exc.params), getattr(exc, "current", None))




class DispatchState(ActingWorker):
    """Bridge between the dispatch worker and the panel (signals are queued to the GUI)."""

    THREAD_NAME = "dispatch-state"

    board_ready = Signal(object)  # dispatch.DispatchBoard
    surge_ready = Signal(object)  # tuple[surge.SurgeProposal, ...]
    activations_ready = Signal(object)  # tuple[response_plans.ActivationView, ...]
    proposal_ready = Signal(object)  # ProposalView
    done = Signal(str, object)  # action, result
    refused = Signal(str, object)  # action, Refusal
    connection_lost = Signal(object)  # datetime (aware) since when
    connection_restored = Signal()
    refreshed = Signal(int)  # a re-read caused by the feed: newest seq seen

    BUSY_RATE = 5  # units move all the time; the board shows minutes in state
    BUSY_GAP = 3.0

    def __init__(
        self,
        url: str,
        region_code: str,
        *,
        policy: DispatchPolicy = dispatch.DEFAULT_POLICY,
        surge_policy: surge.SurgePolicy = surge.DEFAULT_POLICY,
        follow_feed: bool = True,
        refresh_every: float = 30.0,
        surge_every: float | None = 15.0,
    ) -> None:
        super().__init__(region_code)
        self._url = url
        self.policy = policy
        self._surge_policy = surge_policy
        self._follow = follow_feed
        self._refresh_every = refresh_every
        self._surge_every = surge_every

    # -- control (GUI thread) -----------------------------------------------------

    def refresh(self) -> None:
        self._post(lambda e, f: self._read_all(e, f, watch=True))

    def propose(self, incident_id: int, extra: int = 5) -> None:
        """The units an incident needs (plan or category), plus `extra` next nearest."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            assert actor is not None
            try:
                with factory() as s:
                    prop, plan = response_plans.propose_for_incident(
                        s, actor, incident_id, policy=self.policy)  # fmt: skip
                    others = dispatch.nearest_available(
                        s, actor, prop.incident_lon, prop.incident_lat, prop.kinds, None, extra,
                        policy=self.policy, exclude=[c.resource_id for c in prop.candidates],
                    ) if extra else ()  # fmt: skip
            except Refused as exc:
                self.refused.emit("propose", _refusal(exc))
                return
            self.proposal_ready.emit(ProposalView(prop, plan, others))

        self._post(job)

    def dispatch(self, incident_id: int, units: list[tuple[int, int]], note: str = "") -> None:
        """Send these (unit id, version as proposed) to an incident, all or none."""
        self._write("dispatch", lambda f, a: dispatch.dispatch_units(
            f, a, incident_id, units, note=note))  # fmt: skip

    def advance(self, dispatch_id: int, expected_version: int | None, step: str) -> None:
        """Record a step heard on the radio (acknowledge, arrive, clear, return, cancel)."""
        self._write(step, lambda f, a: dispatch.advance(
            f, a, dispatch_id, step, expected_version=expected_version))  # fmt: skip

    def set_available(self, resource_id: int, available: bool) -> None:
        self._write("availability", lambda f, a: dispatch.set_available(
            f, a, resource_id, available))  # fmt: skip

    def activate_plan(self, plan_id: int, *, incident_id: int | None = None,
                      alert_id: int | None = None) -> None:  # fmt: skip
        self._write("activate", lambda f, a: response_plans.activate(
            f, a, plan_id, incident_id=incident_id, alert_id=alert_id, policy=self.policy))  # fmt: skip

    def decide(self, activation_id: int, expected_version: int | None, idx: int,
               confirm: bool) -> None:  # fmt: skip
        self._write("confirm" if confirm else "decline", lambda f, a: response_plans.decide(
            f, a, activation_id, idx, confirm, expected_version=expected_version))  # fmt: skip

    def substitute(self, activation_id: int, idx: int) -> None:
        self._write("substitute", lambda f, a: response_plans.substitute(
            f, a, activation_id, idx, policy=self.policy))  # fmt: skip

    def close_activation(self, activation_id: int) -> None:
        self._write("close_plan", lambda f, a: response_plans.close_activation(
            f, a, activation_id))  # fmt: skip

    # -- worker thread -------------------------------------------------------------

    def _write(self, action: str, work: Callable[[sessionmaker[Session], Actor], Any]) -> None:
        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            assert actor is not None
            try:
                result = work(factory, actor)
            except Refused as exc:
                self.refused.emit(action, _refusal(exc))
                self._read_all(engine, factory)
                return
            except Exception:
                self.refused.emit(action, Refusal("db_error", "database unavailable"))
                raise
            self.done.emit(action, result)
            self._read_all(engine, factory)

        self._post(job)

    def _run(self) -> None:
        engine = make_engine(self._url)
        factory = session_factory(engine)
        health = ConnectionWatch(self.connection_lost, self.connection_restored)
        gate = BurstGate(self.BUSY_RATE, self.BUSY_GAP)
        last_read = 0.0
        last_watch = 0.0
        dirty = True
        while not self._stop.is_set():
            try:
                if self._w_actor is None:
                    self._switch_actor(factory, None)
                batch = self._jobs_then_changes(engine, factory, 0.1)
                now = time.monotonic()
                watched = sum(1 for c in batch if c.entity in WATCHED)
                if watched:
                    dirty = True
                    gate.note(now, watched)
                watch = self._surge_every is not None and now - last_watch >= self._surge_every
                due = now - last_read >= self._refresh_every
                if (dirty and now - last_read >= gate.min_gap(now)) or due or watch or health.down:
                    self._read_all(engine, factory, watch=watch)
                    last_read = time.monotonic()
                    if watch:
                        last_watch = last_read
                    if dirty and self._sub is not None:
                        self.refreshed.emit(self._sub.position)
                    dirty = False
                health.ok()
            except Exception:  # noqa: BLE001 - any database failure: degrade, retry
                health.failed(engine, self._stop)
        self._close_feed()
        engine.dispose()

    def _read_all(self, engine: Engine, factory: sessionmaker[Session],
                  watch: bool = False) -> None:  # fmt: skip
        actor = self._w_actor
        if actor is None:
            return
        with factory() as s:
            self.board_ready.emit(dispatch.board(s, actor, policy=self.policy))
        with factory() as s:
            if watch:
                proposals = surge.check(engine, s, actor, policy=self._surge_policy)
            else:
                proposals = surge.watch(s, actor, policy=self._surge_policy)
            self.surge_ready.emit(proposals)
        with factory() as s:
            self.activations_ready.emit(response_plans.activations(s, actor))
