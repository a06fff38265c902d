"""Closing the loop: the action items created from a wave's results, and a new one
from a driver's result (managers, PR and admins)."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.formatting import format_date, local_today
from dashboard.jalali_input import jalali_date_input
from dashboard.surveys import reads
from dashboard.surveys.results import Selection
from dashboard.surveys.viewer import MISSING, Viewer
from dashboard.ui import date_messages, escape_markdown, read_or_explain, run_write, t
from data_access import action_items, surveys


def show(viewer: Viewer, chosen: Selection) -> None:
    st.subheader(t("surveys.actions.title"))
    st.caption(t("surveys.actions.caption"))
    wave_id = chosen.wave.wave_id
    existing = read_or_explain(reads.action_items, viewer.actor, wave_id)
    if existing:
        tables.show([{
            t("surveys.actions.col.title"): a.title,
            t("surveys.actions.driver"): viewer.driver(a.driver, missing=MISSING),
            t("surveys.actions.col.group"): viewer.group(a.department),
            t("surveys.actions.col.owner"): a.owner,
            t("surveys.actions.col.due"): format_date(a.due_on, viewer.lang, "long"),
            t("surveys.actions.col.status"): t(f"surveys.actions.status.{a.status}"),
        } for a in existing], viewer.lang)
    else:
        st.caption(t("surveys.actions.none"))
    if viewer.may_create_actions:
        _new_item(viewer, chosen)


def _new_item(viewer: Viewer, chosen: Selection) -> None:
    visible = [d.driver for d in chosen.results.drivers if not d.hidden]
    if not visible:
        st.info(t("surveys.actions.no_driver"))
        return
    wave_id, department_id = chosen.wave.wave_id, chosen.department_id
    owners = dict(read_or_explain(reads.owner_choices, viewer.actor, department_id))
    group = escape_markdown(viewer.group(chosen.results.department))
    with st.form(f"action_{wave_id}_{department_id}", clear_on_submit=True,
                 enter_to_submit=False):
        st.markdown(f"**{t('surveys.actions.new')} · {group}**")
        driver = st.selectbox(t("surveys.actions.driver"), visible, format_func=viewer.driver)
        title = st.text_input(t("surveys.actions.item_title"),
                              max_chars=surveys.ACTION_TITLE_MAX)
        description = st.text_area(t("surveys.actions.description"),
                                   max_chars=surveys.ACTION_DESCRIPTION_MAX)
        owner = st.selectbox(t("surveys.actions.owner"), list(owners), format_func=owners.get)
        today = local_today()
        due_on = jalali_date_input(
            t("surveys.actions.due_on"), key=f"action_due_{wave_id}", locale=viewer.lang,
            min_value=today, max_value=action_items.latest_due_on(today),
            messages=date_messages())
        if st.form_submit_button(t("surveys.actions.create"), type="primary",
                                 icon=":material/add_task:"):
            if run_write(surveys.create_action_item, wave_id, driver, department_id, title,
                         owner, due_on, description).ok:
                reads.after_action()
                st.success(t("surveys.actions.created"))
