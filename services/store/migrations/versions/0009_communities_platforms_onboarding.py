"""community level, township platforms, onboarding keys

Grid cells and incidents carry their community's code (村/社区, the level between township
and grid) so a community's counts are an indexed equality like every other level's;
departments and incidents carry the township platform (基层治理四平台); staff get the
center's staff number (how imported rosters name officers) and cameras their GB/T 28181
device id and the region they are registered to.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EMPTY = sa.text("''")


def upgrade() -> None:
    # Plain ADD COLUMN with a constant default: no table copy on SQLite (incident is big).
    op.add_column("incident", sa.Column("community_code", sa.String(16), nullable=False, server_default=EMPTY))
    op.add_column("incident", sa.Column("platform", sa.String(16), nullable=False, server_default=EMPTY))
    op.create_index("ix_incident_community_reported", "incident", ["community_code", "reported_at"])
    op.create_index("ix_incident_community_grid", "incident", ["community_code", "grid_id", "reported_at"])
    op.add_column("grid_cell", sa.Column("community_code", sa.String(16), nullable=False, server_default=EMPTY))
    op.create_index(op.f("ix_grid_cell_community_code"), "grid_cell", ["community_code"])
    op.add_column("department", sa.Column("platform", sa.String(16), nullable=False, server_default=EMPTY))
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_staff_code"), ["code"])
    with op.batch_alter_table("camera") as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("device_id", sa.String(20), nullable=True))
        batch_op.create_index(batch_op.f("ix_camera_region_id"), ["region_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_camera_device_id"), ["device_id"])
        batch_op.create_foreign_key(batch_op.f("fk_camera_region_id_region"), "region", ["region_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("camera") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_camera_region_id_region"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_camera_device_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_camera_region_id"))
        batch_op.drop_column("device_id")
        batch_op.drop_column("region_id")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_staff_code"), type_="unique")
        batch_op.drop_column("code")
    with op.batch_alter_table("department") as batch_op:
        batch_op.drop_column("platform")
    with op.batch_alter_table("grid_cell") as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_cell_community_code"))
        batch_op.drop_column("community_code")
    with op.batch_alter_table("incident") as batch_op:
        batch_op.drop_index("ix_incident_community_grid")
        batch_op.drop_index("ix_incident_community_reported")
        batch_op.drop_column("platform")
        batch_op.drop_column("community_code")
