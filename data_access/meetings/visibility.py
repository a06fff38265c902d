"""Who sees which meeting, enforced in every query of the feature.

- admins (manage_all_meetings): every meeting;
- the organiser and the attendees: their meetings, confidential ones included;
- otherwise, non-confidential meetings only: of the reader's own department, and for
  leaders (view_department_meetings) of their department subtree.

A meeting the reader may not see does not exist for them (NotFound, never a count).
Used by the other meeting modules; not part of the package's public API.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from data_access import departments
from data_access.errors import NotFound, PermissionDenied, get_or_not_found
from data_access.meetings import rules
from data_access.models.meetings import Meeting, MeetingAttendee
from data_access.permissions import Actor, can, require_active
from data_access.versioning import load_for_write

# Its own name, so the condition also works in queries that select attendees.
_Invited = aliased(MeetingAttendee)


def attends(actor: Actor) -> ColumnElement[bool]:
    """SQL: the actor is on the meeting's attendee list (correlated to Meeting only)."""
    return (select(_Invited.meeting_id)
            .where(_Invited.meeting_id == Meeting.id, _Invited.user_id == actor.id)
            .correlate(Meeting).exists())


def visible(session: Session, actor: Actor) -> ColumnElement[bool]:
    """SQL condition on Meeting: the actor may see it."""
    if can(actor, "manage_all_meetings"):
        return true()
    if can(actor, "view_department_meetings"):
        scope = sorted(departments.subtree_ids(session, actor.department_id))
    else:
        scope = [actor.department_id]
    open_to_department = (Meeting.confidential.is_(False) & Meeting.department_id.in_(scope)
                          if scope else false())
    return or_(Meeting.organiser_id == actor.id, attends(actor), open_to_department)


def visible_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting if the actor may see it; NotFound otherwise (not even that it exists)."""
    require_active(session, actor)
    found = session.scalar(select(Meeting.id).where(Meeting.id == meeting_id,
                                                    visible(session, actor)))
    if found is None:
        raise NotFound()
    return get_or_not_found(session, Meeting, meeting_id)


def may_edit(actor: Actor, meeting: Meeting) -> bool:
    """Only the organiser (still allowed to run meetings) and admins edit a meeting."""
    if can(actor, "manage_all_meetings"):
        return True
    return meeting.organiser_id == actor.id and can(actor, "run_meetings")


def meeting_for_edit(session: Session, actor: Actor, meeting_id: int,
                     expected_version: int | None, action: str) -> Meeting:
    """The meeting as it is now, for a write by its organiser or an admin: `action`
    must be allowed in its current status (a second "approve" hears that it is already
    approved), and it must still be the version the person saw
    (errors.edited_by_someone_else otherwise)."""
    meeting = visible_meeting(session, actor, meeting_id)
    if not may_edit(actor, meeting):
        raise PermissionDenied()
    session.refresh(meeting)
    rules.check_allowed(action, meeting.status)
    return load_for_write(session, Meeting, meeting.id, expected_version)
