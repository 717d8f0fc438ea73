"""covering indexes for a large wall's re-read: open incidents by grid, daily counters by child

A province wall re-reads after each burst of changes. On SQLite (10,000 cells) two of its
reads walked an index and looked every row up in the table: the map's open and overdue
cells (every incident of the province, ~50 ms, for its tenth that is open) and the 30-day
counters summed per child (~17 ms). A partial index of the open incidents per coarse level,
and a covering index of the daily counters per level and child, answer them alone
(~2 ms and ~6 ms).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LEVELS = ("province", "city", "county")
DAILY = (("province", "city"), ("city", "county"), ("county", "township"))
SUMMED = ["day", "reported", "resolved", "settled_low", "resolved_on"]


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        for level in LEVELS:
            batch_op.create_index(
                f"ix_incident_open_{level}_grid", [f"{level}_code", "grid_id", "resolve_deadline"],
                unique=False, sqlite_where=sa.text("is_open = 1"), postgresql_where=sa.text("is_open"),
            )  # fmt: skip
    with op.batch_alter_table("incident_daily", schema=None) as batch_op:
        for level, child in DAILY:
            batch_op.create_index(f"ix_incident_daily_{level}_{child}",
                                  [f"{level}_code", f"{child}_code", *SUMMED], unique=False)  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("incident_daily", schema=None) as batch_op:
        for level, child in DAILY:
            batch_op.drop_index(f"ix_incident_daily_{level}_{child}")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        for level in LEVELS:
            batch_op.drop_index(f"ix_incident_open_{level}_grid")
