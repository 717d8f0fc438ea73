"""The intake's service pieces without a server: the grid index, the photo checks, the
grid worker's rules in the workflow, keys and sessions, the jurisdiction of the cursor."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
import shapely
from PIL import Image
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from services import accounts
from services.errors import InvalidInput, NotAllowed
from services.incidents import attachments, field_work, intake, queries, workflow
from services.intake import access, feed
from services.policies import Policies
from services.store import db, models
from services.territory.grid_index import GridIndex
from tests.support.intake import admin, grid_of

DEFAULTS = Policies.defaults()

TOWN_A, TOWN_B = "330106002", "330106004"  # 北山街道, 西溪街道


def test_grid_index_finds_the_cell_refuses_outside_and_follows_changes(demo_engine: Engine) -> None:
    index = GridIndex(demo_engine)
    code, lon, lat = grid_of(demo_engine, TOWN_A)
    hit = index.locate(lon, lat)
    assert hit.code == code and hit.township_code == TOWN_A and hit.exact
    with pytest.raises(InvalidInput) as out:
        index.locate(116.40, 39.90)  # Beijing
    assert out.value.code == "outside_territory"
    with pytest.raises(InvalidInput):
        index.locate(200.0, 30.0)
    assert not index.refresh_if_changed()
    g = models.GridCell
    with demo_engine.begin() as conn:  # a new cell far out at sea joins the territory
        row = conn.execute(select(g).limit(1)).one()
        conn.execute(insert(g).values(
            code="9999999999999", region_id=row.region_id, province_code=row.province_code,
            city_code=row.city_code, county_code=row.county_code, township_code=row.township_code,
            geometry=shapely.box(125.0, 25.0, 125.01, 25.01).wkb, lon=125.005, lat=25.005))  # fmt: skip
    assert index.refresh_if_changed()
    assert index.locate(125.004, 25.006).code == "9999999999999"


def _img(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "media"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_real_images_pass_their_byte_check(fmt: str, media: str) -> None:
    data = _img(fmt)
    checked = attachments.check_image(data)
    assert (checked.media_type, checked.width, checked.height) == (media, 20, 10)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data", [
    b"", b"hello", b"GIF89a" + b"\0" * 100, _img("PNG")[:40], b"\xff\xd8\xff" + b"not really",
    b"RIFF\0\0\0\0WEBPVP8 garbage", _img("JPEG").replace(b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", 1),
])  # fmt: skip
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput) as out:
        attachments.check_image(data)
    assert out.value.code in ("not_an_image", "empty_file")


def test_file_names_are_labels_not_paths() -> None:
    assert attachments.safe_filename("../../etc/passwd") == "passwd"
    assert attachments.safe_filename("..\\..\\windows\\win.ini") == "win.ini"
    assert attachments.safe_filename("现场\x00照片.jpg") == "现场照片.jpg"
    assert attachments.safe_filename("..") == ""
    store = attachments.AttachmentStore(__import__("pathlib").Path("/tmp/x"))
    with pytest.raises(InvalidInput):
        store.path_of("../../etc/passwd")


def _actor(engine: Engine, login: str) -> accounts.Actor:
    with Session(engine) as s:
        return accounts.actor_for(s, login)


def test_a_grid_worker_takes_notes_and_resolves_but_does_not_accept_or_route(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    worker, duty = _actor(demo_engine, f"{TOWN_A}.grid"), _actor(demo_engine, f"{TOWN_A}.duty")
    grids = GridIndex(demo_engine)
    code, _, _ = grid_of(demo_engine, TOWN_A)
    policy = Policies.defaults().incidents
    filed = intake.file_report(factory, worker, intake.IntakeReport(
        channel="field_app", category="dispute", description="纠纷", grid_code=code),
        grids=grids, policy=policy)  # fmt: skip
    with factory() as s:
        d = queries.detail(s, worker, filed.incident_id)
        assert d.row.status == "reported" and d.allowed == ("note",)
        assert field_work.tasks(s, worker) == () or filed.incident_id not in {
            t.row.id for t in field_work.tasks(s, worker)}  # fmt: skip
    with pytest.raises(NotAllowed):
        workflow.perform(factory, worker, filed.incident_id, d.row.version, "accept", policy=DEFAULTS.incidents)
    d = workflow.perform(factory, duty, filed.incident_id, d.row.version, "accept", policy=DEFAULTS.incidents)
    with factory() as s:
        task = next(t for t in field_work.tasks(s, worker) if t.row.id == filed.incident_id)
    assert set(task.allowed) == {"start", "resolve", "note"}
    d = workflow.perform(factory, worker, filed.incident_id, d.row.version, "start", policy=DEFAULTS.incidents)
    d = workflow.note_in(factory, worker, filed.incident_id, "已到场")
    with pytest.raises(NotAllowed):
        workflow.perform(factory, worker, filed.incident_id, d.row.version, "return", policy=DEFAULTS.incidents)
    d = workflow.perform(factory, worker, filed.incident_id, d.row.version, "resolve", "已调解", policy=DEFAULTS.incidents)
    assert d.row.status == "resolved" and "close" not in d.allowed and "note" not in d.allowed
    assert [e.action for e in d.events] == ["report", "accept", "start", "note", "resolve"]
    with factory() as s:  # the neighbour's worker sees none of it
        other = accounts.actor_for(s, f"{TOWN_B}.grid")
        with pytest.raises(NotAllowed):
            queries.detail(s, other, filed.incident_id)
    page = feed.changes_for(demo_engine, other, 0, 1000)
    assert filed.incident_id not in {c.incident_id for c in page.changes}
    mine = feed.changes_for(demo_engine, worker, 0, 1000)
    assert [c.data.get("action") for c in mine.changes if c.kind == "step"] == [
        "report", "accept", "start", "note", "resolve"]


def test_tokens_are_hashed_checked_in_full_and_expire(demo_engine: Engine) -> None:
    with Session(demo_engine) as s, s.begin():
        _id, token = access.create_key(s, admin(s), "k1", "330106", ["hotline"])
        with pytest.raises(InvalidInput):
            access.create_key(s, admin(s), "k2", "330106", ["upper_assign"])
    with Session(demo_engine) as s:
        row = s.scalar(select(models.ApiKey).where(models.ApiKey.name == "k1"))
        assert row is not None and token not in (row.token_hash, row.prefix)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        who = access.caller_for_token(s, token)
        assert who.actor.login == "key:k1" and who.actor.region_code == "330106"
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20], "x", ""):
            with pytest.raises(NotAllowed):
                access.caller_for_token(s, bad)
    with Session(demo_engine) as s, s.begin():
        session_token, actor, expires = access.sign_in(s, f"{TOWN_A}.grid", "demo",
                                                       policy=accounts.DEFAULT_LOGIN_POLICY)
    assert actor.role == "grid_worker"
    with Session(demo_engine) as s:
        assert access.caller_for_token(s, session_token).channels == ("field_app",)
        with pytest.raises(NotAllowed):
            access.caller_for_token(s, session_token, now=expires + timedelta(seconds=1))
    with Session(demo_engine) as s, s.begin():
        s.execute(update(models.User).where(models.User.login == f"{TOWN_A}.grid").values(active=False))
    with Session(demo_engine) as s, pytest.raises(NotAllowed):
        access.caller_for_token(s, session_token)
