"""One region's subtree rolled up into a `WallSnapshot`: everything the wall shows, read
in one short transaction.

Runs in a worker thread with its own short-lived connection; returns frozen values only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Engine,
)

from services.store import changefeed, models
from services.wall.center import header
from services.wall.counts import (
    Rolled,
    categories,
    children,
    daily,
    hourly,
    kpis,
    next_change,
    rolled_up,
)
from services.wall.regions import Clock, bounded_region, breadcrumb, feed_scopes
from services.wall.situation import (
    WallSnapshot,
)


def wall_snapshot(
    engine: Engine,
    adcode: str,
    *,
    tz: str = "Asia/Shanghai",
    root: str | None = None,
    now: datetime | None = None,
    within: str | None = None,
    scopes: bool = False,
) -> WallSnapshot:
    """Everything the wall shows for region `adcode`, read in one short transaction.

    `within`: the console's root; a region outside its subtree is refused
    (jurisdiction.OutsideJurisdiction) and the breadcrumb starts there (else at `root`).
    `scopes`: also read the feed scopes that can touch the region, in the same transaction
    (a wall that changed region needs them to filter its feed)."""
    clock = Clock.at(now or models.utcnow(), tz)
    seq = changefeed.head(engine)
    root = root or within
    with engine.connect() as conn:
        region = bounded_region(conn, adcode, within)
        today, yesterday = hourly(conn, region, clock)
        if region.level in ("township", "community"):  # small subtree: direct counts
            rolled = Rolled(
                kpis(conn, region, clock), daily(conn, region, clock), children(conn, region, clock)
            )
        else:
            rolled = rolled_up(conn, region, clock)
        snap = WallSnapshot(
            region_code=region.adcode,
            region_name=region.name,
            level=region.level,
            breadcrumb=breadcrumb(conn, region, root),
            header=header(conn, region, clock),
            kpis=rolled.kpis,
            hourly_today=today,
            hourly_yesterday=yesterday,
            daily_30=rolled.daily,
            categories=categories(conn, region, clock),
            children=rolled.children,
            as_of=datetime.now(UTC),
            feed_seq=seq,
            next_change_at=next_change(conn, region, clock),
            feed_scopes=feed_scopes(conn, region) if scopes else None,
        )
    return snap
