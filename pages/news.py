"""News and announcements (/announcements): the feed and events for everyone; composing
and managing for pr/admin; reach for pr/admin and managers (their subtree).

The views are in dashboard/news/ (one module per view); every rule is in data_access.news:
- feed: news.feed, news.categories; an opened item: news.get_item, news.mark_read,
  news.acknowledge, news.comments, news.add_comment, and for pr/admin
  news.set_comment_hidden, news.set_comments_enabled;
- events: news.upcoming_events, grouped by Jalali month;
- compose (pr/admin): news.save_draft, news.publish, news.schedule, with news.load_for_edit;
- manage (pr/admin): news.stage_counts, news.manage_list, news.set_pinned, news.expire_now,
  news.withdraw, news.archive, news.delete_draft; admins also news.add_category;
- reach (pr/admin; managers for their subtree): news.reach_items, news.item_reach,
  news.pending_acknowledgements, news.activity.
"""

import streamlit as st

from dashboard.news import VIEWS, Viewer, show_detail
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("read_news"))
st.title(t("nav.announcements"))

try:
    opened = int(st.query_params.get("item", ""))
except ValueError:
    opened = None

if opened is not None:
    show_detail(viewer, opened)
else:
    if st.session_state.get("news_view") not in viewer.views:
        st.session_state["news_view"] = "feed"
    view = st.segmented_control(t("news.view.label"), viewer.views, key="news_view",
                                required=True, format_func=lambda v: t(f"news.view.{v}"),
                                label_visibility="collapsed")
    VIEWS[view](viewer)
