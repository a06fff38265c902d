"""Action items (/action-items): my own items for everyone; for leaders, the items of
their subtree and of the meetings they organised; for those who publish news, "you
said, we did" announcements of done survey items.

Views in dashboard/action_items/; every rule in data_access.action_items (owned_by,
set_status with the version the person saw, team, team_views, announceable, announce).
"""

import streamlit as st

from dashboard.action_items import Viewer, show_announce, show_mine, show_team
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("use_intranet"))
st.title(t("nav.action_items"))
view = "mine"
if len(viewer.views) > 1:
    if st.session_state.get("actions_view") not in viewer.views:
        st.session_state["actions_view"] = "mine"
    view = st.segmented_control(t("actions.view.label"), viewer.views, key="actions_view",
                                required=True, format_func=lambda v: t(f"actions.view.{v}"),
                                label_visibility="collapsed")
if view == "mine":
    show_mine(viewer)
elif view == "announce":
    show_announce(viewer)
else:
    show_team(viewer, view)
