"""Minutes of a held meeting: Markdown notes per agenda item, and whether the item
was dealt with (an unfinished one is carried over to the next meeting of a series)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from data_access.meetings.agenda import _agenda_item, touch
from data_access.meetings.visibility import meeting_for_edit
from data_access.permissions import Actor
from data_access.text import clean_block

# Notes of one agenda item; the page shows the limit, the database never sees more.
NOTES_MAX = 20_000


def save_minutes(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
                 agenda_item_id: int, notes: str | None, done: bool = False,
                 now: datetime | None = None) -> int:
    """The organiser (or an admin) saves one item's notes; returns the meeting's new
    version. Someone who saved the meeting meanwhile wins: this save is refused
    (errors.edited_by_someone_else) and nothing is lost on their side."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "edit_minutes")
    item = _agenda_item(session, meeting_id, agenda_item_id)
    item.notes = clean_block(notes, "notes", NOTES_MAX, markdown=True,
                             too_long_key="meetings.errors.minutes_too_long")
    item.done = bool(done)
    return touch(session, meeting, now)
