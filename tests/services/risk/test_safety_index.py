"""The safety index computed from the database: known answers, roll-up, ranking, recompute."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, func, select

from services import wall as wall_queries
from services.policies import Policies
from services.risk import safety_index
from services.store import models
from services.store.db import session_factory, transaction
from tests.support import territory as tt

DEFAULTS = Policies.defaults()


SEP, AUG, OCT = date(2026, 9, 1), date(2026, 8, 1), date(2026, 10, 1)
NOW = datetime(2026, 10, 10)  # UTC; September is over


def _september(engine: Engine) -> tt.Territory:
    t = tt.build(engine)
    rows = [
        # T1, cell g1: two disputes (the second a repeat, resolved late), a fire on time
        tt.incident_row(t, t.g1, datetime(2026, 9, 5, 2), resolved_at=datetime(2026, 9, 5, 10)),
        tt.incident_row(t, t.g1, datetime(2026, 9, 10), resolved_at=datetime(2026, 9, 20)),
        tt.incident_row(t, t.g1, datetime(2026, 9, 12), category="fire", priority=1,
                        resolved_at=datetime(2026, 9, 12, 2), deadline_h=24),  # fmt: skip
        # T1, cell g3: city management, still open past its deadline
        tt.incident_row(t, t.g3, datetime(2026, 9, 20), category="city_management", priority=4),
        # T2, cell g2: 2026-09-01 00:30 China time, public order, resolved at once
        tt.incident_row(t, t.g2, datetime(2026, 8, 31, 16, 30), category="public_order",
                        priority=2, resolved_at=datetime(2026, 8, 31, 17, 30)),  # fmt: skip
        # T2, cell g2: 2026-08-31 23:30 China time: August, open and overdue
        tt.incident_row(t, t.g2, datetime(2026, 8, 31, 15, 30), category="other"),
    ]
    tt.add_incidents(engine, rows)
    with transaction(session_factory(engine)) as s:
        s.add(models.RiskAlert(domain="fire", level="red", grid_id=t.g1, county_code=tt.COUNTY,
                               province_code=tt.PROVINCE, city_code=tt.CITY,
                               township_code=tt.T1, raised_at=datetime(2026, 9, 15),
                               status="closed", rule="test", key="test:1"))  # fmt: skip
    return t


def _stored(engine: Engine, code: str, month: date) -> tuple[float, dict[str, object]]:
    s, r = models.SafetyIndex, models.Region
    with engine.connect() as conn:
        row = conn.execute(
            select(s.value, s.components).join(r, r.id == s.region_id)
            .where(r.adcode == code, s.month == month)
        ).one()  # fmt: skip
    return row[0], row[1]


def test_known_answers_for_townships_and_their_ancestors(engine: Engine) -> None:
    _september(engine)
    result = safety_index.compute_month(engine, SEP, now=NOW, params=DEFAULTS.index)
    assert result.regions == 5

    # T1: P 10,000; N 4; W = 1.2 + 1.2 + 2.0×3.0 + 0.5×0.5 = 8.65; R 3; O 2; K 1; A red = 8
    t1, comp = _stored(engine, tt.T1, SEP)
    incidents = 100 * (1 - 8.65 / 60)  # 85.58
    repeat = 100 * (1 - 0.25 / 0.30)  # 16.67; resolution 0.75 and overdue 0.5 score 0; risk 8 → 0
    assert t1 == pytest.approx(0.35 * incidents + 0.10 * repeat, abs=0.006)  # 31.62
    assert comp["reported"] == 4 and comp["resolved"] == 3
    assert comp["overdue"] == 2 and comp["repeats"] == 1
    assert comp["weighted_incidents"] == pytest.approx(8.65)
    assert comp["alerts"] == {"red": 1}
    assert comp["by_category"] == {"city_management": 1, "dispute": 2, "fire": 1}
    assert set(comp["scores"]) == {"incidents", "resolution", "overdue", "repeat", "risk"}  # type: ignore[arg-type]

    # T2: P 20,000; only the 00:30 China-time incident is September's: W = 1.5 × 2.0 = 3
    t2, comp2 = _stored(engine, tt.T2, SEP)
    assert comp2["reported"] == 1
    assert t2 == pytest.approx(0.35 * 100 * (1 - 1.5 / 60) + 0.65 * 100, abs=0.006)  # 99.12

    # County = both townships: P 30,000, N 5, W 11.65, R 4, O 2, K 1, A 8
    county, _ = _stored(engine, tt.COUNTY, SEP)
    expected = (0.35 * 100 * (1 - (11.65 / 3) / 60) + 0.10 * 100 * (1 - 0.2 / 0.3)
                + 0.15 * 100 * (1 - (8 / 3) / 5))  # fmt: skip
    assert county == pytest.approx(expected, abs=0.006)  # 43.07
    assert _stored(engine, tt.PROVINCE, SEP)[0] == pytest.approx(county)  # same data, same people


def test_ranking_with_change_from_last_month(engine: Engine) -> None:
    _september(engine)
    safety_index.compute_month(engine, AUG, now=NOW, params=DEFAULTS.index)
    safety_index.compute_month(engine, SEP, now=NOW, params=DEFAULTS.index)
    board = safety_index.ranking(engine, tt.COUNTY, SEP)
    assert board.own is not None and board.own.row.adcode == tt.COUNTY
    assert set(board.own.scores) == {"incidents", "resolution", "overdue", "repeat", "risk"}
    assert [r.adcode for r in board.rows] == [tt.T2, tt.T1]  # safest first
    t2, t1 = board.rows
    assert (t2.rank_index, t1.rank_index) == (1, 2)
    assert (t2.rank_rate, t1.rank_rate) == (1, 2)  # 100% vs 75%
    assert t1.resolution_rate == pytest.approx(0.75)
    # August: T1 had nothing (100); T2 had one open, overdue "other" incident:
    # incidents 100 × (1 − 0.5/20,000×10,000×30/31 / 60), resolution 0, overdue 0, repeat 100, risk 100
    assert t1.previous == pytest.approx(100.0)
    aug_t2 = 0.35 * 100 * (1 - (0.25 * 30 / 31) / 60) + 0.10 * 100 + 0.15 * 100
    assert t2.previous == pytest.approx(aug_t2, abs=0.006)
    assert t2.delta == pytest.approx(t2.value - t2.previous, abs=0.011)  # type: ignore[operator]
    assert t1.delta is not None and t1.delta < -60
    assert safety_index.child_index_values(board) == {tt.T2: t2.value, tt.T1: t1.value}


def test_recompute_only_when_the_months_data_changed(engine: Engine) -> None:
    t = _september(engine)
    assert safety_index.recompute_if_changed(engine, (SEP, AUG), now=NOW, params=DEFAULTS.index) == [SEP, AUG]
    assert safety_index.recompute_if_changed(engine, (SEP, AUG), now=NOW, params=DEFAULTS.index) == []
    before, _ = _stored(engine, tt.T1, SEP)

    # A live report in October changes neither September nor August.
    tt.add_incident_orm(engine, tt.incident_row(t, t.g1, datetime(2026, 10, 9)))
    assert not safety_index.month_changed(engine, SEP)
    assert safety_index.recompute_if_changed(engine, (SEP, AUG), now=NOW, params=DEFAULTS.index) == []

    # Resolving a September incident now does.
    with transaction(session_factory(engine)) as s:
        inc = s.scalars(
            select(models.Incident).where(models.Incident.grid_id == t.g3)
        ).one()
        inc.resolved_at = datetime(2026, 10, 9, 12)
        inc.status, inc.is_open = "resolved", False
    assert safety_index.month_changed(engine, SEP)
    assert safety_index.recompute_if_changed(engine, (SEP, AUG), now=NOW, params=DEFAULTS.index) == [SEP]
    after, comp = _stored(engine, tt.T1, SEP)
    assert comp["resolved"] == 4
    assert after > before  # resolution rate 0.75 → 1.0


def test_scope_computes_only_the_subtree(engine: Engine) -> None:
    _september(engine)
    assert safety_index.compute_month(engine, SEP, now=NOW, scope=tt.T2, params=DEFAULTS.index).regions == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.SafetyIndex)).scalar() == 1


def test_province_console_ranks_its_cities_and_drills_to_townships(demo_engine: Engine) -> None:
    """Done means: the month's index and the ranking of the 11 cities; a county's townships."""
    now = models.utcnow()
    month = safety_index.month_of(now)
    t0 = time.perf_counter()
    result = safety_index.compute_month(demo_engine, month, now=now, params=DEFAULTS.index)
    elapsed = time.perf_counter() - t0
    with demo_engine.connect() as conn:
        regions = conn.execute(
            select(func.count()).where(models.Region.level.in_(safety_index.INDEX_LEVELS))
        ).scalar_one()
    assert result.regions == regions  # every region at every level
    assert elapsed < 5, elapsed

    root = wall_queries.root_region_code(demo_engine)
    board = safety_index.ranking(demo_engine, root, month)
    assert board.own is not None and 0 <= board.own.row.value <= 100  # type: ignore[operator]
    assert len(board.rows) == 11
    assert all(r.value is not None for r in board.rows)
    values = [r.value for r in board.rows]
    assert values == sorted(values, reverse=True)  # type: ignore[type-var]
    # Competition ranking: a city's rank is one more than the number of cities strictly
    # safer; cities with the same index share a rank (并列), and the next rank skips.
    for row in board.rows:
        assert row.rank_index == 1 + sum(v > row.value for v in values)  # type: ignore[operator]
    assert board.rows[0].rank_index == 1

    county = safety_index.ranking(demo_engine, board.rows[0].adcode, month).rows[0]
    towns = safety_index.ranking(demo_engine, county.adcode, month)
    assert towns.level == "county" and towns.rows
    assert all(r.level == "township" and r.value is not None for r in towns.rows)
