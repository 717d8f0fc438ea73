"""Qt test set-up that must happen before the QApplication exists (pytest-qt creates it)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import PySide6.QtWebEngineWidgets  # noqa: E402, F401  (WebEngine before the QApplication)
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

import mapview.view  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
mapview.view.register_schemes()
