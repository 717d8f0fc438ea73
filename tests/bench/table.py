"""Benchmark rows: one measured value against its target.

Every area (`db.`, `feed.`, `wall.`, `map.`, ...) contributes rows; `console.py bench`
prints them as a table or JSON.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class BenchRow:
    """One measure: `value` in `unit` compared with `target` (`lower_is_better` decides)."""

    measure: str
    value: float
    unit: str
    target: float
    lower_is_better: bool = True
    note: str = ""

    @property
    def met(self) -> bool:
        return self.value <= self.target if self.lower_is_better else self.value >= self.target

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["met"] = self.met
        return data


def format_table(rows: list[BenchRow]) -> str:
    """Render rows as a Markdown table (what the README shows)."""
    lines = ["| measure | value | unit | target | met | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        op = "≤" if r.lower_is_better else "≥"
        lines.append(
            f"| {r.measure} | {r.value:.4g} | {r.unit} | {op} {r.target:g} | "
            f"{'yes' if r.met else 'NO'} | {r.note} |"
        )
    return "\n".join(lines)


class ProgressRows(list[BenchRow]):
    """Rows that also print each one to stderr as it is measured, with the time and the
    load average: a long bench (the wall's takes minutes) shows what it has so far even if
    it is stopped before the table."""

    def append(self, row: BenchRow) -> None:
        super().append(row)
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        line = format_table([row]).splitlines()[-1]
        print(f"{time.strftime('%H:%M:%S')} load {load} {line}", file=sys.stderr, flush=True)
