"""intake service: api keys, sessions, intake records, attachments

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('incident_intake',
    sa.Column('incident_id', BigId, nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('caller', sa.String(length=64), nullable=False),
    sa.Column('located_by', sa.String(length=16), nullable=False),
    sa.Column('address_text', sa.String(length=200), nullable=False),
    sa.Column('match_status', sa.String(length=16), nullable=True),
    sa.Column('match_code', sa.String(length=16), nullable=True),
    sa.Column('match_names', sa.String(length=160), nullable=False),
    sa.Column('match_confidence', sa.Float(), nullable=True),
    sa.Column('match_reason', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['command_center.id'], name=op.f('fk_incident_intake_center_id_command_center')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_intake_incident_id_incident')),
    sa.PrimaryKeyConstraint('incident_id', name=op.f('pk_incident_intake')),
    sa.UniqueConstraint('center_id', 'source', 'external_id', name=op.f('uq_incident_intake_center_id')),
    )
    op.create_table('attachment',
    sa.Column('id', BigId, nullable=False),
    sa.Column('incident_id', BigId, nullable=False),
    sa.Column('township_code', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=128), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_attachment_incident_id_incident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('incident_id', 'sha256', name=op.f('uq_attachment_incident_id')),
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_incident_id'), ['incident_id'], unique=False)
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('rate_per_s', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('webhook_url', sa.String(length=512), nullable=False),
    sa.Column('webhook_after', sa.BigInteger(), nullable=False),
    sa.Column('webhook_failures', sa.Integer(), nullable=False),
    sa.Column('webhook_next_at', sa.DateTime(), nullable=True),
    sa.Column('webhook_last_error', sa.Text(), nullable=False),
    sa.Column('webhook_delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['center_id'], ['command_center.id'], name=op.f('fk_api_key_center_id_command_center')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('name', name=op.f('uq_api_key_name')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_key_prefix')),
    )
    op.create_table('api_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_session_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_session')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_session_prefix')),
    )
    with op.batch_alter_table('api_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('api_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_session_user_id'))
    op.drop_table('api_session')
    op.drop_table('api_key')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_incident_id'))
    op.drop_table('attachment')
    op.drop_table('incident_intake')
