"""The process's feed hub: a steady stream comes in a few large batches, nothing is lost."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine

from services.store import db, hub, models
from services.store.changefeed import Change
from tests.support.intake import wait_until


def test_the_gate_opens_only_above_its_rate() -> None:
    gate = hub.BurstGate(rate=hub.GATHER_ABOVE, gap=hub.GATHER_S)
    for k in range(hub.GATHER_ABOVE):
        gate.note(10.0 + k * 0.05, 1)
    assert gate.min_gap(10.6) == 0.0  # as many as the rate: each is taken as it comes
    gate.note(10.6, 1)
    assert gate.min_gap(10.6) == hub.GATHER_S  # one more within a second: gather
    assert gate.min_gap(11.7) == 0.0  # a second later the stream has passed


def test_a_steady_stream_reaches_listeners_in_few_batches_in_order_once(engine: Engine) -> None:
    feed = hub.FeedHub(engine, poll_interval=0.5)
    got: list[list[Change]] = []
    lock = threading.Lock()

    def take(batch: list[Change]) -> None:
        with lock:
            got.append(batch)

    feed.listen({"risk_alert"}, take)
    factory = db.session_factory(engine)
    n = 100
    t0 = time.monotonic()
    for k in range(n):  # one commit each, 50 a second (a province's reports)
        time.sleep(max(0.0, t0 + k * 0.02 - time.monotonic()))  # pacing a load generator
        with db.transaction(factory) as s:
            s.add(models.RiskAlert(domain="fire", level="blue", county_code="330106",
                                   raised_at=models.utcnow(), status="open", rule="hub",
                                   text=str(k)))  # fmt: skip
    written = time.monotonic() - t0
    try:
        wait_until(lambda: sum(len(b) for b in got) >= n, 20.0, "every change delivered")
    finally:
        feed.close()
    seqs = [c.seq for b in got for c in b]
    assert seqs == sorted(seqs) and len(set(seqs)) == n
    # Without gathering every commit is a batch of its own (100); with it, past the first
    # GATHER_ABOVE of a second, at most one batch per GATHER_S.
    bound = hub.GATHER_ABOVE + 2 + (written + 1.0) / hub.GATHER_S
    assert len(got) <= min(bound, n / 2), (len(got), written)
