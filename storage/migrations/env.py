"""Alembic environment: the engine comes from storage.db (never from an ini file)."""

from alembic import context

from storage.schema import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic -x url=…` use: the shell alone reads VEILLEUR_DATABASE_URL, so the URL is given
    from storage.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("alembic : donnez l'adresse de la base, alembic -x url=postgresql+psycopg://… upgrade head "
                         "(veilleur met la base à jour lui-même à chaque commande)")
    engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
