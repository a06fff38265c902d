"""The meetings feature on the home page and in the sidebar: minutes awaiting my sign-off,
recent approvals, my next meetings; nothing of a confidential meeting I am not in."""

from __future__ import annotations

from datetime import timedelta

from dashboard import cache
from data_access import db, meetings, users
from data_access.models import utcnow
from data_access.models.meetings import Meeting


def _meeting(title: str, starts_in: timedelta, invite=("employee",),
             confidential: bool = False, approve: bool = False) -> int:
    with db.session_scope() as session:
        manager = users.active_actor(session, "manager")
        type_id = meetings.meeting_types(session, manager)[0].id
        meeting_id = meetings.schedule(session, manager, meetings.MeetingInput(
            title=title, type_id=type_id, starts_at=utcnow() + starts_in, duration_minutes=60,
            department_id=manager.department_id, confidential=confidential,
            attendee_ids=[users.active_actor(session, name).id for name in invite]))
        if approve:
            meetings.hold(session, manager, meeting_id, session.get(Meeting, meeting_id).version)
            detail = meetings.meeting_detail(session, manager, meeting_id)
            meetings.record_attendance(session, manager, meeting_id, detail.version,
                                       {a.user_id: "present" for a in detail.attendees})
            meetings.approve(session, manager, meeting_id,
                             session.get(Meeting, meeting_id).version)
    return meeting_id


def _awaiting(at) -> int:
    """The sidebar's count of minutes awaiting my sign-off (0 when it says nothing)."""
    for info in at.sidebar.info:
        if "منتظر تأیید شماست" in info.value:
            digits = info.value.split()[0].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
            return int(digits)
    return 0


def _links(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


def test_home_asks_for_my_sign_off_and_lists_my_next_meetings(open_app):
    approved = _meeting("جلسه بودجه عمرانی", -timedelta(hours=2), approve=True)
    _meeting("جلسه برنامه‌ریزی هفته آینده", timedelta(days=3))
    _meeting("جلسه محرمانه مدیران", timedelta(days=2), invite=(), confidential=True)
    # Written straight to the database, as another replica would: drop what earlier
    # tests in this process cached for the employee's home page.
    cache.clear_all()
    at = open_app("employee", "home.py")
    assert not at.exception
    links = _links(at)
    assert "جلسه بودجه عمرانی" in links and "جلسه برنامه‌ریزی هفته آینده" in links
    assert "جلسه محرمانه مدیران" not in links  # not invited: not even on the home page
    markdown = " ".join(m.value for m in at.markdown)
    assert "صورتجلسه‌هایی که منتظر تأیید شما هستند" in markdown
    assert "جلسه‌های پیش رو" in markdown
    before = _awaiting(at)
    assert before >= 1

    # Signing off on the meeting page takes it off the reminder at once.
    page = open_app("employee", "meetings.py")
    page.query_params["meeting"] = str(approved)
    page.run()
    next(b for b in page.button if b.key == f"mt_confirm_{approved}").click().run()
    assert not page.exception
    home = open_app("employee", "home.py")
    assert _awaiting(home) == before - 1
    assert "صورتجلسه‌های تازه تأییدشده" in " ".join(m.value for m in home.markdown)
    assert "جلسه بودجه عمرانی" in _links(home)


def test_the_organiser_is_not_asked_to_sign_their_own_minutes(open_app):
    _meeting("جلسه ایمنی کارگاه", -timedelta(hours=2), approve=True)
    at = open_app("manager", "home.py")
    assert not at.exception
    assert "جلسه ایمنی کارگاه" not in _links(at)
