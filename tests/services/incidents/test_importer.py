"""`import incidents`: all-or-nothing, line-numbered problems, idempotent by external id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.incidents import importer as incident_import
from services.policies import Policies
from services.store import models
from services.territory.importer import ImportRejected

DEFAULTS = Policies.defaults()


def _setup(engine: Engine) -> tuple[accounts.Actor, models.GridCell]:
    with Session(engine) as s:
        grid = s.scalars(select(models.GridCell).order_by(models.GridCell.id)).first()
        assert grid is not None
        return accounts.actor_for(s, f"{grid.county_code}.duty"), grid


def _count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(models.Incident)) or 0)


def test_csv_twice_adds_once(demo_engine: Engine, tmp_path: Path) -> None:
    actor, grid = _setup(demo_engine)
    f = tmp_path / "in.csv"
    f.write_text(
        "external_id,category,description,grid_code,priority,reported_at,reporter\n"
        f"HX-1,dispute,楼道堆物纠纷,{grid.code},3,2026-11-24T10:00:00,王先生\n"
        f"HX-2,fire,电动车楼道充电,,2,,李女士\n".replace(",,2", f",{grid.code},2"),
        encoding="utf-8",
    )
    before = _count(demo_engine)
    first = incident_import.import_incidents(demo_engine, actor, str(f), policy=DEFAULTS.incidents)
    assert (first.added, first.already_there) == (2, 0)
    again = incident_import.import_incidents(demo_engine, actor, str(f), policy=DEFAULTS.incidents)
    assert (again.added, again.already_there) == (0, 2)
    assert _count(demo_engine) == before + 2
    with Session(demo_engine) as s:
        inc = s.scalar(select(models.Incident).where(models.Incident.external_id == "HX-1"))
        assert inc is not None and inc.status == "reported" and inc.grid_id == grid.id
        assert inc.reported_at.hour == 2  # 10:00 China Standard Time is 02:00 UTC
        assert [e.action for e in inc.events] == ["report"]


def test_one_bad_row_writes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    actor, grid = _setup(demo_engine)
    rows = [
        {"external_id": "J-1", "category": "dispute", "description": "纠纷", "grid_code": grid.code},
        {"external_id": "J-2", "category": "nonsense", "description": "x", "grid_code": grid.code},
        {"external_id": "J-3", "category": "fire", "description": "火情", "lon": grid.lon,
         "lat": grid.lat},
        {"external_id": "J-1", "category": "fire", "description": "重复", "grid_code": grid.code},
        {"external_id": "J-5", "category": "fire", "description": "坏时间", "grid_code": grid.code,
         "reported_at": "yesterday"},
    ]  # fmt: skip
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n",
                 encoding="utf-8")  # fmt: skip
    before = _count(demo_engine)
    with pytest.raises(ImportRejected) as err:
        incident_import.import_incidents(demo_engine, actor, str(f), policy=DEFAULTS.incidents)
    problems = err.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 4", "line 5", "line 6"]
    assert "category" in problems[0] and "repeats line 1" in problems[1]
    assert _count(demo_engine) == before


def test_rows_outside_the_account_are_refused(demo_engine: Engine, tmp_path: Path) -> None:
    actor, grid = _setup(demo_engine)
    with Session(demo_engine) as s:
        far = s.scalar(select(models.GridCell).where(models.GridCell.county_code != grid.county_code))
        assert far is not None
    f = tmp_path / "in.csv"
    f.write_text(f"external_id,category,description,grid_code\nX-1,dispute,纠纷,{far.code}\n",
                 encoding="utf-8")  # fmt: skip
    with pytest.raises(ImportRejected) as err:
        incident_import.import_incidents(demo_engine, actor, str(f), policy=DEFAULTS.incidents)
    assert err.value.problems[0].startswith("line 2:") and "outside" in err.value.problems[0]


def test_deadlines_come_from_configuration() -> None:
    policy = incidents.IncidentPolicy.from_config(
        {"deadlines": {"2": [1, 48], "fire": {"2": [0.25, 6]}}, "escalation": {"every_hours": 8}}
    )
    assert policy.hours("dispute", 2) == (1.0, 48.0)
    assert policy.hours("fire", 2) == (0.25, 6.0)
    assert policy.hours("fire", 3) == incidents.DEFAULT_POLICY.hours("fire", 3)
    assert policy.escalate_every_h == 8.0


def test_ids_are_deduplicated_within_the_source_and_area_only(
    demo_engine: Engine, tmp_path: Path
) -> None:
    """A township importing an id that another county's case uses is not told "already
    there" (that case is none of its business): the row is refused, and the refusal tells
    nothing of the other case (its county, category or text)."""
    with Session(demo_engine) as s:
        cell = models.GridCell
        grid = s.scalars(select(cell).order_by(cell.id)).first()
        assert grid is not None
        far = s.scalars(
            select(cell).where(cell.county_code != grid.county_code).order_by(cell.id)
        ).first()
        assert far is not None
        other_county = accounts.actor_for(s, f"{far.county_code}.duty")
        township = accounts.actor_for(s, f"{grid.township_code}.duty")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(f"external_id,category,description,grid_code\nZ-9,fire,机密火情,{far.code}\n",
                      encoding="utf-8")  # fmt: skip
    assert incident_import.import_incidents(demo_engine, other_county, str(theirs), policy=DEFAULTS.incidents).added == 1
    before = _count(demo_engine)

    ours = tmp_path / "ours.csv"
    ours.write_text(
        "external_id,category,description,grid_code\n"
        f"T-1,dispute,纠纷,{grid.code}\nZ-9,dispute,另一件事,{grid.code}\n", encoding="utf-8"
    )
    with pytest.raises(ImportRejected) as err:
        incident_import.import_incidents(demo_engine, township, str(ours), policy=DEFAULTS.incidents)
    (problem,) = err.value.problems
    assert problem.startswith("line 3:") and "Z-9" in problem and "already there" not in problem
    for secret in (far.county_code, far.township_code, far.code, "fire", "机密"):
        assert secret not in problem
    assert _count(demo_engine) == before  # all-or-nothing: T-1 was not written either

    # The other county re-importing its own file: already there, as before.
    again = incident_import.import_incidents(demo_engine, other_county, str(theirs), policy=DEFAULTS.incidents)
    assert (again.added, again.already_there) == (0, 1)
    # The same id from another source in the county's own area is not "already there".
    other_source = tmp_path / "radio.csv"
    other_source.write_text("external_id,category,description,grid_code,channel\n"
                            f"Z-9,fire,火情,{far.code},citizen_app\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(ImportRejected) as err:
        incident_import.import_incidents(demo_engine, other_county, str(other_source), policy=DEFAULTS.incidents)
    assert "a hotline case of this area" in err.value.problems[0]
