"""Opening the database and bringing its schema up to date (Alembic, from the first schema on)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from foundation.errors import InputError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets a report read while a campaign writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


# The first migrations, 0001 and five branches on top of it, were collapsed into one that builds the very
# same schema. A database they brought all the way carries exactly their heads: it only needs the new
# stamp, then upgrades like any other. One they left part-way has no path forward any more: it is
# refused untouched rather than guessed at.
OLD_HEADS = frozenset({"0002_outbox", "0003_evidence", "0004_indicators", "0005_monitoring", "0007_proposals"})
OLD_REVISIONS = OLD_HEADS | {"0001"}
COLLAPSED = "0008_collapsed_schema"


def _restamp_old_heads(engine: Engine) -> None:
    with engine.begin() as conn:
        found = set(MigrationContext.configure(conn).get_current_heads())
        if found == OLD_HEADS:
            conn.execute(text("DELETE FROM alembic_version"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:rev)"), {"rev": COLLAPSED})
        elif found & OLD_REVISIONS:
            raise InputError(
                f"{engine.url}: schema at old revisions {', '.join(sorted(found))}, part-way through the "
                f"migrations collapsed into {COLLAPSED}; bring it to {', '.join(sorted(OLD_HEADS))} with "
                "Veilleur at commit 07fd103 (the last with those migrations), then open it again"
            )


def upgrade(engine: Engine) -> None:
    _restamp_old_heads(engine)
    # "head", singular: the migrations are one line of history.
    command.upgrade(alembic_config(engine), "head")


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, migrate: bool = True) -> Database:
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
