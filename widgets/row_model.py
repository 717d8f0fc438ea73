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

    def _reset(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def _column_changed(self, column: int) -> None:
        """One column's text depends on the clock (time left, time in state): repaint it."""
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def rows(self) -> tuple[Any, ...]:
        return self._rows

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)
