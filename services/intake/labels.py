"""Chinese labels of the domain's words for the field page and other systems (the Qt
console has its own, translatable, in widgets/; services must not import them)."""

from __future__ import annotations

from typing import Any

from services import vocabulary
from services.incidents.intake import INTAKE_CHANNELS

CATEGORIES = {
    "dispute": "矛盾纠纷", "public_order": "治安隐患", "safety_hazard": "安全隐患", "fire": "消防",
    "environment": "环境污染", "city_management": "城市管理", "traffic": "交通",
    "food_drug": "食品药品", "public_health": "公共卫生", "petition": "信访", "other": "其他",
}  # fmt: skip
STATUSES = {
    "reported": "已上报", "accepted": "已受理", "routed": "已派单", "in_progress": "处置中",
    "returned": "已退回", "resolved": "已办结", "closed": "已归档",
}  # fmt: skip
CHANNELS = {
    "hotline": "热线电话", "field_app": "平安通(网格员)", "citizen_app": "平安浙江APP",
    "video_alert": "视频告警", "sensor_alert": "感知告警", "upper_assign": "上级交办",
    "follow_up": "举一反三", "conference": "视频会商",
}  # fmt: skip
PRIORITIES = {1: "特急", 2: "紧急", 3: "一般", 4: "较低"}
ACTIONS = {
    "report": "上报", "accept": "受理", "route": "分流派单", "start": "接单处置", "return": "退回",
    "resolve": "办结", "close": "评价归档", "reopen": "重新办理", "escalate": "上报上级",
    "auto_escalate": "超期自动上报", "answer": "回复督办", "supervise": "督办",
    "follow_up": "举一反三", "note": "处置进展", "attach": "现场照片",
}  # fmt: skip


def vocabulary_json() -> dict[str, Any]:
    """Every code with its label, in the vocabulary's order."""
    return {
        "categories": [{"code": c, "label": CATEGORIES.get(c, c)} for c in vocabulary.CATEGORIES],
        "channels": [{"code": c, "label": CHANNELS.get(c, c)} for c in INTAKE_CHANNELS],
        "statuses": [{"code": s, "label": STATUSES[s]}
                     for s in (*vocabulary.OPEN_STATUSES, *vocabulary.CLOSED_STATUSES)],
        "priorities": [{"code": p, "label": label} for p, label in PRIORITIES.items()],
        "actions": [{"code": a, "label": label} for a, label in ACTIONS.items()],
    }  # fmt: skip
