"""The dispatch panel on the wall (资源调度): forces by status and level, each unit's task
and time in state, proposals from an incident, response plans item by item, the surge.

Top: the surge banner when a watched place is over its threshold (place, count, share of
capacity, proposed response level and plan) with 启动预案 and 切换大屏布局. Then three
pages: 看板 (status × level counts in big numbers, the unit list: task and time in state
in amber/red past the configured limits, and the step buttons for the selected unit);
派遣 (the units proposed for an incident with distance and ETA, checked, and the next
nearest unchecked to pick instead); 预案 (an activation's items: confirm or decline each,
replace a unit that is no longer free).

The panel holds no data beyond what ui.dispatch.state last sent and never queries; every
button posts a use case to the state's worker, and the answer comes back as a signal.
Its words are in ui.dispatch.labels, the unit table's model in ui.dispatch.units.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import dispatch
from services.accounts import Actor
from services.dispatch.board import DispatchBoard, UnitRow
from services.dispatch.plans import ActivationView, PlanItem
from services.dispatch.surge import SurgeProposal
from services.store import models
from ui.dispatch.labels import (
    BOARD_STATUSES,
    ITEM_STATE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    label,
    tr,
)
from ui.dispatch.state import DispatchState, FocusLost, ProposalView
from ui.dispatch.units import (
    COL_LEVEL,
    COL_NAME,
    COL_STATUS,
    COL_TASK,
    COL_TIME,
    UNIT_COLUMNS,
    UnitModel,
)
from ui.kit.refusal import Refusal, refusal_text
from widgets.incident_style import incident_stylesheet, theme_colors
from widgets.labels import category_label
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change


class DispatchPanel(QWidget):
    """The wall's dispatch panel. Wire: `wall.set_side_panel("dispatch", panel)`,
    `panel.layout_requested.connect(...)`, incidents → `propose_for_incident(id)`."""

    layout_requested = Signal(int, list)
    """(slots of the video layout, camera ids): switch the wall to a plan's layout."""
    incident_selected = Signal(int)
    """the case the panel follows (its proposal, or the surge case of a plan just started),
    for the map to fly to and the case panel to select."""

    PAGE_BOARD, PAGE_PROPOSAL, PAGE_PLAN = range(3)

    def __init__(self, state: DispatchState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentSurface")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.state = state
        self._actor: Actor | None = None
        self._board: DispatchBoard | None = None
        self._surge: tuple[SurgeProposal, ...] = ()
        self._activations: tuple[ActivationView, ...] = ()
        self._activation_id: int | None = None
        self._proposal: ProposalView | None = None
        self._focus: int | None = None  # the case the 派遣 page follows
        self._pending_layout: tuple[int, int] | None = None
        self._scale = 1.0
        self._proposal_title_text: Callable[[], str] | None = None
        self._message_text: Callable[[], str] | None = None

        root = QVBoxLayout(self)
        root.setContentsMargins(6, 4, 6, 4)
        root.setSpacing(4)

        # -- surge banner
        self.surge_banner = QFrame(self)
        self.surge_banner.setObjectName("surgeBanner")
        sb = QGridLayout(self.surge_banner)
        sb.setContentsMargins(8, 4, 8, 4)
        self.surge_title = QLabel(self.surge_banner)
        self.surge_title.setObjectName("surgeTitle")
        self.surge_title.setWordWrap(True)
        self.surge_detail = QLabel(self.surge_banner)
        self.surge_detail.setObjectName("surgeDetail")
        self.surge_detail.setWordWrap(True)
        self.activate_button = QPushButton(self.surge_banner)
        self.activate_button.setObjectName("primaryButton")
        self.activate_button.clicked.connect(self._activate_surge_plan)
        self.layout_button = QPushButton(self.surge_banner)
        self.layout_button.clicked.connect(self._switch_layout_for_surge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.activate_button)
        buttons.addWidget(self.layout_button)
        sb.addWidget(self.surge_title, 0, 0)
        sb.addLayout(buttons, 0, 1)
        sb.addWidget(self.surge_detail, 1, 0, 1, 2)
        sb.setColumnStretch(0, 1)
        self.surge_banner.hide()
        root.addWidget(self.surge_banner)

        # -- tabs and message
        top = QHBoxLayout()
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("dispatchTabs")
        for _ in range(3):
            self.tabs.addTab("")
        self.tabs.currentChanged.connect(self._show_page)
        top.addWidget(self.tabs)
        top.addStretch(1)
        self.message = QLabel(self)
        self.message.setObjectName("incMessage")
        self.message.setWordWrap(True)
        root.addLayout(top)
        root.addWidget(self.message)
        self.message.hide()

        self.pages = QStackedWidget(self)
        root.addWidget(self.pages, 1)

        # -- page: board
        board = QWidget()
        bl = QVBoxLayout(board)
        bl.setContentsMargins(0, 0, 0, 0)
        self.count_grid = QGridLayout()
        self.count_grid.setHorizontalSpacing(4)
        self.count_grid.setVerticalSpacing(0)
        self.status_headers: dict[str, QLabel] = {}
        self.level_headers: dict[int, QLabel] = {}
        self.count_cells: dict[tuple[str, int | None], QLabel] = {}
        corner = QLabel("")
        self.count_grid.addWidget(corner, 0, 0)
        for c, status in enumerate(BOARD_STATUSES, start=1):
            h = QLabel()
            h.setObjectName("boardHeader")
            h.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.status_headers[status] = h
            self.count_grid.addWidget(h, 0, c)
            total = QLabel("0")
            total.setObjectName("boardTotal")
            total.setProperty("status", status)
            total.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.count_cells[(status, None)] = total
            self.count_grid.addWidget(total, 1, c)
            for r, level in enumerate(dispatch.LEVELS, start=2):
                cell = QLabel("0")
                cell.setObjectName("boardCell")
                cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.count_cells[(status, level)] = cell
                self.count_grid.addWidget(cell, r, c)
        self.total_header = QLabel()
        self.total_header.setObjectName("boardHeader")
        self.count_grid.addWidget(self.total_header, 1, 0)
        for r, level in enumerate(dispatch.LEVELS, start=2):
            h = QLabel()
            h.setObjectName("boardHeader")
            self.level_headers[level] = h
            self.count_grid.addWidget(h, r, 0)
        bl.addLayout(self.count_grid)
        self.unit_model = UnitModel(self)
        self.unit_model.policy = state.policy
        self.unit_table = QTableView(board)
        self.unit_table.setModel(self.unit_model)
        self.unit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_table.setShowGrid(False)
        self.unit_table.setAlternatingRowColors(True)
        self.unit_table.setWordWrap(False)
        self.unit_table.verticalHeader().hide()
        self.unit_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.unit_table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # size columns by the rows in view only
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_LEVEL, COL_STATUS, COL_TASK, COL_TIME):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.unit_table.selectionModel().selectionChanged.connect(self._update_unit_buttons)
        self.unit_table.setMinimumHeight(120)
        bl.addWidget(self.unit_table, 1)
        ub = QHBoxLayout()
        self.step_button = QPushButton(board)
        self.step_button.clicked.connect(self._next_step)
        self.cancel_button = QPushButton(board)
        self.cancel_button.clicked.connect(lambda: self._step("cancel"))
        self.availability_button = QPushButton(board)
        self.availability_button.clicked.connect(self._toggle_available)
        for b in (self.step_button, self.cancel_button, self.availability_button):
            ub.addWidget(b)
        ub.addStretch(1)
        bl.addLayout(ub)
        self.pages.addWidget(board)

        # -- page: proposal
        prop = QWidget()
        pl = QVBoxLayout(prop)
        pl.setContentsMargins(0, 0, 0, 0)
        self.proposal_title = QLabel(prop)
        self.proposal_title.setObjectName("incTitle")
        self.proposal_title.setWordWrap(True)
        pl.addWidget(self.proposal_title)
        self.proposal_table = QTableWidget(0, 4, prop)
        self._setup_table(self.proposal_table)
        pl.addWidget(self.proposal_table, 1)
        pb = QHBoxLayout()
        self.dispatch_button = QPushButton(prop)
        self.dispatch_button.setObjectName("primaryButton")
        self.dispatch_button.clicked.connect(self._confirm_dispatch)
        self.back_button = QPushButton(prop)
        self.back_button.clicked.connect(lambda: self.tabs.setCurrentIndex(self.PAGE_BOARD))
        pb.addWidget(self.dispatch_button)
        pb.addWidget(self.back_button)
        pb.addStretch(1)
        pl.addLayout(pb)
        self.pages.addWidget(prop)

        # -- page: plan activation
        plan = QWidget()
        ql = QVBoxLayout(plan)
        ql.setContentsMargins(0, 0, 0, 0)
        self.plan_title = QLabel(plan)
        self.plan_title.setObjectName("incTitle")
        self.plan_title.setWordWrap(True)
        ql.addWidget(self.plan_title)
        self.plan_table = QTableWidget(0, 4, plan)
        self._setup_table(self.plan_table)
        self.plan_table.itemSelectionChanged.connect(self._update_plan_buttons)
        ql.addWidget(self.plan_table, 1)
        qb = QHBoxLayout()
        self.confirm_button = QPushButton(plan)
        self.confirm_button.setObjectName("primaryButton")
        self.confirm_button.clicked.connect(lambda: self._decide(True))
        self.decline_button = QPushButton(plan)
        self.decline_button.clicked.connect(lambda: self._decide(False))
        self.substitute_button = QPushButton(plan)
        self.substitute_button.clicked.connect(self._substitute)
        self.close_plan_button = QPushButton(plan)
        self.close_plan_button.clicked.connect(self._close_plan)
        for b in (self.confirm_button, self.decline_button, self.substitute_button,
                  self.close_plan_button):  # fmt: skip
            qb.addWidget(b)
        qb.addStretch(1)
        ql.addLayout(qb)
        self.pages.addWidget(plan)

        self._clock = QTimer(self)
        self._clock.setInterval(5000)
        self._clock.timeout.connect(lambda: self.unit_model.set_now(models.utcnow()))
        self._clock.start()

        state.board_ready.connect(self.show_board)
        state.surge_ready.connect(self.show_surge)
        state.activations_ready.connect(self.show_activations)
        state.proposal_ready.connect(self.show_proposal)
        state.focus_lost.connect(self._focus_lost)
        state.done.connect(self._on_done)
        state.refused.connect(self._on_refused)
        state.actor_changed.connect(self._on_actor)
        self.retranslate()
        on_language_change(self, self.retranslate)
        self.set_ui_scale(1.0)
        self._update_unit_buttons()
        self._update_plan_buttons()

    # ==== public slots =================================================================
    def propose_for_incident(self, incident_id: int) -> None:
        """Follow the case in focus (picked in the case panel or on the map): propose
        units for it (its plan's, or its category's kinds) and show them. The case it
        already follows is not asked for again (the case panel echoes the panel's own
        focus back when it selects the surge case)."""
        if incident_id != self._focus:
            self._follow(incident_id, "selected")

    def focused_incident(self) -> int | None:
        """The case the 派遣 page follows (None: none, or it closed)."""
        return self._focus

    def _follow(self, incident_id: int, reason: str) -> None:
        self._focus = incident_id
        self.state.propose(incident_id, reason=reason)

    def set_actor(self, actor: Actor | None) -> None:
        self.state.set_actor(actor)

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        c = theme_colors()

        def px(v: float) -> int:
            return max(1, round(v * scale))

        restyle(self, incident_stylesheet(scale) + f"""
        #surgeBanner {{ background: {c['alarm_bg']}; border: 2px solid {c['alarm']};
                        border-radius: {px(6)}px; }}
        #surgeTitle {{ font-size: {px(22)}px; font-weight: bold; color: {c['alarm']}; }}
        #surgeDetail {{ font-size: {px(17)}px; color: {c['strong']}; }}
        #boardHeader {{ font-size: {px(16)}px; color: {c['muted']}; }}
        #boardTotal {{ font-size: {px(34)}px; font-weight: bold; color: {c['strong']}; }}
        #boardTotal[status="available"] {{ color: {c['good']}; }}
        #boardTotal[status="unavailable"] {{ color: {c['muted']}; }}
        #boardTotal[status="dispatched"], #boardTotal[status="en_route"],
        #boardTotal[status="on_scene"] {{ color: {c['accent']}; }}
        #boardCell {{ font-size: {px(18)}px; color: {c['text']}; }}
        #primaryButton {{ font-weight: bold; }}
        QTableView {{ font-size: {px(17)}px; }}
        """)  # fmt: skip
        rows = round(self.fontMetrics().height() * 1.35)
        for t in (self.unit_table, self.proposal_table, self.plan_table):
            t.verticalHeader().setDefaultSectionSize(max(rows, px(30)))

    # ==== data from the state ==========================================================
    def show_board(self, board: DispatchBoard) -> None:
        self._board = board
        for (status, level), cell in self.count_cells.items():
            cell.setText(f"{board.count(status, level):,}")
        selected = self._selected_unit()
        self.unit_model.set_rows(board.units, board.now)
        if selected is not None:
            for r, u in enumerate(board.units):
                if u.id == selected.id:
                    self.unit_table.selectRow(r)
                    break
        self._update_unit_buttons()

    def show_surge(self, proposals: tuple[SurgeProposal, ...]) -> None:
        self._surge = proposals
        if not proposals:
            self.surge_banner.hide()
            return
        p = proposals[0]
        self.surge_title.setText(self.tr("⚠ {place}").replace("{place}", p.place_name))
        plan = p.plan.name if p.plan else self.tr("无匹配预案")
        detail = (
            self.tr("{count} 人 · 日承载量 {ratio} · 建议{level}响应 · 预案：{plan}")
            .replace("{count}", f"{p.count:,}").replace("{ratio}", f"{p.ratio:.0%}")
            .replace("{level}", label(LEVEL_LABELS, p.response_level)).replace("{plan}", plan)
        )  # fmt: skip
        if p.activation_id is not None:
            detail += " · " + self.tr("已启动")
        self.surge_detail.setText(detail)
        self.activate_button.setText(self.tr("查看预案") if p.activation_id else self.tr("启动预案"))
        self.activate_button.setEnabled(p.plan is not None and (
            p.activation_id is not None or self._may_dispatch()))  # fmt: skip
        self.layout_button.setText(self.tr("切换布局（{n}分屏）").replace("{n}", str(p.layout)))
        self.surge_banner.show()

    def show_activations(self, activations: tuple[ActivationView, ...]) -> None:
        self._activations = activations
        ids = [a.id for a in activations]
        if self._activation_id not in ids:
            self._activation_id = ids[0] if ids else None
        self._fill_plan()

    def show_proposal(self, view: ProposalView) -> None:
        if view.proposal.incident_id != self._focus:
            return  # an answer for a case the officer has since left
        self._proposal = view
        p = view.proposal
        rows = [(c, True) for c in p.candidates] + [(c, False) for c in view.others]
        self._fill_proposal(view, [checked for _, checked in rows])
        allowed = view.focus.may_dispatch if view.focus is not None else self._may_dispatch()
        self.dispatch_button.setEnabled(allowed and bool(rows))
        self.incident_selected.emit(p.incident_id)
        if view.reason == "selected":  # a plan just started keeps its own page in front
            self.tabs.setCurrentIndex(self.PAGE_PROPOSAL)

    def _fill_proposal(self, view: ProposalView, checked: list[bool]) -> None:
        """The proposal's title and units in the language now in use; `checked`: which
        units are ticked (the proposed ones first, or what the officer ticked since)."""
        p = view.proposal
        self._set_proposal_title(lambda: self.tr("事件 #{id} {category} 建议派遣").replace(
            "{id}", str(p.incident_id)).replace("{category}", category_label(p.category))
            + (f" · {self.tr('预案')}：{view.plan.name}" if view.plan else ""))  # fmt: skip
        rows = list(p.candidates) + list(view.others)
        t = self.proposal_table
        t.setRowCount(len(rows))
        for r, c in enumerate(rows):
            texts = (
                c.name,
                f"{label(LEVEL_LABELS, c.level)}·{label(KIND_LABELS, c.kind)}",
                f"{c.distance_km:.1f} km",
                self.tr("{m} 分钟").replace("{m}", f"{c.eta_minutes:.0f}"),
            )
            tip = " · ".join(texts)  # a unit's name cut by a narrow column reads whole here
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if col == 0:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                                  | Qt.ItemFlag.ItemIsSelectable)  # fmt: skip
                    on = r < len(checked) and checked[r]
                    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                    item.setData(Qt.ItemDataRole.UserRole, (c.resource_id, c.version))
                t.setItem(r, col, item)

    def _set_proposal_title(self, text: Callable[[], str]) -> None:
        """The 派遣 page's title, as a function: said again when the language switches."""
        self._proposal_title_text = text
        self.proposal_title.setText(text())

    def _withdraw(self, incident_id: int, why: Callable[[], str]) -> None:
        """No proposal for this case any more: say why on the page, clear its units."""
        self._proposal = None
        if self._focus == incident_id:
            self._focus = None
        self._set_proposal_title(
            lambda: self.tr("事件 #{id}：{why}").replace("{id}", str(incident_id))
            .replace("{why}", why()))  # fmt: skip
        self.proposal_table.setRowCount(0)
        self.dispatch_button.setEnabled(False)

    def _focus_lost(self, lost: FocusLost) -> None:
        if lost.incident_id != self._focus:
            return
        r = lost.refusal

        def why() -> str:
            return refusal_text(r.code, r.message, domain="dispatch", params=r.params)

        def cleared() -> str:
            return self.tr("事件 #{id} 已办结，派遣建议已清除").replace("{id}", str(lost.incident_id))

        self._withdraw(lost.incident_id, why)
        self._say(cleared if r.code == "incident_closed" else why, "alarm")

    # ==== helpers ======================================================================
    def _setup_table(self, t: QTableWidget) -> None:
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setShowGrid(False)
        t.setAlternatingRowColors(True)
        t.verticalHeader().hide()
        t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.horizontalHeader().setResizeContentsPrecision(0)
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, t.columnCount()):
            t.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    def _may_dispatch(self) -> bool:
        return self._actor is not None and self._actor.may("dispatch")

    def _on_actor(self, actor: Actor) -> None:
        self._actor = actor
        self._update_unit_buttons()
        self._update_plan_buttons()
        self.show_surge(self._surge)

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)

    def _say(self, text: str | Callable[[], str], tone: str = "info") -> None:
        """The line under the tabs; given as a function, it is said again in the new
        language when the language switches."""
        self._message_text = text if callable(text) else None
        self.message.setText(text() if callable(text) else text)
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def _selected_unit(self) -> UnitRow | None:
        rows = self.unit_table.selectionModel().selectedRows()
        return self.unit_model.row(rows[0].row()) if rows else None

    def _update_unit_buttons(self, *_: object) -> None:
        """What the selected unit allows is the service's answer (UnitRow.steps and
        .availability); the panel only shows it."""
        u = self._selected_unit()
        may = self._may_dispatch()
        step = u.next_step if u else None
        self.step_button.setText(label(STEP_LABELS, step) if step else self.tr("下一步"))
        self.step_button.setEnabled(may and step is not None)
        self.cancel_button.setEnabled(may and u is not None and "cancel" in u.steps)
        self.availability_button.setText(
            self.tr("恢复可用") if u is not None and u.availability == "resume" else self.tr("暂停使用"))
        self.availability_button.setEnabled(may and u is not None and bool(u.availability))

    def _next_step(self) -> None:
        u = self._selected_unit()
        step = u.next_step if u else None
        if step:
            self._step(step)

    def _step(self, step: str) -> None:
        u = self._selected_unit()
        if u is not None and u.dispatch_id is not None:
            self.state.advance(u.dispatch_id, u.dispatch_version, step)

    def _toggle_available(self) -> None:
        u = self._selected_unit()
        if u is not None:
            self.state.set_available(u.id, u.status == "unavailable")

    def _confirm_dispatch(self) -> None:
        if self._proposal is None:
            return
        units = []
        for r in range(self.proposal_table.rowCount()):
            item = self.proposal_table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                rid, version = item.data(Qt.ItemDataRole.UserRole)
                units.append((int(rid), int(version)))
        if not units:
            self._say(lambda: refusal_text("no_units", domain="dispatch"), "alarm")
            return
        self.state.dispatch(self._proposal.proposal.incident_id, units)

    def _activation(self) -> ActivationView | None:
        return next((a for a in self._activations if a.id == self._activation_id), None)

    def _fill_plan(self) -> None:
        a = self._activation()
        t = self.plan_table
        selected = self._selected_item()
        if a is None:
            self.plan_title.setText(self.tr("暂无启动中的预案"))
            t.setRowCount(0)
            self._update_plan_buttons()
            return
        self.plan_title.setText(
            self.tr("预案：{name} · {level}响应 · 待确认 {n} 项").replace("{name}", a.plan_name)
            .replace("{level}", label(LEVEL_LABELS, a.response_level)).replace("{n}", str(a.pending))
        )  # fmt: skip
        c = theme_colors()
        t.setRowCount(len(a.items))
        for r, it in enumerate(a.items):
            texts = self._item_texts(it)
            tip = " · ".join(t for t in texts if t)  # a cut unit name reads whole here
            for col, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setToolTip(tip)
                cell.setData(Qt.ItemDataRole.UserRole, it.idx)
                if col == 3:
                    color = {"confirmed": c["good"], "declined": c["muted"],
                             "unfilled": c["alarm"], "proposed": c["warn"]}[it.state]  # fmt: skip
                    cell.setForeground(QColor(color))
                t.setItem(r, col, cell)
        if selected is not None and selected < t.rowCount():
            t.selectRow(selected)
        self._update_plan_buttons()

    def _item_texts(self, it: PlanItem) -> tuple[str, str, str, str]:
        state = label(ITEM_STATE_LABELS, it.state)
        if it.kind == "unit":
            what = f"{label(LEVEL_LABELS, it.unit_level)}·{label(KIND_LABELS, it.unit_kind)}"
            extra = (f"{it.distance_km:.1f} km · " + self.tr("{m} 分钟").replace(
                "{m}", f"{it.eta_minutes:.0f}")) if it.distance_km is not None and \
                it.eta_minutes is not None else ""  # fmt: skip
            return (it.label or self.tr("（无可用单位）"), what, extra, state)
        if it.kind == "notify":
            return (it.label, self.tr("通知"), "", state)
        return (self.tr("大屏 {n} 分屏").replace("{n}", it.ref), self.tr("布局"),
                self.tr("{n} 路监控").replace("{n}", str(len(it.cameras))), state)  # fmt: skip

    def _selected_item(self) -> int | None:
        rows = self.plan_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_plan_buttons(self) -> None:
        a = self._activation()
        r = self._selected_item()
        it = a.items[r] if a is not None and r is not None and r < len(a.items) else None
        may = self._may_dispatch()
        self.confirm_button.setEnabled(may and it is not None and it.state == "proposed")
        self.decline_button.setEnabled(may and it is not None and it.state == "proposed")
        self.substitute_button.setEnabled(may and it is not None and it.kind == "unit"
                                          and it.state in ("proposed", "unfilled"))  # fmt: skip
        self.close_plan_button.setEnabled(may and a is not None)

    def _decide(self, confirm: bool) -> None:
        a = self._activation()
        r = self._selected_item()
        if a is None or r is None:
            return
        it = a.items[r]
        if confirm and it.kind == "layout":
            self._pending_layout = (a.id, it.idx)
        self.state.decide(a.id, a.version, it.idx, confirm)

    def _substitute(self) -> None:
        a = self._activation()
        r = self._selected_item()
        if a is not None and r is not None:
            self.state.substitute(a.id, a.items[r].idx)

    def _close_plan(self) -> None:
        a = self._activation()
        if a is not None:
            self.state.close_activation(a.id)

    def _activate_surge_plan(self) -> None:
        if not self._surge:
            return
        p = self._surge[0]
        if p.activation_id is not None:
            self._activation_id = p.activation_id
            self._fill_plan()
            self.tabs.setCurrentIndex(self.PAGE_PLAN)
        elif p.plan is not None and p.alert_id is not None:
            self.state.activate_plan(p.plan.id, alert_id=p.alert_id)

    def _switch_layout_for_surge(self) -> None:
        if not self._surge:
            return
        p = self._surge[0]
        a = next((x for x in self._activations if x.id == p.activation_id), None)
        chosen = a.layout() if a is not None else None
        layout, cams = chosen if chosen is not None else (p.layout, p.cameras)
        self.layout_requested.emit(int(layout), list(cams))

    # ==== answers ======================================================================
    def _on_done(self, action: str, result: object) -> None:
        if action == "dispatch" and isinstance(result, tuple):
            names = "、".join(r.unit_name for r in result)
            self._say(lambda: self.tr("已派遣：{names}").replace("{names}", names), "good")
            self.tabs.setCurrentIndex(self.PAGE_BOARD)
        elif isinstance(result, ActivationView):
            self._activation_id = result.id
            self._activations = tuple(
                result if a.id == result.id else a for a in self._activations
            ) if any(a.id == result.id for a in self._activations) else (result, *self._activations)  # fmt: skip
            self._fill_plan()
            self.tabs.setCurrentIndex(self.PAGE_PLAN)
            self._say(lambda: self.tr("预案已更新") if action != "activate"
                      else self.tr("预案已启动，请逐项确认"), "good")  # fmt: skip
            if action == "activate" and result.incident_id is not None:
                self._follow(result.incident_id, "plan")  # the surge case is now in focus
            if self._pending_layout is not None and self._pending_layout[0] == result.id:
                idx = self._pending_layout[1]
                self._pending_layout = None
                item = result.items[idx]
                if item.state == "confirmed":
                    self.layout_requested.emit(int(item.ref), list(item.cameras))
        elif action in STEP_LABELS:
            self._say(lambda: label(STEP_LABELS, action) + " ✓", "good")

    def _on_refused(self, action: str, r: Refusal) -> None:
        self._pending_layout = None
        def text() -> str:
            return refusal_text(r.code, r.message, domain="dispatch", params=r.params)

        self._say(text, "alarm")
        if action == "propose":
            iid = r.params.get("id")
            if isinstance(iid, int) and iid == self._focus:
                self._withdraw(iid, text)
            return
        if r.code == "already_active" and isinstance(r.current, ActivationView):
            self._activation_id = r.current.id
            self.tabs.setCurrentIndex(self.PAGE_PLAN)
        elif action == "dispatch" and self._proposal is not None:
            self._follow(self._proposal.proposal.incident_id, "selected")  # fresh choices

    # ==== language =====================================================================
    def retranslate(self) -> None:
        for k, text in enumerate((QT_TRANSLATE_NOOP("DispatchPanel", "看板"),
                                  QT_TRANSLATE_NOOP("DispatchPanel", "派遣"),
                                  QT_TRANSLATE_NOOP("DispatchPanel", "预案"))):  # fmt: skip
            self.tabs.setTabText(k, tr(text))
        for status, h in self.status_headers.items():
            h.setText(label(STATUS_LABELS, status))
        for level, h in self.level_headers.items():
            h.setText(label(LEVEL_LABELS, level))
        self.total_header.setText(self.tr("合计"))
        self.proposal_table.setHorizontalHeaderLabels(
            [self.tr("单位"), self.tr("级别"), self.tr("距离"), self.tr("预计到达")])
        self.plan_table.setHorizontalHeaderLabels([self.tr("事项"), self.tr("类型"), self.tr("说明"), self.tr("状态")])
        self.dispatch_button.setText(self.tr("确认派遣"))
        self.back_button.setText(self.tr("返回看板"))
        self.confirm_button.setText(self.tr("确认"))
        self.decline_button.setText(self.tr("不采纳"))
        self.substitute_button.setText(self.tr("替换单位"))
        self.close_plan_button.setText(self.tr("结束预案"))
        self.cancel_button.setText(self.tr("取消派遣"))
        self.unit_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(UNIT_COLUMNS) - 1)
        self._update_unit_buttons()
        self.show_surge(self._surge)
        # What was composed in the language before: the pages' titles and tables, the line.
        if self._proposal is not None:
            t = self.proposal_table
            ticked = [(i := t.item(r, 0)) is not None and i.checkState() == Qt.CheckState.Checked
                      for r in range(t.rowCount())]  # fmt: skip
            self._fill_proposal(self._proposal, ticked)
        elif self._proposal_title_text is not None:
            self.proposal_title.setText(self._proposal_title_text())
        self._fill_plan()
        if self._message_text is not None:
            self.message.setText(self._message_text())

    def shutdown(self) -> None:
        self._clock.stop()
        self.state.stop()
