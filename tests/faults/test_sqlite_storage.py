"""SQLite on storage that refuses writes: a read-only database file, and a full disk (a
small tmpfs filled up). The real app (AppTest) still shows its pages; a write shows the
localised "cannot save right now" message, not a traceback; nothing is half-written and
the file passes PRAGMA integrity_check afterwards."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest

from dashboard.i18n import translate
from data_access import db
from data_access.models import User
from tests.conftest import make_department, make_user
from tests.servers import ROOT

APP = str(ROOT / "dashboard" / "app.py")


def make_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = db.get_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        root = make_department(session, "شهرداری", None, "Municipality")
        make_user(session, "employee", root, display_name="کارمند آزمون")
    return url


@contextlib.contextmanager
def read_only(path: Path):
    """The database file made read-only: chmod for a normal user; root ignores file modes,
    so as root the file is made immutable (chattr +i), which root's writes obey too."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        undo = ["chmod", "644", str(path)]
    else:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("this file system has no immutable flag (chattr +i)")
        undo = ["chattr", "-i", str(path)]
    try:
        yield
    finally:
        subprocess.run(undo, check=True)


@contextlib.contextmanager
def full_disk(folder: Path):
    """A 16 MB tmpfs at `folder`, to be filled up by the caller with `fill`."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk needs a small tmpfs, which only root can mount")
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                      capture_output=True).returncode:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield
    finally:
        db.get_engine(f"sqlite:///{folder / 'app.db'}").dispose()
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> None:
    """Write a filler file until the disk refuses another byte."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        for size in (65536, 4096, 1):  # down to the last byte
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC


def signed_in_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "employee"
    at.session_state["name"] = "employee"
    at.run()
    return at


def check_the_app(url: str) -> None:
    at = signed_in_app()
    assert not at.exception
    assert "کارمند آزمون" in [t.value for t in at.sidebar.text]  # reads work
    # A write: the language switch saves the choice to the account (run_write).
    at.button(key="language_sidebar").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("errors.database_read_only", "en")]
    at.run()  # the next page still shows
    assert not at.exception and "کارمند آزمون" in [t.value for t in at.sidebar.text]


def assert_intact(url: str) -> None:
    engine = db.get_engine(url)
    engine.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # nothing half-written: the language was not saved
        assert conn.scalar(select(User.locale).where(User.username == "employee")) == "fa"


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    monkeypatch.setenv("INTRANET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTRANET_COOKIE_KEY", "test-only-key-" + os.urandom(16).hex())
    return monkeypatch


def test_a_read_only_database_file_refuses_writes_with_a_message_and_keeps_serving_pages(
        tmp_path, app_env):
    path = tmp_path / "app.db"
    url = make_database(path)
    app_env.setenv("DATABASE_URL", url)
    db.get_engine(url).dispose()  # the app opens the file as it is now
    with read_only(path):
        check_the_app(url)
    assert_intact(url)


def test_a_full_disk_refuses_writes_with_a_message_and_keeps_serving_pages(tmp_path, app_env):
    folder = tmp_path / "small-disk"
    with full_disk(folder):
        url = make_database(folder / "app.db")
        app_env.setenv("DATABASE_URL", url)
        signed_in_app()  # the app is running, its connections open
        with db.get_engine(url).connect() as conn:  # an empty WAL: a write must grow it
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        fill(folder)
        check_the_app(url)
        (folder / "filler").unlink()
        assert_intact(url)
