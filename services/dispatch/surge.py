"""Surge thresholds: the capacity watch on places (the seeds' G20 case).

A watched place (a scenic spot built for ~10,000 visitors a day) reports its count
(`Place.current_count`, written by the gates, or by the simulator). When the count
crosses a configured share of the daily capacity the console raises the alert, proposes
the matching response level and plan, and offers to switch the wall to the plan's layout.

The alert itself is services.risk's `place_capacity` rule (one RiskAlert per place, key
``place_capacity:place:ID``, blue/yellow/orange/red): `raise_alerts` runs that rule for
the console's region, so two consoles watching at once still raise it once. This module
adds the response on top: `[surge] ratios = [0.8, 1.0, 1.5]` map to response levels
3/2/1 (三级/二级/一级), and the plan is the `crowd_surge` plan for that level
(services.dispatch.plans).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services import risk, video
from services.accounts import Actor
from services.dispatch import plans as response_plans
from services.dispatch.plans import PlanRef
from services.errors import InvalidInput
from services.store import models

DEFAULT_RATIOS: tuple[float, ...] = (0.8, 1.0, 1.5)
DEFAULT_LEVELS: tuple[int, ...] = (3, 2, 1)


@dataclass(frozen=True)
class SurgePolicy:
    """Shares of daily capacity and the response level each one calls for."""

    ratios: tuple[float, ...] = DEFAULT_RATIOS
    levels: tuple[int, ...] = DEFAULT_LEVELS
    stale_hours: float = 6.0  # a count older than this is not watched

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> SurgePolicy:
        """`[surge] ratios = [0.8, 1.0, 1.5]` (ascending) and optionally `levels = [3, 2, 1]`."""
        table = raw.get("surge", {}) or {}
        try:
            ratios = tuple(float(r) for r in table.get("ratios", DEFAULT_RATIOS))
            levels = tuple(int(v) for v in table.get("levels", DEFAULT_LEVELS[: len(ratios)]))
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"[surge]: {exc}", code="config") from None
        if not ratios or list(ratios) != sorted(ratios) or len(levels) != len(ratios):
            raise InvalidInput("[surge] ratios must ascend, one response level each",
                               code="config")  # fmt: skip
        if any(v not in (1, 2, 3) for v in levels):
            raise InvalidInput("[surge] levels are 1, 2 or 3", code="config")
        return cls(ratios, levels, float(table.get("stale_hours", 6.0)))

    def level_for(self, ratio: float) -> int | None:
        """The response level for a share of capacity, or None below the first ratio."""
        out = None
        for r, lv in zip(self.ratios, self.levels, strict=True):
            if ratio >= r:
                out = lv
        return out


DEFAULT_POLICY = SurgePolicy()
"""The documented defaults (an empty configuration); callers pass their own."""


@dataclass(frozen=True)
class SurgeProposal:
    """A place over its threshold: the alert, the response level and plan proposed, and
    the wall layout and cameras the plan would show."""

    place_id: int
    place_name: str
    count: int
    capacity: int
    ratio: float
    count_at: datetime | None
    response_level: int
    lon: float
    lat: float
    grid_id: int | None
    county_code: str
    township_code: str
    alert_id: int | None
    alert_level: str | None
    alert_status: str | None
    plan: PlanRef | None
    activation_id: int | None  # an active activation for this alert, if any
    layout: int
    cameras: tuple[int, ...]


def alert_key(place_id: int) -> str:
    """risk.place_capacity's dedupe key of the open alert of a place."""
    return f"place_capacity:place:{place_id}"


def raise_alerts(engine: Engine, region_code: str | None = None,
                 now: datetime | None = None, *, params: risk.RiskParams) -> list[int]:  # fmt: skip
    """Run the capacity rule (services.risk) for a region; ids of alerts newly raised.
    Open alerts are escalated when the count rose, never raised twice."""
    return risk.run_rules(engine, now=now, scope=region_code, params=params,
                          rules=["place_capacity"])  # fmt: skip


def watch(
    session: Session,
    actor: Actor,
    *,
    policy: SurgePolicy,
    now: datetime | None = None,
    with_cameras: bool = True,
) -> tuple[SurgeProposal, ...]:
    """Places of the actor's subtree over the first threshold, highest share first, each
    with its open capacity alert (if raised), response level and plan."""
    now = now or models.utcnow()
    pl, g = models.Place, models.GridCell
    codes = {"province": g.province_code, "city": g.city_code, "county": pl.county_code,
             "township": g.township_code}  # fmt: skip
    col = codes.get(actor.region_level)
    if col is None:
        return ()
    rows = session.execute(
        select(pl.id, pl.name, pl.current_count, pl.daily_capacity, pl.count_at, pl.lon, pl.lat,
               pl.grid_id, pl.county_code, g.township_code)
        .outerjoin(g, g.id == pl.grid_id)
        .where(col == actor.region_code, pl.daily_capacity > 0,
               pl.count_at >= now - timedelta(hours=policy.stale_hours))
    ).all()  # fmt: skip
    out: list[SurgeProposal] = []
    reg = models.Region
    for r in rows:
        ratio = r.current_count / r.daily_capacity
        level = policy.level_for(ratio)
        if level is None:
            continue
        alert = session.execute(
            select(models.RiskAlert.id, models.RiskAlert.level, models.RiskAlert.status)
            .where(models.RiskAlert.key == alert_key(r.id))
        ).first()
        path = str(session.scalar(select(reg.path).where(reg.adcode == r.township_code)) or "")
        plan = response_plans.select_plan(session, response_plans.SURGE_CATEGORY, level, path)
        activation_id = None
        if alert is not None:
            a = models.PlanActivation
            activation_id = session.scalar(
                select(a.id).where(a.alert_id == alert.id, a.status == "active")
                .order_by(a.id.desc()).limit(1)
            )  # fmt: skip
        layout = plan.layout if plan else 9
        cams: Sequence[int] = ()
        if with_cameras:
            n = plan.cameras if plan and plan.cameras else layout
            cams = [c.id for c in video.nearest_cameras(session, actor, r.lon, r.lat, count=n)]
        out.append(SurgeProposal(
            r.id, r.name, r.current_count, r.daily_capacity, ratio, r.count_at, level,
            r.lon, r.lat, r.grid_id, r.county_code, r.township_code or "",
            alert.id if alert else None, alert.level if alert else None,
            alert.status if alert else None, plan, activation_id, layout, tuple(cams),
        ))  # fmt: skip
    out.sort(key=lambda p: (-p.ratio, p.place_id))
    return tuple(out)


def check(
    engine: Engine,
    session: Session,
    actor: Actor,
    *,
    policy: SurgePolicy,
    risk_params: risk.RiskParams,
    now: datetime | None = None,
) -> tuple[SurgeProposal, ...]:
    """The console's capacity watch: raise (or escalate) the alerts of its region, then
    read the proposals."""
    if actor.region_level in ("province", "city", "county", "township"):
        raise_alerts(engine, actor.region_code, now, params=risk_params)
    return watch(session, actor, policy=policy, now=now)
