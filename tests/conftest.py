"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a small
organisation with one user per role.

PostgreSQL tests skip on a laptop without a server; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

os.environ.setdefault("INTRANET_BCRYPT_ROUNDS", "4")  # fast hashes in tests only
# CI machines are small and busy: no property test may fail on wall-clock time.
hypothesis_settings.register_profile("peyvand", deadline=None)
hypothesis_settings.load_profile("peyvand")
# Survey wave keys of this test run, never the checkout's own keys/ folder.
os.environ.setdefault("INTRANET_KEY_DIR", tempfile.mkdtemp(prefix="peyvand-test-keys-"))

from data_access import db  # noqa: E402
from data_access.models import AuditEntry, Base, Department, User  # noqa: E402
from data_access.permissions import Actor  # noqa: E402
from data_access.text import search_key  # noqa: E402
from data_access.users import hash_password, to_actor  # noqa: E402

PG_SERVER = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_PASSWORD = "correct-horse-1"


def _pg_database(request) -> str:
    """A database of this test run's own, dropped at the end."""
    name = f"peyvand_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {error}")
        pytest.skip(f"PostgreSQL not available: {error}")

    def drop() -> None:
        db.get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """A migrated, empty database URL, once per backend per test run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = _pg_database(request)
    db.upgrade(db.get_engine(url))
    return url


@pytest.fixture
def engine(database_url):
    engine = db.get_engine(database_url)
    yield engine
    _wipe(engine)


def _wipe(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.rollback()


def set_saved_locale(engine, username: str, locale: str | None) -> str | None:
    """Set (or, with None, only read) an account's saved language; returns it as it was
    (None for an unknown username, which is left alone)."""
    with db.session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            return None
        before = user.locale
        if locale is not None:
            user.locale = locale
    return before


def audit_entries(session: Session, action: str) -> list[AuditEntry]:
    """The audit log's entries for one action, oldest first."""
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.id)))


@dataclass
class Org:
    """A small municipality: root > (PR, Traffic > Traffic Control), one user per role."""

    root: int
    pr_dept: int
    traffic: int
    traffic_control: int
    admin: Actor
    pr: Actor
    manager: Actor
    employee: Actor
    outsider: Actor  # an employee in PR, outside the manager's subtree


def make_user(session: Session, username: str, department_id: int, role: str = "employee",
              display_name: str | None = None, password: str = TEST_PASSWORD) -> Actor:
    name = display_name or username
    user = User(username=username, display_name=name, name_key=search_key(name),
                department_id=department_id, role=role, locale="fa",
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return to_actor(user)


def make_department(session: Session, name: str, parent_id: int | None,
                    name_en: str | None = None) -> int:
    department = Department(name=name, name_en=name_en, name_key=search_key(name),
                            parent_id=parent_id)
    session.add(department)
    session.flush()
    return department.id


@pytest.fixture
def org(session) -> Org:
    root = make_department(session, "شهرداری", None, "Municipality")
    pr_dept = make_department(session, "روابط عمومی", root, "Public Relations")
    traffic = make_department(session, "ترافیک", root, "Traffic")
    control = make_department(session, "کنترل ترافیک", traffic, "Traffic Control")
    result = Org(
        root, pr_dept, traffic, control,
        admin=make_user(session, "admin", root, "admin"),
        pr=make_user(session, "pr", pr_dept, "pr"),
        manager=make_user(session, "manager", traffic, "manager"),
        employee=make_user(session, "employee", control, "employee"),
        outsider=make_user(session, "outsider", pr_dept, "employee"),
    )
    session.commit()
    return result
