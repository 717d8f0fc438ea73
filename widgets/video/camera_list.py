"""Camera names in the video panel's lists: cut in the middle, never at the end.

A camera's name ends in what tells it apart (西溪街道3号监控: the number and 监控), so a
list too narrow for it elides the middle ("西溪…3号监控"), never scrolls sideways, and
every item carries its full text as a tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem


def fit_camera_lists(*lists: QListWidget) -> None:
    """Elide long names in the middle; no horizontal scrolling."""
    for widget in lists:
        widget.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


def camera_item(text: str) -> QListWidgetItem:
    """A list item showing `text`, with `text` whole in its tooltip."""
    item = QListWidgetItem(text)
    item.setToolTip(text)
    return item
