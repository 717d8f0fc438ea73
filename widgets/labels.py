"""Chinese source labels for the codes in `services.wall.situation`, translated through Qt.

Source strings are Chinese (the console's default language); `resources/i18n/console_en.ts`
carries the English. The maps hold *untranslated* sources marked with QT_TRANSLATE_NOOP so
`pyside6-lupdate` finds them; call the functions to get the text for the current language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from services.wall.situation import FourHave
from widgets.translate import QT_TRANSLATE_NOOP

CONTEXT = "labels"

CATEGORY_LABELS: dict[str, str] = {
    "dispute": QT_TRANSLATE_NOOP("labels", "矛盾纠纷"),
    "public_order": QT_TRANSLATE_NOOP("labels", "治安隐患"),
    "safety_hazard": QT_TRANSLATE_NOOP("labels", "安全隐患"),
    "fire": QT_TRANSLATE_NOOP("labels", "消防"),
    "environment": QT_TRANSLATE_NOOP("labels", "环境污染"),
    "city_management": QT_TRANSLATE_NOOP("labels", "城市管理"),
    "traffic": QT_TRANSLATE_NOOP("labels", "交通"),
    "food_drug": QT_TRANSLATE_NOOP("labels", "食品药品"),
    "public_health": QT_TRANSLATE_NOOP("labels", "公共卫生"),
    "petition": QT_TRANSLATE_NOOP("labels", "信访"),
    "other": QT_TRANSLATE_NOOP("labels", "其他"),
}

LEVEL_LABELS: dict[str, str] = {
    "province": QT_TRANSLATE_NOOP("labels", "省级"),
    "city": QT_TRANSLATE_NOOP("labels", "市级"),
    "county": QT_TRANSLATE_NOOP("labels", "县级"),
    "township": QT_TRANSLATE_NOOP("labels", "乡镇级"),
}

CENTER_LEVEL_LABELS: dict[str, str] = {
    "province": QT_TRANSLATE_NOOP("labels", "省级指挥中心"),
    "city": QT_TRANSLATE_NOOP("labels", "市级指挥中心"),
    "county": QT_TRANSLATE_NOOP("labels", "县级指挥中心"),
    "township": QT_TRANSLATE_NOOP("labels", "乡镇级指挥中心"),
}

FOUR_HAVE_LABELS: dict[str, str] = {
    "venue": QT_TRANSLATE_NOOP("labels", "有场地"),
    "screen": QT_TRANSLATE_NOOP("labels", "有大屏"),
    "staff": QT_TRANSLATE_NOOP("labels", "有人员"),
    "mechanism": QT_TRANSLATE_NOOP("labels", "有机制"),
}

WEEKDAYS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("labels", "星期一"),
    QT_TRANSLATE_NOOP("labels", "星期二"),
    QT_TRANSLATE_NOOP("labels", "星期三"),
    QT_TRANSLATE_NOOP("labels", "星期四"),
    QT_TRANSLATE_NOOP("labels", "星期五"),
    QT_TRANSLATE_NOOP("labels", "星期六"),
    QT_TRANSLATE_NOOP("labels", "星期日"),
)


def _lookup(table: dict[str, str], code: str) -> str:
    source = table.get(code)
    if source is None:
        return code  # unknown code: show it rather than hide the row
    return QCoreApplication.translate(CONTEXT, source)


STATUS_LABELS: dict[str, str] = {
    "reported": QT_TRANSLATE_NOOP("labels", "已上报"),
    "accepted": QT_TRANSLATE_NOOP("labels", "已受理"),
    "routed": QT_TRANSLATE_NOOP("labels", "已派单"),
    "in_progress": QT_TRANSLATE_NOOP("labels", "处置中"),
    "returned": QT_TRANSLATE_NOOP("labels", "已退回"),
    "resolved": QT_TRANSLATE_NOOP("labels", "已办结"),
    "closed": QT_TRANSLATE_NOOP("labels", "已归档"),
}


def status_label(code: str) -> str:
    return _lookup(STATUS_LABELS, code)


def category_label(code: str) -> str:
    """Label of an incident category code, e.g. "dispute" → 矛盾纠纷."""
    return _lookup(CATEGORY_LABELS, code)


def level_label(level: str) -> str:
    """Short level label: "city" → 市级."""
    return _lookup(LEVEL_LABELS, level)


def center_level_label(level: str) -> str:
    """Level of a command center: "county" → 县级指挥中心."""
    return _lookup(CENTER_LEVEL_LABELS, level)


def four_have_label(key: str) -> str:
    """One of the four haves: "venue" → 有场地."""
    return _lookup(FOUR_HAVE_LABELS, key)


def four_have_reason(have: FourHave) -> str:
    """The reason under a have in the current language ("值班人员 1/2" → "On duty 1/2")."""
    return have.reason_in(lambda template: QCoreApplication.translate(CONTEXT, template))


def weekday_label(weekday: int) -> str:
    """Weekday name, Monday = 0."""
    return QCoreApplication.translate(CONTEXT, WEEKDAYS[weekday % 7])
