"""The incident queue: what needs this center, supervised and overdue cases first, with
their flags (督办 / 超期 chips) and the time left to the deadline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from services.incidents.workflow import IncidentRow
from services.store import models
from widgets.incident_labels import channel_label, priority_label, time_left
from widgets.incident_style import theme_colors
from widgets.labels import category_label, status_label
from widgets.row_model import RowTableModel
from widgets.translate import QT_TRANSLATE_NOOP

_Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("IncidentPanel", "标记"),
    QT_TRANSLATE_NOOP("IncidentPanel", "编号"),
    QT_TRANSLATE_NOOP("IncidentPanel", "类别"),
    QT_TRANSLATE_NOOP("IncidentPanel", "状态"),
    QT_TRANSLATE_NOOP("IncidentPanel", "时限"),
    QT_TRANSLATE_NOOP("IncidentPanel", "事件"),
)
COL_FLAGS, COL_ID, COL_CATEGORY, COL_STATUS, COL_DEADLINE, COL_TEXT = range(len(COLUMNS))


def _tr(source: str) -> str:
    return QCoreApplication.translate("IncidentPanel", source)


def flags_of(row: IncidentRow) -> list[tuple[str, str]]:
    """(text, tone) chips for a row: 督办 (amber, red when also overdue), 超期 (red),
    特急 for priority 1."""
    out: list[tuple[str, str]] = []
    if row.supervised:
        out.append((_tr("督办"), "alarm" if row.overdue else "warn"))
    if row.overdue:
        out.append((_tr("超期"), "alarm"))
    elif row.ack_overdue:
        out.append((_tr("超时未受理"), "alarm"))
    if row.priority == 1:
        out.append((priority_label(1), "alarm"))
    return out


# --------------------------------------------------------------------------- the queue


class QueueModel(RowTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self._rows: tuple[IncidentRow, ...] = ()
        self._now = models.utcnow()

    def set_rows(self, rows: tuple[IncidentRow, ...]) -> None:
        self._now = models.utcnow()
        self._reset(rows)

    def tick(self) -> None:
        """The clock moved: re-show the time left."""
        self._now = models.utcnow()
        self._column_changed(COL_DEADLINE)

    def row_of(self, incident_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.id == incident_id:
                return i
        return -1

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        c = theme_colors()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_FLAGS:
                return " ".join(t for t, _ in flags_of(row))
            if col == COL_ID:
                return f"#{row.id}"
            if col == COL_CATEGORY:
                return category_label(row.category)
            if col == COL_STATUS:
                return status_label(row.status)
            if col == COL_DEADLINE:
                if not row.overdue and row.status in ("resolved", "closed"):
                    return ""
                return time_left(row.resolve_deadline, self._now)[0]
            text = row.description.replace("\n", " ") or _tr("{channel}上报").format(
                channel=channel_label(row.channel)
            )
            return f"{text}  {row.address}" if row.address else text
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_DEADLINE and row.overdue:
                return QColor(c["alarm"])
            if col == COL_CATEGORY and row.priority <= 2:
                return QColor(c["warn"])
            return None
        if role == Qt.ItemDataRole.BackgroundRole and row.overdue:
            tint = QColor(c["alarm"])
            tint.setAlpha(28)
            return tint
        if role == Qt.ItemDataRole.FontRole and col == COL_DEADLINE and row.overdue:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"#{row.id} {category_label(row.category)} · {priority_label(row.priority)} · "
                f"{channel_label(row.channel)}\n{row.description}"
            )
        return None


class FlagDelegate(QStyledItemDelegate):
    """Paints the 督办 / 超期 chips of the flags column."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: IncidentRow | None = index.data(ROW_ROLE)
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(style.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        if row is None:
            return
        c = theme_colors()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setBold(True)
        font.setPixelSize(max(8, round(QFontMetrics(option.font).height() * 0.72)))
        painter.setFont(font)
        fm = QFontMetrics(font)
        x = option.rect.x() + 4
        h = fm.height() + 4
        y = option.rect.y() + (option.rect.height() - h) // 2
        for text, tone in flags_of(row):
            w = fm.horizontalAdvance(text) + 10
            rect = QRect(x, y, w, h)
            colour = QColor(c["alarm"] if tone == "alarm" else c["warn"])
            fill = QColor(colour)
            fill.setAlpha(50)
            painter.setPen(colour)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 4, 4)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 4
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        row: IncidentRow | None = index.data(ROW_ROLE)
        font = QFont(option.font)
        font.setBold(True)
        font.setPixelSize(max(8, round(QFontMetrics(option.font).height() * 0.72)))
        fm = QFontMetrics(font)
        chips = flags_of(row) if row is not None else []
        width = sum(fm.horizontalAdvance(t) + 14 for t, _ in chips) + 8
        both = _tr("督办") + _tr("超期")  # the widest pair in the current language
        return QSize(max(width, fm.horizontalAdvance(both) + 28), fm.height() + 8)


class QueueTable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue_model = QueueModel(self)
        self.setModel(self.queue_model)
        self.setItemDelegateForColumn(COL_FLAGS, FlagDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(0)  # size columns by the rows in view only
        header.setHighlightSections(False)
        for col in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.ResizeToContents
            if col == COL_TEXT:
                mode = QHeaderView.ResizeMode.Stretch
            header.setSectionResizeMode(col, mode)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.fit_rows()

    def fit_rows(self) -> None:
        height = self.fontMetrics().height()
        self.verticalHeader().setMinimumSectionSize(1)
        self.verticalHeader().setDefaultSectionSize(round(height * 1.45))
