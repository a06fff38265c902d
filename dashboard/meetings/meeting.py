"""One meeting: its details, agenda, attendance, minutes (Markdown with a safe preview),
decisions, action items, the life-cycle buttons and the attendee's own sign-off.

What is offered follows `detail.actions` (data_access.meetings decides); every write
carries the version the page showed, so a change made meanwhile is never overwritten.
"""

from __future__ import annotations

import streamlit as st

from dashboard.formatting import format_date, format_datetime, format_number
from dashboard.jalali_input import jalali_date_input, jalali_date_value
from dashboard.meetings import reads
from dashboard.meetings.viewer import (
    Viewer,
    back_icon,
    close_meeting,
    number_text,
    status_badge,
    type_label,
    when,
)
from dashboard.number_input import whole_number_input, whole_number_value
from dashboard.ui import (
    date_messages,
    escape_markdown,
    flash,
    read_or_explain,
    show_refusal,
    t,
    user_markdown,
    write_in_callback,
)
from data_access import meetings


def in_callback(place: str, message: str, action, *args, **kwargs) -> bool:
    """A button's write, run as its callback: before the page is drawn, so the meeting
    shows the change in the click's own run (one run, not two). Success is flashed above
    the page; a refusal is said where `show_refusal(place)` is drawn."""
    outcome = write_in_callback(place, action, *args, **kwargs)
    if outcome.ok:
        reads.invalidate_all()
        flash(t(message))
    return outcome.ok


def _header(v: Viewer, d: meetings.MeetingDetail) -> None:
    with st.container(horizontal=True, gap="small"):
        status_badge(d.status)
        if d.confidential:
            st.badge(t("meetings.confidential"), icon=":material/lock:", color="red")
        if d.recurrence != "none":
            st.badge(t(f"meetings.recurrence.{d.recurrence}"), icon=":material/repeat:")
    st.header(escape_markdown(d.title), anchor=False)
    dept = d.department_en if v.loc == "en" and d.department_en else d.department_fa
    st.caption(" · ".join([
        type_label(d.type_fa, d.type_en, v.loc), when(d.starts_at, v.loc),
        t("meetings.detail.minutes", count=d.duration_minutes), escape_markdown(dept),
        t("meetings.detail.organiser", name=escape_markdown(d.organiser))]))
    if d.place:
        st.caption(t("meetings.detail.place", place=escape_markdown(d.place)))
    if d.online_link:
        st.caption(t("meetings.detail.online_link", link=escape_markdown(d.online_link)))


def _lifecycle(v: Viewer, d: meetings.MeetingDetail) -> None:
    buttons = [("hold", meetings.hold, ":material/play_circle:"),
               ("approve", meetings.approve, ":material/verified:"),
               ("reopen", meetings.reopen, ":material/lock_open:"),
               ("cancel", meetings.cancel, ":material/event_busy:")]
    place = f"mt_lifecycle_{d.id}"
    with st.container(horizontal=True, gap="small"):
        for action, write, icon in buttons:
            if action in d.actions:
                st.button(t(f"meetings.action.{action}"), key=f"mt_{action}_{d.id}_{d.version}",
                          icon=icon, type="primary" if action in ("hold", "approve")
                          else "secondary", on_click=in_callback,
                          args=(place, f"meetings.action.{action}_done", write, d.id, d.version))
        if d.may_edit and d.recurrence != "none" and d.status in ("held", "approved"):
            # A second click is refused by data_access (the next one exists already).
            st.button(t("meetings.action.next"), key=f"mt_next_{d.id}",
                      icon=":material/event_repeat:", on_click=in_callback,
                      args=(place, "meetings.action.next_done", meetings.create_next, d.id))
    show_refusal(place)


def _agenda(v: Viewer, d: meetings.MeetingDetail) -> None:
    st.subheader(t("meetings.agenda.title"), anchor=False)
    st.caption(t("meetings.agenda.total", total=d.agenda_minutes,
                 duration=d.duration_minutes))
    if d.over_time:
        st.warning(t("meetings.agenda.over_time"), icon=":material/timer_off:")
    editing = "edit_agenda" in d.actions
    for item in d.agenda:
        with st.container(border=True, key=f"mt_item_{item.id}"):
            line = f"{format_number(item.position, v.loc)}. {escape_markdown(item.title)}"
            st.markdown(f"**{line}**")
            meta = [t("meetings.detail.minutes", count=item.minutes_allotted)]
            if item.presenter:
                meta.append(escape_markdown(item.presenter))
            if item.follow_up:
                meta.append(t("meetings.agenda.follow_up"))
            st.caption(" · ".join(meta))
            if editing:
                place = f"mt_item_{item.id}"
                # Keyed by the meeting's version, which every move changes: the second
                # click of a double click hits a button that is gone, and moves nothing.
                with st.container(horizontal=True, gap="small"):
                    for label, steps, icon in (("up", -1, ":material/arrow_upward:"),
                                               ("down", 1, ":material/arrow_downward:")):
                        st.button(t(f"meetings.agenda.{label}"), icon=icon,
                                  key=f"mt_{label}_{item.id}_{d.version}", on_click=in_callback,
                                  args=(place, "meetings.saved", meetings.move_item, d.id,
                                        d.version, item.id, steps))
                    st.button(t("meetings.agenda.remove"), key=f"mt_remove_{item.id}_{d.version}",
                              icon=":material/delete:", on_click=in_callback,
                              args=(place, "meetings.saved", meetings.remove_item, d.id,
                                    d.version, item.id))
                show_refusal(place)
            elif "edit_minutes" in d.actions:
                _minutes_editor(v, d, item)
            elif item.notes:
                with st.container(key=f"mt_notes_{item.id}"):
                    user_markdown(item.notes, f"mt_notes_{item.id}")
    if editing:
        _add_item(v, d)


ITEM_MINUTES = dict(min_value=0, max_value=meetings.MINUTES_ALLOTTED_MAX, value=10)


def _add_item(v: Viewer, d: meetings.MeetingDetail) -> None:
    form = f"mt_add_item_{d.id}"
    with st.form(form, clear_on_submit=True):
        st.text_input(t("meetings.agenda.new"), max_chars=meetings.ITEM_TITLE_MAX,
                      key=f"{form}_title")
        names = {a.user_id: a.name for a in d.attendees}
        st.selectbox(t("meetings.agenda.presenter"), [None, *names],
                     placeholder=t("meetings.agenda.no_presenter"), key=f"{form}_presenter",
                     format_func=lambda i: t("meetings.agenda.no_presenter")
                     if i is None else names[i])
        whole_number_input(t("meetings.agenda.minutes_allotted"), step=5,
                           key=f"{form}_minutes", **ITEM_MINUTES)
        st.form_submit_button(t("meetings.agenda.add"), icon=":material/add:",
                              on_click=_add_item_now, args=(d.id, d.version, form))
    show_refusal(form)


def _add_item_now(meeting_id: int, version: int, form: str) -> None:
    minutes = whole_number_value(f"{form}_minutes", **ITEM_MINUTES)
    if minutes is not None:  # else the field says why when it is drawn
        in_callback(form, "meetings.saved", meetings.add_item, meeting_id, version,
                    st.session_state.get(f"{form}_title") or "",
                    st.session_state.get(f"{form}_presenter"), minutes)


def _minutes_editor(v: Viewer, d: meetings.MeetingDetail, item: meetings.AgendaView) -> None:
    # The keys carry the meeting's version: once saved, the editor is drawn afresh on the
    # new version, and a second click of the old button finds nothing to call.
    key = f"mt_notes_{item.id}_{d.version}"
    notes = st.text_area(t("meetings.minutes.notes"), value=item.notes or "", key=key,
                         max_chars=meetings.NOTES_MAX, height=150)
    if notes:
        with st.expander(t("meetings.minutes.preview"), expanded=False):
            user_markdown(notes, f"{key}_preview")
    st.checkbox(t("meetings.minutes.done"), value=item.done, key=f"{key}_done")
    st.button(t("meetings.minutes.save"), key=f"{key}_save", icon=":material/save:",
              on_click=_save_minutes, args=(d.id, d.version, item.id, key))
    show_refusal(f"mt_minutes_{item.id}")


def _save_minutes(meeting_id: int, version: int, item_id: int, key: str) -> None:
    """The save button's callback: before the page is drawn, so the agenda shows the saved
    notes in the click's own run."""
    in_callback(f"mt_minutes_{item_id}", "meetings.saved", meetings.save_minutes, meeting_id,
                version, item_id, st.session_state.get(key) or "",
                bool(st.session_state.get(f"{key}_done")))


def _attendance(v: Viewer, d: meetings.MeetingDetail) -> None:
    st.subheader(t("meetings.attendance.title"), anchor=False)
    recording = "record_attendance" in d.actions
    for person in d.attendees:
        if recording:
            st.segmented_control(
                escape_markdown(person.name), list(meetings.ATTENDANCE),
                default=person.attendance, key=f"mt_att_{person.user_id}_{d.version}",
                format_func=lambda a: t(f"meetings.attendance.{a}"))
        else:
            parts = [escape_markdown(person.name)]
            if person.attendance:
                parts.append(t(f"meetings.attendance.{person.attendance}"))
            if person.sign_off:
                parts.append(t(f"meetings.sign_off.{person.sign_off}") + " " +
                             format_datetime(person.signed_at, v.loc))
            st.markdown(" · ".join(parts))
            if person.sign_off_note:
                st.text(person.sign_off_note)
    for guest in d.guests:
        st.markdown(f"{escape_markdown(guest)} · {t('meetings.attendance.guest')}")
    if recording:
        st.button(t("meetings.attendance.save"), key=f"mt_att_save_{d.id}",
                  icon=":material/how_to_reg:", on_click=_save_attendance,
                  args=(d.id, d.version, [p.user_id for p in d.attendees]))
        show_refusal(f"mt_attendance_{d.id}")


def _save_attendance(meeting_id: int, version: int, people: list[int]) -> None:
    chosen = {person: st.session_state.get(f"mt_att_{person}_{version}") for person in people}
    in_callback(f"mt_attendance_{meeting_id}", "meetings.saved", meetings.record_attendance,
                meeting_id, version, chosen)


def _decisions(v: Viewer, d: meetings.MeetingDetail) -> None:
    st.subheader(t("meetings.decisions.title"), anchor=False)
    for decision in d.decisions:
        with st.container(border=True, key=f"mt_decision_{decision.id}"):
            st.markdown(f"**{number_text(decision.number, v.loc)}** · "
                        f"{t(f'meetings.decision_status.{decision.status}')}")
            st.text(decision.text)
            if decision.superseded_by:
                st.caption(t("meetings.decisions.superseded_by",
                             number=number_text(decision.superseded_by, v.loc)))
            if "decision_status" in d.actions:
                _decision_status(decision)
    if "add_decision" in d.actions:
        form = f"mt_add_decision_{d.id}"
        with st.form(form, clear_on_submit=True):
            st.text_area(t("meetings.decisions.new"), max_chars=meetings.DECISION_MAX,
                         height=100, key=f"{form}_text")
            st.form_submit_button(t("meetings.decisions.add"), icon=":material/gavel:",
                                  on_click=_add_decision, args=(d.id, d.version,
                                                                d.department_id, form))
        show_refusal(form)


def _add_decision(meeting_id: int, version: int, department_id: int, form: str) -> None:
    in_callback(form, "meetings.decisions.added", meetings.add_decision, meeting_id, version,
                st.session_state.get(f"{form}_text") or "", department_id)


def _decision_status(decision: meetings.DecisionView) -> None:
    # Keyed by the decision's version: once saved, a second click finds nothing to call.
    form = f"mt_decision_status_{decision.id}_{decision.version}"
    with st.form(form, border=False):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox(t("meetings.register.status"), list(meetings.DECISION_STATUSES),
                         index=list(meetings.DECISION_STATUSES).index(decision.status),
                         format_func=lambda s: t(f"meetings.decision_status.{s}"),
                         key=f"{form}_status")
            st.text_input(t("meetings.decisions.superseded_by_number"), max_chars=20,
                          help=t("meetings.register.search_help"), key=f"{form}_newer")
        st.form_submit_button(t("meetings.decisions.save_status"), icon=":material/save:",
                              on_click=_set_decision_status,
                              args=(decision.id, decision.version, form))
    show_refusal(form)


def _set_decision_status(decision_id: int, version: int, form: str) -> None:
    in_callback(form, "meetings.saved", meetings.set_decision_status, decision_id, version,
                st.session_state.get(f"{form}_status"),
                superseded_by_number=st.session_state.get(f"{form}_newer") or "")


def _action_items(v: Viewer, d: meetings.MeetingDetail) -> None:
    st.subheader(t("meetings.actions.title"), anchor=False)
    for item in d.action_items:
        parts = [escape_markdown(item.title), escape_markdown(item.owner),
                 format_date(item.due_on, v.loc), t(f"surveys.actions.status.{item.status}")]
        if item.overdue:
            parts.append(t("meetings.actions.overdue"))
        st.markdown(" · ".join(parts))
    if "add_action_item" not in d.actions:
        return
    form = f"mt_add_action_{d.id}"
    with st.form(form, clear_on_submit=True):
        st.text_input(t("meetings.actions.new"), max_chars=200, key=f"{form}_title")
        names = {a.user_id: a.name for a in d.attendees}
        st.selectbox(t("meetings.actions.owner"), list(names), format_func=lambda i: names[i],
                     index=None, placeholder=t("meetings.actions.choose_owner"),
                     key=f"{form}_owner")
        jalali_date_input(t("meetings.actions.due_on"), key=f"mt_due_{d.id}", locale=v.loc,
                          messages=date_messages())
        numbers = {x.id: number_text(x.number, v.loc) for x in d.decisions}
        st.selectbox(t("meetings.actions.decision"), [None, *numbers],
                     placeholder=t("meetings.actions.no_decision"), key=f"{form}_decision",
                     format_func=lambda i: t("meetings.actions.no_decision")
                     if i is None else numbers[i])
        st.form_submit_button(t("meetings.actions.add"), icon=":material/add_task:",
                              on_click=_add_action_item, args=(d.id, d.version, form))
    show_refusal(form)


def _add_action_item(meeting_id: int, version: int, form: str) -> None:
    state = st.session_state
    in_callback(form, "meetings.actions.added", meetings.create_action_item, meeting_id,
                version, title=state.get(f"{form}_title") or "",
                owner_id=state.get(f"{form}_owner"),
                due_on=jalali_date_value(f"mt_due_{meeting_id}"),
                decision_id=state.get(f"{form}_decision"))


def _sign_off(v: Viewer, d: meetings.MeetingDetail) -> None:
    if "sign_off" not in d.actions:
        return
    me = d.attendee(v.actor.id)
    st.subheader(t("meetings.sign_off.title"), anchor=False)
    if me is not None and me.sign_off:
        st.success(t(f"meetings.sign_off.mine_{me.sign_off}",
                     when=format_datetime(me.signed_at, v.loc)))
    place = f"mt_objection_{d.id}"
    with st.container(horizontal=True, gap="small"):
        st.button(t("meetings.sign_off.confirm"), key=f"mt_confirm_{d.id}", type="primary",
                  icon=":material/draw:", on_click=in_callback,
                  args=(place, "meetings.sign_off.done", meetings.sign_off, d.id, "confirmed"))
    with st.form(place, clear_on_submit=True):
        st.text_area(t("meetings.sign_off.note"), max_chars=meetings.NOTE_MAX, height=80,
                     key=f"{place}_note")
        st.form_submit_button(t("meetings.sign_off.object"), icon=":material/report:",
                              on_click=_object, args=(d.id, place))
    show_refusal(place)


def _object(meeting_id: int, place: str) -> None:
    in_callback(place, "meetings.sign_off.done", meetings.sign_off, meeting_id, "objection",
                st.session_state.get(f"{place}_note") or "")


def _documents(v: Viewer, d: meetings.MeetingDetail) -> None:
    """Downloads, built only when clicked (the libraries load then)."""

    def docx() -> bytes:
        from dashboard.meetings.documents import minutes_docx
        return minutes_docx(d, v.loc)

    def markdown() -> bytes:
        from dashboard.meetings.documents import minutes_markdown
        return minutes_markdown(d, v.loc).encode("utf-8")

    def ics() -> bytes:
        from dashboard.meetings.documents import invitation_ics
        return invitation_ics(d)

    with st.container(horizontal=True, gap="small"):
        if d.status in ("held", "approved"):
            st.download_button(
                t("meetings.doc.docx"), data=docx, file_name=f"minutes-{d.id}.docx",
                key=f"mt_docx_{d.id}", on_click="ignore", icon=":material/description:",
                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            st.download_button(t("meetings.doc.markdown"), data=markdown,
                               file_name=f"minutes-{d.id}.md", mime="text/markdown",
                               key=f"mt_md_{d.id}", on_click="ignore",
                               icon=":material/markdown:")
        if d.status == "planned":
            st.download_button(t("meetings.doc.ics"), data=ics, file_name=f"meeting-{d.id}.ics",
                               mime="text/calendar", key=f"mt_ics_{d.id}", on_click="ignore",
                               icon=":material/calendar_add_on:")


def show_meeting(v: Viewer, meeting_id: int) -> None:
    st.button(t("meetings.detail.back"), icon=back_icon(), on_click=close_meeting,
              key="mt_back")
    d = read_or_explain(reads.detail, v.actor, meeting_id)
    _header(v, d)
    _lifecycle(v, d)
    _documents(v, d)
    _sign_off(v, d)
    _agenda(v, d)
    _attendance(v, d)
    if d.status in ("held", "approved"):
        _decisions(v, d)
        _action_items(v, d)
