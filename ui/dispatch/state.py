"""The dispatch panel's state: one worker (ui.kit.worker) reads and writes, the GUI only
receives.

The worker acts as the signed-in `Actor`, runs the requests the panel posts (propose,
dispatch, steps, plan activation and items) one at a time in order, and follows the
change feed: when another console's resource, dispatch, plan activation, risk alert or
place changes it re-reads the board, the surge proposals and the center's activations
(bursts coalesced to one read every 3 s under load). Every `surge_every` seconds it also runs the capacity watch for its region
(services.dispatch.surge.check), which raises the capacity alert through services.risk.
Refusals come back as `Refusal` values with the service's code, so the panel shows a
Chinese sentence; a lost race carries the state as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services import dispatch
from services.accounts import Actor
from services.dispatch import plans as response_plans
from services.dispatch import surge
from services.dispatch.board import Candidate, CaseFocus, Proposal
from services.errors import Refused
from services.policies import Policies
from services.store.changefeed import Change
from services.store.runtime import Runtime
from ui.kit.refusal import DB_UNAVAILABLE, Refusal
from ui.kit.worker import ActingWorker

WATCHED = frozenset({"resource", "dispatch", "plan_activation", "risk_alert", "place"})


@dataclass(frozen=True)
class ProposalView:
    """A proposal for an incident: the units proposed (checked) and the next nearest
    of the same kinds (unchecked) for the officer to pick instead; `focus` says whether
    this account may dispatch to the case now; `reason` why it was asked for
    ("selected": the officer picked the case, "plan": a plan was started for it)."""

    proposal: Proposal
    plan: response_plans.PlanRef | None
    others: tuple[Candidate, ...]
    focus: CaseFocus | None = None
    reason: str = "selected"


@dataclass(frozen=True)
class FocusLost:
    """The case in focus can no longer take units (closed here or on another console):
    the proposal is withdrawn. `refusal` says why, in the refusal kit's codes."""

    incident_id: int
    refusal: Refusal


class DispatchState(ActingWorker):
    """Bridge between the dispatch worker and the panel (signals are queued to the GUI)."""

    THREAD_NAME = "dispatch-state"
    WATCHES = frozenset({"resource", "dispatch", "plan_activation", "risk_alert", "place",
                         "incident"})  # fmt: skip
    """Incidents only for the case in focus: others' changes are dropped as they arrive."""
    BUSY_RATE = 5  # units move all the time; the board shows minutes in state
    BUSY_GAP = 3.0

    board_ready = Signal(object)  # dispatch.DispatchBoard
    surge_ready = Signal(object)  # tuple[surge.SurgeProposal, ...]
    activations_ready = Signal(object)  # tuple[response_plans.ActivationView, ...]
    proposal_ready = Signal(object)  # ProposalView
    focus_lost = Signal(object)  # FocusLost: the proposal's case closed
    done = Signal(str, object)  # action, result
    refused = Signal(str, object)  # action, Refusal

    def __init__(
        self,
        runtime: Runtime | str,
        region_code: str,
        *,
        policies: Policies,
        follow_feed: bool = True,
        refresh_every: float = 30.0,
        surge_every: float | None = 15.0,
    ) -> None:
        super().__init__(runtime, region_code, follow_feed=follow_feed,
                         refresh_every=refresh_every)  # fmt: skip
        self.policies = policies
        self.policy = policies.dispatch
        self._surge_every = surge_every
        self._focus: int | None = None  # the case whose proposal is shown (worker thread)

    # -- control (GUI thread) -----------------------------------------------------

    def refresh(self) -> None:
        """Re-read the board and run the capacity watch now (what its tick does)."""
        self._post(lambda e, f: self._read_all(e, f, watch=True))

    def propose(self, incident_id: int, extra: int = 5, *, reason: str = "selected") -> None:
        """Follow this case: the units it needs (plan or category), plus `extra` next
        nearest. A closed case is refused (`refused("propose", …)`) and not followed."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            actor = self._w_actor
            assert actor is not None
            self._focus = incident_id
            try:
                with factory() as s:
                    focus = dispatch.case_focus(s, actor, incident_id)
                    prop, plan = response_plans.propose_for_incident(
                        s, actor, incident_id, policy=self.policy)  # fmt: skip
                    others = dispatch.nearest_available(
                        s, actor, prop.incident_lon, prop.incident_lat, prop.kinds, None, extra,
                        policy=self.policy, exclude=[c.resource_id for c in prop.candidates],
                    ) if extra else ()  # fmt: skip
            except Refused as exc:
                self._focus = None
                self.refused.emit("propose", Refusal.of(exc))
                return
            self.proposal_ready.emit(ProposalView(prop, plan, others, focus, reason))

        self._post(job)

    def clear_focus(self) -> None:
        """Stop following a case (the panel left its proposal)."""

        def job(engine: Engine, factory: sessionmaker[Session]) -> None:
            self._focus = None

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
            f, a, plan_id, incident_id=incident_id, alert_id=alert_id, policy=self.policy,
            incident_policy=self.policies.incidents))  # fmt: skip

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
                self.refused.emit(action, Refusal.of(exc))
                self.reread()
                return
            except Exception:
                self.refused.emit(action, DB_UNAVAILABLE)
                raise
            self.done.emit(action, result)
            self.reread()

        self._post(job)

    def reread(self) -> None:
        self._read_all(self.engine, self.factory)

    def _on_changes(self, changes: list[Change]) -> None:
        """Hub thread: an incident's change matters only if it is the case in focus."""
        focus = self._focus
        kept = [c for c in changes if c.entity != "incident" or c.entity_id == focus]
        if kept:
            super()._on_changes(kept)

    def _check_focus(self, factory: sessionmaker[Session], actor: Actor) -> None:
        """The case in focus closed: withdraw its proposal (once)."""
        focus = self._focus
        if focus is None:
            return
        try:
            with factory() as s:
                seen = dispatch.case_focus(s, actor, focus)
        except Refused as exc:
            self._focus = None
            self.focus_lost.emit(FocusLost(focus, Refusal.of(exc)))
            return
        if not seen.is_open:
            self._focus = None
            self.focus_lost.emit(FocusLost(focus, Refusal(
                seen.reason, f"incident {focus} is {seen.status}",
                {"id": focus, "status": seen.status})))  # fmt: skip

    def tick(self, now: float) -> float | None:
        """The capacity watch of the region (a console without a clock process)."""
        if self._surge_every is None or self._w_actor is None:
            return self._surge_every
        self._read_all(self.engine, self.factory, watch=True)
        return self._surge_every

    def _read_all(self, engine: Engine, factory: sessionmaker[Session],
                  watch: bool = False) -> None:  # fmt: skip
        actor = self._w_actor
        if actor is None:
            return
        with factory() as s:
            self.board_ready.emit(dispatch.board(s, actor, policy=self.policy))
        with factory() as s:
            if watch:
                proposals = surge.check(engine, s, actor, policy=self.policies.surge,
                                        risk_params=self.policies.risk)  # fmt: skip
            else:
                proposals = surge.watch(s, actor, policy=self.policies.surge)
            self.surge_ready.emit(proposals)
        with factory() as s:
            self.activations_ready.emit(response_plans.activations(s, actor))
        self._check_focus(factory, actor)
