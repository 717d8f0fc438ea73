"""The units of the dispatch board as a table model: level and kind, status, task, and
the time in state in amber/red past the configured limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from services import dispatch
from services.dispatch.board import UnitRow
from ui.dispatch.labels import (
    CTX,
    KIND_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    duration_text,
    label,
)
from widgets.incident_style import theme_colors
from widgets.row_model import RowTableModel
from widgets.translate import QT_TRANSLATE_NOOP

_Index = QModelIndex | QPersistentModelIndex
UNIT_COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("DispatchPanel", "单位"),
    QT_TRANSLATE_NOOP("DispatchPanel", "级别"),
    QT_TRANSLATE_NOOP("DispatchPanel", "状态"),
    QT_TRANSLATE_NOOP("DispatchPanel", "任务"),
    QT_TRANSLATE_NOOP("DispatchPanel", "时长"),
)
COL_NAME, COL_LEVEL, COL_STATUS, COL_TASK, COL_TIME = range(len(UNIT_COLUMNS))


class UnitModel(RowTableModel):
    """The units of the board; time in state counts on between reads (`set_now`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(UNIT_COLUMNS, parent, context=CTX)
        self._rows: tuple[UnitRow, ...] = ()
        self._now: datetime | None = None
        self.policy: dispatch.DispatchPolicy | None = None  # the state's, set by the panel
        self.colors = theme_colors()

    def set_rows(self, rows: tuple[UnitRow, ...], now: datetime) -> None:
        self._now = now
        if not self._reset(rows):
            self._column_changed(COL_TIME)  # the same units: only the time in state moved

    def set_now(self, now: datetime) -> None:
        self._now = now
        self._column_changed(COL_TIME)

    def row(self, r: int) -> UnitRow | None:
        return self._rows[r] if 0 <= r < len(self._rows) else None


    def minutes(self, u: UnitRow) -> float:
        if self._now is None:
            return u.minutes_in_state
        return max(0.0, (self._now - u.status_since).total_seconds() / 60.0)

    def alarm(self, u: UnitRow) -> str:
        return self.policy.alarm(u.status, self.minutes(u)) if self.policy else u.alarm

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return f"{u.name}"
            if col == COL_LEVEL:
                return f"{label(LEVEL_LABELS, u.level)}·{label(KIND_LABELS, u.kind)}"
            if col == COL_STATUS:
                return label(STATUS_LABELS, u.status)
            if col == COL_TASK:
                if u.incident_id is None:
                    return "—"
                return f"#{u.incident_id} {u.incident_address}".strip()
            return duration_text(self.minutes(u))
        if role == Qt.ItemDataRole.ForegroundRole:
            alarm = self.alarm(u)
            if col in (COL_TIME, COL_STATUS) and alarm:
                return QColor(self.colors["alarm" if alarm == "red" else "warn"])
            if col == COL_STATUS and u.status == "available":
                return QColor(self.colors["good"])
            if col == COL_STATUS and u.status == "unavailable":
                return QColor(self.colors["muted"])
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            alarm = self.alarm(u)
            if alarm and col == COL_TIME:
                color = QColor(self.colors["alarm" if alarm == "red" else "warn"])
                color.setAlpha(48)
                return color
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_TIME and self.alarm(u):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_TIME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole row, for a cell the column cuts
            row = index.row()
            return " · ".join(str(self.data(self.index(row, c))) for c in range(len(UNIT_COLUMNS)))
        return None
