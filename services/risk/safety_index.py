"""平安指数: a monthly safety index for every region, its components, and the ranking board (晾晒).

The formula (version "v1"), per region and calendar month in China Standard Time. Every
input is read from the console's own data; every weight and cap is in `IndexParams` and can
be set in the `[safety_index]` table of the config file (`IndexParams.from_config`).

Inputs for the region's whole subtree, for incidents *reported in the month*:

- ``P``   population of the region (``region.population``);
- ``D``   days of the month elapsed at computation (whole month once it is over), at least 1;
- ``W``   severity-weighted incidents: Σ category_weight[category] × priority_weight[priority];
- ``N``   incidents reported, ``R`` of them resolved by now;
- ``O``   overdue: resolved after their resolve deadline, or still open past it now;
- ``K``   repeats: an incident is a repeat when an earlier incident of the same category was
          reported in the same grid cell in the same month (Σ over cell × category of n − 1);
- ``A``   risk alerts raised in the month, weighted by level (blue 1, yellow 2, orange 4, red 8).

Rates are normalised to 10,000 people and 30 days, so a month in progress compares with a
full one: ``rate(x) = x / P × 10,000 × 30 / D``.

Five sub-scores, each 0..100 (higher is safer), linear and clamped:

=============  ==============================================  ==========  =======
component      sub-score                                       default     weight
=============  ==============================================  ==========  =======
incidents      100 × (1 − rate(W) / incident_rate_cap)         cap 60      0.35
resolution     100 × (R/N − resolution_floor) / (1 − floor)    floor 0.80  0.25
overdue        100 × (1 − (O/N) / overdue_cap)                 cap 0.20    0.15
repeat         100 × (1 − (K/N) / repeat_cap)                  cap 0.30    0.10
risk           100 × (1 − rate(A) / alert_rate_cap)            cap 5       0.15
=============  ==============================================  ==========  =======

``index = Σ weight × sub-score / Σ weight`` over the components that have data, rounded to
0.01. A component without data drops out and the others are re-weighted: with no incidents
(N = 0) resolution, overdue and repeat drop out; with no population (P = 0) incidents and
risk drop out. A region with no component at all has no index (not stored).

Computed for every province, city, county and township in a few set-based queries (one scan
of the month's incidents grouped by township, cell and category; one of the month's alerts)
and rolled up by the four codes every incident carries, so it costs the same at any level.
Stored in `safety_index` (one row per region and month, upserted) with the inputs,
sub-scores and weights as the `components` JSON. `recompute_if_changed` recomputes a month
only when an incident or alert of that month changed since it was computed (change feed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, case, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.errors import InvalidInput
from services.store import changefeed, models
from services.store.rollup import LOCAL_OFFSET
from services.territory import jurisdiction

FORMULA_VERSION = "v1"
COMPONENTS = ("incidents", "resolution", "overdue", "repeat", "risk")
INDEX_LEVELS = ("province", "city", "county", "township")
CODE_LEVELS = ("province", "city", "county", "township")

DEFAULT_WEIGHTS: dict[str, float] = {
    "incidents": 0.35,
    "resolution": 0.25,
    "overdue": 0.15,
    "repeat": 0.10,
    "risk": 0.15,
}
# How much one incident of a category weighs (services.vocabulary.CATEGORIES).
DEFAULT_CATEGORY_WEIGHTS: dict[str, float] = {
    "public_order": 1.5,
    "fire": 2.0,
    "safety_hazard": 1.5,
    "food_drug": 1.5,
    "public_health": 1.5,
    "dispute": 1.2,
    "traffic": 1.2,
    "petition": 1.0,
    "environment": 1.0,
    "city_management": 0.5,
    "other": 0.5,
}
DEFAULT_PRIORITY_WEIGHTS: dict[int, float] = {1: 3.0, 2: 2.0, 3: 1.0, 4: 0.5}
DEFAULT_ALERT_WEIGHTS: dict[str, float] = {"blue": 1.0, "yellow": 2.0, "orange": 4.0, "red": 8.0}


@dataclass(frozen=True)
class IndexParams:
    """Weights and caps of the formula (see the module docstring)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    incident_rate_cap: float = 60.0  # weighted incidents per 10k people per 30 days → score 0
    resolution_floor: float = 0.80  # resolution rate at or below → score 0
    overdue_cap: float = 0.20  # overdue share at or above → score 0
    repeat_cap: float = 0.30  # repeat share at or above → score 0
    alert_rate_cap: float = 5.0  # weighted alerts per 10k people per 30 days → score 0
    category_weights: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CATEGORY_WEIGHTS)
    )
    default_category_weight: float = 1.0  # categories not listed
    priority_weights: Mapping[int, float] = field(
        default_factory=lambda: dict(DEFAULT_PRIORITY_WEIGHTS)
    )
    alert_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_ALERT_WEIGHTS))

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> IndexParams:
        """Defaults overridden by the config file's `[safety_index]` table (Settings.raw).

        Mapping keys (`weights`, `category_weights`, `priority_weights`, `alert_weights`)
        are merged into the defaults; unknown keys are refused so a typo is not silent.
        """
        if not table:
            return cls()
        base = cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise InvalidInput(f"[safety_index] has no setting {key!r}", code="config", key=key)
            current = getattr(base, key)
            try:
                if isinstance(current, Mapping):
                    merged = dict(current)
                    for k, v in dict(value).items():
                        merged[int(k) if key == "priority_weights" else str(k)] = float(v)
                    values[key] = merged
                else:
                    values[key] = float(value)
            except (TypeError, ValueError) as exc:
                raise InvalidInput(
                    f"[safety_index] {key}: {exc}", code="config", key=key
                ) from None
        unknown = set(values.get("weights", {})) - set(COMPONENTS)
        if unknown:
            raise InvalidInput(
                f"[safety_index] weights: unknown component(s) {sorted(unknown)}", code="config"
            )
        params = cls(**values)
        for name in ("incident_rate_cap", "overdue_cap", "repeat_cap", "alert_rate_cap"):
            if getattr(params, name) <= 0:
                raise InvalidInput(f"[safety_index] {name} must be > 0", code="config")
        if not 0 <= params.resolution_floor < 1:
            raise InvalidInput("[safety_index] resolution_floor must be in [0, 1)", code="config")
        return params


@dataclass(frozen=True)
class MonthStats:
    """The inputs of one region for one month (see the module docstring for the letters)."""

    population: int = 0  # P
    days: float = 30.0  # D
    reported: int = 0  # N
    weighted: float = 0.0  # W
    resolved: int = 0  # R
    overdue: int = 0  # O
    repeats: int = 0  # K
    alert_weight: float = 0.0  # A
    alerts: Mapping[str, int] = field(default_factory=dict)  # by level
    by_category: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexResult:
    value: float | None
    scores: Mapping[str, float]  # sub-scores of the components that have data
    rates: Mapping[str, float | None]


def _clamp(x: float) -> float:
    return max(0.0, min(100.0, x))


def score(stats: MonthStats, params: IndexParams) -> IndexResult:
    """The index and its sub-scores from one region's month inputs (pure)."""
    p = params
    per = 10_000 * 30 / max(stats.days, 1.0)
    scores: dict[str, float] = {}
    incident_rate = alert_rate = None
    if stats.population > 0:
        incident_rate = stats.weighted / stats.population * per
        alert_rate = stats.alert_weight / stats.population * per
        scores["incidents"] = _clamp(100 * (1 - incident_rate / p.incident_rate_cap))
        scores["risk"] = _clamp(100 * (1 - alert_rate / p.alert_rate_cap))
    resolution = overdue = repeat = None
    if stats.reported > 0:
        resolution = stats.resolved / stats.reported
        overdue = stats.overdue / stats.reported
        repeat = stats.repeats / stats.reported
        scores["resolution"] = _clamp(
            100 * (resolution - p.resolution_floor) / (1 - p.resolution_floor)
        )
        scores["overdue"] = _clamp(100 * (1 - overdue / p.overdue_cap))
        scores["repeat"] = _clamp(100 * (1 - repeat / p.repeat_cap))
    total_w = sum(p.weights.get(c, 0.0) for c in scores)
    value = None
    if scores and total_w > 0:
        value = round(sum(p.weights.get(c, 0.0) * s for c, s in scores.items()) / total_w, 2)
    rates = {
        "incident_rate_per_10k": incident_rate,
        "resolution_rate": resolution,
        "overdue_share": overdue,
        "repeat_share": repeat,
        "alert_rate_per_10k": alert_rate,
    }
    return IndexResult(value, {c: round(s, 2) for c, s in scores.items()}, rates)


# --------------------------------------------------------------------------- months


def month_of(t: datetime) -> date:
    """The CST month (its first day) of a naive UTC timestamp."""
    return (t + LOCAL_OFFSET).date().replace(day=1)


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a CST month as naive UTC."""
    m = month_start(month)
    start = datetime(m.year, m.month, 1) - LOCAL_OFFSET
    nxt = next_month(m)
    return start, datetime(nxt.year, nxt.month, 1) - LOCAL_OFFSET


def parse_month(text: str) -> date:
    """'2026-11' → date(2026, 11, 1)."""
    try:
        year, month = text.strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        raise InvalidInput(f"month must look like 2026-11, not {text!r}", code="month") from None


# --------------------------------------------------------------------------- compute


I = models.Incident  # noqa: E741 - short alias keeps the queries readable
A = models.RiskAlert
_LEVEL_CODE = {"province": I.province_code, "city": I.city_code, "county": I.county_code,
               "township": I.township_code}  # fmt: skip
_ALERT_CODE = {"province": A.province_code, "city": A.city_code, "county": A.county_code,
               "township": A.township_code}  # fmt: skip


@dataclass
class _Acc:
    reported: int = 0
    weighted: float = 0.0
    resolved: int = 0
    overdue: int = 0
    repeats: int = 0
    alert_weight: float = 0.0
    alerts: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)


def _scope_region(conn: Connection, scope: str | None) -> tuple[str, str] | None:
    if scope is None:
        return None
    r = models.Region
    row = conn.execute(select(r.level, r.adcode).where(r.adcode == scope)).first()
    if row is None:
        raise InvalidInput(f"no region {scope}", code="no_region", adcode=scope)
    if row.level not in CODE_LEVELS:
        raise InvalidInput(f"cannot compute below township ({scope})", code="level")
    return str(row.level), str(row.adcode)


def _accumulate(
    conn: Connection, month: date, now: datetime, params: IndexParams, scope: tuple[str, str] | None
) -> dict[str, _Acc]:
    """Per region code: the month's sums, rolled up from townships."""
    start, end = month_bounds(month)
    pw = case(
        *((I.priority == k, literal(float(v))) for k, v in params.priority_weights.items()),
        else_=literal(1.0),
    )
    late = or_(
        and_(I.resolved_at.is_(None), I.resolve_deadline < now),
        and_(I.resolved_at.is_not(None), I.resolved_at > I.resolve_deadline),
    )
    where = [I.reported_at >= start, I.reported_at < end]
    if scope is not None:
        where.append(_LEVEL_CODE[scope[0]] == scope[1])
    codes = (I.province_code, I.city_code, I.county_code, I.township_code)
    per_cell = (
        select(
            *codes, I.grid_id, I.category,
            func.count().label("n"),
            func.sum(pw).label("w"),
            func.count(I.resolved_at).label("res"),
            func.sum(case((late, 1), else_=0)).label("late"),
        )
        .where(*where)
        .group_by(*codes, I.grid_id, I.category)
        .subquery()
    )  # fmt: skip
    c = per_cell.c
    stmt = select(
        c.province_code, c.city_code, c.county_code, c.township_code, c.category,
        func.sum(c.n), func.sum(c.w), func.sum(c.res), func.sum(c.late),
        func.sum(case((c.grid_id.is_not(None), c.n - 1), else_=0)),
    ).group_by(c.province_code, c.city_code, c.county_code, c.township_code, c.category)  # fmt: skip
    acc: dict[str, _Acc] = {}
    cat_w = params.category_weights
    for prov, city, county, town, cat, n, w, res, late_n, rep in conn.execute(stmt):
        weight = float(w or 0) * cat_w.get(cat, params.default_category_weight)
        for code in (prov, city, county, town):
            if not code:
                continue
            a = acc.setdefault(code, _Acc())
            a.reported += int(n)
            a.weighted += weight
            a.resolved += int(res or 0)
            a.overdue += int(late_n or 0)
            a.repeats += int(rep or 0)
            a.by_category[cat] = a.by_category.get(cat, 0) + int(n)
    alert_where = [A.raised_at >= start, A.raised_at < end]
    if scope is not None:
        alert_where.append(_ALERT_CODE[scope[0]] == scope[1])
    acodes = (A.province_code, A.city_code, A.county_code, A.township_code)
    for prov, city, county, town, level, n in conn.execute(
        select(*acodes, A.level, func.count()).where(*alert_where).group_by(*acodes, A.level)
    ):
        for code in (prov, city, county, town):
            if not code:
                continue
            a = acc.setdefault(code, _Acc())
            a.alert_weight += params.alert_weights.get(level, 1.0) * int(n)
            a.alerts[level] = a.alerts.get(level, 0) + int(n)
    return acc


def _elapsed_days(month: date, now: datetime) -> float:
    start, end = month_bounds(month)
    span = (min(now, end) - start).total_seconds() / 86_400
    return max(1.0, span)


@dataclass(frozen=True)
class ComputeResult:
    month: date
    regions: int  # rows written
    computed_at: datetime
    feed_seq: int


def compute_month(
    engine: Engine,
    month: date,
    *,
    now: datetime | None = None,
    params: IndexParams,
    scope: str | None = None,
) -> ComputeResult:
    """Compute and store the index of every region (or of `scope`'s subtree) for `month`.

    Reads in one short transaction, then upserts all rows in another. Safe to run from two
    consoles at once: the rows are upserted, the last writer wins with the same numbers.
    """
    now = now or models.utcnow()
    month = month_start(month)
    seq = changefeed.head(engine)  # before reading: a change after this one triggers a rerun
    days = _elapsed_days(month, now)
    with engine.connect() as conn:
        sc = _scope_region(conn, scope)
        acc = _accumulate(conn, month, now, params, sc)
        r = models.Region
        q = select(r.id, r.adcode, r.level, r.population).where(r.level.in_(INDEX_LEVELS))
        if sc is not None:
            path = conn.execute(select(r.path).where(r.adcode == sc[1])).scalar_one()
            q = q.where(r.path.startswith(path))
        regions = conn.execute(q).all()
    rows: list[dict[str, Any]] = []
    for rid, code, _level, population in regions:
        a = acc.get(code, _Acc())
        stats = MonthStats(
            population=int(population or 0), days=days, reported=a.reported,
            weighted=a.weighted, resolved=a.resolved, overdue=a.overdue, repeats=a.repeats,
            alert_weight=a.alert_weight, alerts=a.alerts, by_category=a.by_category,
        )  # fmt: skip
        result = score(stats, params)
        if result.value is None:
            continue
        rows.append(
            {
                "region_id": rid,
                "month": month,
                "value": result.value,
                "components": components_json(stats, result, params),
                "computed_at": now,
            }
        )
    _upsert(engine, rows)
    _remember_seq(engine, month, seq)
    return ComputeResult(month, len(rows), now, seq)


def components_json(stats: MonthStats, result: IndexResult, params: IndexParams) -> dict[str, Any]:
    """What the index is made of, stored with it (the board and the audit read this)."""
    return {
        "formula": FORMULA_VERSION,
        "population": stats.population,
        "days": round(stats.days, 3),
        "reported": stats.reported,
        "weighted_incidents": round(stats.weighted, 3),
        "resolved": stats.resolved,
        "overdue": stats.overdue,
        "repeats": stats.repeats,
        "alert_weight": stats.alert_weight,
        "alerts": dict(stats.alerts),
        "by_category": dict(sorted(stats.by_category.items())),
        "rates": {k: (round(v, 5) if v is not None else None) for k, v in result.rates.items()},
        "scores": dict(result.scores),
        "weights": {c: params.weights.get(c, 0.0) for c in COMPONENTS},
    }


def _upsert(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Insert or update (region, month) rows. Core statements: no change_log row per region
    (1,400 rows a minute would swamp the feed); readers poll the ranking instead."""
    if not rows:
        return
    table = models.SafetyIndex.__table__
    assert isinstance(table, Table)
    with engine.begin() as conn:
        dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
        for i in range(0, len(rows), 2000):
            stmt = dialect_insert(table).values(rows[i : i + 2000])
            stmt = stmt.on_conflict_do_update(
                index_elements=["region_id", "month"],
                set_={
                    "value": stmt.excluded.value,
                    "components": stmt.excluded.components,
                    "computed_at": stmt.excluded.computed_at,
                },
            )
            conn.execute(stmt)


def _seq_key(month: date) -> str:
    return f"safety_index.seq.{month:%Y-%m}"


def _remember_seq(engine: Engine, month: date, seq: int) -> None:
    """The feed position the month was computed at (schema_info), for recompute_if_changed."""
    table = models.SchemaInfo.__table__
    assert isinstance(table, Table)
    with engine.begin() as conn:
        dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
        stmt = dialect_insert(table).values(key=_seq_key(month), value=str(seq))
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
        )


def computed_seq(engine: Engine, month: date) -> int | None:
    s = models.SchemaInfo
    with engine.connect() as conn:
        value = conn.execute(select(s.value).where(s.key == _seq_key(month_start(month)))).scalar()
    return int(value) if value is not None else None


def month_changed(engine: Engine, month: date) -> bool:
    """Has an incident or alert of `month` changed since the month was last computed?

    Looks only at change_log rows after the stored feed position (a primary-key range) and
    joins them to the incidents and alerts they name, to see whether any belongs to the month.
    """
    seq = computed_seq(engine, month)
    if seq is None:
        return True
    start, end = month_bounds(month)
    ch = models.ChangeRecord
    with engine.connect() as conn:
        newer = (
            select(ch.entity_id)
            .where(ch.seq > seq, ch.entity.in_(("incident", "risk_alert")))
            .limit(1)
        )
        if conn.execute(newer).first() is None:
            return False
        inc = exists().where(
            ch.seq > seq, ch.entity == "incident", ch.entity_id == I.id,
            I.reported_at >= start, I.reported_at < end,
        )  # fmt: skip
        alert = exists().where(
            ch.seq > seq, ch.entity == "risk_alert", ch.entity_id == A.id,
            A.raised_at >= start, A.raised_at < end,
        )  # fmt: skip
        return bool(conn.execute(select(or_(inc, alert))).scalar())


def recompute_if_changed(
    engine: Engine,
    months: tuple[date, ...] | None = None,
    *,
    now: datetime | None = None,
    params: IndexParams,
) -> list[date]:
    """Recompute each month (default: this month and the last) whose data changed since it
    was computed, or that was never computed. Returns the months recomputed."""
    now = now or models.utcnow()
    if months is None:
        this = month_of(now)
        months = (this, previous_month(this))
    done = []
    for month in months:
        if month_changed(engine, month):
            compute_month(engine, month, now=now, params=params)
            done.append(month_start(month))
    return done


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class IndexRow:
    """One region's index for a month, with last month's for comparison."""

    adcode: str
    name: str
    level: str
    value: float | None
    previous: float | None
    resolution_rate: float | None
    previous_rate: float | None
    rank_index: int | None = None  # 1 = safest among its siblings
    rank_rate: int | None = None  # 1 = highest resolution rate

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 2)

    @property
    def rate_delta(self) -> float | None:
        if self.resolution_rate is None or self.previous_rate is None:
            return None
        return self.resolution_rate - self.previous_rate


@dataclass(frozen=True)
class IndexDetail:
    """A region's index with its components (what the board shows above the ranking)."""

    row: IndexRow
    scores: Mapping[str, float]
    weights: Mapping[str, float]
    rates: Mapping[str, float | None]
    computed_at: datetime | None


@dataclass(frozen=True)
class Ranking:
    """晾晒: the child regions of a region ranked by index (rows in that order)."""

    region_code: str
    region_name: str
    level: str
    month: date
    own: IndexDetail | None
    rows: tuple[IndexRow, ...]

    def by_resolution_rate(self) -> tuple[IndexRow, ...]:
        return tuple(sorted(self.rows, key=lambda r: (r.rank_rate is None, r.rank_rate or 0)))


def _rate(components: Any) -> float | None:
    if not isinstance(components, dict):
        return None
    rates = components.get("rates") or {}
    value = rates.get("resolution_rate") if isinstance(rates, dict) else None
    return float(value) if value is not None else None


def _ranks(values: list[tuple[str, float | None]]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4), highest value first; None gets no rank."""
    ordered = sorted((v, k) for k, v in values if v is not None)
    ordered.reverse()
    out: dict[str, int] = {}
    prev: float | None = None
    rank = 0
    for pos, (v, k) in enumerate(ordered, start=1):
        if v != prev:
            rank = pos
            prev = v
        out[k] = rank
    return out


def ranking(engine: Engine, adcode: str, month: date, *, within: str | None = None) -> Ranking:
    """The region's own index and its child regions ranked by index and by resolution rate,
    each with last month's value; refused outside the subtree of `within`."""
    month = month_start(month)
    prev = previous_month(month)
    r, s = models.Region, models.SafetyIndex
    with engine.connect() as conn:
        jurisdiction.require_within(conn, within, adcode)
        region = conn.execute(
            select(r.id, r.adcode, r.name, r.level).where(r.adcode == adcode)
        ).first()
        if region is None:
            raise LookupError(f"no region with code {adcode}")
        regions = conn.execute(
            select(r.id, r.adcode, r.name, r.level)
            .where((r.parent_id == region.id) | (r.id == region.id))
            .order_by(r.adcode)
        ).all()
        ids = [row.id for row in regions]
        stored = {
            (rid, m): (value, comp, at)
            for rid, m, value, comp, at in conn.execute(
                select(s.region_id, s.month, s.value, s.components, s.computed_at).where(
                    s.region_id.in_(ids), s.month.in_((month, prev))
                )
            )
        }
    built: dict[int, IndexRow] = {}
    for row in regions:
        cur = stored.get((row.id, month))
        old = stored.get((row.id, prev))
        built[row.id] = IndexRow(
            adcode=row.adcode, name=row.name, level=row.level,
            value=cur[0] if cur else None, previous=old[0] if old else None,
            resolution_rate=_rate(cur[1]) if cur else None,
            previous_rate=_rate(old[1]) if old else None,
        )  # fmt: skip
    kids = [built[row.id] for row in regions if row.id != region.id]
    by_index = _ranks([(k.adcode, k.value) for k in kids])
    by_rate = _ranks([(k.adcode, k.resolution_rate) for k in kids])
    kids = [
        IndexRow(k.adcode, k.name, k.level, k.value, k.previous, k.resolution_rate,
                 k.previous_rate, by_index.get(k.adcode), by_rate.get(k.adcode))
        for k in kids
    ]  # fmt: skip
    kids.sort(key=lambda k: (k.rank_index is None, k.rank_index or 0, k.adcode))
    own_row = built[region.id]
    own_stored = stored.get((region.id, month))
    own = None
    if own_stored is not None:
        comp: dict[str, Any] = own_stored[1] if isinstance(own_stored[1], dict) else {}
        own = IndexDetail(
            row=own_row,
            scores=dict(comp.get("scores") or {}),
            weights=dict(comp.get("weights") or {}),
            rates=dict(comp.get("rates") or {}),
            computed_at=own_stored[2],
        )
    return Ranking(region.adcode, region.name, region.level, month, own, tuple(kids))


def child_index_values(ranking_: Ranking) -> dict[str, float]:
    """Child adcode → index, for the map's choropleth layer."""
    return {row.adcode: row.value for row in ranking_.rows if row.value is not None}
