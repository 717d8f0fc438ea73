"""Alembic environment: runs on the connection handed over by services.store.db."""

from __future__ import annotations

from alembic import context

from services.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via services.store.db.upgrade
    raise RuntimeError("run migrations through `python console.py db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
