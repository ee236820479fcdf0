"""Migrations: a database made by the migrations before their collapse opens like a fresh one, data kept.

The fixtures are dumps of such databases (tests/fixtures/schema_before_collapse.*.sql), made once with the
old migration files before they were replaced by one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, make_url, text

from foundation.errors import InputError
from storage.db import open_database
from storage.schema import Base

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD_HEADS = ["0002_outbox", "0003_evidence", "0004_indicators", "0005_monitoring", "0007_proposals"]


def load_old_database(url: str) -> None:
    """Fill an empty database from the dump of one the old migrations made, as they left it."""
    dialect = make_url(url).get_backend_name()
    script = (FIXTURES / f"schema_before_collapse.{dialect}.sql").read_text()
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        if dialect == "sqlite":
            raw.driver_connection.executescript(script)
        else:
            raw.cursor().execute(script)  # no parameters: psycopg sends the statements as one script
            raw.commit()
    finally:
        raw.close()
        engine.dispose()


def empty(url: str, engine: Engine) -> None:
    engine.dispose()
    if make_url(url).get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(make_url(url).database + suffix).unlink(missing_ok=True)
        return
    with create_engine(url).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def stamped(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.scalars(text("SELECT version_num FROM alembic_version")))


def schema_of(engine: Engine) -> dict:
    """Every table's columns (in order, with types and server defaults), keys, uniques, foreign keys, indexes
    (SQLite leaves some constraints unnamed: None, hence sorting by repr)."""
    found = inspect(engine)

    def table(name: str) -> tuple:
        return (
            [(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in found.get_columns(name)],
            found.get_pk_constraint(name)["constrained_columns"],
            sorted(((u["name"], u["column_names"]) for u in found.get_unique_constraints(name)), key=repr),
            sorted(((f["name"], f["constrained_columns"], f["referred_table"], f["referred_columns"])
                    for f in found.get_foreign_keys(name)), key=repr),
            sorted(((i["name"], i["column_names"], i["unique"]) for i in found.get_indexes(name)), key=repr),
        )

    return {name: table(name) for name in found.get_table_names()}


def test_a_database_made_by_the_old_migrations_ends_at_the_same_head_as_a_fresh_one_with_its_data_kept(database_url):
    fresh = open_database(database_url)
    fresh_head, fresh_schema = stamped(fresh.engine), schema_of(fresh.engine)
    empty(database_url, fresh.engine)

    load_old_database(database_url)
    loaded = create_engine(database_url)
    assert stamped(loaded) == OLD_HEADS
    loaded.dispose()
    for _ in range(2):  # re-stamped the first time, then already up to date
        old = open_database(database_url)
        assert stamped(old.engine) == fresh_head and len(fresh_head) == 1
        assert schema_of(old.engine) == fresh_schema
        with old.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        old.close()

    old = open_database(database_url)
    with old.engine.begin() as conn:
        assert conn.execute(text("SELECT name FROM ministries")).all() == [("Ministère de l'Exemple",)]
        # has_account and fc_level_required were filled by the old migrations' server defaults
        assert conn.execute(text("SELECT id, ministry_id, has_account, fc_level_required FROM services")).all() \
            == [("s1", "m1", True, "franceconnect")]
        assert conn.execute(text("SELECT id, kind, status FROM campaigns")).all() == [(1, "full", "done")]
        assert conn.execute(text("SELECT id, campaign_id, service_id, attempts FROM service_runs")).all() \
            == [(1, 1, "s1", 1)]
        # ids go on from the old rows (PostgreSQL's sequences came with them)
        conn.execute(text("INSERT INTO campaigns (status, trigger, started_at, settings) "
                          "VALUES ('running', 'manual', CURRENT_TIMESTAMP, '{}')"))
        assert conn.scalar(text("SELECT max(id) FROM campaigns")) == 2
    old.close()


def test_a_database_left_part_way_through_the_old_migrations_is_refused_untouched(database_url):
    load_old_database(database_url)
    engine = create_engine(database_url)
    with engine.begin() as conn:  # as 0007_proposals had not run yet
        conn.execute(text("DROP TABLE proposals"))
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0007_proposals'"))
    before = stamped(engine), schema_of(engine)

    with pytest.raises(InputError) as refused:
        open_database(database_url)
    message = str(refused.value)
    assert message.startswith(f"{make_url(database_url)}: ")
    assert "0002_outbox, 0003_evidence, 0004_indicators, 0005_monitoring" in message
    assert (stamped(engine), schema_of(engine)) == before
    engine.dispose()
