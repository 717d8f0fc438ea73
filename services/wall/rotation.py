"""Rotation of the wall's main area for unattended walls (轮巡): what to show, how often.

Configured in the config file, the period also by `--rotate SECONDS` on the command line:

    [wall]
    rotate_seconds = 30          # 0 or absent: no rotation (--rotate overrides it)
    rotate_quiet_seconds = 120   # after the last touch, rotation resumes
    rotate = ["home", "children", "region:330106002", "panel:platforms", "panel:alerts"]

Steps, shown in order and round again:

- `home`: the console's own region (its root) on the map;
- `region:CODE` (or `regions:CODE,CODE,...`): the map drilled to that region, which must
  lie in the console's jurisdiction (the root or below it);
- `children`: each region directly below the root, in code order;
- `panel:NAME`: bring a side panel to the front (`PANELS`); `platforms` only where the
  wall has the four platforms (township and county walls).

Without `rotate` the steps are `["home", "children"]`. Everything is checked when the
console starts (`load_rotation`): a step that is malformed, unknown or outside the
jurisdiction stops it with one line (ConfigError) before a window opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from services.config import ConfigError
from services.store import models
from services.territory import jurisdiction
from services.wall.platforms import shows_platforms
from services.wall.regions import region_by_code

PANELS = ("ranking", "index", "platforms", "incidents", "alerts", "dispatch")
"""Side panels a rotation may bring to the front."""
DEFAULT_STEPS = ("home", "children")
DEFAULT_QUIET_SECONDS = 120.0
MIN_SECONDS, MAX_SECONDS = 1.0, 3600.0


@dataclass(frozen=True)
class Step:
    """One stop of the rotation: a region on the map or a panel in front."""

    kind: str  # "region" | "panel"
    value: str  # adcode or panel name (PANELS)


@dataclass(frozen=True)
class Rotation:
    """A checked rotation: every `seconds`, the next step; `quiet_seconds` after a touch."""

    seconds: float
    quiet_seconds: float
    steps: tuple[Step, ...]


def _number(value: Any, key: str, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"{where}: wall.{key} must be a number of seconds from {low:g} to {high:g}, "
                          f"not {value!r}")  # fmt: skip
    return float(value)


def load_rotation(
    engine: Engine,
    raw: dict[str, Any],
    root: str,
    *,
    seconds: float | None = None,
    where: str = "config file",
) -> Rotation | None:
    """The rotation for a console rooted at `root` (None: no rotation). `raw` is the
    config file's content, `seconds` the command line's `--rotate` (it wins; 0 turns
    rotation off). Raises ConfigError, one line naming the bad value."""
    table = raw.get("wall", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: wall must be a table ([wall]), not {table!r}")
    if seconds is None:
        conf = table.get("rotate_seconds", 0)
        seconds = 0.0 if conf == 0 else _number(conf, "rotate_seconds", where, MIN_SECONDS, MAX_SECONDS)
    elif seconds != 0 and not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ConfigError(f"--rotate {seconds:g}: seconds must be 0 (off) or {MIN_SECONDS:g} to {MAX_SECONDS:g}")
    quiet = _number(table.get("rotate_quiet_seconds", DEFAULT_QUIET_SECONDS),
                    "rotate_quiet_seconds", where, 0, 86400)  # fmt: skip
    entries = table.get("rotate", list(DEFAULT_STEPS))
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        raise ConfigError(f"{where}: wall.rotate must be a non-empty list of strings, not {entries!r}")
    if not seconds and "rotate" not in table:
        return None
    steps: list[Step] = []  # checked even while off: a wrong list is found before it is used
    with engine.connect() as conn:
        home = region_by_code(conn, root)
        for entry in entries:
            steps.extend(_steps(conn, entry.strip(), home, where))
    if not steps:
        raise ConfigError(f"{where}: wall.rotate has no step to show below {root}")
    if not seconds:
        return None
    return Rotation(float(seconds), quiet, tuple(steps))


def _steps(conn: Any, entry: str, home: Any, where: str) -> list[Step]:
    kind, _, value = entry.partition(":")
    if entry == "home":
        return [Step("region", home.adcode)]
    if entry == "children":
        r = models.Region
        codes = conn.execute(select(r.adcode).where(r.parent_id == home.id).order_by(r.adcode))
        return [Step("region", str(c)) for (c,) in codes]
    if kind in ("region", "regions") and value.strip():
        return [_region(conn, code.strip(), home, where, entry) for code in value.split(",")]
    if kind == "panel" and value in PANELS:
        if value == "platforms" and not shows_platforms(home.level):
            raise ConfigError(f"{where}: wall.rotate {entry!r}: a {home.level} wall has no four "
                              "platforms (township and county walls only)")  # fmt: skip
        return [Step("panel", value)]
    raise ConfigError(f"{where}: wall.rotate {entry!r} is not a step (home, children, region:CODE, "
                      f"regions:CODE,CODE, panel:{'|'.join(PANELS)})")  # fmt: skip


def _region(conn: Any, code: str, home: Any, where: str, entry: str) -> Step:
    try:
        region = region_by_code(conn, code)
    except LookupError:
        raise ConfigError(f"{where}: wall.rotate {entry!r}: no region {code} in this database") from None
    if not jurisdiction.contains(home.adcode, region.path):
        raise ConfigError(f"{where}: wall.rotate {entry!r}: region {code} ({region.name}) is outside "
                          f"the jurisdiction of {home.adcode} ({home.name})")  # fmt: skip
    return Step("region", region.adcode)
