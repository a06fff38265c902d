"""A leader's team view: the items of their subtree ("managed") or of the meetings they
organised ("organised"), filtered by status, overdue and a search, sorted by a column;
one page on screen, every matching row in the CSV and Excel files. data_access decides
which items the viewer may see (a confidential meeting's only to its attendees)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import exports, tables
from dashboard.action_items import reads
from dashboard.action_items.viewer import Viewer
from dashboard.formatting import format_date
from dashboard.pager import page_number, pager
from dashboard.ui import t
from data_access import action_items


def _frame(v: Viewer, rows: list[action_items.TeamActionItem]) -> pd.DataFrame:
    def department(row: action_items.TeamActionItem) -> str:
        name = row.department_en if v.loc == "en" and row.department_en else row.department_fa
        return name or ""

    return pd.DataFrame({
        t("actions.col.title"): [r.title for r in rows],
        t("actions.col.overdue"): [t("actions.overdue") if r.overdue else "" for r in rows],
        t("actions.col.owner"): [r.owner for r in rows],
        t("actions.col.due_on"): [format_date(r.due_on, v.loc) for r in rows],
        t("actions.col.status"): [t(f"surveys.actions.status.{r.status}") for r in rows],
        t("actions.col.department"): [department(r) for r in rows],
        t("actions.col.source"): [r.meeting_title or t(f"actions.source.{r.source}")
                                  for r in rows],
    })


def show_team(v: Viewer, view: str) -> None:
    k = f"actions_{view}"
    with st.container(horizontal=True, vertical_alignment="bottom"):
        status = st.selectbox(t("actions.col.status"), [None, *action_items.STATUSES],
                              placeholder=t("actions.any_status"),
                              key=f"{k}_status",
                              format_func=lambda s: t("actions.any_status") if s is None
                              else t(f"surveys.actions.status.{s}"))
        sort = st.selectbox(t("actions.sort_by"), list(action_items.TEAM_SORTS), key=f"{k}_sort",
                            format_func=lambda s: t(f"actions.sort.{s}"))
        search = st.text_input(t("actions.search"), key=f"{k}_search", max_chars=200)
    with st.container(horizontal=True):
        overdue_only = st.toggle(t("actions.overdue_only"), key=f"{k}_overdue")
        descending = st.toggle(t("actions.descending"), key=f"{k}_descending")
    filters = (status, overdue_only, search or "", sort, descending)
    page = reads.team(v.actor, view, *filters, page=page_number(f"{k}_page"))
    st.caption(t("actions.count", count=page.total))
    if not page.items:
        st.info(t("actions.team_empty"))
        return
    # Overdue in words, in its own column (left out when no row on the page is overdue).
    tables.show(_frame(v, list(page.items)), v.loc, key=f"{k}_table",
                optional=[t("actions.col.overdue")])
    pager(page, f"{k}_page")

    def everything() -> pd.DataFrame:
        every = reads.team(v.actor, view, *filters, page=1, size=action_items.EXPORT_MAX)
        return _frame(v, list(every.items))

    with st.container(horizontal=True, gap="small"):
        st.download_button(t("actions.csv"), key=f"{k}_csv", on_click="ignore",
                           data=lambda: exports.csv_bytes(everything()),
                           file_name=f"action-items-{view}.csv", mime="text/csv",
                           icon=":material/download:")
        st.download_button(t("actions.xlsx"), key=f"{k}_xlsx", on_click="ignore",
                           data=lambda: exports.xlsx_bytes(everything(), "action items",
                                                           right_to_left=v.loc == "fa"),
                           file_name=f"action-items-{view}.xlsx", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument"
                                ".spreadsheetml.sheet")
