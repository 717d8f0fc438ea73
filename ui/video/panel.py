"""The video panel (视频监控): layouts 1/4/6/9/16, slots, cameras, nearest cameras, pinning.

The panel holds the players (one VideoTile per slot) and shows a `VideoWallState` read
by its DbWorker; every action is a use case of services.video run in that worker, whose
returned state the panel then shows. Slots keep their stream when the state is re-applied,
so saving a change never interrupts the video.

Wiring: `MapView.camera_clicked → show_camera(id)`, incident selection →
`offer_cameras_near(lon, lat)`. Changes another console of the same center makes (a desk
console setting up the wall's video) arrive through the change feed and are re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QRect, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services import video
from services.accounts import Actor
from services.incidents.cases import IncidentPolicy
from services.store.changefeed import Change
from services.store.runtime import Runtime
from services.video import sources
from ui.kit.refusal import error_text
from ui.video.state import VideoLane
from widgets.style_sheet import restyle
from widgets.translate import on_language_change
from widgets.video.camera_list import camera_item, fit_camera_lists
from widgets.video.video_tile import VideoTile

if TYPE_CHECKING:
    from ui.video.conference_panel import ConferencePanel


class VideoPanel(QWidget):
    """Slots of the center's video wall, the camera list and the nearest-camera offer."""

    wall_changed = Signal(object)  # services.video.VideoWallState
    cameras_offered = Signal(object)  # list[CameraInfo] near the selected incident
    message = Signal(str)
    """The status line's text, each time it is said (in the language of the moment)."""

    def __init__(
        self,
        runtime: Runtime | str,
        actor: Actor,
        *,
        incident_policy: IncidentPolicy,
        media_dir: Path | None = None,
        tile_options: dict[str, int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.actor = actor
        self.incident_policy = incident_policy
        self.worker = VideoLane(runtime)
        self._reload_queued = False
        self.worker.changed.connect(self._on_feed)
        self.worker.start()  # follows the feed before the first read: no change falls between
        self._media_dir = media_dir
        self._state: video.VideoWallState | None = None
        self._offered: list[video.CameraInfo] = []
        self._cameras: list[video.CameraInfo] = []
        self._scale = 1.0
        self._conference: ConferencePanel | None = None
        self._status_text: Callable[[], str] | None = None  # the status line, re-rendered
        self.incident_id: int | None = None  # the case in focus, for a conference
        self.conference_area: Callable[[], QRect] | None = None
        """Where the conference window opens (the console: the wall below its header)."""

        self.tiles = [VideoTile(self, **(tile_options or {})) for _ in range(max(video.LAYOUTS))]
        for i, tile in enumerate(self.tiles):
            tile.hide()
            tile.clicked.connect(lambda i=i: self.select_slot(i))
            tile.double_clicked.connect(lambda i=i: self._toggle_pin(i))

        # -- toolbar: layouts, pin, clear, nearest, conference
        self.layout_buttons = QButtonGroup(self)
        self.layout_buttons.setExclusive(True)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for n in video.LAYOUTS:
            button = QPushButton(str(n), self)
            button.setObjectName("videoLayoutButton")
            button.setCheckable(True)
            self.layout_buttons.addButton(button, n)
            bar.addWidget(button)
        self.layout_buttons.idClicked.connect(self.choose_layout)
        self.pin_button = QPushButton(self)
        self.pin_button.setCheckable(True)
        self.pin_button.clicked.connect(self.pin_active)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear_active)
        self.fill_button = QPushButton(self)
        self.fill_button.setEnabled(False)
        self.fill_button.clicked.connect(self.fill_nearest)
        self.conference_button = QPushButton(self)
        self.conference_button.setObjectName("conferenceButton")
        self.conference_button.clicked.connect(self.open_conference)
        bar.addSpacing(12)
        for b in (self.pin_button, self.clear_button, self.fill_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.conference_button)

        # -- slots
        self.slot_area = QWidget(self)
        self.slot_area.setObjectName("videoSlots")
        self.grid = QGridLayout(self.slot_area)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(3)

        # -- cameras: the nearest (after an incident is chosen) and the whole subtree
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.near_title = QLabel(side)
        self.near_title.setObjectName("videoListTitle")
        self.near_list = QListWidget(side)
        self.near_list.setObjectName("nearCameras")
        self.near_list.itemActivated.connect(self._camera_item_activated)
        self.search = QLineEdit(side)
        self.search.returnPressed.connect(self.reload_cameras)
        self.camera_title = QLabel(side)
        self.camera_title.setObjectName("videoListTitle")
        self.camera_list = QListWidget(side)
        self.camera_list.setObjectName("cameraList")
        fit_camera_lists(self.near_list, self.camera_list)
        self.camera_list.itemActivated.connect(self._camera_item_activated)
        for w in (self.near_title, self.near_list, self.camera_title, self.search,
                  self.camera_list):  # fmt: skip
            side_layout.addWidget(w)
        side_layout.setStretch(1, 1)
        side_layout.setStretch(4, 2)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.slot_area)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        side.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._split_moved = False
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_split_moved", True))

        self.status = QLabel(self)
        self.status.setObjectName("videoStatus")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(bar)
        outer.addWidget(self.splitter, 1)
        outer.addWidget(self.status)

        self.retranslate()
        on_language_change(self, self.retranslate)
        self.set_ui_scale(1.0)
        self.reload()
        self.reload_cameras()

    # -- reading ---------------------------------------------------------------------

    def _run(self, job: Callable[[Session], Any], on_done: Callable[[Any], None]) -> None:
        self.worker.call(job, on_done, lambda exc: self.say(lambda: error_text(exc, domain="video")))

    def say(self, render: Callable[[], str]) -> None:
        """Show a message on the status line. `render` composes it from its key and values
        and is called again after a language switch, so the line follows the switch."""
        self._status_text = render
        text = render()
        self.status.setText(text)
        self.message.emit(text)

    def reload(self) -> None:
        """Re-read the saved wall (after a restart, or a conference seated its rooms)."""
        actor = self.actor
        self._run(lambda s: video.load_wall(s, actor), self.apply_state)

    def _on_feed(self, changes: list[Change]) -> None:
        """This center's panel changed (here or on another console): read it again, once
        for a burst (a read not yet started covers every change before it starts)."""
        if self._reload_queued or all(c.entity_id != self.actor.center_id for c in changes):
            return
        self._reload_queued = True
        actor = self.actor

        def job(s: Session) -> video.VideoWallState:
            self._reload_queued = False  # starts now: later changes need another read
            return video.load_wall(s, actor)

        self._run(job, self.apply_state)

    @Slot()
    def reload_cameras(self) -> None:
        actor, text = self.actor, self.search.text()
        self._run(lambda s: video.list_cameras(s, actor, text), self._show_cameras)

    def state(self) -> video.VideoWallState | None:
        return self._state

    def tile(self, index: int) -> VideoTile:
        return self.tiles[index]

    def offered(self) -> list[video.CameraInfo]:
        return list(self._offered)

    # -- actions (public slots for wiring) -------------------------------------------

    @Slot(int)
    def show_camera(self, camera_id: int) -> None:
        """Play a camera in the active slot (from the list, the map or an incident)."""
        actor = self.actor
        self._run(lambda s: video.show_camera(s, actor, camera_id), self.apply_state)

    @Slot(float, float)
    def offer_cameras_near(self, lon: float, lat: float) -> None:
        """An incident was selected: list its nearest cameras, ready to fill the free slots."""
        actor = self.actor
        self._run(lambda s: video.nearest_cameras(s, actor, lon, lat), self._show_offer)

    @Slot()
    def fill_nearest(self) -> None:
        """Put the offered cameras into the free slots and pin them."""
        actor, offered = self.actor, [c.source() for c in self._offered]
        if offered:
            self._run(lambda s: video.fill_free(s, actor, offered, pin=True), self.apply_state)

    def show_layout(self, layout: int, camera_ids: list[int]) -> None:
        """A plan's layout with its cameras from the first slot, in one write."""
        actor, cameras = self.actor, list(camera_ids)
        self._run(lambda s: video.show_layout(s, actor, layout, cameras), self.apply_state)

    @Slot(int)
    def choose_layout(self, layout: int) -> None:
        actor = self.actor
        self._run(lambda s: video.choose_layout(s, actor, layout), self.apply_state)

    @Slot(int)
    def select_slot(self, index: int) -> None:
        actor = self.actor
        if self._state is not None:  # highlight at once; the worker saves it
            self._highlight(index)
        self._run(lambda s: video.set_active(s, actor, index), self.apply_state)

    @Slot(bool)
    def pin_active(self, pinned: bool) -> None:
        if self._state is None:
            return
        actor, index = self.actor, self._state.active_index
        self._run(lambda s: video.set_pinned(s, actor, index, pinned), self.apply_state)

    def _toggle_pin(self, index: int) -> None:
        if self._state is not None:
            actor, pinned = self.actor, not self._state.slot(index).pinned
            self._run(lambda s: video.set_pinned(s, actor, index, pinned), self.apply_state)

    @Slot()
    def clear_active(self) -> None:
        if self._state is None:
            return
        actor, index = self.actor, self._state.active_index
        self._run(lambda s: video.clear(s, actor, index), self.apply_state)

    @Slot(int)
    def set_focus_incident(self, incident_id: int) -> None:
        """The case in focus (case panel, map or a plan's case): a conference convened
        now is held for it."""
        self.incident_id = incident_id
        conf = self._conference
        if conf is not None and conf.record is None:
            conf.set_incident(incident_id)

    @Slot()
    def open_conference(self) -> None:
        """The conference window (视频会商), created on first use, below the wall's header."""
        from ui.video.conference_panel import ConferencePanel

        if self._conference is None:
            self._conference = ConferencePanel(self)
        conf = self._conference
        if conf.ui_scale() != self._scale:
            conf.set_ui_scale(self._scale)  # the wall's scale, as the window opens
        if self.conference_area is not None:
            conf.place_in(self.conference_area())
        conf.show()
        conf.raise_()
        conf.activateWindow()

    def conference_panel(self) -> ConferencePanel | None:
        return self._conference

    # -- showing ---------------------------------------------------------------------

    def apply_state(self, state: video.VideoWallState) -> None:
        """Show a wall state: arrange the slots and (re)start only the streams that changed."""
        relayout = self._state is None or self._state.layout != state.layout
        self._state = state
        if relayout:
            self._arrange(state.layout)
        for slot in state.slots:
            tile = self.tiles[slot.index]
            url = slot.play_url(self._media_dir)
            tile.set_source(url, slot.label, loop=sources.is_looping_file(url))
            tile.set_pinned(slot.pinned)
        self._highlight(state.active_index)
        button = self.layout_buttons.button(state.layout)
        if button is not None:
            button.setChecked(True)
        self.wall_changed.emit(state)

    def _highlight(self, index: int) -> None:
        count = self._state.layout if self._state else 0
        for i, tile in enumerate(self.tiles):
            tile.set_active(i == index and i < count)
        if self._state is not None and index < count:
            self.pin_button.setChecked(self._state.slot(index).pinned)

    def _arrange(self, layout: int) -> None:
        while self.grid.count():
            self.grid.takeAt(0)
        side, cells = video.layout_cells(layout)
        for r in range(4):
            self.grid.setRowStretch(r, 1 if r < side else 0)
            self.grid.setColumnStretch(r, 1 if r < side else 0)
        for cell in cells:
            tile = self.tiles[cell.index]
            tile.set_number(str(cell.index + 1))
            self.grid.addWidget(tile, cell.row, cell.col, cell.row_span, cell.col_span)
            tile.show()
        for tile in self.tiles[layout:]:
            tile.set_source("", "")
            tile.hide()

    def _show_cameras(self, cameras: list[video.CameraInfo]) -> None:
        self._cameras = cameras
        self.camera_list.clear()
        for cam in cameras:
            item = camera_item(self._camera_text(cam))
            item.setData(Qt.ItemDataRole.UserRole, cam.id)
            self.camera_list.addItem(item)

    @staticmethod
    def _camera_text(cam: video.CameraInfo) -> str:
        mark = "" if cam.online else QCoreApplication.translate("VideoPanel", "（离线）")
        return cam.name + mark

    def _show_offer(self, cameras: list[video.CameraInfo]) -> None:
        self._offered = cameras
        self.near_list.clear()
        for cam in cameras:
            metres = cam.distance_m or 0.0
            dist = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
            item = camera_item(f"{cam.name}  {dist}")
            item.setData(Qt.ItemDataRole.UserRole, cam.id)
            self.near_list.addItem(item)
        self.fill_button.setEnabled(bool(cameras))
        n = len(cameras)
        self.say(lambda: QCoreApplication.translate("VideoPanel", "事件附近 {n} 个监控").format(n=n))
        self.cameras_offered.emit(cameras)

    def _camera_item_activated(self, item: QListWidgetItem) -> None:
        self.show_camera(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- scale, language, shutdown ---------------------------------------------------

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        for tile in self.tiles:
            tile.set_ui_scale(scale)
        if self._conference is not None and self._conference.ui_scale() != scale:
            self._conference.set_ui_scale(scale)
        px = round(18 * scale)
        restyle(
            self,
            f"QPushButton {{ font-size: {px}px; padding: {round(3 * scale)}px {round(8 * scale)}px; }}"
            f" QListWidget {{ font-size: {px}px; }} QLabel {{ font-size: {px}px; }}"
            f" QLineEdit {{ font-size: {px}px; }}"
            " QPushButton:checked { background: #1e88e5; color: white; }"
        )

    def retranslate(self) -> None:
        tr = QCoreApplication.translate
        self.pin_button.setText(tr("VideoPanel", "锁定"))
        self.clear_button.setText(tr("VideoPanel", "清空"))
        self.fill_button.setText(tr("VideoPanel", "附近监控填入空位"))
        self.conference_button.setText(tr("VideoPanel", "视频会商"))
        self.near_title.setText(tr("VideoPanel", "事件附近监控"))
        self.camera_title.setText(tr("VideoPanel", "辖区监控"))
        self.search.setPlaceholderText(tr("VideoPanel", "搜索监控点"))
        for n in video.LAYOUTS:
            button = self.layout_buttons.button(n)
            if button is not None:
                button.setToolTip(tr("VideoPanel", "{n} 分屏").format(n=n))
        if self._status_text is not None:
            self.status.setText(self._status_text())
        for row, cam in enumerate(self._cameras):  # the （离线） marks, in place
            item = self.camera_list.item(row)
            if item is not None:
                item.setText(self._camera_text(cam))
                item.setToolTip(item.text())

    SLOT_SHARE = 0.8  # of the width, until someone drags the splitter

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._split_moved:
            width = self.splitter.width()
            self.splitter.setSizes([round(width * self.SLOT_SHARE),
                                    width - round(width * self.SLOT_SHARE)])  # fmt: skip

    def shutdown(self) -> None:
        """Stop every player and the worker (the window is closing)."""
        for tile in self.tiles:
            tile.stop()
        if self._conference is not None:
            self._conference.close()
        self.worker.stop()
