"""Action items from a meeting: created by its organiser (or an admin) from an agenda
item or a decision, in the one shared action-items table (source "meeting")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import action_items, clock
from data_access.errors import InvalidInput, NotFound
from data_access.meetings.agenda import _agenda_item, touch
from data_access.meetings.visibility import meeting_for_edit
from data_access.models.meetings import Decision, MeetingAttendee
from data_access.permissions import Actor


def create_action_item(session: Session, actor: Actor, meeting_id: int,
                       expected_version: int | None, *, title: str | None,
                       owner_id: int | None, due_on: date | None,
                       description: str | None = None, decision_id: int | None = None,
                       agenda_item_id: int | None = None,
                       now: datetime | None = None) -> int:
    """A follow-up of a held (or approved) meeting, due no earlier than the meeting's
    day; returns the item's id. The owner must have an active account, and be one of
    the attendees when the meeting is confidential."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "add_action_item")
    if decision_id is not None:
        decision = session.get(Decision, decision_id)
        if decision is None or decision.meeting_id != meeting_id:
            raise NotFound()
        agenda_item_id = agenda_item_id or decision.agenda_item_id
    if agenda_item_id is not None:
        _agenda_item(session, meeting_id, agenda_item_id)
    if due_on is not None and due_on < clock.to_local(meeting.starts_at).date():
        raise InvalidInput("meetings.errors.due_before_meeting", field="due_on")
    if meeting.confidential and owner_id is not None and session.scalar(
            select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == meeting_id,
                                                  MeetingAttendee.user_id == owner_id)) is None:
        # The item names the meeting: only someone who may see it may own it.
        raise InvalidInput("meetings.errors.owner_not_attendee", field="owner")
    item_id = action_items.create(
        session, actor, title=title, description=description, owner_id=owner_id,
        due_on=due_on, source="meeting", source_department_id=meeting.department_id,
        source_meeting_id=meeting_id, source_decision_id=decision_id,
        source_agenda_item_id=agenda_item_id, now=now)
    touch(session, meeting, now)
    return item_id
