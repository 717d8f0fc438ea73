"""conference remembers the video layout it took over

A conference seats its rooms in the free slots of the video wall, growing the layout only
when they do not fit; `layout_before` is the layout shown when it was convened, so ending
it brings that layout back exactly (the scene cameras of a response plan included).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conference", sa.Column("layout_before", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conference") as batch_op:
        batch_op.drop_column("layout_before")
