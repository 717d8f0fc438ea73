"""The audit log is tamper-evident: a row changed, deleted or inserted by anyone is named."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.policies import Policies
from services.store import audit, db, models
from tests.conftest import PG_ADMIN

POLICY = Policies.defaults().incidents

ROOT = Path(__file__).resolve().parents[3]


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "console.py", "--db", url, "audit", "verify", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def worked(demo_engine: Engine) -> Iterator[Engine]:
    """The demo after an officer's morning: reports filed and handled (audited)."""
    factory = db.session_factory(demo_engine)
    with factory() as s:
        grid = s.scalars(select(models.GridCell).order_by(models.GridCell.id)).first()
        assert grid is not None
        actor = accounts.actor_for(s, f"{grid.township_code}.duty")
    for k in range(4):
        new = incidents.NewIncident(category="dispute", description=f"纠纷{k}", grid_id=grid.id)
        inc_id = incidents.report_in(factory, actor, new, policy=POLICY)
        d = incidents.perform(factory, actor, inc_id, 1, "accept", policy=POLICY)
        incidents.perform(factory, actor, inc_id, d.row.version, "start", policy=POLICY)
    yield demo_engine


def _rows(engine: Engine) -> list[models.AuditLog]:
    with Session(engine) as s:
        return list(s.scalars(select(models.AuditLog).order_by(models.AuditLog.id)))


@contextmanager
def _as_superuser(engine: Engine) -> Iterator[Engine]:
    """The same database as a PostgreSQL superuser (who alone may skip triggers); SQLite: the
    engine itself (whoever can edit the file)."""
    if db.is_sqlite(engine):
        yield engine
        return
    admin = make_url(PG_ADMIN).username
    eng = db.make_engine(engine.url.set(username=admin).render_as_string(hide_password=False))
    try:
        yield eng
    finally:
        eng.dispose()


def _tamper(engine: Engine, sql: str, **params: object) -> None:
    """Run `sql` as the database owner / file editor would: with the guard out of the way."""
    with _as_superuser(engine) as eng, eng.begin() as conn:
        if db.is_sqlite(conn):
            audit.drop_sqlite_guard(conn)
            conn.execute(text(sql), params)
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no commit step
            conn.execute(text(sql), params)
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def test_a_fresh_demo_and_its_work_verify(worked: Engine, demo_url: str) -> None:
    verdict = audit.verify(worked)
    assert verdict.ok, verdict.problems
    assert verdict.rows == len(_rows(worked)) == 12  # report, accept, start for 4 cases
    assert verdict.seals == 12  # one commit each
    res = _cli(demo_url)
    assert res.returncode == 0, res.stderr
    assert f"{verdict.rows} rows in {verdict.seals} seals verified" in res.stdout
    assert res.stdout.count("\n") == 1


def test_the_after_snapshot_has_the_new_version(worked: Engine) -> None:
    accepted = [r for r in _rows(worked) if r.action == "incident.accept"]
    assert accepted
    with Session(worked) as s:
        for row in accepted:
            assert row.before is not None and row.after is not None
            assert row.before["version"] == 1 and row.after["version"] == 2
            assert (row.before["status"], row.after["status"]) == ("reported", "accepted")
            inc = s.get(models.Incident, row.entity_id)
            assert inc is not None and inc.version == 3  # started since: one more
    reported = [r for r in _rows(worked) if r.action == "incident.report"]
    assert all(r.after is not None and r.after["version"] == 1 for r in reported)


def test_an_update_is_named(worked: Engine, demo_url: str) -> None:
    victim = _rows(worked)[5]
    _tamper(worked, "UPDATE audit_log SET detail = 'nothing happened' WHERE id = :i", i=victim.id)
    verdict = audit.verify(worked)
    assert not verdict.ok
    assert verdict.problems[0].message == f"audit row {victim.id} was changed after it was written"
    res = _cli(demo_url)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and f"audit row {victim.id} was changed" in lines[0]


def test_a_delete_is_named(worked: Engine, demo_url: str) -> None:
    victim = _rows(worked)[3]
    with Session(worked) as s:
        seal = s.scalar(select(models.AuditSeal).where(models.AuditSeal.txn == victim.txn))
        assert seal is not None and seal.rows == 1
    _tamper(worked, "DELETE FROM audit_log WHERE id = :i", i=victim.id)
    verdict = audit.verify(worked)
    assert not verdict.ok
    assert verdict.problems[0].seal == seal.n
    assert f"audit rows of seal {seal.n} ({victim.id}–{victim.id}) were deleted" in (
        verdict.problems[0].message
    )
    res = _cli(demo_url)
    assert res.returncode == 1 and f"seal {seal.n}" in res.stderr


def test_a_forged_row_is_named(worked: Engine, demo_url: str) -> None:
    """A forged row written into the past (with a valid row hash: the algorithm is public)."""
    rows = _rows(worked)
    model = rows[2]
    forged = {
        "at": model.at, "actor": model.actor, "action": "incident.close", "entity": "incident",
        "entity_id": model.entity_id, "detail": "伪造", "center_id": model.center_id,
        "before": None, "after": {"status": "closed"},
    }  # fmt: skip
    with Session(worked) as s:
        new_id = int(s.scalar(select(func.max(models.AuditLog.id))) or 0) + 1
    _tamper(
        worked,
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, center_id, "
        "\"before\", \"after\", txn, row_hash) VALUES (:id, :at, :actor, :action, :entity, "
        ":entity_id, :detail, :center_id, NULL, :after, :txn, :row_hash)",
        id=new_id, txn=model.txn, row_hash=audit.row_hash_of(forged),
        **{**forged, "after": '{"status": "closed"}'},
    )  # fmt: skip
    verdict = audit.verify(worked)
    assert not verdict.ok
    with Session(worked) as s:
        seal = s.scalar(select(models.AuditSeal).where(models.AuditSeal.txn == model.txn))
        assert seal is not None
    assert verdict.problems[0].seal == seal.n
    assert "rows were inserted" in verdict.problems[0].message
    # …and one slipped in past the commit step, in no transaction's seal:
    _tamper(worked, "UPDATE audit_log SET txn = 424242 WHERE id = :i", i=new_id)
    messages = [p.message for p in audit.verify(worked).problems]
    assert f"audit row {new_id} is sealed by no commit: inserted afterwards" in messages
    res = _cli(demo_url)
    assert res.returncode == 1 and str(new_id) in res.stderr


def test_a_rewritten_chain_is_caught_by_the_anchor(worked: Engine, demo_url: str,
                                                   tmp_path: Path) -> None:  # fmt: skip
    anchor = tmp_path / "anchor.txt"
    assert _cli(demo_url, "--anchor", str(anchor)).returncode == 0
    assert anchor.read_text(encoding="utf-8").startswith("seal 12 sha256 ")
    # A superuser rewrites history consistently: row, digest and every later seal.
    last = _rows(worked)[-1]
    with _as_superuser(worked) as eng, eng.begin() as conn:
        if db.is_sqlite(conn):
            audit.drop_sqlite_guard(conn)
        else:
            audit.set_pg_guards(conn, enabled=False)
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": last.id})
        conn.execute(text("DELETE FROM audit_seal WHERE txn = :t"), {"t": last.txn})
        if db.is_sqlite(conn):
            audit.install_sqlite_guard(conn)
        else:
            audit.set_pg_guards(conn, enabled=True)
    assert audit.verify(worked).ok  # the tail cut cleanly: only the anchor can tell
    res = _cli(demo_url, "--anchor", str(anchor))
    assert res.returncode == 1
    assert "seal 12 differs from the anchor" in res.stderr
