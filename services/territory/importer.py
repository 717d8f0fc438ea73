"""`console.py import regions|grids FILE.geojson`: real centers bring their own boundaries.

All-or-nothing: every feature is checked first; if any is rejected nothing is written and
each rejection names the feature and the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, insert, select

from services.store import models
from services.tabular import ImportRejected
from services.territory.register import (
    Register,
    RegisterNotInstalled,
    community_kind,
    township_kind,
)

__all__ = ["LEVELS", "ImportRejected", "import_geojson"]

LEVELS = ("province", "city", "county", "township", "community")
TOLERANCE_DEG = 1e-6  # about 0.1 m: shared borders are not "outside"


@dataclass(frozen=True)
class _Feature:
    index: int
    code: str
    name: str
    parent: str | None
    level: str | None
    geometry: BaseGeometry
    props: dict[str, Any]


def _prop(props: dict[str, Any], *names: str) -> Any:
    for n in names:
        if props.get(n) not in (None, ""):
            return props[n]
    return None


def _read(path: str, problems: list[str]) -> list[_Feature]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportRejected([f"{path}: cannot read GeoJSON: {exc}"]) from None
    raw = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(raw, list):
        raise ImportRejected([f"{path}: not a GeoJSON FeatureCollection"])
    if not raw:
        raise ImportRejected([f"{path}: the FeatureCollection has no features"])
    out = []
    for k, feat in enumerate(raw, start=1):
        if not isinstance(feat, dict):
            problems.append(f"feature #{k}: not a GeoJSON Feature object")
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(f"feature #{k}: 'properties' is not an object")
            continue
        code = _prop(props, "code", "adcode")
        label = f"feature #{k} ({code or 'no code'})"
        if code is None:
            problems.append(f"{label}: missing property 'code'")
            continue
        if not isinstance(feat.get("geometry"), dict):
            problems.append(f"{label}: missing geometry")
            continue
        try:
            geom = shape(feat["geometry"])
        except Exception as exc:  # noqa: BLE001 - any parse failure is a bad geometry
            problems.append(f"{label}: bad geometry: {exc}")
            continue
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"{label}: bad geometry: need a non-empty (Multi)Polygon")
            continue
        if not geom.is_valid:
            problems.append(f"{label}: bad geometry: {shapely.is_valid_reason(geom)}")
            continue
        parent = _prop(props, "parent_code", "parent", "parent_adcode")
        out.append(
            _Feature(
                k, str(code), str(_prop(props, "name") or code),
                str(parent) if parent is not None else None,
                _prop(props, "level"), geom, props,
            )
        )  # fmt: skip
    return out


def _register(code: str) -> Register | None:
    """The register of the code's province, or None where it is not installed."""
    try:
        return Register.load(code[:2] + "0000")
    except (RegisterNotInstalled, ValueError):
        return None


def code_problem(level: str, code: str, parent: str | None) -> str | None:
    """Why a township or community code is not acceptable under `parent`, or None.

    Always the code's form: 9 digits with a GB/T 10114 township part (001–599), or 12 digits
    with a village part 001–599 under the parent township. Where the register knows the
    county (or township), the code must also be one of its units (codes change: the
    register's version is quoted). A county the register does not know (a newer code, a
    test territory) is checked for form only.
    """
    if level == "township":
        if not code.isdigit() or len(code) != 9:
            return f"a township code has 9 digits (county + GB/T 10114 part), not {code!r}"
        try:
            township_kind(code)
        except ValueError as exc:
            return str(exc)
        if code[6:] == "000":
            return f"township part 000 is the county {code[:6]} itself"
        reg = _register(code)
        if parent is not None and code[:6] != parent:
            # 嘉峪关市 is 620200 in the boundaries but its townships are 620201xxx: a parent
            # the register does not have as a county may hold another code of its city.
            stand_in = (reg is not None and reg.area(parent) is None
                        and code[:4] == parent[:4] and reg.township(code) is not None)  # fmt: skip
            if not stand_in:
                return f"belongs to county {code[:6]}, not its parent {parent}"
            return None
        if reg is not None and reg.area(code[:6]) is not None:
            return reg.validate_township_code(code)
        return None
    if level == "community":
        if not code.isdigit() or len(code) != 12:
            return f"a community code has 12 digits (township + village part), not {code!r}"
        try:
            community_kind(code)
        except ValueError as exc:
            return str(exc)
        if code[9:] == "000":
            return f"village part 000 is the township {code[:9]} itself"
        if parent is not None and code[:9] != parent:
            return f"belongs to township {code[:9]}, not its parent {parent}"
        reg = _register(code)
        if reg is not None and reg.township(code[:9]) is not None:
            return reg.validate_community_code(code)
        return None
    return None


def _duplicates(features: list[_Feature], known: set[str], problems: list[str]) -> None:
    seen: dict[str, int] = {}
    for f in features:
        if f.code in seen:
            problems.append(f"feature #{f.index} ({f.code}): duplicate code (also feature #{seen[f.code]})")
        elif f.code in known:
            problems.append(f"feature #{f.index} ({f.code}): duplicate code (already in the database)")
        seen.setdefault(f.code, f.index)


def import_geojson(engine: Engine, kind: str, path: str) -> int:
    """Validate every feature, then write all of them in one transaction."""
    problems: list[str] = []
    features = _read(path, problems)
    with engine.connect() as conn:
        r = models.Region
        regions = {
            row.adcode: row
            for row in conn.execute(select(r.id, r.adcode, r.level, r.path, r.boundary, r.parent_id))
        }
        g = models.GridCell
        known_cells = set(conn.execute(select(g.code)).scalars())
    if kind == "regions":
        rows = _check_regions(features, regions, problems)
    else:
        rows = _check_grids(features, regions, known_cells, problems)
    if problems:
        raise ImportRejected(problems)
    table = models.Region if kind == "regions" else models.GridCell
    with engine.begin() as conn:
        if kind == "regions":
            _write_regions(conn, rows, regions)
        else:
            conn.execute(insert(table), rows)
    return len(rows)


def _inside(parent_wkb: bytes | None, geom: BaseGeometry) -> bool:
    if parent_wkb is None:
        return True
    parent = shapely.from_wkb(parent_wkb)
    return bool(parent.buffer(TOLERANCE_DEG).covers(geom))


def _check_regions(
    features: list[_Feature], regions: dict[str, Any], problems: list[str]
) -> list[dict[str, Any]]:
    _duplicates(features, set(regions), problems)
    by_code = {f.code: f for f in features}

    def level_of(code: str, depth: int = 0) -> str | None:
        """A feature's own level, else one below its parent's (in the file or database)."""
        if code in regions:
            return str(regions[code].level)
        f = by_code.get(code)
        if f is None or depth > len(LEVELS):
            return None
        if f.level is not None:
            return str(f.level)
        if f.parent is None:  # a top region: a province if its code says so (xx0000)
            return "province" if re.fullmatch(r"\d{2}0000", f.code) else None
        parent = level_of(f.parent, depth + 1)
        return LEVELS[LEVELS.index(parent) + 1] if parent in LEVELS[:-1] else None

    rows = []
    for f in features:
        label = f"feature #{f.index} ({f.code})"
        if f.parent is not None:
            if f.parent in regions:
                if not _inside(regions[f.parent].boundary, f.geometry):
                    problems.append(f"{label}: lies outside its parent {f.parent}")
            elif f.parent in by_code:
                pf = by_code[f.parent]
                if not pf.geometry.buffer(TOLERANCE_DEG).covers(f.geometry):
                    problems.append(f"{label}: lies outside its parent {f.parent}")
            else:
                problems.append(f"{label}: unknown parent code {f.parent}")
                continue
        level = level_of(f.code)
        if level not in LEVELS:
            if f.parent is None and f.level is None:
                problems.append(f"{label}: a top region needs a 'level' (or a province code xx0000)")
            else:
                problems.append(f"{label}: unknown level {level!r} (one of {', '.join(LEVELS)})")
            continue
        why = code_problem(level, f.code, f.parent)
        if why:
            problems.append(f"{label}: {why}")
            continue
        x0, y0, x1, y1 = f.geometry.bounds
        rows.append(
            {
                "adcode": f.code, "name": f.name, "level": level, "parent": f.parent,
                "population": int(f.props.get("population") or 0),
                "boundary": shapely.to_wkb(f.geometry),
                "min_lon": x0, "min_lat": y0, "max_lon": x1, "max_lat": y1,
            }
        )  # fmt: skip
    return rows


def _write_regions(conn: Any, rows: list[dict[str, Any]], regions: dict[str, Any]) -> None:
    ids = {code: row.id for code, row in regions.items()}
    paths = {code: row.path for code, row in regions.items()}
    pending = list(rows)
    while pending:  # parents before children, whatever the file order
        progressed = False
        for row in list(pending):
            parent = row["parent"]
            if parent is not None and parent not in ids:
                continue
            values = {k: v for k, v in row.items() if k != "parent"}
            values["parent_id"] = ids.get(parent) if parent else None
            values["path"] = f"{paths.get(parent, '/') if parent else '/'}{row['adcode']}/"
            new_id = conn.execute(insert(models.Region).values(**values)).inserted_primary_key[0]
            ids[row["adcode"]] = new_id
            paths[row["adcode"]] = values["path"]
            pending.remove(row)
            progressed = True
        if not progressed:
            raise ImportRejected([f"({r['adcode']}): parent cycle" for r in pending])


def _check_grids(
    features: list[_Feature], regions: dict[str, Any], known: set[str], problems: list[str]
) -> list[dict[str, Any]]:
    _duplicates(features, known, problems)
    by_id = {row.id: row for row in regions.values()}
    rows = []
    for f in features:
        label = f"feature #{f.index} ({f.code})"
        town = regions.get(f.parent or "")
        if town is None:
            problems.append(f"{label}: unknown parent code {f.parent}")
            continue
        if town.level not in ("township", "community"):
            problems.append(f"{label}: a grid cell's parent is a township or community, "
                            f"not the {town.level} {f.parent}")  # fmt: skip
            continue
        if f.geometry.geom_type != "Polygon":
            problems.append(f"{label}: bad geometry: a grid cell must be one Polygon")
            continue
        if not _inside(town.boundary, f.geometry):
            problems.append(f"{label}: lies outside its parent {f.parent}")
            continue
        chain = {}
        node = town
        while node is not None:
            chain[node.level] = node.adcode
            node = by_id.get(node.parent_id)
        pt = f.geometry.representative_point()
        households = int(f.props.get("households") or 0)
        rows.append(
            {
                "code": f.code, "region_id": town.id,
                "province_code": chain.get("province", ""), "city_code": chain.get("city", ""),
                "county_code": chain.get("county", ""),
                "township_code": chain.get("township", ""),
                "community_code": chain.get("community", ""),
                "geometry": shapely.to_wkb(f.geometry), "lon": pt.x, "lat": pt.y,
                "households": households,
                "population": int(f.props.get("population") or households * 3),
                "enterprises": int(f.props.get("enterprises") or 0),
            }
        )  # fmt: skip
    return rows
