"""The safety-index formula on hand-made numbers with answers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.errors import InvalidInput
from services.policies import Policies
from services.risk import safety_index
from services.risk.safety_index import (
    IndexParams,
    MonthStats,
    month_bounds,
    month_of,
    parse_month,
    previous_month,
    score,
)

DEFAULTS = Policies.defaults()


def test_every_component_known_answer() -> None:
    # P = 20,000, a full 30-day month.
    stats = MonthStats(
        population=20_000, days=30, reported=100, weighted=60.0, resolved=95, overdue=5,
        repeats=6, alert_weight=4.0,
    )  # fmt: skip
    r = score(stats, DEFAULTS.index)
    # incidents: 60 / 20,000 × 10,000 = 30 per 10k → 100 × (1 − 30/60) = 50
    # resolution: 0.95 → 100 × (0.95 − 0.80) / 0.20 = 75
    # overdue: 0.05 → 100 × (1 − 0.05/0.20) = 75
    # repeat: 0.06 → 100 × (1 − 0.06/0.30) = 80
    # risk: 4 / 20,000 × 10,000 = 2 per 10k → 100 × (1 − 2/5) = 60
    assert r.scores == pytest.approx(
        {"incidents": 50, "resolution": 75, "overdue": 75, "repeat": 80, "risk": 60}
    )
    # 0.35×50 + 0.25×75 + 0.15×75 + 0.10×80 + 0.15×60 = 17.5 + 18.75 + 11.25 + 8 + 9
    assert r.value == pytest.approx(64.5)
    assert r.rates["incident_rate_per_10k"] == pytest.approx(30.0)
    assert r.rates["resolution_rate"] == pytest.approx(0.95)


def test_rates_are_per_30_days_of_the_month_so_far() -> None:
    # The same counts in half a month are twice the pace.
    stats = MonthStats(
        population=20_000, days=15, reported=100, weighted=60.0, resolved=95, overdue=5,
        repeats=6, alert_weight=4.0,
    )  # fmt: skip
    r = score(stats, DEFAULTS.index)
    assert r.scores["incidents"] == pytest.approx(0.0)  # 60 per 10k reaches the cap
    assert r.scores["risk"] == pytest.approx(20.0)  # 4 per 10k of a cap of 5
    # 0 + 18.75 + 11.25 + 8 + 0.15 × 20
    assert r.value == pytest.approx(41.0)


def test_missing_components_drop_out_and_the_rest_are_reweighted() -> None:
    quiet = score(MonthStats(population=10_000, days=30), DEFAULTS.index)
    assert set(quiet.scores) == {"incidents", "risk"}
    assert quiet.value == pytest.approx(100.0)

    # No population: only the shares count. Resolution 0.9 → 50; overdue and repeat 100.
    no_pop = score(MonthStats(population=0, reported=10, resolved=9), DEFAULTS.index)
    assert set(no_pop.scores) == {"resolution", "overdue", "repeat"}
    # (0.25×50 + 0.15×100 + 0.10×100) / 0.5 = 75
    assert no_pop.value == pytest.approx(75.0)

    assert score(MonthStats(population=0), DEFAULTS.index).value is None


def test_sub_scores_are_clamped_to_0_100() -> None:
    r = score(MonthStats(population=100, reported=10, resolved=2, overdue=10, repeats=9,
                         weighted=500, alert_weight=50), DEFAULTS.index)  # fmt: skip
    assert all(s == 0.0 for s in r.scores.values())
    assert r.value == 0.0


def test_configured_weights_and_caps_change_the_answer() -> None:
    params = IndexParams.from_config(
        {"weights": {"incidents": 1.0, "resolution": 0, "overdue": 0, "repeat": 0, "risk": 0},
         "incident_rate_cap": 120, "category_weights": {"dispute": 3}}
    )  # fmt: skip
    assert params.category_weights["dispute"] == 3.0
    assert params.category_weights["fire"] == 2.0  # the other defaults stay
    stats = MonthStats(population=20_000, days=30, reported=100, weighted=60.0, resolved=95)
    # only incidents count: 100 × (1 − 30/120) = 75
    assert score(stats, params).value == pytest.approx(75.0)


@pytest.mark.parametrize(
    "table",
    [{"wieghts": {}}, {"weights": {"safety": 1}}, {"overdue_cap": 0}, {"resolution_floor": 1.0},
     {"incident_rate_cap": "many"}],
)  # fmt: skip
def test_bad_config_is_refused(table: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        IndexParams.from_config(table)


def test_months_are_china_time() -> None:
    # 2026-08-31 16:30 UTC is 2026-09-01 00:30 in China.
    assert month_of(datetime(2026, 8, 31, 16, 30)) == date(2026, 9, 1)
    assert month_of(datetime(2026, 8, 31, 15, 30)) == date(2026, 8, 1)
    assert month_bounds(date(2026, 12, 1)) == (datetime(2026, 11, 30, 16), datetime(2026, 12, 31, 16))
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert parse_month("2026-11") == date(2026, 11, 1)
    with pytest.raises(InvalidInput):
        parse_month("November")


def test_equal_indices_share_a_rank_and_the_next_rank_skips() -> None:
    ranks = safety_index._ranks([("a", 90.0), ("b", 95.5), ("c", 90.0), ("d", 80.0), ("e", None)])
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}
