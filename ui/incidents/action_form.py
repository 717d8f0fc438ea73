"""The inline form of one action on a case (note, target, evaluation, follow-ups,
supervision deadline): no modal dialog on a wall."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from services import incidents
from services.incidents.cases import RouteTarget
from widgets.incident_labels import action_label, evaluation_label
from widgets.translate import on_language_change


def _tr(source: str) -> str:
    """Translated in the "IncidentPanel" context, shared by the modules of the panel."""
    return QCoreApplication.translate("IncidentPanel", source)


def make_label(text: str = "", name: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    return label


class ActionForm(QFrame):
    """The inline form for one action: note, and per action a target, an evaluation with
    follow-up tasks, or a supervision deadline."""

    confirmed = Signal(str, dict)  # action, params (note, target, evaluation, ...)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionForm")
        self.action = ""
        self.title = make_label(name="incTitle")
        self.note = QLineEdit(self)
        self.note.setObjectName("actionNote")
        self.target_caption = make_label(name="incCaption")
        self.target = QComboBox(self)
        self.target.setObjectName("actionTarget")
        self.evaluation_caption = make_label(name="incCaption")
        self.evaluation = QComboBox(self)
        self.evaluation.setObjectName("actionEvaluation")
        for code in incidents.EVALUATIONS:
            self.evaluation.addItem(evaluation_label(code), code)
        self.tasks_caption = make_label(name="incCaption")
        self.tasks = QPlainTextEdit(self)
        self.tasks.setObjectName("actionTasks")
        self.hours_caption = make_label(name="incCaption")
        self.hours = QSpinBox(self)
        self.hours.setObjectName("actionHours")
        self.hours.setRange(1, 24 * 30)
        self.hours.setValue(24)
        self.confirm = QPushButton(self)
        self.confirm.setObjectName("actionConfirm")
        self.cancel = QPushButton(self)
        self.confirm.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self.cancelled)
        self.note.returnPressed.connect(self._confirm)

        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.target_caption, 1, 0)
        grid.addWidget(self.target, 1, 1)
        grid.addWidget(self.evaluation_caption, 2, 0)
        grid.addWidget(self.evaluation, 2, 1)
        grid.addWidget(self.hours_caption, 3, 0)
        grid.addWidget(self.hours, 3, 1)
        self.note_caption = make_label(name="incCaption")
        grid.addWidget(self.note_caption, 4, 0)
        grid.addWidget(self.note, 4, 1)
        grid.addWidget(self.tasks_caption, 5, 0, 1, 2)
        grid.addWidget(self.tasks, 6, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        grid.addLayout(buttons, 7, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.case_id = 0
        self.targets: tuple[RouteTarget, ...] = ()
        self.retranslate()
        on_language_change(self, self.retranslate)
        self.hide()

    def retranslate(self) -> None:
        """Every caption, and the open action's title, button, hint and targets, in the
        language now in use (what the officer typed and picked stays)."""
        self.target_caption.setText(_tr("派往"))
        self.evaluation_caption.setText(_tr("群众评价"))
        self.hours_caption.setText(_tr("督办时限（小时）"))
        self.note_caption.setText(_tr("说明"))
        self.cancel.setText(_tr("取消"))
        for i, code in enumerate(incidents.EVALUATIONS):
            self.evaluation.setItemText(i, evaluation_label(code))
        action = self.action
        self.tasks_caption.setText(
            _tr("任务（每行一项）") if action == "follow_up"
            else _tr("举一反三任务（每行一项，可不填）")
        )  # fmt: skip
        if not action:
            return
        self.title.setText(f"{action_label(action)} #{self.case_id}")
        self.confirm.setText((_tr("确认") + action_label(action)).replace("&", "&&"))
        placeholder = {
            "reopen": _tr("必填：重新办理的原因"),
            "answer": _tr("必填：向上级回复办理进展"),
            "supervise": _tr("必填：督办要求"),
            "follow_up": _tr("必填：举一反三任务（每行一项）"),
        }.get(action, _tr("可选：处置说明"))
        self.note.setPlaceholderText(placeholder)
        for i, t in enumerate(self.targets[: self.target.count()]):
            kind = _tr("部门") if t.kind == "department" else _tr("下级中心")
            self.target.setItemText(i, f"{t.name}（{kind}）")

    def open_for(self, action: str, case_id: int, targets: tuple[RouteTarget, ...]) -> None:
        self.action = action
        self.case_id = case_id
        self.targets = targets
        self.note.clear()
        self.tasks.clear()
        route = action == "route"
        w: QWidget
        self.target.clear()
        for t in targets:
            self.target.addItem(t.name, (t.kind, t.id))
        self.retranslate()
        for w in (self.target_caption, self.target):
            w.setVisible(route)
        for w in (self.evaluation_caption, self.evaluation):
            w.setVisible(action == "close")
        for w in (self.hours_caption, self.hours):
            w.setVisible(action == "supervise")
        tasks = action in ("close", "follow_up")
        for w in (self.tasks_caption, self.tasks):
            w.setVisible(tasks)
        for w in (self.note_caption, self.note):
            w.setVisible(action != "follow_up")
        self.show()
        (self.tasks if action == "follow_up" else self.note).setFocus()

    def _confirm(self) -> None:
        params: dict[str, Any] = {"note": self.note.text().strip()}
        if self.action == "route":
            data = self.target.currentData()
            if data is not None:
                params["target_kind"], params["target_id"] = data
        elif self.action == "close":
            params["evaluation"] = self.evaluation.currentData()
            params["follow_ups"] = _lines(self.tasks.toPlainText())
        elif self.action == "supervise":
            params["hours"] = self.hours.value()
        elif self.action == "follow_up":
            params["tasks"] = _lines(self.tasks.toPlainText())
        self.confirmed.emit(self.action, params)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
