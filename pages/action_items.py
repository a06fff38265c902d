"""Action items (/action-items): what I have been asked to follow up, and moving it along.

Every rule is in data_access.action_items: action_items.owned_by (my items, each with
its `version` and whether it is `overdue`) and action_items.set_status, which refuses
a change made on a version someone else has changed meanwhile.
"""

import streamlit as st

from dashboard.formatting import format_date
from dashboard.surveys.viewer import driver_name
from dashboard.ui import flash, locale, read, require_page, run_write, t
from data_access import action_items


def _status_changed(item_id: int, version: int, shown: str, key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen != shown and run_write(action_items.set_status, item_id, chosen,
                                     expected_version=version).ok:
        flash(t("actions.saved"))


actor = require_page("use_intranet")
st.title(t("nav.action_items"))
show_done = st.toggle(t("actions.show_done"), key="actions_show_done")
items = read(action_items.owned_by, actor, include_done=show_done)
if not items:
    st.info(t("empty.action_items"))
for item in items:
    with st.container(border=True):
        st.text(item.title)
        source = driver_name(item.source_driver, locale(), missing="") \
            if item.source == "survey" else ""
        st.caption(" · ".join(part for part in [
            t("actions.due", date=format_date(item.due_on, locale(), style="long")),
            t("actions.overdue") if item.overdue else "",
            t("actions.from_survey", driver=source) if source else "",
        ] if part))
        if item.description:
            st.text(item.description)
        # The key carries the status shown, so a change made elsewhere redraws the
        # control; the write states the version this person saw (a stale click is refused).
        key = f"action_{item.id}_{item.status}"
        st.segmented_control(
            t("surveys.actions.col.status"), list(action_items.STATUSES), default=item.status,
            format_func=lambda s: t(f"surveys.actions.status.{s}"), key=key, required=True,
            on_change=_status_changed, args=(item.id, item.version, item.status, key))
