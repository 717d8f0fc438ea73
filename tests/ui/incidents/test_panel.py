"""The incident console on SQLite and PostgreSQL: login, a hotline report reaching the
queue, an action through its button, a second console's change showing up through the
change feed, a stale action refused with the current state, the read-only viewer, and
refusals in Chinese."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import Engine, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from services import accounts, incidents  # noqa: E402
from services.incidents.cases import NewIncident  # noqa: E402
from services.policies import Policies
from services.store import db, models
from ui.incidents.hotline_form import HotlineForm  # noqa: E402
from ui.incidents.panel import IncidentPanel  # noqa: E402
from ui.incidents.state import IncidentState  # noqa: E402
from ui.kit.session import LoginDialog  # noqa: E402
from widgets.incidents.badge import IncidentBadge  # noqa: E402

DEFAULTS = Policies.defaults()


WAIT = 15_000


def _places(engine: Engine) -> dict[str, str]:
    """A township with a grid cell, and a grid cell in another county."""
    g = models.GridCell
    with Session(engine) as s:
        cell = s.scalars(select(g).order_by(g.id).limit(1)).one()
        other = s.scalars(
            select(g).where(g.county_code != cell.county_code).order_by(g.id).limit(1)
        ).one()
        return {"town": cell.township_code, "grid": cell.code, "grid_id": str(cell.id),
                "other_grid": other.code}  # fmt: skip


class Console:
    """One console: its state worker, panel, badge and hotline form."""

    def __init__(self, qtbot, url: str, town: str, *, follow_feed: bool = True) -> None:  # type: ignore[no-untyped-def]
        self.state = IncidentState(url, town, follow_feed=follow_feed, policy=DEFAULTS.incidents,
                                   login_policy=DEFAULTS.accounts)
        self.panel = IncidentPanel(self.state)
        self.badge = IncidentBadge()
        self.state.counts_ready.connect(self.badge.set_counts)
        self.form = HotlineForm(self.state)
        for w in (self.panel, self.badge, self.form):
            qtbot.addWidget(w)
        self.panel.resize(900, 1000)
        self.panel.show()
        self.state.start()

    def wait_actor(self, qtbot, role: str) -> None:  # type: ignore[no-untyped-def]
        qtbot.waitUntil(lambda: getattr(self.state.actor(), "role", None) == role, timeout=WAIT)

    def open_case(self, qtbot, incident_id: int) -> None:  # type: ignore[no-untyped-def]
        self.panel.select_incident(incident_id)
        qtbot.waitUntil(lambda: self.case_id() == incident_id, timeout=WAIT)

    def case_id(self) -> int | None:
        case = self.panel.detail.case
        return case.id if case is not None else None

    def status(self) -> str | None:
        case = self.panel.detail.case
        return case.detail.row.status if case is not None else None

    def click_action(self, qtbot, action: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
        button = self.panel.detail.buttons[action]
        qtbot.waitUntil(button.isVisible, timeout=WAIT)
        button.click()
        assert self.panel.detail.form.isVisible()
        self.panel.detail.form.note.setText(note)
        self.panel.detail.form.confirm.click()

    def visible_actions(self) -> list[str]:
        return [a for a, b in self.panel.detail.buttons.items() if b.isVisible()]

    def stop(self) -> None:
        self.state.stop()


@pytest.fixture
def consoles(qtbot, demo_url: str) -> Iterator[list[Console]]:  # type: ignore[no-untyped-def]
    made: list[Console] = []
    yield made
    for c in made:
        c.stop()


def _actor(url: str, login: str) -> accounts.Actor:
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            return accounts.actor_for(s, login)
    finally:
        engine.dispose()


def _report(url: str, login: str, grid_id: int, text: str) -> int:
    engine = db.make_engine(url)
    try:
        factory = db.session_factory(engine)
        with Session(engine) as s:
            actor = accounts.actor_for(s, login)
        return incidents.report_in(factory, actor, NewIncident(
            category="safety_hazard", description=text, grid_id=grid_id), policy=DEFAULTS.incidents)  # fmt: skip
    finally:
        engine.dispose()


def test_hotline_report_accept_and_another_console_refreshes(  # type: ignore[no-untyped-def]
    qtbot, consoles, demo_url: str, demo_engine: Engine
) -> None:
    p = _places(demo_engine)
    a = Console(qtbot, demo_url, p["town"])
    consoles.append(a)
    a.wait_actor(qtbot, "viewer")

    # Sign in through the dialog (the password is checked in the worker).
    dialog = LoginDialog(a.state)
    qtbot.addWidget(dialog)
    dialog.login.setText(f"{p['town']}.duty")
    dialog.password.setText("demo")
    with qtbot.waitSignal(dialog.logged_in, timeout=WAIT):
        dialog.submit.click()
    a.wait_actor(qtbot, "duty_officer")
    qtbot.waitUntil(lambda: "待处理" in a.badge.text() and "—" not in a.badge.text(),
                    timeout=WAIT)  # fmt: skip
    open_before = a.badge.counts()["open"]

    # The hotline operator's form files a report into this township.
    a.form.category.setCurrentIndex(a.form.category.findData("dispute"))
    a.form.grid_code.setText(p["grid"])
    a.form.reporter.setText("王女士")
    a.form.phone.setText("13800000000")
    a.form.description.setPlainText("楼上装修噪音扰民，协商无果")
    with qtbot.waitSignal(a.form.reported, timeout=WAIT) as got:
        a.form.submit.click()
    new_id = got.args[0]
    assert "已登记" in a.form.message.text()
    qtbot.waitUntil(lambda: new_id in [r.id for r in a.panel.rows()], timeout=WAIT)
    qtbot.waitUntil(lambda: a.badge.counts()["open"] == open_before + 1, timeout=WAIT)

    # Accept through the button: the timeline shows it.
    selected: list[tuple[int, float, float]] = []
    a.panel.incident_selected.connect(lambda i, lon, lat: selected.append((i, lon, lat)))
    a.open_case(qtbot, new_id)
    assert selected and selected[0][0] == new_id
    assert a.panel.detail.case is not None
    assert a.panel.detail.case.detail.reporter == "王女士（13800000000）"
    assert "accept" in a.visible_actions() and "close" not in a.visible_actions()
    a.click_action(qtbot, "accept", "已电话回访来电人")
    qtbot.waitUntil(lambda: a.status() == "accepted", timeout=WAIT)
    timeline = [
        a.panel.detail.timeline.itemAtPosition(r, 1).widget().text()
        for r in range(a.panel.detail.timeline.rowCount())
        if a.panel.detail.timeline.itemAtPosition(r, 1) is not None
    ]
    assert timeline == ["上报", "受理"]
    assert "已受理" in a.panel.detail.message.text()

    # A second console of the same center starts handling it; the first one follows.
    b = Console(qtbot, demo_url, p["town"])
    consoles.append(b)
    b.state.set_actor(_actor(demo_url, f"{p['town']}.leader"))
    b.wait_actor(qtbot, "leader")
    b.open_case(qtbot, new_id)
    assert b.status() == "accepted"
    b.click_action(qtbot, "start", "网格员已到场")
    qtbot.waitUntil(lambda: b.status() == "in_progress", timeout=WAIT)
    qtbot.waitUntil(lambda: a.status() == "in_progress", timeout=WAIT)
    row = next(r for r in a.panel.rows() if r.id == new_id)
    qtbot.waitUntil(
        lambda: next(r for r in a.panel.rows() if r.id == new_id).status == "in_progress",
        timeout=WAIT,
    )
    assert row.id == new_id
    assert "resolve" in a.visible_actions() and "accept" not in a.visible_actions()


def test_stale_action_shows_the_current_case_and_writes_nothing(  # type: ignore[no-untyped-def]
    qtbot, consoles, demo_url: str, demo_engine: Engine
) -> None:
    p = _places(demo_engine)
    # This console does not follow the feed, so it keeps showing the old version.
    a = Console(qtbot, demo_url, p["town"], follow_feed=False)
    consoles.append(a)
    a.state.set_actor(_actor(demo_url, f"{p['town']}.duty"))
    a.wait_actor(qtbot, "duty_officer")
    iid = _report(demo_url, f"{p['town']}.operator", int(p["grid_id"]), "井盖缺失")
    a.open_case(qtbot, iid)
    assert a.status() == "reported"

    # Someone else accepts first.
    engine = db.make_engine(demo_url)
    factory = db.session_factory(engine)
    other = _actor(demo_url, f"{p['town']}.leader")
    incidents.perform(factory, other, iid, a.panel.detail.case.detail.row.version, "accept",  # type: ignore[union-attr]
                      "乙受理", policy=DEFAULTS.incidents)  # fmt: skip
    engine.dispose()
    assert a.status() == "reported"

    a.click_action(qtbot, "accept", "甲受理")
    qtbot.waitUntil(lambda: "该事件已被他人更新" in a.panel.detail.message.text(), timeout=WAIT)
    assert a.status() == "accepted"  # the current case is shown
    assert "已受理" in a.panel.detail.message.text()  # "当前状态：已受理"
    assert "accept" not in a.visible_actions()
    with Session(demo_engine) as s:
        notes = s.scalars(
            select(models.IncidentEvent.note).where(
                models.IncidentEvent.incident_id == iid, models.IncidentEvent.action == "accept"
            )
        ).all()
    assert notes == ["乙受理"]


def test_viewer_sees_no_actions_and_refusals_read_in_chinese(  # type: ignore[no-untyped-def]
    qtbot, consoles, demo_url: str, demo_engine: Engine
) -> None:
    p = _places(demo_engine)
    a = Console(qtbot, demo_url, p["town"])
    consoles.append(a)
    a.wait_actor(qtbot, "viewer")
    iid = _report(demo_url, f"{p['town']}.operator", int(p["grid_id"]), "路灯损坏")

    # The wall before login: the case shows, no action button, a hint to sign in.
    qtbot.waitUntil(lambda: iid in [r.id for r in a.panel.rows()], timeout=WAIT)
    a.open_case(qtbot, iid)
    assert a.visible_actions() == []
    assert a.panel.detail.hint.isVisible() and a.panel.detail.hint.text() == "登录后可处置"
    assert not a.form.submit.isEnabled() and not a.form.hint.isHidden()

    # A wrong password is refused in Chinese; nothing changes.
    dialog = LoginDialog(a.state)
    qtbot.addWidget(dialog)
    dialog.login.setText(f"{p['town']}.operator")
    dialog.password.setText("wrong")
    dialog.submit.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "账号或密码错误", timeout=WAIT)
    assert a.state.actor() is not None and a.state.actor().role == "viewer"  # type: ignore[union-attr]

    # The hotline operator signs in; a grid outside the township is refused in Chinese.
    dialog.password.setText("demo")
    with qtbot.waitSignal(dialog.logged_in, timeout=WAIT):
        dialog.submit.click()
    a.wait_actor(qtbot, "operator")
    assert a.form.submit.isEnabled()
    with Session(demo_engine) as s:
        before = s.scalar(select(func.count()).select_from(models.Incident))
    a.form.category.setCurrentIndex(a.form.category.findData("fire"))
    a.form.grid_code.setText(p["other_grid"])
    a.form.description.setPlainText("仓库冒烟")
    with qtbot.waitSignal(a.state.report_refused, timeout=WAIT):
        a.form.submit.click()
    assert "该网格不在本中心辖区内" in a.form.message.text()
    assert p["other_grid"] in a.form.message.text()
    a.form.grid_code.setText("999")
    with qtbot.waitSignal(a.state.report_refused, timeout=WAIT):
        a.form.submit.click()
    assert "找不到该网格编码" in a.form.message.text()
    with Session(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(models.Incident)) == before
    # An operator takes calls but does not handle cases.
    qtbot.waitUntil(lambda: a.panel.detail.hint.text() == "当前账号无处置权限", timeout=WAIT)
    assert a.case_id() == iid and a.visible_actions() == []
