"""Two app replicas behind the shipped nginx site, on PostgreSQL: a user deactivated while
signed in on both replicas in 20 tabs, and a replica killed (SIGKILL) while people
answer the open survey and acknowledge an urgent notice. Nothing is lost or written
twice, and the people of the killed replica come back signed in through the other."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import select

from bench import load
from data_access import db, users
from data_access.demo import load_usernames
from data_access.models import User
from data_access.users import to_actor
from tests.conftest import IN_CI
from tests.faults.conftest import (
    ACCOUNTS,
    EMPLOYEES,
    acknowledged,
    answer_survey,
    app_env,
    click,
    open_wave_id,
    participants,
    resume,
    shared_pg_database,
    sign_in,
    signed_in,
    survey_rows,
    urgent_ack_item,
)
from tests.servers import require_nginx, start_app, start_proxy

pytestmark = pytest.mark.postgres

WRITERS = 8  # people answering and acknowledging while a replica dies
TABS = 20
assert ACCOUNTS >= WRITERS + 1  # the last one opens 20 tabs and is deactivated


@pytest.fixture(scope="module")
def installation(tmp_path_factory, pg_template):
    require_nginx(IN_CI)
    workdir = tmp_path_factory.mktemp("replica-faults")
    url, drop = shared_pg_database(template=pg_template)
    env = app_env(url, workdir, os.urandom(32).hex())
    replicas = [start_app(env, workdir) for _ in range(2)]
    proxy = start_proxy(replicas)
    yield proxy, db.get_engine(url)
    proxy.stop()
    for replica in replicas:
        if replica.process.poll() is None:
            replica.kill()  # nothing left to lose: the test is over
    drop()


def test_a_user_deactivated_while_signed_in_in_20_tabs_on_two_replicas_is_refused_on_each(
        installation):
    proxy, engine = installation
    username = load_usernames(ACCOUNTS, EMPLOYEES)[-1][0]
    direct = [replica.url for replica in proxy.replicas]

    async def scenario() -> list[bool]:
        # Tabs opened straight at each replica: 10 on each, all signed in.
        tabs = await asyncio.gather(*(sign_in(direct[i % 2], username) for i in range(TABS)))
        assert all(signed_in(tab) for tab in tabs)
        with db.session_scope(engine) as session:
            admin = to_actor(session.scalar(select(User).where(User.username == "admin")))
            user_id = session.scalar(select(User.id).where(User.username == username))
            users.set_active(session, admin, user_id, False)
        try:
            await asyncio.gather(*(tab.interact() for tab in tabs))  # each tab's next rerun
            return [signed_in(tab) for tab in tabs]
        finally:
            await asyncio.gather(*(tab.close() for tab in tabs))

    still_in = load.run_coroutine(scenario())
    assert still_in == [False] * TABS


def test_a_replica_killed_during_writes_loses_nothing_and_its_users_come_back_signed_in(
        installation):
    proxy, engine = installation
    wave_id, item_id = open_wave_id(engine), urgent_ack_item(engine)
    assert wave_id and item_id
    writers = [name for name, _ in load_usernames(WRITERS, EMPLOYEES)]
    outcome: dict[str, dict[str, str]] = {name: {} for name in writers}
    killed: dict[str, str] = {}

    async def scenario():
        sessions = await asyncio.gather(*(sign_in(proxy.url, name) for name in writers))
        assert all(signed_in(s) for s in sessions)
        on = {s.replica for s in sessions}
        # The replica to kill: the one serving the first person (nginx chose it).
        victim = next(r for r in proxy.replicas if sessions[0].replica.endswith(f":{r.port}"))
        killed["replica"] = f"127.0.0.1:{victim.port}"
        submitting = asyncio.Event()
        victims = [s for s in sessions if s.replica == killed["replica"]]

        async def write(name: str, session: load.Session) -> None:
            mine = submitting.set if session in victims else None
            for step, action in (("ack", lambda: click(session, f"banner_ack_{item_id}")),
                                 ("survey", lambda: answer_survey(session, wave_id, mine))):
                try:
                    result = await action()
                except load.SessionError as error:
                    outcome[name][step] = error.kind
                    return
                outcome[name][step] = ("refused" if result.error_alerts or result.exceptions
                                       else "ok")

        async def kill() -> None:
            await submitting.wait()  # someone on the victim replica is submitting now
            await asyncio.to_thread(victim.kill)

        await asyncio.gather(kill(), *(write(n, s) for n, s in zip(writers, sessions,
                                                                   strict=True)))
        # Everyone of the killed replica opens the app again through nginx.
        back = await asyncio.gather(*(resume(s, proxy.url) for s in victims))
        try:
            return on, victims, back, sessions
        finally:
            await asyncio.gather(*(s.close() for s in (*sessions, *back)))

    on, victims, back, sessions = load.run_coroutine(scenario())
    print("outcomes:", outcome, "killed:", killed)
    assert len(victims) >= 1
    # Every write either committed exactly once or its client saw it fail.
    rows = survey_rows(engine, wave_id)
    assert rows["participation"] == rows["people"] == rows["pool"], rows
    answered = participants(engine, wave_id)
    acks = acknowledged(engine, item_id)
    assert len(acks) == len(set(acks))
    for name in writers:
        if outcome[name].get("survey") == "ok":
            assert name in answered, (name, outcome[name])
        if outcome[name].get("ack") == "ok":
            assert name in acks, (name, outcome[name])
    survivor_people = [n for n, s in zip(writers, sessions, strict=True)
                       if s.replica != killed["replica"]]
    assert all(outcome[n] == {"ack": "ok", "survey": "ok"} for n in survivor_people), outcome
    # The killed replica's people: back on the other replica, signed in by their cookie.
    assert all(signed_in(s) for s in back)
    assert all(s.replica and s.replica != killed["replica"] for s in back)
    assert {s.replica for s in back} <= on | {s.replica for s in back}


def test_after_the_kill_each_person_can_still_answer_exactly_once(installation):
    """Those whose submission died with the replica answer again; those whose submission
    committed are told they already answered: one participation each."""
    proxy, engine = installation
    wave_id = open_wave_id(engine)
    writers = [name for name, _ in load_usernames(WRITERS, EMPLOYEES)]

    async def scenario():
        sessions = await asyncio.gather(*(sign_in(proxy.url, name) for name in writers))
        try:
            for session in sessions:
                await session.visit("surveys")
                if f"-answer_{wave_id}" in " ".join(session.last.elements):
                    await answer_survey(session, wave_id)
        finally:
            await asyncio.gather(*(s.close() for s in sessions))

    load.run_coroutine(scenario())
    rows = survey_rows(engine, wave_id)
    assert participants(engine, wave_id) >= set(writers)
    assert rows["participation"] == rows["people"] == rows["pool"], rows


