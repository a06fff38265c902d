"""One KPI, one period: the sub-departments of the chosen department side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.kpis import downloads, figures, plots, reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer
from dashboard.ui import escape_markdown, read_or_explain


def show(viewer: Viewer, filters: Filters) -> None:
    kpi = reads.kpi(viewer.actor, filters.kpi) if filters.kpi else None
    if kpi is None:
        st.info(viewer.t("kpis.ui.no_kpis"))
        return
    period = filters.last
    parent = reads.department_name(filters.department_id, viewer.lang)
    st.subheader(viewer.t("kpis.ui.compare.title", kpi=escape_markdown(viewer.name(kpi)),
                          period=viewer.period(period)))
    st.caption(viewer.t("kpis.ui.compare.caption", department=escape_markdown(parent)))
    values = read_or_explain(reads.compare, viewer.actor, kpi.code, filters.department_id,
                             period)
    if not values:
        st.info(viewer.t("kpis.ui.compare.no_children"))
        return

    bars = [figures.Bar(plots.department_label(v, viewer.lang), v.value, v.status,
                        v.suppressed) for v in values]
    if any(b.value is not None and not b.suppressed for b in bars):
        st.plotly_chart(plots.compare(viewer.actor, kpi.code, filters.department_id, period,
                                      viewer.lang),
                        width="stretch", key="kpi_compare",
                        config=charts.plotly_config(viewer.lang,
                                                    f"peyvand-kpi-{kpi.code}-{period.key}"))
    else:
        st.info(viewer.t("kpis.ui.compare.empty"))
    missing = [b.label for b in bars if b.suppressed or b.value is None]
    if missing:
        st.caption(viewer.t("kpis.ui.compare.missing",
                            departments="، ".join(escape_markdown(m) for m in missing)
                            if viewer.lang == "fa" else ", ".join(map(escape_markdown, missing))))

    def column(key: str) -> str:
        return viewer.t(f"kpis.ui.col.{key}")

    frame = pd.DataFrame([{
        column("department"): b.label, column("period"): viewer.period(period),
        column("value"): None if b.suppressed else b.value, column("target"): kpi.target,
        column("status"): viewer.t("kpis.ui.hidden_short") if b.suppressed
        else viewer.status(b.status)} for b in bars])
    downloads.offer(viewer, frame, f"peyvand-kpi-{kpi.code}-{period.key}-departments",
                    "kpi_compare")
