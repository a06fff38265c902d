"""Scheduling a meeting (run_meetings): details, a Jalali date and time, attendees found
by name, guests by name. data_access.meetings.schedule checks everything."""

from __future__ import annotations

import streamlit as st

from dashboard.jalali_input import jalali_datetime_text_input
from dashboard.meetings import reads
from dashboard.meetings.viewer import Viewer, open_meeting
from dashboard.number_input import whole_number_input
from dashboard.ui import date_messages, department_tree, escape_markdown, flash, read, run_write, t
from data_access import meetings


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


def show_create(v: Viewer) -> None:
    types = reads.meeting_types(v.actor)
    departments = department_labels(v)
    nonce = st.session_state.get("mt_create_nonce", 0)
    k = f"mt_new_{nonce}"
    title = st.text_input(t("meetings.field.title"), key=f"{k}_title",
                          max_chars=meetings.TITLE_MAX)
    type_id = st.selectbox(t("meetings.field.type"), [x.id for x in types], key=f"{k}_type",
                           format_func=lambda i: next(x.label(v.loc) for x in types if x.id == i))
    starts_at = jalali_datetime_text_input(t("meetings.field.starts_at"), key=f"{k}_start",
                                           locale=v.loc, messages=date_messages())
    duration = whole_number_input(t("meetings.field.duration"), min_value=meetings.DURATION_MIN,
                                  max_value=meetings.DURATION_MAX, value=60, step=15,
                                  key=f"{k}_duration")
    place = st.text_input(t("meetings.field.place"), key=f"{k}_place", max_chars=200)
    link = st.text_input(t("meetings.field.online_link"), key=f"{k}_link", max_chars=500)
    own = v.actor.department_id if v.actor.department_id in departments else None
    department_id = st.selectbox(
        t("meetings.field.department"), list(departments), key=f"{k}_department",
        index=list(departments).index(own) if own is not None else None,
        format_func=lambda i: departments[i])
    confidential = st.checkbox(t("meetings.field.confidential"), key=f"{k}_confidential",
                               help=t("meetings.field.confidential_help"))
    recurrence = st.selectbox(t("meetings.field.recurrence"), list(meetings.RECURRENCES),
                              key=f"{k}_recurrence",
                              format_func=lambda r: t(f"meetings.recurrence.{r}"))
    attendees = people_picker(v, f"{k}_attendees", t("meetings.field.attendees"))
    guests = st.text_area(t("meetings.field.guests"), key=f"{k}_guests",
                          help=t("meetings.field.guests_help"), height=80)
    if st.button(t("meetings.create.submit"), type="primary", key=f"{k}_submit",
                 icon=":material/event_available:") and duration is not None:
        data = meetings.MeetingInput(
            title=title, type_id=type_id, starts_at=starts_at, duration_minutes=int(duration),
            department_id=department_id, place=place, online_link=link,
            confidential=confidential, recurrence=recurrence, attendee_ids=attendees,
            guests=[g for g in (guests or "").splitlines() if g.strip()])
        outcome = run_write(meetings.schedule, data)
        if outcome.ok:
            reads.invalidate_all()
            st.session_state["mt_create_nonce"] = nonce + 1
            flash(t("meetings.create.done", title=escape_markdown(title or "")))
            open_meeting(outcome.value)
            st.rerun()
