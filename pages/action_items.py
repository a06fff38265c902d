"""Action items (/action-items): my own items and "you said, we do" (the plans made
from survey results for my groups) for everyone; for leaders, the items of
their subtree and of the meetings they organised; for those who publish news, "you
said, we did" announcements of done survey items.

Views in dashboard/action_items/; every rule in data_access.action_items (owned_by,
set_status with the version the person saw, team_plans, team, team_views, announceable,
announce).
"""

import streamlit as st

from dashboard.action_items import Viewer, show_announce, show_mine, show_plans, show_team
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("use_intranet"))
st.title(t("nav.action_items"))
if st.session_state.get("actions_view") not in viewer.views:
    st.session_state["actions_view"] = "mine"
# Labels computed now: a format_func must not read the session (the locale) later.
labels = {name: t(f"actions.view.{name}") for name in viewer.views}
view = st.segmented_control(t("actions.view.label"), viewer.views, key="actions_view",
                            required=True, format_func=labels.get,
                            label_visibility="collapsed")
if view == "mine":
    show_mine(viewer)
elif view == "plans":
    show_plans(viewer)
elif view == "announce":
    show_announce(viewer)
else:
    show_team(viewer, view)
