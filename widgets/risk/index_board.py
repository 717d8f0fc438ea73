"""平安指数晾晒: the center's own index (with its components) and its child regions ranked
by index or by resolution rate, each with the change from last month.

Takes a `services.risk.safety_index.Ranking` (a frozen value read by ui.risk.state); never
queries. Clicking a row asks to drill into that region (`region_clicked(adcode)`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.risk.safety_index import COMPONENTS, IndexRow, Ranking
from widgets.layouts import layout_of
from widgets.row_model import RowTableModel
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP
from widgets.wall.kpi_tile import GOOD_RATE, format_percent
from widgets.wall_table import fit_row_height, px_at, table_stylesheet

ADCODE_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("IndexBoard", "排名"),
    QT_TRANSLATE_NOOP("IndexBoard", "地区"),
    QT_TRANSLATE_NOOP("IndexBoard", "平安指数"),
    QT_TRANSLATE_NOOP("IndexBoard", "较上月"),
    QT_TRANSLATE_NOOP("IndexBoard", "办结率"),
)
COL_RANK, COL_NAME, COL_INDEX, COL_DELTA, COL_RATE = range(len(COLUMNS))

COMPONENT_LABELS: dict[str, str] = {
    "incidents": QT_TRANSLATE_NOOP("IndexBoard", "事件"),
    "resolution": QT_TRANSLATE_NOOP("IndexBoard", "办结"),
    "overdue": QT_TRANSLATE_NOOP("IndexBoard", "超期"),
    "repeat": QT_TRANSLATE_NOOP("IndexBoard", "重复"),
    "risk": QT_TRANSLATE_NOOP("IndexBoard", "风险"),
}

# Same breaks and colours as the map's choropleth (mapview.page INDEX_THRESHOLDS/COLORS),
# a little lighter so text on the dark wall stays readable.
INDEX_BREAKS: tuple[float, ...] = (60.0, 70.0, 80.0, 90.0)
INDEX_TEXT_COLORS: tuple[str, ...] = ("#ff5a6e", "#ff8a4c", "#ffd24a", "#7be08a", "#2ee6c0")
UP_COLOR, DOWN_COLOR, FLAT_COLOR = "#2ee6a6", "#ff4d4f", "#9cc3ee"
GOOD_COLOR, WARN_COLOR = "#2ee6a6", "#ffb020"

_Index = QModelIndex | QPersistentModelIndex


def index_color(value: float | None) -> str:
    """Text colour of an index value (red below 60 … green from 90)."""
    if value is None:
        return FLAT_COLOR
    k = sum(1 for b in INDEX_BREAKS if value >= b)
    return INDEX_TEXT_COLORS[k]


def format_index(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def format_delta(delta: float | None) -> str:
    """+1.23 → "▲1.2"; −3.4 → "▼3.4"; 0 → "—0.0"; None (no last month) → "—"."""
    if delta is None:
        return "—"
    if abs(delta) < 0.05:
        return "－0.0"
    return f"{'▲' if delta > 0 else '▼'}{abs(delta):.1f}"


def delta_color(delta: float | None) -> str:
    if delta is None or abs(delta) < 0.05:
        return FLAT_COLOR
    return UP_COLOR if delta > 0 else DOWN_COLOR


class IndexRankingModel(RowTableModel):
    """Ranked child regions: order "index" (平安指数) or "rate" (办结率)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, context="IndexBoard")
        self._rows: tuple[IndexRow, ...] = ()
        self._order = "index"

    def set_rows(self, rows: tuple[IndexRow, ...], order: str) -> None:
        changed_order, self._order = order != self._order, order
        if order == "rate":
            rows = tuple(sorted(rows, key=lambda r: (r.rank_rate is None, r.rank_rate or 0, r.adcode)))
        self._reset(rows, force=changed_order)  # the rank column shows the order's rank

    def header_alignment(self, section: int) -> Qt.AlignmentFlag:
        return _align(section)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_RANK:
                rank = row.rank_rate if self._order == "rate" else row.rank_index
                return "—" if rank is None else str(rank)
            if col == COL_NAME:
                return row.name
            if col == COL_INDEX:
                return format_index(row.value)
            if col == COL_DELTA:
                if self._order == "rate":
                    d = row.rate_delta
                    return "—" if d is None else format_delta(d * 100) + "%"  # points
                return format_delta(row.delta)
            return format_percent(row.resolution_rate)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_INDEX:
                return QColor(index_color(row.value))
            if col == COL_DELTA:
                d = row.rate_delta if self._order == "rate" else row.delta
                return QColor(delta_color(None if d is None else (d * 100 if self._order == "rate" else d)))
            if col == COL_RATE and row.resolution_rate is not None:
                return QColor(GOOD_COLOR if row.resolution_rate >= GOOD_RATE else WARN_COLOR)
            if col == COL_RANK:
                rank = row.rank_rate if self._order == "rate" else row.rank_index
                return QColor("#ffd24a" if rank is not None and rank <= 3 else "#9cc3ee")
            return None
        if role == Qt.ItemDataRole.FontRole and col in (COL_RANK, COL_INDEX):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_align(col))
        if role == ADCODE_ROLE:
            return row.adcode
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name} {row.adcode}"
        return None


def _align(col: int) -> Qt.AlignmentFlag:
    if col == COL_NAME:
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    if col == COL_RANK:
        return Qt.AlignmentFlag.AlignCenter
    return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class IndexBoard(QFrame):
    """The ranking board (晾晒). `set_ranking(Ranking)`; emits `region_clicked(adcode)` and
    `order_changed("index" | "rate")`."""

    region_clicked = Signal(str)
    order_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indexBoard")
        self._ranking: Ranking | None = None
        self._order = "index"
        self._scale = 1.0

        self.caption = QLabel(self)
        self.caption.setObjectName("ibCaption")
        self.value_label = QLabel("—", self)
        self.value_label.setObjectName("ibValue")
        self.delta_label = QLabel(self)
        self.delta_label.setObjectName("ibDelta")
        self.month_label = QLabel(self)
        self.month_label.setObjectName("ibMonth")
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.caption)
        titles.addWidget(self.month_label)
        top = QHBoxLayout()
        top.addLayout(titles)
        top.addWidget(self.value_label)
        top.addWidget(self.delta_label)
        top.addStretch(1)

        self.component_labels: dict[str, QLabel] = {}
        comps = QHBoxLayout()
        for key in COMPONENTS:
            lab = QLabel(self)
            lab.setObjectName("ibComponent")
            self.component_labels[key] = lab
            comps.addWidget(lab)
        comps.addStretch(1)
        # The order buttons on a row of their own: beside the five components they made
        # the board wider than the wall's side column in English.
        orders = QHBoxLayout()

        self.by_index = QPushButton(self)
        self.by_rate = QPushButton(self)
        self._group = QButtonGroup(self)
        for b in (self.by_index, self.by_rate):
            b.setCheckable(True)
            b.setObjectName("ibOrder")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            self._group.addButton(b)
            orders.addWidget(b)
        orders.addStretch(1)
        self.by_index.setChecked(True)
        self.by_index.clicked.connect(lambda: self.set_order("index"))
        self.by_rate.clicked.connect(lambda: self.set_order("rate"))

        self.model = IndexRankingModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("ibTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().hide()
        self.table.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # size columns by the rows in view only
        header.setHighlightSections(False)
        for col in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch if col == COL_NAME else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(col, mode)
        self.table.clicked.connect(self._on_clicked)

        self.empty_note = QLabel(self)
        self.empty_note.setObjectName("ibEmpty")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(comps)
        lay.addLayout(orders)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty_note, 1)
        self.empty_note.hide()
        self.set_ui_scale(1.0)
        self.retranslate()

    # -- data ---------------------------------------------------------------------------
    def set_ranking(self, ranking: Ranking) -> None:
        self._ranking = ranking
        self.model.set_rows(ranking.rows, self._order)
        own = ranking.own
        value = own.row.value if own is not None else None
        self.value_label.setText(format_index(value))
        restyle(self.value_label, f"color: {index_color(value)};")
        delta = own.row.delta if own is not None else None
        restyle(self.delta_label, f"color: {delta_color(delta)};")
        scores = own.scores if own is not None else {}
        for key, lab in self.component_labels.items():
            s = scores.get(key)
            restyle(lab, f"color: {index_color(s)};")
        has_rows = bool(ranking.rows)
        self.table.setVisible(has_rows)
        self.empty_note.setVisible(not has_rows)
        self.retranslate()

    def ranking(self) -> Ranking | None:
        return self._ranking

    def order(self) -> str:
        return self._order

    def set_order(self, order: str) -> None:
        """Rank by "index" (平安指数) or "rate" (办结率)."""
        if order not in ("index", "rate"):
            raise ValueError(f"order must be 'index' or 'rate', not {order!r}")
        (self.by_index if order == "index" else self.by_rate).setChecked(True)
        if order == self._order:
            return
        self._order = order
        if self._ranking is not None:
            self.model.set_rows(self._ranking.rows, order)
        self.order_changed.emit(order)

    def adcode_at(self, view_row: int) -> str:
        return str(self.model.index(view_row, 0).data(ADCODE_ROLE))

    def _on_clicked(self, index: QModelIndex) -> None:
        adcode = index.data(ADCODE_ROLE)
        if adcode:
            self.region_clicked.emit(str(adcode))

    # -- look ---------------------------------------------------------------------------
    def set_ui_scale(self, scale: float) -> None:
        """Sizes for reading across the room (1.0 at a 1080-px-high wall)."""
        self._scale = scale

        px = px_at(scale)
        restyle(
            self,
            f"#indexBoard {{ background: transparent; }}"
            f"#ibCaption {{ color: #9cc3ee; font-size: {px(20)}px; font-weight: bold; }}"
            f"#ibValue {{ font-size: {px(46)}px; font-weight: bold; }}"
            f"#ibDelta {{ font-size: {px(20)}px; font-weight: bold; }}"
            f"#ibMonth {{ color: #7f9cc4; font-size: {px(17)}px; }}"
            f"#ibComponent {{ font-size: {px(16)}px; padding-right: {px(8)}px; }}"
            f"#ibOrder {{ color: #9cc3ee; background: rgba(30, 111, 208, 0.18);"
            f" border: 1px solid #1e6fd0; padding: {px(3)}px {px(10)}px; font-size: {px(16)}px; }}"
            f"#ibOrder:checked {{ color: #ffffff; background: #1e6fd0; font-weight: bold; }}"
            + table_stylesheet("ibTable", scale, font=19, header_font=17, pad=5,
                               extra="alternate-background-color: rgba(80, 140, 220, 0.09);")
            + f"#ibEmpty {{ color: #5f7fa8; font-size: {px(20)}px; }}"
        )
        lay = layout_of(self)
        lay.setContentsMargins(px(8), px(4), px(8), px(4))
        lay.setSpacing(px(6))
        fit_row_height(self.table, scale)

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        self.caption.setText(tr("IndexBoard", "平安指数"))
        self.by_index.setText(tr("IndexBoard", "按指数"))
        self.by_rate.setText(tr("IndexBoard", "按办结率"))
        self.empty_note.setText(tr("IndexBoard", "暂无下级地区指数"))
        r = self._ranking
        # the own region's delta and components, in the language now in force
        own = r.own if r is not None else None
        delta = own.row.delta if own is not None else None
        delta_text = QCoreApplication.translate("IndexBoard", "较上月 {delta}")
        self.delta_label.setText(delta_text.format(delta=format_delta(delta)))
        scores = own.scores if own is not None else {}
        for key, lab in self.component_labels.items():
            s = scores.get(key)
            name = QCoreApplication.translate("IndexBoard", COMPONENT_LABELS[key])
            lab.setText(f"{name} {'—' if s is None else f'{s:.0f}'}")
        if r is not None:
            text = tr("IndexBoard", "{year}年{month}月").format(year=r.month.year, month=r.month.month)
            self.month_label.setText(text)
            # slack: mixed Latin/CJK fallback glyphs can paint wider than the label measures
            self.month_label.setMinimumWidth(
                round(self.month_label.fontMetrics().horizontalAdvance(text) * 1.15)
            )
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
