"""`database.read_url` / `--read-db` / `CONSOLE_READ_DB` and `database.max_replica_lag_seconds`:
resolved beside the database URL of their level, bad values one line naming them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from services.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("CONSOLE_CONFIG", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("CONSOLE_DB", "CONSOLE_OWNER_DB", "CONSOLE_READ_DB"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_the_read_url_goes_with_the_database_url_of_its_level(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.write_text('[database]\nurl = "postgresql://app@p/gov"\nread_url = "postgresql://app@r/gov"\n'
                   "max_replica_lag_seconds = 5\n")  # fmt: skip
    s = load_settings()
    assert (s.db_url, s.read_url) == ("postgresql+psycopg://app@p/gov", "postgresql+psycopg://app@r/gov")
    assert s.max_replica_lag_s == 5.0
    # --db names another database: the file's standby is not its replica.
    assert load_settings("postgresql://app@p/other").read_url is None
    assert load_settings("postgresql://app@p/other", read_db="postgresql://app@r2/other").read_url == (
        "postgresql+psycopg://app@r2/other"
    )
    monkeypatch.setenv("CONSOLE_READ_DB", "postgresql://app@r3/gov")
    assert load_settings().read_url == "postgresql+psycopg://app@r3/gov"
    monkeypatch.setenv("CONSOLE_DB", "postgresql://app@p4/gov")
    assert load_settings().read_url == "postgresql+psycopg://app@r3/gov"


def test_no_read_url_reads_the_database(cfg: Path) -> None:
    cfg.write_text('[database]\nurl = "postgresql://app@p/gov"\n')
    s = load_settings()
    assert s.read_url is None and s.max_replica_lag_s == 30.0


@pytest.mark.parametrize(
    ("text", "read_db", "message"),
    [
        ('url = "postgresql://a@p/g"\nread_url = "mysql://a@r/g"', None, "config file .*database.read_url.*not supported"),
        ('url = "postgresql://a@p/g"\nread_url = ""', None, "database.read_url must be a non-empty string"),
        ('url = "postgresql://a@p/g"\nread_url = "/tmp/x.db"', None, "a read replica is a PostgreSQL URL"),
        ('url = "/tmp/x.db"\nread_url = "postgresql://a@r/g"', None, "needs a PostgreSQL database URL"),
        ('url = "postgresql://a@p/g"', "postgresql://a@r:port/g", "--read-db: .*port is not a number"),
        ('url = "postgresql://a@p/g"\nmax_replica_lag_seconds = 0', None, "max_replica_lag_seconds must be"),
        ('url = "postgresql://a@p/g"\nmax_replica_lag_seconds = "30"', None, "max_replica_lag_seconds must be"),
    ],
)
def test_bad_replica_settings_are_one_line(cfg: Path, text: str, read_db: str | None, message: str) -> None:
    cfg.write_text(f"[database]\n{text}\n")
    with pytest.raises(ConfigError, match=message) as err:
        load_settings(read_db=read_db)
    assert "\n" not in str(err.value)


def test_console_py_refuses_a_bad_read_db_in_one_line(cfg: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "console.py"), "--db", str(cfg.parent / "x.db"), "--read-db",
         "postgresql://a@r/g", "db", "status"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "--read-db: a read replica needs a PostgreSQL database URL" in out.stderr


def test_pooled_needs_the_direct_url_and_counts_beside_the_files_url(cfg: Path) -> None:
    cfg.write_text('[database]\nurl = "postgresql://app@bouncer:6432/gov"\npooled = true\n'
                   'direct_url = "postgresql://app@primary/gov"\n')  # fmt: skip
    s = load_settings()
    assert s.pooled and s.direct_url == "postgresql+psycopg://app@primary/gov"
    other = load_settings("postgresql://app@elsewhere/gov")
    assert (other.pooled, other.direct_url) == (False, None)
    cfg.write_text('[database]\nurl = "postgresql://app@bouncer:6432/gov"\npooled = true\n')
    with pytest.raises(ConfigError, match="database.pooled needs database.direct_url"):
        load_settings()
    cfg.write_text('[database]\nurl = "postgresql://app@bouncer:6432/gov"\npooled = "yes"\n')
    with pytest.raises(ConfigError, match="database.pooled must be true or false"):
        load_settings()
