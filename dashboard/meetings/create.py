"""Scheduling a meeting (run_meetings): details, a Jalali date and time, attendees found
by name, guests by name. data_access.meetings.schedule checks everything."""

from __future__ import annotations

import streamlit as st

from dashboard.jalali_input import datetime_text_value, jalali_datetime_text_input
from dashboard.meetings import reads
from dashboard.meetings.viewer import Viewer, open_meeting
from dashboard.number_input import whole_number_input, whole_number_value
from dashboard.ui import (
    date_messages,
    department_tree,
    escape_markdown,
    flash,
    read,
    show_refusal,
    t,
    write_in_callback,
)
from data_access import meetings

DURATION_DEFAULT = 60


def department_labels(v: Viewer) -> dict[int, str]:
    return {node.id: ("\u2003" * node.depth) + node.label(v.loc)
            for node in department_tree() if node.active}


def people_picker(v: Viewer, key: str, label: str) -> list[int]:
    """A name search and a multi-select of the people found (the chosen ones stay)."""
    search = st.text_input(t("meetings.create.find_people"), key=f"{key}_search",
                           max_chars=100)
    chosen = [int(i) for i in st.session_state.get(key, [])]
    choices = read(meetings.people_choices, v.actor, search or "", chosen)
    names = {p.id: p.name for p in choices}
    return st.multiselect(label, list(names), key=key, format_func=lambda i: names.get(i, "?"))


PLACE = "mt_create"  # where a refused schedule is said: under its button


def show_create(v: Viewer) -> None:
    types = reads.meeting_types(v.actor)
    departments = department_labels(v)
    nonce = st.session_state.get("mt_create_nonce", 0)
    k = f"mt_new_{nonce}"
    st.text_input(t("meetings.field.title"), key=f"{k}_title", max_chars=meetings.TITLE_MAX)
    st.selectbox(t("meetings.field.type"), [x.id for x in types], key=f"{k}_type",
                 format_func=lambda i: next(x.label(v.loc) for x in types if x.id == i))
    jalali_datetime_text_input(t("meetings.field.starts_at"), key=f"{k}_start",
                               locale=v.loc, messages=date_messages())
    whole_number_input(t("meetings.field.duration"), min_value=meetings.DURATION_MIN,
                       max_value=meetings.DURATION_MAX, value=DURATION_DEFAULT, step=15,
                       key=f"{k}_duration")
    st.text_input(t("meetings.field.place"), key=f"{k}_place", max_chars=200)
    st.text_input(t("meetings.field.online_link"), key=f"{k}_link", max_chars=500)
    own = v.actor.department_id if v.actor.department_id in departments else None
    st.selectbox(
        t("meetings.field.department"), list(departments), key=f"{k}_department",
        index=list(departments).index(own) if own is not None else None,
        format_func=lambda i: departments[i])
    st.checkbox(t("meetings.field.confidential"), key=f"{k}_confidential",
                help=t("meetings.field.confidential_help"))
    st.selectbox(t("meetings.field.recurrence"), list(meetings.RECURRENCES),
                 key=f"{k}_recurrence", format_func=lambda r: t(f"meetings.recurrence.{r}"))
    people_picker(v, f"{k}_attendees", t("meetings.field.attendees"))
    st.text_area(t("meetings.field.guests"), key=f"{k}_guests",
                 help=t("meetings.field.guests_help"), height=80)
    # Scheduled in the button's callback, before the page is drawn: the meeting opens in
    # the click's own run. The key carries the nonce, so a second click of a form already
    # saved is a click on a button that is gone, and schedules nothing.
    st.button(t("meetings.create.submit"), type="primary", key=f"{k}_submit",
              icon=":material/event_available:", on_click=_schedule, args=(v, nonce))
    show_refusal(PLACE)


def _schedule(v: Viewer, nonce: int) -> None:
    if st.session_state.get("mt_create_nonce", 0) != nonce:
        return  # this form was saved already
    k, state = f"mt_new_{nonce}", st.session_state
    duration = whole_number_value(f"{k}_duration", min_value=meetings.DURATION_MIN,
                                  max_value=meetings.DURATION_MAX, value=DURATION_DEFAULT)
    if duration is None:  # the field says why when it is drawn
        return
    title = state.get(f"{k}_title") or ""
    data = meetings.MeetingInput(
        title=title, type_id=state.get(f"{k}_type"),
        starts_at=datetime_text_value(f"{k}_start", locale=v.loc,
                                      messages=date_messages()).value,
        duration_minutes=duration, department_id=state.get(f"{k}_department"),
        place=state.get(f"{k}_place") or "", online_link=state.get(f"{k}_link") or "",
        confidential=bool(state.get(f"{k}_confidential")),
        recurrence=state.get(f"{k}_recurrence"),
        attendee_ids=[int(i) for i in state.get(f"{k}_attendees") or ()],
        guests=[g for g in (state.get(f"{k}_guests") or "").splitlines() if g.strip()])
    outcome = write_in_callback(PLACE, meetings.schedule, data)
    if outcome.ok:
        reads.invalidate_all()
        st.session_state["mt_create_nonce"] = nonce + 1
        flash(t("meetings.create.done", title=escape_markdown(title)))
        open_meeting(outcome.value)
