"""Benchmarks of the intake service (`intake.*` rows of `console.py bench --only intake`).

* Reports through HTTP into PostgreSQL: a real `console.py serve` process, 50 concurrent
  keep-alive clients for 60 s (a small asyncio client that costs little CPU, since it
  shares the machine with the server), each report placed by a map point; p50/p99 latency;
  afterwards every 201 is a case in the database (zero lost) and the daily counters equal
  a recount.
* The same reports through the service function (`intake.file_report`) in this process,
  on the same database, for the ratio HTTP ÷ direct.
* Point → grid cell look-ups in the in-memory index at 109,000 cells.

Nothing here is a test: targets are compared, not asserted.
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import threading
import time
from pathlib import Path

import shapely
from shapely import wkb
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from services import demo
from services.incidents import intake
from services.intake import access
from services.policies import Policies
from services.store import db, models
from services.territory.grid_index import GridIndex
from tests.bench.db_bench import pg_database
from tests.bench.table import BenchRow
from tests.support.intake import IntakeServer, counters_match_recount, make_key

CLIENTS = 50
HTTP_SECONDS = 60.0
DIRECT_SECONDS = 30.0
DIRECT_THREADS = 8
CATEGORIES = ("dispute", "safety_hazard", "city_management", "environment", "public_order")


def _pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


def _points(engine: Engine, n: int = 3000) -> list[tuple[float, float]]:
    g = models.GridCell
    with engine.connect() as conn:
        geoms = [r[0] for r in conn.execute(select(g.geometry).order_by(g.id).limit(n))]
    out = []
    for geom in geoms:
        p = wkb.loads(geom).representative_point()
        out.append((float(p.x), float(p.y)))
    return out


def _body(k: int, points: list[tuple[float, float]], tag: str) -> dict[str, object]:
    lon, lat = points[k % len(points)]
    return {"channel": "hotline", "category": CATEGORIES[k % len(CATEGORIES)],
            "description": f"压测事件 {tag} {k}", "lon": lon, "lat": lat,
            "external_id": f"{tag}-{k}", "reporter": "压测"}  # fmt: skip


# --------------------------------------------------------------------------- HTTP load


async def _client(port: int, token: str, points: list[tuple[float, float]], counter: list[int],
                  stop_at: float, lat: list[float], status: dict[int, int]) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < stop_at:
            k = counter[0]
            counter[0] += 1
            body = json.dumps(_body(k, points, "http")).encode()
            head = (f"POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
            t0 = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            line = await reader.readline()
            code = int(line.split()[1])
            length = 0
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b""):
                    break
                name, _, value = h.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            lat.append(time.perf_counter() - t0)
            status[code] = status.get(code, 0) + 1
    finally:
        writer.close()


async def _load(port: int, token: str, points: list[tuple[float, float]],
                seconds: float) -> tuple[list[float], dict[int, int], float]:  # fmt: skip
    lat: list[float] = []
    status: dict[int, int] = {}
    counter = [0]
    t0 = time.monotonic()
    await asyncio.gather(*(_client(port, token, points, counter, t0 + seconds, lat, status)
                           for _ in range(CLIENTS)))  # fmt: skip
    return lat, status, time.monotonic() - t0


# --------------------------------------------------------------------------- direct


def _direct(engine: Engine, token: str, points: list[tuple[float, float]],
            seconds: float) -> tuple[list[float], int, float]:  # fmt: skip
    factory = db.session_factory(engine)
    with factory() as s:
        actor = access.caller_for_token(s, token).actor
    grids = GridIndex(engine)
    policy = Policies.defaults().incidents
    lat: list[float] = []
    lock = threading.Lock()
    counter = [0]
    errors = [0]
    stop_at = time.monotonic() + seconds

    def work() -> None:
        while time.monotonic() < stop_at:
            with lock:
                k = counter[0]
                counter[0] += 1
            b = _body(k, points, "direct")
            t0 = time.perf_counter()
            try:
                intake.file_report(factory, actor, intake.IntakeReport(
                    channel="hotline", category=str(b["category"]), description=str(b["description"]),
                    lon=float(b["lon"]), lat=float(b["lat"]), external_id=str(b["external_id"]),  # type: ignore[arg-type]
                    reporter="压测"), grids=grids, policy=policy)  # fmt: skip
            except Exception:  # noqa: BLE001 - counted, the bench goes on
                errors[0] += 1
                continue
            with lock:
                lat.append(time.perf_counter() - t0)

    t0 = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(DIRECT_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors[0], time.monotonic() - t0


# --------------------------------------------------------------------------- grid index


def grid_lookup_rows(cells: int = 109_000) -> list[BenchRow]:
    """Point → cell at `cells` square cells (500 × 218, 0.005°) in a throw-away SQLite file."""
    cols = 500
    rows_n = cells // cols
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'grid.db'}")
        db.upgrade(engine)
        step, lon0, lat0 = 0.005, 118.0, 28.0
        with engine.begin() as conn:
            key = conn.execute(insert(models.Region).values(
                adcode="330000", name="浙江省", level="province", parent_id=None,
                path="/330000/", population=0)).inserted_primary_key  # fmt: skip
            assert key is not None
            rid = key[0]
            batch = []
            for k in range(rows_n * cols):
                i, j = k % cols, k // cols
                x, y = lon0 + i * step, lat0 + j * step
                poly = shapely.box(x, y, x + step, y + step)
                batch.append({"code": f"B{k:08d}", "region_id": rid, "province_code": "330000",
                              "city_code": "330100", "county_code": "330106",
                              "township_code": "330106002", "geometry": poly.wkb,
                              "lon": x + step / 2, "lat": y + step / 2})  # fmt: skip
                if len(batch) == 10_000:
                    conn.execute(insert(models.GridCell), batch)
                    batch = []
            if batch:
                conn.execute(insert(models.GridCell), batch)
        t0 = time.perf_counter()
        index = GridIndex(engine)
        build = time.perf_counter() - t0
        rng = random.Random(3)
        pts = [(lon0 + rng.random() * cols * step, lat0 + rng.random() * rows_n * step)
               for _ in range(20_000)]  # fmt: skip
        for p in pts[:500]:
            index.locate(*p)  # warm
        samples = []
        for p in pts:
            t = time.perf_counter()
            index.locate(*p)
            samples.append(time.perf_counter() - t)
        t = time.perf_counter()
        unchanged = not index.refresh_if_changed()
        check = time.perf_counter() - t
        engine.dispose()
    ms = [s * 1000 for s in samples]
    note = (f"{len(index)} cells, STRtree built in {build:.1f} s (from the database), n={len(ms)}; "
            f"p50 {_pct(ms, 0.5) * 1000:.0f} µs; change check {check * 1000:.0f} ms"
            f"{'' if unchanged else ' (rebuilt!)'}")  # fmt: skip
    return [BenchRow("intake.grid_lookup_p99.109k", _pct(ms, 0.99), "ms", 1.0, note=note)]


# --------------------------------------------------------------------------- all rows


def run(grids: int = 10_000) -> list[BenchRow]:
    rows = grid_lookup_rows()
    url = pg_database("console_bench_intake")
    if url is None:
        return rows + [BenchRow("intake.http_reports_per_s.postgresql", float("nan"), "/s", 500,
                                lower_is_better=False, note="PostgreSQL unreachable")]  # fmt: skip
    engine = db.make_engine(url)
    db.upgrade(engine)
    demo.build_demo(engine, demo.DemoOptions(grids=grids, seed=7), force=True)
    token = make_key(engine, "bench", "330000", ["hotline"], rate_per_s=10_000)
    points = _points(engine)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM incident")).scalar_one()
    with tempfile.TemporaryDirectory() as tmp, IntakeServer(url, Path(tmp) / "data") as server:
        lat, status, took = asyncio.run(_load(server.port, token, points, HTTP_SECONDS))
    ok = status.get(201, 0)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM incident_intake WHERE caller = 'key:bench' "
                                   "AND external_id LIKE 'http-%'")).scalar_one()  # fmt: skip
    matched = counters_match_recount(engine)
    ms = [x * 1000 for x in lat]
    http_rate = ok / took
    other = {k: v for k, v in status.items() if k != 201}
    rows += [
        BenchRow("intake.http_reports_per_s.postgresql", http_rate, "/s", 500, lower_is_better=False,
                 note=f"{CLIENTS} keep-alive clients, {took:.0f} s, {ok} created, other answers {other or 'none'}; "
                      "placed by map point, one uvicorn process"),
        BenchRow("intake.http_p50.postgresql", _pct(ms, 0.5), "ms", 100, note=f"n={len(ms)}"),
        BenchRow("intake.http_p99.postgresql", _pct(ms, 0.99), "ms", 100, note=f"max {max(ms):.0f} ms"),
        BenchRow("intake.http_lost.postgresql", float(ok - stored), "count", 0,
                 note=f"201 answers {ok} vs cases in the database {stored}"),
        BenchRow("intake.counters_vs_recount.postgresql", 0.0 if matched else 1.0, "mismatch", 0,
                 note="incident_daily equals a recount after the load"),
    ]  # fmt: skip
    dlat, derr, dtook = _direct(engine, token, points, DIRECT_SECONDS)
    direct_rate = len(dlat) / dtook
    dms = [x * 1000 for x in dlat]
    rows += [
        BenchRow("intake.direct_reports_per_s.postgresql", direct_rate, "/s", 500, lower_is_better=False,
                 note=f"intake.file_report in {DIRECT_THREADS} threads of one process, {dtook:.0f} s, "
                      f"{derr} errors; p50 {_pct(dms, 0.5):.1f} ms, p99 {_pct(dms, 0.99):.1f} ms"),
        BenchRow("intake.ratio_http_direct.postgresql", http_rate / direct_rate if direct_rate else float("nan"),
                 "×", 0.5, lower_is_better=False, note="HTTP ÷ direct reports/s"),
    ]  # fmt: skip
    with Session(engine) as s:
        after = s.scalar(text("SELECT count(*) FROM incident"))
    rows[-1] = BenchRow(rows[-1].measure, rows[-1].value, rows[-1].unit, rows[-1].target,
                        lower_is_better=False,
                        note=f"{rows[-1].note}; {int(after or 0) - before} cases written in all")  # fmt: skip
    engine.dispose()
    return rows
