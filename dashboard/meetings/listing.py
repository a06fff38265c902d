"""The list of meetings: mine (organised or attended) or every one the viewer may see."""

from __future__ import annotations

import streamlit as st

from dashboard.meetings import reads
from dashboard.meetings.viewer import Viewer, open_meeting, status_badge, type_label, when
from dashboard.pager import page_number, pager
from dashboard.ui import escape_markdown, t
from data_access import meetings


def show_list(v: Viewer) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        mine = st.toggle(t("meetings.list.mine_only"), value=True, key="mt_mine")
        status = st.selectbox(t("meetings.list.status"), [None, *meetings.MEETING_STATUSES],
                              placeholder=t("meetings.list.any_status"),
                              format_func=lambda s: t("meetings.list.any_status") if s is None
                              else t(f"meetings.status.{s}"), key="mt_status")
        search = st.text_input(t("meetings.list.search"), key="mt_search", max_chars=200)
    page = reads.meeting_list(v.actor, mine, status, search or "", page_number("mt_page"))
    st.caption(t("meetings.list.count", count=page.total))
    if not page.items:
        st.info(t("meetings.list.empty"))
    for row in page.items:
        with st.container(border=True, key=f"mt_row_{row.id}"):
            with st.container(horizontal=True, gap="small"):
                status_badge(row.status)
                if row.confidential:
                    st.badge(t("meetings.confidential"), icon=":material/lock:", color="red")
            st.markdown(f"**{escape_markdown(row.title)}**")
            st.caption(" · ".join([type_label(row.type_fa, row.type_en, v.loc),
                                   when(row.starts_at, v.loc), escape_markdown(row.organiser)]))
            st.button(t("meetings.list.open"), key=f"mt_open_{row.id}", on_click=open_meeting,
                      args=(row.id,), icon=":material/open_in_new:")
    pager(page, "mt_page")
