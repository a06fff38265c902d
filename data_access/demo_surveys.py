"""Demo data for pulse surveys: a year of a biweekly «تعلق و رضایت» pulse.

Closed waves are stored through `surveys.store_results`, the same code that
closes a real wave, so the demo has exactly the real anonymous layout
(random ids, random physical order, no times, reporting departments of at
least k respondents) and its pre-aggregates. The current wave is open and
half answered: those submissions are sealed in the pool like real ones. At
scale L this is about nine million answer rows, written with COPY or
executemany in one transaction per wave.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access import clock, surveys
from data_access.demo import DemoContext
from data_access.models.action_items import ActionItem
from data_access.models.surveys import (
    Survey,
    SurveyItem,
    SurveyParticipation,
    SurveySubmissionPool,
    SurveyWave,
)
from data_access.surveys import answering, closing, design, schedule, sealing

WAVES = 26
WAVE_LENGTH = timedelta(days=7)
ITEM_CODES = ("bel_01", "bel_03", "sat_01", "rec_01", "mgr_02", "wlb_01", "grw_04", "enps_01")
COMMENT_QUESTION = ("اگر بخواهید یک چیز در محیط کارتان تغییر کند، آن چیست؟",
                    "If you could change one thing about your workplace, what would it be?")
COMMENTS = (
    "جلسه‌های هفتگی واحد خیلی طولانی است و بیشتر وقت کار را می‌گیرد.",
    "ای کاش برنامه آموزشی منظم‌تری برای نیروهای جدید داشتیم.",
    "از همکاری همکارانم در ماه گذشته واقعاً ممنونم.",
    "سامانه اتوماسیون اداری کند است و کار را عقب می‌اندازد.",
    "تقسیم شیفت‌ها منصفانه‌تر شده است؛ ادامه دهید.",
    "بهتر است تصمیم‌های مهم زودتر به ما اطلاع داده شود.",
    "فضای استراحت و غذاخوری نیاز به رسیدگی دارد.",
    "مدیر واحد ما همیشه برای شنیدن مشکلات وقت می‌گذارد.",
    "حجم کار در پایان هر ماه بسیار زیاد می‌شود.",
    "تشویق کارکنان فقط در حرف است؛ کاش در عمل هم دیده شود.",
    "سرویس رفت‌وآمد کارکنان در مسیرهای جنوبی کافی نیست.",
    "ارتباط بین واحدها بهتر از سال گذشته شده است.",
    "دسترسی به تجهیزات ایمنی در کارگاه‌ها باید بیشتر شود.",
    "برای پیشنهادهای کارکنان سامانه‌ای بگذارید که پاسخ هم بدهد.",
    "از برگزاری دوره‌های مهارتی اخیر راضی بودم.",
    "مسیر ارتقای شغلی برای ما روشن نیست.",
    "گاهی کارها بدون هماهنگی قبلی به ما سپرده می‌شود.",
    "نظافت و نور ساختمان اداری بهتر شده است.",
    "کاش امکان دورکاری برای برخی کارها فراهم شود.",
    "همکاران جدید خیلی زود با تیم هماهنگ شدند.",
)
# How much each item follows the person's general mood, and its own level.
ITEM_LEVEL = np.array([0.35, 0.55, 0.1, -0.25, 0.05, -0.35, -0.1])


def seed(session: Session, context: DemoContext) -> None:
    rng = np.random.default_rng(context.rng.randrange(2**32))
    now = context.now
    first_opens = now - timedelta(days=14 * (WAVES - 1) + 3)
    survey = Survey(
        title_fa="نظرسنجی دوره‌ای تعلق و رضایت",
        title_en="Belonging and satisfaction pulse",
        intro_fa="هر دو هفته چند پرسش کوتاه درباره حس تعلق، رضایت و شرایط کار. "
                 "پاسخ‌ها بی‌نام ذخیره می‌شوند و فقط به‌صورت گروهی دیده می‌شوند.",
        intro_en="A few short questions every two weeks on belonging, satisfaction and working "
                 "conditions. Answers are stored without names and only seen in groups.",
        audience_all=True, cadence="biweekly", first_opens_at=first_opens,
        first_closes_at=first_opens + WAVE_LENGTH, min_group_size=5, comment_threshold=10,
        created_by=context.accounts.get("pr"), created_at=first_opens - timedelta(days=2),
    )
    session.add(survey)
    session.flush()
    bank = design._bank_by_code(session)
    for position, code in enumerate(ITEM_CODES, start=1):
        item = bank[code]
        session.add(SurveyItem(survey_id=survey.id, position=position, bank_code=code,
                               driver=item.driver, kind=item.kind, text_fa=item.text_fa,
                               text_en=item.text_en, required=True))
    session.add(SurveyItem(survey_id=survey.id, position=len(ITEM_CODES) + 1, kind="comment",
                           text_fa=COMMENT_QUESTION[0], text_en=COMMENT_QUESTION[1],
                           required=False))
    session.flush()

    people = [(user, dept) for dept, users in context.members.items() for user in users]
    user_ids = np.array([user for user, _ in people], dtype=np.int64)
    user_departments = np.array([dept for _, dept in people], dtype=np.int64)
    # Departments differ in mood and in how often they answer, and drift apart slowly.
    mood = {dept: rng.normal(0, 0.45) for dept in context.departments}
    turnout = {dept: rng.uniform(0.6, 0.85) for dept in context.departments}
    walk = {dept: np.cumsum(rng.normal(0, 0.06, WAVES)) for dept in context.departments}
    # The organisation improves a little after a hard winter (waves 8–13).
    season = np.array([0.1 - 0.35 * np.exp(-((w - 10) / 3.0) ** 2) + 0.012 * w
                       for w in range(WAVES)])
    dept_mood = np.array([mood[d] for d in user_departments])
    dept_turnout = np.array([turnout[d] for d in user_departments])
    demo_accounts = np.isin(user_ids, list(context.accounts.values()))

    for number in range(1, WAVES + 1):
        opens, closes = schedule._wave_window(first_opens, first_opens + WAVE_LENGTH,
                                             "biweekly", number)
        wave_id = schedule._open_wave(session, survey, number, opens, closes)
        is_open = closes > now
        chance = dept_turnout * (0.55 if is_open else 1.0)
        answered = rng.random(len(user_ids)) < chance
        if is_open:
            answered[demo_accounts] = False  # left for the demo accounts to answer
        wave_walk = np.array([walk[d][number - 1] for d in user_departments[answered]])
        columns = _answers(rng, user_departments[answered],
                           dept_mood[answered] + wave_walk + season[number - 1])
        item_ids = [row.id for row in answering._form_items(session, wave_id)]
        columns = surveys.SubmissionColumns(
            columns.departments,
            {item_ids[i]: values for i, values in enumerate(columns.values.values())},
            {item_ids[-1]: columns.comments[0]})
        closing._bulk_insert(session, SurveyParticipation.__table__, ("wave_id", "user_id"),
                             ((wave_id, int(u)) for u in np.sort(user_ids[answered])))
        if is_open:
            _seal_into_pool(session, wave_id, item_ids, columns)
        else:
            surveys.store_results(session, wave_id, columns, closes)
            sealing.destroy_after_commit(session, session.get(SurveyWave, wave_id).key_id)
    _action_items(session, context, survey.id)


def _answers(rng: np.random.Generator, departments: np.ndarray,
             mood: np.ndarray) -> surveys.SubmissionColumns:
    count = len(departments)
    person = mood + rng.normal(0, 0.7, count)
    values: dict[int, np.ndarray] = {}
    for index, level in enumerate(ITEM_LEVEL):
        raw = 3.3 + level + person + rng.normal(0, 0.75, count)
        values[index] = np.clip(np.rint(raw), 1, 5).astype(np.int64)
    enps = 6.6 + 1.9 * person + rng.normal(0, 1.4, count)
    values[len(ITEM_LEVEL)] = np.clip(np.rint(enps), 0, 10).astype(np.int64)
    writes = rng.random(count) < 0.18
    picks = rng.integers(0, len(COMMENTS), count)
    comments = [COMMENTS[picks[i]] if writes[i] else None for i in range(count)]
    return surveys.SubmissionColumns(departments, values, {0: comments})


def _seal_into_pool(session: Session, wave_id: int, item_ids: list[int],
                    columns: surveys.SubmissionColumns) -> None:
    """The open wave's submissions, sealed exactly as `surveys.submit` seals them."""
    kinds = [item.kind for item in answering._form_items(session, wave_id)]
    size = answering._sealed_size(kinds)
    scored = list(columns.values.items())
    comment_id, comments = next(iter(columns.comments.items()))
    ids = answering._random_ids(len(columns.departments))
    key_id = session.get(SurveyWave, wave_id).key_id
    rows = []
    for index, dept in enumerate(columns.departments.tolist()):
        payload = {"d": dept, "a": [[item_id, int(values[index])] for item_id, values in scored],
                   "c": [[comment_id, comments[index]]] if comments[index] else []}
        rows.append((wave_id, int(ids[index]), sealing.seal(wave_id, key_id, size, payload)))
    rows.sort(key=lambda row: row[1])
    session.execute(insert(SurveySubmissionPool),
                    [dict(wave_id=w, id=i, sealed=s) for w, i, s in rows])


def _action_items(session: Session, context: DemoContext, survey_id: int) -> None:
    """Two follow-ups a manager and the PR unit created from earlier results."""
    waves = session.scalars(select(SurveyWave.id).where(
        SurveyWave.survey_id == survey_id, SurveyWave.status == "closed")
        .order_by(SurveyWave.number.desc()).limit(3)).all()
    if len(waves) < 3 or "manager" not in context.accounts or "pr" not in context.accounts:
        return
    manager, pr = context.accounts["manager"], context.accounts["pr"]
    manager_dept = next(d for d, users in context.members.items() if manager in users)
    today = clock.local_today(context.now)
    session.execute(insert(ActionItem), [
        dict(title="گفت‌وگوی ماهانه با کارکنان درباره بار کاری",
             description="جلسه‌ای کوتاه در پایان هر ماه برای شنیدن مشکلات تقسیم کار.",
             owner_id=manager, due_on=today + timedelta(days=20), status="in_progress",
             source="survey", source_wave_id=waves[2], source_driver="workload_wellbeing",
             source_department_id=manager_dept, created_by=manager,
             created_at=context.now - timedelta(days=30),
             updated_at=context.now - timedelta(days=5)),
        dict(title="راه‌اندازی «تقدیر ماه» در خبرنامه داخلی",
             description="معرفی همکارانی که همکارانشان از آن‌ها قدردانی کرده‌اند.",
             owner_id=pr, due_on=today + timedelta(days=35), status="open", source="survey",
             source_wave_id=waves[0], source_driver="recognition", source_department_id=None,
             created_by=pr, created_at=context.now - timedelta(days=3),
             updated_at=context.now - timedelta(days=3)),
    ])
