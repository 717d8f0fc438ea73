"""Translation helpers: `QT_TRANSLATE_NOOP` typed as what it returns, and
`on_language_change`, which re-sets a widget's texts when the language switches.

PySide6's stubs declare `QT_TRANSLATE_NOOP` as returning `object`, so every table of
translatable texts looks mistyped to mypy. pyside6-lupdate finds the strings by the call's
name, whatever module it is imported from.

A widget that sets its texts once in `__init__` stays in the language it was built in.
`on_language_change(widget, retranslate)` calls `retranslate()` whenever Qt sends the
widget `QEvent.LanguageChange` (QApplication sends it to every widget after a translator
is installed or removed: `ui.kit.i18n.install_language`), so the texts follow the switch
without the widget overriding `changeEvent`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:

    def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 - Qt's own name
        """Mark `source` for translation in `context`; returns `source` unchanged."""
        ...

else:
    from PySide6.QtCore import QT_TRANSLATE_NOOP  # noqa: F401


class LanguageWatch(QObject):
    """Event filter on one widget: runs its retranslate callbacks on LanguageChange.
    A child of the widget, so it lives and dies with it."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.setObjectName("languageWatch")
        self.callbacks: list[Callable[[], None]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            for callback in list(self.callbacks):
                callback()
        return False


def on_language_change(widget: QWidget, retranslate: Callable[[], None]) -> None:
    """Call `retranslate()` each time the console's language switches (not now: call it
    yourself once the widget is built)."""
    watch = widget.findChild(
        LanguageWatch, "languageWatch", Qt.FindChildOption.FindDirectChildrenOnly
    )
    if watch is None:
        watch = LanguageWatch(widget)
    watch.callbacks.append(retranslate)
