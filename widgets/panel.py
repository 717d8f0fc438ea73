"""A titled wall panel with the age of its data, and the clock type the wall injects.

Every panel on the wall says how old its numbers are ("数据 3 秒前"): amber after 10 s,
red after 60 s. The age is computed from the snapshot's `as_of` by a 1 s timer; the clock
is injectable so tests move time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from widgets.layouts import layout_of

Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime."""


def utc_now() -> datetime:
    return datetime.now(UTC)


STALE_AFTER_S = 10.0
OLD_AFTER_S = 60.0


def age_state(age_s: float | None) -> str:
    """`none` (no data yet), `fresh`, `stale` (> 10 s, amber) or `old` (> 60 s, red)."""
    if age_s is None:
        return "none"
    if age_s > OLD_AFTER_S:
        return "old"
    if age_s > STALE_AFTER_S:
        return "stale"
    return "fresh"


def format_age(age_s: float | None) -> str:
    """ "数据 3 秒前" / "数据 2 分钟前" / "数据 1 小时前" in the current language."""
    if age_s is None:
        return QCoreApplication.translate("DataAgeLabel", "暂无数据")
    seconds = max(0, int(age_s))
    if seconds < 60:
        text = QCoreApplication.translate("DataAgeLabel", "数据 {n} 秒前")
        return text.format(n=seconds)
    if seconds < 3600:
        text = QCoreApplication.translate("DataAgeLabel", "数据 {n} 分钟前")
        return text.format(n=seconds // 60)
    text = QCoreApplication.translate("DataAgeLabel", "数据 {n} 小时前")
    return text.format(n=seconds // 3600)


def format_replica_lag(lag_s: float | None) -> str:
    """ "副本延迟 3 s" (a console reading a hot standby), "" without one."""
    if lag_s is None:
        return ""
    text = QCoreApplication.translate("DataAgeLabel", "副本延迟 {n} s")
    return text.format(n=max(0, round(lag_s)))


class DataAgeLabel(QLabel):
    """Shows how old a panel's data is; its `state` property drives the QSS colour."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Clock = utc_now, interval_ms: int = 1000
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._as_of: datetime | None = None
        self._replica_lag: float | None = None
        self._state = ""
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def set_clock(self, clock: Clock) -> None:
        self._clock = clock
        self.refresh()

    def set_as_of(self, as_of: datetime | None) -> None:
        """When the shown data was read (aware datetime), or None for no data."""
        self._as_of = as_of
        self.refresh()

    def as_of(self) -> datetime | None:
        return self._as_of

    def set_replica_lag(self, lag_s: float | None) -> None:
        """How far the standby the data was read from lags (None: no standby)."""
        self._replica_lag = lag_s
        self.refresh()

    def age_seconds(self) -> float | None:
        if self._as_of is None:
            return None
        return (self._clock() - self._as_of).total_seconds()

    def state(self) -> str:
        return self._state

    def refresh(self) -> None:
        age = self.age_seconds()
        text = format_age(age)
        if self._replica_lag is not None:
            text = f"{text} · {format_replica_lag(self._replica_lag)}"
        if text != self.text():
            self.setText(text)
        state = age_state(age)
        if state != self._state:
            self._state = state
            self.setProperty("state", state)
            # A dynamic property only restyles after a re-polish.
            self.style().unpolish(self)
            self.style().polish(self)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)


class Panel(QFrame):
    """Title bar (accent, title, data age) over one content widget.

    The title is given as an untranslated source string plus its translation context, so
    the panel can retranslate itself when the language changes.
    """

    def __init__(
        self,
        title_source: str,
        content: QWidget,
        *,
        context: str = "WallWindow",
        clock: Clock = utc_now,
        show_age: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title_source = title_source
        self._context = context
        self._scale = 1.0

        self.title_bar = QFrame(self)
        self.title_bar.setObjectName("panelTitleBar")
        self.accent = QFrame(self.title_bar)
        self.accent.setObjectName("panelAccent")
        self.title_label = QLabel(self.title_bar)
        self.title_label.setObjectName("panelTitle")
        self.age_label = DataAgeLabel(self.title_bar, clock=clock)
        self.age_label.setVisible(show_age)

        bar = QHBoxLayout(self.title_bar)
        bar.addWidget(self.accent)
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.age_label)

        self.body = QFrame(self)
        self.body.setObjectName("panelBody")
        self._body_layout = QVBoxLayout(self.body)
        self._content = content
        self._body_layout.addWidget(content)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.title_bar)
        outer.addWidget(self.body, 1)

        self.set_ui_scale(1.0)
        self.retranslate()

    def content(self) -> QWidget:
        return self._content

    def set_content(self, widget: QWidget, *, keep_old: bool = False) -> None:
        """Replace the body; the old content is deleted unless `keep_old` (e.g. when it
        moves into the new content)."""
        old = self._content
        self._body_layout.replaceWidget(old, widget)
        old.hide()
        if not keep_old:
            old.deleteLater()
        self._content = widget
        widget.show()
        setter = getattr(widget, "set_ui_scale", None)
        if callable(setter):
            setter(self._scale)

    def title(self) -> str:
        return self.title_label.text()

    def set_as_of(self, as_of: datetime | None) -> None:
        self.age_label.set_as_of(as_of)

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        s = scale
        self.accent.setFixedWidth(max(2, round(5 * s)))
        bar = layout_of(self.title_bar)
        bar.setContentsMargins(round(10 * s), round(3 * s), round(12 * s), round(3 * s))
        bar.setSpacing(round(10 * s))
        self._body_layout.setContentsMargins(round(8 * s), round(4 * s), round(8 * s), round(4 * s))
        setter = getattr(self._content, "set_ui_scale", None)
        if callable(setter):
            setter(scale)

    def retranslate(self) -> None:
        self.title_label.setText(QCoreApplication.translate(self._context, self._title_source))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
