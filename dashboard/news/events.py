"""Upcoming events and occasions, by Jalali month."""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_date, jalali_month_name, localize_digits
from dashboard.news import reads
from dashboard.news.viewer import Viewer, open_item
from dashboard.ui import escape_markdown, t
from data_access.clock import local_today


def show_events(v: Viewer) -> None:
    months = reads.events(v.actor, local_today())
    if not months:
        st.info(t("news.events.none"))
        return
    for month in months:
        st.subheader(f"{jalali_month_name(month.month, v.loc)} "
                     f"{localize_digits(str(month.year), v.loc)}", anchor=False)
        for event in month.events:
            with st.container(border=True, key=f"news_event_{event.id}"):
                day_col, title_col, open_col = st.columns([2, 5, 1], vertical_alignment="center")
                when = format_date(event.event_date, v.loc, "long", weekday=True)
                day_col.markdown(f"**{when}**")
                title_col.markdown(escape_markdown(event.title))
                open_col.button(t("news.events.open"), key=f"news_event_open_{event.id}",
                                on_click=open_item, args=(event.id,))

