"""The `cmap:` scheme's file lookups (pure: no page). A root reached through a symlink (a
`.venv` linked from elsewhere) must still serve its files (issue 14: a blank map)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapview import scheme


@pytest.fixture
def linked_leaflet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Leaflet directory whose parent is reached through a symlink, as a linked .venv."""
    real = tmp_path / "real-venv" / "js_lib_leaflet"
    real.mkdir(parents=True)
    (real / "leaflet.js").write_text("/* leaflet */", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not served", encoding="utf-8")
    (tmp_path / "venv").symlink_to(tmp_path / "real-venv", target_is_directory=True)
    linked = tmp_path / "venv" / "js_lib_leaflet"
    monkeypatch.setattr(scheme, "leaflet_dir", lambda: linked)
    return linked


def test_leaflet_is_served_through_a_symlinked_venv(linked_leaflet: Path) -> None:
    found = scheme.resolve("/leaflet/leaflet.js")
    assert found is not None
    mime, data = found
    assert (mime, data) == (b"application/javascript", b"/* leaflet */")


def test_a_symlinked_root_still_refuses_paths_that_leave_it(linked_leaflet: Path) -> None:
    assert scheme.resolve("/leaflet/../../secret.txt") is None
    assert scheme.resolve("/leaflet/missing.js") is None


def test_the_installed_leaflet_and_the_page_assets_are_found() -> None:
    for path in ("/leaflet/leaflet.js", "/leaflet/leaflet.css", "/static/mapview.js"):
        assert scheme.resolve(path) is not None, path
