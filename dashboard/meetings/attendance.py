"""Attendance over time: a person's attendance rate per Jalali month over the last year,
of the held meetings the viewer may see. Everyone sees their own; leaders
(run_meetings) choose anyone by name. data_access.meetings.attendance_by_month decides."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import bar_chart, plotly_config
from dashboard.formatting import format_number, format_percent, jalali_month_name, localize_digits
from dashboard.meetings.viewer import Viewer
from dashboard.ui import read, read_or_explain, t
from data_access import meetings

MONTHS = 12


def _person(v: Viewer) -> int:
    if not v.may_run:
        return v.actor.id
    search = st.text_input(t("meetings.create.find_people"), key="mt_rate_search",
                           max_chars=100)
    choices = read(meetings.people_choices, v.actor, search or "", [v.actor.id])
    names = {p.id: p.name for p in choices}
    if v.actor.id in names:
        names = {v.actor.id: names[v.actor.id], **names}
    chosen = st.selectbox(t("meetings.rate.person"), list(names), key="mt_rate_person",
                          format_func=lambda i: names.get(i, "?"))
    return v.actor.id if chosen is None else int(chosen)


def show_attendance(v: Viewer) -> None:
    st.caption(t("meetings.rate.help", months=format_number(MONTHS, v.loc)))
    user_id = _person(v)
    history = read_or_explain(read, meetings.attendance_by_month, v.actor, user_id,
                              months=MONTHS)
    if not history:
        st.info(t("meetings.rate.empty"))
        return
    present = sum(m.present for m in history)
    recorded = sum(m.recorded for m in history)
    with st.container(horizontal=True):
        st.metric(t("meetings.rate.overall"), format_percent(present / recorded, v.loc))
        st.metric(t("meetings.rate.meetings"), format_number(recorded, v.loc))
    month, rate = t("meetings.rate.month"), t("meetings.rate.rate")
    frame = pd.DataFrame({
        month: [f"{jalali_month_name(m.month, v.loc)} {localize_digits(str(m.year), v.loc)}"
                for m in history],
        rate: [m.rate for m in history],
    })
    st.plotly_chart(bar_chart(frame, month, rate, v.loc, value_format="percent",
                              show_values=True, labels={month: month, rate: rate}),
                    key="mt_rate_chart", config=plotly_config(v.loc, toolbar=False))
