"""The decision register: every decision of the meetings the reader may see, searchable
(Persian letter forms and digits normalised, or by register number) and filtered by
status, responsible department and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from data_access import clock
from data_access.meetings import rules
from data_access.meetings.visibility import visible
from data_access.models.meetings import Decision, Meeting
from data_access.paging import Page, clamp, offset, paginate
from data_access.permissions import Actor, require_active
from data_access.text import search_key

PAGE_SIZE = 25
SEARCH_MAX = 200


@dataclass(frozen=True)
class RegisterRow:
    id: int
    number: str
    text: str
    status: str
    responsible_department_id: int | None
    meeting_id: int
    meeting_title: str
    meeting_starts_at: datetime


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.display_zone())


def _conditions(session: Session, actor: Actor, search: str | None, status: str | None,
                department_id: int | None, date_from: date | None,
                date_to: date | None) -> list:
    conditions = [visible(session, actor)]
    if status:
        conditions.append(Decision.status == status)
    if department_id is not None:
        conditions.append(Decision.responsible_department_id == department_id)
    if date_from is not None:
        conditions.append(Meeting.starts_at >= _local_midnight(date_from))
    if date_to is not None:
        conditions.append(Meeting.starts_at < _local_midnight(date_to + timedelta(days=1)))
    text = (search or "")[:SEARCH_MAX]
    number = rules.parse_register_number(text) if text.strip() else None
    if number is not None:
        conditions.append((Decision.year == number[0]) & (Decision.sequence == number[1]))
        return conditions
    for term in search_key(text).split()[:8]:
        like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(Decision.text_key.like(like, escape="\\"),
                              Meeting.title_key.like(like, escape="\\")))
    return conditions


def search_register(session: Session, actor: Actor, search: str | None = None,
                    status: str | None = None, department_id: int | None = None,
                    date_from: date | None = None, date_to: date | None = None,
                    page: int = 1, size: int = PAGE_SIZE) -> Page[RegisterRow]:
    """One page of the register, newest number first."""
    require_active(session, actor)
    conditions = _conditions(session, actor, search, status, department_id, date_from, date_to)
    base = select(Decision).join(Meeting, Meeting.id == Decision.meeting_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = clamp(page, total, size)
    rows = session.execute(
        select(Decision.id, Decision.year, Decision.sequence, Decision.text, Decision.status,
               Decision.responsible_department_id, Meeting.id, Meeting.title,
               Meeting.starts_at)
        .join(Meeting, Meeting.id == Decision.meeting_id).where(*conditions)
        .order_by(Decision.year.desc(), Decision.sequence.desc())
        .offset(offset(page, size)).limit(size)).tuples().all()
    return paginate([RegisterRow(r[0], rules.register_number(r[1], r[2]), *r[3:])
                     for r in rows], total, page, size)
