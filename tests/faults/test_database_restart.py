"""PostgreSQL stopped and started under a running app (a private cluster of this test run,
never the shared server): while it is down, pages say "try again in a moment" in the
user's language; once it is back the same app process serves pages again; nothing is
half-written. `python -m dashboard check --quick`, the health check for monitoring,
fails while it is down, and so does the app's own `/api/health` route (503), without
telling the caller where the database is."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from bench import load
from dashboard.i18n import translate
from data_access import db
from data_access.demo import load_usernames
from tests.conftest import PG_SERVER
from tests.faults.conftest import (
    EMPLOYEES,
    answer_survey,
    app_env,
    open_wave_id,
    participants,
    sign_in,
    signed_in,
    survey_rows,
    wait_until,
)
from tests.servers import ROOT, start_app

pytestmark = pytest.mark.postgres
USERS = 4


@pytest.fixture(scope="module")
def app_on_private_cluster(private_cluster, tmp_path_factory, pg_template):
    workdir = tmp_path_factory.mktemp("pg-restart")
    url = private_cluster.database("peyvand", copy_of=PG_SERVER.rsplit("/", 1)[0] +
                                   f"/{pg_template}")
    env = app_env(url, workdir, os.urandom(32).hex())
    server = start_app(env, workdir)
    yield private_cluster, server, env, db.get_engine(url)
    server.kill()  # nothing left to lose: the test is over
    db.get_engine(url).dispose()


def quick_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", "check", "--quick"], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


def health_route(server) -> tuple[int, dict, str]:
    """GET the app's /api/health: (status, body, raw text)."""
    try:
        with urllib.request.urlopen(f"{server.url}/api/health", timeout=30) as response:
            raw = response.read().decode()
            return response.status, json.loads(raw), raw
    except urllib.error.HTTPError as error:
        raw = error.read().decode()
        return error.code, json.loads(raw), raw


def test_the_health_check_fails_while_the_database_is_down(app_on_private_cluster):
    cluster, server, env, engine = app_on_private_cluster
    up = quick_check(env)
    assert up.returncode == 0, up.stdout + up.stderr
    assert "ok   database" in up.stdout
    assert health_route(server)[:2] == (200, {"status": "ok", "checks": {
        "database": "ok", "migrations": "ok"}})
    cluster.stop()
    try:
        down = quick_check(env)
        route_down = health_route(server)
    finally:
        cluster.start()
    assert down.returncode == 1
    assert "FAIL database: unreachable" in down.stdout
    status, body, raw = route_down
    assert (status, body) == (503, {"status": "fail", "checks": {"database": "FAIL"}})
    assert str(engine.url.port) not in raw and "unreachable" not in raw
    assert wait_until(lambda: health_route(server)[0] == 200, seconds=30)


def test_a_restart_under_load_shows_try_again_then_recovers_without_restarting_the_app(
        app_on_private_cluster):
    cluster, server, _, engine = app_on_private_cluster
    wave_id = open_wave_id(engine)
    names = [name for name, _ in load_usernames(USERS, EMPLOYEES)]
    unavailable = translate("errors.database_unavailable", "fa")
    pid = server.process.pid

    async def scenario():
        sessions = await asyncio.gather(*(sign_in(server.url, name) for name in names))
        assert all(signed_in(s) for s in sessions)
        # People submit their answers while the server goes down (fast shutdown: open
        # transactions are rolled back and connections cut).
        writes = [asyncio.create_task(answer_survey(s, wave_id)) for s in sessions]
        await asyncio.sleep(0.3)
        await asyncio.to_thread(cluster.stop)
        results = await asyncio.gather(*writes, return_exceptions=True)
        # Each person clicks to another page while it is down (not `visit`, which insists
        # on arriving there).
        while_down = await asyncio.gather(
            *(s.interact(page_hash=s.pages["announcements"]) for s in sessions),
            return_exceptions=True)
        await asyncio.to_thread(cluster.start)
        # Back: the next click of each person works again, in the same app process.
        async def until_served(session: load.Session) -> bool:
            for _ in range(60):
                outcome = await session.interact()
                if not outcome.error_alerts and signed_in(session):
                    return True
                await asyncio.sleep(0.5)
            return False

        recovered = await asyncio.gather(*(until_served(s) for s in sessions))
        await asyncio.gather(*(s.close() for s in sessions))
        return results, while_down, recovered

    results, while_down, recovered = load.run_coroutine(scenario())
    for outcome in while_down:
        assert isinstance(outcome, load.Outcome), outcome
        assert outcome.exceptions == []  # not a traceback, not Streamlit's error page
        assert outcome.error_alerts == [unavailable]
    assert recovered == [True] * USERS
    assert server.process.poll() is None and server.process.pid == pid
    rows = wait_until(lambda: survey_rows(engine, wave_id))
    assert rows["participation"] == rows["people"] == rows["pool"], rows
    answered = participants(engine, wave_id)
    for name, result in zip(names, results, strict=True):
        if isinstance(result, load.Outcome) and not (result.error_alerts or result.exceptions):
            assert name in answered, (name, result)  # the client saw it go through
