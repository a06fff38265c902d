"""Which database errors the pages explain as "try again" / "cannot save right now"
(dashboard.ui.database_trouble); any other error stays an unexpected one."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import exc

from dashboard.ui import database_trouble


def wrapped(kind, original):
    return kind("SELECT 1", {}, original)


@pytest.mark.parametrize(("error", "key"), [
    (wrapped(exc.OperationalError, psycopg.OperationalError("connection refused")),
     "errors.database_unavailable"),
    (wrapped(exc.OperationalError, psycopg.errors.AdminShutdown("terminating connection")),
     "errors.database_unavailable"),
    (wrapped(exc.OperationalError, psycopg.errors.DiskFull("could not extend file")),
     "errors.database_read_only"),
    (exc.TimeoutError("QueuePool limit reached"), "errors.database_unavailable"),
    (wrapped(exc.OperationalError, sqlite3.OperationalError("attempt to write a readonly "
                                                            "database")),
     "errors.database_read_only"),
    (wrapped(exc.OperationalError, sqlite3.OperationalError("database or disk is full")),
     "errors.database_read_only"),
    (wrapped(exc.OperationalError, sqlite3.OperationalError("database is locked")),
     "errors.database_unavailable"),
    # Not the database's state: bugs and refused rows stay "unexpected" (with a reference).
    (wrapped(exc.OperationalError, sqlite3.OperationalError("no such table: users")), None),
    (wrapped(exc.IntegrityError, psycopg.errors.UniqueViolation("duplicate key")), None),
    (wrapped(exc.IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed")), None),
    (ValueError("not a database error"), None),
])
def test_database_trouble_names_the_message_for_errors_of_the_database_state(error, key):
    assert database_trouble(error) == key
