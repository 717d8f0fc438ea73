"""The part every wall table model shares: a tuple of frozen rows, read-only, reset whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

_Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """Subclasses give `data`, and call `_reset` with each new read. Given a translation
    `context`, the column entries are the headers' source texts, said in the current
    language (a subclass with other columns gives its own `headerData`)."""

    def __init__(
        self, columns: Sequence[object], parent: QObject | None = None, *, context: str | None = None
    ) -> None:
        """`columns`: one entry per column; `context`: the Qt translation context of their
        texts."""
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: tuple[Any, ...] = ()
        self._context = context
        self._cells: dict[tuple[int, int, int], Any] = {}  # (row, column, role) -> value

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        """The alignment of a column's header; None: the view's default."""
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or self._context is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(self._context, str(self._columns[section]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = self.header_alignment(section)
            return None if align is None else int(align)
        return None

    def _reset(self, rows: Sequence[Any], *, force: bool = False) -> bool:
        """Show `rows`; False (nothing done) when they equal the rows shown and not `force`.

        A reset is not free: every view re-measures its ResizeToContents columns over the
        rows (a Python `data` call per cell and role; hidden tabs too) and a sorting proxy
        sorts again. The live wall re-reads its boards on every burst of changes, and most
        reads bring the same rows back: under 200 events/s that re-measuring was about a
        third of the GUI thread's time."""
        new = tuple(rows)
        if not force and new == self._rows:
            return False
        self.beginResetModel()
        self._rows = new
        self._cells.clear()
        self.endResetModel()
        return True

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's value for a role, from `_cell`, worked out once per read: a view asks
        about a thousand times each time it measures its ResizeToContents columns, and a
        live wall measures them on every change. A subclass whose cells follow the clock
        overrides `data` instead (or calls `forget_cells` as the clock moves)."""
        if not index.isValid():
            return None
        key = (index.row(), index.column(), role)
        cells = self._cells
        if key in cells:
            return cells[key]
        value = cells[key] = self._cell(index.row(), index.column(), role)
        return value

    def _cell(self, row: int, column: int, role: int) -> Any:
        """The value `data` caches; subclasses that do not override `data` give it."""
        return None

    def forget_cells(self) -> None:
        """Something the cells show besides the rows changed (language, colours, time)."""
        self._cells.clear()

    def _column_changed(self, first: int, last: int | None = None) -> None:
        """Columns `first`..`last` (default: just `first`) show something new for the same
        rows (the time left, an urgency): one signal for them all, since a view re-measures
        its columns on every one."""
        self._cells.clear()
        if self._rows:
            end = first if last is None else last
            self.dataChanged.emit(self.index(0, first), self.index(len(self._rows) - 1, end))

    def retranslate(self) -> None:
        """The language switched: the headers and every cell are said again."""
        self._cells.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        self._column_changed(0, len(self._columns) - 1)

    def rows(self) -> tuple[Any, ...]:
        return self._rows

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)
