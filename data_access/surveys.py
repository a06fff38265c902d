"""Pulse surveys: design, waves by the clock, anonymous answering, results and
the action items that follow from them.

Every rule about survey data lives here; docs/anonymity.md explains the
storage design. In short:

- submitting writes the participation row (unique per wave and user) and one
  sealed, fixed-size pool row in the same transaction, and nothing else;
- closing a wave opens the pool, stores each answer under a reporting
  department holding at least k respondents, in random-id order, and builds
  the pre-aggregated results with every suppression decision made once, over
  the whole tree; results exist only for closed waves, so nobody can watch
  them change as individual colleagues submit;
- the results functions read only those pre-aggregates.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import jdatetime
import numpy as np
from cryptography.exceptions import InvalidTag
from sqlalchemy import (
    BigInteger,
    LargeBinary,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import action_items, audit, clock, departments, sealing
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied, get_or_not_found
from data_access.models import Department, User, utcnow
from data_access.models.surveys import (
    ACTION_STATUSES,
    CADENCES,
    ActionItem,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyBankItem,
    SurveyComment,
    SurveyItem,
    SurveyParticipation,
    SurveyResultCount,
    SurveyResultGroup,
    SurveyResultItem,
    SurveySubmissionPool,
    SurveyWave,
    SurveyWaveDepartment,
    SurveyWaveItem,
)
from data_access.permissions import Actor, account_active, can, require, require_active
from data_access.survey_bank import BANK, DRIVERS, ENPS_DRIVER, BankItem
from data_access.survey_rules import (
    BELOW_K,
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    ENPS_VALUES,
    LIKERT_VALUES,
    MIN_ALLOWED_GROUP_SIZE,
    Cell,
    EnpsSummary,
    LikertSummary,
    SuppressionReason,
    driver_score,
    participation_rate,
    respondent_rollup,
    rollup_total_too_small,
    shuffle_comments,
    subtree_headcounts,
    summarise_enps,
    summarise_likert,
    suppress,
)
from data_access.text import clean_block, clean_line

TITLE_MAX, INTRO_MAX, ITEM_TEXT_MAX, OPTION_MAX = 200, 2000, 500, 120
COMMENT_MAX = 1000
MAX_ITEMS, MAX_OPTIONS, MAX_GROUP_SIZE = 40, 10, 1000
ACTION_TITLE_MAX, ACTION_DESCRIPTION_MAX = 200, 2000
MIN_WAVE_LENGTH = timedelta(hours=1)
PERIODS = {"weekly": timedelta(days=7), "biweekly": timedelta(days=14)}
VALUE_SLOTS = 16  # answer values are 0..10; one slot row per value in the aggregates
Kind = Literal["likert5", "enps", "choice", "comment"]
AnswerValue = int | str | None


# --- Sealing the submission pool ------------------------------------------------
#
# PostgreSQL stamps every row with the transaction that wrote it (xmin), so a
# readable answer written next to the participation row would name its author.
# Submissions are therefore sealed with AES-GCM under their wave's own key, kept
# outside the database and destroyed when the wave closes (data_access/sealing.py),
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


# --- Question bank --------------------------------------------------------------

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


# --- Designing a survey -----------------------------------------------------------

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
    repeat_until: datetime | None = None
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


def close_wave_now(session: Session, actor: Actor, wave_id: int,
                   now: datetime | None = None) -> None:
    """Close an open wave early and publish its results."""
    require_active(session, actor, "design_surveys")
    wave = get_or_not_found(session, SurveyWave, wave_id)
    if wave.status != "open":
        raise InvalidInput("surveys.errors.closed")
    _close_wave(session, wave_id, now or utcnow())
    audit.record(session, actor, "survey.close_wave", "survey_wave", wave_id)


# --- Waves by the clock ---------------------------------------------------------------

def _add_jalali_months(moment: datetime, months: int) -> datetime:
    """The same Tehran wall-clock time `months` Jalali months later (day clamped)."""
    tz = clock.display_zone()
    local = moment.astimezone(tz)
    jalali = jdatetime.date.fromgregorian(date=local.date())
    index = jalali.year * 12 + (jalali.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    days = 31 if month <= 6 else 30 if month <= 11 else (
        30 if jdatetime.date(year, 1, 1).isleap() else 29)
    target = jdatetime.date(year, month, min(jalali.day, days)).togregorian()
    return datetime.combine(target, local.time(), tzinfo=tz).astimezone(UTC)


def _wave_window(first_opens: datetime, first_closes: datetime, cadence: str,
                 number: int) -> tuple[datetime, datetime]:
    """Open and close instants of wave `number` (1-based) of a survey."""
    if number == 1 or cadence == "none":
        return first_opens, first_closes
    length = first_closes - first_opens
    if cadence == "monthly":
        opens = _add_jalali_months(first_opens, number - 1)
    else:
        tz = clock.display_zone()
        local = first_opens.astimezone(tz)
        # Local arithmetic keeps the wall-clock time if the zone's offset changes.
        day = local.date() + PERIODS[cadence] * (number - 1)
        opens = datetime.combine(day, local.time(), tzinfo=tz).astimezone(UTC)
    return opens, opens + length


def _latest_due_number(survey: Survey, now: datetime) -> int | None:
    """The highest wave number whose window has opened by `now`."""
    if survey.first_opens_at > now:
        return None
    if survey.cadence == "none":
        return 1
    if survey.cadence in PERIODS:
        elapsed = now - survey.first_opens_at
        number = elapsed // PERIODS[survey.cadence] + 1
        # Correct for wall-clock arithmetic around the estimate.
        while number > 1 and _wave_window(survey.first_opens_at, survey.first_closes_at,
                                          survey.cadence, number)[0] > now:
            number -= 1
        while _wave_window(survey.first_opens_at, survey.first_closes_at, survey.cadence,
                           number + 1)[0] <= now:
            number += 1
        return number
    local_now = now.astimezone(clock.display_zone())
    first_local = survey.first_opens_at.astimezone(clock.display_zone())
    number = max(1, (local_now.year - first_local.year) * 12 + 13)
    while number > 1 and _wave_window(survey.first_opens_at, survey.first_closes_at,
                                      survey.cadence, number)[0] > now:
        number -= 1
    return number


@dataclass(frozen=True)
class ClockTick:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


def open_due_waves(session: Session, now: datetime | None = None) -> ClockTick:
    """Close the waves whose time is up and open those that are due.

    Safe to call from every app replica and the command line: the unique
    (survey, number) key and the compare-and-set on a wave's status make a
    second caller a no-op. A wave whose whole window was missed (the server
    was down) is skipped rather than opened late.
    """
    now = now or utcnow()
    tick = ClockTick()
    due = session.scalars(select(SurveyWave.id).where(
        SurveyWave.status == "open", SurveyWave.closes_at <= now).order_by(SurveyWave.id)).all()
    for wave_id in due:
        if _close_wave(session, wave_id, now):
            tick.closed.append(wave_id)
    surveys = session.scalars(select(Survey).where(
        Survey.stopped_at.is_(None), Survey.first_opens_at <= now)).all()
    for survey in surveys:
        number = _latest_due_number(survey, now)
        if number is None:
            continue
        latest = session.scalar(select(func.max(SurveyWave.number)).where(
            SurveyWave.survey_id == survey.id)) or 0
        if number <= latest:
            continue
        opens, closes = _wave_window(survey.first_opens_at, survey.first_closes_at,
                                     survey.cadence, number)
        if closes <= now or (survey.repeat_until is not None and opens > survey.repeat_until):
            continue
        wave_id = _open_wave(session, survey, number, opens, closes)
        if wave_id is not None:
            tick.opened.append(wave_id)
    return tick


def _audience(session: Session, survey: Survey) -> dict[int, int | None]:
    """The active departments a survey reaches, with parents inside that set."""
    rows = session.execute(select(Department.id, Department.parent_id).where(
        Department.active.is_(True))).tuples().all()
    parents = dict(rows)
    if survey.audience_all:
        members = set(parents)
    else:
        chosen = session.scalars(select(SurveyAudience.department_id).where(
            SurveyAudience.survey_id == survey.id)).all()
        members = departments.descendants(parents, chosen) & set(parents)
    return {d: (parents[d] if parents[d] in members else None) for d in members}


def _open_wave(session: Session, survey: Survey, number: int, opens: datetime,
               closes: datetime) -> int | None:
    """Create wave `number`, freezing its items, thresholds and audience. None if
    another process opened it first."""
    key_id = sealing.new_key_id()
    try:
        with session.begin_nested():
            wave = SurveyWave(survey_id=survey.id, number=number, opens_at=opens,
                              closes_at=closes, status="open",
                              min_group_size=survey.min_group_size,
                              comment_threshold=survey.comment_threshold, invited=0,
                              key_id=key_id)
            session.add(wave)
            session.flush()
    except IntegrityError:
        return None
    # Before the wave can commit, so no open wave is ever without its key; a key
    # left behind by a rolled-back open seals nothing.
    sealing.create_wave_key(key_id)
    items = session.scalars(select(SurveyItem).where(SurveyItem.survey_id == survey.id)
                            .order_by(SurveyItem.position)).all()
    session.execute(insert(SurveyWaveItem), [dict(
        wave_id=wave.id, position=item.position, survey_item_id=item.id,
        bank_code=item.bank_code, driver=item.driver, kind=item.kind, text_fa=item.text_fa,
        text_en=item.text_en, options=item.options, required=item.required) for item in items])
    audience = _audience(session, survey)
    heads = departments.headcounts(session)
    session.execute(insert(SurveyWaveDepartment), [dict(
        wave_id=wave.id, department_id=dept, parent_id=parent, invited=heads.get(dept, 0))
        for dept, parent in audience.items()])
    wave.invited = sum(heads.get(dept, 0) for dept in audience)
    return wave.id


# --- Answering -----------------------------------------------------------------------

@dataclass(frozen=True)
class OpenWave:
    wave_id: int
    survey_id: int
    number: int
    title_fa: str
    title_en: str | None
    opens_at: datetime
    closes_at: datetime
    answered: bool

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_fa) if locale == "en" else self.title_fa


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


# --- Closing a wave: the only place where answers become readable -----------------------

@dataclass
class SubmissionColumns:
    """Many submissions of one wave, column by column (what closing a wave stores).

    `values[item_id][i]` is submission i's answer to that item, -1 when not
    answered; `comments[item_id][i]` is its comment or None.
    """

    departments: np.ndarray
    values: dict[int, np.ndarray]
    comments: dict[int, list[str | None]]

    @classmethod
    def from_payloads(cls, payloads: Sequence[dict],
                      items: Sequence[FormItem]) -> SubmissionColumns:
        count = len(payloads)
        values = {item.id: np.full(count, -1, dtype=np.int64) for item in items
                  if item.kind != "comment"}
        comments: dict[int, list[str | None]] = {item.id: [None] * count for item in items
                                                 if item.kind == "comment"}
        for index, payload in enumerate(payloads):
            for item_id, value in payload["a"]:
                if item_id in values:
                    values[item_id][index] = value
            for item_id, text in payload["c"]:
                if item_id in comments:
                    comments[item_id][index] = text
        return cls(np.array([p["d"] for p in payloads], dtype=np.int64), values, comments)


def _close_wave(session: Session, wave_id: int, now: datetime) -> bool:
    """Close an open wave and publish its results; False if someone else did."""
    # Compare-and-set: also the first write, so SQLite takes its write lock here
    # and PostgreSQL waits for in-flight submissions holding a share lock.
    closed = session.execute(update(SurveyWave).where(
        SurveyWave.id == wave_id, SurveyWave.status == "open").values(status="closed")
        .execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        return False
    wave = session.get(SurveyWave, wave_id)
    session.refresh(wave)
    wave.closes_at = min(wave.closes_at, now)  # closed early: show when it really closed
    sealed = session.execute(delete(SurveySubmissionPool).where(
        SurveySubmissionPool.wave_id == wave_id).returning(SurveySubmissionPool.sealed)
    ).scalars().all()
    try:
        opener = sealing.Opener(wave_id, wave.key_id) if sealed else None
        payloads = [opener.open(blob) for blob in sealed]
    except (InvalidTag, sealing.WaveKeyMissing) as error:
        # The key is missing or changed since these answers were given: refuse to
        # publish a partial result silently; the transaction rolls back and the
        # wave stays open.
        raise RuntimeError(f"survey pool of wave {wave_id} cannot be opened: {error}") from error
    items = _form_items(session, wave_id)
    store_results(session, wave_id, SubmissionColumns.from_payloads(payloads, items), now)
    if wave.key_id:
        sealing.destroy_after_commit(session, wave.key_id)
    return True


def _bulk_insert(session: Session, table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Many rows fast: COPY on PostgreSQL, executemany on SQLite, in the session's transaction."""
    rows = list(rows)
    if not rows:
        return
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
                                   list(rows))


def store_results(session: Session, wave_id: int, columns: SubmissionColumns,
                  now: datetime) -> None:
    """Store a closed wave's answers anonymously and build its pre-aggregated results.

    Also the demo seeder's path, so that demo data has exactly the real layout.
    """
    wave = session.get(SurveyWave, wave_id)
    k, comment_k = wave.min_group_size, wave.comment_threshold
    snapshot = session.execute(select(SurveyWaveDepartment.department_id,
                                      SurveyWaveDepartment.parent_id,
                                      SurveyWaveDepartment.invited)
                               .where(SurveyWaveDepartment.wave_id == wave_id)).all()
    parent_of = {row.department_id: row.parent_id for row in snapshot}
    invited = {row.department_id: row.invited for row in snapshot}
    count = len(columns.departments)
    own = dict(zip(*np.unique(columns.departments, return_counts=True), strict=True))
    own = {int(dept): int(n) for dept, n in own.items()}
    # Every stored label owns at least its threshold of respondents; below that
    # overall, nothing readable is stored at all (survey_rules.respondent_rollup).
    answers_stored = not rollup_total_too_small(own, k)
    comments_stored = not rollup_total_too_small(own, comment_k)
    report = respondent_rollup(parent_of, own, k)
    comment_report = respondent_rollup(parent_of, own, comment_k)
    for dept in parent_of:
        session.execute(update(SurveyWaveDepartment).where(
            SurveyWaveDepartment.wave_id == wave_id,
            SurveyWaveDepartment.department_id == dept).values(
            respondents=own.get(dept, 0), report_department_id=report[dept],
            comment_department_id=comment_report[dept]))

    # Positions in the answer arrays: NULL (the whole audience) is stored as None.
    lookup = np.full(max(parent_of, default=0) + 1, -1, dtype=np.int64)
    for dept, target in report.items():
        lookup[dept] = -1 if target is None else target
    answer_labels = lookup[columns.departments] if count else np.zeros(0, dtype=np.int64)

    if answers_stored:
        # Raw answers: one row per answered item, random ids, stored in id order,
        # which is a random permutation of arrival order.
        parts_label, parts_item, parts_value = [], [], []
        for item_id, values in columns.values.items():
            answered = values >= 0
            parts_label.append(answer_labels[answered])
            parts_item.append(np.full(int(answered.sum()), item_id, dtype=np.int64))
            parts_value.append(values[answered])
        if parts_label:
            labels_all = np.concatenate(parts_label)
            items_all = np.concatenate(parts_item)
            values_all = np.concatenate(parts_value)
            ids = _random_ids(len(labels_all))
            order = np.argsort(ids, kind="stable")
            _bulk_insert(session, SurveyAnswer.__table__,
                         ("wave_id", "id", "department_id", "wave_item_id", "value"),
                         zip([wave_id] * len(order), ids[order].tolist(),
                             [None if label < 0 else label
                              for label in labels_all[order].tolist()],
                             items_all[order].tolist(), values_all[order].tolist(),
                             strict=True))
    comment_rows = [(comment_report[int(columns.departments[index])], item_id, text)
                    for item_id, texts in columns.comments.items()
                    for index, text in enumerate(texts) if text] if comments_stored else []
    if comment_rows:
        ids = sorted(_random_ids(len(comment_rows)).tolist())
        shuffled = shuffle_comments(comment_rows)
        _bulk_insert(session, SurveyComment.__table__,
                     ("wave_id", "id", "department_id", "wave_item_id", "body"),
                     [(wave_id, ids[i], *row) for i, row in enumerate(shuffled)])

    _store_aggregates(session, wave_id, parent_of, invited, report, own,
                      columns if answers_stored else None, answer_labels, k,
                      comment_report if comments_stored else None)
    wave.status = "closed"
    wave.respondents = count
    wave.results_at = now


def _store_aggregates(session: Session, wave_id: int, parent_of: dict[int, int | None],
                      invited: dict[int, int], report: dict[int, int | None],
                      own: dict[int, int], columns: SubmissionColumns | None,
                      answer_labels: np.ndarray, k: int,
                      comment_report: dict[int, int | None] | None) -> None:
    """Result groups (reporting departments and the whole audience), their
    per-item value counts and every suppression decision.

    `columns` is None when the wave is too small to store answers: then only
    the groups' respondent and invited counts are stored, hidden. Comments are
    shown only for the whole audience and for departments that are comment
    labels themselves, so every shown set of comments, and every difference of
    two, is a union of whole comment labels, each owning at least the comment
    threshold of respondents (`comment_report` is None when none were stored).
    """
    labels = [dept for dept in departments_top_down(parent_of) if report[dept] == dept]
    index: dict[int | None, int] = {dept: i for i, dept in enumerate(labels)}
    top = len(labels)  # the whole audience, parent of the roots
    index[None] = top

    def label_parent(dept: int) -> int:
        parent = parent_of[dept]
        while parent is not None and report[parent] != parent:
            parent = parent_of[parent]
        return top if parent is None else index[parent]

    parents = [label_parent(dept) for dept in labels]
    # A reporting department's subtree is exactly its department subtree, so
    # subtree sums are accumulated children-first over the reporting tree.
    respondents = np.zeros(top + 1, dtype=np.int64)
    invited_sum = np.zeros(top + 1, dtype=np.int64)
    for dept, target in report.items():
        respondents[index[target]] += own.get(dept, 0)
        invited_sum[index[target]] += invited.get(dept, 0)
    item_counts: dict[int, np.ndarray] = {}
    # Answer labels are department ids, or -1 for the whole audience: -1 indexes
    # the last slot, which no department uses and which holds `top`.
    position_of_label = np.full(max(parent_of, default=0) + 2, top, dtype=np.int64)
    for dept, position in index.items():
        if dept is not None:
            position_of_label[dept] = position
    for item_id, values in (columns.values.items() if columns is not None else ()):
        answered = values >= 0
        grid = np.zeros((top + 1, VALUE_SLOTS), dtype=np.int64)
        if answered.any():
            np.add.at(grid, (position_of_label[answer_labels[answered]], values[answered]), 1)
        item_counts[item_id] = grid
    for position in range(top - 1, -1, -1):  # labels are top-down: children come later
        parent = parents[position]
        respondents[parent] += respondents[position]
        invited_sum[parent] += invited_sum[position]
        for grid in item_counts.values():
            grid[parent] += grid[position]

    def cells(n: np.ndarray) -> list[Cell]:
        return [Cell(top, None, int(n[top]))] + [
            Cell(i, parents[i], int(n[i])) for i in range(top)]

    group_hidden = suppress(cells(respondents), k)
    if columns is None:
        group_hidden = dict.fromkeys(group_hidden, BELOW_K)
    participation_hidden = suppress(cells(invited_sum), k)
    item_hidden = {item_id: suppress(cells(grid.sum(axis=1)), k)
                   for item_id, grid in item_counts.items()}

    def comments_shown(position: int) -> bool:
        if comment_report is None or group_hidden[position] is not None:
            return False
        return position == top or comment_report[labels[position]] == labels[position]

    group_ids: dict[int, int] = {}
    for position in [top, *range(top)]:
        department = None if position == top else labels[position]
        parent_department = None if position == top or parents[position] == top \
            else labels[parents[position]]
        group_ids[position] = session.execute(insert(SurveyResultGroup).values(
            wave_id=wave_id, department_id=department,
            parent_department_id=parent_department,
            respondents=int(respondents[position]), invited=int(invited_sum[position]),
            hidden=group_hidden[position], participation_hidden=participation_hidden[position],
            comments_shown=comments_shown(position),
        ).returning(SurveyResultGroup.id)).scalar_one()
    item_rows, count_rows = [], []
    for item_id, grid in item_counts.items():
        for position, group_id in group_ids.items():
            hidden = group_hidden[position] or item_hidden[item_id][position]
            item_rows.append((group_id, item_id, int(grid[position].sum()), hidden))
            for value in np.nonzero(grid[position])[0].tolist():
                count_rows.append((group_id, item_id, value, int(grid[position][value])))
    _bulk_insert(session, SurveyResultItem.__table__,
                 ("group_id", "wave_item_id", "n", "hidden"), item_rows)
    _bulk_insert(session, SurveyResultCount.__table__,
                 ("group_id", "wave_item_id", "value", "n"), count_rows)


def departments_top_down(parent_of: Mapping[int, int | None]) -> list[int]:
    """Departments ordered parents first (ties by id, so the order is stable)."""
    children: dict[int | None, list[int]] = {}
    for dept in sorted(parent_of):
        children.setdefault(parent_of[dept], []).append(dept)
    order = list(children.get(None, []))
    for dept in order:
        order.extend(children.get(dept, []))
    return order


# --- Results (read only from the pre-aggregates) ------------------------------------------

HiddenReason = SuppressionReason | None
_DEFAULT = -1  # "the viewer's own department" (managers) or "the whole audience" (pr, admin)


@dataclass(frozen=True)
class DepartmentRef:
    id: int | None  # None: the whole audience of the wave
    name: str
    name_en: str | None

    def label(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name


@dataclass(frozen=True)
class WaveOption:
    wave_id: int
    survey_id: int
    number: int
    title_fa: str
    title_en: str | None
    opens_at: datetime
    closes_at: datetime
    status: str
    min_group_size: int
    comment_threshold: int

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_fa) if locale == "en" else self.title_fa


@dataclass(frozen=True)
class Participation:
    invited: int | None
    respondents: int | None
    rate: float | None  # a fraction 0–1
    hidden: HiddenReason


@dataclass(frozen=True)
class ItemResult:
    item: FormItem
    survey_item_id: int
    n: int | None
    hidden: HiddenReason
    likert: LikertSummary | None = None
    enps: EnpsSummary | None = None
    choice_shares: tuple[float, ...] = ()  # per option, fractions 0–1
    org_likert: LikertSummary | None = None
    org_enps: EnpsSummary | None = None


@dataclass(frozen=True)
class DriverResult:
    driver: str
    n: int | None
    hidden: HiddenReason
    summary: LikertSummary | None  # all its items' answers pooled
    score: float | None  # mean of its items' 0–100 scores
    org_summary: LikertSummary | None
    org_score: float | None
    org_hidden: HiddenReason


@dataclass(frozen=True)
class GroupResults:
    wave: WaveOption
    department: DepartmentRef
    reported_under: DepartmentRef | None  # the department was rolled up into this one
    hidden: HiddenReason
    participation: Participation
    organisation_participation: Participation | None  # None: not the viewer's to see
    items: list[ItemResult]
    drivers: list[DriverResult]
    enps: ItemResult | None
    comments_shown: bool


def _scope(session: Session, actor: Actor) -> set[int] | None:
    """Departments whose results the actor may see; None means all."""
    require_active(session, actor, "view_survey_results")
    if can(actor, "view_all_results"):
        return None
    return departments.subtree_ids(session, actor.department_id)


def audience_view(scope: set[int] | None, audience: Iterable[int]) -> tuple[bool, bool]:
    """The one scope rule of every results read: (the viewer sees the wave, the
    viewer sees its whole-audience group).

    `audience` is the wave's frozen audience (survey_wave_departments). A viewer
    limited to a subtree sees a wave only if its audience meets the subtree, and
    the whole-audience group (the organisation figures) only if all of the
    audience lies inside it: otherwise those figures would be other departments'.
    """
    if scope is None:
        return True, True
    audience = set(audience)
    return bool(audience & scope), audience <= scope


def _wave_option(session: Session, wave_id: int) -> WaveOption:
    row = session.execute(
        select(SurveyWave.id, SurveyWave.survey_id, SurveyWave.number, Survey.title_fa,
               Survey.title_en, SurveyWave.opens_at, SurveyWave.closes_at, SurveyWave.status,
               SurveyWave.min_group_size, SurveyWave.comment_threshold)
        .join(Survey, Survey.id == SurveyWave.survey_id).where(SurveyWave.id == wave_id)
    ).one_or_none()
    if row is None:
        raise NotFound()
    return WaveOption(*row)


def result_waves(session: Session, actor: Actor) -> list[WaveOption]:
    """Every wave the actor may see (audience_view), newest first; open ones show
    participation only."""
    scope = _scope(session, actor)
    query = (select(SurveyWave.id, SurveyWave.survey_id, SurveyWave.number, Survey.title_fa,
                    Survey.title_en, SurveyWave.opens_at, SurveyWave.closes_at,
                    SurveyWave.status, SurveyWave.min_group_size, SurveyWave.comment_threshold)
             .join(Survey, Survey.id == SurveyWave.survey_id)
             .order_by(SurveyWave.opens_at.desc(), SurveyWave.id.desc()))
    if scope is not None:
        # audience_view's first half in SQL: the frozen audience meets the subtree.
        query = query.where(SurveyWave.id.in_(
            select(SurveyWaveDepartment.wave_id)
            .where(SurveyWaveDepartment.department_id.in_(sorted(scope)))))
    return [WaveOption(*row) for row in session.execute(query).all()]


def _department_refs(session: Session, ids: Iterable[int]) -> dict[int, DepartmentRef]:
    wanted = sorted(set(ids))
    refs: dict[int, DepartmentRef] = {}
    for start in range(0, len(wanted), 900):
        rows = session.execute(select(Department.id, Department.name, Department.name_en)
                               .where(Department.id.in_(wanted[start:start + 900])))
        refs.update({row.id: DepartmentRef(row.id, row.name, row.name_en) for row in rows})
    return refs


def whole_audience() -> DepartmentRef:
    return DepartmentRef(None, "کل سازمان", "Whole organisation")


@dataclass(frozen=True)
class _Snapshot:
    parent_of: dict[int, int | None]
    report: dict[int, int | None]
    invited: dict[int, int]


def _snapshot(session: Session, wave_id: int) -> _Snapshot:
    rows = session.execute(select(SurveyWaveDepartment.department_id,
                                  SurveyWaveDepartment.parent_id,
                                  SurveyWaveDepartment.report_department_id,
                                  SurveyWaveDepartment.invited)
                           .where(SurveyWaveDepartment.wave_id == wave_id)).all()
    return _Snapshot({r.department_id: r.parent_id for r in rows},
                     {r.department_id: r.report_department_id for r in rows},
                     {r.department_id: r.invited for r in rows})


@dataclass(frozen=True)
class _WaveScope:
    """One wave as one viewer may see it: every results read of a wave starts here."""

    wave: WaveOption
    snapshot: _Snapshot
    departments: set[int] | None  # groups the viewer may see; None: all
    whole_audience: bool  # may see the whole-audience group (department_id NULL)

    def allows(self, department_id: int | None) -> bool:
        return _allows(self.departments, self.whole_audience, department_id)

    def department(self, actor: Actor, department_id: int | None) -> int | None:
        return _group_asked(actor, self.departments, self.whole_audience, department_id)


def _allows(scope: set[int] | None, whole_audience: bool, department_id: int | None) -> bool:
    if department_id is None:
        return whole_audience
    return scope is None or department_id in scope


def _group_asked(actor: Actor, scope: set[int] | None, whole_audience: bool,
                 department_id: int | None) -> int | None:
    """The group asked for (the viewer's default for _DEFAULT), or PermissionDenied."""
    if department_id == _DEFAULT:
        department_id = None if scope is None else actor.department_id
    if not _allows(scope, whole_audience, department_id):
        raise PermissionDenied()
    return department_id


def _wave_scope(session: Session, actor: Actor, wave_id: int) -> _WaveScope:
    """The wave if the actor may see it (NotFound otherwise: not even that it exists)."""
    scope = _scope(session, actor)
    wave = _wave_option(session, wave_id)
    snapshot = _snapshot(session, wave_id)
    sees_wave, sees_whole = audience_view(scope, snapshot.parent_of)
    if not sees_wave:
        raise NotFound()
    return _WaveScope(wave, snapshot, scope, sees_whole)


def _groups(session: Session, wave_ids: Sequence[int],
            department_ids: Sequence[int | None] | None = None) -> list[SurveyResultGroup]:
    query = select(SurveyResultGroup).where(SurveyResultGroup.wave_id.in_(wave_ids))
    if department_ids is not None:
        concrete = [d for d in department_ids if d is not None]
        condition = SurveyResultGroup.department_id.in_(concrete)
        if None in department_ids:
            condition = condition | SurveyResultGroup.department_id.is_(None)
        query = query.where(condition)
    return list(session.scalars(query))


def _group_cells(session: Session, group_ids: Sequence[int]
                 ) -> dict[tuple[int, int], tuple[int, HiddenReason, dict[int, int]]]:
    """(group, wave item) -> (n, hidden, {value: count}), two small indexed reads."""
    if not group_ids:
        return {}
    cells: dict[tuple[int, int], tuple[int, HiddenReason, dict[int, int]]] = {}
    for group_id, item_id, n, hidden in session.execute(
            select(SurveyResultItem.group_id, SurveyResultItem.wave_item_id, SurveyResultItem.n,
                   SurveyResultItem.hidden).where(SurveyResultItem.group_id.in_(group_ids))):
        cells[(group_id, item_id)] = (n, hidden, {})
    for group_id, item_id, value, n in session.execute(
            select(SurveyResultCount.group_id, SurveyResultCount.wave_item_id,
                   SurveyResultCount.value, SurveyResultCount.n)
            .where(SurveyResultCount.group_id.in_(group_ids))):
        cells[(group_id, item_id)][2][value] = n
    return cells


def _participation(group: SurveyResultGroup | None) -> Participation:
    if group is None:
        return Participation(None, None, None, "below_k")
    if group.participation_hidden:
        return Participation(None, None, None, group.participation_hidden)
    rate = participation_rate(min(group.respondents, group.invited), group.invited)
    return Participation(group.invited, group.respondents, rate, None)


def _item_result(item: FormItem, survey_item_id: int,
                 cell: tuple[int, HiddenReason, dict[int, int]] | None,
                 org: tuple[int, HiddenReason, dict[int, int]] | None,
                 group_hidden: HiddenReason) -> ItemResult:
    org_likert = org_enps = None
    if org is not None and org[1] is None:
        org_likert = summarise_likert(org[2]) if item.kind == "likert5" else None
        org_enps = summarise_enps(org[2]) if item.kind == "enps" else None
    hidden = group_hidden or (cell[1] if cell else "below_k")
    if hidden or cell is None:
        return ItemResult(item, survey_item_id, None, hidden, org_likert=org_likert,
                          org_enps=org_enps)
    n, _, counts = cell
    shares: tuple[float, ...] = ()
    if item.kind == "choice" and n:
        shares = tuple(counts.get(i, 0) / n for i in range(len(item.options)))
    return ItemResult(
        item, survey_item_id, n, None,
        likert=summarise_likert(counts) if item.kind == "likert5" else None,
        enps=summarise_enps(counts) if item.kind == "enps" else None,
        choice_shares=shares, org_likert=org_likert, org_enps=org_enps)


def _driver_results(items: Sequence[ItemResult],
                    cells: Mapping[int, tuple[int, HiddenReason, dict[int, int]]],
                    org_cells: Mapping[int, tuple[int, HiddenReason, dict[int, int]]],
                    group_hidden: HiddenReason) -> list[DriverResult]:
    results = []
    for driver in DRIVERS:
        members = [r for r in items if r.item.driver == driver and r.item.kind == "likert5"]
        if not members:
            continue
        hidden = group_hidden or next((r.hidden for r in members if r.hidden), None)
        summary = score = None
        n = None
        if not hidden:
            pooled: dict[int, int] = {}
            for r in members:
                for value, count in cells[r.item.id][2].items():
                    pooled[value] = pooled.get(value, 0) + count
            summary = summarise_likert(pooled)
            score = driver_score([r.likert.score for r in members if r.likert])
            n = min(r.n or 0 for r in members)
        if any(r.item.id not in org_cells for r in members):
            org_hidden = "below_k"  # no organisation figures (or none for this viewer)
        else:
            org_hidden = next((org_cells[r.item.id][1] for r in members
                               if org_cells[r.item.id][1]), None)
        org_summary = org_score = None
        if not org_hidden:
            pooled = {}
            for r in members:
                for value, count in org_cells[r.item.id][2].items():
                    pooled[value] = pooled.get(value, 0) + count
            org_summary = summarise_likert(pooled)
            org_score = driver_score([r.org_likert.score for r in members if r.org_likert])
        results.append(DriverResult(driver, n, hidden, summary, score, org_summary, org_score,
                                    org_hidden))
    return results


def _wave_items(session: Session, wave_ids: Sequence[int]) -> dict[int, list[tuple[FormItem, int]]]:
    rows = session.scalars(select(SurveyWaveItem).where(SurveyWaveItem.wave_id.in_(wave_ids))
                           .order_by(SurveyWaveItem.wave_id, SurveyWaveItem.position)).all()
    found: dict[int, list[tuple[FormItem, int]]] = {wave_id: [] for wave_id in wave_ids}
    for row in rows:
        found[row.wave_id].append((FormItem(
            row.id, row.position, row.kind, row.driver, row.text_fa, row.text_en,
            tuple(tuple(o) for o in json.loads(row.options or "[]")), row.required),
            row.survey_item_id))
    return found


_AUDIENCE = "audience"  # the whole audience's key among live participation cells


def _live_participation_hidden(snapshot: _Snapshot, k: int) -> dict:
    """Which live participation figures of an open wave may be shown.

    The same complementary suppression as closed results, on invited counts:
    a shown parent minus its shown children must leave 0 or at least k
    invited people, so nobody can work out, say, "2 of 2 answered" for a
    hidden unit by subtraction.
    """
    subtree = subtree_headcounts(snapshot.parent_of, snapshot.invited)
    cells = [Cell(_AUDIENCE, None, sum(snapshot.invited.values()))] + [
        Cell(dept, _AUDIENCE if parent is None else parent, subtree[dept])
        for dept, parent in snapshot.parent_of.items()]
    return suppress(cells, k)


def _live_participation(session: Session, wave: WaveOption, snapshot: _Snapshot,
                        department_id: int | None) -> Participation:
    """Participation so far in an open wave, for a department subtree or everyone."""
    key = _AUDIENCE if department_id is None else department_id
    if key != _AUDIENCE and key not in snapshot.parent_of:
        return Participation(None, None, None, "below_k")
    hidden = _live_participation_hidden(snapshot, wave.min_group_size)[key]
    if hidden is not None:
        return Participation(None, None, None, hidden)
    query = select(func.count()).select_from(SurveyParticipation).where(
        SurveyParticipation.wave_id == wave.wave_id)
    if department_id is None:
        invited = sum(snapshot.invited.values())
    else:
        subtree = departments.descendants(snapshot.parent_of, [department_id])
        invited = sum(snapshot.invited.get(d, 0) for d in subtree)
        query = query.join(User, User.id == SurveyParticipation.user_id).where(
            User.department_id.in_(departments.descendants(
                departments.parent_map(session), [department_id])))
    respondents = min(session.scalar(query) or 0, invited)
    return Participation(invited, respondents, participation_rate(respondents, invited), None)


def group_results(session: Session, actor: Actor, wave_id: int,
                  department_id: int | None = _DEFAULT) -> GroupResults:
    """One wave for one department subtree (or everyone), with the organisation beside
    it when the viewer may see the whole audience."""
    view = _wave_scope(session, actor, wave_id)
    department_id = view.department(actor, department_id)
    wave, snapshot = view.wave, view.snapshot
    refs = _department_refs(session, [department_id] if department_id else [])
    department = refs.get(department_id, whole_audience()) if department_id else whole_audience()
    if wave.status != "closed":
        return GroupResults(wave, department, None, None,
                            _live_participation(session, wave, snapshot, department_id),
                            _live_participation(session, wave, snapshot, None)
                            if view.whole_audience else None, [], [], None, False)
    reported_under = None
    if department_id is not None and department_id in snapshot.report \
            and snapshot.report[department_id] != department_id:
        target = snapshot.report[department_id]
        reported_under = whole_audience() if target is None \
            else _department_refs(session, [target]).get(target)
    wanted = [department_id, None] if view.whole_audience else [department_id]
    groups = {g.department_id: g for g in _groups(session, [wave_id], wanted)}
    group, org = groups.get(department_id), groups.get(None)
    cells = _group_cells(session, [g.id for g in (group, org) if g is not None])
    group_hidden = group.hidden if group else "below_k"
    items = _wave_items(session, [wave_id])[wave_id]
    own = {item.id: cells[(group.id, item.id)] for item, _ in items
           if group and (group.id, item.id) in cells}
    org_cells = {item.id: cells[(org.id, item.id)] for item, _ in items
                 if org and (org.id, item.id) in cells}
    results = [_item_result(item, survey_item_id, own.get(item.id), org_cells.get(item.id),
                            group_hidden) for item, survey_item_id in items
               if item.kind != "comment"]
    drivers = _driver_results(results, own, org_cells, group_hidden)
    enps = next((r for r in results if r.item.kind == "enps"), None)
    return GroupResults(wave, department, reported_under, group_hidden, _participation(group),
                        _participation(org) if view.whole_audience else None, results, drivers,
                        enps, bool(group and group.comments_shown))


def result_departments(session: Session, actor: Actor, wave_id: int) -> list[DepartmentRef]:
    """Groups of the wave the actor may pick, the whole audience and then departments
    parents before children."""
    view = _wave_scope(session, actor, wave_id)
    ordered = [d for d in departments_top_down(view.snapshot.parent_of) if view.allows(d)]
    refs = _department_refs(session, ordered)
    listed = [refs[d] for d in ordered if d in refs]
    return ([whole_audience()] if view.whole_audience else []) + listed


# --- Heatmap ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HeatCell:
    driver: str
    score: float | None
    favorable_pct: float | None
    hidden: HiddenReason


@dataclass(frozen=True)
class HeatRow:
    department: DepartmentRef
    depth: int  # 0 for the focus department, 1 for its sub-departments
    reported_under: DepartmentRef | None
    hidden: HiddenReason
    respondents: int | None
    cells: dict[str, HeatCell]


def heatmap(session: Session, actor: Actor, wave_id: int,
            focus_department_id: int | None = _DEFAULT) -> list[HeatRow]:
    """Department × driver scores for a department and its sub-departments.

    Suppression was decided over the whole tree when the wave closed, so this
    view hides exactly what every other view hides.
    """
    view = _wave_scope(session, actor, wave_id)
    focus = view.department(actor, focus_department_id)
    if view.wave.status != "closed":
        return []
    snapshot = view.snapshot
    roots = sorted(d for d, p in snapshot.parent_of.items() if p is None)
    if focus is None and len(roots) == 1:
        focus = roots[0]
    if focus is None:
        rows = [(d, 0) for d in roots]
    elif focus not in snapshot.parent_of:
        return []
    else:
        children = sorted(d for d, p in snapshot.parent_of.items() if p == focus)
        rows = [(focus, 0)] + [(d, 1) for d in children]
    rows = [(d, depth) for d, depth in rows if view.allows(d)]
    labels = [d for d, _ in rows if snapshot.report.get(d) == d]
    groups = {g.department_id: g for g in _groups(session, [wave_id], labels)}
    cells = _group_cells(session, [g.id for g in groups.values()])
    items = [item for item, _ in _wave_items(session, [wave_id])[wave_id]
             if item.kind == "likert5" and item.driver in DRIVERS]
    refs = _department_refs(session, [d for d, _ in rows] + [
        snapshot.report[d] for d, _ in rows if snapshot.report.get(d)])
    heat: list[HeatRow] = []
    for dept, depth in rows:
        group = groups.get(dept)
        if group is None:
            target = snapshot.report.get(dept)
            heat.append(HeatRow(refs[dept], depth, refs.get(target) if target else whole_audience(),
                                "below_k", None, {}))
            continue
        row_cells: dict[str, HeatCell] = {}
        for driver in DRIVERS:
            members = [item for item in items if item.driver == driver]
            if not members:
                continue
            found = [cells.get((group.id, item.id)) for item in members]
            hidden = group.hidden or next((c[1] for c in found if c and c[1]), None)
            if hidden or any(c is None for c in found):
                row_cells[driver] = HeatCell(driver, None, None, hidden or "below_k")
                continue
            summaries = [summarise_likert(c[2]) for c in found]
            pooled: dict[int, int] = {}
            for c in found:
                for value, count in c[2].items():
                    pooled[value] = pooled.get(value, 0) + count
            summary = summarise_likert(pooled)
            row_cells[driver] = HeatCell(
                driver, driver_score([s.score for s in summaries if s]),
                summary.favorable_pct if summary else None, None)
        heat.append(HeatRow(refs[dept], depth, None, group.hidden,
                            None if group.hidden else group.respondents, row_cells))
    return heat


# --- Trend -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrendPoint:
    wave_id: int
    number: int
    closes_at: datetime
    measure: str  # a driver, or 'enps'
    value: float | None  # driver score 0–100, or eNPS −100..100
    hidden: HiddenReason


def survey_trend(session: Session, actor: Actor, survey_id: int,
                 department_id: int | None = _DEFAULT) -> list[TrendPoint]:
    """Driver scores and eNPS of one department (or everyone) across the closed waves
    of a survey; same items every wave, so the points compare like with like."""
    scope = _scope(session, actor)
    waves = session.execute(select(SurveyWave.id, SurveyWave.number, SurveyWave.closes_at)
                            .where(SurveyWave.survey_id == survey_id,
                                   SurveyWave.status == "closed")
                            .order_by(SurveyWave.number)).all()
    views = {w.id: (True, True) for w in waves}
    if scope is not None and waves:
        audiences: dict[int, set[int]] = {w.id: set() for w in waves}
        for wave_id, dept in session.execute(
                select(SurveyWaveDepartment.wave_id, SurveyWaveDepartment.department_id)
                .where(SurveyWaveDepartment.wave_id.in_(list(audiences)))).tuples():
            audiences[wave_id].add(dept)
        views = {wave_id: audience_view(scope, audience)
                 for wave_id, audience in audiences.items()}
    waves = [w for w in waves if views[w.id][0]]
    department_id = _group_asked(actor, scope, any(views[w.id][1] for w in waves),
                                 department_id)
    if department_id is None:  # only the waves whose whole audience the viewer may see
        waves = [w for w in waves if views[w.id][1]]
    if not waves:
        return []
    wave_ids = [w.id for w in waves]
    groups = {g.wave_id: g for g in _groups(session, wave_ids, [department_id])}
    cells = _group_cells(session, [g.id for g in groups.values()])
    items = _wave_items(session, wave_ids)
    points: list[TrendPoint] = []
    for wave in waves:
        group = groups.get(wave.id)
        measures = [d for d in DRIVERS if any(i.driver == d and i.kind == "likert5"
                                              for i, _ in items[wave.id])]
        if any(i.kind == "enps" for i, _ in items[wave.id]):
            measures.append(ENPS_DRIVER)
        for measure in measures:
            members = [i for i, _ in items[wave.id] if i.driver == measure
                       and i.kind in ("likert5", "enps")]
            found = [cells.get((group.id, i.id)) if group else None for i in members]
            hidden = (group.hidden if group else "below_k") or next(
                (c[1] for c in found if c and c[1]), None)
            if hidden or any(c is None for c in found):
                points.append(TrendPoint(wave.id, wave.number, wave.closes_at, measure, None,
                                         hidden or "below_k"))
                continue
            if measure == ENPS_DRIVER:
                summary = summarise_enps(found[0][2])
                value = summary.enps if summary else None
            else:
                scores = [s.score for s in (summarise_likert(c[2]) for c in found) if s]
                value = driver_score(scores)
            points.append(TrendPoint(wave.id, wave.number, wave.closes_at, measure, value, None))
    return points


# --- Comments ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CommentsResult:
    shown: bool
    threshold: int
    by_item: list[tuple[FormItem, list[str]]]


def wave_comments(session: Session, actor: Actor, wave_id: int,
                  department_id: int | None = _DEFAULT) -> CommentsResult:
    """Comments of a department subtree, only if it has at least the comment
    threshold of respondents; shuffled on every read and never dated."""
    view = _wave_scope(session, actor, wave_id)
    department_id = view.department(actor, department_id)
    wave = view.wave
    if wave.status != "closed":
        return CommentsResult(False, wave.comment_threshold, [])
    groups = _groups(session, [wave_id], [department_id])
    if not groups or not groups[0].comments_shown:
        return CommentsResult(False, wave.comment_threshold, [])
    query = select(SurveyComment.wave_item_id, SurveyComment.body).where(
        SurveyComment.wave_id == wave_id)
    if department_id is not None:
        subtree = departments.descendants(view.snapshot.parent_of, [department_id])
        query = query.where(SurveyComment.department_id.in_(subtree))
    by_item: dict[int, list[str]] = {}
    for item_id, body in session.execute(query):
        by_item.setdefault(item_id, []).append(body)
    items = {item.id: item for item, _ in _wave_items(session, [wave_id])[wave_id]}
    return CommentsResult(True, wave.comment_threshold, [
        (items[item_id], shuffle_comments(texts)) for item_id, texts in sorted(by_item.items())])


# --- Exports -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportRow:
    department: DepartmentRef
    measure: str  # 'participation', 'driver', 'enps' or 'item'
    code: str  # driver name, bank code or item position
    text_fa: str
    text_en: str | None
    n: int | None = None
    invited: int | None = None
    participation: float | None = None
    favorable_pct: float | None = None
    neutral_pct: float | None = None
    unfavorable_pct: float | None = None
    mean: float | None = None
    score: float | None = None
    enps: float | None = None
    promoters_pct: float | None = None
    passives_pct: float | None = None
    detractors_pct: float | None = None
    hidden: HiddenReason = None
    reported_under: DepartmentRef | None = None


def export_rows(session: Session, actor: Actor, wave_id: int) -> list[ExportRow]:
    """Every figure of a closed wave the actor may see, one row each, hidden
    ones with their reason and no number: the same decisions as the page."""
    view = _wave_scope(session, actor, wave_id)
    if view.wave.status != "closed":
        return []
    snapshot = view.snapshot
    ordered = [d for d in departments_top_down(snapshot.parent_of) if view.allows(d)]
    wanted = ([None] if view.whole_audience else []) + ordered
    groups = {g.department_id: g for g in _groups(session, [wave_id], wanted)}
    cells = _group_cells(session, [groups[d].id for d in wanted if d in groups])
    items = _wave_items(session, [wave_id])[wave_id]
    refs = _department_refs(session, list(ordered) + [
        t for t in snapshot.report.values() if t is not None])
    org = groups.get(None)
    org_cells = {item.id: cells[(org.id, item.id)] for item, _ in items
                 if org and (org.id, item.id) in cells}
    rows: list[ExportRow] = []
    for dept in wanted:
        ref = whole_audience() if dept is None else refs[dept]
        group = groups.get(dept)
        if group is None:
            target = snapshot.report.get(dept)
            rows.append(ExportRow(ref, "participation", "participation", "", None,
                                  hidden="below_k", reported_under=refs.get(target)))
            continue
        part = _participation(group)
        rows.append(ExportRow(ref, "participation", "participation", "", None,
                              n=part.respondents, invited=part.invited,
                              participation=part.rate, hidden=part.hidden))
        own = {item.id: cells[(group.id, item.id)] for item, _ in items
               if (group.id, item.id) in cells}
        results = [_item_result(item, sid, own.get(item.id), org_cells.get(item.id),
                                group.hidden) for item, sid in items if item.kind != "comment"]
        for driver in _driver_results(results, own, org_cells, group.hidden):
            s = driver.summary
            rows.append(ExportRow(ref, "driver", driver.driver, "", None, n=driver.n,
                                  favorable_pct=s.favorable_pct if s else None,
                                  neutral_pct=s.neutral_pct if s else None,
                                  unfavorable_pct=s.unfavorable_pct if s else None,
                                  mean=s.mean if s else None, score=driver.score,
                                  hidden=driver.hidden))
        for result in results:
            item = result.item
            code = item.driver if item.kind == "enps" else f"Q{item.position}"
            likert, enps = result.likert, result.enps
            rows.append(ExportRow(
                ref, "enps" if item.kind == "enps" else "item", code or f"Q{item.position}",
                item.text_fa, item.text_en, n=result.n,
                favorable_pct=likert.favorable_pct if likert else None,
                neutral_pct=likert.neutral_pct if likert else None,
                unfavorable_pct=likert.unfavorable_pct if likert else None,
                mean=likert.mean if likert else None, score=likert.score if likert else None,
                enps=enps.enps if enps else None,
                promoters_pct=enps.promoters_pct if enps else None,
                passives_pct=enps.passives_pct if enps else None,
                detractors_pct=enps.detractors_pct if enps else None, hidden=result.hidden))
    return rows


# --- Action items -------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionItemRow:
    id: int
    title: str
    description: str | None
    owner: str
    due_on: date
    status: str
    driver: str | None
    department: DepartmentRef
    created_at: datetime


def owner_choices(session: Session, actor: Actor,
                  department_id: int | None) -> list[tuple[int, str]]:
    """People who may own an action for a department: its managers and leaders,
    and the actor. (Every employee would be thousands of names at scale L.)"""
    require_active(session, actor, "create_action_items")
    query = select(User.id, User.display_name).where(
        User.active.is_(True), User.role.in_(("manager", "pr", "admin")))
    if not can(actor, "view_all_results"):
        # A manager chooses among people of their own subtree only (None: all of it).
        scope = departments.subtree_ids(session, actor.department_id)
        if department_id is not None and department_id not in scope:
            raise PermissionDenied()
        department_id = actor.department_id if department_id is None else department_id
    if department_id is not None:
        query = query.where(User.department_id.in_(departments.subtree_ids(session,
                                                                           department_id)))
    found = dict(session.execute(query.order_by(User.display_name).limit(500)).tuples().all())
    found.setdefault(actor.id, actor.display_name or actor.username)
    return sorted(found.items(), key=lambda pair: (pair[0] != actor.id, pair[1]))


def create_action_item(session: Session, actor: Actor, wave_id: int, driver: str,
                       department_id: int | None, title: str, owner_id: int | None,
                       due_on: date | None, description: str | None = None,
                       now: datetime | None = None) -> int:
    """An action that answers a driver's result, for a group whose result is shown."""
    require_active(session, actor, "create_action_items")
    now = now or utcnow()
    view = _wave_scope(session, actor, wave_id)
    department_id = view.department(actor, department_id)
    title = clean_line(title, "title", ACTION_TITLE_MAX, required=True)
    description = clean_block(description, "description", ACTION_DESCRIPTION_MAX)
    if owner_id is None:
        raise InvalidInput("errors.required", field="owner")
    due_on = action_items.check_due_on(due_on, clock.local_today(now))
    results = group_results(session, actor, wave_id, department_id)
    if results.wave.status != "closed":
        raise InvalidInput("surveys.errors.not_closed", field="driver")
    result = next((d for d in results.drivers if d.driver == driver), None)
    if result is None:
        raise InvalidInput("surveys.errors.driver_unknown", field="driver")
    if result.hidden:
        raise InvalidInput("surveys.errors.result_hidden", field="driver")
    owner = session.get(User, owner_id)
    allowed = {user_id for user_id, _ in owner_choices(session, actor, department_id)}
    if owner is None or not owner.active or (owner_id not in allowed
                                             and view.departments is not None):
        raise InvalidInput("surveys.errors.owner_invalid", field="owner")
    item = ActionItem(title=title, description=description, owner_id=owner_id, due_on=due_on,
                      status="open", source="survey", source_wave_id=wave_id,
                      source_driver=driver, source_department_id=department_id,
                      created_by=actor.id, created_at=now, updated_at=now)
    session.add(item)
    session.flush()
    audit.record(session, actor, "action_item.create", "action_item", item.id, title=title,
                 owner_id=owner_id, due_on=due_on.isoformat(), wave_id=wave_id, driver=driver,
                 department_id=department_id)
    return item.id


def survey_action_items(session: Session, actor: Actor, wave_id: int) -> list[ActionItemRow]:
    """Actions created from a wave's results, for the groups the actor may see."""
    view = _wave_scope(session, actor, wave_id)
    owner = User.__table__.alias("owner")
    rows = session.execute(
        select(ActionItem, owner.c.display_name)
        .join(owner, owner.c.id == ActionItem.owner_id)
        .where(ActionItem.source_wave_id == wave_id)
        .order_by(ActionItem.due_on, ActionItem.id)).all()
    refs = _department_refs(session, [a.source_department_id for a, _ in rows
                                      if a.source_department_id])
    found = []
    for action, owner_name in rows:
        dept = action.source_department_id
        if not view.allows(dept):
            continue
        found.append(ActionItemRow(action.id, action.title, action.description, owner_name,
                                   action.due_on, action.status, action.source_driver,
                                   refs.get(dept, whole_audience()) if dept else whole_audience(),
                                   action.created_at))
    return found


def set_action_status(session: Session, actor: Actor, action_id: int, status: str,
                      now: datetime | None = None, expected: str | None = None) -> None:
    """The owner or a leader with the department in scope moves an action along.

    `expected` is the status the person saw: if someone else moved the action
    meanwhile, their change is kept and this one refused, not silently overwritten.
    """
    if status not in ACTION_STATUSES:
        raise InvalidInput("surveys.errors.status_unknown", field="status")
    require_active(session, actor)
    action = get_or_not_found(session, ActionItem, action_id, with_for_update=True)
    if action.owner_id != actor.id:
        require_active(session, actor, "create_action_items")
        scope = _scope(session, actor)
        if scope is not None and action.source_department_id not in scope:
            raise PermissionDenied()
    if expected is not None and action.status != expected:
        raise Conflict("errors.edited_by_someone_else")
    if action.status == status:
        return
    now = now or utcnow()
    audit.record(session, actor, "action_item.status", "action_item", action_id,
                 old=action.status, new=status)
    action.status = status
    action.updated_at = now
    action.done_at = now if status == "done" else None


# --- Design overview ----------------------------------------------------------------------

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
