"""One way to point at a database: --db, then CONSOLE_DB, then the config file, then default."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.config import load_settings


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
