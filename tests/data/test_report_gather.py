"""Gathering the monthly report, on SQLite and PostgreSQL: pr reports on every
department, a manager on their subtree only; a survey group below the minimum size
gives no figure; news, meetings and overdue items are the month's and the scope's."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dashboard.report.gather import gather
from data_access import kpis, meetings, news
from data_access.errors import PermissionDenied
from data_access.kpis import Period
from data_access.models import utcnow
from data_access.models.action_items import ActionItem
from data_access.models.meetings import Meeting, MeetingType
from tests.data.survey_helpers import T0, add_people, close, open_survey, submit_all

MONTH = Period.containing(T0.date() + timedelta(days=8), "month")  # Mehr 1404


@pytest.fixture
def month_data(session, org):
    # 10 answers in PR, 3 in Traffic Control: the manager's subtree is below k = 5.
    pr_people = add_people(session, org.pr_dept, 10, "p")
    control = add_people(session, org.traffic_control, 3, "c")
    wave_id = open_survey(session, org.pr)
    submit_all(session, pr_people + control, wave_id, random.Random(3))
    close(session, wave_id)

    news.ensure_builtin_categories(session)
    category = next(c.id for c in news.categories(session) if c.code == "news")
    for title, when in (("خبر مهر", T0 + timedelta(days=10)),
                        ("خبر دوم مهر", T0 + timedelta(days=12)),
                        ("خبر شهریور", T0 - timedelta(days=5))):
        news.publish(session, org.pr, news.AnnouncementInput(
            title=title, body="متن", category_id=category), now=when)
    session.commit()

    meetings.ensure_builtin_types(session)
    type_id = session.scalar(select(MeetingType.id).where(MeetingType.code == "staff"))
    for organiser in (org.manager, org.pr):
        starts = T0 + timedelta(days=14)
        meeting_id = meetings.schedule(session, organiser, meetings.MeetingInput(
            title="جلسه ماهانه", type_id=type_id, starts_at=starts, duration_minutes=60,
            department_id=organiser.department_id, attendee_ids=[]), now=T0)
        version = meetings.hold(session, organiser, meeting_id,
                                session.get(Meeting, meeting_id).version,
                                now=starts + timedelta(hours=2))
        meetings.add_decision(session, organiser, meeting_id, version, "تصمیم آزمایشی",
                              now=starts + timedelta(hours=2))
    session.commit()

    kpis.ensure_builtins(session)
    session.commit()

    overdue = date.today() - timedelta(days=20)
    for owner, department in ((control[0], org.traffic_control), (pr_people[0], org.pr_dept)):
        session.add(ActionItem(title=f"اقدام {owner.username}", owner_id=owner.id,
                               due_on=overdue, status="open", source="survey",
                               source_department_id=department, created_by=org.pr.id,
                               created_at=utcnow(), updated_at=utcnow()))
    session.commit()
    return wave_id


def test_pr_reports_on_every_department(session, org, month_data):
    report = gather(session, org.pr, MONTH, "fa")
    assert report.whole_organisation and report.period == MONTH
    survey = report.survey
    assert survey is not None and survey.hidden is None
    assert survey.respondents == 13 and survey.drivers
    assert report.news_items == 2
    assert {n.title for n in report.news} == {"خبر مهر", "خبر دوم مهر"}
    assert (report.meetings.held, report.meetings.decisions) == (2, 2)
    assert report.overdue_total == 2
    assert [row.code for row in report.kpis] == list(kpis.BUILTIN_ORDER)
    by_code = {row.code: row for row in report.kpis}
    assert not by_code["belonging"].suppressed and by_code["belonging"].value is not None
    assert by_code["meetings_held"].value == report.meetings.held


def test_a_manager_reports_on_their_subtree_and_gets_no_figure_below_k(session, org,
                                                                      month_data):
    report = gather(session, org.manager, MONTH, "en")
    assert not report.whole_organisation and report.scope_en == "Traffic"
    survey = report.survey
    assert survey is not None and survey.hidden == "below_k"
    assert survey.participation is None and survey.respondents is None
    assert survey.drivers == () and survey.sentences == ()
    assert (report.meetings.held, report.meetings.decisions) == (1, 1)
    assert report.overdue_total == 1
    # The survey KPIs of a group below k: suppressed, no value, as on the results page.
    by_code = {row.code: row for row in report.kpis}
    for code in ("participation", "belonging", "satisfaction", "enps"):
        assert by_code[code].suppressed and by_code[code].value is None
        assert all(value is None for _, _, value, _ in by_code[code].history)
    assert by_code["meetings_held"].value == report.meetings.held
    assert [o.title for o in report.overdue] == ["اقدام c000"]
    # The subtree's people only: the manager, the employee and the three who answered.
    assert report.news and all(n.audience == 5 for n in report.news)


def test_a_month_before_anything_happened_is_empty(session, org, month_data):
    report = gather(session, org.pr, MONTH.shift(-3), "fa")
    assert report.survey is None and report.news_items == 0
    assert report.meetings.held == 0


def test_employees_get_no_report(session, org):
    with pytest.raises(PermissionDenied):
        gather(session, org.employee, MONTH, "fa")
