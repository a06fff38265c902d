"""A click runs the page once, not twice: state changes go in the button's callback
(run before the page is drawn), not in `if clicked: ...; st.rerun()`.

Runs are counted by the survey clock's per-run call (features' clock_tick runs once at
the top of every page run; see test_the_survey_clock_runs_once_per_page_run)."""

from __future__ import annotations

import pytest

from dashboard.surveys import hooks
from data_access import db, surveys, users
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
