"""Meeting records: every rule about meetings and every query that reads them.

The public API of the feature; dashboard and pages import only these names.

- rules: the life cycle (planned → held → approved, reopen, cancelled), which edit is
  allowed in which status, the register number;
- scheduling (run_meetings): a new meeting, its details, attendees and guests while
  planned; the meeting types (admins add more);
- lifecycle: hold, approve, reopen (audited), cancel;
- agenda, attendance, minutes, decisions (numbered per Jalali year without gaps),
  follow_up (action items from an agenda item or decision), sign_off (attendees,
  their own only), series (the next meeting, with follow-ups carried over);
- reading and register: lists, one meeting, the decision register search;
- for_me: the reader's next meetings, minutes awaiting their sign-off, approvals.

Only the organiser and admins edit a meeting; confidential meetings are invisible to
everyone but their organiser, attendees and admins, in every list, search and count.
Every function takes `now` where time matters, so that tests can move the clock.
"""

from data_access.meetings.agenda import (
    ITEM_TITLE_MAX,
    MINUTES_ALLOTTED_MAX,
    add_item,
    move_item,
    remove_item,
    update_item,
)
from data_access.meetings.attendance import (
    AttendanceRate,
    MonthAttendance,
    attendance_by_month,
    meeting_attendance_rate,
    person_attendance_rate,
    record_attendance,
)
from data_access.meetings.decisions import (
    DECISION_MAX,
    add_decision,
    next_sequence,
    set_decision_status,
)
from data_access.meetings.follow_up import create_action_item
from data_access.meetings.for_me import (
    NOTICE_DAYS,
    ApprovalNotice,
    UpcomingMeeting,
    approval_notices,
    awaiting_sign_off_count,
    upcoming,
)
from data_access.meetings.lifecycle import approve, cancel, hold, reopen
from data_access.meetings.minutes import NOTES_MAX, save_minutes
from data_access.meetings.reading import (
    PAGE_SIZE,
    ActionView,
    AgendaView,
    AttendeeView,
    DecisionView,
    MeetingDetail,
    MeetingRow,
    meeting_count,
    meeting_detail,
    meetings,
)
from data_access.meetings.register import RegisterRow, search_register
from data_access.meetings.rules import (
    ACTIONS,
    allowed,
    jalali_year,
    parse_register_number,
    register_number,
)
from data_access.meetings.scheduling import (
    BUILTIN_TYPES,
    DURATION_MAX,
    DURATION_MIN,
    TITLE_MAX,
    MeetingInput,
    MeetingTypeChoice,
    PersonChoice,
    add_meeting_type,
    ensure_builtin_types,
    meeting_types,
    people_choices,
    schedule,
    update_details,
)
from data_access.meetings.series import create_next, next_start
from data_access.meetings.sign_off import NOTE_MAX, sign_off
from data_access.models.meetings import (
    ATTENDANCE,
    DECISION_STATUSES,
    MEETING_STATUSES,
    RECURRENCES,
    SIGN_OFFS,
)

__all__ = [
    # rules and constants
    "ACTIONS", "ATTENDANCE", "DECISION_STATUSES", "MEETING_STATUSES", "RECURRENCES",
    "SIGN_OFFS", "allowed", "jalali_year", "parse_register_number", "register_number",
    # scheduling
    "BUILTIN_TYPES", "DURATION_MAX", "DURATION_MIN", "TITLE_MAX", "MeetingInput",
    "MeetingTypeChoice", "PersonChoice", "add_meeting_type", "ensure_builtin_types",
    "meeting_types", "people_choices", "schedule", "update_details",
    # life cycle
    "approve", "cancel", "hold", "reopen",
    # agenda, attendance, minutes
    "ITEM_TITLE_MAX", "MINUTES_ALLOTTED_MAX", "add_item", "move_item", "remove_item",
    "update_item", "AttendanceRate", "meeting_attendance_rate", "person_attendance_rate",
    "MonthAttendance", "attendance_by_month",
    "record_attendance", "NOTES_MAX", "save_minutes",
    # decisions, action items, sign-off, series
    "DECISION_MAX", "add_decision", "next_sequence", "set_decision_status",
    "create_action_item", "NOTE_MAX", "sign_off", "create_next", "next_start",
    # reading and the register
    "PAGE_SIZE", "ActionView", "AgendaView", "AttendeeView", "DecisionView", "MeetingDetail",
    "MeetingRow", "meeting_count", "meeting_detail", "meetings", "RegisterRow",
    "search_register",
    # what a person's meetings ask of them (home page, sidebar)
    "NOTICE_DAYS", "ApprovalNotice", "UpcomingMeeting", "approval_notices",
    "awaiting_sign_off_count", "upcoming",
]
