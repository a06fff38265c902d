"""Meeting records in the web layer.

The meetings page (pages/meetings.py) routes between the views: `Viewer.of(actor)`,
then `VIEWS[name](viewer)` or `show_meeting(viewer, meeting_id)`.

No rules here: data_access.meetings decides who sees and edits what (confidential
meetings included). User text never reaches HTML: titles and names through
`escape_markdown`, minutes through `safe_markdown`, decisions and notes through `st.text`.
"""

from dashboard.meetings.attendance import show_attendance
from dashboard.meetings.create import show_create
from dashboard.meetings.listing import show_list
from dashboard.meetings.meeting import show_meeting
from dashboard.meetings.reads import invalidate_all
from dashboard.meetings.register import show_register
from dashboard.meetings.types import show_types
from dashboard.meetings.viewer import Viewer

# view name (as Viewer.views lists them) -> what draws it
VIEWS = {"list": show_list, "register": show_register, "create": show_create,
         "attendance": show_attendance, "types": show_types}

__all__ = ["VIEWS", "Viewer", "invalidate_all", "show_meeting"]
