"""Meeting types (manage_meeting_types: admins): the types in use and a new one with its
Persian and English names. data_access.meetings.add_meeting_type checks the names."""

from __future__ import annotations

import streamlit as st

from dashboard.meetings import reads
from dashboard.meetings.viewer import Viewer
from dashboard.ui import escape_markdown, flash, show_refusal, t, write_in_callback
from data_access import meetings

FORM = "mt_new_type"


def show_types(v: Viewer) -> None:
    for kind in reads.meeting_types(v.actor):
        english = f" · {escape_markdown(kind.name_en)}" if kind.name_en else ""
        st.markdown(f"- {escape_markdown(kind.name_fa)}{english}")
    with st.form(FORM, clear_on_submit=True):
        st.text_input(t("meetings.types.name_fa"), max_chars=100, key=f"{FORM}_fa")
        st.text_input(t("meetings.types.name_en"), max_chars=100, key=f"{FORM}_en")
        # Added in the button's callback: the list above shows it in the click's own run.
        st.form_submit_button(t("meetings.types.add"), icon=":material/add:", on_click=_add)
    show_refusal(FORM)


def _add() -> None:
    if write_in_callback(FORM, meetings.add_meeting_type, st.session_state.get(f"{FORM}_fa") or "",
                         st.session_state.get(f"{FORM}_en") or "").ok:
        reads.invalidate_all()
        flash(t("meetings.types.added"))
