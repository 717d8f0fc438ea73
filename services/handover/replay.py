"""Replay of a shift: a region's counts, map values and open cases at any moment of it.

The state at a moment is rebuilt from what the database keeps of the past: each
incident's timeline (IncidentEvent status transitions; the row's reported/resolved/closed
times where a case has no timeline) and the 督办 rows (supervised from `at` until
`answered_at`). The change feed says *that* a row changed and when, not what it held, so
it cannot rebuild a state on its own; the timelines can.

`load` reads everything the window needs once; `ShiftReplay.at(t)` is then pure
in-memory work (bisects over each case's transitions), fast enough for a slider.

Definitions, the same as the wall's (services.wall.counts) evaluated at `t`:
  * reported today: reported in [local midnight of t, t];
  * open: reported by t and, at t, in one of the open states;
  * overdue: open at t with resolve_deadline < t;
  * resolved today: at t in a closed state, and its last resolution is on t's local day.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from services import vocabulary
from services.store import models
from services.wall.regions import LEVEL_COLUMN

I = models.Incident  # noqa: E741 - short alias keeps the queries readable
OPEN = frozenset(vocabulary.OPEN_STATUSES)
METRICS = ("open", "overdue", "reported_today")
MAX_CASES = 200


@dataclass(frozen=True)
class CaseAt:
    """An open case as it stood at a moment."""

    id: int
    category: str
    priority: int
    status: str
    township_code: str
    grid_id: int | None
    reported_at: datetime
    resolve_deadline: datetime | None
    overdue: bool
    supervised: bool
    description: str


@dataclass(frozen=True)
class CountsAt:
    reported_today: int
    open: int
    overdue: int
    resolved_today: int
    supervised: int


@dataclass(frozen=True)
class Moment:
    """The region at one moment: the wall's counts, per-cell map values, the open cases."""

    at: datetime  # naive UTC
    counts: CountsAt
    cells: dict[str, dict[int, float]]  # metric → {grid id: value}, zero cells left out
    open_cases: tuple[CaseAt, ...]  # supervised and overdue first, at most MAX_CASES
    open_total: int


@dataclass
class _Track:
    id: int
    grid_id: int | None
    township_code: str
    category: str
    priority: int
    description: str
    reported_at: datetime
    deadline: datetime | None
    times: list[datetime] = field(default_factory=list)  # status transitions, in order
    statuses: list[str] = field(default_factory=list)  # status from times[k] on
    resolutions: list[datetime] = field(default_factory=list)  # open → resolved
    supervisions: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    def status_at(self, t: datetime) -> str | None:
        if self.reported_at > t:
            return None
        k = bisect_right(self.times, t) - 1
        return self.statuses[k] if k >= 0 else "reported"

    def last_resolution(self, t: datetime) -> datetime | None:
        k = bisect_right(self.resolutions, t) - 1
        return self.resolutions[k] if k >= 0 else None

    def supervised_at(self, t: datetime) -> bool:
        return any(a <= t and (b is None or b > t) for a, b in self.supervisions)

    def add_transition(self, at: datetime, frm: str | None, to: str) -> None:
        prev = self.statuses[-1] if self.statuses else "reported"
        if frm is not None and frm == to:
            return  # a note on the timeline (督办, answer, demo escalation), not a transition
        if self.times and at == self.times[-1]:
            self.statuses[-1] = to
        else:
            self.times.append(at)
            self.statuses.append(to)
        if to == "resolved" and prev in OPEN:
            self.resolutions.append(at)


def local_midnight(t: datetime, tz: str) -> datetime:
    """Naive-UTC start of the local day that holds naive-UTC `t`."""
    zone = ZoneInfo(tz)
    local = t.replace(tzinfo=UTC).astimezone(zone)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day.astimezone(UTC).replace(tzinfo=None)


class ShiftReplay:
    """A region's incident timelines over [start, end], ready to be asked about any moment."""

    def __init__(self, region_code: str, start: datetime, end: datetime, tz: str,
                 tracks: list[_Track]) -> None:  # fmt: skip
        self.region_code = region_code
        self.start = start
        self.end = end
        self.tz = tz
        self._tracks = tracks

    @property
    def incident_count(self) -> int:
        return len(self._tracks)

    def at(self, t: datetime, *, max_cases: int = MAX_CASES) -> Moment:
        """The state at `t` (naive UTC; clamped to the window)."""
        t = min(max(t, self.start), self.end)
        day0 = local_midnight(t, self.tz)
        reported = open_n = overdue = resolved = supervised = 0
        cells: dict[str, dict[int, float]] = {m: {} for m in METRICS}
        cases: list[CaseAt] = []
        for tr in self._tracks:
            status = tr.status_at(t)
            if status is None:
                continue
            g = tr.grid_id
            if tr.reported_at >= day0:
                reported += 1
                if g is not None:
                    cells["reported_today"][g] = cells["reported_today"].get(g, 0.0) + 1
            if status in OPEN:
                open_n += 1
                late = tr.deadline is not None and tr.deadline < t
                sup = tr.supervised_at(t)
                overdue += late
                supervised += sup
                if g is not None:
                    cells["open"][g] = cells["open"].get(g, 0.0) + 1
                    if late:
                        cells["overdue"][g] = cells["overdue"].get(g, 0.0) + 1
                if max_cases > 0:
                    cases.append(CaseAt(tr.id, tr.category, tr.priority, status,
                                        tr.township_code, g, tr.reported_at, tr.deadline, late,
                                        sup, tr.description))  # fmt: skip
            else:
                last = tr.last_resolution(t)
                if last is not None and last >= day0:
                    resolved += 1
        far = datetime.max
        cases.sort(key=lambda c: (not c.supervised, not c.overdue, c.priority,
                                  c.resolve_deadline or far, c.id))  # fmt: skip
        return Moment(t, CountsAt(reported, open_n, overdue, resolved, supervised), cells,
                      tuple(cases[:max_cases]), open_n)  # fmt: skip

    def cells_at(self, t: datetime, metric: str = "open") -> dict[int, float]:
        if metric not in METRICS:
            raise ValueError(f"unknown replay metric {metric!r}; one of {METRICS}")
        return self.at(t, max_cases=0).cells[metric]

    def moments(self, step: timedelta) -> list[datetime]:
        """Evenly spaced moments from the start to the end, both included."""
        out, t = [], self.start
        while t < self.end:
            out.append(t)
            t += step
        out.append(self.end)
        return out


def _subtree(level: str, code: str) -> ColumnElement[bool]:
    col = LEVEL_COLUMN.get(level)
    if col is None:
        raise ValueError(f"no replay for level {level!r}")
    return col == code


def load(
    session: Session,
    region_code: str,
    start: datetime,
    end: datetime,
    *,
    tz: str = "Asia/Shanghai",
) -> ShiftReplay:
    """Read the timelines a replay of [start, end] needs for region `region_code`."""
    r = models.Region
    level = session.scalar(select(r.level).where(r.adcode == region_code))
    if level is None:
        raise LookupError(f"no region with code {region_code}")
    day0 = local_midnight(start, tz)
    scope = (
        _subtree(level, region_code),
        I.reported_at <= end,
        or_(I.is_open, I.resolved_at.is_(None), I.resolved_at >= day0),
    )
    tracks: dict[int, _Track] = {}
    rows = session.execute(
        select(I.id, I.grid_id, I.township_code, I.category, I.priority, I.description,
               I.reported_at, I.resolve_deadline, I.resolved_at, I.closed_at,
               I.status).where(*scope)
    ).all()  # fmt: skip
    fallback: dict[int, tuple[datetime | None, datetime | None, str]] = {}
    for row in rows:
        tracks[row.id] = _Track(row.id, row.grid_id, row.township_code, row.category,
                                row.priority, row.description or "", row.reported_at,
                                row.resolve_deadline)  # fmt: skip
        fallback[row.id] = (row.resolved_at, row.closed_at, row.status)
    ev = models.IncidentEvent
    seen: set[int] = set()
    for inc_id, at, frm, to in session.execute(
        select(ev.incident_id, ev.at, ev.from_status, ev.to_status)
        .join(I, I.id == ev.incident_id)
        .where(*scope, ev.at <= end)
        .order_by(ev.incident_id, ev.at, ev.id)
    ):
        tracks[inc_id].add_transition(at, frm, to)
        seen.add(inc_id)
    for inc_id, tr in tracks.items():
        if inc_id in seen:
            continue
        resolved_at, closed_at, status = fallback[inc_id]
        if resolved_at is not None and resolved_at <= end:
            tr.add_transition(resolved_at, "in_progress", "resolved")
        if closed_at is not None and closed_at <= end:
            tr.add_transition(closed_at, "resolved", "closed")
    sv = models.Supervision
    for inc_id, at, answered in session.execute(
        select(sv.incident_id, sv.at, sv.answered_at)
        .join(I, I.id == sv.incident_id)
        .where(*scope, sv.at <= end)
    ):
        tracks[inc_id].supervisions.append((at, answered))
    return ShiftReplay(region_code, start, end, tz, list(tracks.values()))
