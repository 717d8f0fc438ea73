"""One case in full: header, facts, description, intake, photos, timeline, supervisions,
links (举一反三), and one button for each action this account may take now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.accounts import Actor
from services.incidents.attachments import AttachmentRow
from services.incidents.cases import EventRow, IncidentRow, RouteTarget, SupervisionRow
from services.store import models
from ui.incidents.action_form import ActionForm, make_label
from ui.incidents.state import CaseView
from ui.kit.refusal import Refusal, refusal_text
from widgets.incident_labels import (
    action_label,
    channel_label,
    evaluation_label,
    kind_label,
    local_time,
    located_by_label,
    match_label,
    priority_label,
    time_left,
)
from widgets.labels import category_label, status_label
from widgets.translate import QT_TRANSLATE_NOOP, on_language_change

# Actions in the order their buttons appear; those needing input open the inline form.
BUTTON_ORDER = (
    "accept", "route", "start", "resolve", "close", "answer", "return", "escalate",
    "reopen", "supervise", "follow_up",
)  # fmt: skip

NOTE_REQUIRED = frozenset({"reopen", "answer", "supervise"})
STALE_TEXT = QT_TRANSLATE_NOOP("IncidentPanel", "该事件已被他人更新")
VIEWER_HINT = QT_TRANSLATE_NOOP("IncidentPanel", "登录后可处置")
NO_RIGHTS_HINT = QT_TRANSLATE_NOOP("IncidentPanel", "当前账号无处置权限")
FACTS: dict[str, str] = {  # the case's facts in the order they show, two a row
    "grid": QT_TRANSLATE_NOOP("IncidentPanel", "网格"),
    "channel": QT_TRANSLATE_NOOP("IncidentPanel", "来源"),
    "reporter": QT_TRANSLATE_NOOP("IncidentPanel", "上报人"),
    "address": QT_TRANSLATE_NOOP("IncidentPanel", "地址"),
    "reported": QT_TRANSLATE_NOOP("IncidentPanel", "上报时间"),
    "deadline": QT_TRANSLATE_NOOP("IncidentPanel", "办结时限"),
    "center": QT_TRANSLATE_NOOP("IncidentPanel", "办理中心"),
    "department": QT_TRANSLATE_NOOP("IncidentPanel", "承办部门"),
    "evaluation": QT_TRANSLATE_NOOP("IncidentPanel", "评价"),
    "kind": QT_TRANSLATE_NOOP("IncidentPanel", "类型"),
}


def _tr(source: str) -> str:
    """Translated in the "IncidentPanel" context, shared by the modules of the panel."""
    return QCoreApplication.translate("IncidentPanel", source)


class IncidentDetailView(QWidget):
    """One case: header, facts, description, timeline, supervisions, links, actions."""

    action_requested = Signal(str, dict)  # action, params from the form
    link_clicked = Signal(int)  # an origin or follow-up case
    photo_clicked = Signal(int)  # an attachment id of the case shown

    def __init__(self, tz: str = "Asia/Shanghai", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self.case: CaseView | None = None
        self._targets: tuple[RouteTarget, ...] = ()
        self._actor: Actor | None = None

        self.title = make_label(name="incTitle")
        self.title.setWordWrap(True)
        self.flags = QHBoxLayout()
        self.flag_supervised = make_label(name="flagSupervised")
        self.flag_overdue = make_label(name="flagOverdue")
        self.flags.addWidget(self.title, 1)
        self.flags.addWidget(self.flag_supervised)
        self.flags.addWidget(self.flag_overdue)

        self.facts = QGridLayout()
        self._fact_values: dict[str, QLabel] = {}
        self._fact_captions: dict[str, QLabel] = {}
        for i, key in enumerate(FACTS):
            value = make_label(name="incValue")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key == "deadline":
                value.setObjectName("incDeadline")
            caption = make_label(name="incCaption")
            self.facts.addWidget(caption, i // 2, (i % 2) * 2)
            self.facts.addWidget(value, i // 2, (i % 2) * 2 + 1)
            self._fact_values[key] = value
            self._fact_captions[key] = caption
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)
        self.description = make_label(name="incValue")
        self.description.setWordWrap(True)
        # How a case another system sent came in, and where its address was matched.
        self.intake_title = make_label(name="incSection")
        self.intake_text = make_label(name="incValue")
        self.intake_text.setObjectName("intakeInfo")
        self.intake_text.setWordWrap(True)
        self.intake_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.photos_title = make_label(name="incSection")
        self.photos = QGridLayout()
        self.photo_buttons: dict[int, QToolButton] = {}
        self._thumbs: dict[int, QImage] = {}
        self._shown_photos: tuple[AttachmentRow, ...] | None = None

        self.timeline_title = make_label(name="incSection")
        self.timeline = QGridLayout()
        self.timeline.setColumnStretch(3, 1)
        self.supervision_title = make_label(name="incSection")
        self.supervisions = QVBoxLayout()
        self.links_title = make_label(name="incSection")
        self.links = QHBoxLayout()

        self.message = make_label(name="incMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self._message_text: Callable[[], str] | None = None  # says it again after a switch
        self.buttons_row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for action in BUTTON_ORDER:
            button = QPushButton(self)
            button.setObjectName(f"action_{action}")
            button.clicked.connect(lambda _=False, a=action: self._open_form(a))
            button.hide()
            self.buttons[action] = button
            self.buttons_row.addWidget(button)
        self.buttons_row.addStretch(1)
        self.hint = make_label(name="incHint")
        self.buttons_row.addWidget(self.hint)
        self.form = ActionForm(self)
        self.form.confirmed.connect(self._confirmed)
        self.form.cancelled.connect(self.form.hide)
        self.empty = make_label(name="incHint")

        # What the officer can do stays above the scrolled part (title, message, buttons,
        # the open form): reading the timeline never scrolls the actions out of sight.
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(self.flags)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons_row)
        layout.addWidget(self.form)
        self.body = QWidget(self)
        self.body.setObjectName("incidentDetail")
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(self.facts)
        body.addWidget(self.description)
        body.addWidget(self.intake_title)
        body.addWidget(self.intake_text)
        body.addWidget(self.photos_title)
        body.addLayout(self.photos)
        body.addWidget(self.supervision_title)
        body.addLayout(self.supervisions)
        body.addWidget(self.timeline_title)
        body.addLayout(self.timeline)
        body.addWidget(self.links_title)
        body.addLayout(self.links)
        body.addStretch(1)
        self.body_scroll = QScrollArea(self)
        self.body_scroll.setObjectName("caseScroll")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setWidget(self.body)
        self.body_scroll.viewport().setAutoFillBackground(False)
        layout.addWidget(self.body_scroll, 1)
        self._case_widgets: list[QWidget] = [
            self.title, self.flag_supervised, self.flag_overdue, self.description,
            self.timeline_title, self.supervision_title, self.links_title, self.body_scroll,
            self.intake_title, self.intake_text, self.photos_title,
        ]  # fmt: skip
        # What each section shows now: a refresh rebuilds only the sections that changed.
        self._shown_events: tuple[EventRow, ...] = ()
        self._shown_supervisions: tuple[SupervisionRow, ...] | None = None
        self._shown_links: tuple[tuple[str, IncidentRow], ...] | None = None
        self._retranslate_captions()
        self.show_case(None)
        on_language_change(self, self.retranslate)

    def retranslate(self) -> None:
        """The language switched: the captions, and the case shown composed again (its
        sections rebuilt; the scroll position, the open form and its text stay)."""
        self._retranslate_captions()
        if self.case is not None:
            self._clear(self.timeline)  # an append-only refresh would stack rows over it
            self._shown_events = ()
            self._shown_supervisions = None
            self._shown_links = None
            self._shown_photos = None
            self.show_case(self.case)
        if self._message_text is not None and self.message.isVisibleTo(self):
            self.message.setText(self._message_text())

    def _retranslate_captions(self) -> None:
        self.flag_supervised.setText(_tr("督办"))
        self.flag_overdue.setText(_tr("超期"))
        for key, caption in self._fact_captions.items():
            caption.setText(_tr(FACTS[key]))
        self.intake_title.setText(_tr("来件与地址匹配"))
        self.photos_title.setText(_tr("现场照片"))
        self.timeline_title.setText(_tr("处置时间线"))
        self.supervision_title.setText(_tr("督办"))
        self.links_title.setText(_tr("关联事件（举一反三）"))
        for action, button in self.buttons.items():
            button.setText(action_label(action).replace("&", "&&"))  # "Rate & close": no mnemonic
        self.empty.setText(_tr("在上方队列或地图上选择一个事件"))
        self._show_buttons()

    # -- input -------------------------------------------------------------------------

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self._show_buttons()

    def set_targets(self, targets: tuple[RouteTarget, ...]) -> None:
        self._targets = targets

    def show_case(self, case: CaseView | None) -> None:
        """Show a case (None: nothing selected). An open action form stays open only if
        its action is still allowed."""
        same = case is not None and self.case is not None and case.id == self.case.id
        bar = self.body_scroll.verticalScrollBar()
        kept = bar.value() if same else 0
        self.case = case
        self.empty.setVisible(case is None)
        shown = case is not None
        for w in self._case_widgets:
            if w is self.flag_supervised:
                shown_w = shown and case is not None and case.detail.row.supervised
            elif w is self.flag_overdue:
                shown_w = shown and case is not None and case.detail.row.overdue
            elif w is self.supervision_title:
                shown_w = shown and case is not None and bool(case.detail.supervisions)
            elif w is self.intake_title or w is self.intake_text:
                shown_w = shown and case is not None and case.intake is not None
            elif w is self.photos_title:
                shown_w = shown and case is not None and bool(case.photos)
            elif w is self.links_title:
                shown_w = shown and case is not None and bool(
                    case.detail.follow_ups or case.detail.origin is not None
                )
            else:
                shown_w = shown
            if w.isVisibleTo(self) != shown_w:
                w.setVisible(shown_w)
        for i in range(self.facts.count()):
            entry = self.facts.itemAt(i)
            item = entry.widget() if entry is not None else None
            if item is not None and item.isVisibleTo(self) != shown:
                item.setVisible(shown)
        if not same:
            self.form.hide()
            self.message.hide()
        if case is None:
            self._clear(self.timeline)
            self._clear(self.supervisions)
            self._clear(self.links)
            self._clear(self.photos)
            self.photo_buttons = {}
            self._shown_photos = None
            self._shown_events = ()
            self._shown_supervisions = None
            self._shown_links = None
            self._show_buttons()
            return
        d = case.detail
        r = d.row
        self.title.setText(
            f"#{r.id}  {category_label(r.category)} · {priority_label(r.priority)} · "
            f"{status_label(r.status)}"
        )
        sup_overdue = any(s.overdue for s in d.supervisions)
        self._set_property(self.flag_supervised, "overdue", "true" if sup_overdue else "false")
        left, overdue = time_left(r.resolve_deadline, models.utcnow())
        deadline = local_time(r.resolve_deadline, self._tz)
        values = {
            "grid": d.grid_code,
            "channel": channel_label(r.channel),
            "reporter": d.reporter or "—",
            "address": r.address or "—",
            "reported": local_time(r.reported_at, self._tz),
            "deadline": f"{deadline}（{left}）"
            if r.status not in ("resolved", "closed")
            else deadline,
            "center": d.handling_center or "—",
            "department": d.handling_department or "—",
            "evaluation": evaluation_label(d.evaluation) or "—",
            "kind": kind_label(r.kind),
        }
        for key, text in values.items():
            self._fact_values[key].setText(text)
        self._set_property(self._fact_values["deadline"], "overdue", "true" if overdue else "false")
        self.description.setText(r.description)
        if not same:
            self._shown_events = ()
            self._shown_supervisions = None
            self._shown_links = None
            self._shown_photos = None
            self._thumbs = {}
        self._fill_intake(case)
        self._fill_photos(case)
        self._fill_timeline(case)
        self._fill_supervisions(case)
        self._fill_links(case)
        self._show_buttons()
        if self.form.isVisible() and self.form.action not in d.allowed:
            self.form.hide()
        # A refresh of the same case keeps the reader's place (a rebuilt section can shrink
        # the page for a moment and clamp the scroll bar); another case starts at the top.
        self._restore_scroll(kept)

    def _restore_scroll(self, value: int) -> None:
        bar = self.body_scroll.verticalScrollBar()
        body = self.body.layout()
        if body is not None:
            body.activate()
        bar.setValue(value)
        if bar.value() != value:  # the page grows once the new rows are laid out
            QTimer.singleShot(0, lambda: bar.setValue(value))

    @staticmethod
    def _set_property(w: QWidget, name: str, value: str) -> None:
        if w.property(name) != value:
            w.setProperty(name, value)
            w.style().unpolish(w)
            w.style().polish(w)

    def show_message(self, text: str | Callable[[], str], tone: str = "alarm") -> None:
        """A line above the actions; given as a function, it is said again in the new
        language when the language switches while it shows."""
        self._message_text = text if callable(text) else None
        self.message.setText(text() if callable(text) else text)
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def show_refusal(self, action: str, refusal: Refusal) -> None:
        if refusal.stale:
            self.form.hide()
            current = refusal.current

            def stale() -> str:
                if current is None:
                    return _tr(STALE_TEXT)
                return _tr(STALE_TEXT) + _tr("，当前状态：{status}（第 {v} 版），未作任何修改").format(
                    status=status_label(current.detail.row.status), v=current.detail.row.version
                )

            if current is not None:
                self.show_case(current)
            self.show_message(stale)
            return
        self.show_message(
            lambda: _tr("{action}未成功：{reason}").format(
                action=action_label(action), reason=refusal_text(refusal.code, refusal.message)
            )
        )

    # -- building ----------------------------------------------------------------------

    @staticmethod
    def _clear(layout: QGridLayout | QVBoxLayout | QHBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()

    def _target_text(self, case: CaseView, target: str) -> str:
        if not target:
            return ""
        if target.startswith("deadline:"):
            raw = target.split(":", 1)[1]
            try:
                when = local_time(datetime.fromisoformat(raw), self._tz)
            except ValueError:
                when = raw
            return _tr("时限 {t}").format(t=when)
        name = case.target_names.get(target)
        return "→ " + (name or target)

    def set_thumbnails(self, incident_id: int, images: dict[int, QImage]) -> None:
        """Small pictures of the shown case's photos (decoded by the worker)."""
        if self.case is None or self.case.id != incident_id:
            return
        self._thumbs = dict(images)
        for att_id, button in self.photo_buttons.items():
            self._set_thumb(att_id, button)

    def _set_thumb(self, att_id: int, button: QToolButton) -> None:
        image = self._thumbs.get(att_id)
        if image is not None:
            button.setIcon(QIcon(QPixmap.fromImage(image)))
            button.setIconSize(image.size())

    def _fill_intake(self, case: CaseView) -> None:
        info = case.intake
        if info is None:
            self.intake_text.setText("")
            return
        lines = [
            _tr("来源：{channel} · 报送方 {caller}").format(
                channel=channel_label(info.source), caller=info.caller or "—")
            + (_tr(" · 对方编号 {ext}").format(ext=info.external_id) if info.external_id else ""),
            _tr("定位：{how}").format(how=located_by_label(info.located_by)),
        ]  # fmt: skip
        if info.address_text:
            lines.append(_tr("来件地址：{text}").format(text=info.address_text))
        if info.match_status:
            sure = (
                _tr("，可信度 {p}%").format(p=round(100 * info.match_confidence))
                if info.match_confidence is not None else ""
            )  # fmt: skip
            lines.append(_tr("地址匹配：{names}（{status}{sure}）").format(
                names=info.match_names or "—", status=match_label(info.match_status), sure=sure))  # fmt: skip
        self.intake_text.setText("\n".join(lines))
        # The matcher's reasoning is the service's own (English) wording: on hover only.
        self.intake_text.setToolTip(info.match_reason)

    def _fill_photos(self, case: CaseView) -> None:
        photos = case.photos
        if photos == self._shown_photos:
            return
        self._shown_photos = photos
        self._clear(self.photos)
        self.photo_buttons = {}
        self.photos_title.setText(_tr("现场照片（{n}）").format(n=len(photos)))
        for i, p in enumerate(photos):
            button = QToolButton(self.body)
            button.setObjectName("photoThumb")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setText(local_time(p.uploaded_at, self._tz))
            button.setToolTip(
                f"{p.filename or p.sha256[:12]} · {p.width}×{p.height} · {p.uploaded_by}"
            )
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, a=p.id: self.photo_clicked.emit(a))
            self._set_thumb(p.id, button)
            # two a row: the sheet's narrowest width at 1080p still holds them side by side
            self.photos.addWidget(button, i // 2, i % 2, Qt.AlignmentFlag.AlignLeft)
            button.show()
            self.photo_buttons[p.id] = button

    def _fill_timeline(self, case: CaseView) -> None:
        events = case.detail.events
        old = self._shown_events
        if events == old:
            return
        start = len(old)
        if events[:start] != old:  # not an append: rebuild the whole timeline
            self._clear(self.timeline)
            start = 0
        for i in range(start, len(events)):
            e = events[i]
            note = e.note
            if e.action == "report":
                note = channel_label(e.note) if e.note else ""
            target = self._target_text(case, e.target)
            cells = (
                make_label(local_time(e.at, self._tz), "incCaption"),
                make_label(action_label(e.action), "incValue"),
                make_label(e.actor, "incCaption"),
                make_label("  ".join(t for t in (target, note) if t), "incValue"),
            )
            cells[1].setStyleSheet("font-weight: bold;")
            cells[3].setWordWrap(True)
            for col, w in enumerate(cells):
                self.timeline.addWidget(w, i, col, Qt.AlignmentFlag.AlignTop)
                w.show()  # at once, so the next layout pass already counts it
        self._shown_events = events
        self.timeline_title.setText(_tr("处置时间线（{n}）").format(n=len(events)))

    def _fill_supervisions(self, case: CaseView) -> None:
        sups = case.detail.supervisions
        if sups == self._shown_supervisions:
            return
        self._shown_supervisions = sups
        self._clear(self.supervisions)
        now = models.utcnow()
        for s in sups:
            head = _tr("{src} 督办 {dst}，时限 {deadline}").format(
                src=s.from_center or "—", dst=s.to_center or "—",
                deadline=local_time(s.deadline, self._tz),
            )  # fmt: skip
            if s.answered_at is None:
                left, _ = time_left(s.deadline, now)
                head += f"（{left}）"
            lines = [head, _tr("要求：{note}（{who} {at}）").format(
                note=s.note, who=s.actor, at=local_time(s.at, self._tz))]  # fmt: skip
            if s.answered_at is not None:
                lines.append(_tr("回复：{answer}（{who} {at}）").format(
                    answer=s.answer or "", who=s.answered_by or "",
                    at=local_time(s.answered_at, self._tz)))  # fmt: skip
            else:
                lines.append(_tr("待回复"))
            label = make_label("\n".join(lines), "flagSupervised" if s.answered_at is None else "")
            label.setWordWrap(True)
            if s.overdue:
                label.setProperty("overdue", "true")
            self.supervisions.addWidget(label)
            label.show()

    def _fill_links(self, case: CaseView) -> None:
        d = case.detail
        linked: list[tuple[str, IncidentRow]] = []
        if d.origin is not None:
            linked.append((_tr("原事件"), d.origin))
        linked += [(_tr("举一反三"), f) for f in d.follow_ups]
        if tuple(linked) == self._shown_links:
            return
        self._shown_links = tuple(linked)
        self._clear(self.links)
        for caption, row in linked:
            button = QPushButton(f"{caption} #{row.id} {status_label(row.status)}", self.body)
            button.setObjectName("incLink")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, i=row.id: self.link_clicked.emit(i))
            self.links.addWidget(button)
            button.show()
        self.links.addStretch(1)

    def _show_buttons(self) -> None:
        allowed = self.case.detail.allowed if self.case is not None else ()
        for action, button in self.buttons.items():
            button.setVisible(action in allowed)
        actor = self._actor
        reader = actor is None or not (actor.may("handle") or actor.may("supervise"))
        signed_in = actor is not None and actor.role != "viewer"
        self.hint.setText(_tr(NO_RIGHTS_HINT) if signed_in else _tr(VIEWER_HINT))
        self.hint.setVisible(self.case is not None and reader)

    def _open_form(self, action: str) -> None:
        if self.case is None:
            return
        self.message.hide()
        self.form.open_for(action, self.case.id, self._targets)

    def _confirmed(self, action: str, params: dict[str, Any]) -> None:
        if self.case is None:
            return
        if action in NOTE_REQUIRED and not params.get("note"):
            code = {"reopen": "reason", "answer": "answer"}.get(action, "note")
            self.show_message(lambda: refusal_text(code))
            return
        self.action_requested.emit(action, params)
