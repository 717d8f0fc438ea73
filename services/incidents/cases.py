"""What a case is: its vocabulary, the lifecycle table, the deadline policy, and the frozen
values the use cases return.

Lifecycle (`TRANSITIONS`: action -> the states it starts from, the state it leads to)::

    reported ─accept→ accepted ─route→ routed ─start→ in_progress ─resolve→ resolved ─close→ closed
        ↑                 │  └──────────start──────────↗    │                 │  ↑        │
        └──escalate (to the upper center, any open state)   └─return→ returned └─reopen──┘
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services import vocabulary
from services.config import DEFAULT_DEADLINES

CHANNELS = vocabulary.CHANNELS


CATEGORIES = vocabulary.CATEGORIES


EVALUATIONS = ("satisfied", "basic", "unsatisfied")


OPEN_STATUSES = frozenset(vocabulary.OPEN_STATUSES)


# action -> (states it starts from, state it leads to; None = stays)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({"reported"}), "accepted"),
    "route": (frozenset({"accepted", "returned"}), "routed"),
    "start": (frozenset({"accepted", "routed", "returned"}), "in_progress"),
    "return": (frozenset({"routed", "in_progress"}), "returned"),
    "resolve": (frozenset({"accepted", "in_progress"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved", "closed"}), "in_progress"),
    "escalate": (OPEN_STATUSES, "reported"),
}


ACTIONS = tuple(TRANSITIONS)


# What a grid worker (the "field" permission) may do on a case its center handles: take it
# on site and resolve it; accepting, routing, returning and closing stay with the officers.
FIELD_ACTIONS = frozenset({"start", "resolve"})


AUDIT_FIELDS = (
    "status", "is_open", "handling_center_id", "handling_department_id", "supervised",
    "escalations", "evaluation", "priority", "resolve_deadline", "platform", "version",
)  # fmt: skip


@dataclass(frozen=True)
class IncidentPolicy:
    """Deadlines (hours: acknowledge, resolve) by priority, overridable per category, and
    how long an overdue case waits at one level before it is escalated again."""

    deadlines: dict[int, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_DEADLINES)
    )
    category_deadlines: dict[str, dict[int, tuple[float, float]]] = field(default_factory=dict)
    escalate_every_h: float = 24.0

    def hours(self, category: str, priority: int) -> tuple[float, float]:
        by_cat = self.category_deadlines.get(category, {})
        return by_cat.get(priority) or self.deadlines[priority]

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> IncidentPolicy:
        """`[deadlines]` "1" = [ack_h, resolve_h]; `[deadlines.<category>]` the same per
        category; `[escalation] every_hours`."""
        base = dict(DEFAULT_DEADLINES)
        by_cat: dict[str, dict[int, tuple[float, float]]] = {}
        for key, value in raw.get("deadlines", {}).items():
            if isinstance(value, dict):
                by_cat[key] = {int(p): (float(v[0]), float(v[1])) for p, v in value.items()}
            else:
                base[int(key)] = (float(value[0]), float(value[1]))
        every = float(raw.get("escalation", {}).get("every_hours", 24.0))
        return cls(deadlines=base, category_deadlines=by_cat, escalate_every_h=every)


DEFAULT_POLICY = IncidentPolicy()
"""The documented defaults (an empty configuration); callers pass their own."""


@dataclass(frozen=True)
class NewIncident:
    """A report as it arrives from a channel (hotline form, import, field app, alert)."""

    category: str
    description: str
    channel: str = "hotline"
    priority: int = 3
    grid_id: int | None = None
    grid_code: str = ""  # 网格编码, when the caller knows the code rather than the id
    lon: float | None = None
    lat: float | None = None
    reporter: str = ""
    address: str = ""
    external_id: str | None = None
    reported_at: datetime | None = None
    origin_id: int | None = None
    kind: str = "case"
    assign_center_id: int | None = None  # an upper level assigns straight to a lower center
    take_in: bool = False  # lands at the filer's own center (a call answered there)
    # A key the console makes when the form is filled (a UUID): submitting the same form
    # again after an unknown outcome returns the first case instead of filing it twice.
    submit_key: str | None = None


@dataclass(frozen=True)
class IncidentRow:
    """One line of a queue."""

    id: int
    category: str
    channel: str
    priority: int
    status: str
    kind: str
    township_code: str
    grid_id: int | None
    description: str
    address: str
    reported_at: datetime
    ack_deadline: datetime | None
    resolve_deadline: datetime | None
    handling_center_id: int | None
    handling_department_id: int | None
    supervised: bool
    overdue: bool
    ack_overdue: bool
    origin_id: int | None
    version: int
    lon: float
    lat: float


@dataclass(frozen=True)
class EventRow:
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    actor: str
    note: str
    target: str


@dataclass(frozen=True)
class SupervisionRow:
    id: int
    from_center: str
    to_center: str
    at: datetime
    actor: str
    deadline: datetime
    note: str
    answered_at: datetime | None
    answered_by: str | None
    answer: str | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class IncidentDetail:
    """A case with its timeline, supervision, origin and follow-ups, for one account."""

    row: IncidentRow
    reporter: str
    handling_center: str
    handling_department: str
    grid_code: str
    events: tuple[EventRow, ...]
    supervisions: tuple[SupervisionRow, ...]
    origin: IncidentRow | None
    follow_ups: tuple[IncidentRow, ...]
    evaluation: str | None
    allowed: tuple[str, ...]  # actions this account may take now
    target_names: Mapping[str, str] = field(default_factory=dict)
    """Names of the "center:ID" / "department:ID" targets its timeline mentions."""


@dataclass(frozen=True)
class RouteTarget:
    kind: str  # department / center
    id: int
    name: str
    platform: str = ""  # the township platform (四平台) a department belongs to, if any


@dataclass(frozen=True)
class PlatformTargets:
    """One group of routing targets: a township platform's departments, or the rest."""

    platform: str  # services.vocabulary.PLATFORMS key; "" for departments outside them
    label: str
    targets: tuple[RouteTarget, ...]
    suggested: bool = False  # the platform the case's category belongs to


@dataclass(frozen=True)
class QueueFilter:
    scope: str = "action"  # action: needs this center; supervising: pressed by it; all
    statuses: tuple[str, ...] = ()
    category: str | None = None
    overdue_only: bool = False
    supervised_only: bool = False
    text: str = ""
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue and how many cases the whole queue holds (a COUNT, not the
    page's length)."""

    rows: tuple[IncidentRow, ...]
    total: int
    offset: int
    limit: int
