"""Action items: what I have been asked to follow up, and moving it along."""

import streamlit as st

from dashboard.formatting import format_date
from dashboard.survey_labels import DRIVER_LABELS
from dashboard.ui import current_actor, flash, locale, read, run_write, t
from data_access import action_items


def _status_changed(item_id: int, shown: str, version: int, key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen != shown and \
            run_write(action_items.set_status, item_id, chosen, version).ok:
        flash(t("actions.saved"))


actor = current_actor()
st.title(t("nav.action_items"))
show_done = st.toggle(t("actions.show_done"), key="actions_show_done")
items = read(action_items.owned_by, actor, include_done=show_done)
if not items:
    st.info(t("empty.action_items"))
for item in items:
    with st.container(border=True):
        st.text(item.title)
        overdue = item.overdue
        source = DRIVER_LABELS[locale()].get(item.source_driver or "", "") \
            if item.source == "survey" else ""
        st.caption(" · ".join(part for part in [
            t("actions.due", date=format_date(item.due_on, locale(), style="long")),
            t("actions.overdue") if overdue else "",
            t("actions.from_survey", driver=source) if source else "",
        ] if part))
        if item.description:
            st.text(item.description)
        # The key carries the status shown, so a change made elsewhere redraws the
        # control, and the write states what this person saw (a stale click is refused).
        key = f"action_{item.id}_{item.status}"
        st.segmented_control(
            t("surveys.actions.col.status"), list(action_items.STATUSES), default=item.status,
            format_func=lambda s: t(f"surveys.actions.status.{s}"), key=key, required=True,
            on_change=_status_changed, args=(item.id, item.status, item.version, key))
