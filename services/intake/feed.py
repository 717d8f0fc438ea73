"""The way back: a caller's cursor over the change feed, limited to its jurisdiction.

Built on `services.store.changefeed.read_after` (never on change_log directly), so it keeps
the feed's promise: read in seq order, a cursor never skips and never repeats a change.
Of each batch only the changes of cases inside the caller's subtree are shown: the case
itself (insert/update, with its state now), each timeline step (immutable: action, from
and to status, who, note) and each photo. `next` is the last seq *read*, not the last one
shown, so a caller that sees nothing still moves on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from services.accounts import Actor
from services.store import changefeed, models

ENTITIES = ("incident", "incident_event", "attachment")
MAX_SCAN = 20_000  # changes read per call at most, shown or not (bounds one request)
LEVEL_ATTR = {"province": 0, "city": 1, "county": 2, "township": 3}


@dataclass(frozen=True)
class CaseChange:
    """One change of a case as a caller sees it."""

    seq: int
    at: datetime
    incident_id: int
    kind: str  # incident / step / attachment
    op: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ChangePage:
    changes: tuple[CaseChange, ...]
    next_after: int  # pass as `after` next time
    more: bool  # more changes may be waiting right now


Codes = tuple[str, str, str, str]


def incident_codes(engine: Engine, ids: Iterable[int]) -> dict[int, tuple[Codes, dict[str, Any]]]:
    """Region codes (province … township) and current state of these incidents."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[Codes, dict[str, Any]]] = {}
    i = models.Incident
    with engine.connect() as conn:
        for k in range(0, len(wanted), 500):
            for r in conn.execute(
                select(i.id, i.province_code, i.city_code, i.county_code, i.township_code,
                       i.status, i.is_open, i.version, i.handling_center_id, i.category,
                       i.priority, i.resolved_at, i.closed_at)  # fmt: skip
                .where(i.id.in_(wanted[k : k + 500]))
            ):
                state = {"status": r.status, "is_open": r.is_open, "version": r.version,
                         "handling_center_id": r.handling_center_id, "category": r.category,
                         "priority": r.priority,
                         "resolved_at": _iso(r.resolved_at), "closed_at": _iso(r.closed_at)}  # fmt: skip
                out[r.id] = ((r.province_code, r.city_code, r.county_code, r.township_code), state)
    return out


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() + "Z" if t is not None else None


def sees(actor: Actor, codes: Codes) -> bool:
    """Is a case with these region codes inside the actor's subtree?"""
    k = LEVEL_ATTR.get(actor.region_level)
    return k is not None and codes[k] == actor.region_code


def _steps(engine: Engine, ids: list[int]) -> dict[int, dict[str, Any]]:
    e = models.IncidentEvent
    out: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        for k in range(0, len(ids), 500):
            for r in conn.execute(select(e).where(e.id.in_(ids[k : k + 500]))):
                out[r.id] = {"incident_id": r.incident_id, "action": r.action,
                             "from_status": r.from_status, "to_status": r.to_status,
                             "actor": r.actor, "note": r.note, "target": r.target,
                             "at": _iso(r.at)}  # fmt: skip
    return out


def _attachments(engine: Engine, ids: list[int]) -> dict[int, dict[str, Any]]:
    a = models.Attachment
    out: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        for k in range(0, len(ids), 500):
            for r in conn.execute(select(a).where(a.id.in_(ids[k : k + 500]))):
                out[r.id] = {"incident_id": r.incident_id, "attachment_id": r.id,
                             "media_type": r.media_type, "size": r.size, "sha256": r.sha256,
                             "uploaded_by": r.uploaded_by}  # fmt: skip
    return out


def resolve(engine: Engine, batch: list[changefeed.Change]) -> list[tuple[changefeed.Change, int, dict[str, Any]]]:
    """(change, incident id, what it says) for the case changes of a batch, in seq order."""
    mine = [c for c in batch if c.entity in ENTITIES]
    steps = _steps(engine, [c.entity_id for c in mine if c.entity == "incident_event"])
    atts = _attachments(engine, [c.entity_id for c in mine if c.entity == "attachment"])
    out: list[tuple[changefeed.Change, int, dict[str, Any]]] = []
    for c in mine:
        if c.entity == "incident":
            out.append((c, c.entity_id, {}))
        elif c.entity == "incident_event" and c.entity_id in steps:
            data = dict(steps[c.entity_id])
            out.append((c, int(data.pop("incident_id")), data))
        elif c.entity == "attachment" and c.entity_id in atts:
            data = dict(atts[c.entity_id])
            out.append((c, int(data.pop("incident_id")), data))
    return out


KIND = {"incident": "incident", "incident_event": "step", "attachment": "attachment"}


def changes_for(engine: Engine, actor: Actor, after: int, limit: int = 200) -> ChangePage:
    """The caller's case changes with seq > after, at most `limit`, in seq order."""
    shown: list[CaseChange] = []
    position = after
    scanned = 0
    while len(shown) < limit and scanned < MAX_SCAN:
        batch = changefeed.read_after(engine, position, min(2000, MAX_SCAN - scanned))
        if not batch:
            return ChangePage(tuple(shown), position, False)
        scanned += len(batch)
        resolved = resolve(engine, batch)
        state = incident_codes(engine, [iid for _c, iid, _d in resolved])
        by_seq = {c.seq: (iid, d) for c, iid, d in resolved}
        for change in batch:
            hit = by_seq.get(change.seq)
            if hit is not None and hit[0] in state and sees(actor, state[hit[0]][0]):
                iid, data = hit
                if change.entity == "incident":
                    data = dict(state[iid][1])
                shown.append(CaseChange(change.seq, change.at, iid, KIND[change.entity],
                                        change.op, data))  # fmt: skip
                if len(shown) >= limit:
                    return ChangePage(tuple(shown), change.seq, True)
            position = change.seq
    return ChangePage(tuple(shown), position, True)


def as_json(c: CaseChange) -> dict[str, Any]:
    return {"seq": c.seq, "at": _iso(c.at), "incident_id": c.incident_id, "kind": c.kind,
            "op": c.op, **c.data}  # fmt: skip
