"""Meeting records (/meetings): the meetings the viewer may see, one meeting (agenda,
attendance, minutes, decisions, action items, approval, sign-off), the decision register
for everyone; scheduling for those who run meetings (manager, pr, admin).

The views are in dashboard/meetings/; every rule is in data_access.meetings:
- list: meetings.meetings; one meeting: meetings.meeting_detail and its writes
  (add_item, move_item, remove_item, hold, record_attendance, save_minutes,
  add_decision, create_action_item, approve, reopen, cancel, create_next, sign_off);
- register: meetings.search_register; create: meetings.schedule, meetings.people_choices.
"""

import streamlit as st

from dashboard.meetings import VIEWS, Viewer, show_meeting
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("read_meetings"))
st.title(t("nav.meetings"))

try:
    opened = int(st.query_params.get("meeting", ""))
except ValueError:
    opened = None

if opened is not None:
    show_meeting(viewer, opened)
else:
    if st.session_state.get("mt_view") not in viewer.views:
        st.session_state["mt_view"] = "list"
    view = st.segmented_control(t("meetings.view.label"), viewer.views, key="mt_view",
                                required=True, format_func=lambda v: t(f"meetings.view.{v}"),
                                label_visibility="collapsed")
    VIEWS[view](viewer)
