"""A real intake server on a private copy of the small demo, per backend, per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from services.store import db
from tests.support.intake import IntakeServer, make_key

COUNTY = "330106"  # 西湖区
TOWN_A = "330106002"  # 北山街道
TOWN_B = "330106004"  # 西溪街道 (another township of the county)
OTHER_COUNTY = "330102"  # 上城区


@dataclass
class Live:
    server: IntakeServer
    engine: Engine
    url: str
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.server.base

    def client(self, who: str | None = None, **kw: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30, **kw)  # type: ignore[arg-type]


def _demo_copy(backend: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("demo_template")
        shutil.copy(template, tmp / "demo.db")
        return f"sqlite:///{tmp / 'demo.db'}"
    dbs = request.getfixturevalue("pg_databases")
    return str(dbs.new(template=request.getfixturevalue("pg_demo_template")))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A served demo with keys: the county's hotline, two neighbouring townships' field apps,
    another county's, a slow one (2/s) and one revoked."""
    tmp = tmp_path_factory.mktemp(f"intake-{request.param}")
    url = _demo_copy(request.param, request, tmp)
    engine = db.make_engine(url)
    tokens = {
        "county": make_key(engine, "hotline-xihu", COUNTY, ["hotline", "citizen_app", "video_alert"],
                           rate_per_s=1000),
        "town_a": make_key(engine, "field-a", TOWN_A, ["field_app"], rate_per_s=1000),
        "town_b": make_key(engine, "field-b", TOWN_B, ["field_app"], rate_per_s=1000),
        "other": make_key(engine, "hotline-shangcheng", OTHER_COUNTY, ["hotline"], rate_per_s=1000),
        "slow": make_key(engine, "slow", COUNTY, ["hotline"], rate_per_s=2),
    }
    server = IntakeServer(url, tmp / "data").start()
    try:
        yield Live(server, engine, url, tokens)
    finally:
        server.stop()
        engine.dispose()
