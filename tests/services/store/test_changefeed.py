"""The change feed: every writer's commits reach a subscriber in order, once, fast."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import Engine

from services.store import changefeed, db, models

ROOT = Path(__file__).resolve().parents[3]

WRITER = """
import sys
from services.store import db, models
eng = db.make_engine(sys.argv[1])
f = db.session_factory(eng)
for k in range(int(sys.argv[2])):
    with db.transaction(f) as s:
        s.add(models.RiskAlert(domain="fire", level="blue", county_code="330106",
              raised_at=models.utcnow(), status="open", rule="test", text=str(k)))
"""


def _collect(sub: changefeed.Subscription, want: int, timeout: float) -> list[changefeed.Change]:
    import time

    got: list[changefeed.Change] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        got.extend(sub.next_batch(timeout=0.5))
    return got


def test_other_process_commits_arrive_in_order_once(engine: Engine) -> None:
    sub = changefeed.Subscription(engine, poll_interval=0.5)
    url = engine.url.render_as_string(hide_password=False)  # the writer is the app role too
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, url, "30"], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = _collect(sub, 30, timeout=20)
    sub.close()
    assert len(got) == 30
    assert [c.seq for c in got] == sorted(c.seq for c in got)
    assert len({c.seq for c in got}) == 30
    assert {c.entity for c in got} == {"risk_alert"}


def test_resubscribing_from_a_position_misses_and_repeats_nothing(engine: Engine) -> None:
    f = db.session_factory(engine)

    def write(n: int) -> None:
        for k in range(n):
            with db.transaction(f) as s:
                s.add(models.RiskAlert(domain="fire", level="blue", county_code="1",
                                       raised_at=models.utcnow(), status="open", rule="t", text=str(k)))  # fmt: skip

    sub = changefeed.Subscription(engine, poll_interval=0.2)
    write(5)
    first = _collect(sub, 5, timeout=10)
    position = sub.position
    sub.close()  # the console loses its connection…
    write(7)  # …while others keep writing
    again = changefeed.Subscription(engine, after=position, poll_interval=0.2)
    second = _collect(again, 7, timeout=10)
    again.close()
    seqs = [c.seq for c in first + second]
    assert len(seqs) == 12 and seqs == sorted(set(seqs))


def test_concurrent_writers_commit_in_seq_order(engine: Engine) -> None:
    """Two writer threads: the feed never shows a seq before a smaller one it skipped."""
    f = db.session_factory(engine)
    sub = changefeed.Subscription(engine, poll_interval=0.05)
    seen: list[int] = []
    done = threading.Event()

    def reader() -> None:
        # Until all 80 are seen (the last commit's wake-up can come after the writers are
        # done: stopping at the first empty batch then missed it), at most 20 s after.
        deadline = float("inf")
        while len(seen) < 80 and time.monotonic() < deadline:
            seen.extend(c.seq for c in sub.next_batch(timeout=0.05))
            if done.is_set() and deadline == float("inf"):
                deadline = time.monotonic() + 20

    def writer(tag: str) -> None:
        for k in range(40):
            with db.transaction(f) as s:
                s.add(models.RiskAlert(domain="fire", level="blue", county_code=tag,
                                       raised_at=models.utcnow(), status="open", rule="t", text=str(k)))  # fmt: skip

    t_read = threading.Thread(target=reader)
    t_read.start()
    writers = [threading.Thread(target=writer, args=(t,)) for t in ("a", "b")]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    t_read.join(timeout=20)
    sub.close()
    everything = [c.seq for c in changefeed.read_after(engine, 0)]
    assert seen == everything  # same rows, same order, nothing skipped on the way
    assert len(everything) == 80
