"""The incident panel on the wall: a queue of what needs this center, and one case in full.

Top: the scope tabs (待我处理 / 我督办的 / 辖区全部) and filters (status, category, overdue
only, supervised only, text). Middle: the queue, supervised and overdue cases first, with
their flags and the time left to the deadline. Bottom: the selected case with its full
timeline, supervisions, origin and follow-ups (举一反三), and one button for each action
this account may take now (`IncidentDetail.allowed`). Actions that need input open a
small form inline (no modal dialog on a wall); confirming posts the use case to the
worker (ui.incidents.state) and the answer comes back as a signal.

The panel holds no data of its own beyond what the state last sent and never queries.
Its parts: ui.incidents.queue (the table), ui.incidents.detail (the case) and
ui.incidents.action_form (the inline form); this module puts them together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from services import incidents
from services.accounts import Actor
from services.incidents.cases import IncidentRow, QueueFilter
from ui.incidents.action_form import make_label
from ui.incidents.detail import IncidentDetailView
from ui.incidents.photo_viewer import PhotoViewer
from ui.incidents.queue import ROW_ROLE, QueueTable
from ui.incidents.sheet import CaseSheet
from ui.incidents.state import CaseView, IncidentState, QueueView
from ui.kit.refusal import Refusal, refusal_text
from widgets.incident_labels import action_label, scope_label
from widgets.incident_style import incident_stylesheet
from widgets.labels import STATUS_LABELS, category_label, status_label
from widgets.style_sheet import restyle
from widgets.translate import on_language_change


def _tr(source: str) -> str:
    """Translated in the "IncidentPanel" context, shared by the modules of the panel."""
    return QCoreApplication.translate("IncidentPanel", source)


SCOPES = ("action", "supervising", "all")


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
        for combo in (self.status_filter, self.category_filter):  # follow a language switch
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.overdue_only = QCheckBox(_tr("仅超期"), self)
        self.supervised_only = QCheckBox(_tr("仅督办"), self)
        self.search = QLineEdit(self)
        self.search.setObjectName("searchFilter")
        self.search.setPlaceholderText(_tr("搜索 编号/描述/地址/上报人"))
        self.search.setClearButtonEnabled(True)
        self.count_label = make_label(name="incCaption")
        self.count_label.setObjectName("queueCount")
        self.prev_page = QPushButton("‹", self)
        self.prev_page.setObjectName("queuePrev")
        self.prev_page.setToolTip(_tr("上一页"))
        self.next_page = QPushButton("›", self)
        self.next_page.setObjectName("queueNext")
        self.next_page.setToolTip(_tr("下一页"))
        self._offset = 0
        self.account_label = make_label(name="incCaption")
        self._account: Actor | None = None  # whose account the label names

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
        # Two rows: in one, the side panel's width squeezed the lists' texts in English
        # ("All catego") and the search field to a few letters.
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.category_filter)
        filters.addWidget(self.search, 1)
        toggles = QHBoxLayout()
        toggles.addWidget(self.overdue_only)
        toggles.addWidget(self.supervised_only)
        toggles.addStretch(1)
        toggles.addWidget(self.prev_page)
        toggles.addWidget(self.count_label)
        toggles.addWidget(self.next_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(toggles)
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
        restyle(self, incident_stylesheet(scale))
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
        self._show_account()
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
        self.detail.show_message(lambda: refusal_text(refusal.code, refusal.message))

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
                lambda: _tr("已{action} #{id}").format(action=action_label(action), id=case.id),
                "good",
            )

    def _action_refused(self, action: str, refusal: Refusal) -> None:
        self.detail.form.confirm.setEnabled(True)
        self.detail.show_refusal(action, refusal)

    def _show_account(self) -> None:
        """Who acts here, in the language shown (again after a switch)."""
        actor = self._account
        if actor is None:
            self.account_label.setText("")
        elif actor.role == "viewer":
            self.account_label.setText(_tr("只读 · 登录后可处置"))
        else:
            self.account_label.setText(actor.label)

    def _actor_changed(self, actor: Actor | None) -> None:
        self.detail.set_actor(actor)
        self._account = actor
        self._show_account()
        supervises = actor is not None and actor.may("supervise")
        if self.tabs.isTabVisible(1) != supervises:
            self.tabs.setTabVisible(1, supervises)
            self.tabs.updateGeometry()  # the bar's size hint changed; the layout caches it
        if not supervises and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
