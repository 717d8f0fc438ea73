"""The look every table on the dark wall shares: transparent body, blue header band, rows
tall enough to read across the room. Used by the index board and the risk-alert list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTableView


def px_at(scale: float) -> Callable[[float], int]:
    """Pixels at a wall scale (1.0 at 1080 px high), never below 1."""

    def px(v: float) -> int:
        return max(1, round(v * scale))

    return px


def table_stylesheet(name: str, scale: float, *, font: int, header_font: int, pad: int,
                     extra: str = "") -> str:  # fmt: skip
    """Style rules for the QTableView with object name `name` (`extra`: more body rules)."""
    px = px_at(scale)
    return (
        f"#{name} {{ background: transparent; color: #e6f0ff; border: none; {extra}"
        f" font-size: {px(font)}px; }}"
        f"#{name}::item {{ padding: 0px {px(pad)}px; }}"
        f"#{name} QHeaderView {{ background: transparent; }}"
        f"#{name} QHeaderView::section {{ background: rgba(30, 111, 208, 0.35); color: #9cc3ee;"
        f" border: none; border-bottom: 1px solid #1e6fd0; font-weight: bold;"
        f" font-size: {px(header_font)}px; padding: {px(2)}px {px(pad)}px; }}"
    )


def fit_row_height(table: QTableView, scale: float) -> None:
    """Rows 1.3 lines of the table's (styled) font high, at least 30 px at scale 1."""
    px = px_at(scale)
    table.ensurePolished()
    height = round(table.fontMetrics().height() * 1.3) + px(8)
    table.verticalHeader().setMinimumSectionSize(1)
    table.verticalHeader().setDefaultSectionSize(max(px(30), height))
