"""The risk rules (`RULES`): each a function of a read connection, the time, the parameters
and the region scope that returns candidates, nothing written (`evaluate`).

- ``repeat_dispute``: disputes and petitions in one grid cell within 7 days (3/5/8/12 →
  blue/yellow/orange/red);
- ``repeat_hazard``: safety hazards and fires in one grid cell within 7 days (3/4/6/9);
- ``cell_baseline``: incidents in a grid cell over the last 24 h far above the cell's own
  daily mean over the 28 days before (≥ 6 incidents and 3×/5×/8×/12× the expected count;
  the expected count is at least `baseline_floor`);
- ``place_capacity``: a watched place (scenic spot) over 0.8/1.0/1.3/1.6 × its daily
  capacity, from a count no older than 6 h (the G20 surge reaches ~2×: red)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from services.errors import InvalidInput, NotFound
from services.risk.params import CATEGORY_DOMAIN, Candidate, RiskParams, level_for
from services.store import models

G = models.GridCell
I = models.Incident  # noqa: E741


_INCIDENT_CODE = {"province": I.province_code, "city": I.city_code, "county": I.county_code,
                  "township": I.township_code, "community": I.community_code}  # fmt: skip


_GRID_CODE = {"province": G.province_code, "city": G.city_code, "county": G.county_code,
              "township": G.township_code, "community": G.community_code}  # fmt: skip


@dataclass(frozen=True)
class Scope:
    level: str
    adcode: str


def scope_of(conn: Connection, adcode: str | None) -> Scope | None:
    if adcode is None:
        return None
    r = models.Region
    level = conn.execute(select(r.level).where(r.adcode == adcode)).scalar()
    if level is None:
        raise NotFound(f"no region {adcode}", code="no_region", adcode=adcode)
    if level not in _GRID_CODE:
        raise InvalidInput(f"risk scope must be a community or above ({adcode})", code="level")
    return Scope(str(level), adcode)


def _grids(conn: Connection, ids: Iterable[int]) -> dict[int, Any]:
    ids = list(ids)
    out: dict[int, Any] = {}
    for k in range(0, len(ids), 500):
        for row in conn.execute(
            select(G.id, G.code, G.province_code, G.city_code, G.county_code, G.township_code,
                   G.lon, G.lat).where(G.id.in_(ids[k : k + 500]))
        ):  # fmt: skip
            out[row.id] = row
    return out


def _grid_candidate(
    grid: Any, rule: str, domain: str, level: str, text: str, measure: float
) -> Candidate:
    return Candidate(
        rule=rule, place=f"grid:{grid.id}", domain=domain, level=level, text=text,
        grid_id=grid.id,
        codes=(grid.province_code, grid.city_code, grid.county_code, grid.township_code),
        lon=grid.lon, lat=grid.lat, measure=measure,
    )  # fmt: skip


Rule = Callable[[Connection, datetime, RiskParams, Scope | None], list[Candidate]]


def _repeat(
    conn: Connection, now: datetime, p: RiskParams, scope: Scope | None,
    rule: str, categories: tuple[str, ...], domain: str,
    thresholds: tuple[float, float, float, float], what: str,
) -> list[Candidate]:  # fmt: skip
    since = now - timedelta(days=p.repeat_window_days)
    where = [I.reported_at >= since, I.reported_at <= now, I.category.in_(categories),
             I.grid_id.is_not(None)]  # fmt: skip
    if scope is not None:
        where.append(_INCIDENT_CODE[scope.level] == scope.adcode)
    counts = conn.execute(
        select(I.grid_id, func.count())
        .where(*where)
        .group_by(I.grid_id)
        .having(func.count() >= thresholds[0])
    ).all()
    grids = _grids(conn, (int(g) for g, _ in counts if g is not None))
    out = []
    days = f"{p.repeat_window_days:g}"
    for gid, n in counts:
        level = level_for(n, thresholds)
        if level is None or gid not in grids:
            continue
        text = f"网格 {grids[gid].code} {days} 天内{what} {n} 起"
        out.append(_grid_candidate(grids[gid], rule, domain, level, text, float(n)))
    return out


def repeat_dispute(conn: Connection, now: datetime, p: RiskParams, scope: Scope | None) -> list[Candidate]:
    """Repeat disputes (and petitions) in one grid cell within the window."""
    return _repeat(conn, now, p, scope, "repeat_dispute", ("dispute", "petition"), "dispute",
                   p.repeat_dispute_levels, "重复矛盾纠纷")  # fmt: skip


def repeat_hazard(conn: Connection, now: datetime, p: RiskParams, scope: Scope | None) -> list[Candidate]:
    """Repeat safety hazards and fires in one grid cell within the window."""
    return _repeat(conn, now, p, scope, "repeat_hazard", ("safety_hazard", "fire"),
                   "production_safety", p.repeat_hazard_levels, "重复安全隐患")  # fmt: skip


def cell_baseline(conn: Connection, now: datetime, p: RiskParams, scope: Scope | None) -> list[Candidate]:
    """A cell's incidents over the last window far above its own recent daily mean."""
    window = timedelta(hours=p.baseline_window_hours)
    start = now - window
    where = [I.reported_at >= start, I.reported_at <= now, I.grid_id.is_not(None)]
    if scope is not None:
        where.append(_INCIDENT_CODE[scope.level] == scope.adcode)
    recent: dict[int, int] = dict(
        conn.execute(  # type: ignore[arg-type]
            select(I.grid_id, func.count())
            .where(*where)
            .group_by(I.grid_id)
            .having(func.count() >= p.baseline_min_count)
        ).all()
    )
    if not recent:
        return []
    grids = _grids(conn, recent)
    base_start = start - timedelta(days=p.baseline_days)
    towns = sorted({g.township_code for g in grids.values()})
    ids = list(recent)
    baseline: dict[int, int] = {}
    for k in range(0, len(ids), 500):
        baseline.update(
            conn.execute(  # type: ignore[arg-type]
                select(I.grid_id, func.count())
                .where(
                    I.township_code.in_(towns),  # the (township, grid, reported_at) index
                    I.grid_id.in_(ids[k : k + 500]),
                    I.reported_at >= base_start,
                    I.reported_at < start,
                )
                .group_by(I.grid_id)
            ).all()
        )
    per_window = window / timedelta(days=1)
    # Domain: the category most reported in the window (a crowd is public order).
    top = {
        gid: cat
        for gid, cat, _n in sorted(
            conn.execute(
                select(I.grid_id, I.category, func.count())
                .where(I.grid_id.in_(ids[:500]), I.reported_at >= start, I.reported_at <= now)
                .group_by(I.grid_id, I.category)
            ).all(),
            key=lambda r: r[2],
        )
    }
    out = []
    for gid, n in recent.items():
        if gid not in grids:
            continue
        expected = max(p.baseline_floor, baseline.get(gid, 0) / p.baseline_days * per_window)
        ratio = n / expected
        level = level_for(ratio, p.baseline_ratios)
        if level is None:
            continue
        domain = CATEGORY_DOMAIN.get(top.get(gid, ""), "public_order")
        text = (f"网格 {grids[gid].code} 近 {p.baseline_window_hours:g} 小时事件 {n} 起，"
                f"为常态 {expected:.1f} 起的 {ratio:.1f} 倍")  # fmt: skip
        out.append(_grid_candidate(grids[gid], "cell_baseline", domain, level, text, ratio))
    return out


def place_capacity(conn: Connection, now: datetime, p: RiskParams, scope: Scope | None) -> list[Candidate]:
    """A watched place (scenic spot) over a share of its daily capacity."""
    pl = models.Place
    stmt = (
        select(pl.id, pl.name, pl.grid_id, pl.lon, pl.lat, pl.daily_capacity, pl.current_count,
               pl.county_code, G.province_code, G.city_code, G.township_code)
        .outerjoin(G, G.id == pl.grid_id)
        .where(pl.daily_capacity > 0, pl.count_at >= now - timedelta(hours=p.place_stale_hours))
    )  # fmt: skip
    if scope is not None:
        stmt = stmt.where(
            pl.county_code == scope.adcode if scope.level == "county"
            else _GRID_CODE[scope.level] == scope.adcode
        )  # fmt: skip
    out = []
    for row in conn.execute(stmt):
        ratio = row.current_count / row.daily_capacity
        level = level_for(ratio, p.place_ratios)
        if level is None:
            continue
        text = (f"{row.name} 游客 {row.current_count:,} 人，"
                f"为日承载量 {row.daily_capacity:,} 的 {ratio:.0%}")  # fmt: skip
        out.append(
            Candidate(
                rule="place_capacity", place=f"place:{row.id}", domain="public_order",
                level=level, text=text, grid_id=row.grid_id,
                codes=(row.province_code or "", row.city_code or "", row.county_code,
                       row.township_code or ""),
                lon=row.lon, lat=row.lat, measure=ratio,
            )
        )  # fmt: skip
    return out


RULES: dict[str, Rule] = {
    "repeat_dispute": repeat_dispute,
    "repeat_hazard": repeat_hazard,
    "cell_baseline": cell_baseline,
    "place_capacity": place_capacity,
}


def evaluate(
    engine: Engine,
    now: datetime | None = None,
    scope: str | None = None,
    *,
    params: RiskParams,
    rules: Iterable[str] | None = None,
) -> list[Candidate]:
    """What the rules find now (nothing written)."""
    now = now or models.utcnow()
    with engine.connect() as conn:
        sc = scope_of(conn, scope)
        out: list[Candidate] = []
        for name in rules or RULES:
            out.extend(RULES[name](conn, now, params, sc))
    return out
