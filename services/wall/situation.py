"""Plain, frozen values the wall shows. Produced by the `services.wall` reads, consumed by Qt views.

No ORM object ever reaches a view: these are the only shapes the wall receives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

FOUR_HAVES: tuple[str, ...] = ("venue", "screen", "staff", "mechanism")
"""Keys of the four haves: 有场地、有大屏、有人员、有机制 (labels live in the UI)."""


FOUR_HAVE_REASONS: dict[str, str] = {
    "venue": "场地 {area}㎡",
    "no_venue": "无专用场地",
    "screens": "大屏 {ok}/{total} 正常",
    "staff": "值班人员 {on_duty}/{required}",
    "no_24h": "未实行24小时值守",
    "handover_late": "交接班逾期 {late} 次",
    "handover_ok": "24小时值守 · 交接班正常",
}
"""Reasons shown under a have, by code; Chinese templates (the UI translates them)."""


@dataclass(frozen=True)
class FourHave:
    """One of the four haves, met or not, with a short reason such as "值班人员 1/2":
    a `code` of FOUR_HAVE_REASONS with its `values`, or free `text`."""

    key: str
    met: bool
    text: str = ""
    code: str = ""
    values: tuple[tuple[str, int], ...] = ()

    @property
    def reason(self) -> str:
        return self.reason_in(str)

    def reason_in(self, tr: Callable[[str], str]) -> str:
        """The reason with its template passed through `tr` (a translator) first."""
        template = FOUR_HAVE_REASONS.get(self.code)
        return tr(template).format(**dict(self.values)) if template else self.text


@dataclass(frozen=True)
class CenterHeader:
    """Who and what the header shows for the current center."""

    center_name: str
    level: str  # province / city / county / township
    duty_officer: str | None
    leader_on_duty: str | None
    four_haves: tuple[FourHave, ...]


@dataclass(frozen=True)
class Kpis:
    """Live incident counts for a region's whole subtree."""

    reported_today: int
    open: int
    overdue: int
    resolved_today: int
    resolution_rate: float | None  # resolved / reported over the last 30 days, 0..1
    settled_low_share: float | None  # share of resolved settled at township level or below, 0..1


@dataclass(frozen=True)
class ChildRegionRow:
    """One line of the ranking of the center's child regions."""

    adcode: str
    name: str
    level: str
    reported_today: int
    open: int
    overdue: int
    resolution_rate: float | None


@dataclass(frozen=True)
class CategoryCount:
    category: str  # code, e.g. "dispute"; label via the UI's translation
    count: int


@dataclass(frozen=True)
class DayCount:
    day: str  # ISO date, local time
    count: int


@dataclass(frozen=True)
class WallSnapshot:
    """Everything the wall shows for one region at one moment."""

    region_code: str
    region_name: str
    level: str
    breadcrumb: tuple[tuple[str, str], ...]  # (adcode, name) from the console's root down
    header: CenterHeader
    kpis: Kpis
    hourly_today: tuple[int, ...]  # 24 values, local hours
    hourly_yesterday: tuple[int, ...]  # 24 values
    daily_30: tuple[DayCount, ...]  # oldest first, today last
    categories: tuple[CategoryCount, ...]  # largest first
    children: tuple[ChildRegionRow, ...]
    as_of: datetime  # when the read finished (aware, UTC)
    feed_seq: int  # change-feed position the read reflects
    extra: dict[str, str] = field(default_factory=dict)
    next_change_at: datetime | None = None
    """(aware, UTC) when these numbers change with no write at all: the next open case's
    deadline (overdue counts) or the next local hour (hourly, today's and 30-day series)."""
    feed_scopes: frozenset[str] | None = None
    """The change-feed scopes that can touch this region (regions.feed_scopes), when the
    read was asked for them (`wall_snapshot(scopes=True)`), else None."""


@dataclass(frozen=True)
class OpenIncident:
    id: int
    category: str
    status: str
    priority: int
    reported_at: datetime  # naive UTC
    overdue: bool


@dataclass(frozen=True)
class CellDetail:
    """What a click on a grid cell shows: its people, households and open cases."""

    cell_id: int
    code: str
    township: str
    grid_heads: tuple[str, ...]
    full_time: tuple[str, ...]
    part_time: tuple[str, ...]
    households: int
    population: int
    enterprises: int
    open_incidents: tuple[OpenIncident, ...]
    community: str = ""  # 村/社区 of the cell ("" for cells straight under a township)
