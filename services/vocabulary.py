"""The words of the incident domain: categories, channels, statuses, settlement levels.

The demo's traffic model (services.demo.traffic) draws shares over these; the domain never
imports the demo.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "city_management",
    "dispute",
    "safety_hazard",
    "public_order",
    "environment",
    "traffic",
    "other",
    "fire",
    "petition",
    "food_drug",
    "public_health",
)
"""Incident categories (事件类别); GB/T 39666 level-1 classes map onto these."""

REPORT_CHANNELS: tuple[str, ...] = (
    "field_app",  # 平安通, grid workers
    "hotline",  # 967999 / 12345
    "citizen_app",  # 平安浙江APP
    "video_alert",  # 雪亮工程 video analytics
    "sensor_alert",  # IoT sensors
    "upper_assign",  # assigned by an upper level
)
"""Channels a report comes in by."""

CHANNELS: tuple[str, ...] = (*REPORT_CHANNELS, "follow_up", "conference")
"""Every channel a case can carry: the report channels and the console's own."""

OPEN_STATUSES: tuple[str, ...] = ("reported", "accepted", "routed", "in_progress", "returned")
CLOSED_STATUSES: tuple[str, ...] = ("resolved", "closed")

SETTLEMENT_LEVELS: tuple[str, ...] = ("grid", "community", "township", "county", "city")
LOW_LEVELS = frozenset({"grid", "community", "township"})
"""Levels counted as "settled at township level or below" (the seeds' 95%+)."""

PLATFORMS: tuple[str, ...] = ("governance", "market", "enforcement", "service")
"""基层治理四平台, the township's four platforms ("一中心四平台一网格"), in the seeds' order:
综治工作, 市场监管, 综合执法, 便民服务. Each groups the township's stations and the county
departments stationed there (services.store.models.Department.platform)."""

PLATFORM_LABELS: dict[str, str] = {
    "governance": "综治工作",
    "market": "市场监管",
    "enforcement": "综合执法",
    "service": "便民服务",
}

CATEGORY_PLATFORM: dict[str, str] = {
    "dispute": "governance",
    "public_order": "governance",
    "petition": "governance",
    "safety_hazard": "market",
    "food_drug": "market",
    "city_management": "enforcement",
    "environment": "enforcement",
    "traffic": "enforcement",
    "fire": "enforcement",
    "public_health": "service",
    "other": "service",
}
"""The platform a township offers first for a case of each category (routing puts it on
top; the officer may still pick any platform)."""


def platform_of(value: str) -> str | None:
    """The platform key for a key or its Chinese label (综治工作 → governance), else None."""
    text = value.strip()
    if text in PLATFORM_LABELS:
        return text
    for key, label in PLATFORM_LABELS.items():
        if text in (label, label + "平台"):
            return key
    return None
