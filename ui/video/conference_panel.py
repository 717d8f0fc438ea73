"""视频会商: convene rooms into the video wall, roll call, minutes, end, and the record.

The panel belongs to a VideoPanel: it runs its use cases on the video panel's database
lane and takes each room's playing state from the tile of its slot. Roll call (点名) marks
a room present once its stream plays, absent if it does not within `roll_call_ms`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from html import escape
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.incidents.cases import IncidentPolicy
from services.video import conference
from services.video.conference import ConferenceRecord, Room
from ui.kit.refusal import error_text
from ui.video.state import VideoLane
from widgets.style_sheet import restyle
from widgets.translate import on_language_change
from widgets.video.video_tile import VideoTile


class VideoSlots(Protocol):
    """What the conference window needs of the video panel that opens it: the account,
    its lane, re-reading the wall after rooms are seated, and the tile of a slot."""

    actor: Actor
    worker: VideoLane
    incident_policy: IncidentPolicy  # a decision turned into a case gets its deadlines
    incident_id: int | None  # the case in focus (selected in the case panel, or a plan's)

    def reload(self) -> None: ...

    def tile(self, index: int) -> VideoTile: ...

ROLL_CALL_MS = 10_000
SIZE = (1100, 760)
"""The window's size at UI scale 1 (the wall's scale multiplies it, within the wall)."""
FONT_PX = 20
"""Body text at UI scale 1: larger than the wall's panels, the window is read from afar."""


_display_tz: tzinfo | None = None  # None: the machine's zone


def set_display_timezone(name: str) -> None:
    """Show times in the center's zone (settings.timezone), whatever the machine's is."""
    global _display_tz
    _display_tz = ZoneInfo(name)


def local_time(at: datetime | None, fmt: str = "%H:%M:%S") -> str:
    """A stored naive-UTC time in the center's zone."""
    if at is None:
        return "—"
    return at.replace(tzinfo=UTC).astimezone(_display_tz).strftime(fmt)


class RollCall(QObject):
    """Waits for each participant's tile to play; `finished(dict[int, bool])` once decided."""

    finished = Signal(object)

    def __init__(self, tiles: dict[int, VideoTile | None], timeout_ms: int = ROLL_CALL_MS,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._tiles = tiles
        self._result: dict[int, bool] = {}
        self._done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._finish)

    def start(self) -> None:
        for pid, tile in self._tiles.items():
            if tile is None or not tile.url():
                self._result[pid] = False
            elif tile.state() == "playing":
                self._result[pid] = True
            else:
                tile.state_changed.connect(lambda state, pid=pid: self._on_state(pid, state))
        self._timer.start()
        self._check()

    def _on_state(self, pid: int, state: str) -> None:
        if state == "playing" and not self._done:
            self._result[pid] = True
            self._check()

    def _check(self) -> None:
        if len(self._result) == len(self._tiles):
            self._finish()

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        result = {pid: self._result.get(pid, False) for pid in self._tiles}
        self.finished.emit(result)


class ConferencePanel(QWidget):
    """Convene → running (roll call, minutes, end) → the record."""

    record_changed = Signal(object)  # ConferenceRecord

    def __init__(self, video_panel: VideoSlots, *, roll_call_ms: int = ROLL_CALL_MS) -> None:
        super().__init__(video_panel if isinstance(video_panel, QWidget) else None,
                         Qt.WindowType.Window)  # fmt: skip
        self.video = video_panel
        self.actor = video_panel.actor
        self.worker = video_panel.worker
        self.roll_call_ms = roll_call_ms
        self.record: ConferenceRecord | None = None
        self._rooms: list[Room] = []
        self._incident_id: int | None = None
        self._roll: RollCall | None = None
        self._status: tuple[Callable[[], str], str] | None = None  # re-rendered on a switch
        self._scale = 1.0
        self._default_title = ""  # the default title, in the language it was put in
        self.setObjectName("conferenceWindow")
        self.resize(*SIZE)
        # A wall without a window manager gives the window no title bar: close it here.
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("conferenceClose")
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        self.pages = QStackedWidget(self)
        # -- convene
        convene = QWidget()
        cv = QVBoxLayout(convene)
        self.title_edit = QLineEdit(convene)
        self.incident_label = QLabel(convene)
        self.room_list = QListWidget(convene)
        self.room_list.setObjectName("conferenceRooms")
        self.convene_button = QPushButton(convene)
        self.convene_button.clicked.connect(self.convene)
        self.history_title = QLabel(convene)
        self.history = QListWidget(convene)  # past conferences: their records stay readable
        self.history.setObjectName("conferenceHistory")
        self.history.itemActivated.connect(self._history_activated)
        for w in (self.title_edit, self.incident_label, self.room_list, self.convene_button,
                  self.history_title, self.history):  # fmt: skip
            cv.addWidget(w)
        cv.setStretch(2, 3)
        cv.setStretch(5, 2)
        self._history: list[ConferenceRecord] = []
        # -- running
        running = QWidget()
        rv = QVBoxLayout(running)
        self.heading = QLabel(running)
        self.heading.setObjectName("conferenceHeading")
        self.participants = QTableWidget(0, 3, running)
        self.participants.verticalHeader().hide()
        self.roll_button = QPushButton(running)
        self.roll_button.clicked.connect(self.roll_call)
        self.minutes = QTableWidget(0, 4, running)
        self.minutes.verticalHeader().hide()
        entry = QHBoxLayout()
        self.kind_box = QComboBox(running)
        # Never squeezed into "…" beside the wide text field: as wide as its longest item.
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_box.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.minute_text = QLineEdit(running)
        self.owner_edit = QLineEdit(running)
        self.add_button = QPushButton(running)
        self.add_button.clicked.connect(self.add_minute)
        entry.addWidget(self.kind_box)
        entry.addWidget(self.minute_text, 3)
        entry.addWidget(self.owner_edit, 1)
        entry.addWidget(self.add_button)
        self.end_button = QPushButton(running)
        self.end_button.clicked.connect(self.end)
        self.task_button = QPushButton(running)  # the selected decision becomes a case task
        self.task_button.clicked.connect(self.minute_to_task)
        row = QHBoxLayout()
        row.addWidget(self.roll_button)
        row.addWidget(self.task_button)
        row.addStretch(1)
        row.addWidget(self.end_button)
        rv.addWidget(self.heading)
        rv.addWidget(self.participants, 2)
        rv.addLayout(row)
        rv.addWidget(self.minutes, 2)
        rv.addLayout(entry)
        # -- record
        done = QWidget()
        dv = QVBoxLayout(done)
        self.record_view = QTextBrowser(done)
        self.new_button = QPushButton(done)
        self.new_button.clicked.connect(self.start_new)
        dv.addWidget(self.record_view, 1)
        dv.addWidget(self.new_button)
        for page in (convene, running, done):
            self.pages.addWidget(page)

        self.status = QLabel(self)
        self.status.setObjectName("conferenceStatus")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.close_button)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.status)
        self.set_ui_scale(1.0)
        self.retranslate()
        on_language_change(self, self._language_changed)
        self.load()

    # -- helpers ---------------------------------------------------------------------

    def _tr(self, text: str) -> str:
        return QCoreApplication.translate("ConferencePanel", text)

    def _refused(self, exc: Exception) -> None:
        """A refusal in the console's language (the refusal kit), large and in alarm colour."""
        self._say(lambda: error_text(exc, domain="video"), "alarm")

    def _say(self, render: Callable[[], str], tone: str = "info") -> None:
        """The status line; `render` composes it and runs again after a language switch."""
        self._status = (render, tone)
        self.status.setText(render())
        self.status.setProperty("tone", tone)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def place_in(self, area: QRect) -> None:
        """Open inside this screen area (the wall below its header), never over the header."""
        width, height = min(self.width(), area.width()), min(self.height(), area.height())
        self.resize(width, height)
        self.move(area.x() + (area.width() - width) // 2, area.y())  # the frame's top-left

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """On the convene page, the case in focus is the one the conference is for."""
        if self.record is None and self.pages.currentIndex() == 0:
            self.set_incident(self.video.incident_id)
        super().showEvent(event)

    def load(self) -> None:
        """Show the running conference if there is one, else the convene page."""
        actor = self.actor

        def read(
            s: Session,
        ) -> tuple[ConferenceRecord | None, list[Room], list[ConferenceRecord]]:
            return (conference.running_conference(s, actor), conference.rooms(s, actor),
                    conference.recent_conferences(s, actor))  # fmt: skip

        self.worker.call(read, self._loaded, self._refused)

    def _loaded(
        self, value: tuple[ConferenceRecord | None, list[Room], list[ConferenceRecord]]
    ) -> None:
        record, rooms, history = value
        self._rooms = rooms
        self._history = [h for h in history if not h.running]
        self.history.clear()
        for h in self._history:
            self.history.addItem(self._history_text(h))
        self.room_list.clear()
        for room in rooms:
            item = QListWidgetItem(self._room_text(room))
            item.setData(Qt.ItemDataRole.UserRole, room.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.room_list.addItem(item)
        if record is not None:
            self.show_record(record)
        else:
            self.pages.setCurrentIndex(0)

    def _history_text(self, h: ConferenceRecord) -> str:
        return (f"{local_time(h.started_at, '%m-%d %H:%M')}  {h.title}"
                f"  ({len(h.participants)} {self._tr('方')}, {len(h.minutes)} {self._tr('项纪要')})")  # fmt: skip

    def _room_text(self, room: Room) -> str:
        kind = self._tr("部门") if room.kind == "department" else self._tr("指挥中心")
        return f"{room.name}（{kind}）"

    # -- use cases -------------------------------------------------------------------

    def set_incident(self, incident_id: int | None, title: str = "") -> None:
        """Convene for this incident (from the incident selection)."""
        self._incident_id = incident_id
        if title:
            self.title_edit.setText(title)
        self.retranslate()

    def check_rooms(self, keys: list[tuple[str, int]]) -> None:
        """Tick these rooms in the convene list."""
        wanted = set(keys)
        for i in range(self.room_list.count()):
            item = self.room_list.item(i)
            key = tuple(item.data(Qt.ItemDataRole.UserRole))
            item.setCheckState(Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)

    def rooms(self) -> list[Room]:
        return list(self._rooms)

    def convene(self) -> None:
        keys = [
            tuple(self.room_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.room_list.count())
            if self.room_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        actor, title, incident = self.actor, self.title_edit.text(), self._incident_id

        def job(s: Session) -> ConferenceRecord:
            cid = conference.convene(s, actor, title, keys, incident_id=incident)
            return conference.conference_record(s, cid)

        def done(record: ConferenceRecord) -> None:
            self.video.reload()  # the rooms are in their slots now
            self.show_record(record)

        self.worker.call(job, done, self._refused)

    def roll_call(self) -> None:
        """点名: each room is present once its slot plays, absent after the timeout."""
        if self.record is None or self._roll is not None:
            return
        tiles = {
            p.id: self.video.tile(p.slot_index) if p.slot_index is not None else None
            for p in self.record.participants
        }
        self._roll = RollCall(tiles, self.roll_call_ms, self)
        self._roll.finished.connect(self._roll_done)
        self.roll_button.setEnabled(False)
        self._say(lambda: self._tr("点名中…"))
        self._roll.start()

    def _roll_done(self, results: dict[int, bool]) -> None:
        self._roll = None
        self.roll_button.setEnabled(True)
        if self.record is None:
            return
        actor, cid = self.actor, self.record.id
        self.worker.call(
            lambda s: conference.record_roll_call(s, actor, cid, results),
            self.show_record, self._refused,
        )  # fmt: skip

    def add_minute(self) -> None:
        if self.record is None:
            return
        actor, cid = self.actor, self.record.id
        kind = str(self.kind_box.currentData())
        text, owner = self.minute_text.text(), self.owner_edit.text()

        def job(s: Session) -> ConferenceRecord:
            conference.add_minute(s, actor, cid, kind, text, owner)
            return conference.conference_record(s, cid)

        def done(record: ConferenceRecord) -> None:
            self.minute_text.clear()
            self.show_record(record)

        self.worker.call(job, done, self._refused)

    def end(self) -> None:
        if self.record is None:
            return
        actor, cid = self.actor, self.record.id

        def done(record: ConferenceRecord) -> None:
            self.video.reload()
            self.show_record(record)

        self.worker.call(lambda s: conference.end(s, actor, cid), done, self._refused)

    def _history_activated(self, item: QListWidgetItem) -> None:
        row = self.history.row(item)
        if 0 <= row < len(self._history):
            self.show_record(self._history[row])

    def minute_to_task(self) -> None:
        """The selected decision or task becomes an incident task (a follow-up case)."""
        if self.record is None:
            return
        row = self.minutes.currentRow()
        if not 0 <= row < len(self.record.minutes):
            self._say(lambda: self._tr("请先在纪要中选择一项决定"), "alarm")
            return
        actor, minute, cid = self.actor, self.record.minutes[row], self.record.id
        policy = self.video.incident_policy

        def job(s: Session) -> ConferenceRecord | None:
            conference.decision_to_task(s, actor, minute.id, policy=policy)
            return conference.conference_record(s, cid)

        def done(record: ConferenceRecord | None) -> None:
            if record is not None:
                self.show_record(record)
            self._say(lambda: self._tr("已转为事件任务"))

        self.worker.call(job, done, self._refused)

    def start_new(self) -> None:
        self.record = None
        self.pages.setCurrentIndex(0)
        self.set_incident(self.video.incident_id)
        self.load()

    # -- showing ---------------------------------------------------------------------

    def show_record(self, record: ConferenceRecord) -> None:
        self.record = record
        self.status.clear()
        self._status = None
        if record.running:
            self._show_running(record)
            self.pages.setCurrentIndex(1)
        else:
            self.record_view.setHtml(self.record_html(record))
            self.pages.setCurrentIndex(2)
        self.record_changed.emit(record)

    def presence_text(self, present: bool | None) -> str:
        if present is None:
            return self._tr("待点名")
        return self._tr("到会") if present else self._tr("未到")

    def _show_running(self, record: ConferenceRecord) -> None:
        self.heading.setText(self._tr("{title}  开始 {at}").format(
            title=record.title, at=local_time(record.started_at)))  # fmt: skip
        # The service says whether minutes can become tasks (a conference held for a case).
        self.task_button.setEnabled(record.makes_tasks)
        self.task_button.setToolTip("" if record.makes_tasks else self._tr("本次会商未关联事件"))
        self.participants.setRowCount(len(record.participants))
        for r, p in enumerate(record.participants):
            slot = str(p.slot_index + 1) if p.slot_index is not None else "—"
            for c, text in enumerate((p.label, slot, self.presence_text(p.present))):
                self.participants.setItem(r, c, QTableWidgetItem(text))
        self.minutes.setRowCount(len(record.minutes))
        for r, m in enumerate(record.minutes):
            kind = self._tr("决定") if m.kind == "decision" else self._tr("任务")
            text_shown = m.text + (f"  → #{m.incident_id}" if m.incident_id else "")
            for c, text in enumerate((local_time(m.at, "%H:%M"), kind, text_shown, m.owner)):
                self.minutes.setItem(r, c, QTableWidgetItem(text))
        for table in (self.participants, self.minutes):
            table.resizeColumnsToContents()
            table.horizontalHeader().setStretchLastSection(True)

    def record_html(self, record: ConferenceRecord) -> str:
        """The finished conference as the record view (and a handover) shows it."""
        tr = self._tr
        rows = "".join(
            f"<tr><td>{escape(p.label)}</td><td>{self.presence_text(p.present)}</td>"
            f"<td>{local_time(p.checked_at)}</td></tr>"
            for p in record.participants
        )
        minutes = "".join(
            f"<tr><td>{local_time(m.at, '%H:%M')}</td>"
            f"<td>{tr('决定') if m.kind == 'decision' else tr('任务')}</td>"
            f"<td>{escape(m.text)}</td><td>{escape(m.owner)}</td></tr>"
            for m in record.minutes
        )
        return (
            f"<h2>{escape(record.title)}</h2>"
            f"<p>{tr('开始')} {local_time(record.started_at, '%Y-%m-%d %H:%M:%S')} · "
            f"{tr('结束')} {local_time(record.ended_at, '%Y-%m-%d %H:%M:%S')} · "
            f"{tr('召集人')} {escape(record.convened_by)}</p>"
            f"<h3>{tr('参会方')} {record.present_count}/{len(record.participants)}</h3>"
            f"<table border='1' cellpadding='6'>{rows}</table>"
            f"<h3>{tr('会议纪要')}</h3><table border='1' cellpadding='6'>{minutes}</table>"
        )

    def retranslate(self) -> None:
        tr = self._tr
        self.setWindowTitle(tr("视频会商"))
        default = tr("应急视频会商")
        if self.title_edit.text() in ("", self._default_title):  # not typed over: follows
            self.title_edit.setText(default)
        self._default_title = default
        self.incident_label.setText(
            tr("关联事件 #{id}").format(id=self._incident_id) if self._incident_id
            else tr("未关联事件")
        )  # fmt: skip
        self.convene_button.setText(tr("召开会商"))
        self.close_button.setText(tr("关闭"))
        self.close_button.setToolTip(tr("关闭（Esc）"))
        self.roll_button.setText(tr("点名"))
        self.end_button.setText(tr("结束会商"))
        self.add_button.setText(tr("记录"))
        self.new_button.setText(tr("新的会商"))
        self.task_button.setText(tr("转为事件任务"))
        self.history_title.setText(tr("历史会商（双击查看纪要）"))
        self.minute_text.setPlaceholderText(tr("决定或任务内容"))
        self.owner_edit.setPlaceholderText(tr("责任人"))
        current = self.kind_box.currentIndex()
        self.kind_box.clear()
        self.kind_box.addItem(tr("决定"), "decision")
        self.kind_box.addItem(tr("任务"), "task")
        self.kind_box.setCurrentIndex(max(0, current))
        self.participants.setHorizontalHeaderLabels([tr("参会方"), tr("窗口"), tr("点名")])
        self.minutes.setHorizontalHeaderLabels([tr("时间"), tr("类别"), tr("内容"), tr("责任人")])

    def _language_changed(self) -> None:
        """Everything composed in the old language, again: the captions, the lists (in
        place: ticked rooms stay ticked), the conference on screen and the status line."""
        self.retranslate()
        for row, room in enumerate(self._rooms):
            item = self.room_list.item(row)
            if item is not None:
                item.setText(self._room_text(room))
        for row, h in enumerate(self._history):
            item = self.history.item(row)
            if item is not None:
                item.setText(self._history_text(h))
        record = self.record
        if record is not None and record.running:
            self._show_running(record)
        elif record is not None:
            self.record_view.setHtml(self.record_html(record))
        if self._status is not None:
            self.status.setText(self._status[0]())

    def set_ui_scale(self, scale: float) -> None:
        """Follow the wall's scale: text, and the window's size (placed within the wall)."""
        self._scale = scale

        def px(v: float) -> int:
            return max(1, round(v * scale))

        restyle(
            self,
            f"QWidget {{ font-size: {px(FONT_PX)}px; }}"
            f" #conferenceHeading {{ font-size: {px(26)}px; }}"
            f" #conferenceStatus {{ font-size: {px(22)}px; font-weight: bold; }}"
            " #conferenceStatus[tone=\"alarm\"] { color: #e53935; }"
            f" QPushButton {{ padding: {px(4)}px {px(12)}px; }}"
            f" QCheckBox::indicator, QListView::indicator {{ width: {px(16)}px;"
            f" height: {px(16)}px; }}"
        )
        self.resize(px(SIZE[0]), px(SIZE[1]))

    def ui_scale(self) -> float:
        return self._scale
