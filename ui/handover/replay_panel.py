"""班次回放: a time slider over a shift; the wall's counts, the open cases and the map's
cell values as they were at that moment.

The state's worker reads the shift's timelines once (`HandoverState.load_replay`); every
slider position is then computed in memory (services.handover.replay), with no database on the GUI
thread. `cells_at(dict)` carries {grid id: value} of the chosen metric for the map.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.handover.page import ReplayData
from services.handover.replay import METRICS, Moment
from ui.handover.state import HandoverState
from widgets.incident_labels import priority_label
from widgets.labels import category_label, status_label
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change

TZ = "Asia/Shanghai"
STEP_MIN = 1  # slider resolution in minutes
METRIC_NAMES = {
    "open": QT_TRANSLATE_NOOP("ReplayPanel", "未办结"),
    "overdue": QT_TRANSLATE_NOOP("ReplayPanel", "超期"),
    "reported_today": QT_TRANSLATE_NOOP("ReplayPanel", "今日上报"),
}
COUNT_NAMES = (
    ("reported_today", QT_TRANSLATE_NOOP("ReplayPanel", "今日上报")),
    ("open", QT_TRANSLATE_NOOP("ReplayPanel", "未办结")),
    ("overdue", QT_TRANSLATE_NOOP("ReplayPanel", "超期")),
    ("resolved_today", QT_TRANSLATE_NOOP("ReplayPanel", "今日办结")),
    ("supervised", QT_TRANSLATE_NOOP("ReplayPanel", "督办中")),
)
MAX_ROWS = 200
TIME_PX = 26  # the moment shown, at UI scale 1
VALUE_PX = 34  # the counts at that moment, at UI scale 1


def _local(at: datetime, fmt: str) -> str:
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(TZ)).strftime(fmt)


class ReplayPanel(QWidget):
    """Slider over the shift; counts, open cases and `cells_at` follow it."""

    cells_at = Signal(object)  # dict[int, float]: the chosen metric per grid cell at the moment
    moment_changed = Signal(object)  # services.handover.replay.Moment

    def __init__(self, state: HandoverState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.data: ReplayData | None = None
        self.moment: Moment | None = None

        self._scale = 1.0
        self.title = QLabel(self)
        self.title.setObjectName("replayTitle")
        self.load_button = QPushButton(self)
        self.load_button.clicked.connect(lambda: self.state.load_replay())
        self.metric_box = QComboBox(self)
        for m in METRICS:
            self.metric_box.addItem("", m)
        self.metric_box.currentIndexChanged.connect(lambda _i: self._show())
        self.metric_caption = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.metric_caption)
        top.addWidget(self.metric_box)
        top.addWidget(self.load_button)

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("replaySlider")
        self.slider.setEnabled(False)
        self.slider.valueChanged.connect(lambda _v: self._show())
        self.start_label = QLabel("—", self)
        self.end_label = QLabel("—", self)
        self.time_label = QLabel("—", self)
        self.time_label.setObjectName("replayTime")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = QHBoxLayout()
        bar.addWidget(self.start_label)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.end_label)

        tiles = QGridLayout()
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for k, (key, _name) in enumerate(COUNT_NAMES):
            cap = QLabel(self)
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            val = QLabel("—", self)
            val.setObjectName(f"replay_{key}")
            val.setAlignment(Qt.AlignmentFlag.AlignCenter)
            tiles.addWidget(val, 0, k)
            tiles.addWidget(cap, 1, k)
            self.values[key] = val
            self.captions[key] = cap

        self.cases = QTableWidget(0, 6, self)
        self.cases.setObjectName("replayCases")
        self.cases.verticalHeader().hide()
        self.cases.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Each column as wide as its text (a time or a state is never cut); the marks last.
        self.cases.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.cases.horizontalHeader().setStretchLastSection(True)
        self.total_label = QLabel(self)

        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(self.time_label)
        v.addLayout(bar)
        v.addLayout(tiles)
        v.addWidget(self.total_label)
        v.addWidget(self.cases, 1)
        state.replay_ready.connect(self.set_replay)
        self.set_ui_scale(1.0)
        self.retranslate()
        on_language_change(self, self._language_changed)

    # -- language and scale ----------------------------------------------------------

    def retranslate(self) -> None:
        """The panel's own captions in the console's language."""
        self.load_button.setText(self.tr("回放所选班次"))
        self.metric_caption.setText(self.tr("地图着色"))
        for i in range(self.metric_box.count()):
            self.metric_box.setItemText(i, self.tr(METRIC_NAMES[str(self.metric_box.itemData(i))]))
        for key, name in COUNT_NAMES:
            self.captions[key].setText(self.tr(name))
        self.cases.setHorizontalHeaderLabels([self.tr("编号"), self.tr("类别"), self.tr("状态"),
                                              self.tr("紧急"), self.tr("上报"),
                                              self.tr("标记")])  # fmt: skip

    def _language_changed(self) -> None:
        """The captions, and the moment on screen composed again in the new language."""
        self.retranslate()
        if self.data is not None:
            self._show_title(self.data)
            self._show()

    def set_ui_scale(self, scale: float) -> None:
        """The moment and its counts are the panel's large text: they follow the wall's
        scale (the rest takes its fonts from the wall's sheet)."""
        self._scale = scale
        restyle(self.time_label, f"font-size: {round(TIME_PX * scale)}px; font-weight: bold;")
        for val in self.values.values():
            restyle(val, f"font-size: {round(VALUE_PX * scale)}px; font-weight: bold;")
        # The header's own padding: a column sized to its cells still fits its caption.
        restyle(
            self.cases,
            f"QHeaderView::section {{ padding: {round(2 * scale)}px {round(6 * scale)}px; }}"
        )

    # -- input ---------------------------------------------------------------------

    def set_replay(self, data: ReplayData) -> None:
        self.data = data
        span = data.replay.end - data.replay.start
        self.slider.blockSignals(True)
        self.slider.setRange(0, int(span.total_seconds() // 60) // STEP_MIN)
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self.slider.setEnabled(True)
        self.start_label.setText(_local(data.replay.start, "%m-%d %H:%M"))
        self.end_label.setText(_local(data.replay.end, "%m-%d %H:%M"))
        self._show_title(data)
        self._show()

    def _show_title(self, data: ReplayData) -> None:
        self.title.setText(self.tr("班次回放 · 值班员 {name}").format(name=data.shift.duty_officer))

    def set_time(self, at: datetime) -> None:
        """Move the slider to a moment (naive UTC) of the loaded shift."""
        if self.data is None:
            return
        minutes = int((at - self.data.replay.start).total_seconds() // 60) // STEP_MIN
        self.slider.setValue(max(0, min(self.slider.maximum(), minutes)))
        self._show()

    def current_time(self) -> datetime | None:
        if self.data is None:
            return None
        at = self.data.replay.start + timedelta(minutes=self.slider.value() * STEP_MIN)
        return min(at, self.data.replay.end)

    # -- output --------------------------------------------------------------------

    def _show(self) -> None:
        at = self.current_time()
        if self.data is None or at is None:
            return
        m = self.data.replay.at(at, max_cases=MAX_ROWS)
        self.moment = m
        self.time_label.setText(_local(m.at, "%Y-%m-%d %H:%M"))
        for key, label in self.values.items():
            label.setText(str(getattr(m.counts, key)))
        self.total_label.setText(self.tr("此刻未办结 {n} 件（列出前 {k} 件：督办、超期在前）").format(
            n=m.open_total, k=len(m.open_cases)))  # fmt: skip
        self.cases.setRowCount(len(m.open_cases))
        for r, c in enumerate(m.open_cases):
            marks = []
            if c.supervised:
                marks.append(self.tr("督办"))
            if c.overdue:
                marks.append(self.tr("超期"))
            row = [f"#{c.id}", category_label(c.category), status_label(c.status),
                   priority_label(c.priority), _local(c.reported_at, "%m-%d %H:%M"),
                   " ".join(marks)]  # fmt: skip
            for k, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c.overdue:
                    item.setForeground(Qt.GlobalColor.red)
                self.cases.setItem(r, k, item)
        metric = str(self.metric_box.currentData() or "open")
        self.cells_at.emit(dict(m.cells[metric]))
        self.moment_changed.emit(m)
