"""Decisions of a held meeting, numbered in the register per Jalali year without gaps
or duplicates, and their status afterwards (in force, implemented, superseded)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import InvalidInput, NotFound
from data_access.meetings import rules
from data_access.meetings.agenda import _agenda_item, touch
from data_access.meetings.visibility import meeting_for_edit, visible
from data_access.models import Department
from data_access.models.meetings import DECISION_STATUSES, Decision, DecisionCounter, Meeting
from data_access.permissions import Actor
from data_access.text import clean_block, search_key
from data_access.versioning import flush_or_conflict, load_for_write

DECISION_MAX = 4000


def next_sequence(session: Session, year: int) -> int:
    """The next number of `year`, taken inside the caller's transaction.

    The counter row is created if missing (ON CONFLICT DO NOTHING: two first decisions
    of a year do not collide) and bumped with UPDATE ... RETURNING, which takes its row
    lock on PostgreSQL and the write lock on SQLite: a concurrent writer waits for this
    transaction, and a rollback gives the number back, so there are no gaps.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(DecisionCounter).values(year=year, next=1)
                    .on_conflict_do_nothing(index_elements=["year"]))
    taken = session.execute(
        update(DecisionCounter).where(DecisionCounter.year == year)
        .values(next=DecisionCounter.next + 1).returning(DecisionCounter.next)).scalar_one()
    return taken - 1


def _check(session: Session, text: str | None, department_id: int | None) -> str:
    text = clean_block(text, "text", DECISION_MAX, required=True,
                       required_key="meetings.errors.decision_required")
    if department_id is not None and not session.scalar(
            select(Department.active).where(Department.id == department_id)):
        raise InvalidInput("meetings.errors.department_invalid", field="department")
    return text


def add_decision(session: Session, actor: Actor, meeting_id: int, expected_version: int | None,
                 text: str | None, responsible_department_id: int | None = None,
                 agenda_item_id: int | None = None,
                 now: datetime | None = None) -> tuple[int, str]:
    """A decision of a held meeting, numbered in the Jalali year of the meeting.
    Returns (decision id, register number such as "1405-037")."""
    meeting = meeting_for_edit(session, actor, meeting_id, expected_version, "add_decision")
    text = _check(session, text, responsible_department_id)
    if agenda_item_id is not None:
        _agenda_item(session, meeting_id, agenda_item_id)
    touch(session, meeting, now)  # the meeting row first, then the counter: one lock order
    year = rules.jalali_year(meeting.starts_at)
    sequence = next_sequence(session, year)
    decision = Decision(meeting_id=meeting_id, agenda_item_id=agenda_item_id, year=year,
                        sequence=sequence, text=text, text_key=search_key(text),
                        responsible_department_id=responsible_department_id,
                        status="in_force", created_by=actor.id)
    session.add(decision)
    session.flush()
    number = rules.register_number(year, sequence)
    audit.record(session, actor, "meeting.decision", "decision", decision.id, number=number,
                 meeting_id=meeting_id)
    return decision.id, number


def set_decision_status(session: Session, actor: Actor, decision_id: int,
                        expected_version: int | None, status: str,
                        superseded_by_id: int | None = None,
                        superseded_by_number: str | None = None) -> int:
    """The organiser (or an admin) marks an approved meeting's decision implemented,
    or superseded by another decision of the register (by id, or by its register
    number as typed, Persian digits too); returns its new version."""
    if superseded_by_id is None and superseded_by_number:
        parsed = rules.parse_register_number(superseded_by_number)
        if parsed is not None:
            superseded_by_id = session.scalar(select(Decision.id).where(
                Decision.year == parsed[0], Decision.sequence == parsed[1]))
    if status not in DECISION_STATUSES:
        raise InvalidInput("meetings.errors.decision_status_invalid", field="status")
    meeting_id = session.scalar(select(Decision.meeting_id).where(Decision.id == decision_id))
    if meeting_id is None:
        raise NotFound()
    meeting = session.get(Meeting, meeting_id)
    meeting_for_edit(session, actor, meeting_id, meeting.version, "decision_status")
    decision = load_for_write(session, Decision, decision_id, expected_version)
    if status == "superseded":
        if superseded_by_id is None or superseded_by_id == decision_id:
            raise InvalidInput("meetings.errors.superseded_by_required", field="superseded_by")
        newer = session.scalar(select(Decision.id).join(Meeting).where(
            Decision.id == superseded_by_id, visible(session, actor)))
        if newer is None:
            raise InvalidInput("meetings.errors.superseded_by_required", field="superseded_by")
    else:
        superseded_by_id = None
    audit.record(session, actor, "meeting.decision_status", "decision", decision_id,
                 old=decision.status, new=status)
    decision.status, decision.superseded_by_id = status, superseded_by_id
    flush_or_conflict(session)
    return decision.version
