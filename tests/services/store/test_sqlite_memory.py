"""SQLite connections keep a bounded page cache (the soak's memory growth, issue 18)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from services.store.db import SQLITE_CACHE_KIB, make_engine


def test_every_pooled_sqlite_connection_has_the_bounded_page_cache(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with engine.connect() as a, engine.connect() as b:  # two pooled connections
            sizes = [c.execute(text("PRAGMA cache_size")).scalar() for c in (a, b)]
    finally:
        engine.dispose()
    assert sizes == [-SQLITE_CACHE_KIB, -SQLITE_CACHE_KIB]
    assert SQLITE_CACHE_KIB < 2000  # below SQLite's default, which let the pool grow ~30 MB
