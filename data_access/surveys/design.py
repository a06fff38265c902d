"""Designing surveys: the question bank, a survey's items, audience, thresholds
and schedule, stopping it, and the designers' overview."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import InvalidInput, get_or_not_found
from data_access.models import Department, utcnow
from data_access.models.surveys import (
    CADENCES,
    Survey,
    SurveyAudience,
    SurveyBankItem,
    SurveyItem,
    SurveyWave,
)
from data_access.permissions import Actor, require_active
from data_access.surveys.answering import Kind
from data_access.surveys.bank import BANK, DRIVERS, ENPS_DRIVER, BankItem
from data_access.surveys.rules import (
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    MIN_ALLOWED_GROUP_SIZE,
)
from data_access.surveys.schedule import _wave_window, open_due_waves, repeat_until_instant
from data_access.surveys.scope import WaveOption, _wave_option
from data_access.text import clean_block, clean_line

TITLE_MAX, INTRO_MAX, ITEM_TEXT_MAX, OPTION_MAX = 200, 2000, 500, 120
MAX_ITEMS, MAX_OPTIONS, MAX_GROUP_SIZE = 40, 10, 1000
MIN_WAVE_LENGTH = timedelta(hours=1)

def bank(session: Session) -> list[BankItem]:
    """The built-in items followed by those admins added."""
    added = session.execute(
        select(SurveyBankItem).where(SurveyBankItem.active.is_(True)).order_by(SurveyBankItem.id)
    ).scalars()
    return list(BANK) + [
        BankItem(row.code, row.driver, "likert5", row.text_fa, row.text_en or row.text_fa)
        for row in added
    ]


def _bank_by_code(session: Session) -> dict[str, BankItem]:
    return {item.code: item for item in bank(session)}


def add_bank_item(session: Session, actor: Actor, driver: str, text_fa: str,
                  text_en: str | None = None) -> str:
    """An admin adds a Likert statement to the bank; returns its code."""
    require_active(session, actor, "manage_question_bank")
    if driver not in DRIVERS:
        raise InvalidInput("surveys.errors.driver_unknown", field="driver")
    text_fa = clean_line(text_fa, "text_fa", ITEM_TEXT_MAX, required=True)
    text_en = clean_line(text_en, "text_en", ITEM_TEXT_MAX)
    count = session.scalar(select(func.count()).select_from(SurveyBankItem)) or 0
    code = f"custom_{count + 1:03d}"
    while session.scalar(select(SurveyBankItem.id).where(SurveyBankItem.code == code)):
        count += 1
        code = f"custom_{count + 1:03d}"
    session.add(SurveyBankItem(code=code, driver=driver, kind="likert5", text_fa=text_fa,
                               text_en=text_en, created_by=actor.id))
    audit.record(session, actor, "survey_bank.add", "survey_bank_item", code, driver=driver)
    return code


@dataclass(frozen=True)
class CustomItem:
    """A question written for one survey."""

    kind: Kind
    text_fa: str
    text_en: str | None = None
    options: tuple[tuple[str, str | None], ...] = ()  # (fa, en) for 'choice'
    required: bool = True
    driver: str | None = None  # a Likert item may count towards a driver


@dataclass(frozen=True)
class SurveyDraft:
    title_fa: str
    opens_at: datetime
    closes_at: datetime
    bank_codes: Sequence[str] = ()
    custom_items: Sequence[CustomItem] = ()
    title_en: str | None = None
    intro_fa: str | None = None
    intro_en: str | None = None
    audience_all: bool = True
    audience_departments: Sequence[int] = ()
    cadence: str = "none"
    # An instant, or a day: waves open through the end of that local day.
    repeat_until: datetime | date | None = None
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    comment_threshold: int = DEFAULT_COMMENT_THRESHOLD


def _validated_items(session: Session, draft: SurveyDraft) -> list[dict]:
    """The survey's items in order: bank items first, then custom questions."""
    known = _bank_by_code(session)
    if len(set(draft.bank_codes)) != len(draft.bank_codes):
        raise InvalidInput("surveys.errors.duplicate_item", field="items")
    rows: list[dict] = []
    for code in draft.bank_codes:
        item = known.get(code)
        if item is None:
            raise InvalidInput("surveys.errors.item_unknown", field="items", code=code)
        rows.append(dict(bank_code=code, driver=item.driver, kind=item.kind,
                         text_fa=item.text_fa, text_en=item.text_en, options=None,
                         required=True))
    for index, custom in enumerate(draft.custom_items, start=1):
        field = f"custom_{index}"
        if custom.kind not in ("likert5", "enps", "choice", "comment"):
            raise InvalidInput("surveys.errors.kind_unknown", field=field)
        text_fa = clean_line(custom.text_fa, field, ITEM_TEXT_MAX, required=True)
        text_en = clean_line(custom.text_en, field, ITEM_TEXT_MAX)
        driver = custom.driver if custom.kind == "likert5" else (
            ENPS_DRIVER if custom.kind == "enps" else None)
        if driver is not None and driver not in (*DRIVERS, ENPS_DRIVER):
            raise InvalidInput("surveys.errors.driver_unknown", field=field)
        options = None
        if custom.kind == "choice":
            cleaned = [(clean_line(fa, field, OPTION_MAX), clean_line(en, field, OPTION_MAX))
                       for fa, en in custom.options]
            cleaned = [(fa, en) for fa, en in cleaned if fa]
            if not 2 <= len(cleaned) <= MAX_OPTIONS:
                raise InvalidInput("surveys.errors.choice_options", field=field, min=2,
                                   max=MAX_OPTIONS, number=index)
            options = json.dumps(cleaned, ensure_ascii=False)
        rows.append(dict(bank_code=None, driver=driver, kind=custom.kind, text_fa=text_fa,
                         text_en=text_en, options=options,
                         required=bool(custom.required) and custom.kind != "comment"))
    if not rows:
        raise InvalidInput("surveys.errors.no_items", field="items")
    if len(rows) > MAX_ITEMS:
        raise InvalidInput("surveys.errors.too_many_items", field="items", max=MAX_ITEMS)
    if all(row["kind"] == "comment" for row in rows):
        raise InvalidInput("surveys.errors.only_comments", field="items")
    return rows


def _validated_window(draft: SurveyDraft, now: datetime) -> None:
    for name in ("opens_at", "closes_at"):
        value = getattr(draft, name)
        if value is None:
            raise InvalidInput("errors.required", field=name)
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
    if draft.closes_at <= now:
        raise InvalidInput("surveys.errors.closes_in_past", field="closes_at")
    if draft.closes_at - draft.opens_at < MIN_WAVE_LENGTH:
        raise InvalidInput("surveys.errors.window_too_short", field="closes_at")
    if draft.cadence not in CADENCES:
        raise InvalidInput("surveys.errors.cadence_unknown", field="cadence")
    if draft.cadence != "none":
        # The next wave must not open before this one closes.
        if _wave_window(draft.opens_at, draft.closes_at, draft.cadence, 2)[0] < draft.closes_at:
            raise InvalidInput("surveys.errors.window_longer_than_cadence", field="closes_at")
        if draft.repeat_until is not None and draft.repeat_until <= draft.opens_at:
            raise InvalidInput("surveys.errors.repeat_until_early", field="repeat_until")


def _validated_thresholds(draft: SurveyDraft) -> None:
    k, comments = draft.min_group_size, draft.comment_threshold
    if not isinstance(k, int) or k < MIN_ALLOWED_GROUP_SIZE:
        raise InvalidInput("surveys.errors.k_too_small", field="min_group_size",
                           min=MIN_ALLOWED_GROUP_SIZE)
    if k > MAX_GROUP_SIZE:
        raise InvalidInput("surveys.errors.k_too_large", field="min_group_size",
                           max=MAX_GROUP_SIZE)
    if not isinstance(comments, int) or comments < k:
        raise InvalidInput("surveys.errors.comment_threshold_below_k",
                           field="comment_threshold", k=k)
    if comments > MAX_GROUP_SIZE:
        raise InvalidInput("surveys.errors.k_too_large", field="comment_threshold",
                           max=MAX_GROUP_SIZE)


def _validated_audience(session: Session, draft: SurveyDraft) -> list[int]:
    if draft.audience_all:
        return []
    chosen = sorted(set(draft.audience_departments))
    if not chosen:
        raise InvalidInput("surveys.errors.no_audience", field="audience")
    active = set(session.scalars(select(Department.id).where(
        Department.id.in_(chosen), Department.active.is_(True))))
    if active != set(chosen):
        raise InvalidInput("surveys.errors.audience_unknown", field="audience")
    return chosen


def create_survey(session: Session, actor: Actor, draft: SurveyDraft,
                  now: datetime | None = None) -> int:
    """PR or an admin designs and schedules a survey; its first wave opens on time."""
    require_active(session, actor, "design_surveys")
    now = now or utcnow()
    draft = replace(draft, repeat_until=repeat_until_instant(draft.repeat_until))
    title_fa = clean_line(draft.title_fa, "title_fa", TITLE_MAX, required=True)
    title_en = clean_line(draft.title_en, "title_en", TITLE_MAX)
    intro_fa = clean_block(draft.intro_fa, "intro_fa", INTRO_MAX)
    intro_en = clean_block(draft.intro_en, "intro_en", INTRO_MAX)
    _validated_thresholds(draft)
    _validated_window(draft, now)
    items = _validated_items(session, draft)
    audience = _validated_audience(session, draft)
    survey = Survey(
        title_fa=title_fa, title_en=title_en, intro_fa=intro_fa, intro_en=intro_en,
        audience_all=draft.audience_all, cadence=draft.cadence,
        first_opens_at=draft.opens_at, first_closes_at=draft.closes_at,
        repeat_until=draft.repeat_until if draft.cadence != "none" else None,
        min_group_size=draft.min_group_size, comment_threshold=draft.comment_threshold,
        created_by=actor.id, created_at=now,
    )
    session.add(survey)
    session.flush()
    session.add_all(SurveyAudience(survey_id=survey.id, department_id=d) for d in audience)
    session.add_all(SurveyItem(survey_id=survey.id, position=i, **row)
                    for i, row in enumerate(items, start=1))
    session.flush()
    audit.record(session, actor, "survey.create", "survey", survey.id, title=title_fa,
                 cadence=draft.cadence, k=draft.min_group_size, items=len(items))
    open_due_waves(session, now)
    return survey.id


def stop_survey(session: Session, actor: Actor, survey_id: int,
                now: datetime | None = None) -> None:
    """No further waves; an open wave still runs until it closes."""
    require_active(session, actor, "design_surveys")
    survey = get_or_not_found(session, Survey, survey_id)
    if survey.stopped_at is None:
        survey.stopped_at = now or utcnow()
        audit.record(session, actor, "survey.stop", "survey", survey_id)


@dataclass(frozen=True)
class SurveyOverview:
    id: int
    title_fa: str
    title_en: str | None
    cadence: str
    min_group_size: int
    comment_threshold: int
    waves: int
    open_wave: WaveOption | None
    next_opens_at: datetime | None
    stopped: bool

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_fa) if locale == "en" else self.title_fa


def survey_overview(session: Session, actor: Actor,
                    now: datetime | None = None) -> list[SurveyOverview]:
    """Surveys for their designers: cadence, waves so far, the open one, the next one."""
    require_active(session, actor, "design_surveys")
    now = now or utcnow()
    surveys = session.scalars(select(Survey).order_by(Survey.created_at.desc(),
                                                      Survey.id.desc())).all()
    counts = dict(session.execute(select(SurveyWave.survey_id, func.max(SurveyWave.number))
                                  .group_by(SurveyWave.survey_id)).tuples().all())
    open_waves = {w.survey_id: w for w in (
        _wave_option(session, wave_id) for wave_id in session.scalars(
            select(SurveyWave.id).where(SurveyWave.status == "open")))}
    found = []
    for survey in surveys:
        latest = counts.get(survey.id, 0)
        next_opens = None
        if survey.stopped_at is None and (survey.cadence != "none" or latest == 0):
            opens, _ = _wave_window(survey.first_opens_at, survey.first_closes_at,
                                    survey.cadence, latest + 1)
            if survey.repeat_until is None or opens <= survey.repeat_until:
                next_opens = opens
        found.append(SurveyOverview(survey.id, survey.title_fa, survey.title_en, survey.cadence,
                                    survey.min_group_size, survey.comment_threshold, latest,
                                    open_waves.get(survey.id), next_opens,
                                    survey.stopped_at is not None))
    return found
