"""风险预警: risk alerts in 11 domains, raised by rules over the live data or imported.

Levels, lowest to highest: blue, yellow, orange, red. An alert is open, then acknowledged,
then closed (closing straight from open is allowed); every step is a `RiskAlertEvent` (the
timeline) and an audit row.

Rules (`RULES`), each a function of a read connection, the time and the parameters that
returns candidates; the engine (`run_rules`) raises new ones and escalates open ones:

- ``repeat_dispute``: disputes and petitions in one grid cell within 7 days (3/5/8/12 →
  blue/yellow/orange/red);
- ``repeat_hazard``: safety hazards and fires in one grid cell within 7 days (3/4/6/9);
- ``cell_baseline``: incidents in a grid cell over the last 24 h far above the cell's own
  daily mean over the 28 days before (≥ 6 incidents and 3×/5×/8×/12× the expected count;
  the expected count is at least `baseline_floor`);
- ``place_capacity``: a watched place (scenic spot) over 0.8/1.0/1.3/1.6 × its daily
  capacity, from a count no older than 6 h (the G20 surge reaches ~2×: red).

Dedupe: an open rule alert has the unique key ``rule:place`` (place = ``grid:ID`` or
``place:ID``); closing it renames the key ``rule:place:closed:ID`` so the place can alert
again. Two consoles running the rules at once cannot both raise it: the second insert hits
the unique key, is rolled back, and the open alert is escalated instead if need be. A place
whose alert was closed less than `cooldown_hours` ago is not re-raised at the same or a
lower level. Levels only go up automatically; a person closes an alert.
Imported alerts have the key ``import:EXTERNAL_ID`` for good, so re-importing a file adds
nothing twice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, StaleState
from services.store import audit, models
from services.store.db import session_factory, transaction
from services.store.rollup import LOCAL_OFFSET
from services.territory import jurisdiction
from services.territory.importer import ImportRejected

DOMAINS: dict[str, str] = {
    "public_order": "社会治安",
    "dispute": "矛盾纠纷",
    "city_operation": "城市运行",
    "cyber": "网络安全",
    "production_safety": "安全生产",
    "fire": "消防安全",
    "food_drug": "食品药品",
    "environment": "生态环境",
    "traffic": "交通安全",
    "natural_disaster": "自然灾害",
    "public_health": "公共卫生",
}
"""The 11 domains: key → Chinese label (the UI translates the label)."""

CATEGORY_DOMAIN: dict[str, str] = {
    "city_management": "city_operation",
    "dispute": "dispute",
    "petition": "dispute",
    "safety_hazard": "production_safety",
    "public_order": "public_order",
    "environment": "environment",
    "traffic": "traffic",
    "other": "city_operation",
    "fire": "fire",
    "food_drug": "food_drug",
    "public_health": "public_health",
}
"""Incident categories (services.vocabulary.CATEGORIES) → domain. Cyber and natural
disasters have no incident category: their alerts are imported."""

LEVELS: tuple[str, ...] = ("blue", "yellow", "orange", "red")
LEVEL_RANK: dict[str, int] = {lv: k + 1 for k, lv in enumerate(LEVELS)}
LEVEL_LABELS: dict[str, str] = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
STATUSES: tuple[str, ...] = ("open", "acknowledged", "closed")
OPEN_STATUSES: tuple[str, ...] = ("open", "acknowledged")

_LEVEL_ALIASES = {"蓝": "blue", "蓝色": "blue", "黄": "yellow", "黄色": "yellow",
                  "橙": "orange", "橙色": "orange", "红": "red", "红色": "red",
                  "1": "blue", "2": "yellow", "3": "orange", "4": "red"}  # fmt: skip
_DOMAIN_ALIASES = {label: key for key, label in DOMAINS.items()}

SYSTEM_ACTOR = Actor(
    login="system", name="系统", role="system", center_id=None,
    region_id=0, region_code="", region_level="", region_path="/",
)  # fmt: skip
"""Who raises rule alerts (audit and timeline)."""

IMPORT_LOGIN = "import"


@dataclass(frozen=True)
class RiskParams:
    """Thresholds of the rules; each 4-tuple is the blue/yellow/orange/red threshold."""

    repeat_window_days: float = 7.0
    repeat_dispute_levels: tuple[float, float, float, float] = (3, 5, 8, 12)
    repeat_hazard_levels: tuple[float, float, float, float] = (3, 4, 6, 9)
    baseline_window_hours: float = 24.0
    baseline_days: int = 28
    baseline_min_count: int = 6
    baseline_floor: float = 1.0  # expected incidents per window, at least
    baseline_ratios: tuple[float, float, float, float] = (3.0, 5.0, 8.0, 12.0)
    place_ratios: tuple[float, float, float, float] = (0.8, 1.0, 1.3, 1.6)
    place_stale_hours: float = 6.0
    cooldown_hours: float = 12.0
    urgent_after_minutes: float = 15.0  # an unacknowledged alert this old: louder (level 1)
    critical_after_minutes: float = 60.0  # and this old: loudest (level 2)

    def urgency(self, raised_at: datetime | None, now: datetime) -> int:
        """How loud an unacknowledged alert raised then is now: 0 new, 1 after
        `urgent_after_minutes`, 2 after `critical_after_minutes` (None: nothing waits)."""
        if raised_at is None:
            return 0
        minutes = (now - raised_at).total_seconds() / 60.0
        if minutes >= self.critical_after_minutes:
            return 2
        return 1 if minutes >= self.urgent_after_minutes else 0

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> RiskParams:
        """Defaults overridden by the config file's `[risk]` table."""
        if not table:
            return cls()
        values: dict[str, Any] = {}
        base = cls()
        for key, value in table.items():
            if not hasattr(base, key):
                raise InvalidInput(f"[risk] has no setting {key!r}", code="config", key=key)
            current = getattr(base, key)
            try:
                if isinstance(current, tuple):
                    t = tuple(float(v) for v in value)
                    if len(t) != 4 or list(t) != sorted(t):
                        raise ValueError("needs 4 ascending numbers (blue, yellow, orange, red)")
                    values[key] = t
                elif isinstance(current, int) and not isinstance(current, bool):
                    values[key] = int(value)
                else:
                    values[key] = float(value)
            except (TypeError, ValueError) as exc:
                raise InvalidInput(f"[risk] {key}: {exc}", code="config", key=key) from None
        made = cls(**values)
        if not 0 <= made.urgent_after_minutes <= made.critical_after_minutes:
            raise InvalidInput("[risk] urgent_after_minutes must be 0 or more and at most "
                               "critical_after_minutes", code="config", key="urgent_after_minutes")  # fmt: skip
        return made


def level_for(value: float, thresholds: Iterable[float]) -> str | None:
    """The highest level whose threshold `value` reaches, or None below blue."""
    out = None
    for lv, t in zip(LEVELS, thresholds, strict=True):
        if value >= t:
            out = lv
    return out


@dataclass(frozen=True)
class Candidate:
    """What a rule found: an alert to raise (or to escalate if already open)."""

    rule: str
    place: str  # "grid:12" / "place:3": with the rule, the dedupe key
    domain: str
    level: str
    text: str
    grid_id: int | None
    codes: tuple[str, str, str, str]  # province, city, county, township
    lon: float | None
    lat: float | None
    measure: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.place}"


# --------------------------------------------------------------------------- scope


G = models.GridCell
I = models.Incident  # noqa: E741
R = models.RiskAlert
_INCIDENT_CODE = {"province": I.province_code, "city": I.city_code, "county": I.county_code,
                  "township": I.township_code, "community": I.community_code}  # fmt: skip
_GRID_CODE = {"province": G.province_code, "city": G.city_code, "county": G.county_code,
              "township": G.township_code, "community": G.community_code}  # fmt: skip
_ALERT_CODE = {"province": R.province_code, "city": R.city_code, "county": R.county_code,
               "township": R.township_code}  # fmt: skip


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


# --------------------------------------------------------------------------- rules

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


# --------------------------------------------------------------------------- engine


def _snapshot(alert: models.RiskAlert) -> dict[str, object]:
    return audit.snapshot(alert, ("domain", "level", "status", "rule", "key", "grid_id",
                                  "township_code", "county_code", "source"))  # fmt: skip


def _raise(session: Session, c: Candidate, now: datetime, source: str = "rule",
           key: str | None = None, actor: Actor = SYSTEM_ACTOR,
           raised_at: datetime | None = None) -> models.RiskAlert:  # fmt: skip
    alert = models.RiskAlert(
        domain=c.domain, level=c.level, grid_id=c.grid_id,
        province_code=c.codes[0], city_code=c.codes[1], county_code=c.codes[2],
        township_code=c.codes[3], lon=c.lon, lat=c.lat, raised_at=raised_at or now,
        status="open", rule=c.rule, text=c.text, source=source, key=key or c.key,
    )  # fmt: skip
    session.add(alert)
    session.flush()
    session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="raised",
                                      actor=actor.login, note=c.text))  # fmt: skip
    audit.record(session, actor, "risk.raise", "risk_alert", alert.id,
                 after=_snapshot(alert), detail=c.text, at=now)  # fmt: skip
    return alert


def _escalate(factory: Any, alert_id: int, c: Candidate, now: datetime) -> bool:
    try:
        with transaction(factory) as s:
            alert = s.get(models.RiskAlert, alert_id)
            if alert is None or alert.status == "closed":
                return False
            if LEVEL_RANK.get(c.level, 0) <= LEVEL_RANK.get(alert.level, 0):
                return False
            before = _snapshot(alert)
            note = f"{LEVEL_LABELS.get(alert.level, alert.level)} → {LEVEL_LABELS[c.level]}：{c.text}"
            alert.level = c.level
            alert.text = c.text
            s.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="escalated",
                                        actor=SYSTEM_ACTOR.login, note=note))  # fmt: skip
            audit.record(s, SYSTEM_ACTOR, "risk.escalate", "risk_alert", alert.id,
                         before=before, after=_snapshot(alert), detail=note, at=now)  # fmt: skip
        return True
    except StaleDataError:  # another console changed it first; the next run looks again
        return False


def run_rules(
    engine: Engine,
    now: datetime | None = None,
    scope: str | None = None,
    *,
    params: RiskParams,
    rules: Iterable[str] | None = None,
) -> list[int]:
    """Evaluate the rules and raise what is new; returns the ids of alerts raised.

    Idempotent: an open alert of the same rule and place is escalated if the level rose,
    never raised twice. Each new alert is its own short transaction, so a unique-key clash
    with another console rolls back only that alert.
    """
    now = now or models.utcnow()
    candidates = evaluate(engine, now, scope, params=params, rules=rules)
    if not candidates:
        return []
    keys = [c.key for c in candidates]
    open_by_key: dict[str, tuple[int, str]] = {}
    closed_level: dict[str, int] = {}
    with engine.connect() as conn:
        for k in range(0, len(keys), 500):
            for aid, key, level in conn.execute(
                select(R.id, R.key, R.level).where(R.key.in_(keys[k : k + 500]))
            ):
                open_by_key[str(key)] = (aid, level)
        since = now - timedelta(hours=params.cooldown_hours)
        for key, level in conn.execute(
            select(R.key, R.level).where(R.status == "closed", R.closed_at >= since,
                                         R.source == "rule")  # fmt: skip
        ):
            base = str(key).split(":closed:")[0]
            closed_level[base] = max(closed_level.get(base, 0), LEVEL_RANK.get(level, 0))
    factory = session_factory(engine)
    raised: list[int] = []
    for c in candidates:
        existing = open_by_key.get(c.key)
        if existing is not None:
            _escalate(factory, existing[0], c, now)
            continue
        if LEVEL_RANK[c.level] <= closed_level.get(c.key, 0):
            continue  # closed a moment ago at this level: wait for the cool-down
        try:
            with transaction(factory) as s:
                alert = _raise(s, c, now)
                raised.append(alert.id)
        except IntegrityError:
            # Another console raised it between our read and our insert: escalate theirs.
            with engine.connect() as conn:
                found = conn.execute(select(R.id).where(R.key == c.key)).scalar()
            if found is not None:
                _escalate(factory, int(found), c, now)
    return raised


# --------------------------------------------------------------------------- handling


_ACTOR_CODE = {"province": "province_code", "city": "city_code", "county": "county_code",
               "township": "township_code"}  # fmt: skip


def _visible(actor: Actor, alert: models.RiskAlert) -> bool:
    if actor.region_level in _ACTOR_CODE:
        return bool(getattr(alert, _ACTOR_CODE[actor.region_level]) == actor.region_code)
    return actor.region_path.strip("/").split("/")[-1:] == [alert.township_code]


def _load(session: Session, actor: Actor, alert_id: int, version: int | None) -> models.RiskAlert:
    actor.require("handle")
    alert = session.get(models.RiskAlert, alert_id)
    if alert is None:
        raise NotFound(f"no risk alert {alert_id}", alert_id=alert_id)
    if not _visible(actor, alert):
        raise NotAllowed(f"risk alert {alert_id} is outside {actor.region_code}",
                         code="outside", alert_id=alert_id)  # fmt: skip
    if version is not None and alert.version != version:
        raise StaleState(f"risk alert {alert_id} changed meanwhile", current=alert.version,
                         alert_id=alert_id)  # fmt: skip
    return alert


def acknowledge(
    session: Session, actor: Actor, alert_id: int, note: str = "", *,
    version: int | None = None, now: datetime | None = None,
) -> None:  # fmt: skip
    """签收: the alert is seen and being handled."""
    now = now or models.utcnow()
    alert = _load(session, actor, alert_id, version)
    if alert.status != "open":
        raise InvalidTransition(f"risk alert {alert_id} is {alert.status}, not open",
                                status=alert.status)  # fmt: skip
    before = _snapshot(alert)
    alert.status = "acknowledged"
    alert.acknowledged_at = now
    alert.acknowledged_by = actor.label
    session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="acknowledged",
                                      actor=actor.label, note=note))  # fmt: skip
    audit.record(session, actor, "risk.acknowledge", "risk_alert", alert.id,
                 before=before, after=_snapshot(alert), detail=note, at=now)  # fmt: skip
    session.flush()


def close(
    session: Session, actor: Actor, alert_id: int, note: str = "", *,
    version: int | None = None, now: datetime | None = None,
) -> None:  # fmt: skip
    """解除: the risk is handled; the place may alert again (after the cool-down)."""
    now = now or models.utcnow()
    alert = _load(session, actor, alert_id, version)
    if alert.status == "closed":
        raise InvalidTransition(f"risk alert {alert_id} is already closed", status=alert.status)
    before = _snapshot(alert)
    alert.status = "closed"
    alert.closed_at = now
    alert.closed_by = actor.label
    if alert.source == "rule" and alert.key and ":closed:" not in alert.key:
        alert.key = f"{alert.key}:closed:{alert.id}"  # frees the place for a new alert
    session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="closed",
                                      actor=actor.label, note=note))  # fmt: skip
    audit.record(session, actor, "risk.close", "risk_alert", alert.id,
                 before=before, after=_snapshot(alert), detail=note, at=now)  # fmt: skip
    session.flush()


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class AlertRow:
    id: int
    domain: str
    level: str
    status: str
    rule: str
    source: str
    text: str
    raised_at: datetime
    place_name: str  # township (or county) name
    grid_id: int | None
    grid_code: str | None
    township_code: str
    county_code: str
    lon: float | None
    lat: float | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    version: int


@dataclass(frozen=True)
class AlertBoard:
    """The open alerts of a region's subtree, highest level first, newest first."""

    region_code: str
    alerts: tuple[AlertRow, ...]
    counts: Mapping[str, int] = field(default_factory=dict)  # open alerts by level (all of them)
    total: int = 0
    as_of: datetime | None = None
    unacknowledged: int = 0  # raised and not yet 签收 (all of them, not only those listed)
    oldest_unacknowledged: datetime | None = None  # naive UTC
    params: RiskParams = field(default_factory=RiskParams)  # the urgency steps it was read with

    def attention(self, now: datetime) -> tuple[int, int]:
        """(unacknowledged alerts, urgency 0–2 of the oldest of them at `now`, naive UTC):
        what the tab and the header show, louder as the oldest waits longer."""
        if not self.unacknowledged:
            return 0, 0
        return self.unacknowledged, self.params.urgency(self.oldest_unacknowledged, now)


@dataclass(frozen=True)
class AlertEventRow:
    at: datetime
    action: str
    actor: str
    note: str


def _alert_filter(level: str, adcode: str) -> Any:
    """Alerts of a region's subtree; a community's through its cells (alerts carry the
    codes down to the township only)."""
    if level == "community":
        return R.grid_id.in_(select(G.id).where(G.community_code == adcode))
    return _ALERT_CODE[level] == adcode


def _region_filter(conn: Connection, adcode: str) -> Any:
    sc = scope_of(conn, adcode)
    assert sc is not None
    return _alert_filter(sc.level, sc.adcode)


def open_alerts(engine: Engine, adcode: str, limit: int = 200, *,
                params: RiskParams, within: str | None = None) -> AlertBoard:  # fmt: skip
    """Open and acknowledged alerts of the region's subtree (for the wall list), with the
    unacknowledged ones counted and the oldest of them (its urgency: `params`); refused
    outside the subtree of `within` (the console's root)."""
    rank = case(*((R.level == lv, LEVEL_RANK[lv]) for lv in LEVELS), else_=0)
    with engine.connect() as conn:
        jurisdiction.require_within(conn, within, adcode)
        f = _region_filter(conn, adcode)
        counts = {
            lv: int(n)
            for lv, n in conn.execute(
                select(R.level, func.count())
                .where(f, R.status.in_(OPEN_STATUSES))
                .group_by(R.level)
            )
        }
        waiting, oldest = conn.execute(
            select(func.count(), func.min(R.raised_at)).where(f, R.status == "open")
        ).one()
        rows = conn.execute(
            select(R, G.code.label("grid_code"))
            .outerjoin(G, G.id == R.grid_id)
            .where(f, R.status.in_(OPEN_STATUSES))
            .order_by(rank.desc(), R.raised_at.desc(), R.id.desc())
            .limit(limit)
        ).all()
        codes = {r.township_code for r in rows} | {r.county_code for r in rows}
        rg = models.Region
        names = dict(conn.execute(select(rg.adcode, rg.name).where(rg.adcode.in_(codes))).all())
    alerts = tuple(
        AlertRow(
            id=r.id, domain=r.domain, level=r.level, status=r.status, rule=r.rule,
            source=r.source, text=r.text, raised_at=r.raised_at,
            place_name=names.get(r.township_code) or names.get(r.county_code) or r.county_code,
            grid_id=r.grid_id, grid_code=r.grid_code, township_code=r.township_code,
            county_code=r.county_code, lon=r.lon, lat=r.lat,
            acknowledged_at=r.acknowledged_at, acknowledged_by=r.acknowledged_by,
            version=r.version,
        )
        for r in rows
    )  # fmt: skip
    return AlertBoard(adcode, alerts, counts, sum(counts.values()), datetime.now(UTC),
                      int(waiting or 0), oldest, params)  # fmt: skip


def timeline(engine: Engine, alert_id: int) -> tuple[AlertEventRow, ...]:
    e = models.RiskAlertEvent
    with engine.connect() as conn:
        return tuple(
            AlertEventRow(r.at, r.action, r.actor, r.note)
            for r in conn.execute(
                select(e.at, e.action, e.actor, e.note).where(e.alert_id == alert_id).order_by(e.id)
            )
        )


def alert_points(engine: Engine, adcode: str, *, within: str | None = None
                 ) -> tuple[dict[str, Any], ...]:  # fmt: skip
    """Open alerts of the subtree as map markers (MapView.set_points('alerts', ...)):
    status = the level, label = domain and text; refused outside the subtree of `within`."""
    with engine.connect() as conn:
        jurisdiction.require_within(conn, within, adcode)
        f = _region_filter(conn, adcode)
        rows = conn.execute(
            select(R.id, R.lon, R.lat, R.level, R.domain, R.text, R.status)
            .where(f, R.status.in_(OPEN_STATUSES), R.lon.is_not(None), R.lat.is_not(None))
            .order_by(R.id)
        ).all()
    return tuple(
        {"id": r.id, "lon": r.lon, "lat": r.lat, "status": r.level, "kind": r.domain,
         "priority": LEVEL_RANK.get(r.level, 0),
         "label": f"{DOMAINS.get(r.domain, r.domain)} · {r.text}"}
        for r in rows
    )  # fmt: skip


def cell_levels(conn: Connection, level: str, adcode: str) -> dict[int, float]:
    """Grid cell → highest open alert level (1 blue .. 4 red) in a subtree (the map's
    `risk` metric). Alerts without a cell are left out."""
    rank = func.max(case(*((R.level == lv, LEVEL_RANK[lv]) for lv in LEVELS), else_=0))
    rows = conn.execute(
        select(R.grid_id, rank)
        .where(_alert_filter(level, adcode), R.status.in_(OPEN_STATUSES), R.grid_id.is_not(None))
        .group_by(R.grid_id)
    ).all()
    return {int(g): float(v) for g, v in rows if v}


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # already in the database (same external id)


IMPORT_FIELDS = ("external_id", "domain", "level", "raised_at", "text", "grid", "region",
                 "lon", "lat")  # fmt: skip


def _records(path: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) from a CSV (header row) or JSON Lines file."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportRejected([f"{path}: cannot read: {exc}"]) from None
    out: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    if path.lower().endswith((".jsonl", ".ndjson", ".json")):
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                problems.append(f"line {n}: not JSON: {exc}")
                continue
            if not isinstance(rec, dict):
                problems.append(f"line {n}: not a JSON object")
                continue
            out.append((n, rec))
    else:
        reader = csv.DictReader(io.StringIO(raw))
        for rec in reader:
            n = reader.line_num
            if None in rec:
                problems.append(f"line {n}: more fields than the header")
                continue
            out.append((n, {k.strip(): v for k, v in rec.items() if k is not None}))
    if problems:
        raise ImportRejected(problems)
    return out


def _parse_time(value: Any) -> datetime:
    """ISO 8601; without an offset it is China time. Returns naive UTC."""
    t = datetime.fromisoformat(str(value).strip())
    if t.tzinfo is None:
        return t - LOCAL_OFFSET
    return t.astimezone(UTC).replace(tzinfo=None)


def import_alerts(engine: Engine, path: str, actor: Actor | None = None,
                  now: datetime | None = None) -> ImportResult:  # fmt: skip
    """`console.py import alerts FILE`: CSV or JSON Lines, all or nothing.

    Fields: external_id, domain (key or Chinese label), level (blue/yellow/orange/red or
    蓝/黄/橙/红), raised_at (ISO 8601, China time unless it has an offset; default now),
    text, and where: grid (grid code) or region (township/county adcode), optionally lon/lat.
    Every line is checked first; any problem rejects the whole file, each problem naming
    its line. Alerts already imported (same external_id) are skipped, not duplicated.
    """
    actor = actor or Actor(login=IMPORT_LOGIN, name="导入", role="system", center_id=None,
                           region_id=0, region_code="", region_level="", region_path="/")  # fmt: skip
    now = now or models.utcnow()
    records = _records(path)
    problems: list[str] = []
    rg = models.Region
    with engine.connect() as conn:
        regions = {r.adcode: r for r in conn.execute(
            select(rg.id, rg.adcode, rg.level, rg.path, rg.min_lon, rg.min_lat, rg.max_lon, rg.max_lat)
        )}  # fmt: skip
        grid_codes = sorted({str(rec.get("grid") or "").strip() for _, rec in records} - {""})
        grids: dict[str, Any] = {}
        for k in range(0, len(grid_codes), 500):
            for g in conn.execute(
                select(G.id, G.code, G.province_code, G.city_code, G.county_code,
                       G.township_code, G.lon, G.lat).where(G.code.in_(grid_codes[k : k + 500]))
            ):  # fmt: skip
                grids[g.code] = g
        ext = sorted({f"import:{str(rec.get('external_id') or '').strip()}" for _, rec in records})
        known: set[str] = set()
        for k in range(0, len(ext), 500):
            known.update(str(x) for x in conn.execute(select(R.key).where(R.key.in_(ext[k : k + 500]))).scalars())
    seen: dict[str, int] = {}
    todo: list[tuple[Candidate, str, datetime]] = []
    skipped = 0
    for n, rec in records:
        label = f"line {n}"
        ext_id = str(rec.get("external_id") or "").strip()
        if not ext_id:
            problems.append(f"{label}: missing external_id")
            continue
        if ext_id in seen:
            problems.append(f"{label}: duplicate external_id {ext_id!r} (also line {seen[ext_id]})")
            continue
        seen[ext_id] = n
        domain_raw = str(rec.get("domain") or "").strip()
        domain = domain_raw if domain_raw in DOMAINS else _DOMAIN_ALIASES.get(domain_raw)
        if domain is None:
            problems.append(f"{label}: unknown domain {domain_raw!r} (one of {', '.join(DOMAINS)})")
        level_raw = str(rec.get("level") or "").strip().lower()
        level = level_raw if level_raw in LEVEL_RANK else _LEVEL_ALIASES.get(level_raw)
        if level is None:
            problems.append(f"{label}: unknown level {level_raw!r} (one of {', '.join(LEVELS)})")
        raised_at = now
        if rec.get("raised_at") not in (None, ""):
            try:
                raised_at = _parse_time(rec["raised_at"])
            except ValueError:
                problems.append(f"{label}: raised_at {rec['raised_at']!r} is not an ISO 8601 time")
        lon = lat = None
        if rec.get("lon") not in (None, "") or rec.get("lat") not in (None, ""):
            try:
                lon, lat = float(rec["lon"]), float(rec["lat"])
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                problems.append(f"{label}: lon/lat must both be numbers in range")
        grid_code = str(rec.get("grid") or "").strip()
        region_code = str(rec.get("region") or "").strip()
        grid_id = None
        codes: tuple[str, str, str, str] | None = None
        if grid_code:
            cell = grids.get(grid_code)
            if cell is None:
                problems.append(f"{label}: unknown grid {grid_code!r}")
            else:
                grid_id = cell.id
                codes = (cell.province_code, cell.city_code, cell.county_code, cell.township_code)
                lon, lat = (lon, lat) if lon is not None else (cell.lon, cell.lat)
        elif region_code:
            reg = regions.get(region_code)
            if reg is None:
                problems.append(f"{label}: unknown region {region_code!r}")
            elif reg.level not in ("township", "county"):
                problems.append(f"{label}: region {region_code} is a {reg.level}; "
                                "give a township or county (or a grid)")  # fmt: skip
            else:
                chain = [c for c in reg.path.strip("/").split("/") if c]
                by_level = {regions[c].level: c for c in chain if c in regions}
                codes = (by_level.get("province", ""), by_level.get("city", ""),
                         by_level.get("county", ""), by_level.get("township", ""))  # fmt: skip
                if lon is None and reg.min_lon is not None:
                    lon = (reg.min_lon + reg.max_lon) / 2
                    lat = (reg.min_lat + reg.max_lat) / 2
        else:
            problems.append(f"{label}: needs a grid or a region code")
        if problems and problems[-1].startswith(f"{label}:"):
            continue
        key = f"import:{ext_id}"
        if key in known:
            skipped += 1
            continue
        assert domain is not None and level is not None and codes is not None
        text = str(rec.get("text") or "").strip() or f"{DOMAINS[domain]}风险"
        todo.append((Candidate("import", ext_id, domain, level, text, grid_id, codes, lon, lat),
                     key, raised_at))  # fmt: skip
    if problems:
        raise ImportRejected(problems)
    factory = session_factory(engine)
    with transaction(factory) as s:
        for c, key, raised_at in todo:
            _raise(s, c, now, source="import", key=key, actor=actor, raised_at=raised_at)
    return ImportResult(len(todo), skipped)
