"""Every KPI of the group for the sub-departments of the chosen department, one period:
a heatmap coloured by status, labelled with the values."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.kpis import downloads, plots, reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer
from dashboard.ui import escape_markdown, read_or_explain


def show(viewer: Viewer, filters: Filters) -> None:
    period = filters.last
    parent = reads.department_name(filters.department_id, viewer.lang)
    st.subheader(viewer.t("kpis.ui.heatmap.title", period=viewer.period(period)))
    st.caption(viewer.t("kpis.ui.compare.caption", department=escape_markdown(parent)))
    cells = read_or_explain(reads.matrix, viewer.actor, filters.department_id, period,
                            filters.group)
    if not cells:
        st.info(viewer.t("kpis.ui.compare.no_children"))
        return
    known = {k.code: k for k in reads.kpi_list(viewer.actor, include_inactive=True)}
    departments: dict[int, str] = {}
    for cell in cells:
        departments.setdefault(cell.department_id,
                               reads.department_name(cell.department_id, viewer.lang))
    st.plotly_chart(plots.matrix(viewer.actor, filters.department_id, period, filters.group,
                                 viewer.lang),
                    width="stretch", key="kpi_heatmap",
                    config=charts.plotly_config(viewer.lang, f"peyvand-kpis-status-{period.key}"))

    def column(key: str) -> str:
        return viewer.t(f"kpis.ui.col.{key}")

    frame = pd.DataFrame([{
        column("department"): departments[c.department_id],
        column("kpi"): viewer.name(known[c.code]), column("period"): viewer.period(period),
        column("value"): None if c.suppressed else c.value,
        column("status"): viewer.t("kpis.ui.hidden_short") if c.suppressed
        else viewer.status(c.status)} for c in cells if c.code in known])
    downloads.offer(viewer, frame, f"peyvand-kpis-status-{period.key}", "kpi_heatmap")
