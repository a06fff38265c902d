"""One KPI over the chosen periods: the line, its target and the amber/red bands."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.kpis import downloads, plots, reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer, kpi_description
from dashboard.ui import escape_markdown, read_or_explain
from data_access import kpis


def show(viewer: Viewer, filters: Filters) -> None:
    kpi = reads.kpi(viewer.actor, filters.kpi) if filters.kpi else None
    if kpi is None:
        st.info(viewer.t("kpis.ui.no_kpis"))
        return
    department = reads.department_name(filters.department_id, viewer.lang)
    st.subheader(viewer.t("kpis.ui.trend.title", kpi=escape_markdown(viewer.name(kpi)),
                          department=escape_markdown(department)))
    description = kpi_description(kpi, viewer.lang)
    if description:
        st.caption(escape_markdown(description))
    if kpi.frequency == "quarter" and filters.kind == "month":
        st.caption(viewer.t("kpis.ui.trend.quarterly"))
    points = read_or_explain(reads.series, viewer.actor, kpi.code, filters.department_id,
                             filters.first, filters.last)
    rows = [(p.period, None if p.suppressed else p.value) for p in points]
    statuses = [kpis.status(v, kpi.direction, kpi.amber, kpi.red) for _, v in rows]
    if all(v is None for _, v in rows):
        st.info(viewer.t("kpis.ui.trend.empty", first=viewer.period(filters.first),
                         last=viewer.period(filters.last)))
    else:
        name = f"peyvand-kpi-{kpi.code}-{filters.first.key}-{filters.last.key}"
        st.plotly_chart(plots.trend(viewer.actor, kpi.code, filters.department_id,
                                    filters.first, filters.last, viewer.lang),
                        width="stretch", config=charts.plotly_config(viewer.lang, name),
                        key="kpi_trend")
    hidden = sum(p.suppressed for p in points)
    if hidden:
        st.caption(viewer.t("kpis.ui.trend.hidden", count=hidden))

    def column(key: str) -> str:
        return viewer.t(f"kpis.ui.col.{key}")

    frame = pd.DataFrame([{
        column("period"): viewer.period(p.period), column("period_key"): p.period.key,
        column("value"): v, column("target"): kpi.target,
        column("status"): viewer.t("kpis.ui.hidden_short") if p.suppressed
        else viewer.status(s)}
        for p, (_, v), s in zip(points, rows, statuses, strict=True)])
    downloads.offer(viewer, frame, f"peyvand-kpi-{kpi.code}-trend", "kpi_trend")
