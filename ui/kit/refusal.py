"""Refusals in the console's language: one table for every panel.

A use case refuses with a code (services.errors.Refused.code) and parameters; the worker
hands the view a `Refusal` value and the view shows `refusal_text(...)`. Where a domain
words a code its own way (a stale dispatch board is refreshed, a stale case is not), the
table holds "domain.code" beside the general "code".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication

from services.errors import Refused
from widgets.translate import QT_TRANSLATE_NOOP

CONTEXT = "Refusals"  # written out in each QT_TRANSLATE_NOOP below: lupdate reads literals only

REFUSAL_TEXT: dict[str, str] = {
    # Cases, accounts and anything without a domain of its own.
    "outside_grid": QT_TRANSLATE_NOOP("Refusals", "该网格不在本中心辖区内"),
    "outside": QT_TRANSLATE_NOOP("Refusals", "该事件不在本中心辖区内"),
    "no_grid": QT_TRANSLATE_NOOP("Refusals", "找不到该网格"),
    "no_grid_code": QT_TRANSLATE_NOOP("Refusals", "找不到该网格编码，请核对"),
    "no_location": QT_TRANSLATE_NOOP("Refusals", "请填写网格编码或在地图上点选位置"),
    "no_grid_here": QT_TRANSLATE_NOOP("Refusals", "所选位置附近没有网格，请重新点选"),
    "category": QT_TRANSLATE_NOOP("Refusals", "请选择事件类别"),
    "channel": QT_TRANSLATE_NOOP("Refusals", "请选择来源渠道"),
    "priority": QT_TRANSLATE_NOOP("Refusals", "紧急程度无效"),
    "description": QT_TRANSLATE_NOOP("Refusals", "请填写事件描述"),
    "assign_below": QT_TRANSLATE_NOOP("Refusals", "只能交办给下级中心"),
    "role": QT_TRANSLATE_NOOP("Refusals", "当前账号无此权限"),
    "not_handler": QT_TRANSLATE_NOOP("Refusals", "该事件由其他中心办理，本中心不能操作"),
    "transition": QT_TRANSLATE_NOOP("Refusals", "事件当前状态下不能进行此操作"),
    "action": QT_TRANSLATE_NOOP("Refusals", "未知的操作"),
    "route_target": QT_TRANSLATE_NOOP("Refusals", "请选择本级部门或下级中心"),
    "no_router": QT_TRANSLATE_NOOP("Refusals", "该事件无派单来源，不能退回，请上报上级"),
    "top_level": QT_TRANSLATE_NOOP("Refusals", "已是最高层级，无法上报"),
    "evaluation": QT_TRANSLATE_NOOP("Refusals", "请选择评价结果"),
    "reason": QT_TRANSLATE_NOOP("Refusals", "重新办理须填写原因"),
    "deadline": QT_TRANSLATE_NOOP("Refusals", "督办时限须晚于当前时间"),
    "note": QT_TRANSLATE_NOOP("Refusals", "请填写督办要求"),
    "answer": QT_TRANSLATE_NOOP("Refusals", "请填写回复内容"),
    "no_supervision": QT_TRANSLATE_NOOP("Refusals", "没有待回复的督办"),
    "follow_up": QT_TRANSLATE_NOOP("Refusals", "只有办理中心可对已办结事件举一反三"),
    "supervise_below": QT_TRANSLATE_NOOP("Refusals", "只有上级中心可督办未办结事件"),
    "login_failed": QT_TRANSLATE_NOOP("Refusals", "账号或密码错误"),
    "no_account": QT_TRANSLATE_NOOP("Refusals", "账号不存在或已停用"),
    "no_incident": QT_TRANSLATE_NOOP("Refusals", "找不到该事件"),
    "no_region": QT_TRANSLATE_NOOP("Refusals", "找不到该地区"),
    "stale": QT_TRANSLATE_NOOP("Refusals", "该事件已被他人更新"),
    "not_allowed": QT_TRANSLATE_NOOP("Refusals", "当前账号无此权限"),
    "not_found": QT_TRANSLATE_NOOP("Refusals", "找不到相关记录"),
    "invalid_input": QT_TRANSLATE_NOOP("Refusals", "填写内容有误"),
    "invalid_transition": QT_TRANSLATE_NOOP("Refusals", "事件当前状态下不能进行此操作"),
    "refused": QT_TRANSLATE_NOOP("Refusals", "操作被拒绝"),
    "db_error": QT_TRANSLATE_NOOP("Refusals", "数据库暂不可用，请稍后重试"),
    # Dispatch: its own words where the general sentence does not fit.
    "unit_unavailable": QT_TRANSLATE_NOOP("Refusals", "{unit} 当前不可用，不能派遣"),
    "unit_busy": QT_TRANSLATE_NOOP("Refusals", "{unit} 正在执行任务，不能重复派遣"),
    "unit_outside": QT_TRANSLATE_NOOP("Refusals", "{unit} 不在本中心辖区，不能调派"),
    "unit_taken": QT_TRANSLATE_NOOP("Refusals", "{unit} 已被其他席位抢先调派，请重新选择"),
    "dispatch.stale": QT_TRANSLATE_NOOP("Refusals", "数据已被其他席位更新，已刷新为最新状态"),
    "incident_closed": QT_TRANSLATE_NOOP("Refusals", "事件已办结，不能再派遣"),
    "dispatch.outside": QT_TRANSLATE_NOOP("Refusals", "事件不在本中心辖区"),
    "dispatch.role": QT_TRANSLATE_NOOP("Refusals", "当前账号没有调度权限"),
    "already_active": QT_TRANSLATE_NOOP("Refusals", "该预警已启动预案，已转到该预案"),
    "no_substitute": QT_TRANSLATE_NOOP("Refusals", "没有其他可用的同类单位"),
    "dispatch_step": QT_TRANSLATE_NOOP("Refusals", "该派遣当前不能执行这一步"),
    "item_decided": QT_TRANSLATE_NOOP("Refusals", "该项已处理"),
    "activation_closed": QT_TRANSLATE_NOOP("Refusals", "该预案已结束"),
    "no_units": QT_TRANSLATE_NOOP("Refusals", "请至少选择一个单位"),
    "dispatch.no_center": QT_TRANSLATE_NOOP("Refusals", "只有指挥中心账号可以启动预案"),
    # Handover: its own words where the general sentence does not fit.
    "shift_not_ended": QT_TRANSLATE_NOOP("Refusals", "本班次尚未结束，不能交班"),
    "not_on_roster": QT_TRANSLATE_NOOP("Refusals", "您不在该班次的值班表上，不能签字"),
    "own_handover": QT_TRANSLATE_NOOP("Refusals", "交班人不能自己签收"),
    "already_submitted": QT_TRANSLATE_NOOP("Refusals", "本班次已提交交班，请勿重复提交"),
    "already_accepted": QT_TRANSLATE_NOOP("Refusals", "交接班已签收，不能再更改"),
    "answer_required": QT_TRANSLATE_NOOP("Refusals", "请先答复接班人的问题"),
    "not_rejected": QT_TRANSLATE_NOOP("Refusals", "没有待答复的问题"),
    "handover.reason": QT_TRANSLATE_NOOP("Refusals", "退回须填写原因"),
    "handover.answer": QT_TRANSLATE_NOOP("Refusals", "请填写答复内容"),
    "handover_accepted": QT_TRANSLATE_NOOP("Refusals", "交接班已签收，值班日志已关闭"),
    "log_text": QT_TRANSLATE_NOOP("Refusals", "请填写日志内容"),
    "checked_in": QT_TRANSLATE_NOOP("Refusals", "本班次已签到"),
    "not_on_now": QT_TRANSLATE_NOOP("Refusals", "不在本班次时间内，不能签到"),
    "other_center": QT_TRANSLATE_NOOP("Refusals", "不是本中心的班次"),
    "handover.stale": QT_TRANSLATE_NOOP("Refusals", "交接班已被他人更新，已刷新"),
    # Video: its own words where the general sentence does not fit.
    "video.role": QT_TRANSLATE_NOOP("Refusals", "当前账号无视频操作权限"),
    "no_center": QT_TRANSLATE_NOOP("Refusals", "当前账号不属于任何指挥中心"),
    "subtree": QT_TRANSLATE_NOOP("Refusals", "超出本级辖区"),
    "no_camera": QT_TRANSLATE_NOOP("Refusals", "没有这个监控点"),
    "all_pinned": QT_TRANSLATE_NOOP("Refusals", "所有窗口均已锁定"),
    "layout": QT_TRANSLATE_NOOP("Refusals", "不支持的分屏"),
    # Conference (视频会商), shown by the conference window.
    "video.title": QT_TRANSLATE_NOOP("Refusals", "请填写会商主题"),
    "no_rooms": QT_TRANSLATE_NOOP("Refusals", "请至少选择一个参会方"),
    "too_many_rooms": QT_TRANSLATE_NOOP("Refusals", "参会方最多 16 个"),
    "no_room": QT_TRANSLATE_NOOP("Refusals", "找不到该参会方"),
    "room_kind": QT_TRANSLATE_NOOP("Refusals", "参会方类型无效"),
    "participant": QT_TRANSLATE_NOOP("Refusals", "该参会方不在本次会商中"),
    "ended": QT_TRANSLATE_NOOP("Refusals", "会商已结束"),
    "end_before_start": QT_TRANSLATE_NOOP("Refusals", "结束时间不能早于开始时间"),
    "minute_kind": QT_TRANSLATE_NOOP("Refusals", "请选择决定或任务"),
    "minute_text": QT_TRANSLATE_NOOP("Refusals", "请填写决定或任务内容"),
    "minute_owner": QT_TRANSLATE_NOOP("Refusals", "请填写责任人"),
    "no_minute": QT_TRANSLATE_NOOP("Refusals", "找不到该纪要"),
    "no_conference": QT_TRANSLATE_NOOP("Refusals", "找不到该会商"),
    "already_task": QT_TRANSLATE_NOOP("Refusals", "该项已转为事件任务"),
    "conference_no_incident": QT_TRANSLATE_NOOP("Refusals", "本次会商未关联事件，不能转为事件任务"),
    "video.other_center": QT_TRANSLATE_NOOP("Refusals", "该会商属于其他中心"),
}
DB_ERROR = QT_TRANSLATE_NOOP("Refusals", "数据库操作失败: {reason}")


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the service's code and parameters; for a lost race
    `current` is the state as it is now (a case, a unit, a dispatch, ...)."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    current: Any = None

    @property
    def stale(self) -> bool:
        return self.code == "stale"

    @classmethod
    def of(cls, exc: Refused) -> Refusal:
        return cls(exc.code, exc.message, dict(exc.params), getattr(exc, "current", None))


DB_UNAVAILABLE = Refusal("db_error", "database unavailable")


def refusal_text(code: str, fallback: str = "", *, domain: str | None = None,
                 params: dict[str, Any] | None = None) -> str:  # fmt: skip
    """The operator's sentence for a refusal code (the domain's own wording first);
    unknown codes show the fallback. `{unit}`-style parameters are filled in."""
    source = REFUSAL_TEXT.get(f"{domain}.{code}") if domain else None
    source = source or REFUSAL_TEXT.get(code)
    if source is None:
        return fallback or QCoreApplication.translate(CONTEXT, REFUSAL_TEXT["refused"])
    text = QCoreApplication.translate(CONTEXT, source)
    for key, value in (params or {}).items():
        text = text.replace("{" + key + "}", str(value))
    return text.strip()


def error_text(exc: Exception, *, domain: str | None = None) -> str:
    """A refusal by its code; any other error as one line."""
    if isinstance(exc, Refused):
        return refusal_text(exc.code, exc.message, domain=domain, params=dict(exc.params))
    first = str(exc).strip().splitlines()
    return QCoreApplication.translate(CONTEXT, DB_ERROR).format(
        reason=first[0] if first else type(exc).__name__
    )
