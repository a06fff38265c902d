"""Irreversible survey actions say what they do before they do it (AppTest)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import streamlit as st
from sqlalchemy import select

from dashboard.formatting import format_number
from data_access import config, db, surveys, users
from data_access.models.surveys import SurveyWave
from data_access.surveys import sealing

SURVEYS = "surveys.py"


@pytest.fixture
def own_copy(app_env, monkeypatch, tmp_path):
    """A copy of the demo database: these tests close and stop things."""
    copy = tmp_path / "confirm.db"
    with sqlite3.connect(app_env.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    # Closing a wave destroys its key: the copy gets its own copy of the keys, so the
    # shared demo database's open wave keeps its own.
    keys = tmp_path / "keys"
    shutil.copytree(sealing.key_dir(), keys)
    monkeypatch.setenv(config.KEY_DIR, str(keys))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_data.clear()
    st.cache_resource.clear()


def _open_row(url: str):
    with db.session_scope(db.get_engine(url)) as session:
        pr = users.active_actor(session, "pr")
        row = next(r for r in surveys.survey_overview(session, pr) if r.open_wave)
        return row, surveys.close_impact(session, pr, row.open_wave.wave_id)


def _choose(at, row):
    at.selectbox(key="survey_manage").set_value(row.id).run()


def test_closing_a_wave_says_how_many_answered_and_who_will_read_the_results(open_app,
                                                                             own_copy):
    row, impact = _open_row(own_copy)
    assert impact.readers > 0 and impact.invited > 0
    at = open_app("pr", SURVEYS)
    _choose(at, row)
    wave_id = row.open_wave.wave_id
    text = "\n".join(m.value for m in at.markdown)
    said = (f"نتایج برای {format_number(impact.readers, 'fa')} نفر منتشر می‌شود")
    assert said in text
    assert f"{format_number(impact.respondents, 'fa')} نفر از " \
           f"{format_number(impact.invited, 'fa')} نفر دعوت‌شده" in text
    with db.session_scope(db.get_engine(own_copy)) as session:  # nothing closed yet
        assert session.get(SurveyWave, wave_id).status == "open"
    at.button(key=f"survey_close_{wave_id}").click().run()
    assert not at.exception
    with db.session_scope(db.get_engine(own_copy)) as session:
        assert session.get(SurveyWave, wave_id).status == "closed"
    assert "دوره بسته شد و نتایج آن آماده است." in [s.value for s in at.success]


def test_stopping_recurrence_says_what_stops_and_what_stays_open(open_app, own_copy):
    row, _ = _open_row(own_copy)
    assert row.cadence != "none" and not row.stopped
    at = open_app("pr", SURVEYS)
    _choose(at, row)
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "دوره‌های بعدی آن دیگر باز نمی‌شوند" in text
    assert "دوره‌ای که اکنون باز است تا" in text and "این کار برگشت‌پذیر نیست." in text
    at.button(key=f"survey_stop_{row.id}").click().run()
    assert not at.exception
    with db.session_scope(db.get_engine(own_copy)) as session:
        pr = users.active_actor(session, "pr")
        assert next(r for r in surveys.survey_overview(session, pr) if r.id == row.id).stopped
        assert session.scalar(select(SurveyWave.status).where(
            SurveyWave.id == row.open_wave.wave_id)) == "open"  # the open wave stays open
