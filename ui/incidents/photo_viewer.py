"""A case photo at full size (现场照片): a window over the wall, 关闭 or Esc to close.

The image arrives decoded from the incident worker (never read on the GUI thread); the
viewer scales it to fit the screen and never enlarges it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from widgets.incident_style import incident_stylesheet
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP

TITLE = QT_TRANSLATE_NOOP("PhotoViewer", "现场照片")
CLOSE = QT_TRANSLATE_NOOP("PhotoViewer", "关闭")


def _tr(source: str) -> str:
    return QCoreApplication.translate("PhotoViewer", source)


class PhotoViewer(QDialog):
    """Non-modal: the officer can keep it open beside the case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.setWindowTitle(_tr(TITLE))
        self.caption = QLabel(self)
        self.caption.setObjectName("incTitle")
        self.image = QLabel(self)
        self.image.setObjectName("photoImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.close_button = QPushButton(_tr(CLOSE), self)
        self.close_button.setObjectName("photoClose")
        self.close_button.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.image, 1)
        self.attachment_id: int | None = None
        self.set_ui_scale(1.0)

    def set_ui_scale(self, scale: float) -> None:
        restyle(self, incident_stylesheet(scale))

    def show_image(self, attachment_id: int, image: QImage, caption: str) -> None:
        """Show one photo, fitted into the screen's free area (never enlarged)."""
        self.attachment_id = attachment_id
        self.caption.setText(caption)
        self.image.setText("")
        screen = self.screen().availableGeometry().size() if self.screen() else QSize(1600, 900)
        room = QSize(int(screen.width() * 0.8), int(screen.height() * 0.75))
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > room.width() or pixmap.height() > room.height():
            pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        self.image.setPixmap(pixmap)
        self.adjustSize()
        self.show()
        self.raise_()

    def show_missing(self, attachment_id: int, caption: str) -> None:
        self.attachment_id = attachment_id
        self.caption.setText(caption)
        self.image.setPixmap(QPixmap())
        self.image.setText(_tr("照片文件不可用"))
        self.adjustSize()
        self.show()
        self.raise_()
