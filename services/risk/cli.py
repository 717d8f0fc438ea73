"""Command-line use cases for console.py: `index compute`, `risk run` and `import alerts`.

Each returns (exit code, lines to print); console.py only parses arguments and prints.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from services import risk
from services.errors import Refused
from services.risk import safety_index
from services.store import models
from services.territory.importer import ImportRejected


def index_compute(
    engine: Engine, month: str | None = None, raw_config: Mapping[str, Any] | None = None,
    scope: str | None = None,
) -> tuple[int, list[str]]:  # fmt: skip
    """`console.py index compute [--month 2026-11] [--region CODE]`: compute and store."""
    try:
        params = safety_index.IndexParams.from_config((raw_config or {}).get("safety_index"))
        now = models.utcnow()
        m = safety_index.parse_month(month) if month else safety_index.month_of(now)
        t0 = time.perf_counter()
        result = safety_index.compute_month(engine, m, now=now, params=params, scope=scope)
    except Refused as exc:
        return 2, [exc.message]
    took = time.perf_counter() - t0
    return 0, [f"safety index {m:%Y-%m}: {result.regions} regions in {took:.2f} s"]


def risk_run(engine: Engine, raw_config: Mapping[str, Any] | None = None,
             scope: str | None = None) -> tuple[int, list[str]]:  # fmt: skip
    """`console.py risk run [--region CODE]`: run the rules once."""
    try:
        params = risk.RiskParams.from_config((raw_config or {}).get("risk"))
        ids = risk.run_rules(engine, scope=scope, params=params)
    except Refused as exc:
        return 2, [exc.message]
    return 0, [f"risk rules: {len(ids)} new alert(s)"]


def import_alerts(engine: Engine, path: str) -> tuple[int, list[str]]:
    """`console.py import alerts FILE.csv|FILE.jsonl`: all or nothing, problems by line."""
    try:
        result = risk.import_alerts(engine, path)
    except ImportRejected as exc:
        return 1, [f"{path}: nothing imported, {len(exc.problems)} problem(s):", *exc.problems]
    return 0, [f"{path}: {result.added} alert(s) imported, {result.skipped} already there"]
