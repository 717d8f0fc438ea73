"""Chinese labels for the incident workflow: actions, channels, priorities, evaluations,
queue scopes, and the refusal codes of `services.errors.Refused` turned into sentences.

Same convention as widgets/labels.py: the maps hold untranslated Chinese sources marked
with QT_TRANSLATE_NOOP (context "incident_labels"); call the functions for the current
language. Time helpers format stored naive-UTC timestamps in the center's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from widgets.translate import QT_TRANSLATE_NOOP

CONTEXT = "incident_labels"

ACTION_LABELS: dict[str, str] = {
    "report": QT_TRANSLATE_NOOP("incident_labels", "上报"),
    "note": QT_TRANSLATE_NOOP("incident_labels", "处置进展"),
    "attach": QT_TRANSLATE_NOOP("incident_labels", "上传照片"),
    "accept": QT_TRANSLATE_NOOP("incident_labels", "受理"),
    "route": QT_TRANSLATE_NOOP("incident_labels", "分流派单"),
    "start": QT_TRANSLATE_NOOP("incident_labels", "处置"),
    "return": QT_TRANSLATE_NOOP("incident_labels", "退回"),
    "resolve": QT_TRANSLATE_NOOP("incident_labels", "办结"),
    "close": QT_TRANSLATE_NOOP("incident_labels", "评价归档"),
    "reopen": QT_TRANSLATE_NOOP("incident_labels", "重新办理"),
    "escalate": QT_TRANSLATE_NOOP("incident_labels", "上报上级"),
    "auto_escalate": QT_TRANSLATE_NOOP("incident_labels", "超期自动上报"),
    "answer": QT_TRANSLATE_NOOP("incident_labels", "回复督办"),
    "supervise": QT_TRANSLATE_NOOP("incident_labels", "督办"),
    "follow_up": QT_TRANSLATE_NOOP("incident_labels", "举一反三"),
    "dispatch": QT_TRANSLATE_NOOP("incident_labels", "派遣力量"),
    "unit_ack": QT_TRANSLATE_NOOP("incident_labels", "单位接令"),
    "unit_arrive": QT_TRANSLATE_NOOP("incident_labels", "到达现场"),
    "unit_clear": QT_TRANSLATE_NOOP("incident_labels", "现场处置完毕"),
    "unit_return": QT_TRANSLATE_NOOP("incident_labels", "单位返回"),
    "unit_cancel": QT_TRANSLATE_NOOP("incident_labels", "取消派遣"),
    "notify": QT_TRANSLATE_NOOP("incident_labels", "通知"),
    "plan_activate": QT_TRANSLATE_NOOP("incident_labels", "启动预案"),
}

CHANNEL_LABELS: dict[str, str] = {
    "hotline": QT_TRANSLATE_NOOP("incident_labels", "热线电话"),
    "field_app": QT_TRANSLATE_NOOP("incident_labels", "平安通(网格员)"),
    "citizen_app": QT_TRANSLATE_NOOP("incident_labels", "平安浙江APP"),
    "video_alert": QT_TRANSLATE_NOOP("incident_labels", "视频告警"),
    "sensor_alert": QT_TRANSLATE_NOOP("incident_labels", "感知告警"),
    "upper_assign": QT_TRANSLATE_NOOP("incident_labels", "上级交办"),
    "follow_up": QT_TRANSLATE_NOOP("incident_labels", "举一反三"),
    "conference": QT_TRANSLATE_NOOP("incident_labels", "视频会商"),
}

PRIORITY_LABELS: dict[int, str] = {
    1: QT_TRANSLATE_NOOP("incident_labels", "特急"),
    2: QT_TRANSLATE_NOOP("incident_labels", "紧急"),
    3: QT_TRANSLATE_NOOP("incident_labels", "一般"),
    4: QT_TRANSLATE_NOOP("incident_labels", "较低"),
}

EVALUATION_LABELS: dict[str, str] = {
    "satisfied": QT_TRANSLATE_NOOP("incident_labels", "满意"),
    "basic": QT_TRANSLATE_NOOP("incident_labels", "基本满意"),
    "unsatisfied": QT_TRANSLATE_NOOP("incident_labels", "不满意"),
}

SCOPE_LABELS: dict[str, str] = {
    "action": QT_TRANSLATE_NOOP("incident_labels", "待我处理"),
    "supervising": QT_TRANSLATE_NOOP("incident_labels", "我督办的"),
    "all": QT_TRANSLATE_NOOP("incident_labels", "辖区全部"),
}

KIND_LABELS: dict[str, str] = {
    "case": QT_TRANSLATE_NOOP("incident_labels", "事件"),
    "follow_up": QT_TRANSLATE_NOOP("incident_labels", "举一反三任务"),
}

ROLE_LABELS: dict[str, str] = {
    "duty_officer": QT_TRANSLATE_NOOP("incident_labels", "值班员"),
    "leader": QT_TRANSLATE_NOOP("incident_labels", "带班领导"),
    "operator": QT_TRANSLATE_NOOP("incident_labels", "话务员"),
    "viewer": QT_TRANSLATE_NOOP("incident_labels", "只读"),
    "system": QT_TRANSLATE_NOOP("incident_labels", "系统"),
}

LOCATED_BY_LABELS: dict[str, str] = {
    "grid": QT_TRANSLATE_NOOP("incident_labels", "按网格编码"),
    "point": QT_TRANSLATE_NOOP("incident_labels", "按经纬度"),
    "address": QT_TRANSLATE_NOOP("incident_labels", "按地址匹配"),
}

MATCH_LABELS: dict[str, str] = {
    "matched": QT_TRANSLATE_NOOP("incident_labels", "已匹配"),
    "ambiguous": QT_TRANSLATE_NOOP("incident_labels", "有歧义"),
    "outside": QT_TRANSLATE_NOOP("incident_labels", "辖区外"),
    "none": QT_TRANSLATE_NOOP("incident_labels", "未匹配"),
}

SPAN_DAYS = QT_TRANSLATE_NOOP("incident_labels", "{d}天{h}小时")
SPAN_HOURS = QT_TRANSLATE_NOOP("incident_labels", "{h}小时{m}分")
SPAN_MINUTES = QT_TRANSLATE_NOOP("incident_labels", "{m}分钟")
OVERDUE_BY = QT_TRANSLATE_NOOP("incident_labels", "超期")
LEFT = QT_TRANSLATE_NOOP("incident_labels", "剩")


def _tr(source: str) -> str:
    return QCoreApplication.translate(CONTEXT, source)


def action_label(code: str) -> str:
    source = ACTION_LABELS.get(code)
    return _tr(source) if source else code


def channel_label(code: str) -> str:
    source = CHANNEL_LABELS.get(code)
    return _tr(source) if source else code


def priority_label(priority: int) -> str:
    source = PRIORITY_LABELS.get(priority)
    return _tr(source) if source else str(priority)


def evaluation_label(code: str | None) -> str:
    if not code:
        return ""
    source = EVALUATION_LABELS.get(code)
    return _tr(source) if source else code


def scope_label(code: str) -> str:
    source = SCOPE_LABELS.get(code)
    return _tr(source) if source else code


def role_label(code: str) -> str:
    source = ROLE_LABELS.get(code)
    return _tr(source) if source else code


def kind_label(code: str) -> str:
    source = KIND_LABELS.get(code)
    return _tr(source) if source else code


def located_by_label(code: str) -> str:
    source = LOCATED_BY_LABELS.get(code)
    return _tr(source) if source else code


def match_label(code: str | None) -> str:
    if not code:
        return ""
    source = MATCH_LABELS.get(code)
    return _tr(source) if source else code


def local_time(at: datetime | None, tz: str = "Asia/Shanghai", fmt: str = "%m-%d %H:%M") -> str:
    """A stored naive-UTC timestamp as local wall-clock text ("" for None)."""
    if at is None:
        return ""
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return aware.astimezone(ZoneInfo(tz)).strftime(fmt)


def time_left(deadline: datetime | None, now: datetime) -> tuple[str, bool]:
    """("剩 3小时12分" | "超期 2天5小时", overdue) from a naive-UTC deadline and naive-UTC now."""
    if deadline is None:
        return "", False
    seconds = (deadline - now).total_seconds()
    overdue = seconds < 0
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        span = _tr(SPAN_DAYS).format(d=days, h=hours)
    elif hours:
        span = _tr(SPAN_HOURS).format(h=hours, m=mins)
    else:
        span = _tr(SPAN_MINUTES).format(m=mins)
    head = _tr(OVERDUE_BY) if overdue else _tr(LEFT)
    return f"{head} {span}", overdue
