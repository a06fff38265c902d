"""Surveys on the role home pages (dashboard/features.py HOME_SECTIONS): for a team
leader, the latest closed wave's headline for their department (the results page's own
`story.headline`, so a figure hidden there is hidden here); for pr, participation so far
in the open waves. Quiet when there is nothing to say."""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_number, format_percent
from dashboard.navigation import page_path
from dashboard.surveys import reads, story
from dashboard.surveys.viewer import Viewer
from dashboard.ui import escape_markdown, t
from data_access import surveys
from data_access.permissions import Actor

OPEN_SHOWN = 3


def latest_headline(actor: Actor) -> None:
    viewer = Viewer.of(actor)
    closed = [w for w in reads.result_waves(actor) if w.status == "closed"]
    if not closed:
        return
    wave = closed[0]  # newest first
    department_id = viewer.default_group
    results = reads.group_results(actor, wave.wave_id, department_id, wave.status)
    with st.container(border=True, key="home_survey_headline"):
        title = escape_markdown(wave.title(viewer.lang))
        st.markdown(f"**{t('home.surveys.headline_title', title=title)}**")
        if results.hidden:
            # Suppressed where k is not met: say why, show no figure.
            st.caption(t(f"surveys.results.hidden_group.{results.hidden}",
                         k=wave.min_group_size))
        else:
            if not results.participation.hidden:
                st.caption(t("home.surveys.participation",
                             rate=format_percent(results.participation.rate, viewer.lang),
                             respondents=format_number(results.participation.respondents,
                                                       viewer.lang)))
            points = reads.trend(actor, wave.survey_id, department_id, wave.wave_id)
            found = story.headline(results.drivers, story.previous_scores(points, wave),
                                   department_id is not None
                                   and results.organisation_participation is not None)
            if found is not None:
                st.markdown("\n".join(f"- {line}" for line in story.sentences(viewer, found)))
        st.page_link(page_path("survey_results.py"), label=t("home.surveys.results_link"),
                     icon=":material/insights:")


def open_participation(actor: Actor) -> None:
    viewer = Viewer.of(actor)
    waves = [w for w in reads.result_waves(actor) if w.status == "open"][:OPEN_SHOWN]
    if not waves:
        return
    with st.container(border=True, key="home_survey_participation"):
        st.markdown(f"**{t('home.surveys.open_title')}**")
        for wave in waves:
            part: surveys.Participation = reads.group_results(
                actor, wave.wave_id, None, wave.status).participation
            st.markdown(escape_markdown(wave.title(viewer.lang)))
            if part.hidden:
                st.caption(t(f"surveys.results.hidden.{part.hidden}", k=wave.min_group_size))
            else:
                st.progress(min(1.0, part.rate or 0.0),
                            text=t("home.surveys.open_value",
                                   rate=format_percent(part.rate, viewer.lang),
                                   respondents=format_number(part.respondents, viewer.lang),
                                   invited=format_number(part.invited, viewer.lang),
                                   closes=viewer.when(wave.closes_at)))
