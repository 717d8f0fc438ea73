"""The dispatch rules: unit kinds and statuses, the dispatch state machine (each step, the
state it leads to, the unit status and time stamp that follow), the board's time-in-state
alarms and the travel model (`DispatchPolicy`, `[dispatch]` in config), and distances."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.errors import InvalidInput, InvalidTransition

UNIT_KINDS: tuple[str, ...] = (
    "police", "fire", "medical", "emergency", "urban_management", "grid_team", "volunteer",
)  # fmt: skip
"""Kinds of linkage unit (services.demo.UNIT_KINDS), plus vehicles and depots if present."""


LEVELS: tuple[int, ...] = (1, 2, 3)


UNIT_STATUSES: tuple[str, ...] = (
    "available", "dispatched", "en_route", "on_scene", "returning", "unavailable",
)  # fmt: skip


BUSY_STATUSES = frozenset({"dispatched", "en_route", "on_scene", "returning"})


DISPATCH_STATUSES: tuple[str, ...] = (
    "dispatched", "acknowledged", "arrived", "cleared", "returned", "cancelled",
)  # fmt: skip


ACTIVE_DISPATCH = frozenset({"dispatched", "acknowledged", "arrived", "cleared"})


# step -> (dispatch states it starts from, state it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "acknowledge": (frozenset({"dispatched"}), "acknowledged"),
    "arrive": (frozenset({"acknowledged"}), "arrived"),
    "clear": (frozenset({"arrived"}), "cleared"),
    "return": (frozenset({"cleared"}), "returned"),
    "cancel": (frozenset({"dispatched", "acknowledged"}), "cancelled"),
}


# dispatch state -> the unit's status
UNIT_STATUS_FOR: dict[str, str] = {
    "dispatched": "dispatched",
    "acknowledged": "en_route",
    "arrived": "on_scene",
    "cleared": "returning",
    "returned": "available",
    "cancelled": "available",
}


# dispatch state -> the time column it stamps
STAMP: dict[str, str] = {
    "acknowledged": "acknowledged_at",
    "arrived": "arrived_at",
    "cleared": "cleared_at",
    "returned": "returned_at",
    "cancelled": "returned_at",
}


EVENT_ACTION: dict[str, str] = {
    "dispatch": "dispatch", "acknowledge": "unit_ack", "arrive": "unit_arrive",
    "clear": "unit_clear", "return": "unit_return", "cancel": "unit_cancel",
}  # fmt: skip


EARTH_RADIUS_KM = 6371.0


AUDIT_FIELDS = ("status", "active", "acknowledged_at", "arrived_at", "cleared_at",
                "returned_at", "version")  # fmt: skip


UNIT_AUDIT_FIELDS = ("status", "lon", "lat", "version")


def next_status(dispatch_status: str, step: str) -> str:
    """The dispatch state after `step`, or InvalidTransition (the state machine)."""
    if step not in STEPS:
        raise InvalidInput(f"unknown dispatch step {step!r}", code="step", step=step)
    starts, to = STEPS[step]
    if dispatch_status not in starts:
        raise InvalidTransition(
            f"a dispatch that is {dispatch_status} cannot {step}",
            code="dispatch_step", status=dispatch_status, step=step,
        )  # fmt: skip
    return to


def steps_from(dispatch_status: str) -> tuple[str, ...]:
    """The steps a dispatch in this state may take now."""
    return tuple(s for s, (starts, _) in STEPS.items() if dispatch_status in starts)


DEFAULT_AMBER: dict[str, float] = {
    "dispatched": 3, "en_route": 20, "on_scene": 60, "returning": 30, "unavailable": 480,
}  # fmt: skip


DEFAULT_RED: dict[str, float] = {
    "dispatched": 5, "en_route": 40, "on_scene": 120, "returning": 60, "unavailable": 1440,
}  # fmt: skip


@dataclass(frozen=True)
class DispatchPolicy:
    """Travel model and the time-in-state limits of the board (`[dispatch]` in config).

    `speed_kmh` is the average road speed (40 km/h: urban, with lights), `road_factor`
    turns the straight-line distance into a road distance. A unit longer than
    `amber_minutes[status]` in a status shows amber, longer than `red_minutes` red.
    """

    speed_kmh: float = 40.0
    road_factor: float = 1.3
    amber_minutes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_AMBER))
    red_minutes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RED))

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> DispatchPolicy:
        """`[dispatch] speed_kmh, road_factor`; `amber_minutes`/`red_minutes` either one
        number for every status or a table by status (`[dispatch.amber_minutes] en_route = 15`)."""
        table = raw.get("dispatch", {}) or {}

        def limits(key: str, default: dict[str, float]) -> dict[str, float]:
            value = table.get(key)
            out = dict(default)
            if value is None:
                return out
            if isinstance(value, int | float):
                return {s: float(value) for s in out}
            if not isinstance(value, Mapping):
                raise InvalidInput(f"[dispatch] {key} must be a number or a table", code="config")
            for status, minutes in value.items():
                if status not in UNIT_STATUSES:
                    raise InvalidInput(f"[dispatch] {key}: unknown status {status!r}",
                                       code="config")  # fmt: skip
                out[status] = float(minutes)
            return out

        amber = limits("amber_minutes", DEFAULT_AMBER)
        red = limits("red_minutes", DEFAULT_RED)
        for status in amber:
            if status in red and red[status] < amber[status]:
                raise InvalidInput(f"[dispatch] red_minutes.{status} is below amber",
                                   code="config")  # fmt: skip
        speed = float(table.get("speed_kmh", 40.0))
        if speed <= 0:
            raise InvalidInput("[dispatch] speed_kmh must be positive", code="config")
        return cls(speed, float(table.get("road_factor", 1.3)), amber, red)

    def eta_minutes(self, distance_km: float) -> float:
        return distance_km * self.road_factor / self.speed_kmh * 60.0

    def alarm(self, status: str, minutes: float) -> str:
        """'' (fine), 'amber' or 'red' for a unit `minutes` into `status`."""
        red = self.red_minutes.get(status)
        if red is not None and minutes >= red:
            return "red"
        amber = self.amber_minutes.get(status)
        if amber is not None and minutes >= amber:
            return "amber"
        return ""


DEFAULT_POLICY = DispatchPolicy()
"""The documented defaults (an empty configuration); callers pass their own."""


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _haversine_np(lon: float, lat: float, lons: Any, lats: Any) -> Any:
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    dp = p2 - p1
    dl = np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def availability_step(status: str) -> str:
    """Which availability change a unit in this status allows ("" for a busy unit)."""
    return {"available": "suspend", "unavailable": "resume"}.get(status, "")
