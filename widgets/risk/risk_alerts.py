"""风险预警: the open risk alerts of the center's subtree, highest level first, with
acknowledge (签收) and close (解除) actions and the selected alert's timeline (处置记录).

Takes a `services.risk.AlertBoard` and timelines (`set_timeline`), both read by
ui.risk.state; never queries or writes. Actions are requests:
`acknowledge_requested(alert_id, version, note)` and `close_requested(alert_id, version,
note)`; the state object runs the use case off the GUI thread and the list refreshes from
the next board. `alert_selected(alert_id)` when a row is clicked (to show it on the map
and to ask for its timeline).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.risk.params import LEVELS
from services.risk.queries import AlertBoard, AlertEventRow, AlertRow
from widgets.layouts import layout_of
from widgets.row_model import RowTableModel
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP
from widgets.wall_table import fit_row_height, px_at, table_stylesheet

CST = timezone(timedelta(hours=8))
ID_ROLE = Qt.ItemDataRole.UserRole + 3

LEVEL_COLORS: dict[str, str] = {
    "red": "#ff2d3d",
    "orange": "#ff8a1c",
    "yellow": "#f2c500",
    "blue": "#2f7dff",
}
LEVEL_NAMES: dict[str, str] = {
    "red": QT_TRANSLATE_NOOP("RiskAlertList", "红色"),
    "orange": QT_TRANSLATE_NOOP("RiskAlertList", "橙色"),
    "yellow": QT_TRANSLATE_NOOP("RiskAlertList", "黄色"),
    "blue": QT_TRANSLATE_NOOP("RiskAlertList", "蓝色"),
}
DOMAIN_NAMES: dict[str, str] = {
    "public_order": QT_TRANSLATE_NOOP("RiskAlertList", "社会治安"),
    "dispute": QT_TRANSLATE_NOOP("RiskAlertList", "矛盾纠纷"),
    "city_operation": QT_TRANSLATE_NOOP("RiskAlertList", "城市运行"),
    "cyber": QT_TRANSLATE_NOOP("RiskAlertList", "网络安全"),
    "production_safety": QT_TRANSLATE_NOOP("RiskAlertList", "安全生产"),
    "fire": QT_TRANSLATE_NOOP("RiskAlertList", "消防安全"),
    "food_drug": QT_TRANSLATE_NOOP("RiskAlertList", "食品药品"),
    "environment": QT_TRANSLATE_NOOP("RiskAlertList", "生态环境"),
    "traffic": QT_TRANSLATE_NOOP("RiskAlertList", "交通安全"),
    "natural_disaster": QT_TRANSLATE_NOOP("RiskAlertList", "自然灾害"),
    "public_health": QT_TRANSLATE_NOOP("RiskAlertList", "公共卫生"),
}
STATUS_NAMES: dict[str, str] = {
    "open": QT_TRANSLATE_NOOP("RiskAlertList", "待签收"),
    "acknowledged": QT_TRANSLATE_NOOP("RiskAlertList", "已签收"),
    "closed": QT_TRANSLATE_NOOP("RiskAlertList", "已解除"),
}
COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("RiskAlertList", "级别"),
    QT_TRANSLATE_NOOP("RiskAlertList", "领域"),
    QT_TRANSLATE_NOOP("RiskAlertList", "地点"),
    QT_TRANSLATE_NOOP("RiskAlertList", "预警内容"),
    QT_TRANSLATE_NOOP("RiskAlertList", "时间"),
    QT_TRANSLATE_NOOP("RiskAlertList", "状态"),
)
EVENT_NAMES: dict[str, str] = {
    "raised": QT_TRANSLATE_NOOP("RiskAlertList", "发布"),
    "escalated": QT_TRANSLATE_NOOP("RiskAlertList", "升级"),
    "acknowledged": QT_TRANSLATE_NOOP("RiskAlertList", "签收"),
    "closed": QT_TRANSLATE_NOOP("RiskAlertList", "解除"),
}
COL_LEVEL, COL_DOMAIN, COL_PLACE, COL_TEXT, COL_TIME, COL_STATUS = range(len(COLUMNS))

_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("RiskAlertList", text)


def level_name(level: str) -> str:
    return _tr(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level


def domain_name(domain: str) -> str:
    return _tr(DOMAIN_NAMES[domain]) if domain in DOMAIN_NAMES else domain


def utc_now() -> datetime:
    """Naive UTC now, as the alerts store their times."""
    return datetime.now(UTC).replace(tzinfo=None)


URGENCY_LOOK: dict[int, tuple[str, str, int]] = {
    0: ("#f2c500", "#1a1300", 500),  # new: yellow, normal weight
    1: ("#ff8a1c", "#ffffff", 700),  # waiting past the first step: orange, bold
    2: ("#ff2d3d", "#ffffff", 900),  # waiting past the second: red, heaviest, larger
}
"""Background, text colour and weight of the attention badge by urgency (services decide
the level: services.risk.AlertBoard.attention)."""


class AlertAttentionBadge(QLabel):
    """How many alerts wait to be signed for, louder with the oldest one's age: on the
    风险预警 tab and in the wall's header. Hidden while none waits; `clicked` on a press."""

    clicked = Signal()

    def __init__(self, caption: str = "{n}", parent: QWidget | None = None) -> None:
        """`caption`: a source string with {n} (marked for translation, context
        RiskAlertList)."""
        super().__init__(parent)
        self.setObjectName("alertAttention")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._caption = caption
        self._count = 0
        self._urgency = 0
        self._scale = 1.0
        self.hide()

    def count(self) -> int:
        return self._count

    def urgency(self) -> int:
        return self._urgency

    def set_attention(self, count: int, urgency: int) -> None:
        self._count, self._urgency = count, urgency
        self._show()

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self._show()

    def _show(self) -> None:
        self.setVisible(self._count > 0)
        self.setText(_tr(self._caption).replace("{n}", str(self._count)))
        self.setToolTip(_tr("未签收的风险预警 {n} 条").replace("{n}", str(self._count)))
        bg, fg, weight = URGENCY_LOOK.get(self._urgency, URGENCY_LOOK[2])
        px = px_at(self._scale)
        size = (16, 18, 21)[min(2, max(0, self._urgency))]
        border = f"{px(2)}px solid #ffffff" if self._urgency >= 2 else "none"
        restyle(
            self,
            f"#alertAttention {{ background: {bg}; color: {fg}; font-weight: {weight};"
            f" font-size: {px(size)}px; border-radius: {px(10)}px; border: {border};"
            f" padding: {px(1)}px {px(8)}px; }}"
        )
        self.setProperty("urgency", self._urgency)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._show()
        super().changeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


def format_raised(at: datetime, now: datetime | None = None) -> str:
    """China time: "14:05" today, else "11-23 14:05" (`at` is naive UTC)."""
    local = at.replace(tzinfo=UTC).astimezone(CST)
    today = (now or datetime.now(UTC)).astimezone(CST).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


class AlertModel(RowTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, context="RiskAlertList")
        self._rows: tuple[AlertRow, ...] = ()
        self._urgency: dict[int, int] = {}  # unacknowledged alert id -> urgency (services)
        self._shown_day: date | None = None  # the China date the time column was said for

    def set_rows(self, rows: tuple[AlertRow, ...], urgency: dict[int, int]) -> None:
        """Show `rows` with their `urgency` (one re-measure of the columns, not three)."""
        day = datetime.now(UTC).astimezone(CST).date()
        restyled = urgency != self._urgency
        self._urgency = urgency
        if not self._reset(rows) and (restyled or day != self._shown_day):
            # the same alerts: only their time and status cells (yesterday's "14:05"
            # becomes "12-02 14:05"; urgency colours the time and the status)
            self._column_changed(COL_TIME, COL_STATUS)
        self._shown_day = day

    def set_urgency(self, urgency: dict[int, int]) -> None:
        """How loud each unacknowledged alert is now: its time and status cells show it."""
        if urgency != self._urgency:
            self._urgency = urgency
            self._column_changed(COL_TIME, COL_STATUS)

    def _cell(self, row: int, col: int, role: int) -> Any:
        a = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_LEVEL:
                return f"● {level_name(a.level)}"
            if col == COL_DOMAIN:
                return domain_name(a.domain)
            if col == COL_PLACE:
                return a.place_name
            if col == COL_TEXT:
                return a.text
            if col == COL_TIME:
                return format_raised(a.raised_at)
            return _tr(STATUS_NAMES.get(a.status, a.status))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_LEVEL:
                return QColor(LEVEL_COLORS.get(a.level, "#dce9ff"))
            if col in (COL_STATUS, COL_TIME) and a.id in self._urgency:
                return QColor(URGENCY_LOOK[self._urgency[a.id]][0])
            if col == COL_STATUS:
                return QColor("#ffb020" if a.status == "open" else "#2ee6a6")
            return None
        if role == Qt.ItemDataRole.BackgroundRole and a.level in ("red", "orange"):
            c = QColor(LEVEL_COLORS[a.level])
            c.setAlpha(40 if a.level == "red" else 26)
            return c
        if role == Qt.ItemDataRole.FontRole and col in (COL_LEVEL, COL_STATUS, COL_TIME):
            if col == COL_TIME and self._urgency.get(a.id, 0) == 0:
                return None
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            grid = f" · {a.grid_code}" if a.grid_code else ""
            return f"{a.text}{grid}"
        if role == ID_ROLE:
            return a.id
        return None


class RiskAlertList(QFrame):
    """Open alerts with counts by level and 签收 / 解除 buttons for the selected alert."""

    acknowledge_requested = Signal(int, int, str)  # alert id, version seen, note
    close_requested = Signal(int, int, str)  # alert id, version seen, note
    alert_selected = Signal(int)
    attention_changed = Signal(int, int)
    """(unacknowledged alerts, urgency 0–2): on each board and as time passes."""

    ATTENTION_EVERY_MS = 30_000  # urgency grows with time between reads

    def __init__(self, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] = utc_now) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("riskAlerts")
        self.clock = clock  # naive UTC now (tests hand in their own)
        self._attention = (0, 0)
        self._attention_timer = QTimer(self)
        self._attention_timer.setInterval(self.ATTENTION_EVERY_MS)
        self._attention_timer.timeout.connect(self.update_attention)
        self._attention_timer.start()
        self._board: AlertBoard | None = None
        self._selected: int | None = None
        self._actions = True
        self._timeline: tuple[int, tuple[AlertEventRow, ...]] | None = None

        self.count_labels: dict[str, QLabel] = {}
        counts = QHBoxLayout()
        self.total_label = QLabel(self)
        self.total_label.setObjectName("raTotal")
        counts.addWidget(self.total_label)
        for lv in reversed(LEVELS):
            lab = QLabel(self)
            lab.setObjectName("raCount")
            restyle(lab, f"color: {LEVEL_COLORS[lv]};")
            self.count_labels[lv] = lab
            counts.addWidget(lab)
        counts.addStretch(1)
        self.ack_button = QPushButton(self)
        self.close_button = QPushButton(self)
        # 签收 / 解除 sit with the note that goes with them, under the list: beside the
        # counts they made the panel wider than the wall's side column in English.
        actions = QHBoxLayout()
        for b in (self.ack_button, self.close_button):
            b.setObjectName("raAction")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            actions.addWidget(b)
        self.ack_button.clicked.connect(self._acknowledge)
        self.close_button.clicked.connect(self._close)

        self.model = AlertModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("raTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # size columns by the rows in view only
        header.setHighlightSections(False)
        for col in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch if col == COL_TEXT else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(col, mode)
        self.table.clicked.connect(self._on_clicked)

        self.empty_note = QLabel(self)
        self.empty_note.setObjectName("raEmpty")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # The selected alert: its timeline, and the note that goes with 签收 / 解除.
        self.timeline_label = QLabel(self)
        self.timeline_label.setObjectName("raTimeline")
        self.timeline_label.setTextFormat(Qt.TextFormat.RichText)
        self.timeline_label.setWordWrap(True)
        self.timeline_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("raNote")
        self.note_edit.setMaxLength(500)

        lay = QVBoxLayout(self)
        lay.addLayout(counts)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty_note, 1)
        lay.addWidget(self.timeline_label)
        actions.insertWidget(0, self.note_edit, 1)
        lay.addLayout(actions)
        self.set_ui_scale(1.0)
        self.retranslate()
        self._show_counts()
        self._update_buttons()

    # -- data ---------------------------------------------------------------------------
    def set_board(self, board: AlertBoard) -> None:
        """Show a new board; the selection follows the alert (by id) if it is still open."""
        self._board = board
        self.model.set_rows(board.alerts, self._urgency_now(self.clock()))
        ids = [a.id for a in board.alerts]
        if self._selected in ids:
            self.table.selectRow(ids.index(self._selected))
        else:
            self._selected = None
            self._timeline = None
        has = bool(board.alerts)
        self.table.setVisible(has)
        self.empty_note.setVisible(not has)
        self._show_counts()
        self._update_buttons()
        self._show_timeline()
        self.update_attention()

    def attention(self) -> tuple[int, int]:
        """(unacknowledged alerts, urgency) as last announced."""
        return self._attention

    def update_attention(self) -> None:
        """Ask the board (services) how loud the waiting alerts are now; announce changes."""
        now = self.clock()
        got = self._board.attention(now) if self._board is not None else (0, 0)
        if got != self._attention:
            self._attention = got
            self.attention_changed.emit(*got)
        self.model.set_urgency(self._urgency_now(now))

    def _urgency_now(self, now: datetime) -> dict[int, int]:
        """Each open alert's urgency at `now` (the board's params decide it)."""
        board = self._board
        if board is None:
            return {}
        return {a.id: board.params.urgency(a.raised_at, now) for a in board.alerts
                if a.status == "open"}  # fmt: skip

    def set_timeline(self, alert_id: int, events: tuple[AlertEventRow, ...]) -> None:
        """The timeline of an alert; shown while that alert is the selected one."""
        self._timeline = (alert_id, tuple(events))
        self._show_timeline()

    def timeline_text(self) -> str:
        """The timeline as plain lines (what the label shows, without markup)."""
        if self._timeline is None or self._timeline[0] != self._selected:
            return ""
        return "\n".join(" ".join(part for part in self._event_parts(e) if part)
                         for e in self._timeline[1])  # fmt: skip

    @staticmethod
    def _event_parts(e: AlertEventRow) -> tuple[str, str, str, str]:
        at = e.at.replace(tzinfo=UTC).astimezone(CST).strftime("%m-%d %H:%M")
        actor = _tr("系统") if e.actor == "system" else e.actor  # the rules' own steps
        return at, _tr(EVENT_NAMES.get(e.action, e.action)), actor, e.note

    def _show_timeline(self) -> None:
        shown = self._timeline is not None and self._timeline[0] == self._selected
        self.timeline_label.setVisible(shown)
        self.note_edit.setVisible(self._selected is not None and self._actions)
        if not shown or self._timeline is None:
            return
        lines = []
        for e in self._timeline[1][-6:]:  # the latest steps; the wall has no room for more
            at, action, actor, note = (html.escape(p) for p in self._event_parts(e))
            lines.append(f"<span style='color:#7fa8d8'>{at}</span> <b>{action}</b> "
                         f"<span style='color:#9cc3ee'>{actor}</span> {note}")  # fmt: skip
        head = html.escape(_tr("处置记录"))
        self.timeline_label.setText(f"<b style='color:#21d4fd'>{head}</b><br>" + "<br>".join(lines))

    def board(self) -> AlertBoard | None:
        return self._board

    def selected_alert(self) -> AlertRow | None:
        rows: tuple[AlertRow, ...] = self.model.rows()
        return next((a for a in rows if a.id == self._selected), None)

    def select_alert(self, alert_id: int) -> None:
        ids = [a.id for a in self.model.rows()]
        if alert_id in ids:
            self._selected = alert_id
            self.table.selectRow(ids.index(alert_id))
            self._update_buttons()
            self._show_timeline()

    def set_actions_enabled(self, enabled: bool) -> None:
        """A wall without a signed-in duty officer shows alerts but cannot act on them."""
        self._actions = enabled
        self.ack_button.setVisible(enabled)
        self.close_button.setVisible(enabled)
        self._update_buttons()
        self._show_timeline()

    def _on_clicked(self, index: QModelIndex) -> None:
        alert_id = index.data(ID_ROLE)
        if alert_id is None:
            return
        self._selected = int(alert_id)
        self._update_buttons()
        self._show_timeline()
        self.alert_selected.emit(int(alert_id))

    def _acknowledge(self) -> None:
        a = self.selected_alert()
        if a is not None and a.status == "open":
            self.acknowledge_requested.emit(a.id, a.version, self._take_note())

    def _close(self) -> None:
        a = self.selected_alert()
        if a is not None and a.status != "closed":
            self.close_requested.emit(a.id, a.version, self._take_note())

    def _take_note(self) -> str:
        note = self.note_edit.text().strip()
        self.note_edit.clear()
        return note

    def _update_buttons(self) -> None:
        a = self.selected_alert()
        self.ack_button.setEnabled(self._actions and a is not None and a.status == "open")
        self.close_button.setEnabled(self._actions and a is not None)

    def _show_counts(self) -> None:
        counts = self._board.counts if self._board is not None else {}
        total = self._board.total if self._board is not None else 0
        self.total_label.setText(_tr("未解除 {n}").format(n=total))
        for lv, lab in self.count_labels.items():
            lab.setText(f"{level_name(lv)} {counts.get(lv, 0)}")

    # -- look ---------------------------------------------------------------------------
    def set_ui_scale(self, scale: float) -> None:
        px = px_at(scale)
        restyle(
            self,
            f"#riskAlerts {{ background: transparent; }}"
            f"#raTotal {{ color: #ffffff; font-size: {px(20)}px; font-weight: bold;"
            f" padding-right: {px(10)}px; }}"
            f"#raCount {{ font-size: {px(19)}px; font-weight: bold; padding-right: {px(10)}px; }}"
            f"#raAction {{ color: #ffffff; background: #1e6fd0; border: 1px solid #21d4fd;"
            f" padding: {px(4)}px {px(14)}px; font-size: {px(17)}px; font-weight: bold; }}"
            f"#raAction:disabled {{ color: #6f8db5; background: rgba(30, 111, 208, 0.15);"
            f" border: 1px solid #2b4f7e; }}"
            + table_stylesheet("raTable", scale, font=18, header_font=16, pad=6,
                               extra="selection-background-color: rgba(33, 212, 253, 0.30);"
                                     " selection-color: #ffffff;")  # fmt: skip
            + f"#raEmpty {{ color: #5f7fa8; font-size: {px(20)}px; }}"
            f"#raTimeline {{ color: #e6f0ff; font-size: {px(16)}px; border-top: 1px solid #1e6fd0;"
            f" padding-top: {px(4)}px; }}"
            f"#raNote {{ color: #ffffff; background: rgba(8, 30, 70, 0.8); border: 1px solid #2b4f7e;"
            f" font-size: {px(16)}px; padding: {px(2)}px {px(6)}px; }}"
        )
        lay = layout_of(self)
        lay.setContentsMargins(px(8), px(4), px(8), px(4))
        lay.setSpacing(px(6))
        fit_row_height(self.table, scale)

    def retranslate(self) -> None:
        self.ack_button.setText(_tr("签收"))
        self.close_button.setText(_tr("解除"))
        self.empty_note.setText(_tr("暂无风险预警"))
        self.note_edit.setPlaceholderText(_tr("备注（随签收或解除记入处置记录）"))
        self._show_timeline()
        self._show_counts()
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
