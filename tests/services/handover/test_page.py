"""The handover page's rules (services.handover.page): the submission window before the
shift's end, 签到 for the incoming officer from the page being handed over, signing that
reports the incoming officer on duty (有人员), and a signed handover that opens frozen."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from services import handover
from services import wall as wall_queries
from services.errors import InvalidTransition
from services.handover import page, roster
from services.handover.policy import HandoverPolicy
from services.store import models
from services.store.db import session_factory, transaction
from tests.services.handover.test_report import END, T0, World, _act, _submit

POLICY = HandoverPolicy(submit_window_minutes=30)


def _signed_before(w: World) -> None:
    """The shift before S1 was handed over and signed in time."""
    with transaction(session_factory(w.engine)) as s:
        s.add(models.Handover(shift_id=w.s0, status="accepted", submitted_at=T0,
                              submitted_by=w.staff["丙"], accepted_at=T0,
                              accepted_by=w.staff["甲"]))  # fmt: skip


def _page(w: World, login: str, now: datetime, shift_id: int | None = None) -> page.ShiftPage:
    with session_factory(w.engine)() as s:
        got = page.shift_page(s, w.actor(login), w.center, shift_id, now, "Asia/Shanghai", POLICY)
    assert got is not None
    return got


def test_the_outgoing_officer_submits_from_the_window_before_the_end(world: World) -> None:
    w = world
    _signed_before(w)
    early = END - timedelta(minutes=40)
    p = _page(w, "a.duty", early)
    assert p.shift.id == w.s1  # on duty now: the screen opens on the officer's own shift
    assert "submit" not in p.allowed and p.submit_opens_at == END - timedelta(minutes=30)
    with transaction(session_factory(w.engine)) as s:
        try:
            handover.submit(s, w.actor("a.duty"), w.s1, now=early, window=POLICY.submit_window)
        except InvalidTransition as exc:
            assert exc.code == "shift_not_ended"
            assert exc.params["opens_at"] == END - timedelta(minutes=30)
        else:
            raise AssertionError("submitted before the window opened")
    inside = END - timedelta(minutes=20)
    p = _page(w, "a.duty", inside)
    assert "submit" in p.allowed and p.submit_opens_at is None
    with transaction(session_factory(w.engine)) as s:
        v = handover.submit(s, w.actor("a.duty"), w.s1, "提前交班", now=inside,
                            window=POLICY.submit_window)  # fmt: skip
    assert v.status == "submitted" and v.report is not None
    assert v.report.generated_at == inside
    # The incoming officer, before the shift change, opens on the handover to take over.
    p = _page(w, "c.duty", inside)
    assert p.shift.id == w.s1 and {"accept", "reject"} <= p.allowed and p.frozen


def test_the_incoming_officer_checks_in_from_the_page_and_signing_counts_on_duty(
    world: World,
) -> None:
    w = world
    with transaction(session_factory(w.engine)) as s:
        s.execute(update(models.Shift).where(models.Shift.id == w.s2).values(checked_in_at=None))
    after = END + timedelta(minutes=10)

    def staff(now: datetime) -> tuple[bool, dict[str, object]]:
        clock = wall_queries.Clock.at(now, "Asia/Shanghai")
        with w.engine.connect() as conn:
            center = conn.execute(select(models.CommandCenter).where(
                models.CommandCenter.id == w.center)).first()  # fmt: skip
            sh = conn.execute(select(models.Shift).where(models.Shift.id == w.s2)).first()
            have = wall_queries.four_haves(conn, center, sh, clock)[2]
        return have.met, dict(have.values)

    assert staff(after) == (False, {"on_duty": 0, "required": 2})
    p = _page(w, "c.duty", after)
    assert p.shift.id == w.s1  # the handover still waits for them
    assert "check_in" in p.allowed and p.check_in_shift == w.s2
    v = _submit(w, "a.duty", now=after)
    _act(w, handover.accept, "c.duty", v.id, v.version, now=after + timedelta(minutes=5))
    with session_factory(w.engine)() as s:
        assert roster.shift(s, w.s2).checked_in_at == after + timedelta(minutes=5)
    assert staff(after + timedelta(minutes=6)) == (True, {"on_duty": 2, "required": 2})
    assert "check_in" not in _page(w, "c.duty", after + timedelta(minutes=6), w.s1).allowed


def test_a_signed_handover_without_its_snapshot_opens_frozen_as_of_its_submission(
    world: World,
) -> None:
    w = world
    submitted = END - timedelta(minutes=10)
    with transaction(session_factory(w.engine)) as s:  # as older data (the demo) keeps them
        s.add(models.Handover(shift_id=w.s1, status="accepted", submitted_at=submitted,
                              submitted_by=w.staff["甲"], accepted_at=END,
                              accepted_by=w.staff["丙"], snapshot=None))  # fmt: skip
        late = w.ids["later"]  # reported five minutes after the end: after the submission
    p = _page(w, "c.duty", END + timedelta(hours=5), w.s1)
    assert p.frozen and p.reconstructed and p.report.generated_at == submitted
    shown = {c.id for g in p.report.open_groups for c in g.cases}
    assert late not in shown and w.ids["waiting"] in shown
    assert T0 < submitted


def test_the_window_is_a_configured_policy() -> None:
    from services.config import ConfigError
    from services.policies import Policies

    assert Policies.load({"handover": {"submit_window_minutes": 45}}).handover == HandoverPolicy(45)
    assert Policies.defaults().handover.submit_window == timedelta(minutes=30)
    for bad in ({"submit_window_minutes": -5}, {"submit_window_minutes": "soon"},
                {"submit_window": 30}):  # fmt: skip
        try:
            Policies.load({"handover": bad})
        except ConfigError as exc:
            assert "[handover]" in str(exc)
        else:
            raise AssertionError(f"accepted {bad}")
