"""The dispatch panel's words: unit statuses, levels, kinds, steps and plan item states,
in the "DispatchPanel" translation context, and the time in state as text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from widgets.translate import QT_TRANSLATE_NOOP

CTX = "DispatchPanel"

STATUS_LABELS: dict[str, str] = {
    "available": QT_TRANSLATE_NOOP("DispatchPanel", "可用"),
    "dispatched": QT_TRANSLATE_NOOP("DispatchPanel", "已派"),
    "en_route": QT_TRANSLATE_NOOP("DispatchPanel", "途中"),
    "on_scene": QT_TRANSLATE_NOOP("DispatchPanel", "到场"),
    "returning": QT_TRANSLATE_NOOP("DispatchPanel", "返回"),
    "unavailable": QT_TRANSLATE_NOOP("DispatchPanel", "不可用"),
}
LEVEL_LABELS: dict[int, str] = {
    1: QT_TRANSLATE_NOOP("DispatchPanel", "一级"),
    2: QT_TRANSLATE_NOOP("DispatchPanel", "二级"),
    3: QT_TRANSLATE_NOOP("DispatchPanel", "三级"),
}
KIND_LABELS: dict[str, str] = {
    "police": QT_TRANSLATE_NOOP("DispatchPanel", "公安"),
    "fire": QT_TRANSLATE_NOOP("DispatchPanel", "消防"),
    "medical": QT_TRANSLATE_NOOP("DispatchPanel", "急救"),
    "emergency": QT_TRANSLATE_NOOP("DispatchPanel", "应急"),
    "urban_management": QT_TRANSLATE_NOOP("DispatchPanel", "城管"),
    "grid_team": QT_TRANSLATE_NOOP("DispatchPanel", "网格"),
    "volunteer": QT_TRANSLATE_NOOP("DispatchPanel", "志愿者"),
}
STEP_LABELS: dict[str, str] = {
    "acknowledge": QT_TRANSLATE_NOOP("DispatchPanel", "确认出发"),
    "arrive": QT_TRANSLATE_NOOP("DispatchPanel", "到达现场"),
    "clear": QT_TRANSLATE_NOOP("DispatchPanel", "处置完毕"),
    "return": QT_TRANSLATE_NOOP("DispatchPanel", "返回驻地"),
    "cancel": QT_TRANSLATE_NOOP("DispatchPanel", "取消派遣"),
}
ITEM_STATE_LABELS: dict[str, str] = {
    "proposed": QT_TRANSLATE_NOOP("DispatchPanel", "待确认"),
    "confirmed": QT_TRANSLATE_NOOP("DispatchPanel", "已确认"),
    "declined": QT_TRANSLATE_NOOP("DispatchPanel", "不采纳"),
    "unfilled": QT_TRANSLATE_NOOP("DispatchPanel", "无可用单位"),
}
BOARD_STATUSES = ("available", "dispatched", "en_route", "on_scene", "returning", "unavailable")


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def label(table: dict[Any, str], key: Any) -> str:
    return tr(table[key]) if key in table else str(key)


MINUTES = QT_TRANSLATE_NOOP("DispatchPanel", "{m}分")


def duration_text(minutes: float) -> str:
    """Time in state: "7分" under an hour, "1:05" (h:mm) beyond."""
    m = int(minutes)
    return f"{m // 60}:{m % 60:02d}" if m >= 60 else tr(MINUTES).replace("{m}", str(m))
