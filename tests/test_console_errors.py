"""Bad input on the command line is one clear line naming the bad value, a non-zero exit,
and nothing changed: no traceback, no migration, no file written, no window opened."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp: Path, config: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CONSOLE_DB", "CONSOLE_OWNER_DB")}
    cfg = tmp / "config.toml"
    if config is not None:
        cfg.write_text(config, encoding="utf-8")
    env["CONSOLE_CONFIG"] = str(cfg)
    env["XDG_DATA_HOME"] = str(tmp / "data")  # never the real embedded database
    # Were Qt to start, this platform would make it abort: the checks come before Qt.
    env["QT_QPA_PLATFORM"] = "no-such-platform"
    return env


def _run(tmp: Path, *args: str, config: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "console.py"), *args],
        capture_output=True, text=True, timeout=60, cwd=tmp, env=_env(tmp, config),
    )  # fmt: skip


def _one_line(res: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert res.returncode != 0, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    for word in expected:
        assert word in lines[0], lines[0]
    return lines[0]


def _signature(path: Path) -> tuple[object, ...]:
    """What a change would show: the schema version, the tables, and the last rows."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
        version = (
            conn.execute("SELECT version_num FROM alembic_version").fetchall()
            if "alembic_version" in tables
            else None
        )
        tail = [
            conn.execute(f"SELECT count(*), max(rowid) FROM {t}").fetchone()
            for t in ("change_log", "audit_log", "incident")
            if t in tables
        ]
        return (version, tuple(tables), tuple(tail))
    finally:
        conn.close()


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return target


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://::bad", ("postgresql+psycopg://::bad", "port")),
        ("foo://bar/baz", ("foo://bar/baz", "not supported")),
        ("mysql://u@h/x", ("mysql://u@h/x", "'mysql' is not supported")),
    ],
)
def test_bad_database_url(tmp_path: Path, url: str, expected: tuple[str, ...]) -> None:
    _one_line(_run(tmp_path, "--db", url, "db", "status"), *expected)


def test_a_password_in_a_bad_url_is_not_printed(tmp_path: Path) -> None:
    line = _one_line(_run(tmp_path, "--db", "mysql://u:hunter2@h/x", "db", "status"))
    assert "hunter2" not in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tiles", "0x0"], ("--tiles", "'0x0'")),
        (["--tiles", "abc"], ("--tiles", "'abc'")),
        (["--scale", "-1"], ("--scale", "'-1'")),
        (["--scale", "0"], ("--scale", "'0'")),
        (["screenshot", "--out", "w.png", "--size", "big"], ("--size", "'big'")),
        (["screenshot", "--out", "w.png", "--size", "0x0"], ("--size", "'0x0'")),
        (["screenshot", "--out", "w.png", "--tiles", "abc"], ("--tiles", "'abc'")),
    ],
)
def test_bad_wall_option(tmp_path: Path, demo_db: Path, args: list[str], expected: tuple[str, ...]) -> None:
    before = _signature(demo_db)
    _one_line(_run(tmp_path, "--db", str(demo_db), *args), *expected)
    assert not (tmp_path / "w.png").exists()
    assert _signature(demo_db) == before


@pytest.mark.parametrize("command", [[], ["screenshot", "--out", "w.png"]])
def test_unknown_center_before_any_window(tmp_path: Path, demo_db: Path, command: list[str]) -> None:
    before = _signature(demo_db)
    _one_line(_run(tmp_path, "--db", str(demo_db), *command, "--center", "999999"),
              "999999", "330000")  # fmt: skip
    assert not (tmp_path / "w.png").exists()
    assert _signature(demo_db) == before


def test_clock_with_an_unknown_center_exits(tmp_path: Path, demo_db: Path) -> None:
    _one_line(_run(tmp_path, "--db", str(demo_db), "clock", "--center", "999999"), "999999")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("[database\nurl = 'x'\n", ("config.toml", "not valid TOML", "line 1")),
        ("[deadlines]\n1 = 'soon'\n", ("deadlines.1", "'soon'")),
        ("[deadlines]\n1 = [1]\n", ("deadlines.1", "[1]")),
        ("[deadlines.fire]\n9 = [1, 2]\n", ("deadlines.fire.9", "priority")),
        ('timezone = "Mars/Olympus"\n', ("timezone", "'Mars/Olympus'")),
        ("[database]\nurl = 5\n", ("database.url", "5")),
        ("[escalation]\nevery_hours = 'often'\n", ("[escalation]", "often")),
        ("[accounts]\nmax_failures = 0\n", ("accounts.max_failures", "0")),
    ],
)
def test_bad_config_file(tmp_path: Path, demo_db: Path, config: str, expected: tuple[str, ...]) -> None:
    before = _signature(demo_db)
    _one_line(_run(tmp_path, "--db", str(demo_db), "db", "upgrade", config=config), *expected)
    assert _signature(demo_db) == before


def test_refused_demo_migrates_nothing(tmp_path: Path, demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0005'")  # an older schema
    conn.close()
    before = _signature(demo_db)
    _one_line(_run(tmp_path, "--db", str(demo_db), "demo"), "refused", "--force")
    assert _signature(demo_db) == before


def test_import_incidents_into_an_empty_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    rows = tmp_path / "in.csv"
    rows.write_text("external_id,category,description,grid_code\nX-1,fire,火,G1\n", encoding="utf-8")
    _one_line(_run(tmp_path, "--db", str(empty), "import", "incidents", str(rows)),
              "no console schema")  # fmt: skip
    assert _signature(empty)[1] == ()  # no table was made
