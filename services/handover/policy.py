"""The handover's rules that a center configures (`[handover]` in the config file)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from services.errors import InvalidInput

MAX_SUBMIT_WINDOW_MINUTES = 240.0


@dataclass(frozen=True)
class HandoverPolicy:
    """`submit_window_minutes`: how long before its end the outgoing officer may submit a
    shift's handover (30: the last half hour; 0: only once it has ended). The report is
    frozen when it is submitted, so it covers the shift up to that moment."""

    submit_window_minutes: float = 30.0

    @property
    def submit_window(self) -> timedelta:
        return timedelta(minutes=self.submit_window_minutes)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any] | None) -> HandoverPolicy:
        """From the `[handover]` table; refuses a window that is not 0–240 minutes."""
        table = dict(raw or {})
        unknown = sorted(set(table) - {"submit_window_minutes"})
        if unknown:
            raise InvalidInput(f"[handover] has unknown settings: {', '.join(unknown)}",
                               code="config")  # fmt: skip
        value = table.get("submit_window_minutes", cls.submit_window_minutes)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput("[handover] submit_window_minutes must be a number of minutes",
                               code="config")  # fmt: skip
        if not 0 <= float(value) <= MAX_SUBMIT_WINDOW_MINUTES:
            raise InvalidInput(
                f"[handover] submit_window_minutes must be 0–{MAX_SUBMIT_WINDOW_MINUTES:g}",
                code="config",
            )
        return cls(float(value))
