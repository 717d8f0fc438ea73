"""Webhooks: the serve process pushes each key's case changes to the URL registered for it.

The same cursor as `GET /api/v1/changes` (services.intake.feed), kept per key in the
database (`api_key.webhook_after`): a batch is POSTed as JSON, and the cursor moves only
when the receiver answers 2xx, so deliveries are in order, at least once, and survive a
restart. A failure is retried after 1, 2, 4 … seconds (at most `MAX_BACKOFF_S`); the
attempt count, the next attempt and the last error stay on the key (`apikey list` shows
them). Moving the cursor is a compare-and-set, so two serve processes never both deliver.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from services.intake import access, feed
from services.store import models

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 300.0
BATCH = 100
TIMEOUT_S = 5.0


def backoff(failures: int) -> float:
    """Seconds before the next attempt after `failures` failures in a row."""
    return float(min(2 ** max(failures - 1, 0), MAX_BACKOFF_S))


def _post(url: str, body: bytes) -> None:
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "sgcc-console-intake"})  # fmt: skip
    with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:  # noqa: S310 - registered URL
        if not 200 <= resp.status < 300:
            raise OSError(f"HTTP {resp.status}")


def deliver_once(engine: Engine, now: datetime | None = None) -> int:
    """One round over every key with a webhook that is due; returns batches delivered."""
    now = now or models.utcnow()
    k, c, r = models.ApiKey, models.CommandCenter, models.Region
    with engine.connect() as conn:
        due = conn.execute(
            select(k.id).where(k.webhook_url != "", k.revoked_at.is_(None))
            .where((k.webhook_next_at.is_(None)) | (k.webhook_next_at <= now))
        ).scalars().all()  # fmt: skip
    delivered = 0
    for key_id in due:
        with Session(engine) as s:
            row = s.execute(
                select(k, c, r).join(c, c.id == k.center_id).join(r, r.id == c.region_id)
                .where(k.id == key_id)
            ).first()  # fmt: skip
            if row is None:
                continue
            key = row[0]
            actor = access._key_actor(key, row[1], row[2])  # noqa: SLF001 - same package
            url, after, failures, name = key.webhook_url, key.webhook_after, key.webhook_failures, key.name
        page = feed.changes_for(engine, actor, after, BATCH)
        if not page.changes and page.next_after == after:
            continue
        values: dict[str, object] = {"webhook_after": page.next_after}
        if page.changes:
            body = json.dumps({"key": name, "changes": [feed.as_json(x) for x in page.changes],
                               "next": page.next_after}, ensure_ascii=False).encode()  # fmt: skip
            try:
                _post(url, body)
            except (OSError, urllib.error.URLError, ValueError) as exc:
                n = failures + 1
                with engine.begin() as conn:
                    conn.execute(update(k).where(k.id == key_id, k.webhook_after == after).values(
                        webhook_failures=n, webhook_last_error=str(exc)[:500],
                        webhook_next_at=now + timedelta(seconds=backoff(n))))  # fmt: skip
                log.info("webhook %s: attempt %d failed: %s", name, n, exc)
                continue
            values.update(webhook_failures=0, webhook_last_error="", webhook_next_at=None,
                          webhook_delivered_at=now)  # fmt: skip
            delivered += 1
        with engine.begin() as conn:
            conn.execute(update(k).where(k.id == key_id, k.webhook_after == after).values(**values))
    return delivered


class WebhookPusher:
    """Runs `deliver_once` every `interval` seconds in a thread of the serve process."""

    def __init__(self, engine: Engine, interval: float = 0.5) -> None:
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="intake-webhooks", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                while deliver_once(self._engine):
                    pass
            except Exception:  # noqa: BLE001 - the database blinked: next round retries
                log.warning("webhooks: round failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
