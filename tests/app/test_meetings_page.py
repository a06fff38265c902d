"""/meetings for every role: the list, one meeting through its life cycle, sign-off, the
register, and a confidential meeting that stays hidden from someone not invited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from data_access import db, meetings, users
from data_access.models import utcnow
from data_access.models.meetings import Decision, Meeting, MeetingAttendee


def _schedule(title: str, confidential: bool = False, invite: tuple[str, ...] = ("employee",),
              agenda: tuple[str, ...] = ("گزارش عملکرد",)) -> int:
    with db.session_scope() as session:
        manager = users.active_actor(session, "manager")
        type_id = meetings.meeting_types(session, manager)[0].id
        people = [users.active_actor(session, name).id for name in invite]
        meeting_id = meetings.schedule(session, manager, meetings.MeetingInput(
            title=title, type_id=type_id, starts_at=utcnow() - timedelta(hours=1),
            duration_minutes=60, department_id=manager.department_id,
            confidential=confidential, attendee_ids=people))
        for item in agenda:
            version = session.get(Meeting, meeting_id).version
            meetings.add_item(session, manager, meeting_id, version, item, minutes_allotted=15)
    return meeting_id


def _version(meeting_id: int) -> int:
    with db.session_scope() as session:
        return session.get(Meeting, meeting_id).version


def _open(open_app, username: str, meeting_id: int | None = None, locale: str | None = None):
    at = open_app(username, "meetings.py", locale=locale)
    if meeting_id is not None:
        at.query_params["meeting"] = str(meeting_id)
        at.run()
    assert not at.exception
    return at


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


@pytest.mark.parametrize(("username", "views"), [
    ("employee", ["list", "register", "attendance"]),
    ("manager", ["list", "register", "create", "attendance"]),
    ("pr", ["list", "register", "create", "attendance"]),
    ("admin", ["list", "register", "create", "attendance", "types"]),
])
def test_every_role_opens_the_page_with_its_views(open_app, username, views):
    at = _open(open_app, username)
    assert at.title[0].value == "جلسات"
    control = next(c for c in at.get("button_group") if c.key == "mt_view")
    assert len(control.options) == len(views)
    for view in views:  # each view draws without an error
        at.session_state["mt_view"] = view
        at.run()
        assert not at.exception


def test_a_manager_runs_a_meeting_and_an_attendee_signs_off(open_app):
    meeting_id = _schedule("جلسه هماهنگی ترافیک")
    at = _open(open_app, "manager", meeting_id)
    assert "جلسه هماهنگی ترافیک" in at.header[0].value
    _button(at, f"mt_hold_{meeting_id}_{_version(meeting_id)}").click().run()
    assert not at.exception
    version = _version(meeting_id)
    for control in at.get("button_group"):
        if control.key and control.key.startswith("mt_att_"):
            control.set_value("present")
    _button(at, f"mt_att_save_{meeting_id}").click().run()
    assert not at.exception
    decision = next(a for a in at.text_area if a.label == "مصوبه تازه")
    decision.input("اجرای طرح زوج و فرد از ابتدای ماه")
    next(b for b in at.button if b.label == "ثبت مصوبه").click().run()
    assert not at.exception
    with db.session_scope() as session:
        number = session.scalar(select(Decision.sequence).where(Decision.meeting_id == meeting_id))
        assert number is not None
        attendance = set(session.scalars(select(MeetingAttendee.attendance).where(
            MeetingAttendee.meeting_id == meeting_id)))
    assert attendance == {"present"}
    assert version != _version(meeting_id)
    _button(at, f"mt_approve_{meeting_id}_{_version(meeting_id)}").click().run()
    assert not at.exception
    assert [s.value for s in at.success][-1:] == ["صورتجلسه تأیید شد."]

    employee = _open(open_app, "employee", meeting_id)
    _button(employee, f"mt_confirm_{meeting_id}").click().run()
    assert not employee.exception
    with db.session_scope() as session:
        me = users.active_actor(session, "employee")
        assert session.get(MeetingAttendee, (meeting_id, me.id)).sign_off == "confirmed"


def test_a_confidential_meeting_is_not_found_by_url_or_search(open_app):
    meeting_id = _schedule("جلسه محرمانه ارزیابی", confidential=True, invite=())
    at = _open(open_app, "employee", meeting_id)
    assert not at.header
    assert "این مورد پیدا نشد." in [e.value for e in at.error]
    listing = _open(open_app, "employee")
    next(c for c in listing.toggle if c.key == "mt_mine").set_value(False).run()
    listing.text_input(key="mt_search").input("محرمانه ارزیابی").run()
    assert not listing.exception
    assert "جلسه محرمانه ارزیابی" not in " ".join(m.value for m in listing.markdown)
    # The organiser finds it.
    organiser = _open(open_app, "manager")
    organiser.text_input(key="mt_search").input("محرمانه ارزیابی").run()
    assert "جلسه محرمانه ارزیابی" in " ".join(m.value for m in organiser.markdown)


def test_english_page(open_app):
    at = _open(open_app, "pr", locale="en")
    assert at.title[0].value == "Meetings"
    assert at.text_input(key="mt_search").label == "Search titles"


def test_the_register_finds_a_decision_by_its_persian_number(open_app):
    meeting_id = _schedule("جلسه بودجه عمرانی")
    with db.session_scope() as session:
        manager = users.active_actor(session, "manager")
        meetings.hold(session, manager, meeting_id, session.get(Meeting, meeting_id).version)
    with db.session_scope() as session:
        _, number = meetings.add_decision(session, manager, meeting_id,
                                          session.get(Meeting, meeting_id).version,
                                          "تخصیص اعتبار به پروژه پیاده‌راه")
    at = _open(open_app, "employee")
    at.session_state["mt_view"] = "register"
    at.run()
    persian = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    at.text_input(key="mt_reg_search").input(persian).run()
    assert not at.exception
    assert "۱ مصوبه" in [c.value for c in at.caption]
    assert any(persian in b.label for b in at.button)


def _fill_new_meeting(at, title: str, day: int, month: int, year: int) -> None:
    k = "mt_new_0"
    at.text_input(key=f"{k}_title").input(title)
    at.text_input(key=f"{k}_start__date").input(f"{year}/{month}/{day}")
    at.text_input(key=f"{k}_start__time").input("10:30")
    at.text_input(key=f"{k}_place").input("سالن شورا")


def test_a_manager_schedules_a_meeting_with_a_jalali_date(open_app):
    at = _open(open_app, "manager")
    at.session_state["mt_view"] = "create"
    at.run()
    # 31 Mehr does not exist: a clear message and nothing saved.
    _fill_new_meeting(at, "جلسه تاریخ ناممکن", 31, 7, 1406)
    at.run()
    next(b for b in at.button if b.key == "mt_new_0_submit").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "تاریخ ۱۴۰۶/۰۷/۳۱ در تقویم وجود ندارد: مهر سال ۱۴۰۶ ۳۰ روز دارد." in errors
    assert "این فیلد را پر کنید." in errors  # the write refused too
    with db.session_scope() as session:
        assert session.scalar(select(Meeting.id).where(Meeting.title == "جلسه تاریخ ناممکن")) \
            is None
    _fill_new_meeting(at, "جلسه برنامه‌ریزی بهار", 10, 2, 1406)  # 10 Ordibehesht 1406
    at.run()
    next(b for b in at.button if b.key == "mt_new_0_submit").click().run()
    assert not at.exception
    with db.session_scope() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == "جلسه برنامه‌ریزی بهار"))
        assert meeting is not None and meeting.place == "سالن شورا"
        # 10:30 in Tehran on 30 April 2027 is 07:00 UTC.
        assert meeting.starts_at.isoformat() == "2027-04-30T07:00:00+00:00"
    assert at.header[0].value.endswith("جلسه برنامه‌ریزی بهار")  # opened after saving


def test_attendance_over_time_for_oneself_and_a_leader_choosing_a_person(open_app):
    _attended = _schedule("جلسه حضور ماهانه")
    with db.session_scope() as session:
        manager = users.active_actor(session, "manager")
        meetings.hold(session, manager, _attended, _version(_attended))
        detail = meetings.meeting_detail(session, manager, _attended)
        meetings.record_attendance(session, manager, _attended, detail.version,
                                   {a.user_id: "present" for a in detail.attendees})
    at = _open(open_app, "employee")
    next(c for c in at.get("button_group") if c.key == "mt_view").set_value("attendance").run()
    assert not at.exception
    assert "mt_rate_person" not in [s.key for s in at.selectbox]  # only their own
    assert [m.label for m in at.metric] == ["نرخ حضور", "جلسه‌های ثبت‌شده"]
    leader = _open(open_app, "manager")
    next(c for c in leader.get("button_group") if c.key == "mt_view").set_value(
        "attendance").run()
    leader.text_input(key="mt_rate_search").input("کارمند نمونه").run()
    employee_id = next(o for o in leader.selectbox(key="mt_rate_person").options
                       if "کارمند نمونه" in str(o))
    assert employee_id
    assert not leader.exception


def test_an_admin_adds_a_meeting_type_and_a_duplicate_is_refused(open_app):
    at = _open(open_app, "admin")
    next(c for c in at.get("button_group") if c.key == "mt_view").set_value("types").run()
    assert not at.exception
    for _ in range(2):
        name_fa = next(i for i in at.text_input if i.label == "نام فارسی")
        name_fa.input("کمیته  فناوری")
        next(i for i in at.text_input if i.label == "نام انگلیسی").input("IT committee")
        next(b for b in at.button if b.label == "افزودن نوع جلسه").click().run()
        assert not at.exception
    assert "نوع جلسه‌ای با این نام وجود دارد." in [e.value for e in at.error]
    with db.session_scope() as session:
        admin = users.active_actor(session, "admin")
        names = [m.name_fa for m in meetings.meeting_types(session, admin)]
    assert names.count("کمیته فناوری") == 1
