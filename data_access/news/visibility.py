"""Which items a reader may see: the audience through the department chain, the live
window, and the search terms shared by the feed and the manage list. Used by the other
news modules; not part of the package's public API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from data_access import departments
from data_access.errors import NotFound, get_or_not_found
from data_access.models.news import Announcement, AnnouncementAudience, AnnouncementReceipt
from data_access.news.rules import allowed, stage_at
from data_access.permissions import Actor, can, require_active
from data_access.text import search_key

SEARCH_MAX = 200

# A second name for receipts, for NOT EXISTS tests in queries that also join receipts.
PriorReceipt = aliased(AnnouncementReceipt)


def visible_ids(chain: Sequence[int]):
    """Ids of items addressed to everyone or to any department on the reader's chain.

    A union of two index lookups, so the cost follows what the reader may see,
    not how many items exist.
    """
    return union(
        select(Announcement.id).where(Announcement.audience_all.is_(True),
                                      Announcement.status == "live"),
        select(AnnouncementAudience.announcement_id)
        .where(AnnouncementAudience.department_id.in_(list(chain))),
    )


def live(now: datetime):
    a = Announcement
    return and_(a.status == "live", a.publish_at <= now,
                or_(a.expires_at.is_(None), a.expires_at > now))


def visible(chain: Sequence[int], now: datetime):
    return and_(Announcement.id.in_(visible_ids(chain)), live(now))


def count_visible(session: Session, chain: Sequence[int], now: datetime, *conditions) -> int:
    """Count visible items starting from the reader's ids (cheaper than scanning live items)."""
    ids = visible_ids(chain).subquery()
    return session.scalar(
        select(func.count()).select_from(ids)
        .join(Announcement, Announcement.id == ids.c.id)
        .where(live(now), *conditions)) or 0


def receipt_join(actor: Actor):
    r = AnnouncementReceipt
    return and_(r.announcement_id == Announcement.id, r.user_id == actor.id)


def matching(search: str | None) -> list:
    """Conditions: the item's title or body contains every term (at most 8) of `search`."""
    terms = search_key((search or "")[:SEARCH_MAX]).split()[:8]
    return [Announcement.search_text.like(
        "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
        escape="\\") for term in terms]


def addressed_to(session: Session, actor: Actor, item: Announcement) -> bool:
    """Whether the item's audience includes the actor (everyone, or their department chain)."""
    if item.audience_all:
        return True
    chain = departments.chain(session, actor.department_id)
    return bool(session.scalar(select(exists().where(
        AnnouncementAudience.announcement_id == item.id,
        AnnouncementAudience.department_id.in_(chain)))))


def visible_item(session: Session, actor: Actor, item_id: int, now: datetime) -> Announcement:
    """The item if this reader may see it; otherwise NotFound (not even that it exists).

    pr/admin see every item; others only items on the feed addressed to them.
    """
    require_active(session, actor, "read_news")
    item = get_or_not_found(session, Announcement, item_id)
    if not can(actor, "publish_news") and (
            not allowed("read", stage_at(item, now))
            or not addressed_to(session, actor, item)):
        raise NotFound()
    return item
