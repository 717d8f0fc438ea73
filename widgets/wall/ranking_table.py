"""Ranking (晾晒) of the center's child regions: 上报 / 未办结 / 超期 / 办结率.

Sortable by any column (numbers sort as numbers); a region with overdue incidents is
highlighted; clicking a row asks to drill down into that region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    Property,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from services.wall.situation import ChildRegionRow
from widgets.row_model import RowTableModel
from widgets.translate import QT_TRANSLATE_NOOP
from widgets.wall.kpi_tile import GOOD_RATE, format_percent

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ADCODE_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", QT_TRANSLATE_NOOP("RankingTable", "地区")),
    ("reported_today", QT_TRANSLATE_NOOP("RankingTable", "上报")),
    ("open", QT_TRANSLATE_NOOP("RankingTable", "未办结")),
    ("overdue", QT_TRANSLATE_NOOP("RankingTable", "超期")),
    ("resolution_rate", QT_TRANSLATE_NOOP("RankingTable", "办结率")),
)
COL_NAME, COL_REPORTED, COL_OPEN, COL_OVERDUE, COL_RATE = range(len(COLUMNS))

_Index = QModelIndex | QPersistentModelIndex


class RankingModel(RowTableModel):
    """Child-region rows as a table; colours come from the owning view's theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self._rows: tuple[ChildRegionRow, ...] = ()
        self.alarm_color = QColor("#ff4d4f")
        self.alarm_background = QColor(255, 77, 79, 48)
        self.warn_color = QColor("#ffb020")
        self.good_color = QColor("#2ee6a6")

    def set_rows(self, rows: Sequence[ChildRegionRow]) -> None:
        self._reset(rows)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return QCoreApplication.translate("RankingTable", COLUMNS[section][1])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                if section == COL_NAME:
                    return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _cell(self, row_index: int, col: int, role: int) -> Any:
        row = self._rows[row_index]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return row.name
            if col == COL_REPORTED:
                return f"{row.reported_today:,}"
            if col == COL_OPEN:
                return f"{row.open:,}"
            if col == COL_OVERDUE:
                return f"{row.overdue:,}"
            return format_percent(row.resolution_rate)
        if role == SORT_ROLE:
            if col == COL_NAME:
                return row.adcode  # administrative order
            if col == COL_RATE:
                return -1.0 if row.resolution_rate is None else row.resolution_rate
            return (row.reported_today, row.open, row.overdue)[col - 1]
        if role == ADCODE_ROLE:
            return row.adcode
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == COL_NAME:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_OVERDUE and row.overdue > 0:
                return self.alarm_color
            if col == COL_RATE and row.resolution_rate is not None:
                return self.good_color if row.resolution_rate >= GOOD_RATE else self.warn_color
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.overdue > 0 and col in (COL_NAME, COL_OVERDUE):
                return self.alarm_background
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_OVERDUE and row.overdue > 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name} {row.adcode}"
        return None


class RankingTable(QTableView):
    """Sortable ranking of child regions; `region_clicked(adcode)` on a row click."""

    region_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = 1.0
        self.source_model = RankingModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(COL_OVERDUE, Qt.SortOrder.DescendingOrder)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.verticalHeader().hide()
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(0)  # size columns by the rows in view only
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)
        self.clicked.connect(self._on_clicked)
        self.set_ui_scale(1.0)

    def set_rows(self, rows: Sequence[ChildRegionRow]) -> None:
        count = self.source_model.rowCount()
        self.source_model.set_rows(rows)
        if count != len(rows):
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        """Tall enough for every row without scrolling."""
        rows = max(self.source_model.rowCount(), 5)
        height = (
            self.horizontalHeader().sizeHint().height()
            + rows * self.verticalHeader().defaultSectionSize()
            + 2 * self.frameWidth()
            + self.verticalHeader().defaultSectionSize() // 2  # slack for rounding
        )
        return QSize(super().sizeHint().width(), height)

    def adcode_at(self, view_row: int) -> str:
        return str(self.proxy.index(view_row, 0).data(ADCODE_ROLE))

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def _on_clicked(self, index: QModelIndex) -> None:
        adcode = index.data(ADCODE_ROLE)
        if adcode:
            self.region_clicked.emit(str(adcode))

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self._fit_rows()

    def _fit_rows(self) -> None:
        height = self.fontMetrics().height()
        self.verticalHeader().setMinimumSectionSize(1)
        self.verticalHeader().setDefaultSectionSize(round(height * 1.28))
        self.horizontalHeader().setMinimumHeight(round(height * 1.3))
        self.updateGeometry()

    # -- theme properties (QSS qproperty-alarmColor etc.) ---------------------------------
    def _get_alarm(self) -> QColor:
        return self.source_model.alarm_color

    def _set_alarm(self, c: QColor) -> None:
        self.source_model.alarm_color = QColor(c)
        bg = QColor(c)
        bg.setAlpha(48)
        self.source_model.alarm_background = bg
        self.source_model.forget_cells()
        self.viewport().update()

    def _get_warn(self) -> QColor:
        return self.source_model.warn_color

    def _set_warn(self, c: QColor) -> None:
        self.source_model.warn_color = QColor(c)
        self.source_model.forget_cells()
        self.viewport().update()

    def _get_good(self) -> QColor:
        return self.source_model.good_color

    def _set_good(self, c: QColor) -> None:
        self.source_model.good_color = QColor(c)
        self.source_model.forget_cells()
        self.viewport().update()

    alarmColor = Property(QColor, _get_alarm, _set_alarm)  # noqa: N815
    warnColor = Property(QColor, _get_warn, _set_warn)  # noqa: N815
    goodColor = Property(QColor, _get_good, _set_good)  # noqa: N815

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.source_model.retranslate()
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_rows()
        super().changeEvent(event)
