"""One way to point at a database: --db, then CONSOLE_DB, then the config file, then default."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.config import ConfigError, load_settings


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    cfg = tmp_path / "config.toml"
    monkeypatch.setenv("CONSOLE_CONFIG", str(cfg))
    monkeypatch.delenv("CONSOLE_DB", raising=False)
    s = load_settings()
    assert s.db_is_default and s.db_url == f"sqlite:///{tmp_path / 'data' / 'sgcc-console' / 'console.db'}"
    cfg.write_text('[database]\nurl = "postgresql://u@h/db"\n[deadlines]\n1 = [0.25, 12]\n')
    s = load_settings()
    assert s.db_url == "postgresql+psycopg://u@h/db" and not s.db_is_default
    assert s.deadlines[1] == (0.25, 12.0)
    monkeypatch.setenv("CONSOLE_DB", str(tmp_path / "env.db"))
    assert load_settings().db_url == f"sqlite:///{tmp_path / 'env.db'}"
    assert load_settings("sqlite:///x.db").db_url == "sqlite:///x.db"


def test_the_owner_url_goes_with_the_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The owner URL counts only beside a database URL of its level or below, so
    `--db X db upgrade` never migrates the config file's database."""
    cfg = tmp_path / "config.toml"
    cfg.write_text('[database]\nurl = "postgresql://app@h/gov"\nowner_url = "postgresql://own@h/gov"\n')
    monkeypatch.setenv("CONSOLE_CONFIG", str(cfg))
    monkeypatch.delenv("CONSOLE_DB", raising=False)
    monkeypatch.delenv("CONSOLE_OWNER_DB", raising=False)
    s = load_settings()
    assert (s.db_url, s.owner_url) == ("postgresql+psycopg://app@h/gov", "postgresql+psycopg://own@h/gov")
    s = load_settings("sqlite:///x.db")
    assert s.owner_url == "sqlite:///x.db"
    s = load_settings("postgresql://app@h/other", "postgresql://own@h/other")
    assert s.owner_url == "postgresql+psycopg://own@h/other"
    monkeypatch.setenv("CONSOLE_DB", "postgresql://app@e/env")
    assert load_settings().owner_url == "postgresql+psycopg://app@e/env"
    monkeypatch.setenv("CONSOLE_OWNER_DB", "postgresql://own@e/env")
    assert load_settings().owner_url == "postgresql+psycopg://own@e/env"


def test_bad_values_raise_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    monkeypatch.setenv("CONSOLE_CONFIG", str(cfg))
    for text, words in (
        ("[map]\ntiles_url = 3\n", "map.tiles_url"),
        ("database = 1\n", "database must be a table"),
        ("timezone = 8\n", "timezone must be a string"),
        ('[deadlines]\n"1" = [0, 5]\n', "two positive numbers"),
    ):
        cfg.write_text(text)
        with pytest.raises(ConfigError) as err:
            load_settings()
        assert words in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ConfigError, match="'sqlite3' is not supported"):
        load_settings("sqlite3:///x.db")
