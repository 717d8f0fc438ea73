"""The hotline operator's form (热线受理): category, urgency, channel, where (grid code or a
click on the map), who called, what happened. Submitting posts `incidents.report_in` to
the incident worker; a refusal comes back as a code and is shown as a Chinese sentence
(e.g. "该网格不在本中心辖区内"). The form never touches the database itself.

Each call carries a submit key made when the form starts a call: submitting again after
an unknown outcome (the connection lost before the answer) sends the same key, so the
call is filed once; a filed (cleared) form starts the next call with a new key.

Wire the map's click to `set_location(lon, lat)` (the worker then tells which grid cell
holds that point) or, with the cell already known, to `take_cell(code, township,
community)`; the line under the grid field says which cell and place were chosen.

On the wall the form is a frame docked over the right column (`dock_over`), so it never
covers the map the operator is picking a place on, nor the cell card that click opens;
关闭 or Esc puts it away. Without a wall it is a window of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import incidents
from services.accounts import Actor
from ui.incidents.overlays import escape_for
from ui.incidents.state import HotlineReport, IncidentState
from ui.kit.refusal import Refusal, refusal_text
from widgets.incident_labels import channel_label, priority_label
from widgets.incident_style import incident_stylesheet, theme_colors
from widgets.labels import category_label
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change

# Channels a person at the console takes in (follow-ups and conferences come from the
# workflow itself).
FORM_CHANNELS = tuple(c for c in incidents.CHANNELS if c not in ("follow_up", "conference"))
PRIORITIES = (1, 2, 3, 4)
CAPTIONS: dict[str, str] = {  # the form's rows, top to bottom (the location line aside)
    "category": QT_TRANSLATE_NOOP("HotlineForm", "事件类别"),
    "priority": QT_TRANSLATE_NOOP("HotlineForm", "紧急程度"),
    "channel": QT_TRANSLATE_NOOP("HotlineForm", "来源渠道"),
    "grid": QT_TRANSLATE_NOOP("HotlineForm", "网格"),
    "reporter": QT_TRANSLATE_NOOP("HotlineForm", "来电人"),
    "phone": QT_TRANSLATE_NOOP("HotlineForm", "电话"),
    "address": QT_TRANSLATE_NOOP("HotlineForm", "地址"),
    "description": QT_TRANSLATE_NOOP("HotlineForm", "描述"),
}


class HotlineForm(QFrame):
    """Non-modal: it stays open beside the map while the operator works."""

    reported = Signal(int)  # the new incident's id

    def __init__(self, state: IncidentState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hotlineForm")
        self.state = state
        self._lon: float | None = None
        self._lat: float | None = None
        self._busy = False
        self._call_key = uuid.uuid4().hex  # this call's submit key; a cleared form is a new call
        self._anchor: Callable[[float], QRect] | None = None
        self._host: QWidget | None = None
        self._scale = 1.0
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("hotlineClose")
        self.close_button.setToolTip("Esc")
        self.close_button.clicked.connect(self.close_form)
        self.close_button.hide()

        self.title = QLabel(self)
        self.title.setObjectName("incTitle")
        self.category = QComboBox(self)
        self.category.setObjectName("category")
        for code in (None, *incidents.CATEGORIES):
            self.category.addItem("", code)
        self.priority = QComboBox(self)
        self.priority.setObjectName("priority")
        for p in PRIORITIES:
            self.priority.addItem("", p)
        self.priority.setCurrentIndex(2)
        self.channel = QComboBox(self)
        self.channel.setObjectName("channel")
        for code in FORM_CHANNELS:
            self.channel.addItem("", code)
        self.channel.setCurrentIndex(FORM_CHANNELS.index("hotline"))
        self.grid_code = QLineEdit(self)
        self.grid_code.setObjectName("gridCode")
        self.location = QLabel(self)
        self.location.setObjectName("incHint")
        self.reporter = QLineEdit(self)
        self.reporter.setObjectName("reporter")
        self.phone = QLineEdit(self)
        self.phone.setObjectName("phone")
        self.address = QLineEdit(self)
        self.address.setObjectName("address")
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("description")
        self.message = QLabel(self)
        self.message.setObjectName("incMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self._message_text: Callable[[], str] = str  # the line shown, said again on a switch
        self._location_text: Callable[[], str] = lambda: self.tr("未选位置")
        self.hint = QLabel(self)
        self.hint.setObjectName("incHint")
        self.submit = QPushButton(self)
        self.submit.setObjectName("submit")
        self.clear_button = QPushButton(self)
        self.captions = {key: self._caption() for key in CAPTIONS}

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.captions["category"], self.category)
        form.addRow(self.captions["priority"], self.priority)
        form.addRow(self.captions["channel"], self.channel)
        form.addRow(self.captions["grid"], self.grid_code)
        form.addRow(QLabel(self), self.location)
        form.addRow(self.captions["reporter"], self.reporter)
        form.addRow(self.captions["phone"], self.phone)
        form.addRow(self.captions["address"], self.address)
        form.addRow(self.captions["description"], self.description)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.close_button)
        layout.addLayout(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.submit.clicked.connect(self._submit)
        self.clear_button.clicked.connect(self.clear)
        self.grid_code.textEdited.connect(self._grid_typed)
        state.report_done.connect(self._done)
        state.report_refused.connect(self._refused)
        state.location_ready.connect(self._located)
        state.location_refused.connect(self._location_refused)
        state.actor_changed.connect(self.set_actor)
        self.set_actor(state.actor())
        self.retranslate()
        on_language_change(self, self.retranslate)
        self.set_ui_scale(1.0)

    def _caption(self) -> QLabel:
        label = QLabel(self)
        label.setObjectName("incCaption")
        return label

    def retranslate(self) -> None:
        """Every text of the form in the language now in use; what was typed and picked
        stays, and the location line and the message are said again."""
        self.setWindowTitle(self.tr("热线受理登记"))
        self.title.setText(self.tr("热线受理登记"))
        self.close_button.setText(self.tr("关闭"))
        for key, label in self.captions.items():
            label.setText(QCoreApplication.translate("HotlineForm", CAPTIONS[key]))
        self.category.setItemText(0, self.tr("请选择类别"))
        for i, code in enumerate(incidents.CATEGORIES, start=1):
            self.category.setItemText(i, category_label(code))
        for i, p in enumerate(PRIORITIES):
            self.priority.setItemText(i, priority_label(p))
        for i, code in enumerate(FORM_CHANNELS):
            self.channel.setItemText(i, channel_label(code))
        self.grid_code.setPlaceholderText(self.tr("网格编码，或在地图上点选位置"))
        self.reporter.setPlaceholderText(self.tr("来电人姓名"))
        self.phone.setPlaceholderText(self.tr("联系电话"))
        self.address.setPlaceholderText(self.tr("事发地址"))
        self.description.setPlaceholderText(self.tr("事件描述：发生了什么、涉及人员、现场情况"))
        self.hint.setText(self.tr("登录后可受理来电"))
        self.submit.setText(self.tr("提交登记"))
        self.clear_button.setText(self.tr("清空"))
        self.location.setText(self._location_text())
        self.message.setText(self._message_text())

    def _say_where(self, text: Callable[[], str]) -> None:
        """The line under the grid field (a function: it is said again after a switch)."""
        self._location_text = text
        self.location.setText(text())

    # -- public slots --------------------------------------------------------------------

    def set_location(self, lon: float, lat: float) -> None:
        """A position picked on the map; the grid cell that holds it is looked up."""
        self._lon, self._lat = lon, lat
        self._say_where(lambda: self.tr("已选位置 {lon:.5f}, {lat:.5f}，查找网格…").format(
            lon=lon, lat=lat))  # fmt: skip
        self.state.locate(lon, lat)

    def take_cell(self, code: str, township: str = "", community: str = "") -> None:
        """A grid cell picked on the map (its card opened): the form takes its code and
        says which cell and place it is; an empty address gets the place's name."""
        self._lon = self._lat = None
        self.grid_code.setText(code)
        place = " ".join(p for p in (township, community) if p)
        self._say_where(
            lambda: self.tr("已选网格 {code}（{place}）").format(code=code, place=place) if place
            else self.tr("已选网格 {code}").format(code=code)
        )  # fmt: skip
        if place and not self.address.text().strip():
            self.address.setText(f"{township}{community}")

    # -- on a wall -----------------------------------------------------------------------

    def dock_over(self, host: QWidget, anchor: Callable[[float], QRect]) -> None:
        """Lie over `host` at `anchor(scale)` (host coordinates, the form's own height at
        most), hidden until `open()`; follows the host's resizes."""
        self._anchor = anchor
        self._host = host
        self.hide()
        self.setParent(host)
        self.setAutoFillBackground(True)
        self.close_button.show()
        escape_for(host).register(self, self.close_form)  # one Esc with the case sheet
        host.installEventFilter(self)
        self.set_ui_scale(self._scale)

    def open(self) -> None:
        """Show the form (placed on a wall) and put the cursor in its first field."""
        self.place()
        self.show()
        self.raise_()
        self.category.setFocus()

    def close_form(self) -> None:
        if self._anchor is not None:
            self.hide()

    def place(self) -> None:
        if self._anchor is None:
            return
        rect = self._anchor(self._scale)
        self.ensurePolished()  # a hidden form keeps the size of its previous scale's style
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        hint = max(self.sizeHint().height(), self.minimumSizeHint().height())
        if rect.height() < hint:  # a short column: rise over what is above, never squeeze rows
            rect.setTop(max(0, rect.bottom() - hint))
        rect.setHeight(min(rect.height(), hint))
        self.setGeometry(rect)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._host and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self._anchor is not None:
            self.close_form()
            return
        super().keyPressEvent(event)

    def set_actor(self, actor: Actor | None) -> None:
        may = actor is not None and actor.may("intake")
        self.submit.setEnabled(may and not self._busy)
        self.hint.setVisible(not may)

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        c = theme_colors()
        frame = (
            f"#hotlineForm {{ background: {c['panel']}; border: 2px solid {c['accent']}; }}"
        )
        restyle(self, incident_stylesheet(scale) + frame)
        self.description.setMinimumHeight(round(110 * scale))
        self.setMinimumWidth(round(480 * scale))
        if self.isVisible():
            self.place()

    def clear(self) -> None:
        self.category.setCurrentIndex(0)
        self.priority.setCurrentIndex(2)
        self.grid_code.clear()
        self.reporter.clear()
        self.phone.clear()
        self.address.clear()
        self.description.clear()
        self._lon = self._lat = None
        self._call_key = uuid.uuid4().hex
        self._say_where(lambda: self.tr("未选位置"))

    def report_value(self) -> HotlineReport:
        """What the form would submit now."""
        reporter = self.reporter.text().strip()
        phone = self.phone.text().strip()
        if phone:
            reporter = f"{reporter}（{phone}）" if reporter else phone
        return HotlineReport(
            category=self.category.currentData() or "",
            description=self.description.toPlainText().strip(),
            channel=self.channel.currentData(),
            priority=int(self.priority.currentData()),
            grid_code=self.grid_code.text().strip(),
            lon=self._lon,
            lat=self._lat,
            reporter=reporter,
            address=self.address.text().strip(),
            submit_key=self._call_key,
        )

    # -- internals -----------------------------------------------------------------------

    def _show(self, text: Callable[[], str], tone: str) -> None:
        self._message_text = text
        self.message.setText(text())
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def _submit(self) -> None:
        value = self.report_value()
        # Checked here only to point at the empty field; the service checks again.
        if not value.category:
            self._show(lambda: refusal_text("category"), "alarm")
            return
        if not value.grid_code and value.lon is None:
            self._show(lambda: refusal_text("no_location"), "alarm")
            return
        if not value.description:
            self._show(lambda: refusal_text("description"), "alarm")
            return
        self._busy = True
        self.submit.setEnabled(False)
        self._show(lambda: self.tr("正在提交…"), "info")
        self.state.report(value)

    def _done(self, incident_id: int) -> None:
        if not self._busy:
            return
        self._busy = False
        self.set_actor(self.state.actor())
        self.clear()
        self._show(
            lambda: self.tr("已登记 #{id}，由本中心受理：自办或分流派单").format(id=incident_id),
            "good",
        )
        self.reported.emit(incident_id)

    def _refused(self, refusal: Refusal) -> None:
        if not self._busy:
            return
        self._busy = False
        self.set_actor(self.state.actor())
        grid = refusal.params.get("grid")

        def said() -> str:
            text = refusal_text(refusal.code, refusal.message)
            if refusal.code in ("outside_grid", "no_grid_code") and grid:
                text = f"{text}（{grid}）"
            return self.tr("未能登记：{reason}").format(reason=text)

        self._show(said, "alarm")

    def _grid_typed(self, _text: str) -> None:
        # A typed code replaces a picked position.
        self._lon = self._lat = None
        self._say_where(lambda: self.tr("按网格编码定位"))

    def _located(self, lon: float, lat: float, code: str) -> None:
        if (lon, lat) != (self._lon, self._lat):
            return  # an older click
        self.grid_code.setText(code)
        self._say_where(lambda: self.tr("已选位置 {lon:.5f}, {lat:.5f} → 网格 {code}").format(
            lon=lon, lat=lat, code=code))  # fmt: skip

    def _location_refused(self, lon: float, lat: float, refusal: Refusal) -> None:
        if (lon, lat) != (self._lon, self._lat):
            return
        self._lon = self._lat = None
        self._say_where(lambda: refusal_text(refusal.code, refusal.message))
