"""`QT_TRANSLATE_NOOP` typed as what it returns (its source text).

PySide6's stubs declare it as returning `object`, so every table of translatable texts
looks mistyped to mypy. pyside6-lupdate finds the strings by the call's name, whatever
module it is imported from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:

    def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 - Qt's own name
        """Mark `source` for translation in `context`; returns `source` unchanged."""
        ...

else:
    from PySide6.QtCore import QT_TRANSLATE_NOOP  # noqa: F401
