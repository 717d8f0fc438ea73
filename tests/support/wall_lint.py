"""The wall lint: what a person across the room would see wrong, measured on live widgets.

`lint(window, ...)` walks every visible widget of a top-level window (the wall, a dialog)
and reports, as `Finding`s:

* **cut** – a label, button, tab, header section, data cell, a closed list's current text
  (QComboBox), an empty field's hint (QLineEdit placeholder) or a group box's title whose
  text is wider (or, when wrapped, taller) than the room it has, or that was elided with
  "…". A data cell (an item view's cell) may be cut when its tooltip holds the full text:
  the officer can hover it.
* **overlap** – two visible widgets laid out by the same layout whose rectangles overlap
  (a layout squeezed below its minimum draws its children over each other). Overlays that
  no layout places (the cell card over the map, a floating form) are not siblings here.
* **unreachable** – an enabled button that is not wholly inside its window: clipped by a
  parent that does not scroll, so no scrolling brings it into view.
* **small** – text below the reading sizes for a wall read from several metres:
  `BODY_PX` (16 px) for body text and `MIN_PX` (12 px) for the secondary texts listed in
  `SECONDARY` (data ages, table headers, the four-haves reasons, legends), both at UI
  scale 1 (1920×1080); the window's scale multiplies them (32 / 24 px on a 3840×2160
  wall at scale 2). Measured as the font's pixel size (QFontInfo), which is what QSS
  `font-size: Npx` sets; text drawn shrunk to fit (FitText, FitLabel) counts at its drawn
  size.
* **cjk** – in English mode, Chinese text that is not data. Data are the names the
  database holds (regions, people, units, cameras, places, departments, centers): a run
  of Chinese characters passes when it is made of whole names from `data_names`. Item
  view cells (lists and tables) are data and are not checked; their headers are.

Each finding prints as one line: rule, widget path (object names or class names from the
window down), the text, what was measured and what is required.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFontInfo, QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionGroupBox,
    QStyleOptionViewItem,
    QTabBar,
    QWidget,
)

BODY_PX = 16
"""Body text at UI scale 1 (1080 px high), read from about 5 m."""
MIN_PX = 12
"""Any text at all at UI scale 1 (secondary lines: ages, headers, reasons, legends)."""
SECONDARY: frozenset[str] = frozenset(
    {
        # object names or class names whose text is secondary (MIN_PX, not BODY_PX)
        "DataAgeLabel",
        "haveReason",
        "chartLegendItem",
        "QHeaderView",
        "videoStatus",
        "VideoTile",  # slot captions: data over a picture, at most two lines
        "incHint",
        "QToolButton",  # tab scroll arrows and the like carry no reading text
    }
)
ELLIPSIS = "…"
LANGUAGE_NAMES = frozenset({"中文"})  # the language switch names its language in it
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
SLACK_PX = 1  # rounding of text metrics
PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
TAG = re.compile(r"<[a-zA-Z/][^>]*>")


@dataclass(frozen=True)
class Finding:
    """One defect: the rule it breaks, where, the text, and measured against required."""

    rule: str
    path: str
    text: str
    measured: str
    required: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.path}: {self.text!r} ({self.measured}; needs {self.required})"

    def key(self) -> tuple[str, str]:
        """(rule, path) – what a KNOWN entry matches."""
        return self.rule, self.path


def combo_text_room(box: QComboBox) -> int:
    """The width a closed combo box gives its current text (its edit field)."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)  # fmt: skip
    return field.width()


LINE_EDIT_MARGIN_PX = 2
"""QLineEdit's own inner margin on each side of its text (QLineEditPrivate::horizontalMargin)."""


def line_edit_text_room(edit: QLineEdit) -> int:
    """The width a line edit gives its text or its placeholder: the style's contents
    rectangle less the text margins and the edit's own inner margins."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return contents.width() - margins.left() - margins.right() - 2 * LINE_EDIT_MARGIN_PX


def widget_path(widget: QWidget, top: QWidget | None = None) -> str:
    """Object names (else class names) from the window down to the widget."""
    parts: list[str] = []
    w: QWidget | None = widget
    while w is not None:
        parts.append(w.objectName() or type(w).__name__)
        if w is top or w.isWindow():
            break
        w = w.parentWidget()
    return "/".join(reversed(parts))


def visible_widgets(top: QWidget) -> Iterator[QWidget]:
    """`top` and every descendant that is shown (with all its ancestors) in its window."""
    stack = [top]
    while stack:
        w = stack.pop()
        if not w.isVisible():
            continue
        if isinstance(w, QDockWidget) and w.visibleRegion().isEmpty():
            continue  # a tabbed dock behind another: shown when its tab is chosen
        yield w
        for child in w.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not child.isWindow():
                stack.append(child)


def _is_secondary(w: QWidget) -> bool:
    names = {w.objectName(), type(w).__name__}
    names.update(c.__name__ for c in type(w).__mro__)
    parent = w.parentWidget()
    if isinstance(parent, QHeaderView | QTabBar) and not isinstance(w, QLabel):
        names.add("QToolButton")
    return bool(names & SECONDARY)


def _font_px(w: QWidget) -> int:
    return QFontInfo(w.font()).pixelSize()


def _strip_mnemonic(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class Lint:
    """One walk over one window; `findings` holds what failed."""

    def __init__(self, window: QWidget, *, scale: float, english: bool,
                 data_names: Iterable[str] = ()) -> None:  # fmt: skip
        self.window = window
        self.scale = scale
        self.english = english
        names = sorted({n for n in data_names if n and CJK.search(n)}, key=len, reverse=True)
        self._data = re.compile("|".join(map(re.escape, names))) if names else None
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str, str]] = set()

    # -- reporting -------------------------------------------------------------------
    def add(self, rule: str, w: QWidget, text: str, measured: str, required: str) -> None:
        path = widget_path(w, self.window)
        if (rule, path, text) in self._seen:
            return
        self._seen.add((rule, path, text))
        self.findings.append(Finding(rule, path, text, measured, required))

    # -- rules -----------------------------------------------------------------------
    def run(self) -> list[Finding]:
        for w in visible_widgets(self.window):
            if w.width() <= 0 or w.height() <= 0:
                continue
            if isinstance(w, QLabel):
                self._label(w)
            elif isinstance(w, QAbstractButton):
                self._button(w)
            elif isinstance(w, QTabBar):
                self._tabs(w)
            elif isinstance(w, QHeaderView):
                self._header(w)
            elif isinstance(w, QAbstractItemView):
                self._cells(w)
            elif isinstance(w, QLineEdit):
                self._line_edit(w)
            elif isinstance(w, QComboBox):
                self._combo(w)
            elif isinstance(w, QGroupBox):
                self._group_title(w)
            self._painted_text(w)
            layout = w.layout()
            if layout is not None:
                self._overlaps(w, layout)
            if isinstance(w, QAbstractButton) and w.isEnabled():
                self._reachable(w)
        if self.english and self.window.windowTitle():
            self._chinese(self.window, self.window.windowTitle())
        return self.findings

    def _size(self, w: QWidget, text: str, px: int | None = None) -> None:
        if not text.strip():
            return
        px = _font_px(w) if px is None else px
        floor = MIN_PX if _is_secondary(w) else BODY_PX
        need = round(floor * self.scale)
        if px < need:
            self.add("small", w, text, f"{px} px", f">= {need} px")

    def _chinese(self, w: QWidget, text: str) -> None:
        if not self.english or not text or not CJK.search(text):
            return
        rest = self._data.sub(" ", text) if self._data is not None else text
        for run in CJK.findall(rest):
            run = PUNCT.sub("", run)
            if run and run not in LANGUAGE_NAMES:
                self.add("cjk", w, text, f"Chinese {run!r}", "English (or data)")
                return

    def _label(self, w: QLabel) -> None:
        text = w.text()
        if not text or w.pixmap() is not None and not w.pixmap().isNull():
            return
        rich = w.textFormat() == Qt.TextFormat.RichText or (
            w.textFormat() == Qt.TextFormat.AutoText and TAG.search(text) is not None
        )
        plain = re.sub(r"<[^>]+>", "", text) if rich else text
        self._size(w, plain)
        self._chinese(w, plain)
        if ELLIPSIS in plain and plain.rstrip() != ELLIPSIS:
            if plain.replace(ELLIPSIS, "") not in w.toolTip():
                self.add("cut", w, plain, "elided", "the full text (or it in the tooltip)")
                return
        if rich:
            if w.wordWrap():
                need_h = w.heightForWidth(w.contentsRect().width())
                if need_h > w.height() + SLACK_PX:
                    self.add("cut", w, plain, f"{need_h} px tall text in {w.height()} px", "room")
                return
            doc = QTextDocument()
            doc.setDefaultFont(w.font())
            doc.setDocumentMargin(0)
            doc.setHtml(text)
            need_w = round(doc.idealWidth())
            if need_w > w.contentsRect().width() + SLACK_PX:
                self.add("cut", w, plain, f"{need_w} px text in {w.contentsRect().width()} px",
                         "room for the text")  # fmt: skip
            return
        fm = QFontMetrics(w.font())
        room = w.contentsRect().adjusted(w.margin(), w.margin(), -w.margin(), -w.margin())
        room.setWidth(room.width() - max(0, w.indent()))
        if w.wordWrap():
            flags = int(w.alignment()) | int(Qt.TextFlag.TextWordWrap)
            box = fm.boundingRect(QRect(0, 0, room.width(), 100_000), flags, plain)
            if box.height() > room.height() + SLACK_PX or box.width() > room.width() + SLACK_PX:
                self.add("cut", w, plain, f"{box.width()}×{box.height()} px in "
                         f"{room.width()}×{room.height()}", "room for the text")  # fmt: skip
            return
        fit = getattr(w, "fit_factor", None)
        if callable(fit):  # FitLabel: drawn smaller instead of cut
            drawn = round(_font_px(w) * float(fit()))
            if drawn < _font_px(w):
                self._size(w, plain, drawn)
            return
        width = max(fm.horizontalAdvance(line) for line in plain.split("\n"))
        height = fm.height() * (plain.count("\n") + 1)
        if width > room.width() + SLACK_PX or height > room.height() + fm.leading() + 2:
            self.add("cut", w, plain, f"{width}×{height} px text in {room.width()}×{room.height()}",
                     "room for the text")  # fmt: skip

    def _button(self, w: QAbstractButton) -> None:
        text = _strip_mnemonic(w.text())
        if not text:
            return
        self._size(w, text)
        self._chinese(w, text)
        need = w.sizeHint().width()
        if w.width() + SLACK_PX < need:
            self.add("cut", w, text, f"{w.width()} px wide", f">= {need} px (its size hint)")

    def _in_room(self, w: QWidget, text: str, room: int, what: str) -> None:
        """One line of `text` in `room` px of `w`'s font, or a cut finding for it."""
        need = w.fontMetrics().horizontalAdvance(text)
        if need > room + SLACK_PX:
            self.add("cut", w, text, f"{need} px {what} in {room} px", f"room for the {what}")

    def _combo(self, w: QComboBox) -> None:
        """The closed list's current text, whole in its field (the open list shows all)."""
        text = w.currentText()
        self._chinese(w, text)
        if w.isEditable() or not text:
            return  # an editable list's field is its QLineEdit, linted as one
        self._in_room(w, text, combo_text_room(w), "text")

    def _group_title(self, w: QGroupBox) -> None:
        """A group box's title: the style clips it at the box's edge, without "…"."""
        title = _strip_mnemonic(w.title())
        if not title:
            return
        self._size(w, title)
        self._chinese(w, title)
        option = QStyleOptionGroupBox()
        w.initStyleOption(option)
        label = w.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                         QStyle.SubControl.SC_GroupBoxLabel, w)  # fmt: skip
        self._in_room(w, title, w.contentsRect().right() - label.left(), "title")

    def _line_edit(self, w: QLineEdit) -> None:
        """An empty field's hint, whole (typed text scrolls, a hint does not)."""
        if w.text():
            return
        hint = w.placeholderText()
        self._chinese(w, hint)
        if not hint:
            return
        self._in_room(w, hint, line_edit_text_room(w), "hint")

    def _tabs(self, bar: QTabBar) -> None:
        for i in range(bar.count()):
            if not bar.isTabVisible(i):
                continue
            text = _strip_mnemonic(bar.tabText(i))
            self._size(bar, text)
            self._chinese(bar, text)
            rect, need = bar.tabRect(i), bar.tabSizeHint(i)
            horizontal = bar.shape() in (QTabBar.Shape.RoundedNorth, QTabBar.Shape.RoundedSouth,
                                         QTabBar.Shape.TriangularNorth, QTabBar.Shape.TriangularSouth)  # fmt: skip
            short = rect.width() + SLACK_PX < need.width() if horizontal else (
                rect.height() + SLACK_PX < need.height())  # fmt: skip
            if short:
                self.add("cut", bar, text, f"tab {rect.width()}×{rect.height()} px",
                         f"{need.width()}×{need.height()} px")  # fmt: skip
            elif not bar.rect().contains(rect):
                self.add("cut", bar, text, "tab scrolled out of its bar", "every tab in view")

    def _header(self, h: QHeaderView) -> None:
        model = h.model()
        if model is None:
            return
        fm = QFontMetrics(h.font())
        for section in range(h.count()):
            if h.isSectionHidden(section):
                continue
            text = str(
                model.headerData(section, h.orientation(), Qt.ItemDataRole.DisplayRole) or ""
            )
            if not text:
                continue
            self._size(h, text)
            self._chinese(h, text)
            if h.orientation() != Qt.Orientation.Horizontal:
                continue
            pos = h.sectionViewportPosition(section)
            if pos + h.sectionSize(section) < 0 or pos > h.viewport().width():
                continue
            pad = round(4 * self.scale)
            need = fm.horizontalAdvance(text) + pad
            if h.sectionSize(section) + SLACK_PX < need:
                self.add("cut", h, text, f"{h.sectionSize(section)} px column", f">= {need} px")

    def _cells(self, view: QAbstractItemView) -> None:
        model = view.model()
        if model is None:
            return
        viewport = view.viewport().rect()
        fm = QFontMetrics(view.font())
        checked = 0
        for index in _visible_indexes(view):
            rect = view.visualRect(index)
            if not rect.intersects(viewport):
                continue
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            if not text:
                continue
            checked += 1
            if checked == 1:
                self._size(view, text)
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if font is not None else fm
            # What the delegate asks for (text, icon, the style's and QSS padding), against
            # the part of the cell the viewport shows (a list wider than its view is cut).
            option = QStyleOptionViewItem()
            view.initViewItemOption(option)
            need = view.itemDelegateForIndex(index).sizeHint(option, index).width()
            shown = rect.intersected(viewport)
            room = min(rect.width(), shown.width())
            if need <= room + 2 * SLACK_PX:
                continue
            wraps = bool(getattr(view, "wordWrap", lambda: False)())
            if wraps and metrics.boundingRect(QRect(0, 0, max(1, room), 100_000),
                                              int(Qt.TextFlag.TextWordWrap), text
                                              ).height() <= rect.height():  # fmt: skip
                continue
            tip = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
            if text.replace(ELLIPSIS, "") in tip:
                continue  # a data cell whose full text is in its tooltip
            self.add("cut", view, text, f"needs {need} px, has {room} px",
                     "room, or the full text in its tooltip")  # fmt: skip

    def _painted_text(self, w: QWidget) -> None:
        """Widgets that paint their text themselves: FitText (kpi captions and values) and
        the video slots' captions."""
        caption = getattr(w, "caption", None)
        if type(w).__name__ == "VideoTile" and callable(caption):
            cap = caption()
            if cap.text:
                self._size(w, cap.text, cap.px)
                self._chinese(w, cap.text)
                if not cap.whole:
                    self.add("cut", w, cap.text, f"drawn as {' / '.join(cap.lines)!r}",
                             "the whole caption")  # fmt: skip
            return
        text_of = getattr(w, "text", None)
        if isinstance(w, QLabel | QAbstractButton | QLineEdit | QComboBox) or not callable(text_of):
            return
        if type(w).__name__ not in ("FitText", "KpiValue"):
            return
        text = str(text_of())
        drawn, _lines = w.fit()  # type: ignore[attr-defined]
        self._size(w, text, drawn)
        self._chinese(w, text)

    def _overlaps(self, parent: QWidget, layout: QLayout) -> None:
        placed = [c for c in _layout_widgets(layout) if c.isVisible() and not c.isWindow()
                  and c.parentWidget() is parent]  # fmt: skip
        for i, a in enumerate(placed):
            ra = a.geometry()
            for b in placed[i + 1 :]:
                both = ra.intersected(b.geometry())
                if both.width() > SLACK_PX and both.height() > SLACK_PX:
                    self.add("overlap", a, _text_of(a) or widget_path(b, self.window),
                             f"{both.width()}×{both.height()} px over {widget_path(b, self.window)}",
                             "no overlap")  # fmt: skip

    def _reachable(self, w: QAbstractButton) -> None:
        """Wholly inside every ancestor up to the window, scrolling parents excepted."""
        rect = QRect(0, 0, w.width(), w.height())
        child: QWidget = w
        parent = w.parentWidget()
        while parent is not None:
            rect.translate(child.pos())
            scrolls = isinstance(parent.parentWidget(), QAbstractScrollArea) and (
                parent is parent.parentWidget().viewport()
            )  # type: ignore[union-attr]
            if scrolls:
                return  # inside a scroll area: the officer can scroll to it
            inside = QRect(0, 0, parent.width(), parent.height())
            if not inside.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(rect):
                shown = rect.intersected(inside)
                self.add("unreachable", w, _text_of(w) or w.toolTip(),
                         f"{shown.width()}×{shown.height()} of {w.width()}×{w.height()} px in view"
                         f" (clipped by {widget_path(parent, self.window)})",
                         "the whole control in its window")  # fmt: skip
                return
            if parent.isWindow():
                return
            child, parent = parent, parent.parentWidget()


def _text_of(w: QWidget) -> str:
    text = getattr(w, "text", None)
    return TAG.sub("", str(text())) if callable(text) else ""


def _layout_widgets(layout: QLayout) -> Iterator[QWidget]:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        if item.widget() is not None:
            yield item.widget()
        elif item.layout() is not None:
            yield from _layout_widgets(item.layout())


def _visible_indexes(view: QAbstractItemView) -> Iterator[QModelIndex]:
    model = view.model()
    root = view.rootIndex()
    rows = model.rowCount(root)
    try:
        cols = model.columnCount(root)
    except TypeError:  # a list model: one column, its columnCount is private
        cols = 1
    hidden_col: Callable[[int], bool] = getattr(view, "isColumnHidden", lambda _c: False)
    hidden_row: Callable[[int], bool] = getattr(view, "isRowHidden", lambda _r: False)
    top = view.indexAt(view.viewport().rect().topLeft())
    start = top.row() if top.isValid() else 0
    for row in range(start, min(rows, start + 200)):
        if hidden_row(row):
            continue
        first = model.index(row, 0, root)
        if view.visualRect(first).top() > view.viewport().height():
            break
        for col in range(cols):
            if not hidden_col(col):
                yield model.index(row, col, root)


def lint(window: QWidget, *, scale: float, english: bool,
         data_names: Iterable[str] = ()) -> list[Finding]:  # fmt: skip
    """Every finding on the visible widgets of `window` (see the module docstring)."""
    return Lint(window, scale=scale, english=english, data_names=data_names).run()
