"""Themes (QSS in resources/themes) and the size sheet that follows the wall's UI scale.

Theme files carry colours, borders and font families; `scaled_stylesheet(scale)` carries
font sizes and paddings and is set on the wall window, so switching theme never resets the
scale and vice versa.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEMES_DIR = Path(__file__).resolve().parents[2] / "resources" / "themes"
THEMES: tuple[str, ...] = ("dark", "light")
DEFAULT_THEME = "dark"
FONT_FAMILIES: list[str] = [
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "sans-serif",
]

# Font sizes in px at UI scale 1.0 (1920×1080 read from ~5 m).
FONT_PX: dict[str, float] = {
    "QWidget": 16,
    "#panelTitle": 19,
    "DataAgeLabel": 16,
    "#kpiCaption": 19,
    "KpiValue": 52,
    "#clock": 36,
    "#date": 18,
    "#dutyCaption": 17,
    "#dutyName": 20,
    "#centerName": 36,
    "#levelBadge": 17,
    "#crumb": 18,
    "#crumbCurrent": 18,
    "#crumbSeparator": 18,
    "#homeButton": 18,
    "#havesCaption": 18,
    "#haveMark": 20,
    "#haveName": 19,
    "#haveReason": 18,  # drawn down to 70 % (FitLabel) in a narrow badge: >= 12 px
    "#bannerText": 26,
    "#bannerHint": 18,
    "CategoryBarChart": 16,
    "RankingTable": 17,
    "RankingTable QHeaderView::section": 16,
    "#chartLegendItem": 15,
    "#emptyNote": 24,
    "#mapNote": 30,
}


def theme_path(name: str) -> Path:
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; expected one of {THEMES}")
    return THEMES_DIR / f"{name}.qss"


def load_theme(name: str) -> str:
    """The QSS text of a theme."""
    return theme_path(name).read_text(encoding="utf-8")


PALETTES: dict[str, dict[QPalette.ColorRole, str]] = {
    # What widgets the stylesheet does not name are drawn with: tab pages, group boxes,
    # check boxes, scroll areas of dialogs. Without it they come out light on the dark wall.
    "dark": {
        QPalette.ColorRole.Window: "#07204a",
        QPalette.ColorRole.WindowText: "#dce9ff",
        QPalette.ColorRole.Base: "#06183a",
        QPalette.ColorRole.AlternateBase: "#0a2548",
        QPalette.ColorRole.Text: "#dce9ff",
        QPalette.ColorRole.Button: "#0f3f7a",
        QPalette.ColorRole.ButtonText: "#eaf6ff",
        QPalette.ColorRole.Highlight: "#1e6fd0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#0b2a52",
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#6f8db5",
        QPalette.ColorRole.Link: "#7fc8ff",
    },
}


def apply_theme(app: QApplication, name: str = DEFAULT_THEME) -> None:
    """Set the application's font families, palette and theme stylesheet ('dark' | 'light')."""
    qss = load_theme(name)
    font = QFont(app.font())
    font.setFamilies(FONT_FAMILIES)
    app.setFont(font)
    palette = app.style().standardPalette()
    for role, color in PALETTES.get(name, {}).items():
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    app.setStyleSheet(qss)
    app.setProperty("consoleTheme", name)


def current_theme(app: QApplication) -> str:
    value = app.property("consoleTheme")
    return str(value) if value else ""


def scaled_stylesheet(scale: float) -> str:
    """Font sizes, paddings and radii for a UI scale (1.0 at 1080 px high)."""

    def px(v: float) -> int:
        return max(1, round(v * scale))

    rules = [f"{sel} {{ font-size: {px(size)}px; }}" for sel, size in FONT_PX.items()]
    rules += [
        f"#levelBadge {{ padding: {px(2)}px {px(10)}px; border-radius: {px(4)}px; }}",
        f"#crumb {{ padding: 0px {px(2)}px; }}",
        f"QCheckBox::indicator, QListView::indicator, QTableView::indicator,"
        f" QTreeView::indicator {{ width: {px(14)}px; height: {px(14)}px; }}",
        f"FourHaveBadge {{ border-radius: {px(6)}px; border-width: {px(1.5)}px; }}",
        f"KpiTile {{ border-radius: {px(6)}px; }}",
        f"Panel {{ border-radius: {px(4)}px; margin: {px(3)}px; }}",
        f"#videoSlot {{ border-radius: {px(4)}px; }}",
        f"RankingTable QHeaderView::section {{ padding: {px(2)}px {px(5)}px; }}",
        # narrow side padding: five columns share a side column, the name needs the room
        f"RankingTable::item {{ padding: 0px {px(5)}px; }}",
        f"QScrollBar:vertical {{ width: {px(8)}px; }}",
        f"QMainWindow::separator {{ width: {px(2)}px; height: {px(2)}px; }}",
    ]
    return "\n".join(rules)
