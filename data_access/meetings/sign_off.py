"""Sign-off of approved minutes: each present attendee confirms them or notes an
objection, for themselves only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import InvalidInput, PermissionDenied
from data_access.meetings import rules
from data_access.meetings.visibility import visible_meeting
from data_access.models import utcnow
from data_access.models.meetings import SIGN_OFFS, MeetingAttendee
from data_access.permissions import Actor
from data_access.text import clean_block

NOTE_MAX = 2000


def sign_off(session: Session, actor: Actor, meeting_id: int, choice: str,
             note: str | None = None, now: datetime | None = None) -> None:
    """The actor's own confirmation (or objection, with a note that says why)."""
    meeting = visible_meeting(session, actor, meeting_id)
    rules.check_allowed("sign_off", meeting.status)
    if choice not in SIGN_OFFS:
        raise InvalidInput("meetings.errors.sign_off_invalid", field="choice")
    note = clean_block(note, "note", NOTE_MAX, required=choice == "objection",
                       required_key="meetings.errors.objection_note_required")
    row = session.scalar(select(MeetingAttendee).where(
        MeetingAttendee.meeting_id == meeting_id, MeetingAttendee.user_id == actor.id)
        .with_for_update())
    if row is None or row.attendance != "present":
        raise PermissionDenied("meetings.errors.only_present_sign")
    row.sign_off, row.sign_off_note, row.signed_at = choice, note, now or utcnow()
    session.flush()
    audit.record(session, actor, "meeting.sign_off", "meeting", meeting_id, choice=choice)
