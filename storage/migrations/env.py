"""Alembic environment: the engine comes from storage.db (never from an ini file)."""

from alembic import context

from storage.schema import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` CLI use: build the engine from the project's configuration
    from storage.db import make_engine
    from storage.stores import database_url

    engine = make_engine(database_url())

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
