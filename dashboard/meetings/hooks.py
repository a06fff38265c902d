"""The meetings feature outside its page (dashboard/features.py): minutes awaiting the
reader's sign-off in the sidebar; on the home page, those minutes and other approvals
of the reader's meetings, then their next meetings. data_access.meetings decides which
meetings are the reader's (a confidential one only to its own people)."""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_datetime, format_number
from dashboard.meetings import reads
from dashboard.navigation import page_path
from dashboard.ui import escape_markdown, locale, quiet_count, t
from data_access.permissions import Actor


def sidebar_counter(actor: Actor) -> None:
    count = quiet_count(reads.awaiting_sign_off_count, actor, "meeting sign-off reminder")
    if count:
        st.info(t("meetings.home.awaiting_count", count=format_number(count, locale())),
                icon=":material/draw:")


def _link(meeting_id: int, title: str, icon: str) -> None:
    st.page_link(page_path("meetings.py"), label=escape_markdown(title), icon=icon,
                 query_params={"meeting": str(meeting_id)})


def home_section(actor: Actor) -> None:
    loc = locale()
    notices = reads.approval_notices(actor)
    upcoming = reads.upcoming(actor)
    if not notices and not upcoming:
        return
    st.subheader(t("meetings.home.title"), anchor=False)
    for kind, awaiting, icon in (("awaiting", True, ":material/draw:"),
                                 ("approved", False, ":material/verified:")):
        shown = [n for n in notices if n.awaiting_sign_off is awaiting]
        if not shown:
            continue
        with st.container(border=True, key=f"home_meetings_{kind}"):
            st.markdown(f"**{t(f'meetings.home.{kind}')}**")
            for notice in shown:
                _link(notice.id, notice.title, icon)
                st.caption(t("meetings.home.approved_on",
                             when=format_datetime(notice.approved_at, loc, "long")))
    if upcoming:
        with st.container(border=True, key="home_meetings_upcoming"):
            st.markdown(f"**{t('meetings.home.upcoming')}**")
            for meeting in upcoming:
                _link(meeting.id, meeting.title, ":material/event:")
                parts = [format_datetime(meeting.starts_at, loc, "long")]
                if meeting.place:
                    parts.append(escape_markdown(meeting.place))
                st.caption(" · ".join(parts))
