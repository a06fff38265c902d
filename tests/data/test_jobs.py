"""Periodic jobs run once across replicas: the survey clock under a job lock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from data_access import jobs
from data_access.models.surveys import SurveyWave
from tests.data.survey_helpers import T0, open_survey

DUE = T0 + timedelta(days=14)  # a biweekly pulse: wave 1 closed, wave 2 due


def _waves(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(SurveyWave))


def test_replicas_racing_open_a_due_wave_once_and_none_fails(engine, session, org):
    open_survey(session, org.pr, cadence="biweekly")
    replicas = 6
    start = threading.Barrier(replicas)
    ticks, failures = [], []

    def replica() -> None:
        start.wait()
        try:
            ticks.append(jobs.run_survey_clock(engine, now=DUE))
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            failures.append(repr(error))

    threads = [threading.Thread(target=replica) for _ in range(replicas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert len(ticks) == replicas
    assert sum(len(tick.opened) for tick in ticks if tick) == 1
    assert sum(len(tick.closed) for tick in ticks if tick) == 1
    assert _waves(engine) == 2


def test_while_another_replica_runs_the_clock_this_one_does_nothing(engine, session, org):
    if engine.dialect.name != "postgresql":
        pytest.skip("the job lock is PostgreSQL's advisory lock; SQLite is one machine")
    open_survey(session, org.pr, cadence="biweekly")
    with engine.connect() as other_replica:
        with other_replica.begin():
            assert other_replica.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                        {"key": jobs.lock_key(jobs.SURVEY_CLOCK)})
            assert jobs.run_survey_clock(engine, now=DUE) is None
            assert _waves(engine) == 1
        # Its transaction ended (commit, rollback or a killed process): the lock is free.
    tick = jobs.run_survey_clock(engine, now=DUE)
    assert tick is not None and len(tick.opened) == 1 and len(tick.closed) == 1
    assert _waves(engine) == 2
