"""Typed access to a widget's layout (Qt's `layout()` may return None)."""

from __future__ import annotations

from typing import TypeVar, overload

from PySide6.QtWidgets import QLayout, QWidget

L = TypeVar("L", bound=QLayout)


@overload
def layout_of(widget: QWidget) -> QLayout: ...


@overload
def layout_of(widget: QWidget, kind: type[L]) -> L: ...


def layout_of(widget: QWidget, kind: type[QLayout] = QLayout) -> QLayout:
    """The layout a widget was built with, as the kind it was built as."""
    lay = widget.layout()
    if not isinstance(lay, kind):
        raise TypeError(f"{widget.objectName() or type(widget).__name__} has no {kind.__name__}")
    return lay
