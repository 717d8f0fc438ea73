"""Switching a test's console to English and back, with the call the header's button makes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QApplication

from ui.kit.i18n import install_language


@contextmanager
def english() -> Iterator[None]:
    """The console in English (the call the header's language button makes), then back."""
    app = QApplication.instance()
    assert app is not None
    install_language(app, "en")
    try:
        yield
    finally:
        install_language(app, "zh_CN")
