"""Surveys (/surveys): everyone answers the open waves; PR and admins design and
schedule pulses; admins also add to the question bank.

The views are in dashboard/surveys/ (answering.py, design.py); every rule is in
data_access.surveys:
- answering: surveys.open_waves_for (cached), surveys.wave_form, surveys.check_answers,
  surveys.submit, surveys.has_answered;
- design: surveys.survey_overview, surveys.stop_survey, surveys.close_wave_now,
  surveys.bank, surveys.create_survey;
- bank: surveys.bank, surveys.add_bank_item.

PR-written text is shown literally (escape_markdown, st.text); the anonymity
notice comes before the first question.
"""

import streamlit as st

from dashboard.surveys import Viewer, answering, design
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("answer_surveys"))
st.title(t("nav.surveys"))

if viewer.may_design:
    answer, designing, bank = st.tabs([t("surveys.answer_tab"), t("surveys.design_tab"),
                                       t("surveys.bank_tab")])
    with answer:
        answering.show(viewer)
    with designing:
        design.show_overview(viewer)
        design.show_form(viewer)
    with bank:
        design.show_bank(viewer)
else:
    answering.show(viewer)
