"""Where the database is and the settings that go with it.

One way to point at a database, in this order: `--db URL`, the `CONSOLE_DB` environment
variable, `database.url` in the config file (`CONSOLE_CONFIG`, else
`~/.config/sgcc-console/config.toml`), else the embedded SQLite file at
`~/.local/share/sgcc-console/console.db`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

APP_DIR_NAME = "sgcc-console"

# Deadlines in hours by priority (1 urgent .. 4 low): acknowledge, resolve.
DEFAULT_DEADLINES: dict[int, tuple[float, float]] = {
    1: (0.5, 24.0),
    2: (1.0, 72.0),
    3: (4.0, 168.0),
    4: (8.0, 360.0),
}


def config_path() -> Path:
    env = os.environ.get("CONSOLE_CONFIG")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return base / APP_DIR_NAME / "config.toml"


def data_dir() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / APP_DIR_NAME


def default_db_path() -> Path:
    return data_dir() / "console.db"


def normalize_url(url_or_path: str) -> str:
    """Accept a SQLAlchemy URL or a plain SQLite file path."""
    if "://" in url_or_path:
        if url_or_path.startswith("postgresql://"):
            return "postgresql+psycopg://" + url_or_path[len("postgresql://") :]
        return url_or_path
    return "sqlite:///" + str(Path(url_or_path).expanduser().resolve())


@dataclass(frozen=True)
class Settings:
    db_url: str
    db_is_default: bool
    timezone: str = "Asia/Shanghai"
    deadlines: dict[int, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_DEADLINES)
    )
    tiles_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def load_settings(db: str | None = None) -> Settings:
    """Resolve settings from the command line, the environment and the config file."""
    raw: dict[str, Any] = {}
    path = config_path()
    if path.is_file():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    db_conf = raw.get("database", {})
    chosen = db or os.environ.get("CONSOLE_DB") or db_conf.get("url")
    is_default = chosen is None
    url = normalize_url(chosen) if chosen else normalize_url(str(default_db_path()))
    deadlines = dict(DEFAULT_DEADLINES)
    for key, value in raw.get("deadlines", {}).items():
        deadlines[int(key)] = (float(value[0]), float(value[1]))
    return Settings(
        db_url=url,
        db_is_default=is_default,
        timezone=str(raw.get("timezone", "Asia/Shanghai")),
        deadlines=deadlines,
        tiles_url=raw.get("map", {}).get("tiles_url"),
        raw=raw,
    )
