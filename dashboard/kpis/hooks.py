"""The KPIs on the home page (dashboard/features.py): the cards of the reader's scope —
a manager's own subtree, the whole organisation for pr and admin (data_access decides,
through scope_department) — for the latest complete month, and a link to /kpis."""

from __future__ import annotations

import streamlit as st

from dashboard.kpis import cards, reads
from dashboard.kpis.filters import default_last
from dashboard.kpis.viewer import Viewer
from dashboard.navigation import page_path
from dashboard.ui import escape_markdown, log

HOME_CARDS = 6


def home_section(actor) -> None:
    viewer = Viewer.of(actor)
    try:
        department_id = reads.scope_department(actor, None)
        period = default_last("month")
        shown = reads.cards(actor, department_id, period)
    except Exception:  # noqa: BLE001 - the home page must not break over one section
        log.exception("KPI home section failed")
        return
    shown = [c for c in shown if c.value is not None or c.suppressed][:HOME_CARDS]
    if not shown:
        return
    st.subheader(viewer.t("kpis.ui.home.title"), anchor=False)
    st.caption(viewer.t("kpis.ui.cards.title", period=viewer.period(period),
                        department=escape_markdown(
                            reads.department_name(department_id, viewer.lang))))
    cards.grid(viewer, shown, "home_kpi")
    st.page_link(page_path("kpis.py"), label=viewer.t("kpis.ui.home.all"),
                 icon=":material/monitoring:")
