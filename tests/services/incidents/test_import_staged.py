"""The import checks everything before it writes, and a failure while writing is clear:
PostgreSQL writes nothing; SQLite (short chunks) keeps what it wrote and a rerun finishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from services import accounts
from services import wall as wall_queries
from services.incidents import importer
from services.policies import Policies
from services.store import audit, changefeed, db, models
from tests.support import feedload

POLICY = Policies.defaults().incidents

ROWS = 3000


def _root_actor(engine: Engine) -> accounts.Actor:
    with Session(engine) as s:
        region = s.scalar(select(models.Region).where(
            models.Region.adcode == wall_queries.root_region_code(engine)))  # fmt: skip
        assert region is not None
        return accounts.system_actor(region, None)


def _count(engine: Engine) -> int:
    i = models.Incident
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(i)
                                .where(i.external_id.like("ST-%"))).scalar() or 0)  # fmt: skip


def test_a_failure_while_writing(demo_engine: Engine, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    file = tmp_path / "in.csv"
    feedload.write_import_file(demo_engine, file, ROWS, prefix="ST")
    actor = _root_actor(demo_engine)
    start = changefeed.head(demo_engine)
    real = importer._insert
    calls = {"n": 0}
    fail_at = 2 if db.is_sqlite(demo_engine) else 1

    def failing(session: Session, batch: Any) -> None:
        calls["n"] += 1
        real(session, batch)
        if calls["n"] == fail_at:  # the disk fills up in the middle of the write
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(importer, "_insert", failing)
    if db.is_sqlite(demo_engine):
        with pytest.raises(importer.ImportInterrupted, match="run the same import again"):
            importer.import_incidents(demo_engine, actor, str(file), policy=POLICY)
        kept = _count(demo_engine)
        assert 0 < kept < ROWS  # the first chunk stays, the failed one is rolled back
    else:
        with pytest.raises(OperationalError):
            importer.import_incidents(demo_engine, actor, str(file), policy=POLICY)
        assert _count(demo_engine) == 0  # one transaction: nothing
        assert changefeed.read_after(demo_engine, start) == []
    monkeypatch.setattr(importer, "_insert", real)
    again = importer.import_incidents(demo_engine, actor, str(file), policy=POLICY)
    assert _count(demo_engine) == ROWS
    assert again.added + again.already_there == ROWS
    fed = [c.entity_id for c in changefeed.read_after(demo_engine, start, limit=10**6)
           if c.entity == "incident"]  # fmt: skip
    assert len(fed) == len(set(fed)) == ROWS  # each new incident fed once
    have, recount = feedload.counters_and_recount(demo_engine)
    assert have == recount
    assert audit.verify(demo_engine).ok
