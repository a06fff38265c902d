"""AppTest fixtures: the real entrypoint over a demo database on SQLite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access import db
from data_access.demo import seed_demo

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> str:
    """A demo municipality (scale S), built once per test run."""
    url = f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'demo.db'}"
    engine = db.get_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, "S", seed=7)
    return url


@pytest.fixture
def app_env(demo_database, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", demo_database)
    monkeypatch.setenv("INTRANET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTRANET_COOKIE_KEY", "test-only-key-" + os.urandom(16).hex())
    return demo_database


@pytest.fixture
def open_app(app_env):
    """open_app(username, page=None, locale=None) -> a run AppTest signed in as that user."""

    def _open(username: str | None, page: str | None = None, locale: str | None = None,
              timeout: float = 30) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        if username:
            at.session_state["authentication_status"] = True
            at.session_state["username"] = username
            at.session_state["name"] = username
        if locale:
            at.session_state["locale"] = locale
            at.session_state["locale_loaded"] = True
        at.run()
        if page:
            at.switch_page(str(ROOT / "pages" / page)).run()
        return at

    return _open
