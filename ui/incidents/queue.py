"""The incident queue: what needs this center, supervised and overdue cases first, with
their flags (督办 / 超期 chips) and the time left to the deadline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from services.incidents.cases import IncidentRow
from services.store import models
from widgets.incident_labels import channel_label, priority_label, time_left
from widgets.incident_style import theme_colors
from widgets.labels import category_label, status_label
from widgets.row_model import RowTableModel
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change

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
        super().__init__(COLUMNS, parent, context="IncidentPanel")
        self._rows: tuple[IncidentRow, ...] = ()
        self._now = models.utcnow()

    def set_rows(self, rows: tuple[IncidentRow, ...]) -> None:
        self._now = models.utcnow()
        if not self._reset(rows):
            self._column_changed(COL_DEADLINE)  # the same cases: only the time left moved

    def tick(self) -> None:
        """The clock moved: re-show the time left."""
        self._now = models.utcnow()
        self._column_changed(COL_DEADLINE)

    def row_of(self, incident_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.id == incident_id:
                return i
        return -1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        c = theme_colors()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
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
            # Every cell's whole text, so a column narrower than its text can be hovered.
            head = (
                f"{self._text(row, COL_ID)} {self._text(row, COL_CATEGORY)} · "
                f"{priority_label(row.priority)} · {channel_label(row.channel)} · "
                f"{self._text(row, COL_STATUS)}"
            )
            when = " · ".join(
                t for t in (self._text(row, COL_FLAGS), self._text(row, COL_DEADLINE)) if t
            )
            return "\n".join(t for t in (head, when, self._text(row, COL_TEXT)) if t)
        return None

    def _text(self, row: IncidentRow, col: int) -> str:
        """What a cell shows, in the language now in use."""
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
        # The chips of this row only: the column is as wide as the rows in view need
        # (QueueTable.fit_columns), so English's longer chips leave the text its room.
        width = sum(fm.horizontalAdvance(t) + 14 for t, _ in chips) + 8
        return QSize(width, fm.height() + 8)


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
        # The columns are sized here (fit_columns), not by the header's ResizeToContents:
        # that one keeps the widths of the language it measured in, and gives the text
        # column nothing once the English texts are wider than the queue.
        for col in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.Interactive
            if col == COL_TEXT:
                mode = QHeaderView.ResizeMode.Stretch
            header.setSectionResizeMode(col, mode)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.fit_rows()
        self._fit = QTimer(self)  # one fit after a burst of resets, clock ticks, resizes
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.fit_columns)
        for signal in (self.queue_model.modelReset, self.queue_model.dataChanged,
                       self.queue_model.headerDataChanged):  # fmt: skip
            signal.connect(self._fit.start)
        on_language_change(self, self.retranslate)

    def retranslate(self) -> None:
        """Cells and headers in the new language, the columns sized to their new texts."""
        self.queue_model.retranslate()
        self.fit_columns()

    def fit_columns(self) -> None:
        """Flags, number, status and deadline as wide as their texts in view (and their
        headers); the category what is left once the case's text keeps a quarter of the
        width (a cut category is whole in the row's tooltip); the text takes the rest."""
        header = self.horizontalHeader()
        pad = round(self.fontMetrics().height() * 0.5)

        def want(col: int) -> int:
            return max(self.sizeHintForColumn(col), header.sectionSizeHint(col) + pad)

        room = self.viewport().width()
        for col in (COL_FLAGS, COL_ID, COL_STATUS, COL_DEADLINE):
            header.resizeSection(col, want(col))
        fixed = sum(header.sectionSize(c) for c in (COL_FLAGS, COL_ID, COL_STATUS, COL_DEADLINE))
        floor = header.sectionSizeHint(COL_CATEGORY) + pad
        left = room - fixed - room // 4
        header.resizeSection(COL_CATEGORY, max(floor, min(want(COL_CATEGORY), left)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit.start()

    def fit_rows(self) -> None:
        height = self.fontMetrics().height()
        self.verticalHeader().setMinimumSectionSize(1)
        self.verticalHeader().setDefaultSectionSize(round(height * 1.45))
