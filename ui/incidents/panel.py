"""The incident panel on the wall: a queue of what needs this center, and one case in full.

Top: the scope tabs (待我处理 / 我督办的 / 辖区全部) and filters (status, category, overdue
only, supervised only, text). Middle: the queue, supervised and overdue cases first, with
their flags and the time left to the deadline. Bottom: the selected case with its full
timeline, supervisions, origin and follow-ups (举一反三), and one button for each action
this account may take now (`IncidentDetail.allowed`). Actions that need input open a
small form inline (no modal dialog on a wall); confirming posts the use case to the
worker (ui.incidents.state) and the answer comes back as a signal.

The panel holds no data of its own beyond what the state last sent and never queries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QImage, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services import incidents
from services.accounts import Actor
from services.incidents.attachments import AttachmentRow
from services.incidents.cases import (
    EventRow,
    IncidentRow,
    QueueFilter,
    RouteTarget,
    SupervisionRow,
)
from services.store import models
from ui.incidents.photo_viewer import PhotoViewer
from ui.incidents.sheet import CaseSheet
from ui.incidents.state import CaseView, IncidentState, QueueView
from ui.kit.refusal import Refusal, refusal_text
from widgets.incident_labels import (
    action_label,
    channel_label,
    evaluation_label,
    kind_label,
    local_time,
    located_by_label,
    match_label,
    priority_label,
    scope_label,
    time_left,
)
from widgets.incident_style import incident_stylesheet, theme_colors
from widgets.labels import STATUS_LABELS, category_label, status_label
from widgets.row_model import RowTableModel
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change

_Index = QModelIndex | QPersistentModelIndex
SCOPES = ("action", "supervising", "all")
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

# Actions in the order their buttons appear; those needing input open the inline form.
BUTTON_ORDER = (
    "accept", "route", "start", "resolve", "close", "answer", "return", "escalate",
    "reopen", "supervise", "follow_up",
)  # fmt: skip
NOTE_REQUIRED = frozenset({"reopen", "answer", "supervise"})
STALE_TEXT = QT_TRANSLATE_NOOP("IncidentPanel", "该事件已被他人更新")
VIEWER_HINT = QT_TRANSLATE_NOOP("IncidentPanel", "登录后可处置")
NO_RIGHTS_HINT = QT_TRANSLATE_NOOP("IncidentPanel", "当前账号无处置权限")


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


# --------------------------------------------------------------------------- the case


def _label(text: str = "", name: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    return label


class ActionForm(QFrame):
    """The inline form for one action: note, and per action a target, an evaluation with
    follow-up tasks, or a supervision deadline."""

    confirmed = Signal(str, dict)  # action, params (note, target, evaluation, ...)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionForm")
        self.action = ""
        self.title = _label(name="incTitle")
        self.note = QLineEdit(self)
        self.note.setObjectName("actionNote")
        self.target_caption = _label(_tr("派往"), "incCaption")
        self.target = QComboBox(self)
        self.target.setObjectName("actionTarget")
        self.evaluation_caption = _label(_tr("群众评价"), "incCaption")
        self.evaluation = QComboBox(self)
        self.evaluation.setObjectName("actionEvaluation")
        for code in incidents.EVALUATIONS:
            self.evaluation.addItem(evaluation_label(code), code)
        self.tasks_caption = _label(_tr("举一反三任务（每行一项，可不填）"), "incCaption")
        self.tasks = QPlainTextEdit(self)
        self.tasks.setObjectName("actionTasks")
        self.hours_caption = _label(_tr("督办时限（小时）"), "incCaption")
        self.hours = QSpinBox(self)
        self.hours.setObjectName("actionHours")
        self.hours.setRange(1, 24 * 30)
        self.hours.setValue(24)
        self.confirm = QPushButton(self)
        self.confirm.setObjectName("actionConfirm")
        self.cancel = QPushButton(_tr("取消"), self)
        self.confirm.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self.cancelled)
        self.note.returnPressed.connect(self._confirm)

        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.target_caption, 1, 0)
        grid.addWidget(self.target, 1, 1)
        grid.addWidget(self.evaluation_caption, 2, 0)
        grid.addWidget(self.evaluation, 2, 1)
        grid.addWidget(self.hours_caption, 3, 0)
        grid.addWidget(self.hours, 3, 1)
        self.note_caption = _label(_tr("说明"), "incCaption")
        grid.addWidget(self.note_caption, 4, 0)
        grid.addWidget(self.note, 4, 1)
        grid.addWidget(self.tasks_caption, 5, 0, 1, 2)
        grid.addWidget(self.tasks, 6, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        grid.addLayout(buttons, 7, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.hide()

    def open_for(self, action: str, case_id: int, targets: tuple[RouteTarget, ...]) -> None:
        self.action = action
        self.title.setText(f"{action_label(action)} #{case_id}")
        self.confirm.setText(_tr("确认") + action_label(action))
        self.note.clear()
        self.tasks.clear()
        placeholder = {
            "reopen": _tr("必填：重新办理的原因"),
            "answer": _tr("必填：向上级回复办理进展"),
            "supervise": _tr("必填：督办要求"),
            "follow_up": _tr("必填：举一反三任务（每行一项）"),
        }.get(action, _tr("可选：处置说明"))
        self.note.setPlaceholderText(placeholder)
        route = action == "route"
        w: QWidget
        self.target.clear()
        for t in targets:
            kind = _tr("部门") if t.kind == "department" else _tr("下级中心")
            self.target.addItem(f"{t.name}（{kind}）", (t.kind, t.id))
        for w in (self.target_caption, self.target):
            w.setVisible(route)
        for w in (self.evaluation_caption, self.evaluation):
            w.setVisible(action == "close")
        for w in (self.hours_caption, self.hours):
            w.setVisible(action == "supervise")
        tasks = action in ("close", "follow_up")
        for w in (self.tasks_caption, self.tasks):
            w.setVisible(tasks)
        self.tasks_caption.setText(
            _tr("任务（每行一项）") if action == "follow_up"
            else _tr("举一反三任务（每行一项，可不填）")
        )  # fmt: skip
        for w in (self.note_caption, self.note):
            w.setVisible(action != "follow_up")
        self.show()
        (self.tasks if action == "follow_up" else self.note).setFocus()

    def _confirm(self) -> None:
        params: dict[str, Any] = {"note": self.note.text().strip()}
        if self.action == "route":
            data = self.target.currentData()
            if data is not None:
                params["target_kind"], params["target_id"] = data
        elif self.action == "close":
            params["evaluation"] = self.evaluation.currentData()
            params["follow_ups"] = _lines(self.tasks.toPlainText())
        elif self.action == "supervise":
            params["hours"] = self.hours.value()
        elif self.action == "follow_up":
            params["tasks"] = _lines(self.tasks.toPlainText())
        self.confirmed.emit(self.action, params)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class IncidentDetailView(QWidget):
    """One case: header, facts, description, timeline, supervisions, links, actions."""

    action_requested = Signal(str, dict)  # action, params from the form
    link_clicked = Signal(int)  # an origin or follow-up case
    photo_clicked = Signal(int)  # an attachment id of the case shown

    def __init__(self, tz: str = "Asia/Shanghai", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self.case: CaseView | None = None
        self._targets: tuple[RouteTarget, ...] = ()
        self._actor: Actor | None = None

        self.title = _label(name="incTitle")
        self.title.setWordWrap(True)
        self.flags = QHBoxLayout()
        self.flag_supervised = _label(_tr("督办"), "flagSupervised")
        self.flag_overdue = _label(_tr("超期"), "flagOverdue")
        self.flags.addWidget(self.title, 1)
        self.flags.addWidget(self.flag_supervised)
        self.flags.addWidget(self.flag_overdue)

        self.facts = QGridLayout()
        self._fact_values: dict[str, QLabel] = {}
        facts = (
            ("grid", _tr("网格")), ("channel", _tr("来源")), ("reporter", _tr("上报人")),
            ("address", _tr("地址")), ("reported", _tr("上报时间")), ("deadline", _tr("办结时限")),
            ("center", _tr("办理中心")), ("department", _tr("承办部门")),
            ("evaluation", _tr("评价")), ("kind", _tr("类型")),
        )  # fmt: skip
        for i, (key, caption) in enumerate(facts):
            value = _label(name="incValue")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key == "deadline":
                value.setObjectName("incDeadline")
            self.facts.addWidget(_label(caption, "incCaption"), i // 2, (i % 2) * 2)
            self.facts.addWidget(value, i // 2, (i % 2) * 2 + 1)
            self._fact_values[key] = value
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)
        self.description = _label(name="incValue")
        self.description.setWordWrap(True)
        # How a case another system sent came in, and where its address was matched.
        self.intake_title = _label(_tr("来件与地址匹配"), "incSection")
        self.intake_text = _label(name="incValue")
        self.intake_text.setObjectName("intakeInfo")
        self.intake_text.setWordWrap(True)
        self.intake_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.photos_title = _label(_tr("现场照片"), "incSection")
        self.photos = QGridLayout()
        self.photo_buttons: dict[int, QToolButton] = {}
        self._thumbs: dict[int, QImage] = {}
        self._shown_photos: tuple[AttachmentRow, ...] | None = None

        self.timeline_title = _label(_tr("处置时间线"), "incSection")
        self.timeline = QGridLayout()
        self.timeline.setColumnStretch(3, 1)
        self.supervision_title = _label(_tr("督办"), "incSection")
        self.supervisions = QVBoxLayout()
        self.links_title = _label(_tr("关联事件（举一反三）"), "incSection")
        self.links = QHBoxLayout()

        self.message = _label(name="incMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons_row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for action in BUTTON_ORDER:
            button = QPushButton(action_label(action), self)
            button.setObjectName(f"action_{action}")
            button.clicked.connect(lambda _=False, a=action: self._open_form(a))
            button.hide()
            self.buttons[action] = button
            self.buttons_row.addWidget(button)
        self.buttons_row.addStretch(1)
        self.hint = _label(_tr(VIEWER_HINT), "incHint")
        self.buttons_row.addWidget(self.hint)
        self.form = ActionForm(self)
        self.form.confirmed.connect(self._confirmed)
        self.form.cancelled.connect(self.form.hide)
        self.empty = _label(_tr("在上方队列或地图上选择一个事件"), "incHint")

        # What the officer can do stays above the scrolled part (title, message, buttons,
        # the open form): reading the timeline never scrolls the actions out of sight.
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(self.flags)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons_row)
        layout.addWidget(self.form)
        self.body = QWidget(self)
        self.body.setObjectName("incidentDetail")
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(self.facts)
        body.addWidget(self.description)
        body.addWidget(self.intake_title)
        body.addWidget(self.intake_text)
        body.addWidget(self.photos_title)
        body.addLayout(self.photos)
        body.addWidget(self.supervision_title)
        body.addLayout(self.supervisions)
        body.addWidget(self.timeline_title)
        body.addLayout(self.timeline)
        body.addWidget(self.links_title)
        body.addLayout(self.links)
        body.addStretch(1)
        self.body_scroll = QScrollArea(self)
        self.body_scroll.setObjectName("caseScroll")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setWidget(self.body)
        self.body_scroll.viewport().setAutoFillBackground(False)
        layout.addWidget(self.body_scroll, 1)
        self._case_widgets: list[QWidget] = [
            self.title, self.flag_supervised, self.flag_overdue, self.description,
            self.timeline_title, self.supervision_title, self.links_title, self.body_scroll,
            self.intake_title, self.intake_text, self.photos_title,
        ]  # fmt: skip
        # What each section shows now: a refresh rebuilds only the sections that changed.
        self._shown_events: tuple[EventRow, ...] = ()
        self._shown_supervisions: tuple[SupervisionRow, ...] | None = None
        self._shown_links: tuple[tuple[str, IncidentRow], ...] | None = None
        self.show_case(None)

    # -- input -------------------------------------------------------------------------

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self._show_buttons()

    def set_targets(self, targets: tuple[RouteTarget, ...]) -> None:
        self._targets = targets

    def show_case(self, case: CaseView | None) -> None:
        """Show a case (None: nothing selected). An open action form stays open only if
        its action is still allowed."""
        same = case is not None and self.case is not None and case.id == self.case.id
        bar = self.body_scroll.verticalScrollBar()
        kept = bar.value() if same else 0
        self.case = case
        self.empty.setVisible(case is None)
        shown = case is not None
        for w in self._case_widgets:
            if w is self.flag_supervised:
                shown_w = shown and case is not None and case.detail.row.supervised
            elif w is self.flag_overdue:
                shown_w = shown and case is not None and case.detail.row.overdue
            elif w is self.supervision_title:
                shown_w = shown and case is not None and bool(case.detail.supervisions)
            elif w is self.intake_title or w is self.intake_text:
                shown_w = shown and case is not None and case.intake is not None
            elif w is self.photos_title:
                shown_w = shown and case is not None and bool(case.photos)
            elif w is self.links_title:
                shown_w = shown and case is not None and bool(
                    case.detail.follow_ups or case.detail.origin is not None
                )
            else:
                shown_w = shown
            if w.isVisibleTo(self) != shown_w:
                w.setVisible(shown_w)
        for i in range(self.facts.count()):
            entry = self.facts.itemAt(i)
            item = entry.widget() if entry is not None else None
            if item is not None and item.isVisibleTo(self) != shown:
                item.setVisible(shown)
        if not same:
            self.form.hide()
            self.message.hide()
        if case is None:
            self._clear(self.timeline)
            self._clear(self.supervisions)
            self._clear(self.links)
            self._clear(self.photos)
            self.photo_buttons = {}
            self._shown_photos = None
            self._shown_events = ()
            self._shown_supervisions = None
            self._shown_links = None
            self._show_buttons()
            return
        d = case.detail
        r = d.row
        self.title.setText(
            f"#{r.id}  {category_label(r.category)} · {priority_label(r.priority)} · "
            f"{status_label(r.status)}"
        )
        sup_overdue = any(s.overdue for s in d.supervisions)
        self._set_property(self.flag_supervised, "overdue", "true" if sup_overdue else "false")
        left, overdue = time_left(r.resolve_deadline, models.utcnow())
        deadline = local_time(r.resolve_deadline, self._tz)
        values = {
            "grid": d.grid_code,
            "channel": channel_label(r.channel),
            "reporter": d.reporter or "—",
            "address": r.address or "—",
            "reported": local_time(r.reported_at, self._tz),
            "deadline": f"{deadline}（{left}）"
            if r.status not in ("resolved", "closed")
            else deadline,
            "center": d.handling_center or "—",
            "department": d.handling_department or "—",
            "evaluation": evaluation_label(d.evaluation) or "—",
            "kind": kind_label(r.kind),
        }
        for key, text in values.items():
            self._fact_values[key].setText(text)
        self._set_property(self._fact_values["deadline"], "overdue", "true" if overdue else "false")
        self.description.setText(r.description)
        if not same:
            self._shown_events = ()
            self._shown_supervisions = None
            self._shown_links = None
            self._shown_photos = None
            self._thumbs = {}
        self._fill_intake(case)
        self._fill_photos(case)
        self._fill_timeline(case)
        self._fill_supervisions(case)
        self._fill_links(case)
        self._show_buttons()
        if self.form.isVisible() and self.form.action not in d.allowed:
            self.form.hide()
        # A refresh of the same case keeps the reader's place (a rebuilt section can shrink
        # the page for a moment and clamp the scroll bar); another case starts at the top.
        self._restore_scroll(kept)

    def _restore_scroll(self, value: int) -> None:
        bar = self.body_scroll.verticalScrollBar()
        body = self.body.layout()
        if body is not None:
            body.activate()
        bar.setValue(value)
        if bar.value() != value:  # the page grows once the new rows are laid out
            QTimer.singleShot(0, lambda: bar.setValue(value))

    @staticmethod
    def _set_property(w: QWidget, name: str, value: str) -> None:
        if w.property(name) != value:
            w.setProperty(name, value)
            w.style().unpolish(w)
            w.style().polish(w)

    def show_message(self, text: str, tone: str = "alarm") -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def show_refusal(self, action: str, refusal: Refusal) -> None:
        if refusal.stale:
            self.form.hide()
            current = refusal.current
            state = ""
            if current is not None:
                state = _tr("，当前状态：{status}（第 {v} 版），未作任何修改").format(
                    status=status_label(current.detail.row.status), v=current.detail.row.version
                )
                self.show_case(current)
            self.show_message(_tr(STALE_TEXT) + state)
            return
        self.show_message(
            _tr("{action}未成功：{reason}").format(
                action=action_label(action), reason=refusal_text(refusal.code, refusal.message)
            )
        )

    # -- building ----------------------------------------------------------------------

    @staticmethod
    def _clear(layout: QGridLayout | QVBoxLayout | QHBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()

    def _target_text(self, case: CaseView, target: str) -> str:
        if not target:
            return ""
        if target.startswith("deadline:"):
            raw = target.split(":", 1)[1]
            try:
                when = local_time(datetime.fromisoformat(raw), self._tz)
            except ValueError:
                when = raw
            return _tr("时限 {t}").format(t=when)
        name = case.target_names.get(target)
        return "→ " + (name or target)

    def set_thumbnails(self, incident_id: int, images: dict[int, QImage]) -> None:
        """Small pictures of the shown case's photos (decoded by the worker)."""
        if self.case is None or self.case.id != incident_id:
            return
        self._thumbs = dict(images)
        for att_id, button in self.photo_buttons.items():
            self._set_thumb(att_id, button)

    def _set_thumb(self, att_id: int, button: QToolButton) -> None:
        image = self._thumbs.get(att_id)
        if image is not None:
            button.setIcon(QIcon(QPixmap.fromImage(image)))
            button.setIconSize(image.size())

    def _fill_intake(self, case: CaseView) -> None:
        info = case.intake
        if info is None:
            self.intake_text.setText("")
            return
        lines = [
            _tr("来源：{channel} · 报送方 {caller}").format(
                channel=channel_label(info.source), caller=info.caller or "—")
            + (_tr(" · 对方编号 {ext}").format(ext=info.external_id) if info.external_id else ""),
            _tr("定位：{how}").format(how=located_by_label(info.located_by)),
        ]  # fmt: skip
        if info.address_text:
            lines.append(_tr("来件地址：{text}").format(text=info.address_text))
        if info.match_status:
            sure = (
                _tr("，可信度 {p}%").format(p=round(100 * info.match_confidence))
                if info.match_confidence is not None else ""
            )  # fmt: skip
            lines.append(_tr("地址匹配：{names}（{status}{sure}）").format(
                names=info.match_names or "—", status=match_label(info.match_status), sure=sure))  # fmt: skip
        self.intake_text.setText("\n".join(lines))
        # The matcher's reasoning is the service's own (English) wording: on hover only.
        self.intake_text.setToolTip(info.match_reason)

    def _fill_photos(self, case: CaseView) -> None:
        photos = case.photos
        if photos == self._shown_photos:
            return
        self._shown_photos = photos
        self._clear(self.photos)
        self.photo_buttons = {}
        self.photos_title.setText(_tr("现场照片（{n}）").format(n=len(photos)))
        for i, p in enumerate(photos):
            button = QToolButton(self.body)
            button.setObjectName("photoThumb")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setText(local_time(p.uploaded_at, self._tz))
            button.setToolTip(
                f"{p.filename or p.sha256[:12]} · {p.width}×{p.height} · {p.uploaded_by}"
            )
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, a=p.id: self.photo_clicked.emit(a))
            self._set_thumb(p.id, button)
            # two a row: the sheet's narrowest width at 1080p still holds them side by side
            self.photos.addWidget(button, i // 2, i % 2, Qt.AlignmentFlag.AlignLeft)
            button.show()
            self.photo_buttons[p.id] = button

    def _fill_timeline(self, case: CaseView) -> None:
        events = case.detail.events
        old = self._shown_events
        if events == old:
            return
        start = len(old)
        if events[:start] != old:  # not an append: rebuild the whole timeline
            self._clear(self.timeline)
            start = 0
        for i in range(start, len(events)):
            e = events[i]
            note = e.note
            if e.action == "report":
                note = channel_label(e.note) if e.note else ""
            target = self._target_text(case, e.target)
            cells = (
                _label(local_time(e.at, self._tz), "incCaption"),
                _label(action_label(e.action), "incValue"),
                _label(e.actor, "incCaption"),
                _label("  ".join(t for t in (target, note) if t), "incValue"),
            )
            cells[1].setStyleSheet("font-weight: bold;")
            cells[3].setWordWrap(True)
            for col, w in enumerate(cells):
                self.timeline.addWidget(w, i, col, Qt.AlignmentFlag.AlignTop)
                w.show()  # at once, so the next layout pass already counts it
        self._shown_events = events
        self.timeline_title.setText(_tr("处置时间线（{n}）").format(n=len(events)))

    def _fill_supervisions(self, case: CaseView) -> None:
        sups = case.detail.supervisions
        if sups == self._shown_supervisions:
            return
        self._shown_supervisions = sups
        self._clear(self.supervisions)
        now = models.utcnow()
        for s in sups:
            head = _tr("{src} 督办 {dst}，时限 {deadline}").format(
                src=s.from_center or "—", dst=s.to_center or "—",
                deadline=local_time(s.deadline, self._tz),
            )  # fmt: skip
            if s.answered_at is None:
                left, _ = time_left(s.deadline, now)
                head += f"（{left}）"
            lines = [head, _tr("要求：{note}（{who} {at}）").format(
                note=s.note, who=s.actor, at=local_time(s.at, self._tz))]  # fmt: skip
            if s.answered_at is not None:
                lines.append(_tr("回复：{answer}（{who} {at}）").format(
                    answer=s.answer or "", who=s.answered_by or "",
                    at=local_time(s.answered_at, self._tz)))  # fmt: skip
            else:
                lines.append(_tr("待回复"))
            label = _label("\n".join(lines), "flagSupervised" if s.answered_at is None else "")
            label.setWordWrap(True)
            if s.overdue:
                label.setProperty("overdue", "true")
            self.supervisions.addWidget(label)
            label.show()

    def _fill_links(self, case: CaseView) -> None:
        d = case.detail
        linked: list[tuple[str, IncidentRow]] = []
        if d.origin is not None:
            linked.append((_tr("原事件"), d.origin))
        linked += [(_tr("举一反三"), f) for f in d.follow_ups]
        if tuple(linked) == self._shown_links:
            return
        self._shown_links = tuple(linked)
        self._clear(self.links)
        for caption, row in linked:
            button = QPushButton(f"{caption} #{row.id} {status_label(row.status)}", self.body)
            button.setObjectName("incLink")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, i=row.id: self.link_clicked.emit(i))
            self.links.addWidget(button)
            button.show()
        self.links.addStretch(1)

    def _show_buttons(self) -> None:
        allowed = self.case.detail.allowed if self.case is not None else ()
        for action, button in self.buttons.items():
            button.setVisible(action in allowed)
        actor = self._actor
        reader = actor is None or not (actor.may("handle") or actor.may("supervise"))
        signed_in = actor is not None and actor.role != "viewer"
        self.hint.setText(_tr(NO_RIGHTS_HINT) if signed_in else _tr(VIEWER_HINT))
        self.hint.setVisible(self.case is not None and reader)

    def _open_form(self, action: str) -> None:
        if self.case is None:
            return
        self.message.hide()
        self.form.open_for(action, self.case.id, self._targets)

    def _confirmed(self, action: str, params: dict[str, Any]) -> None:
        if self.case is None:
            return
        if action in NOTE_REQUIRED and not params.get("note"):
            self.show_message(
                refusal_text({"reopen": "reason", "answer": "answer"}.get(action, "note"))
            )
            return
        self.action_requested.emit(action, params)


# --------------------------------------------------------------------------- the panel


class IncidentPanel(QWidget):
    """Queue + detail, driven by an `IncidentState` (which the caller starts and stops).

    Signals/slots for the wall:
    - `incident_selected(id, lon, lat)` when the operator picks a case (queue row or link);
    - `select_incident(id)` to show a case picked elsewhere (the map's incident_clicked);
    - `set_actor(actor | None)` after a login (None: logout, back to the read-only viewer);
    - `set_ui_scale(scale)` follows the wall (Panel.set_content calls it);
    - `data_as_of(datetime)` after each queue read, for the wall panel's data age.
    """

    incident_selected = Signal(int, float, float)
    data_as_of = Signal(object)  # aware datetime of the last queue read (Panel.set_as_of)

    def __init__(
        self, state: IncidentState, *, tz: str = "Asia/Shanghai", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentSurface")
        self.state = state
        self._tz = tz
        self._selected: int | None = None
        self._announced: int | None = None  # last id sent through incident_selected
        self._scale = 1.0
        self._last_queue: QueueView | None = None

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("scopeTabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setUsesScrollButtons(False)
        for scope in SCOPES:
            self.tabs.addTab(scope_label(scope))
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(_tr("全部状态"), None)
        for code in STATUS_LABELS:
            self.status_filter.addItem(status_label(code), code)
        self.category_filter = QComboBox(self)
        self.category_filter.setObjectName("categoryFilter")
        self.category_filter.addItem(_tr("全部类别"), None)
        for code in incidents.CATEGORIES:
            self.category_filter.addItem(category_label(code), code)
        self.overdue_only = QCheckBox(_tr("仅超期"), self)
        self.supervised_only = QCheckBox(_tr("仅督办"), self)
        self.search = QLineEdit(self)
        self.search.setObjectName("searchFilter")
        self.search.setPlaceholderText(_tr("搜索 编号/描述/地址/上报人"))
        self.search.setClearButtonEnabled(True)
        self.count_label = _label(name="incCaption")
        self.count_label.setObjectName("queueCount")
        self.prev_page = QPushButton("‹", self)
        self.prev_page.setObjectName("queuePrev")
        self.prev_page.setToolTip(_tr("上一页"))
        self.next_page = QPushButton("›", self)
        self.next_page.setObjectName("queueNext")
        self.next_page.setToolTip(_tr("下一页"))
        self._offset = 0
        self.account_label = _label(name="incCaption")

        self.table = QueueTable(self)
        self.detail = IncidentDetailView(tz)
        self.sheet = CaseSheet(self.detail, self)
        self.sheet.closed.connect(self._sheet_closed)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.sheet)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self._sized = False
        self.splitter.setChildrenCollapsible(False)

        top = QHBoxLayout()
        top.addWidget(self.tabs)
        top.addStretch(1)
        top.addWidget(self.account_label)
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.category_filter)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.supervised_only)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.prev_page)
        filters.addWidget(self.count_label)
        filters.addWidget(self.next_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self._apply_filter)
        self.prev_page.clicked.connect(lambda: self._turn_page(-1))
        self.next_page.clicked.connect(lambda: self._turn_page(1))
        self.tabs.currentChanged.connect(self._apply_filter)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.category_filter.currentIndexChanged.connect(self._apply_filter)
        self.overdue_only.toggled.connect(self._apply_filter)
        self.supervised_only.toggled.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.table.clicked.connect(self._row_clicked)
        self.detail.action_requested.connect(self._act)
        self.detail.link_clicked.connect(self._pick)
        self.viewer = PhotoViewer(self)
        self.detail.photo_clicked.connect(self._open_photo)
        state.thumbnails_ready.connect(self.detail.set_thumbnails)
        state.photo_ready.connect(self._photo_ready)
        state.photo_refused.connect(self._photo_refused)

        state.queue_ready.connect(self._show_queue)
        state.detail_ready.connect(self._show_detail)
        state.detail_refused.connect(self._detail_refused)
        state.action_done.connect(self._action_done)
        state.action_refused.connect(self._action_refused)
        state.actor_changed.connect(self._actor_changed)
        state.targets_ready.connect(self.detail.set_targets)
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self.table.queue_model.tick)
        self._clock.start()
        self._actor_changed(state.actor())
        self.set_ui_scale(1.0)
        on_language_change(self, self._retranslate_filters)

    # -- public slots --------------------------------------------------------------------

    def set_actor(self, actor: Actor | None) -> None:
        """Act as this account from now on (None: back to the read-only viewer)."""
        self.state.set_actor(actor)

    def select_incident(self, incident_id: int) -> None:
        """Show a case picked elsewhere (e.g. the map); no-op if it is already shown."""
        if incident_id == self._selected:
            self.sheet.open()  # put away earlier: the same case comes back
            return
        self._pick(incident_id)

    def selected_id(self) -> int | None:
        return self._selected

    def dock_sheet(self, host: QWidget, anchor: Callable[[float], QRect]) -> None:
        """Show the case in a sheet over `host` (the wall) instead of under the queue:
        the queue gets the panel's whole height, the case the room of `anchor(scale)`."""
        self.sheet.dock_over(host, anchor)
        self.sheet.set_ui_scale(self._scale)

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self.setStyleSheet(incident_stylesheet(scale))
        self.sheet.set_ui_scale(scale)
        self.viewer.set_ui_scale(scale)
        self.table.fit_rows()
        self.detail.form.tasks.setFixedHeight(round(80 * scale))

    def rows(self) -> tuple[IncidentRow, ...]:
        return self.table.queue_model.rows()

    def current_filter(self) -> QueueFilter:
        status = self.status_filter.currentData()
        return QueueFilter(
            scope=SCOPES[max(0, self.tabs.currentIndex())],
            statuses=(status,) if status else (),
            category=self.category_filter.currentData(),
            overdue_only=self.overdue_only.isChecked(),
            supervised_only=self.supervised_only.isChecked(),
            text=self.search.text(),
            offset=self._offset,
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if not self._sized and not self.sheet.docked:  # first show: the queue gets 40 %, the case 60 %
            self._sized = True
            total = max(2, self.splitter.height())
            self.splitter.setSizes([total * 2 // 5, total - total * 2 // 5])
        super().showEvent(event)

    # -- internals -----------------------------------------------------------------------

    def _retranslate_filters(self) -> None:
        """The scope tabs, filters and count in the language just switched to."""
        for i, scope in enumerate(SCOPES):
            self.tabs.setTabText(i, scope_label(scope))
        self.status_filter.setItemText(0, _tr("全部状态"))
        for i, code in enumerate(STATUS_LABELS, start=1):
            self.status_filter.setItemText(i, status_label(code))
        self.category_filter.setItemText(0, _tr("全部类别"))
        for i, code in enumerate(incidents.CATEGORIES, start=1):
            self.category_filter.setItemText(i, category_label(code))
        self.overdue_only.setText(_tr("仅超期"))
        self.supervised_only.setText(_tr("仅督办"))
        self.search.setPlaceholderText(_tr("搜索 编号/描述/地址/上报人"))
        if self._last_queue is not None:
            self.count_label.setText(_tr("{n} 件").format(n=len(self._last_queue.rows)))

    def _apply_filter(self, *_: object) -> None:
        self._offset = 0  # another filter starts at its first page
        self.state.set_filter(self.current_filter())

    def _turn_page(self, step: int) -> None:
        view = self._last_queue
        limit = view.flt.limit if view is not None else QueueFilter().limit
        self._offset = max(0, self._offset + step * limit)
        self.state.set_filter(self.current_filter())

    def _show_count(self, view: QueueView) -> None:
        """"共 437 件" for the whole queue (the service's COUNT), and which of them show."""
        total = view.total if view.total >= 0 else len(view.rows)
        first, last = view.flt.offset + 1, view.flt.offset + len(view.rows)
        if total > len(view.rows) and view.rows:
            text = _tr("共 {total} 件（{first}–{last}）").format(total=total, first=first, last=last)
        else:
            text = _tr("共 {total} 件").format(total=total)
        self.count_label.setText(text)
        paged = total > view.flt.limit
        self.prev_page.setVisible(paged)
        self.next_page.setVisible(paged)
        self.prev_page.setEnabled(view.flt.offset > 0)
        self.next_page.setEnabled(last < total)

    def _pick(self, incident_id: int) -> None:
        self._selected = incident_id
        self.state.select(incident_id)
        self.sheet.open()
        row = self.table.queue_model.row_of(incident_id)
        if row >= 0:
            self.table.selectRow(row)
            r = self.table.queue_model.rows()[row]
            self._announce(r.id, r.lon, r.lat)
        else:
            self.table.clearSelection()

    def _announce(self, incident_id: int, lon: float, lat: float) -> None:
        if incident_id != self._announced:
            self._announced = incident_id
            self.incident_selected.emit(incident_id, lon, lat)

    def _row_clicked(self, index: QModelIndex) -> None:
        row: IncidentRow | None = index.data(ROW_ROLE)
        if row is not None and row.id != self._selected:
            self._pick(row.id)
        elif row is not None:
            self.sheet.open()

    def _open_photo(self, attachment_id: int) -> None:
        if self.detail.case is not None:
            self.state.open_photo(self.detail.case.id, attachment_id)

    def _photo_caption(self, attachment_id: int) -> str:
        case = self.detail.case
        photo = next((p for p in case.photos if p.id == attachment_id), None) if case else None
        if case is None or photo is None:
            return ""
        return f"#{case.id} · {photo.filename or photo.sha256[:12]} · {photo.uploaded_by}"

    def _photo_ready(self, incident_id: int, attachment_id: int, image: QImage) -> None:
        if self.detail.case is not None and self.detail.case.id == incident_id:
            self.viewer.show_image(attachment_id, image, self._photo_caption(attachment_id))

    def _photo_refused(self, attachment_id: int, _refusal: Refusal) -> None:
        self.viewer.show_missing(attachment_id, self._photo_caption(attachment_id))

    def _sheet_closed(self) -> None:
        """The sheet was put away: the case stays selected in the queue (a click on it, or
        on its marker, opens it again)."""
        self.table.setFocus()

    def _show_queue(self, view: QueueView) -> None:
        self._last_queue = view
        self.data_as_of.emit(view.as_of)
        self._show_count(view)
        if view.rows == self.table.queue_model.rows():
            return  # nothing moved: the table keeps its place and its selection as they are
        bar = self.table.verticalScrollBar()
        kept = bar.value()
        self.table.queue_model.set_rows(view.rows)
        if self._selected is not None:
            row = self.table.queue_model.row_of(self._selected)
            if row >= 0:
                self.table.selectRow(row)
        bar.setValue(kept)  # a refresh keeps the place the officer scrolled the queue to

    def _show_detail(self, case: CaseView) -> None:
        if case.id != self._selected:
            return
        self.detail.show_case(case)
        self._announce(case.id, case.detail.row.lon, case.detail.row.lat)

    def _detail_refused(self, incident_id: int, refusal: Refusal) -> None:
        if incident_id != self._selected:
            return
        self.detail.show_case(None)
        self.detail.show_message(refusal_text(refusal.code, refusal.message))

    def _act(self, action: str, params: dict[str, Any]) -> None:
        case = self.detail.case
        if case is None:
            return
        row = case.detail.row
        note = str(params.pop("note", ""))
        self.detail.form.confirm.setEnabled(False)
        if action == "supervise":
            deadline = timedelta(hours=int(params["hours"]))  # from now, on the service's clock
            self.state.supervise(row.id, row.version, deadline, note)
        elif action == "follow_up":
            self.state.follow_up(row.id, list(params.get("tasks", ())))
        else:
            self.state.perform(row.id, row.version, action, note, **params)

    def _action_done(self, action: str, case: CaseView) -> None:
        self.detail.form.confirm.setEnabled(True)
        self.detail.form.hide()
        if case.id == self._selected:
            self.detail.show_case(case)
            self.detail.show_message(
                _tr("已{action} #{id}").format(action=action_label(action), id=case.id), "good"
            )

    def _action_refused(self, action: str, refusal: Refusal) -> None:
        self.detail.form.confirm.setEnabled(True)
        self.detail.show_refusal(action, refusal)

    def _actor_changed(self, actor: Actor | None) -> None:
        self.detail.set_actor(actor)
        if actor is None:
            self.account_label.setText("")
        elif actor.role == "viewer":
            self.account_label.setText(_tr("只读 · 登录后可处置"))
        else:
            self.account_label.setText(actor.label)
        supervises = actor is not None and actor.may("supervise")
        if self.tabs.isTabVisible(1) != supervises:
            self.tabs.setTabVisible(1, supervises)
            self.tabs.updateGeometry()  # the bar's size hint changed; the layout caches it
        if not supervises and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
