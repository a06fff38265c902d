"""Waves by the clock: when each wave of a survey opens and closes, and the tick
that closes waves whose time is up and opens those that are due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import jdatetime
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access import clock, departments
from data_access.models import Department, utcnow
from data_access.models.surveys import (
    Survey,
    SurveyAudience,
    SurveyItem,
    SurveyWave,
    SurveyWaveDepartment,
    SurveyWaveItem,
)
from data_access.surveys import sealing
from data_access.surveys.closing import _close_wave

PERIODS = {"weekly": timedelta(days=7), "biweekly": timedelta(days=14)}

def repeat_until_instant(value: datetime | date | None) -> datetime | None:
    """When a recurring survey stops opening waves. A day (as a designer picks it)
    means through that whole local day: its last minute in the display zone."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(23, 59), tzinfo=clock.display_zone()).astimezone(UTC)


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

