"""Red banner across the top of the wall while the database connection is lost."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from widgets.layouts import layout_of


class ConnectionBanner(QFrame):
    """ "数据库连接中断 自 HH:MM:SS"; the panels keep their last data meanwhile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._since: datetime | None = None
        self.label = QLabel(self)
        self.label.setObjectName("bannerText")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(self)
        self.hint.setObjectName("bannerHint")
        lay = QHBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.label)
        lay.addWidget(self.hint)
        lay.addStretch(1)
        self.set_ui_scale(1.0)
        self.hide()

    def since(self) -> datetime | None:
        return self._since

    def set_since(self, since: datetime | None) -> None:
        """When the connection was lost, or None to clear the banner."""
        self._since = since
        self.retranslate()
        self.setVisible(since is not None)

    def text(self) -> str:
        return self.label.text()

    def set_ui_scale(self, scale: float) -> None:
        layout_of(self).setContentsMargins(
            round(12 * scale), round(6 * scale), round(12 * scale), round(6 * scale)
        )
        layout_of(self).setSpacing(round(16 * scale))

    def retranslate(self) -> None:
        if self._since is None:
            self.label.setText("")
            self.hint.setText("")
            return
        local = self._since  # shown in the zone it carries (the wall passes the center's)
        text = QCoreApplication.translate("ConnectionBanner", "数据库连接中断 自 {time}")
        self.label.setText("⚠ " + text.format(time=local.strftime("%H:%M:%S")))
        self.hint.setText(QCoreApplication.translate("ConnectionBanner", "画面为最后一次数据"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
