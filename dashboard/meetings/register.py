"""The decision register: every decision of the meetings the viewer may see, searched
(Persian letters normalised, or a register number), filtered, exported to CSV or Excel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import exports, tables
from dashboard.formatting import format_date
from dashboard.jalali_input import jalali_date_input
from dashboard.meetings import reads
from dashboard.meetings.create import department_labels
from dashboard.meetings.viewer import Viewer, number_text, open_meeting
from dashboard.pager import page_number, pager
from dashboard.ui import date_messages, escape_markdown, t
from data_access import meetings

PAGE_SIZE = 25
EXPORT_MAX = 10_000


def _frame(v: Viewer, rows: list[meetings.RegisterRow], names: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame({
        t("meetings.register.number"): [number_text(r.number, v.loc) for r in rows],
        t("meetings.register.text"): [r.text for r in rows],
        t("meetings.register.status"): [t(f"meetings.decision_status.{r.status}") for r in rows],
        t("meetings.register.department"): [names.get(r.responsible_department_id, "")
                                            for r in rows],
        t("meetings.register.meeting"): [r.meeting_title for r in rows],
        t("meetings.register.date"): [format_date(r.meeting_starts_at, v.loc) for r in rows],
    })


def show_register(v: Viewer) -> None:
    departments = department_labels(v)
    names = {i: label.strip() for i, label in departments.items()}
    search = st.text_input(t("meetings.register.search"), key="mt_reg_search", max_chars=200,
                           help=t("meetings.register.search_help"))
    with st.container(horizontal=True):
        status = st.selectbox(t("meetings.register.status"),
                              [None, *meetings.DECISION_STATUSES], key="mt_reg_status",
                              placeholder=t("meetings.list.any_status"),
                              format_func=lambda s: t("meetings.list.any_status") if s is None
                              else t(f"meetings.decision_status.{s}"))
        department = st.selectbox(t("meetings.register.department"), [None, *departments],
                                  placeholder=t("meetings.register.any_department"),
                                  key="mt_reg_department",
                                  format_func=lambda i: t("meetings.register.any_department")
                                  if i is None else departments[i])
    with st.container(horizontal=True):
        with st.container():
            date_from = jalali_date_input(t("meetings.register.from"), key="mt_reg_from",
                                          locale=v.loc, messages=date_messages())
        with st.container():
            date_to = jalali_date_input(t("meetings.register.to"), key="mt_reg_to",
                                        locale=v.loc, messages=date_messages())
    filters = (search or "", status, department, date_from, date_to)
    page = reads.register(v.actor, *filters, page=page_number("mt_reg_page"), size=PAGE_SIZE)
    st.caption(t("meetings.register.count", count=page.total))
    if not page.items:
        st.info(t("meetings.register.empty"))
        return
    tables.show(_frame(v, list(page.items), names), v.loc, key="mt_reg_table")
    for row in page.items:
        st.button(t("meetings.register.open", number=number_text(row.number, v.loc),
                    title=escape_markdown(row.meeting_title)),
                  key=f"mt_reg_open_{row.id}", on_click=open_meeting, args=(row.meeting_id,),
                  type="tertiary")
    pager(page, "mt_reg_page")

    def everything() -> pd.DataFrame:
        rows = reads.register(v.actor, *filters, page=1, size=EXPORT_MAX).items
        return _frame(v, list(rows), names)

    with st.container(horizontal=True, gap="small"):
        st.download_button(t("meetings.register.csv"), key="mt_reg_csv", on_click="ignore",
                           data=lambda: exports.csv_bytes(everything()),
                           file_name="decisions.csv", mime="text/csv",
                           icon=":material/download:")
        st.download_button(t("meetings.register.xlsx"), key="mt_reg_xlsx", on_click="ignore",
                           data=lambda: exports.xlsx_bytes(everything(), "decisions",
                                                           right_to_left=v.loc == "fa"),
                           file_name="decisions.xlsx", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument"
                                ".spreadsheetml.sheet")
