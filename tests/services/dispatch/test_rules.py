"""Dispatch rules without a database: the state machine, ETA, time-in-state limits,
configuration, and the surge thresholds."""

from __future__ import annotations

import pytest

from services import dispatch
from services.dispatch import surge
from services.dispatch.rules import DispatchPolicy
from services.errors import InvalidInput, InvalidTransition


def test_a_dispatch_walks_its_steps_in_order() -> None:
    status = "dispatched"
    seen = []
    for step in ("acknowledge", "arrive", "clear", "return"):
        status = dispatch.next_status(status, step)
        seen.append((status, dispatch.UNIT_STATUS_FOR[status]))
    assert seen == [
        ("acknowledged", "en_route"),
        ("arrived", "on_scene"),
        ("cleared", "returning"),
        ("returned", "available"),
    ]
    assert dispatch.steps_from("dispatched") == ("acknowledge", "cancel")
    assert dispatch.steps_from("arrived") == ("clear",)
    assert dispatch.steps_from("returned") == ()


@pytest.mark.parametrize(
    ("status", "step"),
    [("dispatched", "arrive"), ("dispatched", "clear"), ("acknowledged", "return"),
     ("arrived", "cancel"), ("returned", "acknowledge"), ("cancelled", "arrive")],
)  # fmt: skip
def test_steps_out_of_order_are_refused(status: str, step: str) -> None:
    with pytest.raises(InvalidTransition) as err:
        dispatch.next_status(status, step)
    assert err.value.code == "dispatch_step"


def test_unknown_step_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        dispatch.next_status("dispatched", "teleport")


def test_every_dispatch_state_has_a_unit_status() -> None:
    assert set(dispatch.UNIT_STATUS_FOR) == set(dispatch.DISPATCH_STATUSES)
    assert set(dispatch.UNIT_STATUS_FOR.values()) <= set(dispatch.UNIT_STATUSES)
    # A unit on an active dispatch is never shown available.
    for s in dispatch.ACTIVE_DISPATCH:
        assert dispatch.UNIT_STATUS_FOR[s] in dispatch.BUSY_STATUSES


def test_eta_from_distance_speed_and_road_factor() -> None:
    policy = DispatchPolicy(speed_kmh=40.0, road_factor=1.3)
    assert policy.eta_minutes(10.0) == pytest.approx(19.5)
    assert DispatchPolicy(speed_kmh=60.0, road_factor=1.0).eta_minutes(10.0) == pytest.approx(10.0)
    # Haversine: one degree of latitude is ~111.2 km.
    assert dispatch.haversine_km(120.0, 30.0, 120.0, 31.0) == pytest.approx(111.19, abs=0.05)


def test_time_in_state_turns_amber_then_red() -> None:
    p = DispatchPolicy()
    assert p.alarm("en_route", 5) == ""
    assert p.alarm("en_route", 20) == "amber"
    assert p.alarm("en_route", 45) == "red"
    assert p.alarm("available", 10_000) == ""  # waiting is not late


def test_limits_come_from_config() -> None:
    p = DispatchPolicy.from_config({"dispatch": {
        "speed_kmh": 30, "amber_minutes": {"on_scene": 10}, "red_minutes": {"dispatched": 90}}})  # fmt: skip
    assert p.speed_kmh == 30
    assert p.alarm("on_scene", 11) == "amber"
    assert p.alarm("dispatched", 4) == "amber"  # default amber 3 kept
    assert p.alarm("dispatched", 89) == "amber" and p.alarm("dispatched", 91) == "red"
    one = DispatchPolicy.from_config({"dispatch": {"amber_minutes": 5, "red_minutes": 2000}})
    assert one.alarm("on_scene", 6) == one.alarm("unavailable", 6) == "amber"  # every status
    with pytest.raises(InvalidInput):
        DispatchPolicy.from_config({"dispatch": {"amber_minutes": {"flying": 3}}})
    with pytest.raises(InvalidInput):
        DispatchPolicy.from_config({"dispatch": {"amber_minutes": 50, "red_minutes": 10}})


def test_surge_ratios_map_to_response_levels() -> None:
    p = surge.SurgePolicy()
    assert [p.level_for(r) for r in (0.5, 0.8, 0.99, 1.0, 1.49, 1.5, 2.05)] == [
        None, 3, 3, 2, 2, 1, 1]  # fmt: skip
    q = surge.SurgePolicy.from_config({"surge": {"ratios": [0.9, 1.2]}})
    assert q.levels == (3, 2) and q.level_for(1.3) == 2
    with pytest.raises(InvalidInput):
        surge.SurgePolicy.from_config({"surge": {"ratios": [1.5, 1.0]}})
