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
