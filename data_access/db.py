"""Engine, sessions and schema migration.

One engine per process and database URL. `DATABASE_URL` selects the
database; the default is an SQLite file under `data/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from data_access import config
from data_access.config import DEFAULT_SQLITE_PATH, ROOT  # noqa: F401 - re-exported

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    return config.database_url()


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while a writer commits; the busy timeout makes a
    # second writer wait instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    # pre_ping: a restarted PostgreSQL server must not break the app. Connections
    # are opened on demand and kept, up to the pool size; beyond it, overflow
    # connections are opened and closed per use, which costs the server a process
    # start each time, so the pool covers the sessions one app process serves at once.
    size = config.db_pool_size()
    return create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=size // 4)


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: DATABASE_URL as it is now)."""
    return _engine_for(url or database_url())


@cache
def _engine_for(url: str) -> Engine:
    return make_engine(url)


@cache
def _sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = _sessionmaker(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the app and `init-db` call this)."""
    from alembic import command

    command.upgrade(alembic_config(engine or get_engine()), revision)


def downgrade(engine: Engine | None = None, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(engine or get_engine()), revision)
