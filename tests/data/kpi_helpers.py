"""Builders for the KPI data tests: rows written directly, at Jalali dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import jdatetime
from sqlalchemy.orm import Session

from data_access.clock import display_zone
from data_access.models.action_items import ActionItem
from data_access.models.meetings import Decision, Meeting, MeetingType
from data_access.models.news import (
    Announcement,
    AnnouncementAudience,
    AnnouncementReach,
    AnnouncementReceipt,
    NewsCategory,
)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Jalali local date and time in the municipality's zone, as a UTC instant."""
    gregorian = jdatetime.date(year, month, day).togregorian()
    local = datetime(gregorian.year, gregorian.month, gregorian.day, hour, minute,
                     tzinfo=display_zone())
    return local.astimezone(UTC)


def jdate(year: int, month: int, day: int) -> date:
    return jdatetime.date(year, month, day).togregorian()


def category(session: Session) -> int:
    row = NewsCategory(code="kpi-test", name="آزمایشی", name_en="Test", name_key="kpi-test")
    session.add(row)
    session.flush()
    return row.id


def announcement(session: Session, author: int, category_id: int, published: datetime, *,
                 audience: tuple[int, ...] = (), ack: bool = False, urgent: bool = False,
                 reach: dict[int, tuple[int, int]] | None = None) -> int:
    """A live item; `reach` is {department: (reads, acknowledgements)} (the counters)."""
    item = Announcement(title="خبر", body="متن", search_text="خبر", category_id=category_id,
                        priority="urgent" if urgent else "normal", ack_required=ack,
                        audience_all=not audience, status="live", publish_at=published,
                        created_by=author, updated_by=author)
    session.add(item)
    session.flush()
    for dept in audience:
        session.add(AnnouncementAudience(announcement_id=item.id, department_id=dept))
    for dept, (reads, acks) in (reach or {}).items():
        session.add(AnnouncementReach(announcement_id=item.id, department_id=dept, reads=reads,
                                      acknowledgements=acks))
    session.flush()
    return item.id


def receipt(session: Session, item_id: int, user_id: int, acknowledged: datetime) -> None:
    session.add(AnnouncementReceipt(announcement_id=item_id, user_id=user_id,
                                    read_at=acknowledged, acknowledged_at=acknowledged))
    session.flush()


def action_item(session: Session, owner: int, due_on: date, status: str = "open",
                done_at: datetime | None = None, created: datetime | None = None) -> int:
    created = created or at(1404, 1, 1)
    item = ActionItem(title="اقدام", owner_id=owner, due_on=due_on, status=status,
                      source="meeting", created_by=owner, created_at=created, done_at=done_at)
    session.add(item)
    session.flush()
    return item.id


def meeting_type(session: Session) -> int:
    row = MeetingType(code="kpi-test", name_fa="آزمایشی", name_key="kpi-test")
    session.add(row)
    session.flush()
    return row.id


def meeting(session: Session, type_id: int, organiser: int, department: int, starts: datetime,
            status: str = "held", approved: datetime | None = None) -> int:
    row = Meeting(title="جلسه", title_key="جلسه", type_id=type_id, starts_at=starts,
                  duration_minutes=60, organiser_id=organiser, department_id=department,
                  status=status, approved_at=approved, created_by=organiser)
    session.add(row)
    session.flush()
    return row.id


_sequence = iter(range(1, 10_000))


def decision(session: Session, meeting_id: int, author: int, status: str = "in_force",
             responsible: int | None = None) -> int:
    row = Decision(meeting_id=meeting_id, year=1404, sequence=next(_sequence), text="مصوبه",
                   text_key="مصوبه", responsible_department_id=responsible, status=status,
                   created_by=author)
    session.add(row)
    session.flush()
    return row.id
