"""Onboarding a center from its own files: all or nothing, every bad row named by line and
field, the same rules as the other imports (on SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from services import accounts
from services import wall as wall_queries
from services.dispatch import onboarding as forces
from services.handover import onboarding as people
from services.store import models
from services.store.db import session_factory, transaction
from services.tabular import ImportRejected
from services.territory import onboarding
from services.video import onboarding as video
from tests.support import territory as tt

ADMIN = onboarding.admin_actor()


def _csv(tmp: Path, name: str, rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    names = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def _jsonl(tmp: Path, name: str, rows: list[dict[str, object]]) -> str:
    path = tmp / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _count(engine: Engine, model: type[models.Base]) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def _refused(call: object, *args: object) -> list[str]:
    with pytest.raises(ImportRejected) as err:
        call(*args)  # type: ignore[operator]
    return err.value.problems


@pytest.fixture
def land(engine: Engine) -> tt.Territory:
    return tt.build(engine)


CENTER_ROWS = [
    {"region": tt.COUNTY, "venue_m2": "120", "screens_total": "9", "screens_working": "8",
     "staff_required": "2", "operates_24h": "yes"},
    {"region": tt.T1, "name": "一镇综治中心", "venue_m2": "60", "screens_total": "4",
     "screens_working": "4", "staff_required": "1", "operates_24h": "是"},
]  # fmt: skip


def test_centers_with_their_four_haves(engine: Engine, land: tt.Territory, tmp_path: Path) -> None:
    assert onboarding.import_centers(engine, ADMIN, _csv(tmp_path, "c.csv", CENTER_ROWS)) == 2
    rows = {c.region_code: c for c in onboarding.centers(engine, ADMIN)}
    assert set(rows) == {tt.COUNTY, tt.T1}
    assert rows[tt.COUNTY].name == "测试县社会治理综合指挥中心" and rows[tt.T1].name == "一镇综治中心"
    haves = {f.key: f for f in wall_queries.wall_snapshot(engine, tt.COUNTY).header.four_haves}
    assert haves["venue"].met and haves["screen"].met and haves["mechanism"].met
    assert not haves["staff"].met  # nobody on duty yet
    with engine.connect() as conn:
        audited = conn.execute(select(func.count()).where(models.AuditLog.action == "onboard.center")).scalar()
    assert audited == 2


def test_bad_centers_are_all_named_and_nothing_is_written(engine: Engine, land: tt.Territory,
                                                          tmp_path: Path) -> None:  # fmt: skip
    onboarding.import_centers(engine, ADMIN, _csv(tmp_path, "ok.csv", CENTER_ROWS[:1]))
    bad = [
        {"region": tt.CITY, "venue_m2": "80", "screens_total": "6", "screens_working": "6"},  # good
        {"region": "990199", "venue_m2": "abc", "screens_total": "6", "screens_working": "7"},
        {"region": tt.COUNTY, "venue_m2": "80", "screens_total": "6", "screens_working": "6"},
        {"region": tt.T2, "venue_m2": "80", "screens_total": "", "screens_working": "2"},
        {"region": tt.T2, "venue_m2": "-1", "screens_total": "4", "screens_working": "4",
         "operates_24h": "maybe", "room_stream_url": "ftp://x"},
    ]  # fmt: skip
    before = _count(engine, models.CommandCenter)
    problems = _refused(onboarding.import_centers, engine, ADMIN, _csv(tmp_path, "bad.csv", bad))
    assert problems == [
        "line 3, region: no region 990199 (import its boundary first: `import regions`)",
        "line 3, venue_m2: not a number: 'abc'",
        "line 3, screens_working: 7 working of 6 panels",
        f"line 4, region: {tt.COUNTY} already has a center (`center show {tt.COUNTY}`)",
        "line 5, screens_total: missing",
        "line 6, venue_m2: -1 is below 0",
        "line 6, operates_24h: not yes/no: 'maybe' (true/false, 1/0, 是/否)",
        "line 6, room_stream_url: not a stream URL: 'ftp://x' (schemes: rtsp, rtsps, rtmp, "
        "http, https, srt, udp, file, demo)",
        f"line 6, region: {tt.T2} repeats line 5",
    ]
    assert _count(engine, models.CommandCenter) == before  # not even the good line 2


def test_an_account_onboards_only_its_own_region(engine: Engine, land: tt.Territory,
                                                 tmp_path: Path) -> None:  # fmt: skip
    town = tt.actor(land, tt.T1, "township")
    problems = _refused(onboarding.import_centers, engine, town, _csv(tmp_path, "c.csv", CENTER_ROWS))
    assert problems == [f"line 2, region: region {tt.COUNTY} is outside the jurisdiction of duty"]


def test_departments_grouped_by_platform(engine: Engine, land: tt.Territory, tmp_path: Path) -> None:
    rows = [
        {"region": tt.COUNTY, "name": "测试县公安局", "kind": "police", "platform": ""},
        {"region": tt.T1, "name": "一镇派出所", "kind": "police", "platform": "综治工作"},
        {"region": tt.T1, "name": "一镇市场监管所", "kind": "market", "platform": "market"},
    ]
    assert onboarding.import_departments(engine, ADMIN, _jsonl(tmp_path, "d.jsonl", rows)) == 3
    with engine.connect() as conn:
        got = dict(conn.execute(select(models.Department.name, models.Department.platform)).all())
    assert got == {"测试县公安局": "", "一镇派出所": "governance", "一镇市场监管所": "market"}
    bad = [
        {"region": tt.COUNTY, "name": "测试县市场监管局", "kind": "market", "platform": "市场监管"},
        {"region": tt.T1, "name": "一镇派出所", "kind": "police"},
        {"region": tt.T2, "name": "二镇某站", "kind": "x", "platform": "治安平台"},
    ]
    problems = _refused(onboarding.import_departments, engine, ADMIN, _csv(tmp_path, "d.csv", bad))
    assert problems == [
        f"line 2, platform: the four platforms are a township's; {tt.COUNTY} is a county",
        f"line 3, name: 一镇派出所 is already a department of {tt.T1}",
        "line 4, platform: '治安平台' is not one of 综治工作, 市场监管, 综合执法, 便民服务",
    ]


def _people(engine: Engine, tmp: Path) -> None:
    onboarding.import_centers(engine, ADMIN, _csv(tmp, "c.csv", CENTER_ROWS))
    staff = [
        {"staff_no": "T001", "name": "王值班", "role": "duty_officer", "region": tt.COUNTY,
         "login": "t.wang", "account_role": ""},
        {"staff_no": "T002", "name": "李值班", "role": "duty_officer", "region": tt.COUNTY,
         "login": "", "account_role": ""},
        {"staff_no": "T003", "name": "张领导", "role": "leader", "region": tt.COUNTY,
         "login": "t.zhang", "account_role": ""},
        {"staff_no": "T004", "name": "赵镇长", "role": "leader", "region": tt.T1,
         "login": "", "account_role": ""},
    ]  # fmt: skip
    assert people.import_staff(engine, ADMIN, _csv(tmp, "s.csv", staff)) == 4


def test_staff_get_accounts_without_passwords(engine: Engine, land: tt.Territory, tmp_path: Path) -> None:
    _people(engine, tmp_path)
    factory = session_factory(engine)
    with transaction(factory) as s:
        with pytest.raises(accounts.NotAllowed):
            accounts.authenticate(s, "t.wang", "", policy=accounts.DEFAULT_LOGIN_POLICY)  # none yet
        accounts.set_password(s, ADMIN, "t.wang", "s3cret")
    with transaction(factory) as s:
        me = accounts.authenticate(s, "t.wang", "s3cret", policy=accounts.DEFAULT_LOGIN_POLICY)
        assert me.role == "duty_officer" and me.region_code == tt.COUNTY and me.name == "王值班"
    bad = [
        {"staff_no": "T001", "name": "重号", "role": "duty_officer", "region": tt.COUNTY, "login": ""},
        {"staff_no": "T010", "name": "", "role": "chief", "region": tt.COUNTY, "login": ""},
        {"staff_no": "T011", "name": "网格长", "role": "grid_head", "region": tt.T1, "login": "t.grid"},
        {"staff_no": "T012", "name": "二镇人", "role": "operator", "region": tt.T2, "login": "t.op"},
        {"staff_no": "T013", "name": "重名登录", "role": "viewer", "region": tt.COUNTY, "login": "t.wang"},
    ]  # fmt: skip
    problems = _refused(people.import_staff, engine, ADMIN, _csv(tmp_path, "bad.csv", bad))
    assert problems == [
        "line 2, staff_no: T001 is already in the database",
        "line 3, name: missing",
        "line 3, role: 'chief' is not one of duty_officer, leader, operator, viewer, grid_worker, "
        "grid_head, grid_worker_full, grid_worker_part, staff",
        "line 4, account_role: a grid_head with a login needs an account role "
        "(duty_officer, leader, operator, viewer, grid_worker)",
        f"line 5, login: region {tt.T2} has no center yet (`import centers` first)",
        "line 6, login: t.wang is already in the database",
    ]


def test_the_roster_puts_the_imported_officers_on_duty(engine: Engine, land: tt.Territory,
                                                       tmp_path: Path) -> None:  # fmt: skip
    _people(engine, tmp_path)
    now = models.utcnow().replace(microsecond=0)

    def at(hours: float) -> str:
        return (now + __import__("datetime").timedelta(hours=hours)).isoformat() + "+00:00"

    shifts = [
        {"center": tt.COUNTY, "starts_at": at(-4), "ends_at": at(8), "duty_officer": "T001",
         "second_officer": "T002", "leader": "T003"},
        {"center": tt.COUNTY, "starts_at": at(8), "ends_at": at(20), "duty_officer": "T002",
         "second_officer": "", "leader": "T003"},
    ]  # fmt: skip
    assert people.import_roster(engine, ADMIN, _csv(tmp_path, "r.csv", shifts)) == 2
    header = wall_queries.wall_snapshot(engine, tt.COUNTY).header
    assert (header.duty_officer, header.leader_on_duty) == ("王值班", "张领导")
    bad = [
        {"center": tt.COUNTY, "starts_at": at(6), "ends_at": at(10), "duty_officer": "T001",
         "second_officer": "", "leader": "T003"},
        {"center": tt.COUNTY, "starts_at": at(30), "ends_at": at(29), "duty_officer": "T009",
         "second_officer": "T001", "leader": "T001"},
        {"center": tt.COUNTY, "starts_at": "tomorrow", "ends_at": at(50), "duty_officer": "T004",
         "second_officer": "", "leader": "T003"},
        {"center": tt.T2, "starts_at": at(40), "ends_at": at(45), "duty_officer": "T001",
         "second_officer": "", "leader": "T003"},
    ]  # fmt: skip
    problems = _refused(people.import_roster, engine, ADMIN, _csv(tmp_path, "bad.csv", bad))
    assert problems[0].startswith("line 2, starts_at: overlaps a shift already on the roster")
    assert problems[1:] == [
        "line 3, ends_at: must be after starts_at and at most 24 hours later",
        "line 3, duty_officer: no staff with staff_no T009 (`import staff` first)",
        "line 3, leader: T001 is a duty_officer, not a leader",
        "line 4, starts_at: not an ISO 8601 time: 'tomorrow' (e.g. 2026-12-01T08:00)",
        f"line 4, duty_officer: T004 is not staff of center {tt.COUNTY}",
        f"line 5, center: region {tt.T2} has no center (`import centers` first)",
        f"line 5, duty_officer: T001 is not staff of center {tt.T2}",
        f"line 5, leader: T003 is not staff of center {tt.T2}",
    ]


def test_units_places_and_plans(engine: Engine, land: tt.Territory, tmp_path: Path) -> None:
    units = [
        {"name": "一镇巡逻组", "kind": "police", "response_level": "1", "region": tt.T1,
         "lon": "120.01", "lat": "30.02"},
        {"name": "测试县消防站", "kind": "fire", "response_level": "1", "region": tt.COUNTY,
         "lon": "120.1", "lat": "30.05"},
    ]  # fmt: skip
    assert forces.import_units(engine, ADMIN, _csv(tmp_path, "u.csv", units)) == 2
    bad_units = [
        {"name": "一镇巡逻组", "kind": "tank", "response_level": "4", "region": tt.T1, "lon": "", "lat": ""},
        {"name": "省级队", "kind": "police", "response_level": "1", "region": tt.PROVINCE,
         "lon": "120", "lat": "30"},
    ]  # fmt: skip
    problems = _refused(forces.import_units, engine, ADMIN, _csv(tmp_path, "bu.csv", bad_units))
    assert problems == [
        "line 2, kind: 'tank' is not one of police, fire, medical, emergency, urban_management, "
        "grid_team, volunteer",
        "line 2, response_level: 4 is above 3",
        f"line 2, lon: missing, and region {tt.T1} has no boundary to place it in",
        f"line 2, name: 一镇巡逻组 is already in the units of county {tt.COUNTY}",
        f"line 3, region: {tt.PROVINCE} is a province: a county or lower",
    ]
    places = [{"name": "新广场", "kind": "square", "region": tt.T1, "lon": "120.02", "lat": "30.02",
               "daily_capacity": "5000"}]  # fmt: skip
    assert forces.import_places(engine, ADMIN, _csv(tmp_path, "p.csv", places)) == 1
    with engine.connect() as conn:
        place = conn.execute(select(models.Place).where(models.Place.name == "新广场")).one()
    assert place.grid_id == land.g1 and place.county_code == tt.COUNTY  # the cell at its place
    plans = [{"name": "测试县火灾一级响应", "category": "fire", "min_priority": 2, "response_level": 1,
              "region": tt.COUNTY, "units": [{"kind": "fire", "level": 1, "count": 2}],
              "notify_centers": ["township", "county"], "layout": 4}]  # fmt: skip
    assert forces.import_plans(engine, ADMIN, _jsonl(tmp_path, "plans.jsonl", plans)) == 1
    with engine.connect() as conn:
        content = conn.execute(select(models.ResponsePlan.content)).scalar_one()
    assert content["units"] == [{"kind": "fire", "level": 1, "count": 2}] and content["cameras"] == 4
    bad_plans = [{"name": "测试县火灾一级响应", "category": "flood", "min_priority": "2",
                  "response_level": "1", "units": "fire:1:2;boat:2:1;police:x", "layout": "5",
                  "notify_centers": "village"}]  # fmt: skip
    problems = _refused(forces.import_plans, engine, ADMIN, _csv(tmp_path, "bp.csv", bad_plans))
    assert problems[:2] == ["line 2, name: 测试县火灾一级响应 is already in the database",
                            "line 2, category: 'flood' is not one of city_management, dispute, "
                            "safety_hazard, public_order, environment, traffic, other, fire, "
                            "petition, food_drug, public_health, crowd_surge"]  # fmt: skip
    assert "line 2, units: unit kind 'boat' is not one of" in problems[2]
    assert problems[3:] == [
        "line 2, units: 'police:x': level and count are whole numbers (kind:level:count)",
        "line 2, notify_centers: 'village' is not one of province, city, county, township",
        "line 2, layout: 5 is not one of 1, 4, 6, 9, 16",
    ]


def test_cameras_carry_checked_gb28181_ids(engine: Engine, land: tt.Territory, tmp_path: Path) -> None:
    cams = [
        {"device_id": "99010100001320000001", "name": "一镇1号监控", "region": tt.T1,
         "lon": "120.01", "lat": "30.01", "stream_url": "rtsp://10.0.0.1/1"},
        {"device_id": "99010100001320000002", "name": "测试县广场监控", "region": tt.COUNTY,
         "lon": "120.3", "lat": "30.3", "stream_url": "http://10.0.0.2/live.flv",
         "sub_stream_url": "http://10.0.0.2/sub.flv", "online": "no"},
    ]  # fmt: skip
    assert video.import_cameras(engine, ADMIN, _csv(tmp_path, "c.csv", cams)) == 2
    with engine.connect() as conn:
        rows = {r.device_id: r for r in conn.execute(select(models.Camera))}
    one, two = rows["99010100001320000001"], rows["99010100001320000002"]
    assert one.grid_id == land.g1 and one.county_code == tt.COUNTY and one.sub_stream_url == one.stream_url
    assert two.grid_id is None and not two.online  # no cell there; still the county's
    points = wall_queries.map_points(engine, tt.COUNTY)
    assert {p["label"] for p in points.cameras} == {"一镇1号监控", "测试县广场监控"}
    assert [p["label"] for p in wall_queries.map_points(engine, tt.T1).cameras] == ["一镇1号监控"]
    bad = [
        {"device_id": "33010600001320000009", "name": "外县编号", "region": tt.T1, "lon": "120",
         "lat": "30", "stream_url": "rtsp://x/1"},
        {"device_id": "9901010000132000001", "name": "短号", "region": tt.T1, "lon": "120",
         "lat": "30", "stream_url": "rtsp://x/1"},
        {"device_id": "99010100001320000001", "name": "重号", "region": tt.T1, "lon": "120",
         "lat": "30", "stream_url": "rtsp://x/1"},
        {"device_id": "99010100001320000003", "name": "无流", "region": tt.T1, "lon": "120",
         "lat": "", "stream_url": ""},
    ]  # fmt: skip
    problems = _refused(video.import_cameras, engine, ADMIN, _csv(tmp_path, "bad.csv", bad))
    assert problems == [
        f"line 2, device_id: its center code 33010600 is not under region {tt.T1}: "
        f"the first 6 digits must be {tt.COUNTY}",
        "line 3, device_id: '9901010000132000001' is not 20 digits (GB/T 28181)",
        "line 4, device_id: 99010100001320000001 is already in the database",
        "line 5, lat: missing",
        "line 5, stream_url: missing",
    ]


def test_files_themselves_are_checked(engine: Engine, land: tt.Territory, tmp_path: Path) -> None:
    assert _refused(onboarding.import_centers, engine, ADMIN, str(tmp_path / "none.csv")) == [
        f"{tmp_path / 'none.csv'}: no such file"
    ]
    empty = tmp_path / "empty.csv"
    empty.write_text("region,venue_m2\n", encoding="utf-8")
    assert _refused(onboarding.import_centers, engine, ADMIN, str(empty)) == [
        f"{empty}: no records (a header and at least one row)"
    ]
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"region": "990101"\n[1, 2]\n', encoding="utf-8")
    problems = _refused(onboarding.import_centers, engine, ADMIN, str(broken))
    assert len(problems) == 2 and problems[0].startswith("line 1: not JSON: Expecting ',' delimiter")
    assert problems[1] == "line 2: not a JSON object"  # one problem a line, not one per field


@pytest.mark.parametrize("kind", ["centers", "departments", "staff", "roster", "units", "cameras",
                                  "places", "plans"])  # fmt: skip
def test_every_template_prints_an_example_it_documents(kind: str) -> None:
    from services.cli.imports import onboarding as kinds

    template, _ = kinds(kind)
    names = [c.name for c in template.columns]
    header, *rows = list(csv.reader(io.StringIO(template.example("csv"))))
    assert header == names and len(rows) == len(template.examples) >= 1
    required = [c.name for c in template.columns if c.required]
    for line in template.example("jsonl").splitlines():
        record = json.loads(line)
        assert set(record) <= set(names) and set(required) <= set(record)
    assert all(f"  {n}" in template.describe() for n in names)
