"""Survey results (/survey-results): managers for their department subtree, PR and
admins for all.

The views are in dashboard/surveys/ (results.py, closed.py, actions.py); every rule,
scope and suppression included, is in data_access.surveys:
- pickers: surveys.result_waves, surveys.result_departments;
- summary, drivers, items: surveys.group_results; trend: surveys.survey_trend;
- a closed wave adds: surveys.heatmap, surveys.wave_comments, surveys.export_rows
  (exports through dashboard/exports.py), surveys.survey_action_items,
  surveys.owner_choices and surveys.create_action_item.

Every figure comes from the pre-aggregated results, with the suppression decided
when the wave closed; hidden figures say why. A read the viewer may not make is
explained (read_or_explain), never Streamlit's error page.
"""

import streamlit as st

from dashboard.surveys import Viewer, actions, closed, results, story
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("view_survey_results"))
st.title(t("nav.survey_results"))

chosen = results.choose(viewer)
if chosen.results.hidden:
    # One card says why, instead of tables of dashes and empty charts.
    results.show_hidden_group(viewer, chosen)
    results.show_trend(viewer, chosen, only_if_shown=True)  # earlier waves may show
    st.stop()
is_closed = chosen.wave.status == "closed"
names = ["overview", "drivers", "items", "trend"]
names += ["heatmap", "comments", "actions"] if is_closed else []
tabs = dict(zip(names, st.tabs([t(f"surveys.tab.{name}") for name in names]), strict=True))
with tabs["overview"]:
    story.show(viewer, chosen)
    results.show_summary(viewer, chosen)
    if is_closed:
        closed.show_exports(viewer, chosen)
with tabs["drivers"]:
    results.show_drivers(viewer, chosen)
    actions.act_on_drivers(viewer, chosen)  # "act on this", prefilled with the driver
with tabs["items"]:
    results.show_items(viewer, chosen)
with tabs["trend"]:
    results.show_trend(viewer, chosen)
if is_closed:
    with tabs["heatmap"]:
        closed.show_heatmap(viewer, chosen)
    with tabs["comments"]:
        closed.show_comments(viewer, chosen)
    with tabs["actions"]:
        actions.show(viewer, chosen)
