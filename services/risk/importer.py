"""Imported risk alerts (from other systems: CSV with a header row, or JSON Lines): each
has the key ``import:EXTERNAL_ID`` for good, so re-importing a file adds nothing twice."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from services.accounts import Actor
from services.risk.alerts import _raise
from services.risk.params import (
    _DOMAIN_ALIASES,
    _LEVEL_ALIASES,
    DOMAINS,
    IMPORT_LOGIN,
    LEVEL_RANK,
    LEVELS,
    Candidate,
)
from services.store import models
from services.store.db import session_factory, transaction
from services.store.rollup import LOCAL_OFFSET
from services.territory.importer import ImportRejected

G = models.GridCell
R = models.RiskAlert


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int  # already in the database (same external id)


IMPORT_FIELDS = ("external_id", "domain", "level", "raised_at", "text", "grid", "region",
                 "lon", "lat")  # fmt: skip


def _records(path: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) from a CSV (header row) or JSON Lines file."""
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportRejected([f"{path}: cannot read: {exc}"]) from None
    out: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    if path.lower().endswith((".jsonl", ".ndjson", ".json")):
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as exc:
                problems.append(f"line {n}: not JSON: {exc}")
                continue
            if not isinstance(rec, dict):
                problems.append(f"line {n}: not a JSON object")
                continue
            out.append((n, rec))
    else:
        reader = csv.DictReader(io.StringIO(raw))
        for rec in reader:
            n = reader.line_num
            if None in rec:
                problems.append(f"line {n}: more fields than the header")
                continue
            out.append((n, {k.strip(): v for k, v in rec.items() if k is not None}))
    if problems:
        raise ImportRejected(problems)
    return out


def _parse_time(value: Any) -> datetime:
    """ISO 8601; without an offset it is China time. Returns naive UTC."""
    t = datetime.fromisoformat(str(value).strip())
    if t.tzinfo is None:
        return t - LOCAL_OFFSET
    return t.astimezone(UTC).replace(tzinfo=None)


def import_alerts(engine: Engine, path: str, actor: Actor | None = None,
                  now: datetime | None = None) -> ImportResult:  # fmt: skip
    """`console.py import alerts FILE`: CSV or JSON Lines, all or nothing.

    Fields: external_id, domain (key or Chinese label), level (blue/yellow/orange/red or
    蓝/黄/橙/红), raised_at (ISO 8601, China time unless it has an offset; default now),
    text, and where: grid (grid code) or region (township/county adcode), optionally lon/lat.
    Every line is checked first; any problem rejects the whole file, each problem naming
    its line. Alerts already imported (same external_id) are skipped, not duplicated.
    """
    actor = actor or Actor(login=IMPORT_LOGIN, name="导入", role="system", center_id=None,
                           region_id=0, region_code="", region_level="", region_path="/")  # fmt: skip
    now = now or models.utcnow()
    records = _records(path)
    problems: list[str] = []
    rg = models.Region
    with engine.connect() as conn:
        regions = {r.adcode: r for r in conn.execute(
            select(rg.id, rg.adcode, rg.level, rg.path, rg.min_lon, rg.min_lat, rg.max_lon, rg.max_lat)
        )}  # fmt: skip
        grid_codes = sorted({str(rec.get("grid") or "").strip() for _, rec in records} - {""})
        grids: dict[str, Any] = {}
        for k in range(0, len(grid_codes), 500):
            for g in conn.execute(
                select(G.id, G.code, G.province_code, G.city_code, G.county_code,
                       G.township_code, G.lon, G.lat).where(G.code.in_(grid_codes[k : k + 500]))
            ):  # fmt: skip
                grids[g.code] = g
        ext = sorted({f"import:{str(rec.get('external_id') or '').strip()}" for _, rec in records})
        known: set[str] = set()
        for k in range(0, len(ext), 500):
            known.update(str(x) for x in conn.execute(select(R.key).where(R.key.in_(ext[k : k + 500]))).scalars())
    seen: dict[str, int] = {}
    todo: list[tuple[Candidate, str, datetime]] = []
    skipped = 0
    for n, rec in records:
        label = f"line {n}"
        ext_id = str(rec.get("external_id") or "").strip()
        if not ext_id:
            problems.append(f"{label}: missing external_id")
            continue
        if ext_id in seen:
            problems.append(f"{label}: duplicate external_id {ext_id!r} (also line {seen[ext_id]})")
            continue
        seen[ext_id] = n
        domain_raw = str(rec.get("domain") or "").strip()
        domain = domain_raw if domain_raw in DOMAINS else _DOMAIN_ALIASES.get(domain_raw)
        if domain is None:
            problems.append(f"{label}: unknown domain {domain_raw!r} (one of {', '.join(DOMAINS)})")
        level_raw = str(rec.get("level") or "").strip().lower()
        level = level_raw if level_raw in LEVEL_RANK else _LEVEL_ALIASES.get(level_raw)
        if level is None:
            problems.append(f"{label}: unknown level {level_raw!r} (one of {', '.join(LEVELS)})")
        raised_at = now
        if rec.get("raised_at") not in (None, ""):
            try:
                raised_at = _parse_time(rec["raised_at"])
            except ValueError:
                problems.append(f"{label}: raised_at {rec['raised_at']!r} is not an ISO 8601 time")
        lon = lat = None
        if rec.get("lon") not in (None, "") or rec.get("lat") not in (None, ""):
            try:
                lon, lat = float(rec["lon"]), float(rec["lat"])
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                problems.append(f"{label}: lon/lat must both be numbers in range")
        grid_code = str(rec.get("grid") or "").strip()
        region_code = str(rec.get("region") or "").strip()
        grid_id = None
        codes: tuple[str, str, str, str] | None = None
        if grid_code:
            cell = grids.get(grid_code)
            if cell is None:
                problems.append(f"{label}: unknown grid {grid_code!r}")
            else:
                grid_id = cell.id
                codes = (cell.province_code, cell.city_code, cell.county_code, cell.township_code)
                lon, lat = (lon, lat) if lon is not None else (cell.lon, cell.lat)
        elif region_code:
            reg = regions.get(region_code)
            if reg is None:
                problems.append(f"{label}: unknown region {region_code!r}")
            elif reg.level not in ("township", "county"):
                problems.append(f"{label}: region {region_code} is a {reg.level}; "
                                "give a township or county (or a grid)")  # fmt: skip
            else:
                chain = [c for c in reg.path.strip("/").split("/") if c]
                by_level = {regions[c].level: c for c in chain if c in regions}
                codes = (by_level.get("province", ""), by_level.get("city", ""),
                         by_level.get("county", ""), by_level.get("township", ""))  # fmt: skip
                if lon is None and reg.min_lon is not None:
                    lon = (reg.min_lon + reg.max_lon) / 2
                    lat = (reg.min_lat + reg.max_lat) / 2
        else:
            problems.append(f"{label}: needs a grid or a region code")
        if problems and problems[-1].startswith(f"{label}:"):
            continue
        key = f"import:{ext_id}"
        if key in known:
            skipped += 1
            continue
        assert domain is not None and level is not None and codes is not None
        text = str(rec.get("text") or "").strip() or f"{DOMAINS[domain]}风险"
        todo.append((Candidate("import", ext_id, domain, level, text, grid_id, codes, lon, lat),
                     key, raised_at))  # fmt: skip
    if problems:
        raise ImportRejected(problems)
    factory = session_factory(engine)
    with transaction(factory) as s:
        for c, key, raised_at in todo:
            _raise(s, c, now, source="import", key=key, actor=actor, raised_at=raised_at)
    return ImportResult(len(todo), skipped)
