"""基层治理四平台 on the wall: matters, open, overdue and 办结率 of each township platform.

Shows a `services.wall.platforms.PlatformBoard` (a township's four platforms, or a county's
rolled up over its townships): a title line with the totals and one big row per platform.
The view only shows; `set_board` takes the frozen value a worker read.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, QSize, Qt
from PySide6.QtCore import QPersistentModelIndex as _Persistent
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.wall.platforms import PlatformBoard, PlatformRow
from widgets.row_model import RowTableModel
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP
from widgets.wall.kpi_tile import GOOD_RATE, format_percent
from widgets.wall_table import fit_row_height, px_at, table_stylesheet

CONTEXT = "PlatformPanel"
COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("PlatformPanel", "平台"),
    QT_TRANSLATE_NOOP("PlatformPanel", "事项(30天)"),
    QT_TRANSLATE_NOOP("PlatformPanel", "未办结"),
    QT_TRANSLATE_NOOP("PlatformPanel", "超期"),
    QT_TRANSLATE_NOOP("PlatformPanel", "办结率"),
)
COL_NAME, COL_MATTERS, COL_OPEN, COL_OVERDUE, COL_RATE = range(len(COLUMNS))
LABELS = {  # platform key → label, translatable
    "governance": QT_TRANSLATE_NOOP("PlatformPanel", "综治工作"),
    "market": QT_TRANSLATE_NOOP("PlatformPanel", "市场监管"),
    "enforcement": QT_TRANSLATE_NOOP("PlatformPanel", "综合执法"),
    "service": QT_TRANSLATE_NOOP("PlatformPanel", "便民服务"),
}
_Index = QModelIndex | _Persistent


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class PlatformModel(RowTableModel):
    """The four platform rows as a table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, context=CONTEXT)
        self.alarm_color = QColor("#ff4d4f")
        self.warn_color = QColor("#ffb020")
        self.good_color = QColor("#2ee6a6")

    def set_rows(self, rows: tuple[PlatformRow, ...]) -> None:
        self._reset(rows)

    def header_alignment(self, section: int) -> Qt.AlignmentFlag:
        return _align(section)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: PlatformRow = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return _tr(LABELS.get(row.platform, row.label))
            if col == COL_RATE:
                return format_percent(row.resolution_rate)
            return f"{(row.matters, row.open, row.overdue)[col - 1]:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_align(col))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_OVERDUE and row.overdue > 0:
                return self.alarm_color
            if col == COL_RATE and row.resolution_rate is not None:
                return self.good_color if row.resolution_rate >= GOOD_RATE else self.warn_color
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_OVERDUE and row.overdue > 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            # The platform's whole name leads (in English the name column may elide it).
            stations = _tr("{n} 个站所与派驻部门").replace("{n}", str(row.departments))
            return f"{_tr(LABELS.get(row.platform, row.label))} · {stations}"
        return None


def _align(col: int) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignLeft if col == COL_NAME else Qt.AlignmentFlag.AlignRight
    return horizontal | Qt.AlignmentFlag.AlignVCenter


class _PlatformTable(QTableView):
    """The table asks for its header and four full rows; it may get less (the rows then
    shrink to fit, `PlatformPanel._fit_rows`)."""

    full_row = 30

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().sizeHint()
        height = self.horizontalHeader().sizeHint().height() + 4 * self.full_row + 2 * self.frameWidth()
        return QSize(hint.width(), height)


class PlatformPanel(QWidget):
    """The township's four platforms: a totals line and a row per platform."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("platformPanel")
        self._scale = 1.0
        self._board: PlatformBoard | None = None
        self.title = QLabel(self)
        self.title.setObjectName("platformTitle")
        # The totals line wraps rather than widening the wall's side column (in English it
        # is longer than the column at 1080p).
        self.title.setWordWrap(True)
        self.model = PlatformModel(self)
        self.table = _PlatformTable(self)
        self.table.setObjectName("platformTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        self.table.viewport().installEventFilter(self)  # resized after the table
        self.set_ui_scale(1.0)
        self._show_title()

    def set_board(self, board: PlatformBoard) -> None:
        """Show a newly read board (rows reset, the totals line rewritten if it changed)."""
        self._board = board
        self.model.set_rows(board.rows)
        self._show_title()

    def board(self) -> PlatformBoard | None:
        return self._board

    def title_text(self) -> str:
        b = self._board
        head = _tr("基层治理四平台")
        if b is None:
            return head
        return (f"{head} · {b.region_name} · " + _tr("事项") + f" {b.matters:,} · "
                + _tr("超期") + f" {b.overdue:,} · " + _tr("办结率")
                + f" {format_percent(b.resolution_rate)}")  # fmt: skip

    def _show_title(self) -> None:
        text = self.title_text()
        if self.title.text() != text:  # a void Qt call per refresh only when it changed
            self.title.setText(text)

    def set_ui_scale(self, scale: float) -> None:
        """Text sized for the wall at this scale (1.0 at 1080 px high)."""
        self._scale = scale
        px = px_at(scale)
        restyle(self.table, table_stylesheet("platformTable", scale, font=22,
                                                  header_font=18, pad=6))  # fmt: skip
        restyle(self.title, f"#platformTitle {{ color: #9cc3ee; font-size: {px(20)}px;"
                                 f" font-weight: bold; padding: {px(4)}px {px(6)}px; }}")  # fmt: skip
        fit_row_height(self.table, scale)
        self.table.full_row = self.table.verticalHeader().defaultSectionSize()
        self._min_row = self.table.fontMetrics().height() + px(4)
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height()
            + 4 * self._min_row + 2 * self.table.frameWidth()
        )
        self.table.updateGeometry()
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Four rows in the height the table got: full rows when they fit, else shorter
        ones (never below the text), so no platform is cut off (e.g. when the totals line
        wraps in English at 1080p)."""
        avail = self.table.viewport().height()
        row = max(self._min_row, min(self.table.full_row, avail // 4))
        if self.table.verticalHeader().defaultSectionSize() != row:
            self.table.verticalHeader().setDefaultSectionSize(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rows()
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
            self._show_title()
        super().changeEvent(event)
