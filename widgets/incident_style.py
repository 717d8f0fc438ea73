"""Colours and sizes of the incident views (panel, detail, hotline form, login, badge).

The theme files carry the wall's own widgets; these views set their own sheet from the
application's current theme ("dark"/"light", see ui.kit.theme) and the wall's UI scale, so
they read the same size as the other wall panels (16–19 px at scale 1.0, 1080 px high).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

COLORS: dict[str, dict[str, str]] = {
    "dark": {
        "text": "#dce9ff", "muted": "#7f9cc4", "strong": "#ffffff", "accent": "#21d4fd",
        "alarm": "#ff4d4f", "alarm_bg": "rgba(255, 77, 79, 0.18)", "warn": "#ffb020",
        "warn_bg": "rgba(255, 176, 32, 0.16)", "good": "#2ee6a6", "field": "#06183a",
        "border": "#1d5a9c", "button": "#0f3f7a", "button_hover": "#1a5aa6",
        "button_text": "#eaf6ff", "header": "rgba(30, 111, 208, 0.35)",
        "alt": "rgba(80, 140, 220, 0.09)", "select": "rgba(33, 212, 253, 0.22)",
        "panel": "#07204a",
    },
    "light": {
        "text": "#14243d", "muted": "#5b6f8b", "strong": "#0a2a55", "accent": "#0b6bcb",
        "alarm": "#d32f2f", "alarm_bg": "rgba(211, 47, 47, 0.10)", "warn": "#b86e00",
        "warn_bg": "rgba(224, 123, 0, 0.12)", "good": "#0f9d58", "field": "#ffffff",
        "border": "#9fb4cf", "button": "#dbe8f7", "button_hover": "#c3d8f2",
        "button_text": "#0a2a55", "header": "#dbe8f7", "alt": "#f3f7fc",
        "select": "rgba(11, 107, 203, 0.18)", "panel": "#ffffff",
    },
}  # fmt: skip

BASE_PX = 16  # body text at scale 1.0 (QWidget in ui.kit.theme.FONT_PX)
TABLE_PX = 17  # like RankingTable
TITLE_PX = 19  # like #panelTitle


def theme_colors() -> dict[str, str]:
    app = QCoreApplication.instance()
    name = str(app.property("consoleTheme") or "dark") if app is not None else "dark"
    return COLORS.get(name, COLORS["dark"])


def incident_stylesheet(scale: float) -> str:
    """The sheet for the incident views at a UI scale, in the current theme's colours."""
    c = theme_colors()

    def px(v: float) -> int:
        return max(1, round(v * scale))

    return f"""
    QWidget {{ font-size: {px(BASE_PX)}px; color: {c["text"]}; }}
    QDialog, #incidentSurface {{ background: {c["panel"]}; }}
    #incTitle {{ font-size: {px(TITLE_PX)}px; font-weight: bold; color: {c["strong"]}; }}
    #incSection {{ font-size: {px(BASE_PX)}px; font-weight: bold; color: {c["accent"]};
                   border-bottom: 1px solid {c["border"]}; padding-bottom: {px(2)}px; }}
    #incCaption {{ color: {c["muted"]}; }}
    #incValue {{ color: {c["strong"]}; }}
    #incHint {{ color: {c["muted"]}; font-style: italic; }}
    #incMessage[tone="alarm"] {{ color: {c["alarm"]}; font-weight: bold;
        background: {c["alarm_bg"]}; border: 1px solid {c["alarm"]};
        padding: {px(4)}px {px(8)}px; border-radius: {px(4)}px; }}
    #incMessage[tone="good"] {{ color: {c["good"]}; font-weight: bold;
        padding: {px(4)}px {px(8)}px; }}
    #incMessage[tone="info"] {{ color: {c["muted"]}; padding: {px(4)}px {px(8)}px; }}
    #flagSupervised {{ color: {c["warn"]}; background: {c["warn_bg"]};
        border: 1px solid {c["warn"]}; border-radius: {px(4)}px; padding: 0 {px(6)}px;
        font-weight: bold; }}
    #flagSupervised[overdue="true"] {{ color: {c["alarm"]}; background: {c["alarm_bg"]};
        border-color: {c["alarm"]}; }}
    #flagOverdue {{ color: {c["alarm"]}; background: {c["alarm_bg"]};
        border: 1px solid {c["alarm"]}; border-radius: {px(4)}px; padding: 0 {px(6)}px;
        font-weight: bold; }}
    #incDeadline[overdue="true"] {{ color: {c["alarm"]}; font-weight: bold; }}
    QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QDateTimeEdit {{
        background: {c["field"]}; border: 1px solid {c["border"]};
        border-radius: {px(3)}px; padding: {px(3)}px {px(6)}px; color: {c["strong"]};
        min-height: {px(26)}px; }}
    QComboBox QAbstractItemView {{ background: {c["field"]}; color: {c["strong"]};
        selection-background-color: {c["select"]}; }}
    QPushButton {{ background: {c["button"]}; color: {c["button_text"]};
        border: 1px solid {c["border"]}; border-radius: {px(4)}px;
        padding: {px(4)}px {px(12)}px; min-height: {px(26)}px; font-weight: bold; }}
    QPushButton:hover {{ background: {c["button_hover"]}; }}
    QPushButton:disabled {{ color: {c["muted"]}; }}
    QPushButton#incLink {{ background: transparent; border: none; color: {c["accent"]};
        text-decoration: underline; padding: 0 {px(4)}px; font-weight: normal; }}
    QCheckBox {{ spacing: {px(6)}px; }}
    QCheckBox::indicator {{ width: {px(16)}px; height: {px(16)}px; }}
    QTabBar::tab {{ background: transparent; color: {c["muted"]};
        padding: {px(4)}px {px(12)}px; border-bottom: {px(3)}px solid transparent;
        font-weight: bold; }}
    QTabBar::tab:selected {{ color: {c["strong"]}; border-bottom-color: {c["accent"]}; }}
    QTableView {{ background: transparent; alternate-background-color: {c["alt"]};
        border: none; gridline-color: transparent; font-size: {px(TABLE_PX)}px;
        selection-background-color: {c["select"]}; selection-color: {c["strong"]}; }}
    QHeaderView::section {{ background: {c["header"]}; color: {c["muted"]}; border: none;
        border-bottom: 1px solid {c["border"]}; font-weight: bold;
        padding: {px(2)}px {px(6)}px; font-size: {px(BASE_PX)}px; }}
    QScrollArea {{ background: transparent; border: none; }}
    #incidentDetail {{ background: transparent; }}
    QHeaderView {{ background: transparent; }}
    QSplitter::handle {{ background: {c["border"]}; }}
    #actionForm {{ border: 1px solid {c["accent"]}; border-radius: {px(4)}px;
        background: {c["alt"]}; }}
    """
