"""Header badge for the incident workload: "待处理 12 · 超期 3 · 督办 1".

Fed with the dict of `services.incidents.counts` (keys open, overdue, supervised,
to_accept); overdue turns red and supervised amber when non-zero. Clicking it emits
`clicked` (e.g. to bring the incident panel forward).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from widgets.incident_style import theme_colors
from widgets.layouts import layout_of
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP

CAPTIONS: tuple[tuple[str, str], ...] = (
    ("open", QT_TRANSLATE_NOOP("IncidentBadge", "待处理")),
    ("overdue", QT_TRANSLATE_NOOP("IncidentBadge", "超期")),
    ("supervised", QT_TRANSLATE_NOOP("IncidentBadge", "督办")),
)
BADGE_PX = 19  # like the header's duty names at scale 1.0


class IncidentBadge(QFrame):
    """Three counts in one line; `set_counts(dict)` is the slot the state feeds."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentBadge")
        self._counts: dict[str, int] = {}
        self._scale = 1.0
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QHBoxLayout(self)
        self._labels: dict[str, QLabel] = {}
        for i, (key, _source) in enumerate(CAPTIONS):
            if i:
                dot = QLabel("·", self)
                dot.setObjectName("badgeDot")
                layout.addWidget(dot)
            label = QLabel(self)
            label.setObjectName(f"badge_{key}")
            label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(label)
            self._labels[key] = label
        self.set_ui_scale(1.0)

    def set_counts(self, counts: dict[str, int]) -> None:
        self._counts = dict(counts)
        self._render()

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def text(self) -> str:
        """The badge as plain text, e.g. "待处理 12 · 超期 3 · 督办 1"."""
        parts = []
        for key, source in CAPTIONS:
            value = self._counts.get(key)
            caption = QCoreApplication.translate("IncidentBadge", source)
            parts.append(f"{caption} {'—' if value is None else value}")
        return " · ".join(parts)

    def _render(self) -> None:
        c = theme_colors()
        for key, source in CAPTIONS:
            value = self._counts.get(key)
            color = c["strong"]
            if key == "overdue" and value:
                color = c["alarm"]
            elif key == "supervised" and value:
                color = c["warn"]
            caption = QCoreApplication.translate("IncidentBadge", source)
            number = "—" if value is None else f"{value:,}"
            label = self._labels[key]
            label.setText(
                f"<span style='color:{c['muted']}'>{caption}</span> "
                f"<b style='color:{color}'>{number}</b>"
            )
            # A rich-text label lets a crowded header squeeze it: "Overdue" came out cut.
            label.setMinimumWidth(label.sizeHint().width())

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        c = theme_colors()
        px = max(1, round(BADGE_PX * scale))
        pad = max(1, round(4 * scale))
        restyle(
            self,
            f"#incidentBadge {{ border: 1px solid {c['border']}; border-radius: {pad}px;"
            f" background: {c['alt']}; }}"
            f" #incidentBadge QLabel {{ font-size: {px}px; background: transparent; }}"
            f" #badgeDot {{ color: {c['muted']}; }}"
        )
        layout = layout_of(self)
        # tight: in English the header's duty row has no pixel to spare at 1080p
        layout.setContentsMargins(pad + pad // 2, pad, pad + pad // 2, pad)
        layout.setSpacing(pad)
        self._render()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)
