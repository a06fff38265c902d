"""Every migration up and down, on a fresh SQLite file and a fresh PostgreSQL
database: the migrated schema equals the models, and nothing is left behind."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from data_access import db
from data_access.models import Base
from tests.conftest import IN_CI, PG_SERVER


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path) -> Iterator:
    """An engine on a brand-new, empty database of its own."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    name = f"peyvand_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {error}")
        pytest.skip(f"PostgreSQL not available: {error}")
    engine = db.make_engine(PG_SERVER.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False})
        return compare_metadata(context, Base.metadata)


def _current(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _revisions_oldest_first() -> list[str]:
    script = ScriptDirectory.from_config(db.alembic_config(None))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_migrations_form_one_line():
    script = ScriptDirectory.from_config(db.alembic_config(None))
    assert len(script.get_heads()) == 1, "two migration heads: merge them"
    assert len(script.get_bases()) == 1


def test_upgrade_matches_models_and_downgrade_removes_everything(empty_engine):
    assert _tables(empty_engine) == set()
    head = _revisions_oldest_first()[-1]

    db.upgrade(empty_engine)
    assert _current(empty_engine) == head
    assert set(Base.metadata.tables) <= _tables(empty_engine)
    assert _differences(empty_engine) == []

    db.downgrade(empty_engine, "base")
    assert _tables(empty_engine) - {"alembic_version"} == set()
    assert _current(empty_engine) is None

    db.upgrade(empty_engine)
    assert _current(empty_engine) == head
    assert _differences(empty_engine) == []


def test_each_migration_steps_up_and_down(empty_engine):
    """The stairway: every revision upgrades, downgrades to its predecessor and
    upgrades again, so each downgrade really undoes its own upgrade."""
    revisions = _revisions_oldest_first()
    previous = "base"
    for revision in revisions:
        db.upgrade(empty_engine, revision)
        tables_up = _tables(empty_engine)
        db.downgrade(empty_engine, previous)
        assert _current(empty_engine) == (None if previous == "base" else previous)
        db.upgrade(empty_engine, revision)
        assert _current(empty_engine) == revision
        assert _tables(empty_engine) == tables_up
        previous = revision
    assert _differences(empty_engine) == []


def test_upgrade_is_idempotent(empty_engine):
    db.upgrade(empty_engine)
    db.upgrade(empty_engine)
    assert _differences(empty_engine) == []


def test_migrated_foreign_keys_are_enforced(empty_engine):
    db.upgrade(empty_engine)
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (username, display_name, name_key, department_id, role, locale,"
            " active, password_hash, tokens_valid_after, created_at, updated_at)"
            " VALUES ('x', 'x', 'x', 424242, 'employee', 'fa', true, 'h',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))


def test_migrated_check_constraints_hold(empty_engine):
    db.upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO departments (name, name_key, active, created_at)"
                          " VALUES ('d', 'd', true, CURRENT_TIMESTAMP)"))
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (username, display_name, name_key, department_id, role, locale,"
            " active, password_hash, tokens_valid_after, created_at, updated_at)"
            " VALUES ('x', 'x', 'x', 1, 'root', 'fa', true, 'h',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))


# --- connection settings ------------------------------------------------------------

def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'nested' / 'pragmas.db'}")
    try:
        # Two connections at once: each new connection gets the settings.
        with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert (tmp_path / "nested" / "pragmas.db").exists()
    finally:
        engine.dispose()


def test_postgresql_engine_survives_a_dropped_connection(empty_engine):
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    assert empty_engine.pool._pre_ping
    with empty_engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    # As if the server restarted: the pooled connection is gone.
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid


@pytest.mark.parametrize(("setting", "size", "overflow"), [(None, 32, 8), ("12", 12, 3)])
def test_postgresql_pool_keeps_enough_connections_for_concurrent_sessions(
        monkeypatch, setting, size, overflow):
    # Connections beyond the pool are opened and closed per use (a server
    # process each time): the pool covers the sessions of one app process.
    if setting is None:
        monkeypatch.delenv("INTRANET_DB_POOL_SIZE", raising=False)
    else:
        monkeypatch.setenv("INTRANET_DB_POOL_SIZE", setting)
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    try:
        assert (engine.pool.size(), engine.pool._max_overflow) == (size, overflow)
    finally:
        engine.dispose()


def test_signin_throttle_migration_keeps_existing_accounts(empty_engine):
    """0005 drops the old lockout columns from a populated users table (which
    other tables reference) without losing or breaking the accounts."""
    db.upgrade(empty_engine, "0003_surveys")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO departments (name, name_key, active, created_at)"
                          " VALUES ('d', 'd', true, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO users (username, display_name, name_key, department_id, role, locale,"
            " active, password_hash, failed_attempts, locked_until, tokens_valid_after,"
            " created_at, updated_at) VALUES ('sara', 'Sara', 'sara', 1, 'admin', 'fa', true,"
            " 'h', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO audit_log (at, actor_id, action, entity)"
                          " VALUES (CURRENT_TIMESTAMP, 1, 'x', 'user')"))
    db.upgrade(empty_engine)
    assert _differences(empty_engine) == []
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT username, role FROM users")).all() == [("sara", "admin")]
        assert conn.execute(text("SELECT actor_id FROM audit_log")).scalar() == 1
    db.downgrade(empty_engine, "0003_surveys")
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT username, failed_attempts, locked_until FROM users")
                            ).all() == [("sara", 0, None)]


def test_action_items_migration_keeps_every_item(empty_engine):
    """0006 adds the version column to a populated action_items table: every item is
    kept as it was, at version 1, and going back down keeps them too."""
    db.upgrade(empty_engine, "0005_signin")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO departments (name, name_key, active, created_at)"
                          " VALUES ('d', 'd', true, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO users (username, display_name, name_key, department_id, role, locale,"
            " active, password_hash, tokens_valid_after, created_at, updated_at) VALUES"
            " ('sara', 'Sara', 'sara', 1, 'manager', 'fa', true, 'h', CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO action_items (title, owner_id, due_on, status, source, created_by,"
            " created_at, updated_at) VALUES ('follow up', 1, '2026-03-01', 'in_progress',"
            " 'survey', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    db.upgrade(empty_engine)
    assert _differences(empty_engine) == []
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT title, status, version FROM action_items")).all() == [
            ("follow up", "in_progress", 1)]
    db.downgrade(empty_engine, "0005_signin")
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT title, status FROM action_items")).all() == [
            ("follow up", "in_progress")]


def test_meetings_migration_keeps_every_action_item(empty_engine):
    """0007 rebuilds action_items (SQLite batch mode) to link items to meetings: every
    item is kept as it was, unlinked, and going back down keeps them too."""
    db.upgrade(empty_engine, "0006_action_items")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO departments (name, name_key, active, created_at)"
                          " VALUES ('d', 'd', true, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO users (username, display_name, name_key, department_id, role, locale,"
            " active, password_hash, tokens_valid_after, created_at, updated_at) VALUES"
            " ('sara', 'Sara', 'sara', 1, 'manager', 'fa', true, 'h', CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO action_items (title, owner_id, due_on, status, source, created_by,"
            " created_at, updated_at, version) VALUES ('follow up', 1, '2026-03-01', 'done',"
            " 'survey', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 3)"))
    db.upgrade(empty_engine)
    assert _differences(empty_engine) == []
    with empty_engine.connect() as conn:
        assert conn.execute(text(
            "SELECT title, status, version, source_meeting_id FROM action_items")).all() == [
            ("follow up", "done", 3, None)]
        # The built-in meeting types are there for a new installation.
        assert sorted(conn.execute(text("SELECT code FROM meeting_types")).scalars()) == [
            "committee", "department", "management", "staff"]
    db.downgrade(empty_engine, "0006_action_items")
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT title, status, version FROM action_items")).all() == [
            ("follow up", "done", 3)]
