"""关于 / About: the console's version and where its territory data comes from.

The view only shows: the composition root hands it the language (`set_language`), and the
text comes from `services.about` (real names and codes from the statistics register,
boundaries generated inside the real county). Closes with its button or Esc."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.about import territory_note, version
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP
from widgets.wall_table import px_at

CONTEXT = "AboutDialog"
TITLE = QT_TRANSLATE_NOOP("AboutDialog", "关于")
NAME = QT_TRANSLATE_NOOP("AboutDialog", "社会治理综合指挥中心")
VERSION = QT_TRANSLATE_NOOP("AboutDialog", "版本 {v}")
DATA = QT_TRANSLATE_NOOP("AboutDialog", "区划数据来源")
CLOSE = QT_TRANSLATE_NOOP("AboutDialog", "关闭")


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class AboutDialog(QDialog):
    """The about box: name, version, the territory data's source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self._language = "zh_CN"
        self._scale = 1.0
        self.name_label = QLabel(self)
        self.name_label.setObjectName("aboutName")
        self.version_label = QLabel(self)
        self.version_label.setObjectName("aboutVersion")
        self.data_title = QLabel(self)
        self.data_title.setObjectName("aboutDataTitle")
        self.data_label = QLabel(self)
        self.data_label.setObjectName("aboutData")
        self.data_label.setWordWrap(True)
        self.data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("aboutClose")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        for w in (self.name_label, self.version_label, self.data_title, self.data_label):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.set_ui_scale(1.0)
        self.retranslate()

    def set_language(self, language: str) -> None:
        """The console's language ("zh_CN" or "en"): the territory note follows it."""
        self._language = language
        self.retranslate()

    def text(self) -> str:
        """Everything the box says, one line per label (tests, the wall lint)."""
        labels = (self.name_label, self.version_label, self.data_title, self.data_label)
        return "\n".join(w.text() for w in labels)

    def retranslate(self) -> None:
        self.setWindowTitle(_tr(TITLE))
        self.name_label.setText(_tr(NAME))
        self.version_label.setText(_tr(VERSION).replace("{v}", version()))
        self.data_title.setText(_tr(DATA))
        self.data_label.setText(territory_note(self._language))
        self.close_button.setText(_tr(CLOSE))

    def set_ui_scale(self, scale: float) -> None:
        """Text and width for the wall at this scale (1.0 at 1080 px high)."""
        self._scale = scale
        px = px_at(scale)
        restyle(
            self,
            f"#aboutDialog {{ background: #0b1a33; }} QLabel {{ color: #d6e4ff; font-size: {px(16)}px; }}"
            f" #aboutName {{ color: #21d4fd; font-size: {px(24)}px; font-weight: bold; }}"
            f" #aboutDataTitle {{ color: #9cc3ee; font-weight: bold; padding: {px(8)}px 0 0 0; }}"
            f" QPushButton {{ font-size: {px(16)}px; padding: {px(6)}px {px(18)}px; }}"
        )
        self.setMinimumWidth(px(560))
        self.data_label.setMinimumWidth(px(520))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
