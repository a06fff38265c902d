"""The load harness (bench/load.py) against a real app server: it signs users in
through the real form and walks their pages without errors. No timing asserts."""

from __future__ import annotations

import os

import pytest

from bench import load
from data_access import db
from data_access.demo import create_load_accounts, parse_mix, seed_demo
from tests.load.conftest import start_app
from tests.servers import key_dir

PASSWORD = "load-pass-1"
MIX = parse_mix("employee=0.5,manager=0.3,pr=0.2")


RUSH_MIX = parse_mix("employee=1")
RUSH_USERS = 4


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("load")
    url = f"sqlite:///{workdir / 'load.db'}"
    engine = db.get_engine(url)
    db.upgrade(engine)
    with key_dir(workdir / "keys"), db.session_scope(engine) as session:
        seed_demo(session, "S", seed=5)
        create_load_accounts(session, 3, PASSWORD, MIX)
        # The rush's accounts: employees 4..7, never used by the walk test (which takes
        # load-employee-0001 and -0002), so that none has answered the open wave before.
        create_load_accounts(session, RUSH_USERS + 3, PASSWORD, RUSH_MIX)
    engine.dispose()
    server = start_app({"DATABASE_URL": url, "INTRANET_DATA_DIR": str(workdir),
                        "INTRANET_KEY_DIR": str(workdir / "keys"),
                        "INTRANET_COOKIE_KEY": os.urandom(32).hex(),
                        "INTRANET_BCRYPT_ROUNDS": "4"}, workdir)
    server.database_url = url
    yield server
    server.stop()


def test_three_users_sign_in_and_walk_their_pages_without_errors(demo_server):
    # One round each, whatever the machine's speed (the duration only bounds the run).
    config = load.Config(demo_server.url, users=3, duration=120, think=0.3, mix=MIX,
                         password=PASSWORD, timeout=60, rounds=1)
    report = load.run_sync(config)
    assert report.errors == {}, report.error_samples
    assert report.signed_in == 3
    assert report.interactions >= 3
    # Every role's first steps were taken: the feed, an opened item, and the results page
    # of the manager and the PR user (roles from the mix: employee, manager, pr).
    assert {"page:announcements", "open_item"} <= set(report.timings)
    assert report.rss["peak"] > 0  # the server's memory was read from /proc
    # The work users do: an urgent notice acknowledged, the open survey answered once each.
    assert len(report.timings["acknowledge"]) == 3
    assert report.submitted == 3 == len(report.timings["answer_survey"])


def test_a_survey_rush_stores_every_submission_once(demo_server, monkeypatch):
    # Users 4..7 of the employees-only accounts (1..3 may be the walk test's).
    names = load.load_usernames(RUSH_USERS + 3, RUSH_MIX)[3:]
    monkeypatch.setattr(load, "load_usernames", lambda count, mix: names[:count])
    config = load.Config(demo_server.url, users=RUSH_USERS, duration=120, think=0.2,
                         mix=RUSH_MIX, password=PASSWORD, ramp=2, timeout=60, rush=True,
                         database_url=demo_server.database_url)
    report = load.run_sync(config)
    assert report.errors == {}, report.error_samples
    assert report.rush_ok, report.database
    assert report.database[0].startswith(
        f"rush check (database): users {RUSH_USERS}, forms recorded {RUSH_USERS}, "
        f"submissions stored {RUSH_USERS}, participation rows {RUSH_USERS}, duplicates 0")


def test_idle_sessions_sign_in_and_then_send_nothing(demo_server):
    config = load.Config(demo_server.url, users=2, duration=4, think=0, mix=MIX,
                         password=PASSWORD, timeout=60, idle=True, linger=1)
    report = load.run_sync(config)
    assert report.errors == {}, report.error_samples
    assert (report.signed_in, report.interactions) == (2, 0)
    assert report.rss["after"] > 0


def test_the_rush_check_counts_a_lost_or_doubled_submission():
    report = load.Report(users=2, duration=1, submitted=2)
    before = {"pool": 10, "participation": 0, "participants": 0}
    lost = load.rush_check(before, {"pool": 11, "participation": 2, "participants": 2}, report)
    assert lost[0].endswith("NOT OK")
    fine = load.rush_check(before, {"pool": 12, "participation": 2, "participants": 2}, report)
    assert fine[0].endswith(": OK")
    report.error("timeout", "one session")
    assert load.rush_check(before, {"pool": 12, "participation": 2, "participants": 2},
                           report)[0].endswith("NOT OK")


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
