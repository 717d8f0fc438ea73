"""`console.py import incidents FILE`: reports from other systems, CSV or JSON Lines.

All-or-nothing: every row is checked and written in one transaction; if any row is bad,
nothing is written and each problem names its line and reason. Every row carries an
external id, so importing the same file twice adds nothing the second time.

Columns (CSV header or JSON keys): external_id, category, description, and a place —
grid_code, or lon and lat. Optional: channel (default hotline), priority (1–4, default 3),
reported_at (ISO 8601; without an offset it is China Standard Time), reporter, address.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services import incidents
from services.accounts import Actor
from services.errors import Refused
from services.store import models
from services.territory.importer import ImportRejected

CST = timezone(timedelta(hours=8))
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class ImportSummary:
    added: int
    already_there: int


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, fields) for each record; JSON Lines if the name ends .jsonl/.ndjson."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield n, {"__error__": f"not JSON: {exc.args[0]}"}
                    continue
                yield n, obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k}


def _time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    t = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=CST)
    return t.astimezone(UTC).replace(tzinfo=None)


def _number(value: Any, kind: type) -> Any:
    return None if value in (None, "") else kind(value)


def _parse(fields: dict[str, Any], grids: dict[str, int]) -> incidents.NewIncident:
    if "__error__" in fields:
        raise ValueError(fields["__error__"])
    ext = str(fields.get("external_id") or "").strip()
    if not ext:
        raise ValueError("missing external_id")
    grid_id = None
    code = str(fields.get("grid_code") or "").strip()
    if code:
        if code not in grids:
            raise ValueError(f"unknown grid_code {code}")
        grid_id = grids[code]
    try:
        lon, lat = _number(fields.get("lon"), float), _number(fields.get("lat"), float)
        priority = _number(fields.get("priority"), int) or 3
        reported_at = _time(fields.get("reported_at"))
    except ValueError as exc:
        raise ValueError(f"bad value: {exc}") from None
    return incidents.NewIncident(
        category=str(fields.get("category") or "").strip(),
        description=str(fields.get("description") or ""),
        channel=str(fields.get("channel") or "hotline").strip(),
        priority=priority,
        grid_id=grid_id,
        lon=lon,
        lat=lat,
        reporter=str(fields.get("reporter") or ""),
        address=str(fields.get("address") or ""),
        external_id=ext,
        reported_at=reported_at,
    )


def _used_ids(
    session: Session, actor: Actor, parsed: list[tuple[int, incidents.NewIncident]]
) -> dict[str | None, tuple[str, bool]]:
    """For each of the rows' ids already used: the source of its case and whether that case
    lies in the actor's area. A row of the same source whose case the actor sees is already
    there; any other use the actor may learn nothing about (the ids are unique database-wide)."""
    inc = models.Incident
    area = getattr(inc, f"{actor.region_level}_code", None)
    ids = [n.external_id for _, n in parsed]
    used: dict[str | None, tuple[str, bool]] = {}
    for k in range(0, len(ids), 500):
        cols = (inc.external_id, inc.source_channel, area if area is not None else inc.id)
        for ext, channel, where in session.execute(
            select(*cols).where(inc.external_id.in_(ids[k : k + 500]))
        ):
            used[ext] = (channel, area is not None and where == actor.region_code)
    return used


def import_incidents(
    engine: Engine,
    actor: Actor,
    path: str,
    *,
    policy: incidents.IncidentPolicy,
) -> ImportSummary:
    """Check and write every row in one transaction, or raise ImportRejected."""
    file = Path(path)
    if not file.is_file():
        raise ImportRejected([f"{path}: no such file"])
    problems: list[str] = []
    added = 0
    with Session(engine) as session, session.begin():
        grids = {c: i for c, i in session.execute(select(models.GridCell.code, models.GridCell.id))}
        seen: dict[str, int] = {}
        parsed: list[tuple[int, incidents.NewIncident]] = []
        try:
            for line, fields in _rows(file):
                try:
                    new = _parse(fields, grids)
                except ValueError as exc:
                    problems.append(f"line {line}: {exc}")
                    continue
                ext = new.external_id or ""
                if ext in seen:
                    problems.append(f"line {line}: external_id {ext} repeats line {seen[ext]}")
                    continue
                seen[ext] = line
                parsed.append((line, new))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ImportRejected([f"{path}: cannot read: {exc}"]) from None
        used = _used_ids(session, actor, parsed)
        for line, new in parsed:
            if used.get(new.external_id) == (new.channel, True):
                continue
            if new.external_id in used:
                channel, visible = used[new.external_id]
                owner = f"a {channel} case of this area" if visible else "a case outside this account"
                problems.append(f"line {line}: external_id {new.external_id} is already used by "
                                f"{owner}: give the row its own id")  # fmt: skip
                continue
            if len(problems) >= MAX_PROBLEMS:
                break
            try:  # report() refuses before it writes anything
                incidents.report(session, actor, new, policy=policy)
                added += 1
            except Refused as exc:
                problems.append(f"line {line}: {exc.message}")
        if problems:  # raising inside the transaction rolls every row back
            problems.sort(key=lambda p: int(p.split(" ", 2)[1].rstrip(":")))
            raise ImportRejected(problems)
    return ImportSummary(added=added, already_there=len(parsed) - added)
