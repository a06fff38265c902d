"""Builders shared by the survey data tests: people to answer, a survey, answers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import surveys
from data_access.models.surveys import SurveyWave
from data_access.permissions import Actor
from tests.conftest import make_user

# A fixed clock: Tuesday 1 Mehr 1404, 09:30 in Tehran.
T0 = datetime(2025, 9, 23, 6, 0, tzinfo=UTC)
LIKERT_CODES = ("bel_01", "sat_01", "rec_01", "mgr_01")


def add_people(session: Session, department_id: int, count: int, prefix: str) -> list[Actor]:
    people = [make_user(session, f"{prefix}{i:03d}", department_id) for i in range(count)]
    session.commit()
    return people


def draft(**changes) -> surveys.SurveyDraft:
    values = dict(
        title_fa="نظرسنجی آزمایشی", title_en="Test pulse",
        opens_at=T0, closes_at=T0 + timedelta(days=7),
        bank_codes=(*LIKERT_CODES, "enps_01"),
        custom_items=(surveys.CustomItem("comment", "چه چیزی را تغییر می‌دهید؟",
                                         "What would you change?", required=False),),
        min_group_size=5, comment_threshold=10,
    )
    values.update(changes)
    return surveys.SurveyDraft(**values)


def open_survey(session: Session, designer: Actor, now: datetime = T0, **changes) -> int:
    """Create a survey whose first wave opens at `now`; returns that wave's id."""
    survey_id = surveys.create_survey(session, designer, draft(**changes), now=now)
    session.commit()
    wave_id = session.scalar(
        select(SurveyWave.id).where(SurveyWave.survey_id == survey_id))
    assert wave_id is not None
    return wave_id


def random_answers(form_items: Sequence[surveys.FormItem], rng: random.Random,
                   comment: str | None = None) -> dict[int, int | str | None]:
    answers: dict[int, int | str | None] = {}
    for item in form_items:
        if item.kind == "likert5":
            answers[item.id] = rng.randint(1, 5)
        elif item.kind == "enps":
            answers[item.id] = rng.randint(0, 10)
        elif item.kind == "choice":
            answers[item.id] = rng.randrange(len(item.options))
        else:
            answers[item.id] = comment
    return answers


def submit_all(session: Session, people: Sequence[Actor], wave_id: int, rng: random.Random,
               now: datetime = T0 + timedelta(hours=1), comment: str | None = None) -> dict:
    """Everyone in `people` answers, in the given order; returns their answers by user id."""
    form = surveys.wave_form(session, people[0], wave_id, now=now)
    given = {}
    for person in people:
        answers = random_answers(form.items, rng, comment)
        surveys.submit(session, person, wave_id, answers, now=now)
        session.commit()
        given[person.id] = answers
    return given


def close(session: Session, wave_id: int, now: datetime = T0 + timedelta(days=8)) -> None:
    surveys.open_due_waves(session, now)
    session.commit()


def answered_wave(session: Session, designer: Actor, people: Sequence[Actor], seed: int,
                  audience: Sequence[int] = (), comment: str | None = None) -> int:
    """An open wave (for `audience`, or everyone) that `people` answered; returns its id."""
    wave_id = open_survey(session, designer, audience_all=not audience,
                          audience_departments=tuple(audience))
    submit_all(session, people, wave_id, random.Random(seed), comment=comment)
    return wave_id
