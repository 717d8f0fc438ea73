"""风险预警: risk alerts in 11 domains, raised by rules over the live data or imported; the
writes (raising, escalating, acknowledging, closing).

Levels, lowest to highest: blue, yellow, orange, red. An alert is open, then acknowledged,
then closed (closing straight from open is allowed); every step is a `RiskAlertEvent` (the
timeline) and an audit row.

The engine (`run_rules`) raises what the rules (`rules.RULES`) find and escalates open
alerts; a person acknowledges (签收) and closes (解除) them. The vocabulary and thresholds
live in `params`, the reads in `queries`, the import of other systems' alerts in
`importer`.

Dedupe: an open rule alert has the unique key ``rule:place`` (place = ``grid:ID`` or
``place:ID``); closing it renames the key ``rule:place:closed:ID`` so the place can alert
again. Two consoles running the rules at once cannot both raise it: the second insert hits
the unique key, is rolled back, and the open alert is escalated instead if need be. A place
whose alert was closed less than `cooldown_hours` ago is not re-raised at the same or a
lower level. Levels only go up automatically; a person closes an alert.
Imported alerts have the key ``import:EXTERNAL_ID`` for good, so re-importing a file adds
nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from services.accounts import Actor
from services.errors import InvalidTransition, NotAllowed, NotFound, StaleState
from services.risk.params import LEVEL_LABELS, LEVEL_RANK, SYSTEM_ACTOR, Candidate, RiskParams
from services.risk.rules import evaluate
from services.store import audit, models
from services.store.db import session_factory, transaction

R = models.RiskAlert


def _snapshot(alert: models.RiskAlert) -> dict[str, object]:
    return audit.snapshot(alert, ("domain", "level", "status", "rule", "key", "grid_id",
                                  "township_code", "county_code", "source"))  # fmt: skip


def _raise(session: Session, c: Candidate, now: datetime, source: str = "rule",
           key: str | None = None, actor: Actor = SYSTEM_ACTOR,
           raised_at: datetime | None = None) -> models.RiskAlert:  # fmt: skip
    alert = models.RiskAlert(
        domain=c.domain, level=c.level, grid_id=c.grid_id,
        province_code=c.codes[0], city_code=c.codes[1], county_code=c.codes[2],
        township_code=c.codes[3], lon=c.lon, lat=c.lat, raised_at=raised_at or now,
        status="open", rule=c.rule, text=c.text, source=source, key=key or c.key,
    )  # fmt: skip
    session.add(alert)
    session.flush()
    session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="raised",
                                      actor=actor.login, note=c.text))  # fmt: skip
    audit.record(session, actor, "risk.raise", "risk_alert", alert.id,
                 after=_snapshot(alert), detail=c.text, at=now)  # fmt: skip
    return alert


def _escalate(factory: Any, alert_id: int, c: Candidate, now: datetime) -> bool:
    try:
        with transaction(factory) as s:
            alert = s.get(models.RiskAlert, alert_id)
            if alert is None or alert.status == "closed":
                return False
            if LEVEL_RANK.get(c.level, 0) <= LEVEL_RANK.get(alert.level, 0):
                return False
            before = _snapshot(alert)
            note = f"{LEVEL_LABELS.get(alert.level, alert.level)} → {LEVEL_LABELS[c.level]}：{c.text}"
            alert.level = c.level
            alert.text = c.text
            s.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="escalated",
                                        actor=SYSTEM_ACTOR.login, note=note))  # fmt: skip
            audit.record(s, SYSTEM_ACTOR, "risk.escalate", "risk_alert", alert.id,
                         before=before, after=_snapshot(alert), detail=note, at=now)  # fmt: skip
        return True
    except StaleDataError:  # another console changed it first; the next run looks again
        return False


def run_rules(
    engine: Engine,
    now: datetime | None = None,
    scope: str | None = None,
    *,
    params: RiskParams,
    rules: Iterable[str] | None = None,
) -> list[int]:
    """Evaluate the rules and raise what is new; returns the ids of alerts raised.

    Idempotent: an open alert of the same rule and place is escalated if the level rose,
    never raised twice. Each new alert is its own short transaction, so a unique-key clash
    with another console rolls back only that alert.
    """
    now = now or models.utcnow()
    candidates = evaluate(engine, now, scope, params=params, rules=rules)
    if not candidates:
        return []
    keys = [c.key for c in candidates]
    open_by_key: dict[str, tuple[int, str]] = {}
    closed_level: dict[str, int] = {}
    with engine.connect() as conn:
        for k in range(0, len(keys), 500):
            for aid, key, level in conn.execute(
                select(R.id, R.key, R.level).where(R.key.in_(keys[k : k + 500]))
            ):
                open_by_key[str(key)] = (aid, level)
        since = now - timedelta(hours=params.cooldown_hours)
        for key, level in conn.execute(
            select(R.key, R.level).where(R.status == "closed", R.closed_at >= since,
                                         R.source == "rule")  # fmt: skip
        ):
            base = str(key).split(":closed:")[0]
            closed_level[base] = max(closed_level.get(base, 0), LEVEL_RANK.get(level, 0))
    factory = session_factory(engine)
    raised: list[int] = []
    for c in candidates:
        existing = open_by_key.get(c.key)
        if existing is not None:
            _escalate(factory, existing[0], c, now)
            continue
        if LEVEL_RANK[c.level] <= closed_level.get(c.key, 0):
            continue  # closed a moment ago at this level: wait for the cool-down
        try:
            with transaction(factory) as s:
                alert = _raise(s, c, now)
                raised.append(alert.id)
        except IntegrityError:
            # Another console raised it between our read and our insert: escalate theirs.
            with engine.connect() as conn:
                found = conn.execute(select(R.id).where(R.key == c.key)).scalar()
            if found is not None:
                _escalate(factory, int(found), c, now)
    return raised


_ACTOR_CODE = {"province": "province_code", "city": "city_code", "county": "county_code",
               "township": "township_code"}  # fmt: skip


def _visible(actor: Actor, alert: models.RiskAlert) -> bool:
    if actor.region_level in _ACTOR_CODE:
        return bool(getattr(alert, _ACTOR_CODE[actor.region_level]) == actor.region_code)
    return actor.region_path.strip("/").split("/")[-1:] == [alert.township_code]


def _load(session: Session, actor: Actor, alert_id: int, version: int | None) -> models.RiskAlert:
    actor.require("handle")
    alert = session.get(models.RiskAlert, alert_id)
    if alert is None:
        raise NotFound(f"no risk alert {alert_id}", alert_id=alert_id)
    if not _visible(actor, alert):
        raise NotAllowed(f"risk alert {alert_id} is outside {actor.region_code}",
                         code="outside", alert_id=alert_id)  # fmt: skip
    if version is not None and alert.version != version:
        raise StaleState(f"risk alert {alert_id} changed meanwhile", current=alert.version,
                         alert_id=alert_id)  # fmt: skip
    return alert


def acknowledge(
    session: Session, actor: Actor, alert_id: int, note: str = "", *,
    version: int | None = None, now: datetime | None = None,
) -> None:  # fmt: skip
    """签收: the alert is seen and being handled."""
    now = now or models.utcnow()
    alert = _load(session, actor, alert_id, version)
    if alert.status != "open":
        raise InvalidTransition(f"risk alert {alert_id} is {alert.status}, not open",
                                status=alert.status)  # fmt: skip
    before = _snapshot(alert)
    alert.status = "acknowledged"
    alert.acknowledged_at = now
    alert.acknowledged_by = actor.label
    session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="acknowledged",
                                      actor=actor.label, note=note))  # fmt: skip
    audit.record(session, actor, "risk.acknowledge", "risk_alert", alert.id,
                 before=before, after=_snapshot(alert), detail=note, at=now)  # fmt: skip
    session.flush()


def close(
    session: Session, actor: Actor, alert_id: int, note: str = "", *,
    version: int | None = None, now: datetime | None = None,
) -> None:  # fmt: skip
    """解除: the risk is handled; the place may alert again (after the cool-down)."""
    now = now or models.utcnow()
    alert = _load(session, actor, alert_id, version)
    if alert.status == "closed":
        raise InvalidTransition(f"risk alert {alert_id} is already closed", status=alert.status)
    before = _snapshot(alert)
    alert.status = "closed"
    alert.closed_at = now
    alert.closed_by = actor.label
    if alert.source == "rule" and alert.key and ":closed:" not in alert.key:
        alert.key = f"{alert.key}:closed:{alert.id}"  # frees the place for a new alert
    session.add(models.RiskAlertEvent(alert_id=alert.id, at=now, action="closed",
                                      actor=actor.label, note=note))  # fmt: skip
    audit.record(session, actor, "risk.close", "risk_alert", alert.id,
                 before=before, after=_snapshot(alert), detail=note, at=now)  # fmt: skip
    session.flush()
