"""The reader's view: the feed, one item, its files, receipts (read, acknowledged, banner
dismissed), the unread count and the urgent banner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data_access import departments
from data_access.clock import utcnow
from data_access.errors import InvalidInput, get_or_not_found
from data_access.models import User
from data_access.models.news import (
    Announcement,
    AnnouncementAudience,
    AnnouncementFile,
    AnnouncementReach,
    AnnouncementReceipt,
)
from data_access.news.rules import Stage, allowed, stage_at
from data_access.news.visibility import (
    PriorReceipt,
    addressed_to,
    count_visible,
    matching,
    receipt_join,
    visible,
    visible_item,
)
from data_access.paging import Page, clamp, offset, paginate
from data_access.permissions import Actor, require_active

PAGE_SIZE = 10
# "Unread" means unread among the last month's items: a reader who joins today
# is not greeted by thousands of old items.
UNREAD_WINDOW = timedelta(days=30)
BANNER_LIMIT = 5


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_MD_MARKS = re.compile(r"[#*_>`~|]+")
_SPACES = re.compile(r"\s+")


def excerpt(markdown: str, limit: int = 220) -> str:
    """Plain text from the start of a Markdown body, for cards and banners."""
    text = _MD_LIST.sub("", _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", markdown)))
    text = _SPACES.sub(" ", _MD_MARKS.sub(" ", text)).strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class FeedItem:
    id: int
    title: str
    excerpt: str
    category_id: int
    priority: str
    pinned: bool
    ack_required: bool
    publish_at: datetime
    expires_at: datetime | None
    event_date: date | None
    cover_id: int | None
    read: bool
    acknowledged: bool



def _feed_filters(actor: Actor, category_id: int | None, search: str | None,
                  unread_only: bool) -> list:
    a = Announcement
    conditions = []
    if category_id is not None:
        conditions.append(a.category_id == category_id)
    conditions += matching(search)
    if unread_only:
        conditions.append(~exists().where(PriorReceipt.announcement_id == a.id,
                                          PriorReceipt.user_id == actor.id,
                                          PriorReceipt.read_at.isnot(None)))
    return conditions


def feed(session: Session, actor: Actor, *, category_id: int | None = None,
         search: str | None = None, unread_only: bool = False, page: int = 1,
         page_size: int = PAGE_SIZE, now: datetime | None = None) -> Page[FeedItem]:
    """Published, unexpired items for the reader's audience: pinned first, then newest."""
    require_active(session, actor, "read_news")
    now = now or utcnow()
    a, r = Announcement, AnnouncementReceipt
    chain = departments.chain(session, actor.department_id)
    filters = _feed_filters(actor, category_id, search, unread_only)
    total = count_visible(session, chain, now, *filters)
    page = clamp(page, total, page_size)
    rows = session.execute(
        select(a.id, a.title, func.substr(a.body, 1, 600).label("head"), a.category_id,
               a.priority, a.pinned, a.ack_required, a.publish_at, a.expires_at, a.event_date,
               r.read_at, r.acknowledged_at)
        .outerjoin(r, receipt_join(actor))
        .where(visible(chain, now), *filters)
        .order_by(a.pinned.desc(), a.publish_at.desc(), a.id.desc())
        .limit(page_size).offset(offset(page, page_size))
    ).all()
    covers = _cover_ids(session, [row.id for row in rows])
    items = [FeedItem(row.id, row.title, excerpt(row.head), row.category_id, row.priority,
                      row.pinned, row.ack_required, row.publish_at, row.expires_at,
                      row.event_date, covers.get(row.id), row.read_at is not None,
                      row.acknowledged_at is not None) for row in rows]
    return paginate(items, total, page, page_size)


def _cover_ids(session: Session, item_ids: list[int]) -> dict[int, int]:
    if not item_ids:
        return {}
    return dict(session.execute(
        select(AnnouncementFile.announcement_id, func.max(AnnouncementFile.id))
        .where(AnnouncementFile.announcement_id.in_(item_ids), AnnouncementFile.kind == "cover")
        .group_by(AnnouncementFile.announcement_id)).tuples().all())


@dataclass(frozen=True)
class FileInfo:
    id: int
    filename: str
    mime_type: str
    size: int


@dataclass(frozen=True)
class StoredFile:
    """A cover or attachment as stored, for a download."""

    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True)
class ItemDetail:
    id: int
    title: str
    body: str
    category_id: int
    priority: str
    pinned: bool
    ack_required: bool
    comments_enabled: bool
    audience: tuple[int, ...]  # empty: everyone
    stage: Stage
    publish_at: datetime | None
    expires_at: datetime | None
    event_date: date | None
    cover: FileInfo | None
    attachments: tuple[FileInfo, ...]
    read_at: datetime | None
    acknowledged_at: datetime | None
    version: int
    updated_at: datetime
    author: str


def get_item(session: Session, actor: Actor, item_id: int, now: datetime | None = None
             ) -> ItemDetail:
    """One item as this reader may see it: body, files, audience and their own receipt."""
    now = now or utcnow()
    item = visible_item(session, actor, item_id, now)
    files = session.execute(
        select(AnnouncementFile.id, AnnouncementFile.kind, AnnouncementFile.filename,
               AnnouncementFile.mime_type, AnnouncementFile.size)
        .where(AnnouncementFile.announcement_id == item.id).order_by(AnnouncementFile.id)).all()
    covers = [FileInfo(f.id, f.filename, f.mime_type, f.size) for f in files if f.kind == "cover"]
    r = AnnouncementReceipt
    receipt = session.execute(select(r.read_at, r.acknowledged_at).where(
        r.announcement_id == item.id, r.user_id == actor.id)).first()
    audience = tuple(session.scalars(select(AnnouncementAudience.department_id).where(
        AnnouncementAudience.announcement_id == item.id).order_by(
        AnnouncementAudience.department_id)))
    author = session.scalar(select(User.display_name).where(User.id == item.created_by)) or ""
    return ItemDetail(
        item.id, item.title, item.body, item.category_id, item.priority, item.pinned,
        item.ack_required, item.comments_enabled, audience,
        stage_at(item, now), item.publish_at,
        item.expires_at, item.event_date, covers[-1] if covers else None,
        tuple(FileInfo(f.id, f.filename, f.mime_type, f.size) for f in files
              if f.kind == "attachment"),
        receipt.read_at if receipt else None, receipt.acknowledged_at if receipt else None,
        item.version, item.updated_at, author)


def file_content(session: Session, actor: Actor, file_id: int, now: datetime | None = None
                 ) -> StoredFile:
    """A cover or attachment, only for someone who may see its item."""
    now = now or utcnow()
    row = get_or_not_found(session, AnnouncementFile, file_id)
    visible_item(session, actor, row.announcement_id, now)
    return StoredFile(row.filename, row.mime_type, row.content)


def _insert(session: Session):
    """The dialect's INSERT, which knows ON CONFLICT (both SQLite and PostgreSQL do)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _stamp(session: Session, actor: Actor, item: Announcement, now: datetime,
           *names: str) -> set[str]:
    """Set the named receipt instants that are not set yet; return those newly set.

    Each step is one atomic statement, so two tabs (or replicas) stamping at
    once count the reader once.
    """
    r = AnnouncementReceipt
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
    created = session.execute(
        _insert(session)(r).values(announcement_id=item.id, user_id=actor.id,
                                   **dict.fromkeys(names, now))
        .on_conflict_do_nothing(index_elements=[r.announcement_id, r.user_id])
        .returning(r.user_id)).first() is not None
    if created:
        newly = set(names)
    else:
        newly = {name for name in names if session.execute(
            update(r).where(r.announcement_id == item.id, r.user_id == actor.id,
                            getattr(r, name).is_(None)).values({name: now})
            .execution_options(synchronize_session=False)).rowcount}
    reads, acks = int("read_at" in newly), int("acknowledged_at" in newly)
    if (reads or acks) and addressed_to(session, actor, item):
        counter = AnnouncementReach
        statement = _insert(session)(counter).values(
            announcement_id=item.id, department_id=actor.department_id, reads=reads,
            acknowledgements=acks)
        session.execute(statement.on_conflict_do_update(
            index_elements=[counter.announcement_id, counter.department_id],
            set_={"reads": counter.reads + statement.excluded.reads,
                  "acknowledgements": counter.acknowledgements
                  + statement.excluded.acknowledgements}))
    return newly


def mark_read(session: Session, actor: Actor, item_id: int, now: datetime | None = None) -> None:
    now = now or utcnow()
    item = visible_item(session, actor, item_id, now)
    if allowed("read", stage_at(item, now)):
        # pr/admin opening a draft or a scheduled item is not a read.
        _stamp(session, actor, item, now, "read_at")


def acknowledge(session: Session, actor: Actor, item_id: int, now: datetime | None = None
                ) -> None:
    """"I have read this": compliance, so it is recorded by name (and counts as a read)."""
    now = now or utcnow()
    item = visible_item(session, actor, item_id, now)
    if not item.ack_required:
        raise InvalidInput("news.errors.ack_not_required", field="acknowledge")
    if not allowed("acknowledge", stage_at(item, now)):
        raise InvalidInput("news.errors.not_allowed_in_stage", field="acknowledge")
    _stamp(session, actor, item, now, "read_at", "acknowledged_at")


def dismiss_banner(session: Session, actor: Actor, item_id: int, now: datetime | None = None
                   ) -> None:
    """Hide an urgent banner for this reader without acknowledging the item."""
    now = now or utcnow()
    item = visible_item(session, actor, item_id, now)
    _stamp(session, actor, item, now, "dismissed_at")


def unread_count(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """Unread items among those published for the reader in the last month."""
    require_active(session, actor, "read_news")
    now = now or utcnow()
    a, r = Announcement, AnnouncementReceipt
    return count_visible(
        session, departments.chain(session, actor.department_id), now,
        a.publish_at > now - UNREAD_WINDOW,
        ~exists().where(r.announcement_id == a.id, r.user_id == actor.id, r.read_at.isnot(None)))


@dataclass(frozen=True)
class UrgentNotice:
    id: int
    title: str
    excerpt: str
    ack_required: bool
    publish_at: datetime


def urgent_version(session: Session) -> tuple:
    """Changes when an urgent item is published, archived or added, in any process or
    replica: the banner's cache is keyed by it, so a water-outage notice published on
    one replica shows on every other within seconds (the web layer reads this version
    at most once per few seconds per process), not when a cache expires.
    (Scheduled items that come due are picked up by the cache's minute.)"""
    a = Announcement
    return tuple(session.execute(
        select(func.max(a.id), func.count(a.id))
        .where(a.priority == "urgent", a.status == "live")).one())


def urgent_notices(session: Session, actor: Actor, now: datetime | None = None
                   ) -> list[UrgentNotice]:
    """Urgent items the reader has neither acknowledged nor dismissed: the banner."""
    require_active(session, actor, "read_news")
    now = now or utcnow()
    a, r = Announcement, AnnouncementReceipt
    chain = departments.chain(session, actor.department_id)
    rows = session.execute(
        select(a.id, a.title, func.substr(a.body, 1, 600).label("head"), a.ack_required,
               a.publish_at)
        .where(visible(chain, now), a.priority == "urgent",
               ~exists().where(r.announcement_id == a.id, r.user_id == actor.id,
                               or_(r.acknowledged_at.isnot(None), r.dismissed_at.isnot(None))))
        .order_by(a.publish_at.desc(), a.id.desc()).limit(BANNER_LIMIT)).all()
    return [UrgentNotice(row.id, row.title, excerpt(row.head, 160), row.ack_required,
                         row.publish_at) for row in rows]
