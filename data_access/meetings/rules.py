"""The meeting life cycle and the register number, as pure functions.

planned ──hold──▶ held ──approve──▶ approved ──reopen (organiser, audited)──▶ held
   │                 │
   └──cancel──▶ cancelled ◀──cancel┘

Planned: details, attendees, guests and the agenda are edited. Held: attendance,
minutes (notes per agenda item), decisions and action items. Approved: read-only;
present attendees sign off and decisions move along (implemented, superseded).
Cancelled: nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import jdatetime

from data_access.clock import to_local
from data_access.errors import Conflict
from data_access.models.meetings import MEETING_STATUSES

__all__ = [
    "ACTIONS", "Action", "MEETING_STATUSES", "allowed", "check_allowed", "jalali_year",
    "over_time", "parse_register_number", "register_number", "transition",
]

Action = Literal[
    "edit_details", "edit_attendees", "edit_agenda", "hold", "cancel",
    "record_attendance", "edit_minutes", "add_decision", "add_action_item", "approve",
    "reopen", "sign_off", "decision_status",
]

_ALLOWED: dict[str, frozenset[str]] = {
    "planned": frozenset({"edit_details", "edit_attendees", "edit_agenda", "hold", "cancel"}),
    "held": frozenset({"record_attendance", "edit_minutes", "add_decision", "add_action_item",
                       "approve", "cancel"}),
    "approved": frozenset({"reopen", "sign_off", "decision_status", "add_action_item"}),
    "cancelled": frozenset(),
}
ACTIONS: frozenset[str] = frozenset().union(*_ALLOWED.values())

# Where each transition leads.
_TRANSITIONS = {"hold": "held", "approve": "approved", "reopen": "held", "cancel": "cancelled"}


def allowed(action: str, status: str) -> bool:
    """Whether `action` may be done to a meeting in `status`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown meeting action {action!r}")
    return action in _ALLOWED[status]


def check_allowed(action: str, status: str) -> None:
    """Conflict with a message that says why, unless `action` is allowed in `status`.

    A second click on "approve" meets an approved meeting: it gets its own message.
    """
    if allowed(action, status):
        return
    if action == "approve" and status == "approved":
        raise Conflict("meetings.errors.already_approved")
    raise Conflict("meetings.errors.not_now", status=status)


def transition(action: str, status: str) -> str:
    """The status after a life-cycle action (hold, approve, reopen, cancel)."""
    check_allowed(action, status)
    return _TRANSITIONS[action]


def jalali_year(moment: datetime) -> int:
    """The Jalali year of an instant, in the municipality's time zone."""
    return jdatetime.date.fromgregorian(date=to_local(moment).date()).year


def register_number(year: int, sequence: int) -> str:
    """A decision's register number, e.g. "1405-037" (the UI shows it in Persian digits)."""
    return f"{year}-{sequence:03d}"


def parse_register_number(text: str) -> tuple[int, int] | None:
    """(year, sequence) from "1405-037" (Persian digits too); None if it is not one."""
    from data_access.text import normalize_digits

    year, dash, sequence = normalize_digits(text.strip()).partition("-")
    if not dash or not year.isdigit() or not sequence.isdigit() or len(year) != 4:
        return None
    return int(year), int(sequence)


def over_time(minutes_allotted: list[int], duration_minutes: int) -> bool:
    """Whether the agenda's minutes add up to more than the meeting lasts."""
    return sum(minutes_allotted) > duration_minutes
