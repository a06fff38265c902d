"""Finding 11 on the survey pages: a survey title, question, option or department name
written by someone must not make the reader's browser fetch an image from outside."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import streamlit as st
from sqlalchemy import select, update

from data_access import db, surveys, users
from data_access.models import Department, User, utcnow
from tests.conftest import make_department, make_user
from tests.markdown_images import outside_images, rendered_markdown

TRACKER = "https://evil.example/p.png"
IMAGE = f"![x]({TRACKER})"


def _leaks(at) -> list[list[str]]:
    return [outside_images(text) for text in rendered_markdown(at) if outside_images(text)]


@pytest.fixture
def survey_with_images(app_env, monkeypatch, tmp_path) -> Iterator[str]:
    """A small organisation of its own (the shared demo stays as it is) with an open
    survey whose every PR-written text carries an outside image."""
    url = f"sqlite:///{tmp_path / 'markdown.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = db.get_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        root = make_department(session, "شهرداری", None, "Municipality")
        pr = make_user(session, "pr", root, "pr")
        make_user(session, "employee", root, "employee")
        now = utcnow()
        surveys.create_survey(session, pr, surveys.SurveyDraft(
            title_fa=f"نظرسنجی {IMAGE}", title_en=f"Pulse {IMAGE}",
            opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=7),
            bank_codes=("bel_01",),
            custom_items=(
                surveys.CustomItem("choice", f"کدام؟ {IMAGE}", f"Which? {IMAGE}",
                                   options=((f"این {IMAGE}", f"This {IMAGE}"),
                                            ("آن", "That"))),
                surveys.CustomItem("likert5", f"رضایت {IMAGE}", f"Happy {IMAGE}"),
                surveys.CustomItem("comment", f"نظر {IMAGE}", f"Say {IMAGE}", required=False),
            )), now=now)
    yield url
    st.cache_data.clear()  # nothing cached from this database reaches later tests


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_survey_title_questions_and_options_load_nothing_from_outside(
        open_app, survey_with_images, locale):
    at = open_app("employee", "surveys.py", locale=locale)
    assert not at.exception
    with db.session_scope() as session:
        employee = users.active_actor(session, "employee")
        [wave] = surveys.open_waves_for(session, employee)
    at.button(key=f"answer_{wave.wave_id}").click().run()
    assert not at.exception
    assert len(at.radio) == 3 and at.text_area  # the form is there
    assert any("evil" in text for text in rendered_markdown(at))  # shown, as text
    assert _leaks(at) == []


def test_department_names_in_results_labels_load_nothing_from_outside(open_app, app_env):
    """The manager's group name reaches a metric label, captions and the action form."""
    with db.session_scope() as session:
        department_id = session.scalar(select(User.department_id)
                                       .where(User.username == "manager"))
        old = session.get(Department, department_id).name_en
        # A name stored before names were checked (create and rename refuse it now).
        session.execute(update(Department).where(Department.id == department_id)
                        .values(name_en=f"Roads {IMAGE}"))
    st.cache_data.clear()  # results cached by earlier tests still hold the old name
    try:
        at = open_app("manager", "survey_results.py", locale="en")
        assert not at.exception
        labels = rendered_markdown(at)
        assert any("Roads" in text and "evil" in text for text in labels)
        assert _leaks(at) == []
    finally:
        with db.session_scope() as session:
            session.execute(update(Department).where(Department.id == department_id)
                            .values(name_en=old))
        st.cache_data.clear()
