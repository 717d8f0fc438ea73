"""Style sheets set only when they change.

Qt re-polishes a widget's whole subtree on every `setStyleSheet`, even with the text it
already has. The panels restyle on every scale change, and the wall sets the scale while it
composes: at start-up 29 of 99 calls were repeats and cost 0.19 s before the first frame.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def restyle(widget: QWidget, css: str) -> None:
    """`widget.setStyleSheet(css)` unless the widget has exactly this sheet already."""
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)
