"""A 50,000-row `import incidents` beside an officer's console: nobody waits, the feed holds.

The import runs as `console.py import incidents` in its own process, the officer's console
(tests.support.feedload writer) in another, filing and handling cases every 50 ms. A
subscriber started before the import must get every change exactly once, in commit order;
the counters must equal a recount; the audit log must verify.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from services.store import audit, changefeed, db, models
from tests.support import feedload

ROOT = Path(__file__).resolve().parents[3]
ROWS = 50_000
PREFIX = "BIG"


def _imported(engine: Engine) -> int:
    i = models.Incident
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(i)
                                .where(i.external_id.like(f"{PREFIX}-%"))).scalar() or 0)  # fmt: skip


def test_a_big_import_beside_a_writer(demo_engine: Engine, demo_url: str, tmp_path: Path) -> None:
    engine = demo_engine
    file = tmp_path / "big.csv"
    feedload.write_import_file(engine, file, ROWS, prefix=PREFIX)
    start = changefeed.head(engine)
    sub = changefeed.Subscription(engine, after=start, poll_interval=0.2)
    got: list[changefeed.Change] = []
    counts: list[int] = []
    stop = threading.Event()

    def follow() -> None:
        while not stop.is_set():
            got.extend(sub.next_batch(timeout=0.1))

    def sample() -> None:  # what a reader sees of the import while it runs
        while not stop.is_set():
            counts.append(_imported(engine))
            stop.wait(0.2)

    readers = [threading.Thread(target=follow), threading.Thread(target=sample)]
    for t in readers:
        t.start()
    stop_file, out = tmp_path / "stop", tmp_path / "writer.json"
    writer = subprocess.Popen([sys.executable, "-m", "tests.support.feedload", "writer", demo_url,
                               str(stop_file), str(out)], cwd=ROOT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while changefeed.head(engine) == start and time.monotonic() < deadline:
            time.sleep(0.02)  # until the writer's first commit is in
        assert changefeed.head(engine) > start, "the writer never wrote"
        began = time.time()
        imp = subprocess.run(
            [sys.executable, "console.py", "--db", demo_url, "import", "incidents", str(file)],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        ended = time.time()
        assert imp.returncode == 0, imp.stderr
        assert f"imported {ROWS} incidents" in imp.stdout
        assert writer.poll() is None, "the writer died during the import"
        time.sleep(0.5)  # let the writer go on a little after the import (pacing)
    finally:
        stop_file.touch()
        assert writer.wait(timeout=120) == 0
    ops = json.loads(out.read_text(encoding="utf-8"))
    assert not [o for o in ops if o["kind"] == "refused"]
    beside = [o for o in ops if "seconds" in o and o["wall"] + o["seconds"] >= began
              and o["wall"] <= ended]  # fmt: skip
    assert len(beside) > 20  # the writer kept writing during the import
    slowest = sorted(beside, key=lambda o: -o["seconds"])[:3]
    rest = [o["seconds"] for o in ops if "seconds" in o and o not in beside]
    assert slowest[0]["seconds"] <= 1.0, (
        f"the writer waited {slowest[0]['seconds']:.2f} s behind the import: {slowest}; "
        f"its slowest op before/after the import took {max(rest, default=0):.2f} s"
    )

    assert _imported(engine) == ROWS
    if not db.is_sqlite(engine):  # one transaction: a reader saw none or all of it
        assert set(counts) <= {0, ROWS}, sorted(set(counts))
    else:  # short transactions (SQLite's one write lock): it lands in order, never undone
        assert counts == sorted(counts)

    want = changefeed.read_after(engine, start, limit=10**7)
    deadline = time.monotonic() + 60
    while len(got) < len(want) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for t in readers:
        t.join(timeout=30)
    sub.close()
    assert [c.seq for c in got] == [c.seq for c in want]  # each once, in commit order
    assert [(c.entity, c.entity_id, c.op) for c in got] == [(c.entity, c.entity_id, c.op) for c in want]
    i = models.Incident
    with engine.connect() as conn:
        new_ids = set(conn.execute(select(i.id).where(i.external_id.like(f"{PREFIX}-%"))).scalars())
    fed = [c.entity_id for c in got if c.entity == "incident" and c.op == "insert"]
    assert new_ids <= set(fed) and len(fed) == len(set(fed))
    assert {c.origin for c in got if c.entity_id in new_ids and c.entity == "incident"} == {"import"}

    have, recount = feedload.counters_and_recount(engine)
    assert have == recount
    verdict = audit.verify(engine)
    assert verdict.ok, verdict.problems[:3]
    assert verdict.rows >= ROWS
