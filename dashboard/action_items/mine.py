"""My action items: unfinished first, soonest due first, overdue ones marked in red;
each moved along in place (the write states the version this person saw)."""

from __future__ import annotations

import streamlit as st

from dashboard.action_items import reads
from dashboard.action_items.viewer import Viewer
from dashboard.formatting import format_date
from dashboard.navigation import page_path
from dashboard.surveys.viewer import driver_name
from dashboard.ui import flash, run_write, show_refusal, t, write_in_callback
from data_access import action_items


def _status_changed(item_id: int, version: int, shown: str, key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen != shown and run_write(action_items.set_status, item_id, chosen,
                                     expected_version=version).ok:
        reads.invalidate_all()
        flash(t("actions.saved"))


def show_mine(v: Viewer) -> None:
    show_done = st.toggle(t("actions.show_done"), key="actions_show_done")
    items = reads.mine(v.actor, include_done=show_done)
    if not items:
        st.info(t("empty.action_items"))
    for item in items:
        with st.container(border=True, key=f"action_row_{item.id}"):
            if item.overdue:
                st.badge(t("actions.overdue"), icon=":material/alarm:", color="red")
            st.text(item.title)
            source = driver_name(item.source_driver, v.loc, missing="") \
                if item.source == "survey" else ""
            st.caption(" · ".join(part for part in [
                t("actions.due", date=format_date(item.due_on, v.loc, style="long")),
                t("actions.overdue") if item.overdue else "",
                t("actions.from_survey", driver=source) if source else "",
            ] if part))
            if item.description:
                st.text(item.description)
            if item.announcement_id is not None:
                from dashboard.action_items.announce import announcement_link
                announcement_link(item.announcement_id)
            if item.meeting_id is not None:
                st.page_link(page_path("meetings.py"), label=t("actions.open_meeting"),
                             icon=":material/groups:",
                             query_params={"meeting": str(item.meeting_id)})
            # The key carries the status shown, so a change made elsewhere redraws the
            # control; the write states the version this person saw (a stale click is
            # refused).
            key = f"action_{item.id}_{item.status}"
            st.segmented_control(
                t("surveys.actions.col.status"), list(action_items.STATUSES),
                default=item.status, format_func=lambda s: t(f"surveys.actions.status.{s}"),
                key=key, required=True, on_change=_status_changed,
                args=(item.id, item.version, item.status, key))
            _note(item)


def _note(item: action_items.MyActionItem) -> None:
    """What was done, or why not: shown as plain text, edited in a small form."""
    if item.completion_note:
        st.caption(t("actions.note"))
        st.text(item.completion_note)
    form = f"action_note_{item.id}_{item.version}"
    with st.expander(t("actions.note"), expanded=False):
        with st.form(form, enter_to_submit=False):
            st.text_area(t("actions.note"), value=item.completion_note or "",
                         max_chars=action_items.NOTE_MAX, help=t("actions.note_help"),
                         label_visibility="collapsed", key=f"action_note_text_{item.id}")
            # Saved in the button's callback: the note above shows it in the click's own run.
            st.form_submit_button(t("actions.note_save"), key=f"action_note_save_{item.id}",
                                  on_click=_save_note, args=(item.id, item.status, item.version,
                                                             form))
        show_refusal(form)


def _save_note(item_id: int, status: str, version: int, form: str) -> None:
    if write_in_callback(form, action_items.set_status, item_id, status,
                         expected_version=version,
                         note=st.session_state.get(f"action_note_text_{item_id}") or "").ok:
        reads.invalidate_all()
        flash(t("actions.note_saved"))
