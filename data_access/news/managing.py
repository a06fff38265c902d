"""pr/admin's lists of items by life-cycle stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    and_,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session

from data_access import departments
from data_access.clock import utcnow
from data_access.models import User
from data_access.models.news import Announcement, AnnouncementAudience
from data_access.news.rules import STAGES, Stage, stage_at
from data_access.news.visibility import live, matching
from data_access.paging import Page, clamp, offset, paginate
from data_access.permissions import Actor, require_active


def _stage_filter(stage: Stage, now: datetime):
    a = Announcement
    return {
        "draft": a.status == "draft",
        "scheduled": and_(a.status == "live", a.publish_at > now),
        "published": live(now),
        "expired": and_(a.status == "live", a.publish_at <= now, a.expires_at <= now),
        "archived": a.status == "archived",
    }[stage]



@dataclass(frozen=True)
class ManagedItem:
    id: int
    title: str
    category_id: int
    priority: str
    pinned: bool
    ack_required: bool
    audience_all: bool
    stage: Stage
    publish_at: datetime | None
    expires_at: datetime | None
    updated_at: datetime
    updated_by: str
    version: int
    audience: tuple[int, ...] = ()  # the chosen departments (empty: everyone)


def stage_counts(session: Session, actor: Actor, now: datetime | None = None
                 ) -> dict[Stage, int]:
    require_active(session, actor, "publish_news")
    now = now or utcnow()
    a = Announcement
    stage = case(
        (a.status == "draft", "draft"), (a.status == "archived", "archived"),
        (a.publish_at > now, "scheduled"),
        (and_(a.expires_at.isnot(None), a.expires_at <= now), "expired"),
        else_="published")
    counts = dict(session.execute(select(stage, func.count()).group_by(stage)).tuples().all())
    return {s: counts.get(s, 0) for s in STAGES}


def manage_list(session: Session, actor: Actor, stage: Stage, *, search: str | None = None,
                page: int = 1, page_size: int = 20, now: datetime | None = None
                ) -> Page[ManagedItem]:
    """pr/admin's list of one life-cycle stage, newest change first."""
    require_active(session, actor, "publish_news")
    now = now or utcnow()
    a = Announcement
    conditions = [_stage_filter(stage, now), *matching(search)]
    total = session.scalar(select(func.count()).select_from(a).where(*conditions)) or 0
    page = clamp(page, total, page_size)
    rows = session.execute(
        select(a.id, a.title, a.category_id, a.priority, a.pinned, a.ack_required,
               a.audience_all, a.status, a.publish_at, a.expires_at, a.updated_at,
               User.display_name, a.version)
        .join(User, User.id == a.updated_by).where(*conditions)
        .order_by(a.updated_at.desc(), a.id.desc())
        .limit(page_size).offset(offset(page, page_size))).all()
    chosen: dict[int, list[int]] = {}
    for item_id, department_id in session.execute(
            select(AnnouncementAudience.announcement_id, AnnouncementAudience.department_id)
            .where(AnnouncementAudience.announcement_id.in_([row.id for row in rows]))
            .order_by(AnnouncementAudience.department_id)).tuples():
        chosen.setdefault(item_id, []).append(department_id)
    items = [ManagedItem(row.id, row.title, row.category_id, row.priority, row.pinned,
                         row.ack_required, row.audience_all, stage_at(row, now),
                         row.publish_at, row.expires_at, row.updated_at, row.display_name,
                         row.version, tuple(chosen.get(row.id, ()))) for row in rows]
    return paginate(items, total, page, page_size)


def audience_headcount(session: Session, actor: Actor, audience: tuple[int, ...] | list[int]
                       ) -> int:
    """How many active people an item addressed to `audience` reaches: everyone for an
    empty audience, else the members of the chosen departments and everything below
    them (what a schedule confirmation states)."""
    require_active(session, actor, "publish_news")
    condition = User.active.is_(True)
    if audience:
        parents = departments.parent_map(session)
        reached = departments.descendants(parents, audience)
        condition = condition & User.department_id.in_(sorted(reached))
    return session.scalar(select(func.count()).select_from(User).where(condition)) or 0
