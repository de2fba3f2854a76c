"""Alembic environment: the URL and connection come from pipdocs.web.db.migrate."""

from __future__ import annotations

from alembic import context

from pipdocs.web.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` command line, for making new revisions
    from sqlalchemy import create_engine

    with create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://").connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
