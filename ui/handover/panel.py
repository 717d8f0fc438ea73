"""交接班: the report of a shift, its dual sign-off, the duty log and the review list.

A view of `HandoverState`: slots post requests to the state and nothing else; the panel
repaints from the `ShiftPage` values the worker sends. The report is the same document as
the printed PDF (ui/handover/pdf.py); "导出PDF" writes the page shown (no database).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from services import handover
from services.handover.page import ShiftPage
from ui.handover.pdf import CHART_URL, kpi_chart, report_html, shift_title, write_pdf
from ui.handover.state import HandoverState
from ui.kit.refusal import Refusal, refusal_text
from widgets.style_sheet import restyle
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change

TZ = "Asia/Shanghai"
ACTIONS = ("submit", "reject", "answer", "accept", "check_in")
LOG_KINDS = ("event", "instruction", "correction")
SPLIT = (440, 840, 400)
"""The three columns' widths at UI scale 1 (review list | report | sign-off and log)."""
CHART_W = 720  # the report's chart at UI scale 1
STATUS_TEXT = {
    "submitted": QT_TRANSLATE_NOOP("HandoverPanel", "已提交，待接班确认"),
    "rejected": QT_TRANSLATE_NOOP("HandoverPanel", "已退回，待交班人答复"),
    "accepted": QT_TRANSLATE_NOOP("HandoverPanel", "已签收"),
    "missing": QT_TRANSLATE_NOOP("HandoverPanel", "未交班"),
    None: QT_TRANSLATE_NOOP("HandoverPanel", "未提交"),
}


REPORT_ZOOM = 1.15
"""The printed report's type sizes on screen at UI scale 1 (10 pt body: about 15 px at 1080p)."""
_PT = re.compile(r"font-size:\s*([0-9.]+)pt")


def on_screen(html: str, scale: float) -> str:
    """The report's HTML (sized for A4 paper, in points) at the wall's reading size."""
    zoom = REPORT_ZOOM * scale
    return _PT.sub(lambda m: f"font-size: {float(m.group(1)) * zoom:.1f}pt", html)


def _t(at: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    if at is None:
        return "—"
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(TZ)).strftime(fmt)


class HandoverPanel(QWidget):
    """Shift selector and review list | the report | sign-off and duty log."""

    shift_shown = Signal(int)  # the shift id now on screen

    def __init__(self, state: HandoverState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.page: ShiftPage | None = None
        self._report_pending = False  # the page's report is not drawn yet (panel hidden)
        self.message = ""
        self._rows: tuple[handover.HandoverRow, ...] = ()
        self._refusal: Refusal | None = None
        self._scale = 1.0

        # -- left: shift selector and the review list
        left = QWidget(self)
        lv = QVBoxLayout(left)
        self.shift_box = QComboBox(left)
        self.shift_box.setObjectName("handoverShift")
        # A shift's label is long ("12-02 20:00–08:00 廖航（未结束）"): never wider than
        # the column, the whole label in the drop-down and the tooltip.
        self.shift_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.shift_box.setMinimumContentsLength(12)
        self.shift_box.activated.connect(self._on_shift_chosen)
        self.shift_caption = QLabel(left)
        lv.addWidget(self.shift_caption)
        lv.addWidget(self.shift_box)
        self.review = QGroupBox(left)
        rf = QFormLayout(self.review)
        self.by_date = QCheckBox(self.review)
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7), self.review)
        self.date_to = QDateEdit(QDate.currentDate(), self.review)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.officer_edit = QLineEdit(self.review)
        self.text_edit = QLineEdit(self.review)
        self.search_button = QPushButton(self.review)
        self.search_button.clicked.connect(self.search)
        self.form_captions = [QLabel(self.review) for _ in range(4)]  # 自 至 人员 内容
        rf.addRow(self.by_date)
        for caption, field in zip(self.form_captions,
                                  (self.date_from, self.date_to, self.officer_edit, self.text_edit),
                                  strict=True):  # fmt: skip
            rf.addRow(caption, field)
        rf.addRow(self.search_button)
        lv.addWidget(self.review)
        self.results = QTableWidget(0, 4, left)
        self.results.setObjectName("handoverResults")
        self.results.verticalHeader().hide()
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.results.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.cellDoubleClicked.connect(self._on_result_chosen)
        lv.addWidget(self.results, 1)

        # -- centre: the report
        self.report_view = QTextBrowser(self)
        self.report_view.setObjectName("handoverReport")
        self.report_view.setOpenLinks(False)

        # -- right: sign-off and the duty log
        right = QWidget(self)
        rv = QVBoxLayout(right)
        self.sign = QGroupBox(right)
        sv = QVBoxLayout(self.sign)
        self.status_label = QLabel(self.sign)
        self.status_label.setObjectName("handoverStatus")
        self.status_label.setWordWrap(True)
        self.steps = QListWidget(self.sign)
        self.steps.setObjectName("handoverSteps")
        self.note_edit = QPlainTextEdit(self.sign)
        self.note_edit.setMaximumHeight(90)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            b = QPushButton(self.sign)
            b.setObjectName(f"handover_{action}")
            b.clicked.connect(lambda _=False, a=action: self._act(a))
            self.buttons[action] = b
            buttons.addWidget(b)
        self.export_button = QPushButton(self.sign)
        self.export_button.clicked.connect(self._export_dialog)
        buttons.addWidget(self.export_button)
        self.refusal_label = QLabel(self.sign)
        self.refusal_label.setObjectName("handoverRefusal")
        restyle(self.refusal_label, "color: #ff5a5a;")
        self.refusal_label.setWordWrap(True)
        for w in (self.status_label, self.steps, self.note_edit):
            sv.addWidget(w)
        sv.addLayout(buttons)
        sv.addWidget(self.refusal_label)
        rv.addWidget(self.sign)
        self.log_box = QGroupBox(right)
        gv = QVBoxLayout(self.log_box)
        self.log_list = QListWidget(self.log_box)
        self.log_list.setObjectName("dutyLog")
        self.log_list.setWordWrap(True)
        entry = QHBoxLayout()
        self.log_kind = QComboBox(self.log_box)
        for kind in LOG_KINDS:
            self.log_kind.addItem("", kind)
        self.log_text = QLineEdit(self.log_box)
        self.log_button = QPushButton(self.log_box)
        self.log_button.clicked.connect(self.write_log)
        entry.addWidget(self.log_kind)
        entry.addWidget(self.log_text, 1)
        entry.addWidget(self.log_button)
        gv.addWidget(self.log_list, 1)
        gv.addLayout(entry)
        rv.addWidget(self.log_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for part in (left, self.report_view, right):
            self.splitter.addWidget(part)
        self.splitter.setSizes(list(SPLIT))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(self.splitter)

        state.page_ready.connect(self.show_page)
        state.list_ready.connect(self.show_list)
        state.action_refused.connect(self.show_refusal)
        state.page_refused.connect(lambda r: self.show_refusal("", r))
        state.action_done.connect(self._on_done)
        if state.is_running():  # a panel opened later: its page, not the next change's
            state.refresh()
        self._apply_scale()
        self.retranslate()
        on_language_change(self, self._language_changed)
        self._update_buttons()

    def retranslate(self) -> None:
        """The panel's own captions in the console's language."""
        self.shift_caption.setText(self.tr("班次"))
        self.review.setTitle(self.tr("交接班记录查询"))
        self.by_date.setText(self.tr("按日期"))
        for caption, text in zip(self.form_captions,
                                 (self.tr("自"), self.tr("至"), self.tr("人员"), self.tr("内容")),
                                 strict=True):  # fmt: skip
            caption.setText(text)
        self.officer_edit.setPlaceholderText(self.tr("值班员、带班领导或签字人"))
        self.text_edit.setPlaceholderText(self.tr("交班说明、问答或值班日志"))
        self.search_button.setText(self.tr("查询"))
        self.results.setHorizontalHeaderLabels(
            [self.tr("班次"), self.tr("值班员"), self.tr("状态"), self.tr("接班")]
        )
        self.sign.setTitle(self.tr("交接签字"))
        self.note_edit.setPlaceholderText(self.tr("交班说明 / 退回原因 / 答复"))
        labels = {"submit": self.tr("提交交班"), "reject": self.tr("退回"),
                  "answer": self.tr("答复"), "accept": self.tr("确认接班"),
                  "check_in": self.tr("签到")}  # fmt: skip
        for action, b in self.buttons.items():
            b.setText(labels[action])
        self.export_button.setText(self.tr("导出PDF"))
        # That an entry is final is said in the title: the field's hint is too short for it.
        self.log_box.setTitle(self.tr("值班日志（写入后不可修改）"))
        names = {"event": self.tr("事件"), "instruction": self.tr("领导指示"),
                 "correction": self.tr("更正所选")}  # fmt: skip
        for i in range(self.log_kind.count()):
            self.log_kind.setItemText(i, names[str(self.log_kind.itemData(i))])
        self.log_text.setPlaceholderText(self.tr("记录内容"))
        self.log_button.setText(self.tr("记录"))

    def _language_changed(self) -> None:
        """After the switch: the captions, and the page, the list and a refusal composed in
        the old language, again from what they were made of."""
        self.retranslate()
        if self.page is not None:
            self.show_page(self.page, emit=False)
        else:
            self._update_buttons()
        self.show_list(self._rows)
        if self._refusal is not None:
            self._show_refusal_text(self._refusal)

    def set_ui_scale(self, scale: float) -> None:
        """Follow the wall's scale (the fonts come from the wall's sheet): the columns'
        room, the note's height, the report's chart."""
        if scale == self._scale:
            return
        self._scale = scale
        self._apply_scale()
        if self.page is not None:
            self.show_page(self.page, emit=False)

    def _apply_scale(self) -> None:
        scale = self._scale
        self.splitter.setSizes([round(v * scale) for v in SPLIT])
        self.note_edit.setMaximumHeight(round(90 * scale))
        # The header's own padding: a column sized to its cells still fits its caption.
        restyle(
            self.results,
            f"QHeaderView::section {{ padding: {round(2 * scale)}px {round(6 * scale)}px; }}"
        )

    # -- slots: post to the state, nothing else -------------------------------------

    def _on_shift_chosen(self, index: int) -> None:
        sid = self.shift_box.itemData(index)
        if sid is not None:
            self.state.select_shift(int(sid))

    def _on_result_chosen(self, row: int, _col: int) -> None:
        item = self.results.item(row, 0)
        if item is not None:
            self.state.select_shift(int(item.data(Qt.ItemDataRole.UserRole)))

    def search(self) -> None:
        df = dt = None
        if self.by_date.isChecked():
            df = self.date_from.date().toPython()
            dt = self.date_to.date().toPython()
        self.state.search(handover.HandoverSearch(
            date_from=df, date_to=dt, officer=self.officer_edit.text(),  # type: ignore[arg-type]
            text=self.text_edit.text()))  # fmt: skip

    def _act(self, action: str) -> None:
        text = self.note_edit.toPlainText()
        self.refusal_label.clear()
        if action == "submit":
            self.state.submit(text)
        elif action == "reject":
            self.state.reject(text)
        elif action == "answer":
            self.state.answer(text)
        elif action == "accept":
            self.state.accept(text)
        elif action == "check_in":
            self.state.check_in()

    def write_log(self) -> None:
        kind = str(self.log_kind.currentData())
        corrects = None
        if kind == "correction":
            item = self.log_list.currentItem()
            corrects = int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        self.refusal_label.clear()
        self.state.write_log(kind, self.log_text.text(), corrects)

    def export_pdf(self, path: str) -> int:
        """Write the report on screen to a PDF (no database involved); returns pages."""
        if self.page is None:
            return 0
        return write_pdf(self.page.report, self.page.handover, path)

    def save_dialog(self) -> QFileDialog:
        """The PDF save dialog, every label in the console's language (Qt's own dialog,
        whose 'Look in' and 'Files of type' Qt's Chinese catalogue leaves in English)."""
        name = f"handover_{self.page.shift.id}.pdf" if self.page is not None else "handover.pdf"
        dialog = QFileDialog(self, self.tr("导出交接班报告"))
        dialog.setObjectName("handoverSaveDialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.setNameFilter(self.tr("PDF 文件 (*.pdf)"))
        dialog.selectFile(name)
        for part, text in ((QFileDialog.DialogLabel.LookIn, self.tr("位置：")),
                           (QFileDialog.DialogLabel.FileName, self.tr("文件名：")),
                           (QFileDialog.DialogLabel.FileType, self.tr("文件类型：")),
                           (QFileDialog.DialogLabel.Accept, self.tr("保存")),
                           (QFileDialog.DialogLabel.Reject, self.tr("取消"))):  # fmt: skip
            dialog.setLabelText(part, text)
        return dialog

    def _export_dialog(self) -> None:
        if self.page is None:
            return
        dialog = self.save_dialog()
        if dialog.exec() and dialog.selectedFiles():
            self.export_pdf(dialog.selectedFiles()[0])

    # -- repaint from the state ---------------------------------------------------------

    def _on_done(self, action: str, _page: ShiftPage) -> None:
        if action in ("submit", "reject", "answer", "accept"):
            self.note_edit.clear()
        if action == "write_log":
            self.log_text.clear()

    def show_refusal(self, _action: str, refusal: Refusal) -> None:
        self._refusal = refusal
        self._show_refusal_text(refusal)

    def _show_refusal_text(self, refusal: Refusal) -> None:
        self.refusal_label.setText(refusal_text(refusal.code, refusal.message, domain="handover"))

    def show_page(self, page: ShiftPage, *, emit: bool = True) -> None:
        """Show a shift's page (`emit`: say which shift is on screen; not for a repaint)."""
        self.page = page
        self.shift_box.blockSignals(True)
        self.shift_box.clear()
        for info in page.shifts:
            label = f"{_t(info.starts_at)}–{_t(info.ends_at, '%H:%M')} {info.duty_officer}"
            if not info.ended(page.now):
                label += self.tr("（未结束）")
            self.shift_box.addItem(label, info.id)
            self.shift_box.setItemData(self.shift_box.count() - 1, label,
                                       Qt.ItemDataRole.ToolTipRole)  # fmt: skip
            if info.id == page.shift.id:
                self.shift_box.setCurrentIndex(self.shift_box.count() - 1)
        self.shift_box.blockSignals(False)
        self.shift_box.setToolTip(self.shift_box.currentText())
        self._report_pending = True  # drawn now if shown, else when the panel shows
        if self.isVisible():
            self._show_report(page)
        view = page.handover
        status = view.status if view is not None else None
        lines = [f"<b>{self.tr(STATUS_TEXT.get(status, status or ''))}</b>",
                 f"{self.tr('班次')}：{shift_title(page.report)}",
                 f"{self.tr('交班')}：{page.shift.duty_officer}　{self.tr('接班')}："
                 f"{page.incoming.duty_officer if page.incoming else '—'}"]  # fmt: skip
        if view is not None and view.question:
            lines.append(
                f"<span style='color:#ffb020;'>{self.tr('待答复')}：{view.question}</span>"
            )
        self.status_label.setText("<br>".join(lines))
        self.steps.clear()
        names = {"submit": self.tr("提交"), "reject": self.tr("退回"), "answer": self.tr("答复"),
                 "accept": self.tr("签收")}  # fmt: skip
        for st in view.steps if view is not None else ():
            text = f"{_t(st.at)} {names.get(st.action, st.action)} · {st.staff}"
            if st.text:
                text += f"：{st.text}"
            self.steps.addItem(text)
        self.log_list.clear()
        kinds = {"event": self.tr("事件"), "instruction": self.tr("领导指示"),
                 "correction": self.tr("更正")}  # fmt: skip
        number = {e.id: n + 1 for n, e in enumerate(page.log)}
        for n, e in enumerate(page.log):
            kind = kinds.get(e.kind, e.kind)
            if e.corrects_id is not None:
                kind += f"→{number.get(e.corrects_id, '?')}"
            item = QListWidgetItem(f"{n + 1}. {_t(e.at, '%H:%M')} [{kind}] {e.author}：{e.text}")
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            self.log_list.addItem(item)
        self._update_buttons()
        if emit:
            self.shift_shown.emit(page.shift.id)

    def _show_report(self, page: ShiftPage) -> None:
        """The report with its chart: the panel's costly part (a chart drawn and a rich
        text laid out, ~50 ms), so a hidden panel (the handover window closed, the replay
        tab in front) leaves it for its next showEvent instead of redrawing it after every
        change of a draft's numbers on the GUI thread."""
        self._report_pending = False
        doc = self.report_view.document()
        chart_w = round(CHART_W * self._scale)
        doc.addResource(doc.ResourceType.ImageResource, CHART_URL,
                        kpi_chart(page.report, chart_w, round(290 * self._scale)))  # fmt: skip
        html = on_screen(report_html(page.report, page.handover), self._scale)
        html = html.replace("{chart_w}", str(chart_w))
        if not page.frozen:
            html = html.replace("<body>", "<body><p style='color:#b00020;'><b>"
                                + self.tr("草稿：未提交前按当前数据生成，提交后冻结")
                                + "</b></p>", 1)  # fmt: skip
        elif page.reconstructed:
            html = html.replace("<body>", "<body><p style='color:#607080;'>"
                                + self.tr("该交班未保存快照，报告按交班时的数据重建")
                                + "</p>", 1)  # fmt: skip
        self.report_view.setHtml(html)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._report_pending and self.page is not None:
            self._show_report(self.page)

    def show_list(self, rows: tuple[handover.HandoverRow, ...]) -> None:
        """The review list; each cell carries its whole text as a tooltip (the column may
        still be narrower than a long state in English)."""
        self._rows = rows
        self.results.setRowCount(len(rows))
        for k, r in enumerate(rows):
            shift = QTableWidgetItem(f"{_t(r.starts_at)}–{_t(r.ends_at, '%H:%M')}")
            shift.setData(Qt.ItemDataRole.UserRole, r.shift_id)
            status = self.tr(STATUS_TEXT.get(r.status, r.status))
            if r.late:
                status += self.tr("（逾期）")
            cells = [shift, QTableWidgetItem(r.duty_officer), QTableWidgetItem(status),
                     QTableWidgetItem(r.accepted_by or "—")]  # fmt: skip
            for c, item in enumerate(cells):
                item.setToolTip(item.text())
                self.results.setItem(k, c, item)

    def _update_buttons(self) -> None:
        """The buttons the service allows; 提交交班 also before its window opens, disabled,
        saying when it opens."""
        page = self.page
        allowed = page.allowed if page is not None else frozenset()
        for action, b in self.buttons.items():
            b.setVisible(action in allowed)
            b.setEnabled(True)
            b.setToolTip("")
        submit = self.buttons["submit"]
        submit.setText(self.tr("提交交班"))
        if page is not None and page.submit_opens_at is not None and "submit" not in allowed:
            opens = _t(page.submit_opens_at, "%H:%M")
            submit.setText(self.tr("提交交班（{time} 起）").replace("{time}", opens))
            submit.setToolTip(self.tr("交班前 {n} 分钟起可提交").replace(
                "{n}", str(round((page.shift.ends_at - page.submit_opens_at).total_seconds() / 60))))
            submit.setEnabled(False)
            submit.setVisible(True)
        self.log_button.setEnabled("write_log" in allowed)
        self.export_button.setEnabled(self.page is not None)
