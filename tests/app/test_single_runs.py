"""A click runs the page once, not twice: state changes go in the button's callback
(run before the page is drawn), not in `if clicked: ...; st.rerun()`.

Runs are counted by the survey clock's per-run call (features' clock_tick runs once at
the top of every page run; see test_the_survey_clock_runs_once_per_page_run)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jdatetime
import pytest
from sqlalchemy import select

from dashboard.formatting import local_today
from dashboard.i18n import translate
from dashboard.surveys import hooks
from dashboard.ui import escape_markdown
from data_access import db, meetings, surveys, users
from data_access.models import utcnow
from data_access.models.surveys import SurveyWave
from tests.app.test_survey_confirmations import _choose, _open_row, own_copy  # noqa: F401

SURVEYS = "surveys.py"


@pytest.fixture
def runs(monkeypatch) -> list[int]:
    counted: list[int] = []
    real = hooks.database_url
    monkeypatch.setattr(hooks, "database_url", lambda: counted.append(1) or real())
    return counted


def test_opening_a_survey_and_going_back_are_one_run_each(open_app, runs):
    with db.session_scope() as session:
        wave_id = surveys.open_waves_for(session, users.active_actor(session, "employee")
                                         )[0].wave_id
    at = open_app("employee", SURVEYS)
    runs.clear()
    at.button(key=f"answer_{wave_id}").click().run()
    assert not at.exception
    assert len(runs) == 1  # was 2: the click's run, then st.rerun()
    assert at.radio  # the questions are on screen
    runs.clear()
    at.button(key="survey_back").click().run()
    assert not at.exception
    assert len(runs) == 1
    assert at.button(key=f"answer_{wave_id}")  # back on the list


def test_closing_a_wave_is_one_run_and_the_table_shows_it(open_app, own_copy, runs):  # noqa: F811
    row, _ = _open_row(own_copy)
    at = open_app("pr", SURVEYS)
    _choose(at, row)
    wave_id = row.open_wave.wave_id
    runs.clear()
    at.button(key=f"survey_close_{wave_id}").click().run()
    assert not at.exception
    assert len(runs) == 1  # was 2
    assert "دوره بسته شد و نتایج آن آماده است." in [s.value for s in at.success]
    with db.session_scope(db.get_engine(own_copy)) as session:
        assert session.get(SurveyWave, wave_id).status == "closed"
    assert not [b for b in at.button if b.key == f"survey_close_{wave_id}"]  # drawn closed


def test_a_comment_is_sent_in_one_run_and_listed(open_app, app_env, runs):
    from tests.app.test_news_page import WELCOME, item_id, new_reader

    item = item_id(app_env, WELCOME)
    at = open_app(new_reader(app_env), "news.py")
    at.query_params["item"] = str(item)
    at.run()
    at.text_area(key=f"news_comment_text_{item}").input("یک نظر در یک اجرا")
    runs.clear()
    next(b for b in at.button if b.label == "ارسال نظر").click().run()
    assert not at.exception
    assert len(runs) == 1  # was 2
    assert "یک نظر در یک اجرا" in [t.value for t in at.text]
    assert "نظر شما ثبت شد." in [s.value for s in at.success]


# --- writes that used to run the page twice ------------------------------------------------------

def _in_order(at) -> list:
    """The main area's elements in the order they are drawn."""
    found, pending = [], [at.main]
    while pending:
        node = pending.pop(0)
        children = getattr(node, "children", None)
        if children is None:
            found.append(node)
        else:
            pending[:0] = [children[index] for index in sorted(children)]
    return found


def _said_after(at, key: str, message: str) -> bool:
    """`message` is an error drawn after the widget `key` (beside the form, not at the top)."""
    order = _in_order(at)
    widget = next(i for i, node in enumerate(order) if getattr(node, "key", None) == key)
    return any(getattr(node, "type", None) == "error" and node.value == message
               and i > widget for i, node in enumerate(order))


def _replay(at, states) -> None:
    """The second click of a double click: the same widget states the first click sent,
    arriving after the first click's run (the browser had not redrawn the form yet)."""
    at._run(states)
    assert not at.exception


def _announcement(url: str, title: str):
    from sqlalchemy import select

    from data_access.models.news import Announcement

    with db.session_scope(db.get_engine(url)) as session:
        rows = session.execute(select(Announcement.id, Announcement.version).where(
            Announcement.title == title)).all()
    return [tuple(row) for row in rows]


def test_publishing_news_is_one_run_and_the_composer_shows_the_saved_item(
        open_app, app_env, runs):
    from tests.app.test_news_page import open_news

    at = open_news(open_app, "pr", view="compose", news_form_nonce=31)
    title = f"یک اجرا برای انتشار {uuid.uuid4().hex[:6]}"
    at.text_input(key="news_f31_title").input(title)
    at.text_area(key="news_f31_body").input("متن")
    at.button(key="news_f31_publish").click()
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1  # was 2: the click's run, then st.rerun()
    assert f"«{escape_markdown(title)}» منتشر شد." in [s.value for s in at.success]
    assert len(_announcement(app_env, title)) == 1
    # drawn afresh (new keys) on the saved item, which now offers "save changes"
    assert at.text_input(key="news_f32_title").value == title
    assert at.button(key="news_f32_save_changes")


def test_a_refused_news_save_is_one_run_said_under_the_buttons(open_app, app_env, runs):
    from tests.app.test_news_page import open_news

    at = open_news(open_app, "pr", view="compose", news_form_nonce=33)
    body = f"بی‌عنوان {uuid.uuid4().hex[:6]}"
    at.text_area(key="news_f33_body").input(body)
    at.button(key="news_f33_publish").click()
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1
    assert _said_after(at, "news_f33_publish", "عنوان خبر را بنویسید.")
    assert at.text_area(key="news_f33_body").value == body  # nothing typed is lost
    assert not at.success
    at.text_input(key="news_f33_title").input("x").run()  # said once, not on every run
    assert "عنوان خبر را بنویسید." not in [e.value for e in at.error]


def _employee_answering(open_app, database: str) -> tuple:
    """The employee's form of an open wave they have not answered: (AppTest, wave id)."""
    with db.session_scope(db.get_engine(database)) as session:
        employee = users.active_actor(session, "employee")
        wave_id = next(w for w in surveys.open_waves_for(session, employee)
                       if not w.answered).wave_id
    at = open_app("employee", SURVEYS)
    at.button(key=f"answer_{wave_id}").click().run()
    return at, wave_id


def _one_run(at, runs: list[int], button=None) -> dict:
    """Click `button` (or run the click just made): the page runs once, without an error
    (each was 2: the click, then st.rerun()). Returns the click's widget states, for
    `_replay` (a double click's second click)."""
    if button is not None:
        button.click()
    states = at._tree.get_widget_states()
    runs.clear()
    at.run()
    assert not at.exception, at.exception
    assert len(runs) == 1, button and (button.key or button.label)
    return states


def _timed_news(open_app, open_news, nonce: int, title: str, date: str, time: str,
                button: str):
    """pr's composer with a title, a body and a publish time filled in, `button` clicked
    (not yet run)."""
    at = open_news(open_app, "pr", view="compose", news_form_nonce=nonce)
    at.text_input(key=f"news_f{nonce}_title").input(title)
    at.text_area(key=f"news_f{nonce}_body").input("متن")
    at.text_input(key=f"news_f{nonce}_publish__date").input(date)
    at.text_input(key=f"news_f{nonce}_publish__time").input(time)
    at.button(key=f"news_f{nonce}_{button}").click()
    return at


def test_scheduling_news_is_one_run_and_says_when(open_app, app_env, runs):
    from tests.app.test_news_page import open_news

    title = f"یک اجرا برای زمان‌بندی {uuid.uuid4().hex[:6]}"
    at = _timed_news(open_app, open_news, 34, title,
                     f"{jdatetime.date.today().year + 1}/1/15", "09:30", "schedule")
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1
    assert any(escape_markdown(title) in s.value and "زمان‌بندی شد" in s.value
               for s in at.success)
    assert len(_announcement(app_env, title)) == 1


def test_a_refused_publish_time_is_one_run_and_writes_nothing(open_app, app_env, runs):
    from tests.app.test_news_page import open_news

    title = f"ساعت نادرست {uuid.uuid4().hex[:6]}"
    at = _timed_news(open_app, open_news, 35, title, "1410/01/15", "25:00", "publish")
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1
    assert _said_after(at, "news_f35_publish",
                       "یکی از تاریخ‌ها یا ساعت‌های بالا درست نیست؛ آن را اصلاح کنید. "
                       "چیزی ذخیره نشد.")
    assert _announcement(app_env, title) == []


def test_a_double_click_on_save_draft_saves_once(open_app, app_env):
    from tests.app.test_news_page import open_news

    at = open_news(open_app, "pr", view="compose", news_form_nonce=36)
    title = f"دوبار کلیک {uuid.uuid4().hex[:6]}"
    at.text_input(key="news_f36_title").input(title)
    at.text_area(key="news_f36_body").input("متن")
    at.button(key="news_f36_save_draft").click()
    states = at._tree.get_widget_states()
    at.run()
    assert not at.exception
    saved = _announcement(app_env, title)
    assert len(saved) == 1
    _replay(at, states)
    assert _announcement(app_env, title) == saved  # not saved again: same version


def _new_meeting(at, title: str, date_text: str) -> None:
    at.text_input(key="mt_new_0_title").input(title)
    at.text_input(key="mt_new_0_start__date").input(date_text)
    at.text_input(key="mt_new_0_start__time").input("10:30")


def _meetings_titled(title: str) -> int:
    from sqlalchemy import func, select

    from data_access.models.meetings import Meeting

    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.title == title))


def test_scheduling_a_meeting_is_one_run_and_opens_it_once(open_app, runs):
    at = open_app("manager", "meetings.py")
    at.session_state["mt_view"] = "create"
    at.run()
    title = f"جلسه یک اجرا {uuid.uuid4().hex[:6]}"
    _new_meeting(at, title, "1406/07/31")  # 31 Mehr does not exist
    at.run()
    next(b for b in at.button if b.key == "mt_new_0_submit").click()
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1
    assert _said_after(at, "mt_new_0_submit", "این فیلد را پر کنید.")  # beside the form
    assert _meetings_titled(title) == 0
    _new_meeting(at, title, "1406/02/10")
    at.run()
    next(b for b in at.button if b.key == "mt_new_0_submit").click()
    states = _one_run(at, runs)  # was 2 runs
    assert at.header[0].value.endswith(escape_markdown(title))  # opened in the same run
    assert any(title in s.value for s in at.success)
    _replay(at, states)
    assert _meetings_titled(title) == 1


def test_saving_minutes_is_one_run_and_the_agenda_shows_them(open_app, runs):
    from data_access.models.meetings import AgendaItem, Meeting
    from tests.app.test_meetings_page import _open, _schedule

    meeting_id = _schedule(f"جلسه صورتجلسه {uuid.uuid4().hex[:6]}")
    with db.session_scope() as session:
        manager = users.active_actor(session, "manager")
        meetings.hold(session, manager, meeting_id, session.get(Meeting, meeting_id).version)
        version = session.get(Meeting, meeting_id).version
        item_id = session.scalars(select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting_id)).one()
    at = _open(open_app, "manager", meeting_id)
    key = f"mt_notes_{item_id}_{version}"
    at.text_area(key=key).input("گزارش ارائه شد")
    next(b for b in at.button if b.key == f"{key}_save").click()
    states = _one_run(at, runs)  # was 2 runs
    assert "ذخیره شد." in [s.value for s in at.success]
    with db.session_scope() as session:
        saved = session.get(Meeting, meeting_id).version
        assert session.get(AgendaItem, item_id).notes == "گزارش ارائه شد"
    # drawn on the saved version, with the notes
    assert at.text_area(key=f"mt_notes_{item_id}_{saved}").value == "گزارش ارائه شد"
    _replay(at, states)
    with db.session_scope() as session:
        assert session.get(Meeting, meeting_id).version == saved  # not written twice


def test_announcing_a_done_item_is_one_run_and_it_leaves_the_list(open_app, runs):
    from data_access.models.action_items import ActionItem
    from tests.app.test_action_items_page import _give, _team

    item_id = _give("manager", f"اقدام اعلام‌شده {uuid.uuid4().hex[:6]}", local_today())
    with db.session_scope() as session:
        item = session.get(ActionItem, item_id)
        item.status, item.done_at = "done", utcnow()
    at = _team(open_app("pr", "action_items.py"), "announce")
    next(b for b in at.button
         if b.proto.form_id.startswith(f"actions_announce_{item_id}_")).click()
    states = _one_run(at, runs)  # was 2 runs
    assert "خبر منتشر شد و به اقدام پیوند خورد." in [s.value for s in at.success]
    assert not [b for b in at.button
                if b.proto.form_id.startswith(f"actions_announce_{item_id}_")]
    with db.session_scope() as session:
        announced = session.get(ActionItem, item_id).announcement_id
    assert announced is not None
    _replay(at, states)
    with db.session_scope() as session:
        assert session.get(ActionItem, item_id).announcement_id == announced


def test_a_survey_is_submitted_in_one_run_and_the_reminder_goes(open_app, own_copy, runs):  # noqa: F811
    with db.session_scope(db.get_engine(own_copy)) as session:
        employee = users.active_actor(session, "employee")
        wave_id = next(w for w in surveys.open_waves_for(session, employee)
                       if not w.answered).wave_id
        form = surveys.wave_form(session, employee, wave_id)
    at = open_app("employee", SURVEYS)
    reminders = [w.value for w in at.sidebar.warning]
    assert reminders
    at.button(key=f"answer_{wave_id}").click().run()
    for item in form.items:
        if item.kind == "likert5":
            at.radio(key=f"survey_answer_{wave_id}_{item.id}").set_value(4)
        elif item.kind == "enps":
            at.radio(key=f"survey_answer_{wave_id}_{item.id}").set_value(8)
        elif item.kind == "choice":
            at.radio(key=f"survey_answer_{wave_id}_{item.id}").set_value(0)
    at.button(key=f"survey_submit_{wave_id}").click()
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1  # was 2: the sidebar reminder was drawn before the submission
    assert "پاسخ شما ثبت شد" in "\n".join(s.value for s in at.success)
    assert [w.value for w in at.sidebar.warning] != reminders  # updated in the same run
    with db.session_scope(db.get_engine(own_copy)) as session:
        assert surveys.has_answered(session, employee, wave_id)


def test_a_missing_answer_is_one_run_and_said_by_the_question(open_app, own_copy, runs):  # noqa: F811
    at, wave_id = _employee_answering(open_app, own_copy)
    at.button(key=f"survey_submit_{wave_id}").click()
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1
    assert at.error  # beside the questions
    with db.session_scope(db.get_engine(own_copy)) as session:
        employee = users.active_actor(session, "employee")
        assert not surveys.has_answered(session, employee, wave_id)


def test_the_pager_moves_in_one_run(open_app, runs):
    at = open_app("admin", "admin.py")
    first = at.dataframe[0].value
    runs.clear()
    at.button(key="user_page_next").click().run()
    assert not at.exception
    assert len(runs) == 1  # was 2
    assert at.session_state["user_page"] == 2
    assert not at.dataframe[0].value.equals(first)
    assert any(c.value.startswith("صفحه ۲ از ") for c in at.caption)
    runs.clear()
    at.button(key="user_page_prev").click().run()
    assert len(runs) == 1
    assert at.dataframe[0].value.equals(first)


def _labelled(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_every_write_on_a_meeting_page_is_one_run(open_app, runs):
    from data_access.models.action_items import ActionItem
    from data_access.models.meetings import AgendaItem, Decision, Meeting, MeetingAttendee
    from tests.app.test_meetings_page import _open, _schedule, _version

    meeting_id = _schedule(f"جلسه یک اجرا در هر کار {uuid.uuid4().hex[:6]}",
                           agenda=("بند یک", "بند دو"))

    def agenda() -> list[tuple[int, str]]:
        with db.session_scope() as session:
            return [tuple(row) for row in session.execute(
                select(AgendaItem.id, AgendaItem.title).where(
                    AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position))]

    at = _open(open_app, "manager", meeting_id)
    # planned: an agenda item added, then one moved down; both drawn in the same run
    at.text_input(key=f"mt_add_item_{meeting_id}_title").input("بند سه")
    _one_run(at, runs, _labelled(at, "افزودن بند"))
    assert [title for _, title in agenda()] == ["بند یک", "بند دو", "بند سه"]
    assert "**۳. بند سه**" in [m.value for m in at.markdown]
    first = agenda()[0][0]
    _one_run(at, runs, at.button(key=f"mt_down_{first}_{_version(meeting_id)}"))
    assert [title for _, title in agenda()] == ["بند دو", "بند یک", "بند سه"]
    assert "**۲. بند یک**" in [m.value for m in at.markdown]
    # held, with attendance
    _one_run(at, runs, at.button(key=f"mt_hold_{meeting_id}_{_version(meeting_id)}"))
    assert "جلسه برگزارشده ثبت شد؛ حضور و صورتجلسه را ثبت کنید." in [s.value for s in at.success]
    for control in at.get("button_group"):
        if control.key and control.key.startswith("mt_att_"):
            control.set_value("present")
    _one_run(at, runs, at.button(key=f"mt_att_save_{meeting_id}"))
    with db.session_scope() as session:
        assert set(session.scalars(select(MeetingAttendee.attendance).where(
            MeetingAttendee.meeting_id == meeting_id))) == {"present"}
    # a decision, then an action item owned by the attendee
    next(a for a in at.text_area if a.label == "مصوبه تازه").input("مصوبه در یک اجرا")
    _one_run(at, runs, _labelled(at, "ثبت مصوبه"))
    assert "مصوبه در یک اجرا" in [x.value for x in at.text]
    at.text_input(key=f"mt_add_action_{meeting_id}_title").input("اقدام در یک اجرا")
    with db.session_scope() as session:
        employee = users.active_actor(session, "employee").id
    at.selectbox(key=f"mt_add_action_{meeting_id}_owner").set_value(employee)
    due = jdatetime.date.fromgregorian(date=local_today() + timedelta(days=7))
    at.selectbox(key=f"mt_due_{meeting_id}__y").set_value(due.year)
    at.selectbox(key=f"mt_due_{meeting_id}__m").set_value(due.month)
    at.selectbox(key=f"mt_due_{meeting_id}__d").set_value(due.day)
    _one_run(at, runs, _labelled(at, "ثبت اقدام"))
    assert "اقدام ثبت شد." in [s.value for s in at.success]
    assert any("اقدام در یک اجرا" in m.value for m in at.markdown)  # listed in the same run
    with db.session_scope() as session:
        assert session.scalar(select(ActionItem.title).where(
            ActionItem.source_meeting_id == meeting_id)) == "اقدام در یک اجرا"
    # approved; then a decision's status changes
    _one_run(at, runs, at.button(key=f"mt_approve_{meeting_id}_{_version(meeting_id)}"))
    with db.session_scope() as session:
        assert session.get(Meeting, meeting_id).status == "approved"
        decision_id, decision_version = session.execute(select(Decision.id, Decision.version)
                                                        .where(Decision.meeting_id == meeting_id)
                                                        ).one()
    form = f"mt_decision_status_{decision_id}_{decision_version}"
    at.selectbox(key=f"{form}_status").set_value("implemented")
    _one_run(at, runs, _labelled(at, "ذخیره وضعیت"))
    with db.session_scope() as session:
        assert session.get(Decision, decision_id).status == "implemented"
    # the attendee signs off, and another objects
    employee_page = _open(open_app, "employee", meeting_id)
    _one_run(employee_page, runs, employee_page.button(key=f"mt_confirm_{meeting_id}"))
    assert "امضای شما ثبت شد." in [s.value for s in employee_page.success]
    with db.session_scope() as session:
        me = users.active_actor(session, "employee")
        assert session.get(MeetingAttendee, (meeting_id, me.id)).sign_off == "confirmed"
    _one_run(employee_page, runs, _labelled(employee_page, "ثبت اعتراض"))  # no note: refused
    assert _said_after(employee_page, f"mt_confirm_{meeting_id}",
                       next(e.value for e in employee_page.error))
    with db.session_scope() as session:
        assert session.get(MeetingAttendee, (meeting_id, me.id)).sign_off == "confirmed"


def test_adding_a_meeting_type_is_one_run_and_listed(open_app, runs):
    at = open_app("admin", "meetings.py")
    next(c for c in at.get("button_group") if c.key == "mt_view").set_value("types").run()
    name = f"کمیته {uuid.uuid4().hex[:6]}"
    at.text_input(key="mt_new_type_fa").input(name)
    _one_run(at, runs, _labelled(at, "افزودن نوع جلسه"))
    assert f"- {escape_markdown(name)}" in [m.value for m in at.markdown]
    assert "نوع جلسه افزوده شد." in [s.value for s in at.success]
    at.text_input(key="mt_new_type_fa").input(name)
    _one_run(at, runs, _labelled(at, "افزودن نوع جلسه"))
    assert _said_after(at, "mt_new_type_en", "نوع جلسه‌ای با این نام وجود دارد.")


def test_a_database_refusal_inside_a_callback_is_said_beside_the_form(open_app, own_copy,  # noqa: F811
                                                                      monkeypatch, runs):
    """A callback runs outside the router's database guard: a read it does that the
    database refuses is the usual "try again" message beside the form, not a traceback."""
    import sqlite3

    from sqlalchemy import exc as sa_exc

    at, wave_id = _employee_answering(open_app, own_copy)
    real, calls = surveys.wave_form, []

    def locked_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the callback's read; the page's own read then works
            raise sa_exc.OperationalError("SELECT", {},
                                          sqlite3.OperationalError("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(surveys, "wave_form", locked_once)
    at.button(key=f"survey_submit_{wave_id}").click()
    runs.clear()
    at.run()
    assert not at.exception
    assert len(runs) == 1
    unavailable = translate("errors.database_unavailable", "fa")
    assert _said_after(at, f"survey_submit_{wave_id}", unavailable)
    assert at.button(key=f"survey_submit_{wave_id}")  # the form is still there
    at.run()
    assert unavailable not in [e.value for e in at.error]  # said in that run only


def test_saving_an_action_items_note_is_one_run_and_shows_it(open_app, runs):
    from data_access.models.action_items import ActionItem
    from tests.app.test_action_items_page import _give

    item_id = _give("employee", f"یادداشت در یک اجرا {uuid.uuid4().hex[:6]}",
                    local_today() + timedelta(days=4))
    at = open_app("employee", "action_items.py")
    at.text_area(key=f"action_note_text_{item_id}").input("نصب شد.")
    _one_run(at, runs, at.button(key=f"action_note_save_{item_id}"))
    assert "نصب شد." in [x.value for x in at.text]  # the note above, in the same run
    with db.session_scope() as session:
        assert session.get(ActionItem, item_id).completion_note == "نصب شد."


def test_more_comments_are_shown_in_one_run(open_app, runs):
    at = open_app("pr", "survey_results.py")
    more = next((b for b in at.button if b.key and b.key.startswith("more_")), None)
    assert more is not None, "the demo's closed wave has more than 20 comments on an item"
    shown = len(at.text)
    _one_run(at, runs, more)
    assert len(at.text) > shown  # the longer list, in the click's own run


# --- administration and KPI writes (were: write, flash, st.rerun()) -------------------------------

def _no_error(at) -> bool:
    """No error on the page but the demo's urgent-notice banner."""
    return not [e for e in at.error if e.icon != ":material/campaign:"]


def _fresh_user(prefix: str) -> tuple[int, str]:
    username = f"{prefix}.{uuid.uuid4().hex[:6]}"
    with db.session_scope() as session:
        admin = users.active_actor(session, "admin")
        user_id = users.create_user(session, admin, username=username,
                                    display_name="حساب آزمون", password="long-enough-1",
                                    department_id=admin.department_id)
    return user_id, username


def _account(user_id: int):
    from data_access.models import User

    with db.session_scope() as session:
        user = session.get(User, user_id)
        return user.display_name, user.active, user.updated_at


def test_creating_a_user_is_one_run_and_a_double_click_creates_once(open_app, runs):
    at = open_app("admin", "admin.py")
    username = f"one.run.{uuid.uuid4().hex[:6]}"
    at.text_input(key="new_username").input(username)
    at.text_input(key="new_display_name").input("یک اجرا")
    at.text_input(key="new_password").input("short")
    _one_run(at, runs, at.button(key="create_user_submit"))
    assert _said_after(at, "new_password", "گذرواژه باید بین ۸ تا ۶۴ نویسه باشد.")
    with db.session_scope() as session:
        assert not users.username_taken(session, username)
    at.text_input(key="new_password").input("long-enough-1")
    at.button(key="create_user_submit").click()
    states = _one_run(at, runs)  # was 2 runs
    assert f"کاربر {username} ایجاد شد." in [s.value for s in at.success]
    with db.session_scope() as session:
        assert users.username_taken(session, username)
    assert at.text_input(key="new_username").value == ""  # an empty form for the next
    _replay(at, states)
    assert _no_error(at)  # not tried again ("this username is taken")


def test_editing_deactivating_and_activating_a_user_are_one_run_each(open_app, runs):
    user_id, username = _fresh_user("edit.one")
    at = open_app("admin", "admin.py")
    at.text_input(key="user_search").input(username).run()
    # the edit form's fields (the create form's come first, keyed new_...)
    next(f for f in at.text_input if f.label == "نام و نام خانوادگی"
         and f.key != "new_display_name").input("نام تازه در یک اجرا")
    next(b for b in at.button if b.label == "ذخیره" and b.proto.form_id.startswith(
        f"edit_user_{user_id}")).click()
    states = _one_run(at, runs)  # was 2 runs
    assert "ذخیره شد." in [s.value for s in at.success]
    assert "نام تازه در یک اجرا" in at.dataframe[0].value.to_string()  # the table, same run
    saved = _account(user_id)
    assert saved[0] == "نام تازه در یک اجرا"
    _replay(at, states)
    assert _no_error(at)  # no "someone else changed it": the old form is gone
    assert _account(user_id) == saved  # not written twice
    _one_run(at, runs, at.button(key=f"deactivate_{user_id}"))
    assert f"حساب {username} غیرفعال شد و همه نشست‌هایش بسته شد." in [
        s.value for s in at.success]
    assert not _account(user_id)[1]
    at.selectbox(key="user_active").set_value(False).run()
    _one_run(at, runs, at.button(key=f"activate_{user_id}"))
    assert f"حساب {username} فعال شد." in [s.value for s in at.success]
    assert _account(user_id)[1]


def _department(url: str, name: str):
    from data_access.models import Department

    with db.session_scope(db.get_engine(url)) as session:
        return [tuple(row) for row in session.execute(
            select(Department.id, Department.parent_id, Department.active).where(
                Department.name == name))]


def _form_button(at, prefix: str):
    return next(b for b in at.button if b.key and "FormSubmitter" in b.key and prefix in b.key)


def test_every_department_write_is_one_run(open_app, own_copy, runs):  # noqa: F811
    at = open_app("admin", "admin.py")
    at.session_state["admin_section"] = "departments"
    at.run()
    name = f"واحد یک اجرا {uuid.uuid4().hex[:6]}"
    # created; a double click creates it once, with no "exists" refusal
    next(f for f in at.text_input if f.label == "نام (فارسی)").input(name)  # the new one's
    _labelled(at, "ایجاد").click()
    states = _one_run(at, runs)  # was 2 runs
    assert "ذخیره شد." in [s.value for s in at.success]
    assert any(name in row for row in at.dataframe[0].value.astype(str).values.tolist()
               for row in row)  # the tree, in the same run
    (department_id, _, _), = _department(own_copy, name)
    _replay(at, states)
    assert _no_error(at)
    assert len(_department(own_copy, name)) == 1
    # the same name again beside it: refused beside the form, nothing written
    at.text_input(key="create_department_1_name").input(name)
    _one_run(at, runs, _form_button(at, "create_department_1"))
    assert _said_after(at, "create_department_1_name",
                       "واحدی با همین نام زیر همین واحد بالادستی وجود دارد.")
    assert len(_department(own_copy, name)) == 1
    # renamed, moved, deactivated, activated: each one run
    at.selectbox(key="dept_choice").set_value(department_id).run()
    renamed = f"{name} نو"
    at.text_input(key=f"rename_{department_id}_1_name").input(renamed)
    _one_run(at, runs, _form_button(at, f"rename_{department_id}_1"))
    assert _department(own_copy, renamed)
    with db.session_scope(db.get_engine(own_copy)) as session:
        parent = users.active_actor(session, "manager").department_id
    at.selectbox(key=f"move_{department_id}_2_parent").set_value(parent)
    _one_run(at, runs, _form_button(at, f"move_{department_id}_2"))
    assert _department(own_copy, renamed)[0][1] == parent
    _one_run(at, runs, at.button(key=f"dept_off_{department_id}"))
    assert f"واحد «{escape_markdown(renamed)}» غیرفعال شد." in [s.value for s in at.success]
    assert not _department(own_copy, renamed)[0][2]
    _one_run(at, runs, at.button(key=f"dept_on_{department_id}"))
    assert _department(own_copy, renamed)[0][2]


def test_saving_a_kpi_definition_is_one_run_and_the_table_shows_it(open_app, runs):
    from tests.app.test_kpis_page import _actor, _open

    manager = _actor("manager")
    at = _open(open_app, "pr", view="definitions")
    prefix = "kpi_def___new___0"
    name = f"شاخص یک اجرا {uuid.uuid4().hex[:6]}"
    next(f for f in at.text_input if f.key == f"{prefix}_name_fa").input(name)
    next(m for m in at.multiselect if m.key == f"{prefix}_departments").set_value(
        [manager.department_id])
    _form_button(at, prefix).click()
    states = _one_run(at, runs)  # was 2 runs
    assert f"شاخص «{escape_markdown(name)}» ذخیره شد." in [s.value for s in at.success]
    assert name in at.dataframe[0].value.to_string()  # the table, in the same run
    assert next(f for f in at.text_input if f.key == "kpi_def___new___1_name_fa").value == ""
    _replay(at, states)

    def defined() -> int:
        with db.session_scope() as session:
            from data_access import kpis

            return sum(k.name_fa == name for k in kpis.list_kpis(session, _actor("pr")))

    assert defined() == 1


def test_entering_kpi_values_is_one_run_and_saved_once(open_app, runs):
    from dashboard.kpis.filters import default_last
    from data_access import kpis
    from tests.app.test_kpis_page import _actor, _custom_kpi, _open

    manager = _actor("manager")
    kpi = _custom_kpi(f"شاخص ورود یک اجرا {uuid.uuid4().hex[:6]}", [manager.department_id])
    at = _open(open_app, "manager", view="entry", kpi=kpi.code)
    period = default_last("month")
    form = f"kpi_entry_form_{kpi.code}_{period.key}"
    next(f for f in at.text_input if f.key and f.key.startswith(form)).input("۷۰")
    _form_button(at, form).click()
    states = _one_run(at, runs)  # was 2 runs
    assert "۱ مقدار ذخیره شد." in [s.value for s in at.success]

    def sheet():
        with db.session_scope() as session:
            (row,) = kpis.entry_sheet(session, _actor("pr"), kpi.code, period.key)
            return row.value, row.version

    saved = sheet()
    assert saved[0] == 70
    field = next(f for f in at.text_input if f.key and f.key.startswith(form))
    assert field.key.endswith(f"_{saved[1]}") and field.value == "۷۰"  # on the saved version
    _replay(at, states)
    assert _no_error(at)
    assert sheet() == saved  # not written twice


def test_import_another_is_one_run(open_app, runs):
    from data_access.imports import ImportResult

    at = open_app("admin", "admin.py")
    at.session_state["admin_section"] = "import"
    at.session_state["import_result"] = ImportResult(1, {})
    at.run()
    _one_run(at, runs, at.button(key="import_another"))
    assert "import_result" not in at.session_state
    assert at.file_uploader  # the uploader again, in the click's own run


def test_a_second_click_after_a_stored_submission_still_thanks(open_app, own_copy, runs):  # noqa: F811
    """A double click's second submission can arrive after the first was stored but
    before this session noted it (seen once in a browser): the page still thanks, it
    does not say "you have already answered"."""
    at, wave_id = _employee_answering(open_app, own_copy)
    with db.session_scope(db.get_engine(own_copy)) as session:
        employee = users.active_actor(session, "employee")
        form = surveys.wave_form(session, employee, wave_id)
    for item in form.items:
        if item.kind in ("likert5", "enps", "choice"):
            at.radio(key=f"survey_answer_{wave_id}_{item.id}").set_value(
                {"likert5": 4, "enps": 8, "choice": 0}[item.kind])
    states = _one_run(at, runs, at.button(key=f"survey_submit_{wave_id}"))
    assert "پاسخ شما ثبت شد" in "\n".join(s.value for s in at.success)
    # The first click's callback stopped after the write: its note and clean-up are lost.
    at.session_state["survey_done"] = set()
    for item in form.items:
        if item.kind in ("likert5", "enps", "choice"):
            at.session_state[f"survey_answer_{wave_id}_{item.id}"] = {
                "likert5": 4, "enps": 8, "choice": 0}[item.kind]
    _replay(at, states)
    assert "پاسخ شما ثبت شد" in "\n".join(s.value for s in at.success)
    assert not at.error and not [i for i in at.info if "پیش‌تر" in i.value]
    with db.session_scope(db.get_engine(own_copy)) as session:
        assert surveys.has_answered(session, employee, wave_id)
