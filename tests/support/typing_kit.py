"""Typing into widgets as a person does, Chinese included.

`qtbot.keyClicks` sends one key press per character; for characters no keyboard key has
(Chinese) Qt's test key mapping aborts. A person types Chinese through an input method,
which hands the widget a committed string: `type_text` sends exactly that for non-ASCII
characters and real key clicks for the rest.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type `text` into a focused widget: key clicks for ASCII, IME commits for the rest."""
    widget.setFocus()
    run = ""
    for ch in text + "\0":
        if ch != "\0" and ch.isascii():
            if run:
                _commit(widget, run)
                run = ""
            qtbot.keyClicks(widget, ch)
        elif ch != "\0":
            run += ch
        elif run:
            _commit(widget, run)


def _commit(widget: QWidget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)
