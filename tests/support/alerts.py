"""A risk alert row as the alert board hands it to the wall (for widget tests)."""

from __future__ import annotations

from datetime import datetime

from services.risk.queries import AlertRow

RAISED = datetime(2026, 12, 2, 1, 0)


def alert_row(k: int, status: str = "open", raised_at: datetime = RAISED) -> AlertRow:
    """Alert `k`: a red repeated-dispute alert in 北山街道 raised at `raised_at`."""
    return AlertRow(id=k, domain="dispute", level="red", status=status, rule="repeat_dispute",
                    source="rule", text=f"网格 3301060010{k:02d} 7 天内重复矛盾纠纷",
                    raised_at=raised_at, place_name="北山街道", grid_id=None, grid_code=None,
                    township_code="330106002", county_code="330106", lon=None, lat=None,
                    acknowledged_at=None, acknowledged_by=None, version=1)  # fmt: skip
