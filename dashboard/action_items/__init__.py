"""/action-items: my action items (overdue highlighted) and, for leaders, the team views
(their subtree; their meetings' items), sortable, filterable and exported.

Every rule is in data_access.action_items; this package only shows it.
"""

from dashboard.action_items.announce import show_announce
from dashboard.action_items.mine import show_mine
from dashboard.action_items.plans import show_plans
from dashboard.action_items.team import show_team
from dashboard.action_items.viewer import Viewer

__all__ = ["Viewer", "show_announce", "show_mine", "show_plans", "show_team"]
