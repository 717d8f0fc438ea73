"""The risk alert vocabulary (the 11 domains, the levels blue to red, the statuses), who
raises rule alerts, the rules' thresholds (`RiskParams`, `[risk]` in config) and what a
rule finds (`Candidate`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.accounts import Actor
from services.errors import InvalidInput

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
