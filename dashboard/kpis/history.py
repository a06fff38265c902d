"""Corrections of a custom KPI's values: who changed which value from what, and when
(newest first, in the viewer's scope)."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.formatting import format_datetime, localize_digits
from dashboard.kpis import reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer
from dashboard.ui import escape_markdown, read_or_explain
from data_access.kpis import Period


def _period(key: str, viewer: Viewer) -> str:
    try:
        return viewer.period(Period.parse(key))
    except ValueError:
        return localize_digits(key, viewer.lang)


def show(viewer: Viewer, filters: Filters) -> None:
    kpi = reads.kpi(viewer.actor, filters.kpi) if filters.kpi else None
    if kpi is None or kpi.source != "custom":
        st.info(viewer.t("kpis.ui.history.builtin"))
        return
    st.subheader(viewer.t("kpis.ui.history.title", kpi=escape_markdown(viewer.name(kpi))))
    changes = read_or_explain(reads.history, viewer.actor, kpi.code)

    def column(key: str) -> str:
        return viewer.t(f"kpis.ui.history.col.{key}")

    tables.show([{
        column("when"): format_datetime(c.changed_at, viewer.lang, "long"),
        column("department"): c.department_en or c.department_fa if viewer.lang == "en"
        else c.department_fa,
        column("period"): _period(c.period, viewer),
        column("old"): viewer.value(kpi, c.old_value),
        column("new"): viewer.value(kpi, c.new_value) if c.new_value is not None
        else viewer.t("kpis.ui.history.removed"),
        column("by"): c.changed_by or viewer.t("kpis.ui.history.system"),
        column("via"): viewer.t(f"kpis.ui.history.via.{c.via}"),
    } for c in changes], viewer.lang, empty=viewer.t("kpis.ui.history.empty"))
