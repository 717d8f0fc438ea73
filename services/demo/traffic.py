"""What realistic incident traffic looks like: categories, channels, hours, lifecycles.

One model serves the demo's 30-day history and the live simulator, so their shapes agree.
Shares are plausible readings of the seeds (grid workers report most issues, 95%+ settled
at township level or below), not official statistics.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.config import DEFAULT_DEADLINES
from services.vocabulary import CLOSED_STATUSES as CLOSED_STATUSES
from services.vocabulary import LOW_LEVELS as LOW_LEVELS
from services.vocabulary import OPEN_STATUSES as OPEN_STATUSES

PROVINCE_DAILY_REPORTS = 10_520  # 3.779M grid reports in 2016 / 365 (Zhejiang)
PROVINCE_GRIDS = 109_000

CATEGORY_SHARES: dict[str, float] = {
    "city_management": 0.22,
    "dispute": 0.18,
    "safety_hazard": 0.15,
    "public_order": 0.12,
    "environment": 0.08,
    "traffic": 0.06,
    "other": 0.05,
    "fire": 0.04,
    "petition": 0.04,
    "food_drug": 0.03,
    "public_health": 0.03,
}

CHANNEL_SHARES: dict[str, float] = {
    "field_app": 0.62,  # 平安通, grid workers
    "hotline": 0.20,  # 967999 / 12345
    "citizen_app": 0.10,  # 平安浙江APP
    "video_alert": 0.05,
    "sensor_alert": 0.02,
    "upper_assign": 0.01,
}

PRIORITY_SHARES: dict[int, float] = {1: 0.05, 2: 0.15, 3: 0.55, 4: 0.25}

# Relative reports per local hour 0..23: grid patrols peak mid-morning and mid-afternoon.
HOURLY_PROFILE: tuple[float, ...] = (
    0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 1.0, 2.2, 4.5, 6.5, 7.2, 6.8,
    4.8, 4.6, 6.0, 6.8, 6.5, 5.6, 4.2, 3.2, 2.6, 2.0, 1.3, 0.7,
)  # fmt: skip

SETTLED_LEVEL_SHARES: dict[str, float] = {
    "grid": 0.30,
    "community": 0.10,
    "township": 0.56,
    "county": 0.035,
    "city": 0.005,
}

# Median hours to resolve, by priority.
RESOLVE_MEDIAN_H: dict[int, float] = {1: 3.0, 2: 10.0, 3: 18.0, 4: 36.0}



def daily_reports(grids: int) -> float:
    """Province-average daily grid reports scaled to the number of cells."""
    return PROVINCE_DAILY_REPORTS * grids / PROVINCE_GRIDS


def pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def pick_priority(rng: random.Random) -> int:
    return rng.choices(list(PRIORITY_SHARES), weights=list(PRIORITY_SHARES.values()))[0]


def pick_hour(rng: random.Random, upto: int = 24) -> int:
    return rng.choices(range(upto), weights=HOURLY_PROFILE[:upto])[0]


@dataclass(frozen=True)
class Lifecycle:
    """Timestamps of one incident's path, all naive UTC; None where not reached by `now`."""

    status: str
    accepted_at: datetime | None
    routed_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    ack_deadline: datetime
    resolve_deadline: datetime
    settled_level: str | None


def lifecycle(
    rng: random.Random,
    reported_at: datetime,
    priority: int,
    now: datetime,
    deadlines: dict[int, tuple[float, float]] | None = None,
    stuck_share: float = 0.01,
) -> Lifecycle:
    """Draw a plausible path for an incident reported at `reported_at`, cut at `now`."""
    ack_h, resolve_h = (deadlines or DEFAULT_DEADLINES)[priority]
    ack_deadline = reported_at + timedelta(hours=ack_h)
    resolve_deadline = reported_at + timedelta(hours=resolve_h)
    accept = reported_at + timedelta(minutes=rng.uniform(1, 25) * (0.4 if priority <= 2 else 1))
    route = accept + timedelta(minutes=rng.uniform(2, 40))
    start = route + timedelta(minutes=rng.uniform(5, 120))
    stuck = rng.random() < stuck_share
    hours = rng.lognormvariate(0, 0.8) * RESOLVE_MEDIAN_H[priority]
    resolve = None if stuck else start + timedelta(hours=hours)
    close = None if resolve is None else resolve + timedelta(hours=rng.uniform(2, 36))

    def reached(t: datetime | None) -> datetime | None:
        return t if t is not None and t <= now else None

    a, r, s, v, c = reached(accept), reached(route), reached(start), reached(resolve), reached(close)
    if c:
        status = "closed"
    elif v:
        status = "resolved"
    elif s:
        status = "in_progress"
    elif r:
        status = "routed"
    elif a:
        status = "accepted"
    else:
        status = "reported"
    settled = pick(rng, SETTLED_LEVEL_SHARES) if v else None
    return Lifecycle(status, a, r, s, v, c, ack_deadline, resolve_deadline, settled)


STEP_ACTIONS: tuple[tuple[str, str], ...] = (
    ("accepted_at", "accept"),
    ("routed_at", "route"),
    ("started_at", "start"),
    ("resolved_at", "resolve"),
    ("closed_at", "close"),
)
ACTION_STATUS = {
    "report": "reported",
    "accept": "accepted",
    "route": "routed",
    "start": "in_progress",
    "resolve": "resolved",
    "close": "closed",
}
