"""Replay of a shift on SQLite and PostgreSQL, on the demo: at three chosen moments the
replayed counts, open cases and per-cell values equal a direct computation on the data.

The demo's cases never reopen, so for them "open at t" is a plain reading of the rows
(reported by t, not resolved by t). One case is taken through the real use cases during
the shift and reopened: for it the rows alone would be wrong, and the replay must follow
its timeline."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_, select
from sqlalchemy.orm import Session

from services import accounts, handover, incidents
from services.handover import replay, roster
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import models
from services.store.db import session_factory, transaction

DEFAULTS = Policies.defaults()


I = models.Incident  # noqa: E741


def _direct(s: Session, code: str, t: datetime, tz: str, skip: int) -> dict[str, object]:
    """Counts and cells at t straight from the incident and supervision rows."""
    day0 = replay.local_midnight(t, tz)
    sub = and_(I.province_code == code, I.id != skip)
    open_rows = s.execute(
        select(I.id, I.grid_id, I.resolve_deadline).where(
            sub, I.reported_at <= t, or_(I.resolved_at.is_(None), I.resolved_at > t))
    ).all()  # fmt: skip
    overdue = [r for r in open_rows if r.resolve_deadline is not None and r.resolve_deadline < t]
    reported = s.execute(select(I.id, I.grid_id).where(sub, I.reported_at >= day0,
                                                      I.reported_at <= t)).all()  # fmt: skip
    resolved = s.scalars(select(I.id).where(sub, I.resolved_at >= day0, I.resolved_at <= t)).all()
    sv = models.Supervision
    open_ids = {r.id for r in open_rows}
    supervised = {i for i, at, ans in s.execute(select(sv.incident_id, sv.at, sv.answered_at))
                  if at <= t and (ans is None or ans > t) and i in open_ids}  # fmt: skip
    return {
        "open": open_ids, "overdue": {r.id for r in overdue}, "reported": len(reported),
        "resolved": len(resolved), "supervised": supervised,
        "cells_open": Counter(r.grid_id for r in open_rows),
        "cells_overdue": Counter(r.grid_id for r in overdue),
        "cells_reported": Counter(r.grid_id for r in reported),
    }  # fmt: skip


def test_three_moments_match_the_data(demo_url: str, demo_engine: Engine) -> None:
    factory = session_factory(demo_engine)
    tz = "Asia/Shanghai"
    now = models.utcnow()
    with factory() as s:
        center = handover.center_of_code(s, None)
        province = s.scalar(select(models.Region.adcode).where(models.Region.parent_id.is_(None)))
        shift = roster.last_ended_shift(s, center, now)
        assert shift is not None and province is not None
        cell = s.scalars(select(models.GridCell).order_by(models.GridCell.id).limit(1)).one()
        town_actor = accounts.actor_for(s, f"{cell.township_code}.duty")
        busy = s.scalars(select(I).where(I.province_code == province, I.is_open,
                                         I.reported_at < shift.starts_at)
                         .order_by(I.id).limit(1)).one()  # fmt: skip
    start, end = shift.starts_at, shift.ends_at
    h = timedelta(hours=1)
    # A case through the real use cases: resolved at +2h, reopened at +4h, resolved after.
    with transaction(factory) as s:
        case_id = incidents.report(s, town_actor, NewIncident(
            category="dispute", description="回放测试：邻里纠纷", grid_id=cell.id,
            channel="hotline", priority=2), now=start + h, policy=DEFAULTS.incidents)  # fmt: skip
        s.add(models.Supervision(incident_id=busy.id, from_center_id=center, at=start + 2 * h,
                                 actor="省值班员", deadline=start + 9 * h, note="请反馈",
                                 answered_at=start + 5 * h))  # fmt: skip
    for action, at, note in (("accept", start + 70 * timedelta(minutes=1), ""),
                             ("start", start + 80 * timedelta(minutes=1), ""),
                             ("resolve", start + 2 * h, "已调解"),
                             ("reopen", start + 4 * h, "当事人再次投诉"),
                             ("resolve", end + h, "再次调解")):  # fmt: skip
        with factory() as s:
            version = s.get(I, case_id).version  # type: ignore[union-attr]
        incidents.perform(factory, town_actor, case_id, version, action, note, now=at, policy=DEFAULTS.incidents)

    with factory() as s:
        rp = replay.load(s, province, start, end, tz=tz)
    moments = (start + 3 * h, start + 5 * h - timedelta(minutes=30), end - timedelta(seconds=1))
    expect_case_open = (False, True, True)  # resolved at +2h, reopened at +4h
    for t, case_open in zip(moments, expect_case_open, strict=True):
        m = rp.at(t, max_cases=100_000)
        with factory() as s:
            d = _direct(s, province, t, tz, skip=case_id)
        assert len(d["open"]) > 50 and len(d["overdue"]) > 0  # type: ignore[arg-type]
        day0 = replay.local_midnight(t, tz)
        case_reported = start + h >= day0
        case_resolved_today = not case_open and start + 2 * h >= day0
        case_cell = {cell.id: 1} if case_open else {}
        assert m.counts.open == len(d["open"]) + case_open  # type: ignore[arg-type]
        assert m.counts.overdue == len(d["overdue"])  # type: ignore[arg-type]
        assert m.counts.reported_today == d["reported"] + case_reported  # type: ignore[operator]
        assert m.counts.resolved_today == d["resolved"] + case_resolved_today  # type: ignore[operator]
        assert m.counts.supervised == len(d["supervised"])  # type: ignore[arg-type]
        ids = {c.id for c in m.open_cases}
        assert ids - {case_id} == d["open"] and (case_id in ids) == case_open
        assert {c.id for c in m.open_cases if c.supervised} == d["supervised"]
        assert {c.id for c in m.open_cases if c.overdue} == d["overdue"]
        assert m.open_total == len(m.open_cases)
        # Map values: open, overdue and reported-today per grid cell.
        want_open = Counter(d["cells_open"]) + Counter(case_cell)  # type: ignore[arg-type]
        assert m.cells["open"] == {g: float(n) for g, n in want_open.items() if g is not None}
        assert m.cells["overdue"] == {
            g: float(n) for g, n in d["cells_overdue"].items() if g is not None
        }  # type: ignore[attr-defined]
        want_rep = Counter(d["cells_reported"]) + Counter({cell.id: 1} if case_reported else {})  # type: ignore[arg-type]
        assert m.cells["reported_today"] == {g: float(n) for g, n in want_rep.items()}
        assert rp.cells_at(t, "open") == m.cells["open"]
    # The moment list is ordered: supervised first, then overdue.
    m = rp.at(moments[0])
    flags = [(not c.supervised, not c.overdue) for c in m.open_cases]
    assert flags == sorted(flags)
    assert m.counts.supervised == 1 and m.open_cases[0].id == busy.id
    # The case's status at each moment follows its timeline.
    statuses = [next((c.status for c in rp.at(t, max_cases=100_000).open_cases
                      if c.id == case_id), None) for t in moments]  # fmt: skip
    assert statuses == [None, "in_progress", "in_progress"]
    assert (
        rp.at(start + 90 * timedelta(minutes=1)).counts.open
        == len(_direct_open(factory, province, start + 90 * timedelta(minutes=1), case_id)) + 1
    )


def _direct_open(factory, code: str, t: datetime, skip: int) -> set[int]:  # type: ignore[no-untyped-def]
    with factory() as s:
        return _direct(s, code, t, "Asia/Shanghai", skip)["open"]  # type: ignore[no-any-return]
