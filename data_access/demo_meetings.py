"""Demo data for meeting records: a year of meetings per department (a series every three
weeks and a few one-offs, some confidential, some cancelled) with agendas, attendance,
minutes, sign-offs, numbered decisions and action items in every state, some overdue.

Written with bulk inserts (about 20,000 meetings at scale L); decision numbers follow
the meetings' order in time, and the counters continue after them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access import clock
from data_access.demo import DemoContext
from data_access.meetings import ensure_builtin_types, jalali_year
from data_access.models import User
from data_access.models.action_items import ActionItem
from data_access.models.meetings import (
    AgendaItem,
    Decision,
    DecisionCounter,
    Meeting,
    MeetingAttendee,
    MeetingGuest,
    MeetingType,
)
from data_access.text import search_key

PER_DEPARTMENT = {"S": 16, "M": 30, "L": 50}
SERIES_EVERY = timedelta(days=21)
TITLES = {
    "department": "جلسه هماهنگی هفتگی واحد",
    "management": "جلسه مدیران",
    "committee": "کمیسیون ایمنی و بهداشت کار",
    "staff": "جلسه عمومی کارکنان",
}
AGENDA = (
    "گزارش پیشرفت پروژه‌های جاری", "بررسی شکایات شهروندان در سامانه ۱۳۷",
    "برنامه نگهداری ناوگان و تجهیزات", "بودجه و تخصیص اعتبار فصل آینده",
    "هماهنگی با منطقه‌های شهرداری", "آموزش کارکنان جدید", "ایمنی کارگاه‌ها و بازدیدها",
    "پیگیری مصوبات جلسه قبل", "برنامه مناسبت‌های ماه آینده", "گزارش اضافه‌کار و مرخصی‌ها",
)
NOTES = (
    "گزارش ارائه شد و مقرر شد **تا جلسه بعد** جمع‌بندی نهایی ارسال شود.",
    "- سه مورد از شکایات بررسی و پاسخ داده شد\n- دو مورد به واحد حقوقی ارجاع شد",
    "اعضا درباره اولویت‌ها بحث کردند؛ تصمیم به جلسه بعد موکول شد.",
    "برنامه پیشنهادی با اصلاحات جزئی تأیید شد.",
)
DECISIONS = (
    "واحد مربوط تا پایان ماه برنامه اجرایی را تدوین و ارائه کند.",
    "بازدید ماهانه از کارگاه‌ها با حضور کارشناس ایمنی انجام شود.",
    "گزارش هفتگی پیشرفت پروژه‌ها در سامانه پیوند ثبت شود.",
    "اعتبار لازم برای خرید تجهیزات از محل بودجه جاری تأمین شود.",
    "دوره آموزشی کارکنان جدید در نیمه اول ماه آینده برگزار شود.",
    "با منطقه‌های شهرداری برای هماهنگی ترافیکی جلسه مشترک گذاشته شود.",
)
ACTIONS = ("تهیه گزارش اجرایی", "پیگیری خرید تجهیزات", "تنظیم برنامه بازدید",
           "ارسال نامه به منطقه", "برگزاری دوره آموزشی", "به‌روزرسانی فهرست تماس‌ها")
GUESTS = ("مهندس کریمی (مشاور)", "نماینده شورای شهر", "کارشناس پیمانکار")


@dataclass
class _Plan:
    starts_at: datetime
    department: int
    organiser: int
    type_code: str
    status: str
    confidential: bool
    recurrence: str
    people: list[int]
    guests: list[str] = field(default_factory=list)


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=clock.display_zone()).astimezone(
        clock.utcnow().tzinfo)


def _plans(session: Session, context: DemoContext) -> list[_Plan]:
    rng, now = context.rng, context.now
    today = clock.local_today(now)
    leaders: dict[int, list[int]] = defaultdict(list)
    for user_id, department in session.execute(
            select(User.id, User.department_id).where(User.role == "manager",
                                                      User.active.is_(True))).tuples():
        leaders[department].append(user_id)
    demo_manager, demo_employee = context.accounts["manager"], context.accounts["employee"]
    manager_department = session.get(User, demo_manager).department_id
    plans: list[_Plan] = []
    for department in context.departments:
        members = context.members.get(department, [])
        if department == manager_department:
            organiser = demo_manager
        elif leaders.get(department):
            organiser = leaders[department][0]
        else:
            continue
        count = PER_DEPARTMENT.get(context.scale, 16)
        for n in range(count):
            series = n < count - 3
            day = today + timedelta(days=14) - (SERIES_EVERY * n if series else
                                                timedelta(days=rng.randrange(10, 330)))
            code = "department" if series else rng.choice(("management", "committee", "staff"))
            starts_at = _at_nine(day)
            if starts_at > now:
                status = "planned"
            elif rng.random() < 0.08:
                status = "cancelled"
            else:
                status = "held" if (now - starts_at).days < 10 else "approved"
            others = [m for m in members if m != organiser]
            people = [organiser] + rng.sample(others, min(len(others), rng.randint(3, 6)))
            if department == manager_department and demo_employee not in people:
                people.append(demo_employee)
            plans.append(_Plan(
                starts_at, department, organiser, code, status,
                confidential=code == "management" and rng.random() < 0.5,
                recurrence="biweekly" if series else "none", people=people,
                guests=[rng.choice(GUESTS)] if rng.random() < 0.2 else []))
    plans.sort(key=lambda p: p.starts_at)
    return plans


def _batches(rows: list[dict], size: int = 5_000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert_returning(session: Session, model, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for batch in _batches(rows):
        ids += session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                               batch).all()
    return ids


def seed(session: Session, context: DemoContext) -> None:
    ensure_builtin_types(session)
    types = dict(session.execute(select(MeetingType.code, MeetingType.id)
                                 .where(MeetingType.code.is_not(None))).tuples().all())
    rng, now = context.rng, context.now
    today = clock.local_today(now)
    plans = _plans(session, context)
    meeting_ids = _insert_returning(session, Meeting, [dict(
        title=TITLES[p.type_code], title_key=search_key(TITLES[p.type_code]),
        type_id=types[p.type_code], starts_at=p.starts_at, duration_minutes=rng.choice((60, 90)),
        place=rng.choice(("سالن جلسات طبقه دوم", "دفتر مدیر واحد", "سالن شورا")),
        online_link=None, organiser_id=p.organiser, department_id=p.department,
        confidential=p.confidential, status=p.status, recurrence=p.recurrence,
        previous_id=None, approved_at=p.starts_at + timedelta(days=2)
        if p.status == "approved" else None,
        approved_by=p.organiser if p.status == "approved" else None, created_by=p.organiser,
        created_at=p.starts_at - timedelta(days=7), updated_at=p.starts_at, version=1)
        for p in plans])

    attendees, guests, agenda = [], [], []
    for meeting_id, p in zip(meeting_ids, plans, strict=True):
        finished = p.status in ("held", "approved")
        for person in p.people:
            present = rng.random() < 0.85 or person == p.organiser
            attendance = ("present" if present else rng.choice(("absent", "excused"))) \
                if finished else None
            signed = p.status == "approved" and present and rng.random() < 0.8
            attendees.append(dict(
                meeting_id=meeting_id, user_id=person, attendance=attendance,
                sign_off="confirmed" if signed else None, sign_off_note=None,
                signed_at=p.starts_at + timedelta(days=3) if signed else None))
        guests += [dict(meeting_id=meeting_id, name=g) for g in p.guests]
        for position, title in enumerate(rng.sample(AGENDA, 3), start=1):
            agenda.append(dict(
                meeting_id=meeting_id, position=position, title=title,
                presenter_id=rng.choice(p.people), minutes_allotted=rng.choice((10, 15, 20)),
                notes=rng.choice(NOTES) if finished else None,
                done=finished and (position < 3 or rng.random() < 0.5), carried_from_id=None,
                follow_up=p.recurrence != "none" and position == 3))
    for batch in _batches(attendees):
        session.execute(insert(MeetingAttendee), batch)
    if guests:
        session.execute(insert(MeetingGuest), guests)
    agenda_ids = _insert_returning(session, AgendaItem, agenda)

    decisions, sequences = [], defaultdict(int)
    first_item = {row["meeting_id"]: i for i, row in reversed(list(zip(agenda_ids, agenda,
                                                                        strict=True)))}
    for meeting_id, p in zip(meeting_ids, plans, strict=True):  # in time order
        if p.status not in ("held", "approved"):
            continue
        for _ in range(rng.randint(1, 2)):
            year = jalali_year(p.starts_at)
            sequences[year] += 1
            text = rng.choice(DECISIONS)
            decisions.append(dict(
                meeting_id=meeting_id, agenda_item_id=first_item[meeting_id], year=year,
                sequence=sequences[year], text=text, text_key=search_key(text),
                responsible_department_id=p.department,
                status="implemented" if rng.random() < 0.3 else "in_force",
                superseded_by_id=None, created_by=p.organiser, created_at=p.starts_at,
                version=1))
    decision_ids = _insert_returning(session, Decision, decisions)
    session.execute(insert(DecisionCounter), [dict(year=y, next=n + 1)
                                              for y, n in sequences.items()])

    by_meeting = dict(zip(meeting_ids, plans, strict=True))
    items = []
    for decision_id, row in zip(decision_ids, decisions, strict=True):
        p = by_meeting[row["meeting_id"]]
        due = clock.local_today(p.starts_at) + timedelta(days=rng.randint(14, 45))
        if due < today:
            status = "done" if rng.random() < 0.7 else rng.choice(("open", "in_progress"))
        else:
            status = rng.choice(("open", "open", "in_progress"))
        created = p.starts_at + timedelta(hours=3)
        items.append(dict(
            title=rng.choice(ACTIONS), description=None, owner_id=rng.choice(p.people),
            due_on=due, status=status, source="meeting", source_wave_id=None,
            source_driver=None, source_department_id=p.department,
            source_meeting_id=row["meeting_id"], source_decision_id=decision_id,
            source_agenda_item_id=row["agenda_item_id"], created_by=p.organiser,
            created_at=created, updated_at=created,
            done_at=created + timedelta(days=10) if status == "done" else None, version=1))
    for batch in _batches(items):
        session.execute(insert(ActionItem), batch)
