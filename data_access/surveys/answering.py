"""Answering a wave: which open waves a person is invited to, the form, and the
one write that records a submission (participation row + sealed pool row)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
from sqlalchemy import BigInteger, LargeBinary, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import departments
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.models import utcnow
from data_access.models.surveys import (
    Survey,
    SurveyParticipation,
    SurveySubmissionPool,
    SurveyWave,
    SurveyWaveDepartment,
    SurveyWaveItem,
)
from data_access.permissions import Actor, account_active, require, require_active
from data_access.surveys import sealing
from data_access.surveys.rules import ENPS_VALUES, LIKERT_VALUES
from data_access.text import clean_block

COMMENT_MAX = 1000
Kind = Literal["likert5", "enps", "choice", "comment"]
AnswerValue = int | str | None

# PostgreSQL stamps every row with the transaction that wrote it (xmin), so a
# readable answer written next to the participation row would name its author.
# Submissions are therefore sealed with AES-GCM under their wave's own key, kept
# outside the database and destroyed when the wave closes (surveys/sealing.py),
# and padded to one size per wave so that not even the length of a comment shows.
# Only closing the wave opens them.

def _sealed_size(item_kinds: Sequence[str]) -> int:
    """The padded plaintext size of every submission of a wave: the largest one possible."""
    comments = sum(1 for kind in item_kinds if kind == "comment")
    # JSON of ids and values, plus at most 4 bytes per character of a comment.
    return 64 + 24 * len(item_kinds) + comments * (4 * COMMENT_MAX + 24)


def _random_ids(count: int) -> np.ndarray:
    """Distinct non-negative 63-bit ids from the operating system's CSPRNG."""
    while True:
        ids = np.frombuffer(os.urandom(8 * count), dtype=np.uint64) >> np.uint64(1)
        ids = ids.astype(np.int64)
        if len(np.unique(ids)) == count:  # a collision is astronomically unlikely
            return ids


@dataclass(frozen=True)
class WaveHeader:
    """What every list of waves shows about one: its survey, number, title and window."""

    wave_id: int
    survey_id: int
    number: int
    title_fa: str
    title_en: str | None
    opens_at: datetime
    closes_at: datetime

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_fa) if locale == "en" else self.title_fa


@dataclass(frozen=True)
class OpenWave(WaveHeader):
    answered: bool


def _eligible_department(session: Session, wave_id: int, department_id: int) -> int | None:
    """The wave's snapshot department a member of `department_id` answers for, if invited."""
    found = session.scalar(select(SurveyWaveDepartment.department_id).where(
        SurveyWaveDepartment.wave_id == wave_id,
        SurveyWaveDepartment.department_id == department_id))
    if found is not None:
        return found
    # A department created after the wave opened answers for its nearest
    # ancestor that was in the audience then.
    snapshot = set(session.scalars(select(SurveyWaveDepartment.department_id).where(
        SurveyWaveDepartment.wave_id == wave_id)))
    for dept in departments.ancestors(departments.parent_map(session), department_id)[1:]:
        if dept in snapshot:
            return dept
    return None


def open_waves_for(session: Session, actor: Actor, now: datetime | None = None) -> list[OpenWave]:
    """Open waves the actor is invited to, soonest closing first, with answered or not."""
    require_active(session, actor)
    now = now or utcnow()
    rows = session.execute(
        select(SurveyWave.id, SurveyWave.survey_id, SurveyWave.number, Survey.title_fa,
               Survey.title_en, SurveyWave.opens_at, SurveyWave.closes_at,
               SurveyParticipation.user_id)
        .join(Survey, Survey.id == SurveyWave.survey_id)
        .outerjoin(SurveyParticipation, (SurveyParticipation.wave_id == SurveyWave.id)
                   & (SurveyParticipation.user_id == actor.id))
        .where(SurveyWave.status == "open", SurveyWave.opens_at <= now,
               SurveyWave.closes_at > now)
        .order_by(SurveyWave.closes_at, SurveyWave.id)
    ).all()
    found = []
    for row in rows:
        if _eligible_department(session, row.id, actor.department_id) is None:
            continue
        found.append(OpenWave(row.id, row.survey_id, row.number, row.title_fa, row.title_en,
                              row.opens_at, row.closes_at, row.user_id is not None))
    return found


def pending_count(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """How many open waves the actor has not answered yet (for reminders)."""
    return sum(1 for wave in open_waves_for(session, actor, now) if not wave.answered)


@dataclass(frozen=True)
class FormItem:
    id: int
    position: int
    kind: Kind
    driver: str | None
    text_fa: str
    text_en: str | None
    options: tuple[tuple[str, str | None], ...]
    required: bool

    def text(self, locale: str) -> str:
        return (self.text_en or self.text_fa) if locale == "en" else self.text_fa

    def option_label(self, index: int, locale: str) -> str:
        fa, en = self.options[index]
        return (en or fa) if locale == "en" else fa


@dataclass(frozen=True)
class WaveForm:
    wave: OpenWave
    intro_fa: str | None
    intro_en: str | None
    min_group_size: int
    comment_threshold: int
    items: list[FormItem]

    def intro(self, locale: str) -> str | None:
        return (self.intro_en or self.intro_fa) if locale == "en" else self.intro_fa


def _form_items(session: Session, wave_id: int) -> list[FormItem]:
    rows = session.scalars(select(SurveyWaveItem).where(SurveyWaveItem.wave_id == wave_id)
                           .order_by(SurveyWaveItem.position)).all()
    return [FormItem(row.id, row.position, row.kind, row.driver, row.text_fa, row.text_en,
                     tuple(tuple(option) for option in json.loads(row.options or "[]")),
                     row.required) for row in rows]


def wave_form(session: Session, actor: Actor, wave_id: int,
              now: datetime | None = None) -> WaveForm:
    """What the answering form shows: the frozen items, k and the intro."""
    require_active(session, actor, "answer_surveys")
    wave = next((w for w in open_waves_for(session, actor, now) if w.wave_id == wave_id), None)
    if wave is None:
        raise NotFound("surveys.errors.not_open")
    survey = session.get(Survey, wave.survey_id)
    thresholds = session.execute(select(SurveyWave.min_group_size, SurveyWave.comment_threshold)
                                 .where(SurveyWave.id == wave_id)).one()
    return WaveForm(wave, survey.intro_fa, survey.intro_en, thresholds.min_group_size,
                    thresholds.comment_threshold, _form_items(session, wave_id))


def check_answers(items: Sequence[FormItem],
                  answers: Mapping[int, AnswerValue]) -> dict[int, str]:
    """Problems per item id (a locale key); empty when the answers can be submitted."""
    problems: dict[int, str] = {}
    known = {item.id for item in items}
    if set(answers) - known:
        raise InvalidInput("surveys.errors.item_unknown", field="items", code="?")
    for item in items:
        value = answers.get(item.id)
        if isinstance(value, str) and item.kind != "comment":
            value = None if not value.strip() else value
        if value is None or (item.kind == "comment" and not str(value).strip()):
            if item.required:
                problems[item.id] = "surveys.errors.required_item"
            continue
        if item.kind == "comment":
            if not isinstance(value, str):
                problems[item.id] = "surveys.errors.out_of_range"
            elif len(value.strip()) > COMMENT_MAX:
                problems[item.id] = "surveys.errors.comment_too_long"
            continue
        allowed = {"likert5": LIKERT_VALUES, "enps": ENPS_VALUES}.get(
            item.kind, range(len(item.options)))
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            problems[item.id] = "surveys.errors.out_of_range"
    return problems


def submit(session: Session, actor: Actor, wave_id: int, answers: Mapping[int, AnswerValue],
           now: datetime | None = None) -> None:
    """Record one person's answers to one wave, once.

    One transaction writes the participation row and the sealed submission;
    the primary key on participation refuses a second one (double click,
    second tab, another device), on both databases and under concurrency.
    """
    require(actor, "answer_surveys")
    now = now or utcnow()
    # Core statements built once (a submission is the hottest write): one round
    # trip for everything the checks need, the account still being active
    # included (require_active's check, folded in), then the two inserts.
    connection = session.connection()
    rows = connection.execute(_SUBMIT_CHECKS, {"wave_id": wave_id, "user_id": actor.id,
                                               "department_id": actor.department_id}).all()
    if not rows:
        raise NotFound()
    wave = rows[0]
    if not wave.actor_active:
        raise PermissionDenied()
    if wave.status != "open" or not wave.opens_at <= now < wave.closes_at:
        raise InvalidInput("surveys.errors.closed")
    department = wave.invited
    if department is None:
        department = _eligible_department(session, wave_id, actor.department_id)
    if department is None:
        raise PermissionDenied("surveys.errors.not_invited")
    items = [FormItem(row.id, row.position, row.kind, None, "", None,
                      tuple(tuple(o) for o in json.loads(row.options or "[]")), row.required)
             for row in rows if row.id is not None]
    problems = check_answers(items, answers)
    if problems:
        item_id, key = next(iter(problems.items()))
        raise InvalidInput(key, field=str(item_id))
    payload = {"d": department, "a": [], "c": []}
    for item in items:
        value = answers.get(item.id)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if item.kind == "comment":
            text = clean_block(str(value), str(item.id), COMMENT_MAX)
            if text:
                payload["c"].append([item.id, text])
        else:
            payload["a"].append([item.id, int(value)])
    sealed = sealing.seal(wave_id, wave.key_id, _sealed_size([item.kind for item in items]),
                          payload)

    try:
        connection.execute(_PARTICIPATE, {"wave_id": wave_id, "user_id": actor.id})
    except IntegrityError as error:
        raise Conflict("surveys.errors.already_answered") from error
    written = connection.execute(_POOL_WHILE_OPEN, {
        "wave_id": wave_id, "id": int(_random_ids(1)[0]), "sealed": sealed}).first()
    if written is None:
        raise InvalidInput("surveys.errors.closed")


_SUBMIT_CHECKS = (
    select(SurveyWave.status, SurveyWave.opens_at, SurveyWave.closes_at, SurveyWave.key_id,
           select(SurveyWaveDepartment.department_id).where(
               SurveyWaveDepartment.wave_id == bindparam("wave_id"),
               SurveyWaveDepartment.department_id == bindparam("department_id"))
           .scalar_subquery().label("invited"),
           account_active(bindparam("user_id")).label("actor_active"),
           SurveyWaveItem.id, SurveyWaveItem.position, SurveyWaveItem.kind,
           SurveyWaveItem.options, SurveyWaveItem.required)
    .outerjoin(SurveyWaveItem, SurveyWaveItem.wave_id == SurveyWave.id)
    .where(SurveyWave.id == bindparam("wave_id")).order_by(SurveyWaveItem.position))
_PARTICIPATE = insert(SurveyParticipation.__table__).values(
    wave_id=bindparam("wave_id"), user_id=bindparam("user_id"))
# Inside the write transaction, the pool row is written only while the wave is
# still open, read under a share lock: a wave closed meanwhile refuses the
# answer (and the participation row rolls back) instead of losing it.
_POOL_WHILE_OPEN = insert(SurveySubmissionPool.__table__).from_select(
    ["wave_id", "id", "sealed"],
    select(bindparam("wave_id", type_=BigInteger), bindparam("id", type_=BigInteger),
           bindparam("sealed", type_=LargeBinary)).where(
        select(SurveyWave.id).where(SurveyWave.id == bindparam("wave_id"),
                                    SurveyWave.status == "open")
        .with_for_update(read=True).exists())
).returning(SurveySubmissionPool.__table__.c.id)


def has_answered(session: Session, actor: Actor, wave_id: int) -> bool:
    require_active(session, actor)
    return session.scalar(select(SurveyParticipation.user_id).where(
        SurveyParticipation.wave_id == wave_id,
        SurveyParticipation.user_id == actor.id)) is not None

