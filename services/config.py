"""Where the database is and the settings that go with it.

One way to point at a database, in this order: `--db URL`, the `CONSOLE_DB` environment
variable, `database.url` in the config file (`CONSOLE_CONFIG`, else
`~/.config/sgcc-console/config.toml`), else the embedded SQLite file at
`~/.local/share/sgcc-console/console.db`.

On PostgreSQL that URL names the application role; the owner role, which migrates the
schema (`db upgrade`, `db roles`, `demo`), comes from `--owner-db URL`, else
`CONSOLE_OWNER_DB`, else `database.owner_url`, each only beside the database URL of its own
level (an `--owner-db` always counts), else the database URL itself (SQLite, or one role).

Reads may go to a hot standby (PostgreSQL streaming replication): `--read-db URL`, else
`CONSOLE_READ_DB`, else `database.read_url`, by the same levels as the owner URL; writes
always go to the database URL. `database.max_replica_lag_seconds` (default 30) is the
replay delay beyond which reads fall back to the primary. `database.pooled = true` says
the database URL is a PgBouncer in transaction mode (no server-side prepared statements);
`database.direct_url` is then the primary itself, for what a pooler cannot carry (the
feed's LISTEN, the clock's advisory lock). Both count only beside the file's own URL.

A config file that cannot be read or holds a bad value raises ConfigError with one line
naming the file, the setting and the value.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


class ConfigError(Exception):
    """A bad setting or database URL; the message is one line naming it."""


SUPPORTED_DRIVERS = ("sqlite", "postgresql+psycopg")
DEFAULT_MAX_REPLICA_LAG_S = 30.0


def normalize_url(url_or_path: str) -> str:
    """Accept a SQLAlchemy URL or a plain SQLite file path; raise ConfigError for a URL
    that does not parse or names a database the console does not run on."""
    if "://" not in url_or_path:
        return "sqlite:///" + str(Path(url_or_path).expanduser().resolve())
    url = url_or_path
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = _hide_password(url_or_path)
    try:
        parsed = make_url(url)
        _ = parsed.port  # a non-numeric port fails only when asked for
    except ArgumentError as exc:
        raise ConfigError(f"database URL {shown!r} does not parse: {exc}") from None
    except ValueError:
        raise ConfigError(f"database URL {shown!r} does not parse: its port is not a number") from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"database URL {shown!r}: {parsed.drivername!r} is not supported "
            "(use a SQLite path or sqlite:///FILE, or postgresql+psycopg://USER@HOST/DB)"
        )
    if parsed.drivername.startswith("postgresql") and not (parsed.host or parsed.query.get("host")):
        if not parsed.database:
            raise ConfigError(f"database URL {shown!r} names no host or database")
    return url


def _hide_password(url: str) -> str:
    """The URL as typed, with any password replaced (for messages)."""
    head, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    cred, at, tail = rest.rpartition("@")
    if ":" in cred:
        cred = cred.split(":", 1)[0] + ":***"
    return f"{head}{sep}{cred}{at}{tail}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    db_is_default: bool
    owner_url: str = ""  # the owner role's URL ("": the same as db_url)
    timezone: str = "Asia/Shanghai"
    deadlines: dict[int, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_DEADLINES)
    )
    tiles_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    read_url: str | None = None  # a hot standby for reads (None: read the database URL)
    max_replica_lag_s: float = DEFAULT_MAX_REPLICA_LAG_S
    pooled: bool = False  # the database URL is PgBouncer in transaction mode
    direct_url: str | None = None  # the primary itself (the feed's LISTEN, the clock's lock)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read: {exc.strerror}") from None


def _table(raw: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"config file {path}: {name} must be a table ([{name}]), not {value!r}")
    return value


def _string(table: dict[str, Any], key: str, where: str, path: Path) -> str | None:
    value = table.get(key)
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise ConfigError(f"config file {path}: {where}{key} must be a non-empty string, not {value!r}")
    return value


def _pair(value: Any, where: str, path: Path) -> tuple[float, float]:
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value)
    )
    if not ok:
        raise ConfigError(
            f"config file {path}: {where} must be [acknowledge_hours, resolve_hours] "
            f"(two positive numbers), not {value!r}"
        )
    return float(value[0]), float(value[1])


def _priority(key: str, where: str, path: Path) -> int:
    if not (key.isdigit() and int(key) in DEFAULT_DEADLINES):
        raise ConfigError(f"config file {path}: {where}{key}: a priority is 1, 2, 3 or 4")
    return int(key)


def _deadlines(raw: dict[str, Any], path: Path) -> dict[int, tuple[float, float]]:
    """[deadlines]: priority = [ack, resolve], or a [deadlines.<category>] table of those."""
    out = dict(DEFAULT_DEADLINES)
    for key, value in _table(raw, "deadlines", path).items():
        if isinstance(value, dict):
            for p, v in value.items():
                _pair(v, f"deadlines.{key}.{_priority(p, f'deadlines.{key}.', path)}", path)
        else:
            out[_priority(key, "deadlines.", path)] = _pair(value, f"deadlines.{key}", path)
    return out


def _read_url(read: str | None, url: str, where: str) -> str | None:
    """The standby's URL, checked: PostgreSQL only, beside a PostgreSQL database URL."""
    if not read:
        return None
    try:
        normalized = normalize_url(read)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if not normalized.startswith("postgresql"):
        raise ConfigError(f"{where}: a read replica is a PostgreSQL URL, not {_hide_password(read)!r}")
    if not url.startswith("postgresql"):
        raise ConfigError(f"{where}: a read replica needs a PostgreSQL database URL (not SQLite)")
    return normalized


def _pooled(db_conf: dict[str, Any], path: Path, applies: bool, url: str) -> tuple[bool, str | None]:
    """`database.pooled` and `database.direct_url` (they count beside the file's own URL)."""
    pooled = db_conf.get("pooled", False)
    if not isinstance(pooled, bool):
        raise ConfigError(f"config file {path}: database.pooled must be true or false, not {pooled!r}")
    direct = _string(db_conf, "direct_url", "database.", path)
    if not applies:
        return False, None
    if direct:
        try:
            direct = normalize_url(direct)
        except ConfigError as exc:
            raise ConfigError(f"config file {path}: database.direct_url: {exc}") from None
    if pooled and not url.startswith("postgresql"):
        raise ConfigError(f"config file {path}: database.pooled is for a PgBouncer in front of PostgreSQL")
    if pooled and not direct:
        raise ConfigError(
            f"config file {path}: database.pooled needs database.direct_url (the primary itself,"
            " for the change feed's LISTEN and the clock's lock, which PgBouncer cannot hold)"
        )
    return pooled, direct


def _max_lag(db_conf: dict[str, Any], path: Path) -> float:
    value = db_conf.get("max_replica_lag_seconds", DEFAULT_MAX_REPLICA_LAG_S)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigError(
            f"config file {path}: database.max_replica_lag_seconds must be a number of seconds"
            f" above 0, not {value!r}"
        )
    return float(value)


def load_settings(
    db: str | None = None, owner_db: str | None = None, read_db: str | None = None
) -> Settings:
    """Resolve settings from the command line, the environment and the config file;
    raise ConfigError (one line) for a file or value that cannot be used."""
    raw: dict[str, Any] = {}
    path = config_path()
    if path.is_file() or (path.exists() and not path.is_dir()):
        raw = _read(path)
    db_conf = _table(raw, "database", path)
    conf_url = _string(db_conf, "url", "database.", path)
    conf_owner = _string(db_conf, "owner_url", "database.", path)
    conf_read = _string(db_conf, "read_url", "database.", path)
    for key in ("owner_role", "app_role"):
        _string(db_conf, key, "database.", path)
    env_url, env_owner = os.environ.get("CONSOLE_DB"), os.environ.get("CONSOLE_OWNER_DB")
    env_read = os.environ.get("CONSOLE_READ_DB")
    chosen: str | None
    owner: str | None
    read: str | None
    if db:
        chosen, owner, read = db, owner_db, read_db
    elif env_url:
        chosen, owner, read = env_url, owner_db or env_owner, read_db or env_read
    else:
        chosen, owner = conf_url, owner_db or env_owner or conf_owner
        read = read_db or env_read or conf_read
    read_where = (
        "--read-db" if read_db else "CONSOLE_READ_DB" if read and read == env_read
        else f"config file {path}: database.read_url"
    )  # fmt: skip
    is_default = chosen is None
    url = normalize_url(chosen) if chosen else normalize_url(str(default_db_path()))
    owner_url = normalize_url(owner) if owner else url
    read_url = _read_url(read, url, read_where)
    max_lag = _max_lag(db_conf, path)
    pooled, direct_url = _pooled(db_conf, path, applies=not db and not env_url and bool(conf_url), url=url)
    timezone = raw.get("timezone", "Asia/Shanghai")
    if not isinstance(timezone, str):
        raise ConfigError(f"config file {path}: timezone must be a string, not {timezone!r}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"config file {path}: timezone {timezone!r} is not a known time zone "
            "(e.g. \"Asia/Shanghai\")"
        ) from None
    deadlines = _deadlines(raw, path)
    tiles_url = _string(_table(raw, "map", path), "tiles_url", "map.", path)
    return Settings(
        db_url=url,
        db_is_default=is_default,
        owner_url=owner_url,
        timezone=timezone,
        deadlines=deadlines,
        tiles_url=tiles_url,
        raw=raw,
        read_url=read_url,
        max_replica_lag_s=max_lag,
        pooled=pooled,
        direct_url=direct_url,
    )
