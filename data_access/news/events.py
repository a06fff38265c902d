"""Upcoming event items, grouped by Jalali month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import jdatetime
from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from data_access import departments
from data_access.clock import utcnow
from data_access.models.news import (
    Announcement,
    AnnouncementReceipt,
)
from data_access.news.categories import EVENT, category_id
from data_access.news.visibility import receipt_join, visible
from data_access.permissions import Actor, require_active


@dataclass(frozen=True)
class EventItem:
    id: int
    title: str
    event_date: date
    read: bool


@dataclass(frozen=True)
class EventMonth:
    year: int  # Jalali
    month: int
    events: list[EventItem]


def upcoming_events(session: Session, actor: Actor, today: date, months: int = 12,
                    now: datetime | None = None) -> list[EventMonth]:
    """Visible event items from `today` on, grouped by Jalali month."""
    require_active(session, actor, "read_news")
    now = now or utcnow()
    a, r = Announcement, AnnouncementReceipt
    chain = departments.chain(session, actor.department_id)
    rows = session.execute(
        select(a.id, a.title, a.event_date, r.read_at)
        .outerjoin(r, receipt_join(actor))
        .where(visible(chain, now), a.event_date >= today,
               a.event_date < today + timedelta(days=31 * months),
               a.category_id == category_id(session, EVENT))
        .order_by(a.event_date, a.id)).all()
    grouped: dict[tuple[int, int], list[EventItem]] = {}
    for row in rows:
        jalali = jdatetime.date.fromgregorian(date=row.event_date)
        grouped.setdefault((jalali.year, jalali.month), []).append(
            EventItem(row.id, row.title, row.event_date, row.read_at is not None))
    return [EventMonth(y, m, events) for (y, m), events in grouped.items()]
