"""The load harness (bench/load.py) against a real app server: it signs users in
through the real form and walks their pages without errors. No timing asserts."""

from __future__ import annotations

import os

import pytest

from bench import load
from data_access import db
from data_access.demo import create_load_accounts, parse_mix, seed_demo
from tests.load.conftest import start_app

PASSWORD = "load-pass-1"
MIX = parse_mix("employee=0.5,manager=0.3,pr=0.2")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("load")
    url = f"sqlite:///{workdir / 'load.db'}"
    engine = db.get_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, "S", seed=5)
        create_load_accounts(session, 3, PASSWORD, MIX)
    engine.dispose()
    server = start_app({"DATABASE_URL": url, "INTRANET_DATA_DIR": str(workdir),
                        "INTRANET_KEY_DIR": str(workdir / "keys"),
                        "INTRANET_COOKIE_KEY": os.urandom(32).hex(),
                        "INTRANET_BCRYPT_ROUNDS": "4"}, workdir)
    yield server
    server.stop()


def test_three_users_sign_in_and_walk_their_pages_without_errors(demo_server):
    config = load.Config(demo_server.url, users=3, duration=8, think=0.3, mix=MIX,
                         password=PASSWORD, timeout=60)
    report = load.run_sync(config)
    assert report.errors == {}, report.error_samples
    assert report.signed_in == 3
    assert report.interactions >= 3
    # Every role's first steps were taken: the feed, an opened item, and the results page
    # of the manager and the PR user (roles from the mix: employee, manager, pr).
    assert {"page:announcements", "open_item"} <= set(report.timings)
    assert report.rss["peak"] > 0  # the server's memory was read from /proc


def test_a_wrong_password_is_reported_as_an_error_not_a_success(demo_server):
    config = load.Config(demo_server.url, users=1, duration=3, think=0.1, mix=MIX,
                         password="not-the-password", timeout=60)
    report = load.run_sync(config)
    assert report.signed_in == 0
    assert report.errors == {"sign_in_refused": 1}


@pytest.mark.parametrize("url", ["http://10.0.0.5:8501", "http://example.org",
                                 "ftp://127.0.0.1:8501"])
def test_only_this_machine_is_a_target(url):
    with pytest.raises(ValueError, match="127.0.0.1"):
        load.check_target(load.Config(url, 1, 10, 1, MIX, PASSWORD))


@pytest.mark.parametrize(("users", "duration"), [(0, 10), (load.MAX_USERS + 1, 10), (1, 0),
                                                 (1, load.MAX_DURATION + 1)])
def test_runs_are_bounded_in_count_and_time(users, duration):
    with pytest.raises(ValueError):
        load.check_target(load.Config("http://127.0.0.1:8501", users, duration, 1, MIX, PASSWORD))
