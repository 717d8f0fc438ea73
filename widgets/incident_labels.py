"""Chinese labels for the incident workflow: actions, channels, priorities, evaluations,
queue scopes, and the refusal codes of `services.errors.Refused` turned into sentences.

Same convention as widgets/labels.py: the maps hold untranslated Chinese sources marked
with QT_TRANSLATE_NOOP (context "incident_labels"); call the functions for the current
language. Time helpers format stored naive-UTC timestamps in the center's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "incident_labels"

ACTION_LABELS: dict[str, str] = {
    "report": QT_TRANSLATE_NOOP("incident_labels", "上报"),
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

# Refusal codes (services.errors.Refused.code) → a sentence for the operator.
REFUSAL_MESSAGES: dict[str, str] = {
    "outside_grid": QT_TRANSLATE_NOOP("incident_labels", "该网格不在本中心辖区内"),
    "outside": QT_TRANSLATE_NOOP("incident_labels", "该事件不在本中心辖区内"),
    "no_grid": QT_TRANSLATE_NOOP("incident_labels", "找不到该网格"),
    "no_grid_code": QT_TRANSLATE_NOOP("incident_labels", "找不到该网格编码，请核对"),
    "no_location": QT_TRANSLATE_NOOP("incident_labels", "请填写网格编码或在地图上点选位置"),
    "no_grid_here": QT_TRANSLATE_NOOP("incident_labels", "所选位置附近没有网格，请重新点选"),
    "category": QT_TRANSLATE_NOOP("incident_labels", "请选择事件类别"),
    "channel": QT_TRANSLATE_NOOP("incident_labels", "请选择来源渠道"),
    "priority": QT_TRANSLATE_NOOP("incident_labels", "紧急程度无效"),
    "description": QT_TRANSLATE_NOOP("incident_labels", "请填写事件描述"),
    "assign_below": QT_TRANSLATE_NOOP("incident_labels", "只能交办给下级中心"),
    "role": QT_TRANSLATE_NOOP("incident_labels", "当前账号无此权限"),
    "not_handler": QT_TRANSLATE_NOOP("incident_labels", "该事件由其他中心办理，本中心不能操作"),
    "transition": QT_TRANSLATE_NOOP("incident_labels", "事件当前状态下不能进行此操作"),
    "action": QT_TRANSLATE_NOOP("incident_labels", "未知的操作"),
    "route_target": QT_TRANSLATE_NOOP("incident_labels", "请选择本级部门或下级中心"),
    "no_router": QT_TRANSLATE_NOOP("incident_labels", "该事件无派单来源，不能退回，请上报上级"),
    "top_level": QT_TRANSLATE_NOOP("incident_labels", "已是最高层级，无法上报"),
    "evaluation": QT_TRANSLATE_NOOP("incident_labels", "请选择评价结果"),
    "reason": QT_TRANSLATE_NOOP("incident_labels", "重新办理须填写原因"),
    "deadline": QT_TRANSLATE_NOOP("incident_labels", "督办时限须晚于当前时间"),
    "note": QT_TRANSLATE_NOOP("incident_labels", "请填写督办要求"),
    "answer": QT_TRANSLATE_NOOP("incident_labels", "请填写回复内容"),
    "no_supervision": QT_TRANSLATE_NOOP("incident_labels", "没有待回复的督办"),
    "follow_up": QT_TRANSLATE_NOOP("incident_labels", "只有办理中心可对已办结事件举一反三"),
    "supervise_below": QT_TRANSLATE_NOOP("incident_labels", "只有上级中心可督办未办结事件"),
    "login_failed": QT_TRANSLATE_NOOP("incident_labels", "账号或密码错误"),
    "no_account": QT_TRANSLATE_NOOP("incident_labels", "账号不存在或已停用"),
    "no_incident": QT_TRANSLATE_NOOP("incident_labels", "找不到该事件"),
    "no_region": QT_TRANSLATE_NOOP("incident_labels", "找不到该地区"),
    "stale": QT_TRANSLATE_NOOP("incident_labels", "该事件已被他人更新"),
    "not_allowed": QT_TRANSLATE_NOOP("incident_labels", "当前账号无此权限"),
    "not_found": QT_TRANSLATE_NOOP("incident_labels", "找不到相关记录"),
    "invalid_input": QT_TRANSLATE_NOOP("incident_labels", "填写内容有误"),
    "invalid_transition": QT_TRANSLATE_NOOP("incident_labels", "事件当前状态下不能进行此操作"),
    "refused": QT_TRANSLATE_NOOP("incident_labels", "操作被拒绝"),
    "db_error": QT_TRANSLATE_NOOP("incident_labels", "数据库暂不可用，请稍后重试"),
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


def refusal_message(code: str, fallback: str = "") -> str:
    """The operator's sentence for a refusal code; unknown codes show the fallback."""
    source = REFUSAL_MESSAGES.get(code)
    if source is not None:
        return _tr(source)
    return fallback or _tr(REFUSAL_MESSAGES["refused"])


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
