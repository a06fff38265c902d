"""Internal news in the web layer.

Hooks the app's feature registry calls on every page (hooks.py):
`sidebar_counter(actor)`, `urgent_banner(actor)`, `home_section(actor)`.
The news page (pages/news.py) routes between the views: `Viewer.of(actor)`,
then `VIEWS[name](viewer)` or `show_detail(viewer, item_id)`.

No rules here: every decision is data_access.news's (the life cycle's allowed
actions included). User text never reaches HTML: titles and names through
`escape_markdown`, comments through `st.text`, bodies through `safe_markdown`.
"""

from dashboard.news.compose import show_compose
from dashboard.news.events import show_events
from dashboard.news.feed import show_feed
from dashboard.news.hooks import home_section, sidebar_counter, urgent_banner
from dashboard.news.item import show_detail
from dashboard.news.manage import show_manage
from dashboard.news.reach import show_reach
from dashboard.news.reads import invalidate_all
from dashboard.news.viewer import Viewer

# view name (as Viewer.views lists them) -> what draws it
VIEWS = {"feed": show_feed, "events": show_events, "compose": show_compose,
         "manage": show_manage, "reach": show_reach}

__all__ = ["VIEWS", "Viewer", "home_section", "invalidate_all", "show_detail",
           "sidebar_counter", "urgent_banner"]
