"""The survey pages as each role meets them, over the demo municipality."""

from __future__ import annotations

import os
import random
import sqlite3
from datetime import timedelta

import jdatetime
import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard import cache, charts
from dashboard.formatting import format_date, localize_digits
from dashboard.surveys import hooks
from data_access import db, departments, surveys, users
from data_access.errors import PermissionDenied
from data_access.models import User, utcnow
from data_access.models.surveys import SurveyWave
from tests.app.conftest import ROOT

SURVEYS = "surveys.py"
RESULTS = "survey_results.py"


def _actor(username: str):
    with db.session_scope() as session:
        return users.active_actor(session, username)


def _open_wave_id() -> int:
    with db.session_scope() as session:
        return surveys.open_waves_for(session, _actor("employee"))[0].wave_id


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    parts += [e.value for e in at.error] + [e.value for e in at.success]
    return "\n".join(str(p) for p in parts)


def _hidden_group_card(at: AppTest) -> bool:
    return any(m.value.startswith("**:material/visibility_off:") for m in at.markdown)


def test_employee_cannot_open_results(open_app, app_env):
    at = open_app("employee")
    with pytest.raises(ValueError):
        at.switch_page(str(ROOT / "pages" / RESULTS)).run()
    # Reached some other way, the page itself refuses.
    direct = AppTest.from_file(str(ROOT / "pages" / RESULTS))
    direct.session_state["actor"] = _actor("employee")
    direct.run()
    assert [e.value for e in direct.error] == ["شما اجازه انجام این کار را ندارید."]
    assert not direct.dataframe


def test_employee_sees_the_open_wave_and_the_reminder(open_app):
    at = open_app("employee", SURVEYS)
    assert not at.exception
    text = _texts(at)
    assert "نظرسنجی دوره‌ای تعلق و رضایت" in text
    assert "مهلت پاسخ:" in text
    assert any("منتظر پاسخ شماست" in w.value for w in at.warning)  # sidebar reminder
    assert not at.tabs  # no design tab for employees


def test_anonymity_notice_comes_before_the_form(open_app):
    at = open_app("employee", SURVEYS)
    at.button(key=f"answer_{_open_wave_id()}").click().run()
    assert not at.exception
    notice = [m.value for m in at.markdown]
    assert "**پیش از پاسخ دادن بدانید**" in notice
    assert any("هیچ‌کس" in m and "مدیر سامانه" in m for m in notice)
    assert any("دست‌کم ۵ پاسخ" in m for m in notice)  # k, in Persian digits
    # The notice is drawn above the first question.
    order = [node for node in at.main]
    flat = _flatten(order)
    first_radio = next(i for i, n in enumerate(flat) if n.type == "radio")
    notice_at = next(i for i, n in enumerate(flat)
                     if n.type == "markdown" and "پیش از پاسخ" in n.value)
    assert notice_at < first_radio


def _flatten(nodes):
    found = []
    for node in nodes:
        found.append(node)
        children = getattr(node, "children", None)
        if children:
            found.extend(_flatten(children.values() if isinstance(children, dict)
                                  else children))
    return found


def test_answers_are_kept_when_validation_fails_then_recorded_once(open_app):
    wave_id = _open_wave_id()
    at = open_app("admin", SURVEYS)
    at.button(key=f"answer_{wave_id}").click().run()
    form = _form(wave_id)
    first = form.items[0]
    at.radio(key=f"survey_answer_{wave_id}_{first.id}").set_value(4)
    at.button(key=f"survey_submit_{wave_id}").click().run()
    assert not at.exception
    assert "لطفاً به پرسش‌های مشخص‌شده پاسخ دهید" in _texts(at)
    assert at.radio(key=f"survey_answer_{wave_id}_{first.id}").value == 4
    with db.session_scope() as session:
        assert not surveys.has_answered(session, _actor("admin"), wave_id)
    for item in form.items:
        if item.kind == "likert5":
            at.radio(key=f"survey_answer_{wave_id}_{item.id}").set_value(5)
        elif item.kind == "enps":
            at.radio(key=f"survey_answer_{wave_id}_{item.id}").set_value(9)
    at.button(key=f"survey_submit_{wave_id}").click().run()
    assert not at.exception
    assert "پاسخ شما ثبت شد" in _texts(at)
    with db.session_scope() as session:
        assert surveys.has_answered(session, _actor("admin"), wave_id)
    # Back in the list the wave shows as answered and offers no button.
    again = open_app("admin", SURVEYS)
    assert not [b for b in again.button if b.key == f"answer_{wave_id}"]


def _form(wave_id: int) -> surveys.WaveForm:
    with db.session_scope() as session:
        return surveys.wave_form(session, _actor("employee"), wave_id)


def test_manager_sees_only_their_subtree(open_app):
    at = open_app("manager", RESULTS)
    assert not at.exception
    group = at.selectbox(key=next(s.key for s in at.selectbox
                                  if s.key and s.key.startswith("results_group_")))
    with db.session_scope() as session:
        manager = _actor("manager")
        allowed = {d.id for d in surveys.result_departments(
            session, manager, int(at.selectbox(key="results_wave").value))}
        subtree = departments.subtree_ids(session, manager.department_id)
    assert set(group.options) and allowed <= subtree
    assert "کل سازمان" not in group.options  # no whole-organisation group for a manager
    # drivers, items, ... for their department, or (too few answers there) the one
    # card that says so
    assert at.dataframe or _hidden_group_card(at)


@pytest.fixture
def wave_for_another_department(app_env, monkeypatch, tmp_path):
    """A copy of the demo database with one more closed wave, addressed only to a
    department outside the demo manager's subtree and answered there; its id."""
    copy = tmp_path / "other-department.db"
    with sqlite3.connect(app_env.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    now = utcnow()
    with db.session_scope(db.get_engine(url)) as session:
        manager, pr = (users.active_actor(session, name) for name in ("manager", "pr"))
        subtree = departments.subtree_ids(session, manager.department_id)
        department = session.execute(
            select(User.department_id).where(User.active.is_(True),
                                             User.department_id.not_in(subtree))
            .group_by(User.department_id).order_by(func.count().desc())).scalars().first()
        survey_id = surveys.create_survey(session, pr, surveys.SurveyDraft(
            title_fa="نظرسنجی ویژه واحد دیگر", opens_at=now - timedelta(minutes=5),
            closes_at=now + timedelta(days=1), bank_codes=("bel_01", "sat_01", "enps_01"),
            audience_all=False, audience_departments=(department,)), now=now)
        wave_id = session.scalar(select(SurveyWave.id).where(
            SurveyWave.survey_id == survey_id))
        people = session.scalars(select(User).where(User.department_id == department,
                                                    User.active.is_(True))).all()
        rng = random.Random(5)
        form = surveys.wave_form(session, users.to_actor(people[0]), wave_id, now=now)
        for person in people:
            surveys.submit(session, users.to_actor(person), wave_id,
                           surveys_answers(form, rng), now=now)
        surveys.close_wave_now(session, pr, wave_id, now=now + timedelta(minutes=1))
    # Survey reads are cached per viewer, not per database: start and end clean.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield wave_id
    st.cache_data.clear()
    st.cache_resource.clear()


def surveys_answers(form: surveys.WaveForm, rng: random.Random) -> dict[int, int]:
    return {item.id: rng.randint(0, 10) if item.kind == "enps" else rng.randint(1, 5)
            for item in form.items}


def test_manager_is_not_offered_a_wave_for_another_department(open_app,
                                                              wave_for_another_department):
    title = "نظرسنجی ویژه واحد دیگر"
    pr = open_app("pr", RESULTS)
    assert not pr.exception
    assert pr.selectbox(key="results_wave").value == wave_for_another_department
    assert any(title in option for option in pr.selectbox(key="results_wave").options)
    at = open_app("manager", RESULTS)
    assert not at.exception
    waves = at.selectbox(key="results_wave")
    assert waves.value != wave_for_another_department
    assert waves.options and not any(title in option for option in waves.options)
    assert at.dataframe or _hidden_group_card(at)  # the manager's own results still show


def test_pr_sees_the_whole_organisation_and_exports(open_app):
    at = open_app("pr", RESULTS)
    assert not at.exception
    group = at.selectbox(key=next(s.key for s in at.selectbox
                                  if s.key and s.key.startswith("results_group_")))
    assert group.value is None  # the whole organisation by default
    text = _texts(at)
    assert "مشارکت = پاسخ‌دهندگان ÷ دعوت‌شدگان" in text
    assert "eNPS = درصد مروجان" in text
    assert len(at.get("download_button")) == 2


def test_results_page_in_english(open_app):
    at = open_app("pr", RESULTS, locale="en")
    assert not at.exception
    assert at.title[0].value == "Survey results"
    assert "Favorable = share of answers 4–5" in _texts(at)


def test_pr_has_design_and_bank_tabs_admin_can_add_to_the_bank(open_app):
    at = open_app("pr", SURVEYS)
    assert [tab.label for tab in at.tabs] == ["پاسخ به نظرسنجی", "طراحی و زمان‌بندی",
                                             "بانک پرسش‌ها"]
    assert not any(f.key == "survey_bank_add" for f in at.get("form"))
    admin = open_app("admin", SURVEYS)
    assert not admin.exception
    assert any(tab.label == "بانک پرسش‌ها" for tab in admin.tabs)


CREATE = "ایجاد و زمان‌بندی"


def test_design_form_refuses_k_below_three(open_app):
    """k is shown in Persian digits (default ۵); a k under three is refused with a
    message under the box and nothing is created."""
    at = open_app("pr", SURVEYS)
    k = next(n for n in at.text_input if n.label.startswith("حداقل اندازه گروه"))
    assert k.value == "۵"
    assert not at.number_input  # Streamlit's number box would show Western digits
    k.set_value("۲")
    next(b for b in at.button if b.label == CREATE).click().run()  # the form's submit
    assert "عددی صحیح از ۳ تا ۱٬۰۰۰ بنویسید." in [e.value for e in at.error]
    k = next(n for n in at.text_input if n.label.startswith("حداقل اندازه گروه"))
    k.set_value("7")  # Western digits are read too
    next(b for b in at.button if b.label == CREATE).click().run()
    assert "عددی صحیح از ۳ تا ۱٬۰۰۰ بنویسید." not in [e.value for e in at.error]


def test_cached_results_belong_to_their_database(open_app, app_env, monkeypatch,
                                                 wave_for_another_department):
    """Survey reads are keyed by the database too: one process serving (or benchmarking)
    two databases never shows one database's cached results for the other."""
    copy = os.environ["DATABASE_URL"]
    monkeypatch.setenv("DATABASE_URL", app_env)
    before = open_app("pr", RESULTS)  # caches the demo database's waves for this viewer
    assert before.selectbox(key="results_wave").value != wave_for_another_department
    monkeypatch.setenv("DATABASE_URL", copy)
    after = open_app("pr", RESULTS)  # same user id and role, another database
    assert not after.exception
    assert after.selectbox(key="results_wave").value == wave_for_another_department


@pytest.mark.parametrize("failing", ["group_results", "result_waves"])
def test_a_refused_survey_read_is_a_message_not_a_crash(open_app, monkeypatch, failing):
    def refuse(*args, **kwargs):
        raise PermissionDenied()

    cache.clear_all()
    monkeypatch.setattr(surveys, failing, refuse)
    at = open_app("manager", RESULTS)
    assert not at.exception
    assert "شما اجازه انجام این کار را ندارید." in [e.value for e in at.error]
    assert not at.dataframe  # the page stopped at the message


def test_the_survey_clock_runs_once_per_page_run(open_app, monkeypatch):
    calls = []
    real = hooks.database_url
    monkeypatch.setattr(hooks, "database_url", lambda: calls.append(1) or real())
    at = open_app("employee")
    calls.clear()
    at.switch_page(str(ROOT / "pages" / SURVEYS)).run()
    assert not at.exception
    assert len(calls) == 1


def test_clearing_every_cache_clears_the_survey_figures(open_app, monkeypatch):
    """The bench's cold runs call cache.clear_all(): the figures must be rebuilt then."""
    built = []
    real = charts.heatmap
    monkeypatch.setattr(charts, "heatmap", lambda *a, **k: built.append(1) or real(*a, **k))
    cache.clear_all()
    open_app("pr", RESULTS)
    first = len(built)
    open_app("pr", RESULTS)  # another session: served from the cache
    assert first >= 1 and len(built) == first
    cache.clear_all()
    open_app("pr", RESULTS)
    assert len(built) == first + 1


def test_a_hidden_group_is_one_card_not_tables_of_dashes(open_app):
    """The demo manager's department has fewer answers than k: its results were tables
    of "—", an empty trend axis and an empty heatmap."""
    at = open_app("manager", RESULTS)
    assert not at.exception
    wave = int(at.selectbox(key="results_wave").value)
    with db.session_scope() as session:
        manager = _actor("manager")
        shown = surveys.group_results(session, manager, wave, manager.department_id)
    assert shown.hidden == "below_k"
    assert _hidden_group_card(at)
    assert "این گروه کمتر از ۵ پاسخ‌دهنده دارد؛ نتایج آن نشان داده نمی‌شود." in [
        m.value for m in at.markdown]
    assert not at.dataframe and not at.tabs
    assert not [m for m in at.markdown if "محورها" == m.value]


def test_a_closed_wave_reads_as_sections_with_a_headline_first(open_app):
    at = open_app("pr", RESULTS)
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["خلاصه", "محورها", "پرسش‌ها", "روند", "واحدها",
                                             "نظرها", "اقدام‌ها"]
    story = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert story and "نقطه قوت:" in story[0] and "نیازمند توجه:" in story[0]


def test_the_heatmap_is_coloured_by_status_with_a_three_word_legend(open_app):
    """It used one blue scale while the caption promised good/watch/concern colours."""
    import json

    at = open_app("pr", RESULTS)
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    heat = [trace for spec in specs for trace in spec["data"] if trace["type"] == "heatmap"]
    assert len(heat) == 1
    trace = heat[0]
    assert trace["colorbar"]["ticktext"] == ["نگران‌کننده", "نیازمند توجه", "مطلوب"]
    levels = {v for row in trace["z"] for v in row}
    assert levels - {None} and levels <= {0, 1, 2, None}
    # each coloured cell still says its score, in Persian digits
    shown = [text for row in trace["text"] for text in row if text]
    assert shown and all(text.strip("۰۱۲۳۴۵۶۷۸۹") == "" for text in shown)


def _trend_traces(at: AppTest) -> list[dict]:
    import json

    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(spec["data"] for spec in specs
                if spec["data"] and spec["data"][0]["type"] == "scatter"
                and spec["data"][0].get("mode") == "lines+markers")


def test_the_trend_highlights_one_driver_at_a_time_the_weakest_first(open_app):
    """Six similar-coloured lines over many waves told nothing apart."""
    at = open_app("pr", RESULTS)
    picker = at.selectbox(key="trend_highlight_None")
    with db.session_scope() as session:
        shown = surveys.group_results(session, _actor("pr"), int(at.selectbox(
            key="results_wave").value), None)
    weakest = min((d for d in shown.drivers if d.score is not None), key=lambda d: d.score)
    assert picker.value == weakest.driver
    bold = [t for t in _trend_traces(at) if t["line"]["width"] == 4]
    assert [t["name"] for t in bold] == [picker.format_func(weakest.driver)]
    assert _trend_traces(at)[-1]["name"] == bold[0]["name"]  # drawn on top
    assert {t["line"]["color"] for t in _trend_traces(at) if t not in bold} == {"#CBD5E1"}
    assert picker.options[0] == "همه محورها با هم"
    other = next(d.driver for d in shown.drivers if d.score is not None
                 and d.driver != weakest.driver)
    picker.set_value(other).run()
    bold = [t["name"] for t in _trend_traces(at) if t["line"]["width"] == 4]
    assert bold == [at.selectbox(key="trend_highlight_None").format_func(other)]


def test_a_survey_with_one_closed_wave_says_the_trend_comes_later(
        open_app, wave_for_another_department):
    """One point per driver drew an empty-looking chart called a trend."""
    at = open_app("pr", RESULTS)
    assert at.selectbox(key="results_wave").value == wave_for_another_department
    assert not at.exception
    assert any(i.value.startswith("تا کنون فقط یک دوره از این نظرسنجی نتیجه دارد")
               for i in at.info)


def test_design_pickers_say_what_to_choose_in_persian(open_app):
    """Streamlit's own placeholder read "Choose options" on a Persian page."""
    at = open_app("pr", SURVEYS)
    assert {m.placeholder for m in at.multiselect} == {"پرسش‌ها را انتخاب کنید",
                                                       "واحدها را انتخاب کنید"}


# --- "Act on this": an action from a driver, where the driver is ------------------------

def _cleanup_actions(title_part: str) -> None:
    from data_access.models.action_items import ActionItem
    with db.session_scope() as session:
        for item in session.scalars(select(ActionItem).where(
                ActionItem.title.contains(title_part))):
            session.delete(item)


def _table_text(at: AppTest) -> str:
    return "\n".join(frame.value.to_csv(index=False) for frame in at.dataframe)


@pytest.mark.parametrize(("locale", "button", "prefill", "done"), [
    (None, "اقدام برای «قدردانی»", "بهبود «قدردانی»", "ثبت شد و در بخش اقدام‌ها آمد"),
    ("en", "Act on “Recognition”", "Improve “Recognition”", "is listed under Actions"),
])
def test_act_on_a_driver_opens_the_form_prefilled_and_the_list_shows_it(
        open_app, locale, button, prefill, done):
    from data_access.models.action_items import ActionItem
    at = open_app("pr", RESULTS, locale=locale)
    wave = int(at.selectbox(key="results_wave").value)
    act = at.button(key="act_on_recognition")
    assert act.label == button
    act.click().run()
    assert not at.exception
    form = f"action_drivers_{wave}_None_recognition"
    assert at.selectbox(key=f"{form}_driver").value == "recognition"
    assert at.text_input(key=f"{form}_title").value == prefill
    assert [c for c in at.caption if c.value.startswith(("از نتایج", "From the results"))]
    # any active colleague, found by name: an employee may own the item
    at.text_input(key=f"{form}_owner_search").input("کارمند نمونه").run()
    with db.session_scope() as session:
        employee = users.active_actor(session, "employee")
    owner = at.selectbox(key=f"{form}_owner")
    assert owner.options[0] == "کارمند نمونه"
    owner.set_value(employee.id)
    title = f"{prefill} · {locale or 'fa'} آزمون"
    at.text_input(key=f"{form}_title").input(title)
    at.button(key=f"{form}_create").click().run()
    try:
        assert not at.exception
        # the message where the button was, the form gone, the list updated in this run
        assert any(done in s.value and title in s.value.replace("\\", "") for s in at.success)
        assert not [b for b in at.button if b.key == f"{form}_create"]
        assert title in _table_text(at)
        with db.session_scope() as session:
            item = session.scalars(select(ActionItem).where(ActionItem.title == title)).one()
            assert (item.source_driver, item.owner_id, item.source_wave_id) == (
                "recognition", employee.id, wave)
    finally:
        _cleanup_actions("آزمون")


def test_the_actions_form_lists_a_new_item_in_the_same_run(open_app):
    """After creating an action item the list above said none existed until a reload."""
    at = open_app("pr", RESULTS)
    wave = int(at.selectbox(key="results_wave").value)
    form = f"action_actions_{wave}_None"
    at.text_input(key=f"{form}_title").input("اقدام آزمون فهرست")
    for part, value in (("d", 1), ("m", 1), ("y", max(at.selectbox(key=f"{form}_due__y").options,
                                                      key=int))):
        box = at.selectbox(key=f"{form}_due__{part}")
        box.set_value(int(value))
    at.button(key=f"{form}_create").click().run()
    try:
        assert not at.exception
        assert "اقدام آزمون فهرست" in _table_text(at)
        assert any("ثبت شد" in s.value for s in at.success)
    finally:
        _cleanup_actions("اقدام آزمون فهرست")


def test_design_schedule_is_one_jalali_date_and_one_time_field(open_app):
    """Issue 10: opening and closing times were five dropdowns each. A closing date the
    calendar lacks is refused inside the form, with nothing created."""
    at = open_app("pr", SURVEYS)
    assert not [s for s in at.selectbox if (s.key or "").startswith("survey_opens")]
    assert at.text_input(key="survey_opens__date").value == format_date(utcnow(), "fa")
    year = next(y for y in range(jdatetime.date.today().year + 1, 1500)
                if not jdatetime.date(y, 1, 1).isleap())
    at.text_input(key="survey_closes__date").set_value(f"{year}/12/30")
    next(b for b in at.button if b.label == CREATE).click().run()
    assert not at.exception
    shown = localize_digits(str(year), "fa")
    assert (f"تاریخ {shown}/۱۲/۳۰ در تقویم وجود ندارد: اسفند سال {shown} ۲۹ روز دارد."
            in [e.value for e in at.error])
