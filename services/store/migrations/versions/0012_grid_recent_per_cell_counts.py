"""grid_recent: per-cell incident counts of the last 30 days, kept by the flush hook

The map's per-cell counts of a whole province scanned every incident of the province
(~130 ms at 109,000 cells); one counter row per cell reads in a third of that. The window
opens at the start of the 30-day wall window (CST day today - 29) and is backfilled here.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 18:00:00
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grid_recent",
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("community_code", sa.String(length=16), nullable=False),
        sa.Column("township_code", sa.String(length=16), nullable=False),
        sa.Column("county_code", sa.String(length=16), nullable=False),
        sa.Column("city_code", sa.String(length=16), nullable=False),
        sa.Column("province_code", sa.String(length=16), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("grid_id", "community_code", "township_code", "county_code",
                                "city_code", "province_code", name=op.f("pk_grid_recent")),
    )  # fmt: skip
    op.create_table(
        "grid_recent_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_recent_window")),
    )
    _backfill()


def _backfill() -> None:
    """Counters for the incidents already in the database (the rollup's own rules)."""
    from services.store import models, rollup

    start = rollup.grid_window_start_for(models.utcnow())
    cols = ("grid_id", "community_code", "province_code", "city_code", "county_code",
            "township_code", "reported_at", "resolved_at", "settled_level")  # fmt: skip
    incident = sa.table("incident", *(sa.column(c, sa.DateTime() if c.endswith("_at") else None)
                                      for c in cols))  # fmt: skip
    conn = op.get_bind()
    rows = [dict(r._mapping) for r in conn.execute(
        sa.select(incident).where(incident.c.reported_at >= rollup.utc_midnight(start))
    )]  # fmt: skip
    for row in rows:  # SQLite hands back text here: the table() above carries no types
        for key in ("reported_at", "resolved_at"):
            if isinstance(row[key], str):
                row[key] = datetime.fromisoformat(row[key])
    rollup.write_grid_window(conn, rows, start)


def downgrade() -> None:
    op.drop_table("grid_recent_window")
    op.drop_table("grid_recent")
