"""Survey KPIs hide exactly what the results page hides, and show its own figures.

Each case builds an organisation with uneven (some tiny) departments, closes a
wave and compares every department's KPI with `surveys.group_results` for the
same group and wave: suppressed where the page hides it, equal where it shows.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from data_access import kpis, surveys
from data_access.clock import to_local
from data_access.kpis import builtin
from data_access.kpis.builtin import units_for
from data_access.kpis.periods import Period
from data_access.models.surveys import SurveyWave
from tests.conftest import make_department
from tests.data.survey_helpers import add_people, close, open_survey, submit_all

CODES = ("participation", "belonging", "satisfaction", "enps")


def _page_figure(result, code):
    """What the results page shows for the code: (value, hidden)."""
    if code == "participation":
        p = result.participation
        return (None if p.hidden else 100 * p.rate), bool(p.hidden)
    if code == "enps":
        e = result.enps
        return (None if e.hidden else e.enps.enps), bool(e.hidden)
    driver = next(d for d in result.drivers if d.driver == code)
    return (None if driver.hidden else driver.score), bool(driver.hidden)


# (respondents, invited who do not answer) per department: root, PR, Traffic,
# Traffic Control, and two small units under Traffic Control.
CASES = {
    "rolled_up_and_complementary": [(3, 0), (7, 1), (9, 0), (0, 0), (4, 2), (2, 1)],
    "all_large": [(0, 0), (12, 3), (8, 0), (6, 0), (5, 0), (5, 1)],
    "tiny_leaves": [(1, 0), (6, 0), (5, 4), (5, 0), (2, 0), (3, 3)],
    "uneven": [(0, 2), (5, 0), (6, 1), (1, 0), (7, 0), (4, 0)],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_survey_kpis_match_the_results_page(session, org, case):
    small_a = make_department(session, "واحد الف", org.traffic_control, "Unit A")
    small_b = make_department(session, "واحد ب", org.traffic_control, "Unit B")
    departments = [org.root, org.pr_dept, org.traffic, org.traffic_control, small_a, small_b]
    answering = []
    for index, (dept, (respond, silent)) in enumerate(zip(departments, CASES[case],
                                                          strict=True)):
        answering += add_people(session, dept, respond, f"a{index}_")
        add_people(session, dept, silent, f"s{index}_")
    wave_id = open_survey(session, org.pr)
    submit_all(session, answering, wave_id, random.Random(len(case)))
    close(session, wave_id)
    closes_at = session.scalar(select(SurveyWave.closes_at).where(SurveyWave.id == wave_id))
    month = Period.containing(to_local(closes_at).date(), "month")
    units = units_for(session, departments)
    hidden_somewhere = shown_somewhere = 0
    for code in CODES:
        got = builtin.compute(session, code, units, [month, month.quarter(), month.previous()])
        for dept in departments:
            page_value, page_hidden = _page_figure(
                surveys.group_results(session, org.pr, wave_id, dept), code)
            value = got[(dept, month.key)]
            assert value.suppressed == page_hidden, (code, dept)
            assert value.value == (None if page_hidden else pytest.approx(page_value)), \
                (code, dept)
            assert got[(dept, month.quarter().key)] == value  # the quarter's latest wave
            assert got[(dept, month.previous().key)] == builtin.Value(None)  # not asked then
            hidden_somewhere += page_hidden
            shown_somewhere += not page_hidden
    assert hidden_somewhere and shown_somewhere  # every case exercises both


def test_latest_wave_of_the_period_and_the_managers_view(session, org):
    builtin.ensure_builtins(session)
    people = add_people(session, org.traffic, 6, "t") + add_people(session, org.pr_dept, 6, "p")
    first = open_survey(session, org.pr)
    submit_all(session, people, first, random.Random(1))
    close(session, first)
    wave = session.get(SurveyWave, first)
    month = Period.containing(to_local(wave.closes_at).date(), "month")
    shown = kpis.series(session, org.manager, "belonging", org.traffic, month, month)[0]
    page = surveys.group_results(session, org.manager, first, org.traffic)
    assert shown.value == pytest.approx(_page_figure(page, "belonging")[0])
    # A manager asking for PR's group gets their own subtree's figure instead.
    assert kpis.series(session, org.manager, "belonging", org.pr_dept, month, month) == [shown]
    card = next(c for c in kpis.cards(session, org.manager, None, month, spark=2)
                if c.kpi.code == "enps")
    assert card.suppressed is False
    assert card.value == pytest.approx(_page_figure(page, "enps")[0])
