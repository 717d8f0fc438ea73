"""A hotline call sent twice with one submit key (the console lost the first answer) is
filed once: the repeat returns the first case and writes nothing (no case, event, audit
row or change); another key is another call; the same key from another center files that
center's own case and never answers with the first center's. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.errors import InvalidInput
from services.incidents.cases import NewIncident
from services.policies import Policies
from services.store import db, models

POLICY = Policies.defaults().incidents
COUNTY = "330106"


def _actor(engine: Engine, login: str) -> accounts.Actor:
    with Session(engine) as s:
        return accounts.actor_for(s, login)


def _cell(engine: Engine) -> models.GridCell:
    g = models.GridCell
    with Session(engine) as s:
        cell = s.scalars(select(g).where(g.county_code == COUNTY).order_by(g.id)).first()
        assert cell is not None
        s.expunge(cell)
        return cell


def _rows(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (models.Incident, models.IncidentEvent, models.AuditLog,
                          models.ChangeRecord)}  # fmt: skip


def _call(cell: models.GridCell, key: str | None, text: str = "邻里噪音纠纷") -> NewIncident:
    return NewIncident(category="dispute", description=text, grid_id=cell.id, submit_key=key)


def test_the_same_key_files_one_call_and_writes_nothing_more(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    cell = _cell(demo_engine)
    operator = _actor(demo_engine, f"{COUNTY}.operator")
    key = uuid.uuid4().hex

    first = incidents.take_call_in(factory, operator, _call(cell, key), POLICY)
    before = _rows(demo_engine)
    # The form sent again, even edited meanwhile: the first case, nothing written.
    again = incidents.take_call_in(
        factory, operator, _call(cell, key, "邻里噪音纠纷（补充）"), POLICY
    )
    assert again == first
    assert _rows(demo_engine) == before
    with Session(demo_engine) as s:
        inc = s.get(models.Incident, first)
        assert inc is not None and inc.description == "邻里噪音纠纷"
        assert inc.handling_center_id == operator.center_id

    # Another key (the next call) and no key at all: each is a case of its own.
    other = incidents.take_call_in(factory, operator, _call(cell, uuid.uuid4().hex), POLICY)
    plain = incidents.take_call_in(factory, operator, _call(cell, None), POLICY)
    plain_again = incidents.take_call_in(factory, operator, _call(cell, None), POLICY)
    assert len({first, other, plain, plain_again}) == 4
    assert _rows(demo_engine)["incident"] == before["incident"] + 3


def test_a_key_of_another_center_does_not_reveal_its_case(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    cell = _cell(demo_engine)
    county = _actor(demo_engine, f"{COUNTY}.operator")
    town = _actor(demo_engine, f"{cell.township_code}.operator")
    assert county.center_id != town.center_id
    key = uuid.uuid4().hex

    at_county = incidents.take_call_in(factory, county, _call(cell, key), POLICY)
    at_town = incidents.take_call_in(factory, town, _call(cell, key, "另一通来电"), POLICY)
    assert at_town != at_county
    with Session(demo_engine) as s:
        mine = s.get(models.Incident, at_town)
        assert mine is not None and mine.description == "另一通来电"
        assert mine.handling_center_id == town.center_id
    # `report_in` (lands at the township) keeps the same per-center key.
    assert incidents.report_in(factory, town, _call(cell, key), POLICY) == at_town


def test_two_racing_submits_of_one_key_file_once(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    cell = _cell(demo_engine)
    operator = _actor(demo_engine, f"{COUNTY}.operator")
    key = uuid.uuid4().hex
    start = threading.Barrier(4)
    got: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        start.wait()
        try:
            got.append(incidents.take_call_in(factory, operator, _call(cell, key), POLICY))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(got) == 4 and len(set(got)) == 1
    with Session(demo_engine) as s:
        i = models.Incident
        n = s.scalar(select(func.count()).select_from(i).where(i.external_id.like(f"%{key}")))
    assert n == 1


def test_a_key_that_is_not_a_uuid_is_refused(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    cell = _cell(demo_engine)
    operator = _actor(demo_engine, f"{COUNTY}.operator")
    before = _rows(demo_engine)
    for bad in ("x" * 41, "12:abc"):
        with pytest.raises(InvalidInput) as exc:
            incidents.take_call_in(factory, operator, _call(cell, bad), POLICY)
        assert exc.value.code == "submit_key"
    assert _rows(demo_engine) == before
