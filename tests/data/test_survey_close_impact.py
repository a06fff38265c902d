"""What closing a wave early says before it is done: answers of invited, and readers."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import update

from data_access import surveys
from data_access.errors import InvalidInput, PermissionDenied
from data_access.models import User
from tests.conftest import make_user
from tests.data.survey_helpers import add_people, open_survey, submit_all


def test_the_impact_counts_answers_invited_and_who_will_read_the_results(session, org):
    people = add_people(session, org.traffic_control, 6, "tc")
    other_manager = make_user(session, "pr_manager", org.pr_dept, "manager")  # outside
    gone = make_user(session, "old_pr", org.pr_dept, "pr")
    session.execute(update(User).where(User.id == gone.id).values(active=False))
    session.commit()
    wave_id = open_survey(session, org.pr, audience_all=False,
                          audience_departments=(org.traffic_control,))
    submit_all(session, people[:4], wave_id, random.Random(3))

    impact = surveys.close_impact(session, org.pr, wave_id)
    # invited: the six plus the employee in Traffic Control; readers: admin and pr
    # (every result) and the Traffic manager, above the audience; not the PR
    # manager (outside it) nor an inactive account.
    assert impact == surveys.CloseImpact(respondents=4, invited=7, readers=3)
    assert other_manager.id  # present but not counted


def test_only_designers_ask_and_only_for_an_open_wave(session, org):
    wave_id = open_survey(session, org.pr)
    with pytest.raises(PermissionDenied):
        surveys.close_impact(session, org.manager, wave_id)
    surveys.close_wave_now(session, org.pr, wave_id)
    session.commit()
    with pytest.raises(InvalidInput):
        surveys.close_impact(session, org.pr, wave_id)
