"""Publishing (pr, admin): drafts, scheduling, publishing and the life-cycle transitions,
with full validation before anything is written and the one optimistic version check
(data_access.versioning), so a second editor never overwrites the first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    delete,
    select,
)
from sqlalchemy.orm import Session

from data_access import audit, departments
from data_access.clock import utcnow
from data_access.errors import InvalidInput, get_or_not_found
from data_access.models.news import (
    PRIORITIES,
    Announcement,
    AnnouncementAudience,
    AnnouncementFile,
    NewsCategory,
)
from data_access.news.categories import EVENT
from data_access.news.files import (
    ATTACHMENTS_MAX,
    CheckedFile,
    Upload,
    check_attachment,
    check_image,
)
from data_access.news.reading import ItemDetail, get_item
from data_access.news.rules import Action, Priority, Stage, allowed, released, stage_at
from data_access.permissions import Actor, require_active
from data_access.text import clean_block, clean_line, search_key
from data_access.versioning import flush_or_conflict, load_for_write

TITLE_MAX = 200
BODY_MAX = 20_000


@dataclass
class AnnouncementInput:
    title: str
    body: str
    category_id: int
    priority: Priority = "normal"
    pinned: bool = False
    ack_required: bool = False
    comments_enabled: bool = True
    audience: Sequence[int] = ()  # department ids; empty means everyone
    expires_at: datetime | None = None
    event_date: date | None = None
    cover: Upload | None = None  # a new cover replaces the old one
    remove_cover: bool = False
    attachments: Sequence[Upload] = ()  # added to the item's attachments
    remove_attachments: Sequence[int] = ()  # ids of attachments to drop


@dataclass(frozen=True)
class _Checked:
    title: str
    body: str
    category: NewsCategory
    priority: str
    audience: tuple[int, ...]
    event_date: date | None
    cover: CheckedFile | None
    attachments: tuple[CheckedFile, ...]



def _check(session: Session, data: AnnouncementInput, existing_attachments: int) -> _Checked:
    title = clean_line(data.title, "title", TITLE_MAX, required=True,
                       required_key="news.errors.title_required",
                       too_long_key="news.errors.title_too_long")
    body = clean_block(data.body, "body", BODY_MAX, required=True, markdown=True,
                       required_key="news.errors.body_required",
                       too_long_key="news.errors.body_too_long")
    category = session.get(NewsCategory, data.category_id) if data.category_id else None
    if category is None or not category.active:
        raise InvalidInput("news.errors.category_unknown", field="category")
    if data.priority not in PRIORITIES:
        raise InvalidInput("news.errors.priority_unknown", field="priority")
    audience = departments.checked_audience(session, data.audience,
                                            "news.errors.audience_unknown")
    event_date = data.event_date if category.code == EVENT else None
    if category.code == EVENT and event_date is None:
        raise InvalidInput("news.errors.event_date_required", field="event_date")
    cover = check_image(data.cover) if data.cover is not None else None
    attachments = tuple(check_attachment(upload) for upload in data.attachments)
    if existing_attachments + len(attachments) > ATTACHMENTS_MAX:
        raise InvalidInput("news.errors.too_many_attachments", field="attachments",
                           max=ATTACHMENTS_MAX)
    return _Checked(title, body, category, data.priority, audience, event_date, cover,
                    attachments)


def _check_times(publish_at: datetime, expires_at: datetime | None, now: datetime,
                 releasing: bool) -> None:
    if expires_at is None:
        return
    if expires_at <= publish_at:
        raise InvalidInput("news.errors.expiry_before_publish", field="expires_at")
    if releasing and expires_at <= now:
        # A newly released item must not be born expired.
        raise InvalidInput("news.errors.expiry_in_past", field="expires_at")


# --- writing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    id: int
    version: int
    stage: Stage


def _short(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _replace_audience(session: Session, item_id: int, audience: tuple[int, ...]) -> None:
    session.execute(delete(AnnouncementAudience)
                    .where(AnnouncementAudience.announcement_id == item_id))
    session.add_all(AnnouncementAudience(announcement_id=item_id, department_id=d)
                    for d in audience)


def _replace_files(session: Session, item_id: int, current_files: list, removed: set[int],
                   checked: _Checked, remove_cover: bool, now: datetime) -> dict[str, object]:
    """Drop the removed attachments and a replaced (or removed) cover, add the new files;
    return what changed, for the audit log."""
    changes: dict[str, object] = {}
    drop = set(removed)
    if checked.cover is not None or remove_cover:
        old_covers = [f for f in current_files if f.kind == "cover"]
        drop |= {f.id for f in old_covers}
        if old_covers or checked.cover is not None:
            changes["cover"] = "replaced" if checked.cover is not None else "removed"
    if drop:
        session.execute(delete(AnnouncementFile).where(AnnouncementFile.id.in_(drop)))
        if removed:
            changes["attachments_removed"] = [f.filename for f in current_files
                                              if f.id in removed]
    new_files = [("cover", checked.cover)] if checked.cover is not None else []
    new_files += [("attachment", f) for f in checked.attachments]
    session.add_all(AnnouncementFile(
        announcement_id=item_id, kind=kind, filename=f.filename, mime_type=f.mime_type,
        size=len(f.content), content=f.content, created_at=now) for kind, f in new_files)
    if checked.attachments:
        changes["attachments_added"] = [f.filename for f in checked.attachments]
    return changes


def _write(session: Session, actor: Actor, data: AnnouncementInput, item_id: int | None,
           expected_version: int | None, status: str, publish_at: datetime | None,
           now: datetime, releasing: bool, action: str) -> Saved:
    """Validate everything, then create or update the item, its audience and files."""
    require_active(session, actor, "publish_news")
    item = (load_for_write(session, Announcement, item_id, expected_version)
            if item_id is not None else None)
    current_files = [] if item is None else list(session.execute(
        select(AnnouncementFile.id, AnnouncementFile.kind, AnnouncementFile.filename)
        .where(AnnouncementFile.announcement_id == item.id)).all())
    removed = {f.id for f in current_files
               if f.kind == "attachment" and f.id in set(data.remove_attachments)}
    kept_attachments = sum(1 for f in current_files if f.kind == "attachment") - len(removed)
    checked = _check(session, data, kept_attachments)
    if publish_at is not None:
        _check_times(publish_at, data.expires_at, now, releasing)

    values = dict(
        title=checked.title, body=checked.body,
        search_text=search_key(checked.title) + "\n" + search_key(checked.body),
        category_id=checked.category.id, priority=checked.priority, pinned=bool(data.pinned),
        ack_required=bool(data.ack_required), comments_enabled=bool(data.comments_enabled),
        audience_all=not checked.audience, status=status, publish_at=publish_at,
        expires_at=data.expires_at, event_date=checked.event_date,
    )
    changes: dict[str, object] = {}
    if item is None:
        item = Announcement(**values, created_by=actor.id, created_at=now, updated_by=actor.id,
                            updated_at=now)
        session.add(item)
        flush_or_conflict(session)
        old_audience: tuple[int, ...] = ()
    else:
        old_audience = tuple(sorted(session.scalars(
            select(AnnouncementAudience.department_id)
            .where(AnnouncementAudience.announcement_id == item.id))))
        for name, value in values.items():
            old = getattr(item, name)
            if old != value:
                if name == "body":
                    changes[name] = {"old_length": len(old), "new_length": len(value)}
                elif name != "search_text":
                    changes[name] = [_short(old), _short(value)]
                setattr(item, name, value)
        item.updated_by, item.updated_at = actor.id, now
    if checked.audience != old_audience:
        _replace_audience(session, item.id, checked.audience)
        if item_id is not None:
            changes["audience"] = [list(old_audience) or "all", list(checked.audience) or "all"]
    changes |= _replace_files(session, item.id, current_files, removed, checked,
                              data.remove_cover, now)
    if item_id is not None and not changes:
        item.updated_at = now  # still a save: bump the version so other editors notice
    flush_or_conflict(session)
    stage = stage_at(item, now)
    if item_id is None:
        audit.record(session, actor, "news.create", "announcement", item.id, title=item.title,
                     stage=stage)
    elif changes:
        audit.record(session, actor, "news.edit", "announcement", item.id, stage=stage,
                     **changes)
    if action:
        audit.record(session, actor, action, "announcement", item.id,
                     publish_at=_short(item.publish_at))
    return Saved(item.id, item.version, stage)


def save_draft(session: Session, actor: Actor, data: AnnouncementInput, *,
               item_id: int | None = None, expected_version: int | None = None,
               now: datetime | None = None) -> Saved:
    """Create a draft, or save changes to one (a scheduled item goes back to draft)."""
    now = now or utcnow()
    if item_id is not None:
        current = session.get(Announcement, item_id)
        if current is not None and not allowed("save_draft", stage_at(current, now)):
            # Taking a published item back to draft is `withdraw`, not a side effect of saving.
            raise InvalidInput("news.errors.already_published", field="status")
    return _write(session, actor, data, item_id, expected_version, "draft", None, now,
                  releasing=False, action="")


def publish(session: Session, actor: Actor, data: AnnouncementInput, *,
            item_id: int | None = None, expected_version: int | None = None,
            now: datetime | None = None) -> Saved:
    """Publish now; saving an already published item keeps it published at its original time."""
    now = now or utcnow()
    current = session.get(Announcement, item_id) if item_id is not None else None
    if current is not None and released(stage_at(current, now)):
        return _write(session, actor, data, item_id, expected_version, "live",
                      current.publish_at, now, releasing=False, action="")
    return _write(session, actor, data, item_id, expected_version, "live", now, now,
                  releasing=True, action="news.publish")


def schedule(session: Session, actor: Actor, data: AnnouncementInput, publish_at: datetime | None,
             *, item_id: int | None = None, expected_version: int | None = None,
             now: datetime | None = None) -> Saved:
    """Publish at a future instant; until then only pr/admin see the item."""
    now = now or utcnow()
    require_active(session, actor, "publish_news")
    if publish_at is None:
        raise InvalidInput("news.errors.publish_at_required", field="publish_at")
    if publish_at <= now:
        raise InvalidInput("news.errors.schedule_in_past", field="publish_at")
    return _write(session, actor, data, item_id, expected_version, "live", publish_at, now,
                  releasing=True, action="news.schedule")


def _transition(session: Session, actor: Actor, item_id: int, expected_version: int,
                action: Action, now: datetime, **values: object) -> Saved:
    """Take a life-cycle `action` on an item, if rules allow it in the item's stage."""
    require_active(session, actor, "publish_news")
    item = load_for_write(session, Announcement, item_id, expected_version)
    stage = stage_at(item, now)
    if not allowed(action, stage):
        raise InvalidInput("news.errors.not_allowed_in_stage", field="status")
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_by, item.updated_at = actor.id, now
    flush_or_conflict(session)
    audited = f"news.{action}" if action != "pin" else \
        ("news.pin" if values["pinned"] else "news.unpin")
    audit.record(session, actor, audited, "announcement", item.id, stage_before=stage,
                 **{k: _short(v) for k, v in values.items()})
    return Saved(item.id, item.version, stage_at(item, now))


def withdraw(session: Session, actor: Actor, item_id: int, expected_version: int,
             now: datetime | None = None) -> Saved:
    """Back to draft: cancels a schedule, or takes a published item off the feed."""
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "withdraw", now,
                       status="draft", publish_at=None)


def expire_now(session: Session, actor: Actor, item_id: int, expected_version: int,
               now: datetime | None = None) -> Saved:
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "expire", now,
                       expires_at=now)


def archive(session: Session, actor: Actor, item_id: int, expected_version: int,
            now: datetime | None = None) -> Saved:
    """Off every list but the archive; reads and reach stay."""
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "archive", now,
                       status="archived", pinned=False)


def set_pinned(session: Session, actor: Actor, item_id: int, expected_version: int, pinned: bool,
               now: datetime | None = None) -> Saved:
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "pin", now, pinned=pinned)


def delete_draft(session: Session, actor: Actor, item_id: int, expected_version: int,
                 now: datetime | None = None) -> None:
    """Only drafts can be deleted; anything once released is archived instead."""
    now = now or utcnow()
    require_active(session, actor, "publish_news")
    item = load_for_write(session, Announcement, item_id, expected_version)
    if not allowed("delete", stage_at(item, now)):
        raise InvalidInput("news.errors.not_allowed_in_stage", field="status")
    audit.record(session, actor, "news.delete", "announcement", item.id, title=item.title)
    session.execute(delete(Announcement).where(Announcement.id == item.id))


def set_comments_enabled(session: Session, actor: Actor, item_id: int, enabled: bool,
                         now: datetime | None = None) -> None:
    """Turning comments off hides the form; existing comments stay visible."""
    now = now or utcnow()
    require_active(session, actor, "moderate_news")
    item = get_or_not_found(session, Announcement, item_id)
    if item.comments_enabled != enabled:
        item.comments_enabled = enabled
        item.updated_by, item.updated_at = actor.id, now
        flush_or_conflict(session)
        audit.record(session, actor, "news.comments.enable" if enabled else
                     "news.comments.disable", "announcement", item.id)


def load_for_edit(session: Session, actor: Actor, item_id: int, now: datetime | None = None
                  ) -> ItemDetail:
    """The whole item for the composer (pr/admin only)."""
    require_active(session, actor, "publish_news")
    return get_item(session, actor, item_id, now)
