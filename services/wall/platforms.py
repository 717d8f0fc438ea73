"""The township's four platforms (基层治理四平台) on the wall: matters, overdue, 办结率.

"一中心四平台一网格": a township center routes matters to its four platforms, 综治工作,
市场监管, 综合执法 and 便民服务 (the seeds: 13.096 million matters in a year, 96.74%
resolved), each grouping the township's stations and the county departments stationed
there. A matter belongs to the platform it was routed to (`Incident.platform`, kept when the
case moves on), so a township's wall shows its own platforms and a county's wall the same
four rolled up over its townships. Frozen values only; one short read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, case, func, select

from services import vocabulary
from services.store import models
from services.territory.jurisdiction import require_within
from services.wall.regions import LEVEL_COLUMN, Clock, region_by_code

I = models.Incident  # noqa: E741 - short alias keeps the queries readable

PLATFORM_LEVELS = frozenset({"county", "township"})
"""Walls that show the four platforms: a township's own, a county's rolled up. A city's or
a province's wall does not (its townships are too many to read as four rows, and the
platforms are the township's way of working, not the city's)."""


def shows_platforms(level: str) -> bool:
    """Does a console whose root is at `level` place the four-platform panel?"""
    return level in PLATFORM_LEVELS


@dataclass(frozen=True)
class PlatformRow:
    """One platform's tally for the region: matters of the last 30 days and open ones."""

    platform: str  # services.vocabulary.PLATFORMS key
    label: str  # 综治工作 ...
    matters: int  # routed to the platform, reported in the last 30 days
    resolved: int  # of those, resolved
    open: int  # open now (any age)
    overdue: int  # open past their resolve deadline
    departments: int  # stations and stationed departments in the region's townships

    @property
    def resolution_rate(self) -> float | None:
        """办结率 of the last 30 days' matters (None without matters)."""
        return self.resolved / self.matters if self.matters else None


@dataclass(frozen=True)
class PlatformBoard:
    """The four platforms of a township, or of a county's townships together."""

    region_code: str
    region_name: str
    level: str
    rows: tuple[PlatformRow, ...]  # always the four, in PLATFORMS order
    as_of: datetime

    @property
    def matters(self) -> int:
        return sum(r.matters for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def resolution_rate(self) -> float | None:
        matters = self.matters
        return sum(r.resolved for r in self.rows) / matters if matters else None


def platform_board(
    engine: Engine,
    adcode: str,
    *,
    now: datetime | None = None,
    tz: str = "Asia/Shanghai",
    within: str | None = None,
) -> PlatformBoard:
    """Matters, overdue and 办结率 by platform for a region's subtree.

    Meant for township and county walls (an indexed equality on the level's code); it works
    at any level, reading every matter of the subtree's last 30 days. `within`: the
    console's root; a region outside it is refused (services.territory.jurisdiction)."""
    clock = Clock.at(now or models.utcnow(), tz)
    in30 = I.reported_at >= clock.start30
    with engine.connect() as conn:
        require_within(conn, within, adcode)
        region = region_by_code(conn, adcode)
        stats = {
            row[0]: row[1:]
            for row in conn.execute(
                select(
                    I.platform,
                    func.count(case((in30, 1))),
                    func.count(case((and_(in30, I.resolved_at.is_not(None)), 1))),
                    func.count(case((I.is_open, 1))),
                    func.count(case((and_(I.is_open, I.resolve_deadline < clock.now), 1))),
                )
                .where(LEVEL_COLUMN[region.level] == region.adcode, I.platform != "")
                .where(in30 | I.is_open)
                .group_by(I.platform)
            )
        }
        d, r = models.Department, models.Region
        departments = dict(
            conn.execute(
                select(d.platform, func.count())
                .join(r, r.id == d.region_id)
                .where(r.path.startswith(region.path), d.platform != "")
                .group_by(d.platform)
            ).all()
        )
    rows = tuple(
        PlatformRow(p, vocabulary.PLATFORM_LABELS[p], *stats.get(p, (0, 0, 0, 0)),
                    departments=int(departments.get(p, 0)))  # fmt: skip
        for p in vocabulary.PLATFORMS
    )
    return PlatformBoard(region.adcode, region.name, region.level, rows, datetime.now(UTC))
