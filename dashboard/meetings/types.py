"""Meeting types (manage_meeting_types: admins): the types in use and a new one with its
Persian and English names. data_access.meetings.add_meeting_type checks the names."""

from __future__ import annotations

import streamlit as st

from dashboard.meetings import reads
from dashboard.meetings.viewer import Viewer
from dashboard.ui import escape_markdown, flash, run_write, t
from data_access import meetings


def show_types(v: Viewer) -> None:
    for kind in reads.meeting_types(v.actor):
        english = f" · {escape_markdown(kind.name_en)}" if kind.name_en else ""
        st.markdown(f"- {escape_markdown(kind.name_fa)}{english}")
    with st.form("mt_new_type", clear_on_submit=True):
        name_fa = st.text_input(t("meetings.types.name_fa"), max_chars=100)
        name_en = st.text_input(t("meetings.types.name_en"), max_chars=100)
        if st.form_submit_button(t("meetings.types.add"), icon=":material/add:"):
            if run_write(meetings.add_meeting_type, name_fa, name_en).ok:
                reads.invalidate_all()
                flash(t("meetings.types.added"))
                st.rerun()
