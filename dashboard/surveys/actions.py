"""Closing the loop: the action items created from a wave's results, and a new one
from a driver's result (managers, PR and admins): in the actions section, or from the
"act on this" button beside the drivers, prefilled with that driver.

The list is drawn into a slot above the form and filled after the form has run, so an
item just created is in it in the same run (no second run of the page)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import tables
from dashboard.formatting import format_date, local_today
from dashboard.jalali_input import jalali_date_input
from dashboard.surveys import reads
from dashboard.surveys.results import Selection
from dashboard.surveys.viewer import MISSING, Viewer
from dashboard.ui import date_messages, escape_markdown, read_or_explain, run_write, t
from data_access import action_items, surveys

ACT_ON = "results_act_on"  # session key: the driver whose "act on this" form is open
PREFILLED_DUE = timedelta(days=30)  # a prefilled form's due date: a month to act


def show(viewer: Viewer, chosen: Selection) -> None:
    st.subheader(t("surveys.actions.title"))
    st.caption(t("surveys.actions.caption"))
    listed = st.container()
    if viewer.may_create_actions:
        new_item(viewer, chosen, "actions")
    with listed:
        _show_list(viewer, chosen)


def _show_list(viewer: Viewer, chosen: Selection) -> None:
    existing = read_or_explain(reads.action_items, viewer.actor, chosen.wave.wave_id)
    if not existing:
        st.caption(t("surveys.actions.none"))
        return
    tables.show([{
        t("surveys.actions.col.title"): a.title,
        t("surveys.actions.driver"): viewer.driver(a.driver, missing=MISSING),
        t("surveys.actions.col.group"): viewer.group(a.department),
        t("surveys.actions.col.owner"): a.owner,
        t("surveys.actions.col.due"): format_date(a.due_on, viewer.lang, "long"),
        t("surveys.actions.col.status"): t(f"surveys.actions.status.{a.status}"),
    } for a in existing], viewer.lang)


def _open(driver: str | None) -> None:
    st.session_state[ACT_ON] = driver


def act_on_drivers(viewer: Viewer, chosen: Selection) -> None:
    """Under the drivers: one "act on this" button per shown driver; the one pressed
    opens the action form right there, prefilled with it."""
    if not viewer.may_create_actions or chosen.wave.status != "closed":
        return
    visible = [d.driver for d in chosen.results.drivers if not d.hidden]
    if not visible:
        return
    st.markdown(f"**{t('surveys.actions.act_heading')}**")
    with st.container(horizontal=True, gap="small", key="results_act_buttons"):
        for driver in visible:
            st.button(t("surveys.actions.act_on", driver=viewer.driver(driver)),
                      key=f"act_on_{driver}", icon=":material/add_task:",
                      on_click=_open, args=(driver,))
    driver = st.session_state.get(ACT_ON)
    if driver in visible:
        new_item(viewer, chosen, "drivers", driver)


def new_item(viewer: Viewer, chosen: Selection, place: str, driver: str | None = None) -> None:
    """The action form for the group on screen; `driver` prefills it (and its title).
    Once an item is created the form gives way to the message, where it was."""
    visible = [d.driver for d in chosen.results.drivers if not d.hidden]
    if not visible:
        st.info(t("surveys.actions.no_driver"))
        return
    slot = st.empty()
    with slot.container():
        created = _form(viewer, chosen, place, visible, driver)
    if created:
        if place == "drivers":
            st.session_state[ACT_ON] = None
            slot.success(t("surveys.actions.created_for", title=escape_markdown(created)),
                         icon=":material/check_circle:")
        else:
            st.success(t("surveys.actions.created_for", title=escape_markdown(created)),
                       icon=":material/check_circle:")


def _form(viewer: Viewer, chosen: Selection, place: str, visible: list[str],
          driver: str | None) -> str | None:
    """Draws the form; the title of the item it created, if it did."""
    wave_id, department_id = chosen.wave.wave_id, chosen.department_id
    key = f"action_{place}_{wave_id}_{department_id}" + (f"_{driver}" if driver else "")
    group = escape_markdown(viewer.group(chosen.results.department))
    st.markdown(f"**{t('surveys.actions.new')} · {group}**")
    st.caption(t("surveys.actions.for_wave", wave=escape_markdown(viewer.wave_label(chosen.wave))))
    # Outside the form: a search that finds any active person, as it is typed.
    search = st.text_input(t("surveys.actions.owner_search"), key=f"{key}_owner_search",
                           max_chars=100, live=True, icon=":material/person_search:")
    owners = dict(read_or_explain(reads.owner_choices, viewer.actor, department_id,
                                  (search or "").strip()))
    if not owners:
        st.caption(t("surveys.actions.owner_none"))
    with st.form(key, clear_on_submit=True, enter_to_submit=False):
        chosen_driver = st.selectbox(t("surveys.actions.driver"), visible,
                                     index=visible.index(driver) if driver in visible else 0,
                                     format_func=viewer.driver, key=f"{key}_driver")
        title = st.text_input(t("surveys.actions.item_title"),
                              value=t("surveys.actions.prefill_title",
                                      driver=viewer.driver(driver)) if driver else "",
                              max_chars=surveys.ACTION_TITLE_MAX, key=f"{key}_title")
        description = st.text_area(t("surveys.actions.description"),
                                   max_chars=surveys.ACTION_DESCRIPTION_MAX,
                                   key=f"{key}_description")
        owner = st.selectbox(t("surveys.actions.owner"), list(owners), format_func=owners.get,
                             key=f"{key}_owner")
        today = local_today()
        due_on = jalali_date_input(
            t("surveys.actions.due_on"), key=f"{key}_due", locale=viewer.lang,
            value=today + PREFILLED_DUE if driver else None,
            min_value=today, max_value=action_items.latest_due_on(today),
            messages=date_messages())
        with st.container(horizontal=True, gap="small"):
            submitted = st.form_submit_button(t("surveys.actions.create"), type="primary",
                                              icon=":material/add_task:", key=f"{key}_create")
            if driver:
                st.form_submit_button(t("surveys.actions.close"), on_click=_open,
                                      args=(None,), key=f"{key}_close")
    if submitted and run_write(surveys.create_action_item, wave_id, chosen_driver,
                               department_id, title, owner, due_on, description).ok:
        reads.after_action()
        return title.strip()
    return None
