"""/action-items: each person sees and moves along their own action items."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dashboard.formatting import format_date
from data_access import db, users
from data_access.clock import local_today
from data_access.models import utcnow
from data_access.models.action_items import ActionItem


def _give(username: str, title: str, due: date) -> int:
    with db.session_scope() as session:
        owner = users.active_actor(session, username)
        admin = users.active_actor(session, "admin")
        item = ActionItem(title=title, owner_id=owner.id, due_on=due, status="open",
                          source="survey", source_driver="recognition", created_by=admin.id,
                          created_at=utcnow(), updated_at=utcnow())
        session.add(item)
        session.flush()
        return item.id


def test_owner_sees_the_item_and_marks_it_done(open_app):
    item_id = _give("employee", "برگزاری جلسه قدردانی ماهانه", date.today() + timedelta(days=10))
    _give("manager", "اقدام کس دیگر", date.today() + timedelta(days=3))
    at = open_app("employee", "action_items.py")
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "برگزاری جلسه قدردانی ماهانه" in texts
    assert "اقدام کس دیگر" not in texts  # only one's own
    assert any("قدردانی" in c.value for c in at.caption)  # the driver it answers
    control = next(b for b in at.get("button_group") if b.key == f"action_{item_id}_open")
    control.set_value("done").run()
    assert not at.exception
    with db.session_scope() as session:
        assert session.scalar(select(ActionItem.status).where(ActionItem.id == item_id)) == "done"
    assert "برگزاری جلسه قدردانی ماهانه" not in [t.value for t in at.text]  # finished: hidden
    assert [s.value for s in at.success] == ["وضعیت اقدام ذخیره شد."]


def test_a_status_changed_elsewhere_is_not_overwritten(open_app):
    item_id = _give("employee", "بازبینی تابلوی اعلانات", date.today() + timedelta(days=5))
    at = open_app("employee", "action_items.py")
    control = next(b for b in at.get("button_group") if b.key == f"action_{item_id}_open")
    with db.session_scope() as session:  # the manager finishes it in another tab meanwhile
        session.get(ActionItem, item_id).status = "done"
    control.set_value("in_progress").run()
    assert not at.exception
    assert [e.value for e in at.error if "کس دیگری" in e.value] == [
        "کس دیگری این مورد را در همین فاصله تغییر داده است؛ چیزی ذخیره نشد. "
        "صفحه را تازه کنید و دوباره ویرایش کنید."]
    with db.session_scope() as session:
        assert session.scalar(select(ActionItem.status).where(ActionItem.id == item_id)) == "done"


def test_english_empty_state(open_app):
    at = open_app("pr", "action_items.py", locale="en")
    assert not at.exception
    assert at.title[0].value == "Action items"


def test_a_due_date_outside_the_jalali_range_does_not_break_the_page(open_app):
    """9999-12-31 used to be accepted and then crash the owner's page while formatting."""
    item_id = _give("employee", "مهلت بی‌پایان", date(9999, 12, 31))
    try:
        at = open_app("employee", "action_items.py")
        assert not at.exception
        assert "مهلت بی‌پایان" in [t.value for t in at.text]
        assert any("۹۹۹۹-۱۲-۳۱" in c.value for c in at.caption)
    finally:  # leave the shared demo database as it was
        with db.session_scope() as session:
            session.delete(session.get(ActionItem, item_id))


def test_a_change_made_and_undone_elsewhere_is_still_refused(open_app):
    """The write states the version the owner saw, not the status: a status moved and
    moved back in another tab meanwhile is still someone else's change."""
    item_id = _give("employee", "به‌روزرسانی فهرست تماس‌ها", date.today() + timedelta(days=4))
    at = open_app("employee", "action_items.py")
    control = next(b for b in at.get("button_group") if b.key == f"action_{item_id}_open")
    for status in ("in_progress", "open"):  # two edits elsewhere, back where it started
        with db.session_scope() as session:
            session.get(ActionItem, item_id).status = status
    control.set_value("done").run()
    assert not at.exception
    assert any("کس دیگری" in e.value for e in at.error)
    with db.session_scope() as session:
        assert session.scalar(select(ActionItem.status).where(ActionItem.id == item_id)) == "open"


def test_an_overdue_item_says_so(open_app):
    """Overdue is data_access's rule (`item.overdue`); the page shows it with the date."""
    due = local_today() - timedelta(days=2)
    item_id = _give("employee", "گزارش عقب‌افتاده", due)
    try:
        at = open_app("employee", "action_items.py")
        assert not at.exception
        shown = format_date(due, "fa", style="long")
        assert any(shown in c.value and "از مهلت گذشته" in c.value for c in at.caption)
    finally:
        with db.session_scope() as session:
            session.delete(session.get(ActionItem, item_id))


# --- Team views ----------------------------------------------------------------------------

def _team_table(at) -> str:
    frame = at.dataframe[0].value
    frame = getattr(frame, "data", frame)  # a Styler carries its frame
    return frame.to_csv(index=False)


def _team(at, view: str):
    next(b for b in at.get("button_group") if b.key == "actions_view").set_value(view).run()
    assert not at.exception
    return at


def test_a_manager_follows_up_the_subtree_and_an_employee_has_only_their_own(open_app):
    item_id = _give("employee", "تعمیر چراغ تقاطع ولیعصر", local_today() - timedelta(days=3))
    try:
        employee = open_app("employee", "action_items.py")
        views = next(b for b in employee.get("button_group") if b.key == "actions_view")
        assert list(views.options) == ["اقدام‌های من", "برنامه‌های ما پس از نظرسنجی"]
        manager = _team(open_app("manager", "action_items.py"), "managed")
        table = _team_table(manager)
        assert "تعمیر چراغ تقاطع ولیعصر" in table and "کارمند نمونه" in table
        assert "از مهلت گذشته" in table  # overdue, in words as well as red
        manager.toggle(key="actions_managed_overdue").set_value(True).run()
        assert "تعمیر چراغ تقاطع ولیعصر" in _team_table(manager)
        manager.text_input(key="actions_managed_search").input("چراغ تقاطع ولیعصر").run()
        assert not manager.exception
        assert "۱ اقدام" in [c.value for c in manager.caption]
        # The overdue item is marked on the owner's own list too.
        assert any("red-badge" in m.value and "از مهلت گذشته" in m.value
                   for m in employee.markdown)
    finally:
        with db.session_scope() as session:
            session.delete(session.get(ActionItem, item_id))


def test_a_confidential_meetings_items_stay_out_of_a_managers_team_view(open_app):
    from data_access import meetings
    with db.session_scope() as session:
        pr = users.active_actor(session, "pr")
        employee = users.active_actor(session, "employee")
        type_id = meetings.meeting_types(session, pr)[0].id
        secret = meetings.schedule(session, pr, meetings.MeetingInput(
            title="جلسه محرمانه بازنگری", type_id=type_id,
            starts_at=utcnow() - timedelta(hours=1), duration_minutes=60,
            department_id=pr.department_id, confidential=True, attendee_ids=[employee.id]))
        session.add(ActionItem(title="اقدام محرمانه بازنگری", owner_id=employee.id,
                               due_on=local_today() + timedelta(days=5), status="open",
                               source="meeting", source_meeting_id=secret,
                               source_department_id=pr.department_id, created_by=pr.id,
                               created_at=utcnow(), updated_at=utcnow()))
    manager = _team(open_app("manager", "action_items.py"), "managed")
    assert "اقدام محرمانه بازنگری" not in (_team_table(manager) if manager.dataframe else "")
    organiser = _team(open_app("pr", "action_items.py"), "organised")
    assert "اقدام محرمانه بازنگری" in _team_table(organiser)
    owner = open_app("employee", "action_items.py")
    assert "اقدام محرمانه بازنگری" in [t.value for t in owner.text]  # the owner attends


def test_the_team_view_shows_a_change_made_on_my_list_at_once(open_app):
    item_id = _give("manager", "تهیه گزارش ماهانه ترافیک", local_today() + timedelta(days=6))
    try:
        at = _team(open_app("manager", "action_items.py"), "managed")
        assert "باز" in _team_table(at)
        _team(at, "mine")
        control = next(b for b in at.get("button_group") if b.key == f"action_{item_id}_open")
        control.set_value("in_progress").run()
        assert not at.exception
        _team(at, "managed")
        at.text_input(key="actions_managed_search").input("گزارش ماهانه ترافیک").run()
        assert "در حال انجام" in _team_table(at)
    finally:
        with db.session_scope() as session:
            session.delete(session.get(ActionItem, item_id))



# --- "You said, we did" ------------------------------------------------------------------------

def test_pr_announces_a_done_survey_item_and_the_two_link_to_each_other(open_app):
    from data_access.models.news import Announcement
    item_id = _give("manager", "نصب آب‌سردکن در ساختمان ترافیک", local_today())
    with db.session_scope() as session:
        item = session.get(ActionItem, item_id)
        item.status, item.done_at = "done", utcnow()
    manager = open_app("manager", "action_items.py")
    views = next(b for b in manager.get("button_group") if b.key == "actions_view")
    assert "گفتید، انجام دادیم" not in list(views.options)  # not a publisher
    assert "اقدام‌های واحدهای من" in list(views.options)
    at = _team(open_app("pr", "action_items.py"), "announce")
    title = next(i for i in at.text_input if i.value.endswith("نصب آب‌سردکن در ساختمان ترافیک"))
    assert title.value == "گفتید، انجام دادیم: نصب آب‌سردکن در ساختمان ترافیک"  # prefilled
    body = next(a for a in at.text_area if "نصب آب‌سردکن" in a.value)
    assert "قدردانی" in body.value  # the survey driver it answered
    next(b for b in at.button
         if b.proto.form_id.startswith(f"actions_announce_{item_id}_")).click().run()
    assert not at.exception
    assert "خبر منتشر شد و به اقدام پیوند خورد." in [s.value for s in at.success]
    with db.session_scope() as session:
        announcement_id = session.get(ActionItem, item_id).announcement_id
        assert announcement_id is not None
        assert session.get(Announcement, announcement_id).title.startswith("گفتید، انجام دادیم")
    # The announcement names the item; the owner's item links to the announcement.
    news_page = open_app("employee", "news.py")
    news_page.query_params["item"] = str(announcement_id)
    news_page.run()
    assert not news_page.exception
    assert any("نصب آب‌سردکن" in i.value for i in news_page.info)
    owner = open_app("manager", "action_items.py")
    owner.toggle(key="actions_show_done").set_value(True).run()
    assert "announcements" in " ".join(str(e.proto) for e in owner.get("page_link"))


def test_the_owner_cancels_an_item_and_says_why(open_app):
    item_id = _give("employee", "نصب تابلوی راهنما در لابی", date.today() + timedelta(days=4))
    at = open_app("employee", "action_items.py")
    control = next(b for b in at.get("button_group") if b.key == f"action_{item_id}_open")
    assert "cancelled" in control.options or "لغو شد" in [str(o) for o in control.options]
    control.set_value("cancelled").run()
    assert not at.exception
    with db.session_scope() as session:
        assert session.scalar(select(ActionItem.status).where(ActionItem.id == item_id)) \
            == "cancelled"
    at.toggle(key="actions_show_done").set_value(True).run()
    at.text_area(key=f"action_note_text_{item_id}").input("تابلو را شهرداری منطقه نصب کرد.")
    at.button(key=f"action_note_save_{item_id}").click().run()
    assert not at.exception
    with db.session_scope() as session:
        assert session.scalar(select(ActionItem.completion_note).where(
            ActionItem.id == item_id)) == "تابلو را شهرداری منطقه نصب کرد."
    assert "تابلو را شهرداری منطقه نصب کرد." in [t.value for t in at.text]


# --- Our plans: "you said, we do" for everyone --------------------------------------------

def _plan(department_of: str | None, title: str) -> int:
    """A survey-made item for `department_of`'s department (None: the whole organisation),
    owned by the demo manager."""
    with db.session_scope() as session:
        owner = users.active_actor(session, "manager")
        admin = users.active_actor(session, "admin")
        department = (users.active_actor(session, department_of).department_id
                      if department_of else None)
        item = ActionItem(title=title, owner_id=owner.id, due_on=local_today(), status="open",
                          source="survey", source_driver="recognition",
                          source_department_id=department, created_by=admin.id,
                          created_at=utcnow(), updated_at=utcnow())
        session.add(item)
        session.flush()
        return item.id


@pytest.mark.parametrize(("username", "locale", "empty"), [
    ("employee", None, "هنوز اقدامی از نتایج نظرسنجی"),
    ("employee", "en", "No action from survey results"),
    ("manager", None, "هنوز اقدامی از نتایج نظرسنجی"),
    ("pr", "en", "No action from survey results"),
    ("admin", "en", "No action from survey results"),
])
def test_everyone_sees_the_plans_made_for_their_groups(open_app, username, locale, empty):
    """Employees could never own an item, so /action-items was always empty for them; now
    every role sees what is being done about what their groups said."""
    own = _plan(username, f"برنامه واحد {username}")
    whole = _plan(None, "برنامه کل سازمان برای قدردانی")
    try:
        at = _team(open_app(username, "action_items.py", locale=locale), "plans")
        texts = [t.value for t in at.text]
        assert f"برنامه واحد {username}" in texts and "برنامه کل سازمان برای قدردانی" in texts
        owner = "مسئول" if locale is None else "Owner"
        assert any(owner in c.value and ("قدردانی" in c.value or "Recognition" in c.value)
                   for c in at.caption)
        assert not any(empty in i.value for i in at.info)
    finally:
        with db.session_scope() as session:
            for item_id in (own, whole):
                session.delete(session.get(ActionItem, item_id))


def test_an_employee_does_not_see_another_branchs_plans(open_app):
    with db.session_scope() as session:
        from data_access.models import Department
        employee = users.active_actor(session, "employee")
        pr = users.active_actor(session, "pr")
        assert employee.department_id != pr.department_id
        assert session.get(Department, pr.department_id) is not None
    other = _plan("pr", "برنامه واحد روابط عمومی فقط")
    try:
        at = _team(open_app("employee", "action_items.py"), "plans")
        assert "برنامه واحد روابط عمومی فقط" not in [t.value for t in at.text]
    finally:
        with db.session_scope() as session:
            session.delete(session.get(ActionItem, other))
