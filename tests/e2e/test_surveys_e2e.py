"""Pulse surveys in Chromium: an employee answers in Persian, once; a manager
reads a heatmap whose hidden cells say why."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from sqlalchemy import func, select

from data_access import db, surveys, users
from data_access.models import User, utcnow
from data_access.models.surveys import SurveyParticipation, SurveyWave
from tests.conftest import make_department, make_user
from tests.e2e.conftest import goto, login, screenshot, settle

JALALI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر",
                 "دی", "بهمن", "اسفند")


def _answer_all(page) -> None:
    """Agree with every statement and give the eNPS question an 8."""
    questions = page.locator('[data-testid="stRadio"]')
    for index in range(questions.count()):
        question = questions.nth(index)
        if question.get_by_role("radio").count() == 11:
            question.get_by_text("۸", exact=True).click()
        else:
            question.get_by_text("موافقم", exact=True).click()
        settle(page, 150)


def _open_form(page, live_app) -> None:
    goto(page, live_app, "surveys")
    page.get_by_role("button", name="پاسخ می‌دهم").first.click()
    page.get_by_text("پیش از پاسخ دادن بدانید").wait_for()
    settle(page)


def test_employee_answers_a_pulse_in_persian_once(page, live_app):
    login(page, live_app, "employee")
    goto(page, live_app, "surveys")
    deadline = page.get_by_text(re.compile("مهلت پاسخ:")).first
    deadline.wait_for()
    shown = deadline.inner_text()
    assert any(month in shown for month in JALALI_MONTHS), shown
    assert re.search("[۰-۹]{4}", shown) and not re.search("[0-9]", shown), shown
    assert page.get_by_text("پاسخ نداده‌اید").count() == 1
    screenshot(page, "surveys_list_employee_fa")

    # A second tab opens the same form before the first one is submitted.
    second = page.context.new_page()
    _open_form(page, live_app)
    _open_form(second, live_app)
    # The notice comes before the first question.
    notice = page.get_by_text("پیش از پاسخ دادن بدانید").bounding_box()
    first_question = page.locator('[data-testid="stRadio"]').first.bounding_box()
    assert notice["y"] < first_question["y"]
    assert page.get_by_text(re.compile("دست‌کم ۵ پاسخ")).count() >= 1
    screenshot(page, "surveys_form_employee_fa")

    _answer_all(page)
    page.get_by_role("button", name="ثبت پاسخ‌ها").dblclick()  # a double click, too
    page.get_by_text("پاسخ شما ثبت شد").wait_for()
    screenshot(page, "surveys_thanks_employee_fa")

    _answer_all(second)
    second.get_by_role("button", name="ثبت پاسخ‌ها").click()
    second.get_by_text("شما پیش‌تر به این دوره پاسخ داده‌اید").wait_for()
    screenshot(second, "surveys_second_tab_refused_fa")
    second.close()

    goto(page, live_app, "surveys")
    page.get_by_text("پاسخ داده‌اید").wait_for()
    assert page.get_by_role("button", name="پاسخ می‌دهم").count() == 0
    with db.session_scope(live_app.engine()) as session:
        employee = session.scalar(select(User.id).where(User.username == "employee"))
        counted = session.scalar(select(func.count()).select_from(SurveyParticipation)
                                 .where(SurveyParticipation.user_id == employee,
                                        SurveyParticipation.wave_id.in_(
                                            select(SurveyWave.id).where(
                                                SurveyWave.status == "open"))))
    assert counted == 1


def _wave_with_a_small_unit(live_app) -> str:
    """A one-off survey answered by the manager's department and a new three-person
    unit under it, closed at once; returns the unit's name."""
    name = "واحد بایگانی"
    engine = live_app.engine()
    now = utcnow()
    with db.session_scope(engine) as session:
        pr = users.active_actor(session, "pr")
        manager = users.active_actor(session, "manager")
        unit = make_department(session, name, manager.department_id, "Archive Unit")
        small = [make_user(session, f"archive{i}", unit) for i in range(3)]
        surveys.create_survey(session, pr, surveys.SurveyDraft(
            title_fa="نظرسنجی کوتاه پایان سال", title_en="Year-end check-in",
            opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=1),
            bank_codes=("bel_01", "sat_01", "rec_01", "wlb_01", "enps_01")), now=now)
    with db.session_scope(engine) as session:
        wave = max(surveys.open_waves_for(session, small[0]), key=lambda w: w.wave_id)
        colleagues = session.scalars(select(User).where(
            User.department_id == manager.department_id, User.active.is_(True))).all()
        items = surveys.wave_form(session, small[0], wave.wave_id).items
    rng = random.Random(3)
    for person in [*small, *(users.to_actor(u) for u in colleagues)]:
        with db.session_scope(engine) as session:
            surveys.submit(session, person, wave.wave_id, {
                item.id: rng.randint(0, 10) if item.kind == "enps" else rng.randint(2, 5)
                for item in items})
    with db.session_scope(engine) as session:
        surveys.close_wave_now(session, pr, wave.wave_id)
    return name


def test_manager_sees_hidden_cells_labelled_in_the_heatmap(page, live_app):
    unit = _wave_with_a_small_unit(live_app)
    login(page, live_app, "manager")
    goto(page, live_app, "survey-results")
    page.get_by_role("tab", name="واحدها").click()  # the results are in sections
    heading = page.get_by_role("heading", name="واحدها × محورها")
    heading.wait_for()
    # Charts below the fold are drawn when they come into view (banners above push
    # the heatmap down when other tests left urgent notices).
    heading.scroll_into_view_if_needed()
    heatmap = page.locator(".js-plotly-plot").filter(has_text=unit)
    heatmap.wait_for()
    labels = heatmap.locator("text.annotation-text")
    assert labels.count() >= 4  # one per driver of the hidden row
    assert all("کمتر از" in text and "۵" in text for text in labels.all_text_contents())
    # Only the manager's subtree is listed; no whole-organisation group to pick.
    assert page.get_by_text("کل سازمان", exact=True).count() <= 1  # the comparison legend
    heatmap.scroll_into_view_if_needed()
    settle(page)
    screenshot(page, "survey_results_manager_fa")


def test_results_page_in_english_for_pr(page, live_app):
    login(page, live_app, "pr", locale="en")
    goto(page, live_app, "survey-results")
    page.get_by_role("tab", name="Departments").click()  # the results are in sections
    page.get_by_role("heading", name="Departments × drivers").wait_for()
    page.get_by_role("tab", name="Drivers").click()
    assert page.get_by_text("Favorable = share of answers 4–5").count() == 1
    screenshot(page, "survey_results_pr_en")
