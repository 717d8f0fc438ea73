"""The handover report as a tree of frozen values, and its JSON snapshot: what is stored
with the handover and frozen at each sign-off (`report_to_json` / `report_from_json`, and
the `digest` the audit log keeps)."""

from __future__ import annotations

import hashlib
import json
import types
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class ShiftSummary:
    id: int
    starts_at: datetime
    ends_at: datetime
    duty_officer: str
    second_officer: str
    leader: str
    checked_in_at: datetime | None
    next_shift_id: int | None
    incoming_officer: str


@dataclass(frozen=True)
class CaseLine:
    id: int
    category: str
    priority: int
    status: str
    township_code: str
    address: str
    description: str
    reported_at: datetime
    resolved_at: datetime | None
    resolve_deadline: datetime | None
    overdue: bool
    supervised: bool
    supervision_deadline: datetime | None


@dataclass(frozen=True)
class CaseGroup:
    """Open incidents in one state: exact counts, the first lines (supervised, overdue first)."""

    status: str
    total: int
    overdue: int
    supervised: int
    cases: tuple[CaseLine, ...]


@dataclass(frozen=True)
class DispatchLine:
    id: int
    incident_id: int
    category: str
    unit: str
    unit_kind: str
    status: str
    dispatched_at: datetime


@dataclass(frozen=True)
class UnitLine:
    id: int
    name: str
    kind: str
    status: str
    since: datetime


@dataclass(frozen=True)
class MinuteLine:
    at: datetime
    kind: str  # decision / task
    text: str
    owner: str


@dataclass(frozen=True)
class ConferenceLine:
    id: int
    title: str
    started_at: datetime
    ended_at: datetime | None
    convened_by: str
    participants: int
    present: int
    absent: tuple[str, ...]
    minutes: tuple[MinuteLine, ...]


@dataclass(frozen=True)
class AlertLine:
    id: int
    domain: str
    level: str
    rule: str
    status: str
    raised_at: datetime
    text: str
    township_code: str


@dataclass(frozen=True)
class CameraHealth:
    total: int
    online: int
    offline: int
    offline_names: tuple[str, ...]  # the first few
    rooms_absent: int  # conference rooms that did not answer the roll call in the shift


@dataclass(frozen=True)
class LogLine:
    id: int
    at: datetime
    author: str
    kind: str
    text: str
    corrects_id: int | None


@dataclass(frozen=True)
class HourKpi:
    start: datetime
    reported: int
    resolved: int
    open_at_end: int
    overdue_at_end: int


@dataclass(frozen=True)
class ShiftKpis:
    reported: int
    resolved: int
    open_at_start: int
    open_at_end: int
    overdue_at_end: int
    accepted: int  # of the incidents reported in the shift, accepted by now
    accepted_on_time: int  # ... before their acknowledge deadline
    settled_low: int  # of those resolved in the shift, settled at township level or below

    @property
    def on_time_rate(self) -> float | None:
        return self.accepted_on_time / self.accepted if self.accepted else None

    @property
    def low_share(self) -> float | None:
        return self.settled_low / self.resolved if self.resolved else None


@dataclass(frozen=True)
class HandoverReport:
    center_id: int
    center_name: str
    region_code: str
    region_name: str
    level: str
    shift: ShiftSummary
    generated_at: datetime
    opened_total: int
    opened: tuple[CaseLine, ...]
    resolved_total: int
    resolved: tuple[CaseLine, ...]
    open_total: int
    overdue_total: int
    supervised_total: int
    attention_total: int
    attention: tuple[CaseLine, ...]  # supervised and overdue, with their deadlines
    open_groups: tuple[CaseGroup, ...]
    dispatches: tuple[DispatchLine, ...]
    units_out_total: int
    units_out: tuple[UnitLine, ...]
    conferences: tuple[ConferenceLine, ...]
    alerts: tuple[AlertLine, ...]
    alerts_open_total: int
    cameras: CameraHealth
    duty_log: tuple[LogLine, ...]
    kpis: ShiftKpis
    hourly: tuple[HourKpi, ...]


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


T = TypeVar("T")


def _decode(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        inner_tp = get_args(tp)[0]
        return tuple(_decode(inner_tp, v) for v in value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if isinstance(tp, type) and is_dataclass(tp):
        hints = get_type_hints(tp)
        return tp(**{f.name: _decode(hints[f.name], value[f.name]) for f in fields(tp)})
    return value


def report_to_json(report: HandoverReport) -> dict[str, object]:
    """The report as plain JSON values (the frozen snapshot)."""
    out: dict[str, object] = _encode(report)
    out["format"] = SNAPSHOT_FORMAT
    return out


def report_from_json(data: dict[str, object]) -> HandoverReport:
    body = {k: v for k, v in data.items() if k != "format"}
    report: HandoverReport = _decode(HandoverReport, body)
    return report


def digest(snapshot: dict[str, object]) -> str:
    """A short fingerprint of a snapshot, kept in the audit log for each freeze."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
