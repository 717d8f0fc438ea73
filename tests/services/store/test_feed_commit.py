"""The change feed is numbered at commit: no writer waits for another's whole transaction,
seq stays in commit order, the counters are applied at commit, and changes name their origin."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from services import accounts, incidents
from services.store import changefeed, db, models
from tests.support import feedload


def _alert(tag: str) -> models.RiskAlert:
    return models.RiskAlert(domain="fire", level="blue", county_code=tag, raised_at=models.utcnow(),
                            status="open", rule="t", text=tag)  # fmt: skip


def test_changes_name_their_origin(engine: Engine) -> None:
    start = changefeed.head(engine)
    with Session(engine, info={"origin": "console-7:dispatch"}) as s, s.begin():
        s.add(_alert("a"))
    named = sessionmaker(engine, info={"origin": "simulator"})
    with db.transaction(named) as s:
        s.add(_alert("b"))
    with db.transaction(db.session_factory(engine)) as s:
        s.add(_alert("c"))
    got = changefeed.read_after(engine, start)
    assert [c.origin for c in got] == ["console-7:dispatch", "simulator", None]
    sub = changefeed.Subscription(engine, after=start)
    assert [c.origin for c in sub.next_batch(timeout=0.1)] == ["console-7:dispatch", "simulator", None]
    sub.close()


def test_a_long_transaction_holds_up_no_one_and_is_numbered_when_it_commits(engine: Engine) -> None:
    if db.is_sqlite(engine):
        pytest.skip("SQLite has one writer at a time: there the import's write is kept short")
    factory = db.session_factory(engine)
    start = changefeed.head(engine)
    long = factory()
    long.begin()
    for k in range(500):
        long.add(_alert(f"long{k}"))
    long.flush()  # its change rows are in, unnumbered, and it goes on working
    waits: list[float] = []

    def short_writer() -> None:
        for k in range(5):
            t0 = time.monotonic()
            with db.transaction(factory) as s:
                s.add(_alert(f"short{k}"))
            waits.append(time.monotonic() - t0)

    t = threading.Thread(target=short_writer)
    t.start()
    t.join(timeout=30)
    assert len(waits) == 5 and max(waits) < 1.0, waits
    seen = changefeed.read_after(engine, start)
    assert [c.entity_id for c in seen] == sorted(c.entity_id for c in seen)
    assert len(seen) == 5  # the open transaction's rows are invisible
    long.commit()
    long.close()
    after = changefeed.read_after(engine, start)
    assert [c.seq for c in after[:5]] == [c.seq for c in seen]  # nothing renumbered
    assert len(after) == 505 and min(c.seq for c in after[5:]) > max(c.seq for c in seen)
    assert [c.seq for c in after] == sorted(c.seq for c in after)


def test_counters_are_applied_at_commit_and_savepoints_are_honoured(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    with factory() as s:
        grid = s.scalars(select(models.GridCell).order_by(models.GridCell.id)).first()
        assert grid is not None
        actor = accounts.actor_for(s, f"{grid.township_code}.duty")
    d = models.IncidentDaily

    def counted(s: Session) -> int:
        return sum(s.scalars(select(d.reported).where(d.township_code == grid.township_code)))

    with factory() as s:
        base = counted(s)
    new = incidents.NewIncident(category="dispute", description="纠纷", grid_id=grid.id)
    with db.transaction(factory) as s:
        incidents.report(s, actor, new)
        assert counted(s) == base  # flushed, but the shared counter rows are not touched yet
        nested = s.begin_nested()
        incidents.report(s, actor, new)
        nested.rollback()  # this report never happened: neither does its count
        kept = s.begin_nested()
        incidents.report(s, actor, new)
        kept.commit()
    with factory() as s:
        assert counted(s) == base + 2
    have, want = feedload.counters_and_recount(demo_engine)
    assert have == want
