"""What the console's about box says: its version and where its territory data comes from.

The text lives here (not in the view) so the README, the about box and its test say the
same thing; the view picks the language."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from services.territory.layout import ABOUT_TERRITORY, ABOUT_TERRITORY_EN

PACKAGE = "sgcc-console"
__all__ = ["ABOUT_TERRITORY", "ABOUT_TERRITORY_EN", "PACKAGE", "territory_note", "version"]


def version() -> str:
    """The console's version: the installed package's, else pyproject.toml's."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def territory_note(language: str) -> str:
    """Where the regions, names, codes and boundaries come from, in `language` (zh/en)."""
    return ABOUT_TERRITORY_EN if language.startswith("en") else ABOUT_TERRITORY
