"""The wall's header: who is on duty, which center this is, and whether it meets the four haves.

Three parts so a splice wall can put each inside its own tile:
`duty_part` (date, live clock, 值班员, 带班领导), `title_part` (center name, level,
breadcrumb), `haves_part` (四有 badges with reasons).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from services.wall.situation import FOUR_HAVES, CenterHeader, FourHave
from widgets.fit_label import FitLabel
from widgets.labels import center_level_label, four_have_label, four_have_reason, weekday_label
from widgets.layouts import layout_of
from widgets.panel import Clock, utc_now


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Breadcrumb(QWidget):
    """Clickable path from the console's root region down to the shown one (the services
    start it at the root: it never shows a region above it)."""

    crumb_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: tuple[tuple[str, str], ...] = ()
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self._buttons: dict[str, QPushButton] = {}

    def path(self) -> tuple[tuple[str, str], ...]:
        return self._path

    def buttons(self) -> dict[str, QPushButton]:
        """The clickable crumbs by adcode (the current region is not clickable)."""
        return dict(self._buttons)

    def text(self) -> str:
        """The path as read on screen ("西湖区 › 转塘街道")."""
        return " › ".join(name for _code, name in self._path)

    def set_path(self, path: Sequence[tuple[str, str]]) -> None:
        path = tuple(path)
        if path == self._path:
            return
        self._path = path
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self._buttons.clear()
        for i, (adcode, name) in enumerate(path):
            last = i == len(path) - 1
            if last:
                current = QLabel(name, self)
                current.setObjectName("crumbCurrent")
                self._layout.insertWidget(self._layout.count() - 1, current)
            else:
                button = QPushButton(name, self)
                button.setObjectName("crumb")
                button.setFlat(True)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.clicked.connect(lambda _=False, code=adcode: self.crumb_clicked.emit(code))
                self._layout.insertWidget(self._layout.count() - 1, button)
                self._buttons[adcode] = button
                sep = QLabel("›", self)
                sep.setObjectName("crumbSeparator")
                self._layout.insertWidget(self._layout.count() - 1, sep)


class FourHaveBadge(QFrame):
    """One of 有场地 / 有大屏 / 有人员 / 有机制: green ✓ when met, red ✗ with its reason if not."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._have: FourHave | None = None
        self.setProperty("met", "unknown")
        self.mark = QLabel(self)
        self.mark.setObjectName("haveMark")
        self.name = QLabel(self)
        self.name.setObjectName("haveName")
        # A long reason (or its English) shrinks with the badge, down to 70 %, instead of
        # taking the room of the duty line beside it.
        self.reason = FitLabel(self, min_scale=0.7)
        self.reason.setObjectName("haveReason")
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addStretch(1)
        top.addWidget(self.mark)
        top.addWidget(self.name)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(0)
        lay.addLayout(top)
        lay.addWidget(self.reason)
        self.retranslate()

    def set_have(self, have: FourHave | None) -> None:
        self._have = have
        met = "unknown" if have is None else ("yes" if have.met else "no")
        self.mark.setText({"yes": "✓", "no": "✗"}.get(met, "–"))
        self._show_reason()
        if self.property("met") != met:
            self.setProperty("met", met)
            for w in (self, self.mark, self.name, self.reason):
                w.setProperty("met", met)
                _restyle(w)

    def met(self) -> bool | None:
        return None if self._have is None else self._have.met

    def set_ui_scale(self, scale: float) -> None:
        lay = layout_of(self)
        lay.setContentsMargins(
            round(8 * scale), round(4 * scale), round(8 * scale), round(4 * scale)
        )

    def _show_reason(self) -> None:
        text = four_have_reason(self._have) if self._have is not None else ""
        self.reason.setText(text or " ")
        self.setToolTip(self.reason.text())

    def retranslate(self) -> None:
        self.name.setText(four_have_label(self.key))
        self._show_reason()


class HeaderWidget(QFrame):
    """Date and clock, on-duty people, center name and level, breadcrumb, four haves."""

    drill_requested = Signal(str)
    """adcode of a region to show: a crumb, or the root (the home button)."""

    def __init__(self, parent: QWidget | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(parent)
        self._clock = clock
        self._tz: tzinfo | None = None
        self._header: CenterHeader | None = None

        # Duty: clock, date, who is on duty.
        self.duty_part = QFrame(self)
        self.duty_part.setObjectName("headerDuty")
        self.clock_label = QLabel(self.duty_part)
        self.clock_label.setObjectName("clock")
        self.date_label = QLabel(self.duty_part)
        self.date_label.setObjectName("date")
        self.duty_caption = QLabel(self.duty_part)
        self.duty_caption.setObjectName("dutyCaption")
        self.duty_officer = QLabel(self.duty_part)
        self.duty_officer.setObjectName("dutyName")
        self.leader_caption = QLabel(self.duty_part)
        self.leader_caption.setObjectName("dutyCaption")
        self.leader_on_duty = QLabel(self.duty_part)
        self.leader_on_duty.setObjectName("dutyName")
        duty = QGridLayout(self.duty_part)
        duty.addWidget(self.clock_label, 0, 0, 2, 1)
        duty.addWidget(self.date_label, 0, 1, 1, 4)
        duty.addWidget(self.duty_caption, 1, 1)
        duty.addWidget(self.duty_officer, 1, 2)
        duty.addWidget(self.leader_caption, 1, 3)
        duty.addWidget(self.leader_on_duty, 1, 4)
        duty.setColumnStretch(5, 1)
        self._status_row = QHBoxLayout()
        self._status_row.setContentsMargins(0, 0, 0, 0)
        # The status row (case badge, account, buttons) is the duty part's widest line: it
        # starts under the clock, not beside it, so in English with four-digit counts the
        # wall's 1920 px still give every widget of it its minimum (no parts overlap).
        duty.addLayout(self._status_row, 2, 0, 1, 6)

        # Title: center name, level, breadcrumb.
        self.title_part = QFrame(self)
        self.title_part.setObjectName("headerTitle")
        self.center_name = FitLabel(self.title_part)
        self.center_name.setObjectName("centerName")
        self.center_name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.center_name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.level_badge = QLabel(self.title_part)
        self.level_badge.setObjectName("levelBadge")
        self.breadcrumb = Breadcrumb(self.title_part)
        self.breadcrumb.crumb_clicked.connect(self.drill_requested)
        # ⌂ 本级: back to the console's own region (the first crumb) from any depth.
        self.home_button = QPushButton(self.title_part)
        self.home_button.setObjectName("homeButton")
        self.home_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.home_button.setEnabled(False)
        self.home_button.clicked.connect(self._go_home)
        sub = QHBoxLayout()
        sub.addStretch(1)
        sub.addWidget(self.home_button)
        sub.addWidget(self.level_badge)
        sub.addWidget(self.breadcrumb)
        sub.addStretch(1)
        self._title_row = sub
        title = QVBoxLayout(self.title_part)
        title.addWidget(self.center_name)
        title.addLayout(sub)

        # Four haves.
        self.haves_part = QFrame(self)
        self.haves_part.setObjectName("headerHaves")
        self.haves_caption = QLabel(self.haves_part)
        self.haves_caption.setObjectName("havesCaption")
        self.haves_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badges: dict[str, FourHaveBadge] = {
            key: FourHaveBadge(key, self.haves_part) for key in FOUR_HAVES
        }
        haves = QHBoxLayout(self.haves_part)
        haves.addWidget(self.haves_caption)
        for badge in self.badges.values():
            haves.addWidget(badge, 1)

        self._layout = QHBoxLayout(self)
        self.reattach_parts()

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh_clock)
        self._timer.start()
        self.set_ui_scale(1.0)
        self.retranslate()

    def set_timezone(self, name: str) -> None:
        """Show the clock in the center's time zone (e.g. Asia/Shanghai), not the machine's."""
        self._tz = ZoneInfo(name)
        self.refresh_clock()

    def timezone(self) -> tzinfo | None:
        """The center's time zone (None: the machine's)."""
        return self._tz

    def add_status_widget(self, widget: QWidget) -> None:
        """A small live status (e.g. the case badge, the signed-in account) under the duty
        line; it travels with the duty part on a splice wall."""
        widget.setParent(self.duty_part)
        self._status_row.addWidget(widget)

    def add_title_widget(self, widget: QWidget) -> None:
        """A small control at the right end of the line under the center's name."""
        widget.setParent(self.title_part)
        self._title_row.addWidget(widget)

    # -- parts --------------------------------------------------------------------------
    def parts(self) -> dict[str, QFrame]:
        """The three parts by tile-plan name."""
        return {
            "header.duty": self.duty_part,
            "header.title": self.title_part,
            "header.haves": self.haves_part,
        }

    def reattach_parts(self) -> None:
        """Put the parts back into the header's own row (after a tile layout took them)."""
        for part in (self.duty_part, self.title_part, self.haves_part):
            part.setParent(self)
            self._layout.removeWidget(part)
        # Stretches follow the default dock widths below, so the parts sit over their columns.
        self._layout.addWidget(self.duty_part, 26)
        self._layout.addWidget(self.title_part, 48)
        self._layout.addWidget(self.haves_part, 26)
        for part in (self.duty_part, self.title_part, self.haves_part):
            part.show()

    # -- data ---------------------------------------------------------------------------
    def set_header(self, header: CenterHeader, breadcrumb: Sequence[tuple[str, str]] = ()) -> None:
        self._header = header
        self.center_name.setText(header.center_name)
        self.breadcrumb.set_path(breadcrumb)
        self.home_button.setEnabled(len(self.breadcrumb.path()) > 1)  # below the root
        by_key = {h.key: h for h in header.four_haves}
        for key, badge in self.badges.items():
            badge.set_have(by_key.get(key))
        self._show_people()
        self.retranslate()

    def header(self) -> CenterHeader | None:
        return self._header

    def _go_home(self) -> None:
        path = self.breadcrumb.path()
        if path:
            self.drill_requested.emit(path[0][0])

    def set_clock(self, clock: Clock) -> None:
        self._clock = clock
        self.refresh_clock()

    def refresh_clock(self) -> None:
        now = self._clock().astimezone(self._tz)  # the center's time zone (else the machine's)
        self.clock_label.setText(now.strftime("%H:%M:%S"))
        self.date_label.setText(self._format_date(now))

    @staticmethod
    def _format_date(now: datetime) -> str:
        pattern = QCoreApplication.translate("HeaderWidget", "{year}年{month}月{day}日 {weekday}")
        return pattern.format(
            year=now.year, month=now.month, day=now.day, weekday=weekday_label(now.weekday())
        )

    def _show_people(self) -> None:
        nobody = QCoreApplication.translate("HeaderWidget", "未排班")
        h = self._header
        officer = h.duty_officer if h is not None and h.duty_officer else nobody
        leader = h.leader_on_duty if h is not None and h.leader_on_duty else nobody
        self.duty_officer.setText(officer)
        self.leader_on_duty.setText(leader)
        self.duty_officer.setProperty("missing", h is None or not h.duty_officer)
        self.leader_on_duty.setProperty("missing", h is None or not h.leader_on_duty)
        _restyle(self.duty_officer)
        _restyle(self.leader_on_duty)

    # -- look ---------------------------------------------------------------------------
    def set_ui_scale(self, scale: float) -> None:
        s = scale
        self._layout.setContentsMargins(round(12 * s), round(6 * s), round(12 * s), round(6 * s))
        self._layout.setSpacing(round(12 * s))
        duty = layout_of(self.duty_part, QGridLayout)
        duty.setContentsMargins(round(6 * s), round(4 * s), round(6 * s), round(4 * s))
        duty.setHorizontalSpacing(round(12 * s))
        duty.setVerticalSpacing(round(2 * s))
        title = layout_of(self.title_part)
        title.setContentsMargins(round(6 * s), round(2 * s), round(6 * s), round(4 * s))
        title.setSpacing(round(2 * s))
        haves = layout_of(self.haves_part)
        haves.setContentsMargins(round(6 * s), round(6 * s), round(6 * s), round(6 * s))
        haves.setSpacing(round(8 * s))
        for badge in self.badges.values():
            badge.set_ui_scale(s)

    def retranslate(self) -> None:
        self.duty_caption.setText(QCoreApplication.translate("HeaderWidget", "值班员"))
        self.leader_caption.setText(QCoreApplication.translate("HeaderWidget", "带班领导"))
        self.haves_caption.setText(QCoreApplication.translate("HeaderWidget", "四有"))
        self.home_button.setText(QCoreApplication.translate("HeaderWidget", "⌂ 本级"))
        self.home_button.setToolTip(
            QCoreApplication.translate("HeaderWidget", "回到本中心辖区")
        )
        level = self._header.level if self._header is not None else ""
        self.level_badge.setText(center_level_label(level) if level else "")
        self.level_badge.setVisible(bool(level))
        if self._header is None:
            self.center_name.setText(
                QCoreApplication.translate("HeaderWidget", "社会治理综合指挥中心")
            )
        for badge in self.badges.values():
            badge.retranslate()
        self._show_people()
        self.refresh_clock()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
