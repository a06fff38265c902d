"""Internal news: every rule about announcements and every query that reads them.

Publishing (pr, admin): drafts, scheduling, publishing, expiry, archiving and
pinning, with full validation before anything is written and an optimistic
version check so that a second editor never overwrites the first.

Reading (everyone): the feed for the reader's audience, receipts (read,
acknowledged, banner dismissed), comments, upcoming events by Jalali month.

Reach (pr, admin; managers for their department subtree): audience, reads and
acknowledgements by department, who has not acknowledged yet, and activity
over time. Counting happens in SQL (GROUP BY); Python only combines the
aggregated rows with the department tree.

Every function takes `now` so that tests can move the clock; the app passes nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Literal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import jdatetime
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from data_access import audit, departments
from data_access.departments import ancestors, descendants, parent_map
from data_access.errors import Conflict, InvalidInput, NotFound, get_or_not_found
from data_access.models import Department, User, utcnow
from data_access.models.news import (
    PRIORITIES,
    Announcement,
    AnnouncementAudience,
    AnnouncementComment,
    AnnouncementFile,
    AnnouncementReach,
    AnnouncementReceipt,
    NewsCategory,
)
from data_access.permissions import ADMIN, PR, Actor, can, require_active
from data_access.text import FORMULA_PREFIXES, clean_long_text, normalize_text, search_key

TITLE_MAX = 200
BODY_MAX = 20_000
COMMENT_MAX = 2_000
CATEGORY_NAME_MAX = 100
SEARCH_MAX = 200
MB = 1024 * 1024
IMAGE_MAX_BYTES = 5 * MB
ATTACHMENT_MAX_BYTES = 10 * MB
ATTACHMENTS_MAX = 10
# Far beyond any real cover photo; refuses decompression bombs before decoding them.
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE_SIZE = 10
# "Unread" means unread among the last month's items: a reader who joins today
# is not greeted by thousands of old items.
UNREAD_WINDOW = timedelta(days=30)
BANNER_LIMIT = 5
EVENT = "event"
# (code, Persian name, English name); migration 0002 inserts the same rows.
BUILTIN_CATEGORIES = (
    ("news", "خبر", "News"),
    (EVENT, "رویداد و مناسبت", "Event or occasion"),
    ("hr", "منابع انسانی", "Human resources"),
    ("urgent", "فوری و بحران", "Urgent or crisis"),
)

Stage = Literal["draft", "scheduled", "published", "expired", "archived"]
STAGES: tuple[Stage, ...] = ("draft", "scheduled", "published", "expired", "archived")
Priority = Literal["normal", "important", "urgent"]


# --- life cycle ------------------------------------------------------------------------------

def stage_of(status: str, publish_at: datetime | None, expires_at: datetime | None,
             now: datetime) -> Stage:
    """Where an item is in its life cycle at `now` (scheduling and expiry follow the clock)."""
    if status == "draft":
        return "draft"
    if status == "archived":
        return "archived"
    if publish_at is None or publish_at > now:
        return "scheduled"
    if expires_at is not None and expires_at <= now:
        return "expired"
    return "published"


def _stage_filter(stage: Stage, now: datetime):
    a = Announcement
    return {
        "draft": a.status == "draft",
        "scheduled": and_(a.status == "live", a.publish_at > now),
        "published": and_(a.status == "live", a.publish_at <= now,
                          or_(a.expires_at.is_(None), a.expires_at > now)),
        "expired": and_(a.status == "live", a.publish_at <= now, a.expires_at <= now),
        "archived": a.status == "archived",
    }[stage]


def _is_moderator(actor: Actor) -> bool:
    return can(actor, "publish_news")


# --- categories ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    id: int
    code: str | None
    name: str
    name_en: str
    active: bool

    def label(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name

    @property
    def is_event(self) -> bool:
        return self.code == EVENT


def ensure_builtin_categories(session: Session) -> None:
    """Add any missing built-in category (the migration adds them; a wiped database may not)."""
    present = set(session.scalars(select(NewsCategory.code).where(NewsCategory.code.isnot(None))))
    for code, name, name_en in BUILTIN_CATEGORIES:
        if code not in present:
            session.add(NewsCategory(code=code, name=name, name_en=name_en,
                                     name_key=search_key(name), active=True))
    session.flush()


def categories(session: Session, include_inactive: bool = False) -> list[Category]:
    """Built-ins first in their fixed order, then added categories by name."""
    query = select(NewsCategory)
    if not include_inactive:
        query = query.where(NewsCategory.active.is_(True))
    order = {code: index for index, (code, _, _) in enumerate(BUILTIN_CATEGORIES)}
    rows = [Category(c.id, c.code, c.name, c.name_en, c.active) for c in session.scalars(query)]
    return sorted(rows, key=lambda c: (order.get(c.code or "", len(order)), c.name))


def _category_id(session: Session, code: str) -> int:
    found = session.scalar(select(NewsCategory.id).where(NewsCategory.code == code))
    if found is None:
        raise NotFound()
    return found


def category_id(session: Session, code: str) -> int:
    """The id of a built-in category by its code."""
    return _category_id(session, code)


def add_category(session: Session, actor: Actor, name: str, name_en: str) -> int:
    """Admins add categories beside the built-ins; names are unique after normalisation."""
    require_active(session, actor, "administer")
    name = normalize_text(name or "")
    name_en = normalize_text(name_en or "")
    if not name:
        raise InvalidInput("news.errors.category_name_required", field="name")
    if not name_en:
        raise InvalidInput("news.errors.category_name_required", field="name_en")
    for value, field_name in ((name, "name"), (name_en, "name_en")):
        if len(value) > CATEGORY_NAME_MAX:
            raise InvalidInput("news.errors.category_name_too_long", field=field_name,
                               max=CATEGORY_NAME_MAX)
        if value.startswith(FORMULA_PREFIXES):  # category names reach CSV exports
            raise InvalidInput("errors.name_formula", field=field_name)
    if session.scalar(select(NewsCategory.id).where(NewsCategory.name_key == search_key(name))):
        raise Conflict("news.errors.category_exists", field="name")
    category = NewsCategory(name=name, name_en=name_en, name_key=search_key(name), active=True)
    session.add(category)
    session.flush()
    audit.record(session, actor, "news.category.create", "news_category", category.id,
                 name=name, name_en=name_en)
    return category.id


def set_category_active(session: Session, actor: Actor, category_id: int, active: bool) -> None:
    """Hide an added category from the composer (its items keep it). Built-ins stay."""
    require_active(session, actor, "administer")
    category = get_or_not_found(session, NewsCategory, category_id)
    if category.code is not None:
        raise InvalidInput("news.errors.category_builtin", field="category")
    category.active = active
    audit.record(session, actor, "news.category.activate" if active else
                 "news.category.deactivate", "news_category", category.id)


# --- input and validation --------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    """A file as the user sent it; its name is a hint, its bytes decide its type."""

    filename: str
    content: bytes


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
class _CheckedFile:
    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True)
class _Checked:
    title: str
    body: str
    category: NewsCategory
    priority: str
    audience: tuple[int, ...]
    event_date: date | None
    cover: _CheckedFile | None
    attachments: tuple[_CheckedFile, ...]


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _clean_filename(filename: str, fallback_ext: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = _CONTROL.sub("", unicodedata.normalize("NFC", name)).strip(" .")
    if not name:
        return f"file.{fallback_ext}"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190] + dot + ext[:8]) if dot else name[:200]
    return name


def check_image(upload: Upload) -> _CheckedFile:
    """A cover must decode as PNG, JPEG or WebP: a renamed file or a broken image is refused."""
    content = upload.content or b""
    if len(content) > IMAGE_MAX_BYTES:
        raise InvalidInput("news.errors.image_too_large", field="cover",
                           max_mb=IMAGE_MAX_BYTES // MB)
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            width, height = image.size
            if image_format in IMAGE_FORMATS and width * height <= IMAGE_MAX_PIXELS:
                image.verify()  # structure and checksums
        if image_format in IMAGE_FORMATS and width * height <= IMAGE_MAX_PIXELS:
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # full decode: catches truncated pixel data
                content = _reencoded(image, image_format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError):
        raise InvalidInput("news.errors.image_invalid", field="cover") from None
    if image_format not in IMAGE_FORMATS:
        raise InvalidInput("news.errors.image_invalid", field="cover")
    if width * height > IMAGE_MAX_PIXELS:
        raise InvalidInput("news.errors.image_dimensions", field="cover")
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[image_format]
    return _CheckedFile(_clean_filename(upload.filename, ext), IMAGE_FORMATS[image_format],
                        content)


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    """The decoded pixels written again: whatever was appended to the file (HTML, a
    script, a second file) or hidden in its metadata (EXIF with GPS) is not kept.
    Orientation is applied and the colour profile kept, so it looks the same."""
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format in ("JPEG", "WEBP"):
        options["quality"] = 90
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


# The main part each Office type must declare; a macro-enabled workbook declares another.
_MAIN_PARTS = {
    "docx": ("/word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("/xl/workbook.xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
_CONTENT_TYPES_MAX = 256 * 1024
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _pdf_parses(content: bytes) -> bool:
    """A real PDF: its cross-reference table, catalogue and page tree read, with at least one
    page. A header followed by anything else (HTML, a script) is refused."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        return len(reader.pages) > 0
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file; all mean "no"
        return False


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    """DOCX or XLSX by the package's declared content types, not by file names alone."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    if info.file_size > _CONTENT_TYPES_MAX:
        return None
    try:
        root = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    declared = {(node.get("PartName") or "").lower(): node.get("ContentType")
                for node in root.iter(_CONTENT_TYPES_NS + "Override")}
    names = set(archive.namelist())
    for kind, (part, content_type) in _MAIN_PARTS.items():
        if declared.get(part) == content_type and part[1:] in names:
            return kind
    return None


def _sniff_attachment(content: bytes) -> str | None:
    """The document type from the bytes: a PDF must parse; DOCX/XLSX must be zip packages
    that declare their main part with the right content type."""
    if content.startswith(b"%PDF-"):
        return "pdf" if _pdf_parses(content) else None
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _office_kind(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def check_attachment(upload: Upload) -> _CheckedFile:
    """PDF, DOCX or XLSX up to 10 MB; the extension must agree with the content."""
    content = upload.content or b""
    shown_name = _clean_filename(upload.filename, "bin")
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise InvalidInput("news.errors.attachment_too_large", field="attachments",
                           name=shown_name, max_mb=ATTACHMENT_MAX_BYTES // MB)
    kind = _sniff_attachment(content)
    ext = shown_name.rpartition(".")[2].lower() if "." in shown_name else ""
    if kind is None or ext != kind:
        raise InvalidInput("news.errors.attachment_type", field="attachments", name=shown_name)
    return _CheckedFile(shown_name, ATTACHMENT_TYPES[kind], content)


def _check(session: Session, data: AnnouncementInput, existing_attachments: int) -> _Checked:
    title = normalize_text(data.title or "")
    if not search_key(title).strip():  # nothing visible: only zero-width marks or spaces
        raise InvalidInput("news.errors.title_required", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput("news.errors.title_too_long", field="title", max=TITLE_MAX)
    body = clean_long_text(data.body or "").strip()
    if not body:
        raise InvalidInput("news.errors.body_required", field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput("news.errors.body_too_long", field="body", max=BODY_MAX)
    category = session.get(NewsCategory, data.category_id) if data.category_id else None
    if category is None or not category.active:
        raise InvalidInput("news.errors.category_unknown", field="category")
    if data.priority not in PRIORITIES:
        raise InvalidInput("news.errors.priority_unknown", field="priority")
    audience = tuple(sorted(set(data.audience)))
    if audience:
        known = set(session.scalars(select(Department.id).where(Department.id.in_(audience),
                                                                Department.active.is_(True))))
        if known != set(audience):
            raise InvalidInput("news.errors.audience_unknown", field="audience")
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


def _load_for_write(session: Session, item_id: int, expected_version: int | None
                    ) -> Announcement:
    item = get_or_not_found(session, Announcement, item_id, populate_existing=True)
    if expected_version is None or item.version != expected_version:
        raise Conflict("news.errors.edited_by_someone_else")
    return item


def _flush(session: Session) -> None:
    """Flush; a concurrent update that slipped in after our read becomes a Conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("news.errors.edited_by_someone_else") from None


def _short(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write(session: Session, actor: Actor, data: AnnouncementInput, item_id: int | None,
           expected_version: int | None, status: str, publish_at: datetime | None,
           now: datetime, releasing: bool, action: str) -> Saved:
    """Validate everything, then create or update the item, its audience and files."""
    require_active(session, actor, "publish_news")
    item = _load_for_write(session, item_id, expected_version) if item_id is not None else None
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
        _flush(session)
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
        session.execute(delete(AnnouncementAudience)
                        .where(AnnouncementAudience.announcement_id == item.id))
        session.add_all(AnnouncementAudience(announcement_id=item.id, department_id=d)
                        for d in checked.audience)
        if item_id is not None:
            changes["audience"] = [list(old_audience) or "all", list(checked.audience) or "all"]
    drop = set(removed)
    if checked.cover is not None or data.remove_cover:
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
        announcement_id=item.id, kind=kind, filename=f.filename, mime_type=f.mime_type,
        size=len(f.content), content=f.content, created_at=now) for kind, f in new_files)
    if checked.attachments:
        changes["attachments_added"] = [f.filename for f in checked.attachments]
    if item_id is not None and not changes:
        item.updated_at = now  # still a save: bump the version so other editors notice
    _flush(session)
    stage = stage_of(item.status, item.publish_at, item.expires_at, now)
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
        if current is not None and stage_of(current.status, current.publish_at,
                                            current.expires_at, now) in ("published", "expired"):
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
    if current is not None and current.status == "live" and current.publish_at is not None \
            and current.publish_at <= now:
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
                action: str, now: datetime, allowed: Iterable[Stage], **values: object) -> Saved:
    require_active(session, actor, "publish_news")
    item = _load_for_write(session, item_id, expected_version)
    stage = stage_of(item.status, item.publish_at, item.expires_at, now)
    if stage not in allowed:
        raise InvalidInput("news.errors.not_allowed_in_stage", field="status")
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_by, item.updated_at = actor.id, now
    _flush(session)
    audit.record(session, actor, action, "announcement", item.id, stage_before=stage,
                 **{k: _short(v) for k, v in values.items()})
    return Saved(item.id, item.version, stage_of(item.status, item.publish_at, item.expires_at,
                                                 now))


def withdraw(session: Session, actor: Actor, item_id: int, expected_version: int,
             now: datetime | None = None) -> Saved:
    """Back to draft: cancels a schedule, or takes a published item off the feed."""
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "news.withdraw", now,
                       ("scheduled", "published", "expired"), status="draft", publish_at=None)


def expire_now(session: Session, actor: Actor, item_id: int, expected_version: int,
               now: datetime | None = None) -> Saved:
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "news.expire", now,
                       ("published",), expires_at=now)


def archive(session: Session, actor: Actor, item_id: int, expected_version: int,
            now: datetime | None = None) -> Saved:
    """Off every list but the archive; reads and reach stay."""
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version, "news.archive", now,
                       ("draft", "scheduled", "published", "expired"), status="archived",
                       pinned=False)


def set_pinned(session: Session, actor: Actor, item_id: int, expected_version: int, pinned: bool,
               now: datetime | None = None) -> Saved:
    now = now or utcnow()
    return _transition(session, actor, item_id, expected_version,
                       "news.pin" if pinned else "news.unpin", now,
                       ("draft", "scheduled", "published"), pinned=pinned)


def delete_draft(session: Session, actor: Actor, item_id: int, expected_version: int,
                 now: datetime | None = None) -> None:
    """Only drafts can be deleted; anything once released is archived instead."""
    now = now or utcnow()
    require_active(session, actor, "publish_news")
    item = _load_for_write(session, item_id, expected_version)
    if item.status != "draft":
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
        _flush(session)
        audit.record(session, actor, "news.comments.enable" if enabled else
                     "news.comments.disable", "announcement", item.id)


# --- the reader's view -----------------------------------------------------------------------

def _visible_ids(chain: Sequence[int]):
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


def _live(now: datetime):
    a = Announcement
    return and_(a.status == "live", a.publish_at <= now,
                or_(a.expires_at.is_(None), a.expires_at > now))


def _visible(chain: Sequence[int], now: datetime):
    return and_(Announcement.id.in_(_visible_ids(chain)), _live(now))


def _count_visible(session: Session, chain: Sequence[int], now: datetime, *conditions) -> int:
    """Count visible items starting from the reader's ids (cheaper than scanning live items)."""
    visible = _visible_ids(chain).subquery()
    return session.scalar(
        select(func.count()).select_from(visible)
        .join(Announcement, Announcement.id == visible.c.id)
        .where(_live(now), *conditions)) or 0


# A second name for receipts, for NOT EXISTS tests in queries that also join receipts.
_Prior = aliased(AnnouncementReceipt)


def _receipt_join(actor: Actor):
    r = AnnouncementReceipt
    return and_(r.announcement_id == Announcement.id, r.user_id == actor.id)


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


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    total: int
    page: int
    pages: int


def _search_terms(text: str | None) -> list[str]:
    terms = search_key((text or "")[:SEARCH_MAX]).split()
    return [t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms[:8]]


def _feed_filters(actor: Actor, category_id: int | None, search: str | None,
                  unread_only: bool) -> list:
    a = Announcement
    conditions = []
    if category_id is not None:
        conditions.append(a.category_id == category_id)
    for term in _search_terms(search):
        conditions.append(a.search_text.like(f"%{term}%", escape="\\"))
    if unread_only:
        conditions.append(~exists().where(_Prior.announcement_id == a.id,
                                          _Prior.user_id == actor.id,
                                          _Prior.read_at.isnot(None)))
    return conditions


def feed(session: Session, actor: Actor, *, category_id: int | None = None,
         search: str | None = None, unread_only: bool = False, page: int = 1,
         page_size: int = PAGE_SIZE, now: datetime | None = None) -> FeedPage:
    """Published, unexpired items for the reader's audience: pinned first, then newest."""
    require_active(session, actor, "read_news")
    now = now or utcnow()
    a, r = Announcement, AnnouncementReceipt
    chain = departments.chain(session, actor.department_id)
    filters = _feed_filters(actor, category_id, search, unread_only)
    total = _count_visible(session, chain, now, *filters)
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(a.id, a.title, func.substr(a.body, 1, 600).label("head"), a.category_id,
               a.priority, a.pinned, a.ack_required, a.publish_at, a.expires_at, a.event_date,
               r.read_at, r.acknowledged_at)
        .outerjoin(r, _receipt_join(actor))
        .where(_visible(chain, now), *filters)
        .order_by(a.pinned.desc(), a.publish_at.desc(), a.id.desc())
        .limit(page_size).offset((page - 1) * page_size)
    ).all()
    covers = _cover_ids(session, [row.id for row in rows])
    items = [FeedItem(row.id, row.title, excerpt(row.head), row.category_id, row.priority,
                      row.pinned, row.ack_required, row.publish_at, row.expires_at,
                      row.event_date, covers.get(row.id), row.read_at is not None,
                      row.acknowledged_at is not None) for row in rows]
    return FeedPage(items, total, page, pages)


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


def _addressed_to(session: Session, actor: Actor, item: Announcement) -> bool:
    """Whether the item's audience includes the actor (everyone, or their department chain)."""
    if item.audience_all:
        return True
    chain = departments.chain(session, actor.department_id)
    return bool(session.scalar(select(exists().where(
        AnnouncementAudience.announcement_id == item.id,
        AnnouncementAudience.department_id.in_(chain)))))


def _visible_item(session: Session, actor: Actor, item_id: int, now: datetime) -> Announcement:
    """The item if this reader may see it; otherwise NotFound (not even that it exists).

    pr/admin see every item; others only published items addressed to them.
    """
    require_active(session, actor, "read_news")
    item = get_or_not_found(session, Announcement, item_id)
    if not _is_moderator(actor) and (
            stage_of(item.status, item.publish_at, item.expires_at, now) != "published"
            or not _addressed_to(session, actor, item)):
        raise NotFound()
    return item


def get_item(session: Session, actor: Actor, item_id: int, now: datetime | None = None
             ) -> ItemDetail:
    now = now or utcnow()
    item = _visible_item(session, actor, item_id, now)
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
        stage_of(item.status, item.publish_at, item.expires_at, now), item.publish_at,
        item.expires_at, item.event_date, covers[-1] if covers else None,
        tuple(FileInfo(f.id, f.filename, f.mime_type, f.size) for f in files
              if f.kind == "attachment"),
        receipt.read_at if receipt else None, receipt.acknowledged_at if receipt else None,
        item.version, item.updated_at, author)


@dataclass(frozen=True)
class StoredFile:
    filename: str
    mime_type: str
    content: bytes


def file_content(session: Session, actor: Actor, file_id: int, now: datetime | None = None
                 ) -> StoredFile:
    """A cover or attachment, only for someone who may see its item."""
    now = now or utcnow()
    row = get_or_not_found(session, AnnouncementFile, file_id)
    _visible_item(session, actor, row.announcement_id, now)
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
    if (reads or acks) and _addressed_to(session, actor, item):
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
    item = _visible_item(session, actor, item_id, now)
    if stage_of(item.status, item.publish_at, item.expires_at, now) == "published":
        # pr/admin opening a draft or a scheduled item is not a read.
        _stamp(session, actor, item, now, "read_at")


def acknowledge(session: Session, actor: Actor, item_id: int, now: datetime | None = None
                ) -> None:
    """"I have read this": compliance, so it is recorded by name (and counts as a read)."""
    now = now or utcnow()
    item = _visible_item(session, actor, item_id, now)
    if not item.ack_required:
        raise InvalidInput("news.errors.ack_not_required", field="acknowledge")
    if stage_of(item.status, item.publish_at, item.expires_at, now) != "published":
        raise InvalidInput("news.errors.not_allowed_in_stage", field="acknowledge")
    _stamp(session, actor, item, now, "read_at", "acknowledged_at")


def dismiss_banner(session: Session, actor: Actor, item_id: int, now: datetime | None = None
                   ) -> None:
    """Hide an urgent banner for this reader without acknowledging the item."""
    now = now or utcnow()
    item = _visible_item(session, actor, item_id, now)
    _stamp(session, actor, item, now, "dismissed_at")


def unread_count(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """Unread items among those published for the reader in the last month."""
    require_active(session, actor, "read_news")
    now = now or utcnow()
    a, r = Announcement, AnnouncementReceipt
    return _count_visible(
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
        .where(_visible(chain, now), a.priority == "urgent",
               ~exists().where(r.announcement_id == a.id, r.user_id == actor.id,
                               or_(r.acknowledged_at.isnot(None), r.dismissed_at.isnot(None))))
        .order_by(a.publish_at.desc(), a.id.desc()).limit(BANNER_LIMIT)).all()
    return [UrgentNotice(row.id, row.title, excerpt(row.head, 160), row.ack_required,
                         row.publish_at) for row in rows]


# --- comments --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    body: str
    created_at: datetime
    hidden: bool
    mine: bool


def comments(session: Session, actor: Actor, item_id: int, now: datetime | None = None
             ) -> list[CommentView]:
    """Oldest first; hidden comments only for moderators (marked as hidden)."""
    now = now or utcnow()
    _visible_item(session, actor, item_id, now)
    c = AnnouncementComment
    query = (select(c.id, User.display_name, c.body, c.created_at, c.hidden, c.author_id)
             .join(User, User.id == c.author_id).where(c.announcement_id == item_id)
             .order_by(c.created_at, c.id))
    if not can(actor, "moderate_news"):
        query = query.where(c.hidden.is_(False))
    return [CommentView(row.id, row.display_name, row.body, row.created_at, row.hidden,
                        row.author_id == actor.id) for row in session.execute(query)]


def add_comment(session: Session, actor: Actor, item_id: int, body: str,
                now: datetime | None = None) -> int:
    now = now or utcnow()
    item = _visible_item(session, actor, item_id, now)
    if not item.comments_enabled or stage_of(item.status, item.publish_at, item.expires_at,
                                             now) != "published":
        raise InvalidInput("news.errors.comments_closed", field="comment")
    body = clean_long_text(body or "").strip()
    if not body:
        raise InvalidInput("news.errors.comment_required", field="comment")
    if len(body) > COMMENT_MAX:
        raise InvalidInput("news.errors.comment_too_long", field="comment", max=COMMENT_MAX)
    comment = AnnouncementComment(announcement_id=item_id, author_id=actor.id, body=body,
                                  created_at=now, hidden=False)
    session.add(comment)
    session.flush()
    return comment.id


def set_comment_hidden(session: Session, actor: Actor, comment_id: int, hidden: bool,
                       now: datetime | None = None) -> None:
    """Moderators hide (or show again) a comment; the audit log keeps who and when."""
    now = now or utcnow()
    require_active(session, actor, "moderate_news")
    comment = get_or_not_found(session, AnnouncementComment, comment_id)
    if comment.hidden == hidden:
        return
    comment.hidden = hidden
    comment.hidden_by, comment.hidden_at = (actor.id, now) if hidden else (None, None)
    audit.record(session, actor, "news.comment.hide" if hidden else "news.comment.show",
                 "announcement_comment", comment.id, announcement_id=comment.announcement_id,
                 author_id=comment.author_id)


# --- events ----------------------------------------------------------------------------------

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
        .outerjoin(r, _receipt_join(actor))
        .where(_visible(chain, now), a.event_date >= today,
               a.event_date < today + timedelta(days=31 * months),
               a.category_id == _category_id(session, EVENT))
        .order_by(a.event_date, a.id)).all()
    grouped: dict[tuple[int, int], list[EventItem]] = {}
    for row in rows:
        jalali = jdatetime.date.fromgregorian(date=row.event_date)
        grouped.setdefault((jalali.year, jalali.month), []).append(
            EventItem(row.id, row.title, row.event_date, row.read_at is not None))
    return [EventMonth(y, m, events) for (y, m), events in grouped.items()]


# --- managing --------------------------------------------------------------------------------

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
                ) -> tuple[list[ManagedItem], int]:
    """pr/admin's list of one life-cycle stage, newest change first."""
    require_active(session, actor, "publish_news")
    now = now or utcnow()
    a = Announcement
    conditions = [_stage_filter(stage, now)]
    for term in _search_terms(search):
        conditions.append(a.search_text.like(f"%{term}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(a).where(*conditions)) or 0
    rows = session.execute(
        select(a.id, a.title, a.category_id, a.priority, a.pinned, a.ack_required,
               a.audience_all, a.status, a.publish_at, a.expires_at, a.updated_at,
               User.display_name, a.version)
        .join(User, User.id == a.updated_by).where(*conditions)
        .order_by(a.updated_at.desc(), a.id.desc())
        .limit(page_size).offset((max(1, page) - 1) * page_size)).all()
    return [ManagedItem(row.id, row.title, row.category_id, row.priority, row.pinned,
                        row.ack_required, row.audience_all,
                        stage_of(row.status, row.publish_at, row.expires_at, now),
                        row.publish_at, row.expires_at, row.updated_at, row.display_name,
                        row.version) for row in rows], total


# --- reach -----------------------------------------------------------------------------------

def _sees_everything(actor: Actor) -> bool:
    return actor.role in (PR, ADMIN)


def _scope(session: Session, actor: Actor, parents: dict[int, int | None]) -> set[int] | None:
    """Departments whose people this viewer may see reach for; None means all."""
    require_active(session, actor, "view_reach")
    if _sees_everything(actor):
        return None
    return descendants(parents, [actor.department_id])


def _relevant_to_scope(scope: set[int] | None, parents: dict[int, int | None],
                       department_id: int):
    """Items whose audience reaches into the scope: everyone, an ancestor or a department inside."""
    if scope is None:
        return literal(True)
    reaching = set(scope) | set(ancestors(parents, department_id))
    return or_(Announcement.audience_all.is_(True), Announcement.id.in_(
        select(AnnouncementAudience.announcement_id)
        .where(AnnouncementAudience.department_id.in_(sorted(reaching)))))


@dataclass(frozen=True)
class ReachChoice:
    id: int
    title: str
    publish_at: datetime
    ack_required: bool


def reach_items(session: Session, actor: Actor, limit: int = 300, now: datetime | None = None
                ) -> list[ReachChoice]:
    """Released items (newest first) whose audience reaches into the viewer's scope."""
    now = now or utcnow()
    parents = parent_map(session)
    scope = _scope(session, actor, parents)
    a = Announcement
    rows = session.execute(
        select(a.id, a.title, a.publish_at, a.ack_required)
        # `!=`, not IN: SQLite then walks the publish_at index newest first and stops early.
        .where(a.status != "draft", a.publish_at <= now,
               _relevant_to_scope(scope, parents, actor.department_id))
        .order_by(a.publish_at.desc(), a.id.desc()).limit(limit)).all()
    return [ReachChoice(row.id, row.title, row.publish_at, row.ack_required) for row in rows]


class _Rates:
    """Read and acknowledgement rates of an audience (None for an empty one)."""

    audience: int
    reads: int
    acknowledgements: int

    @property
    def read_rate(self) -> float | None:
        return self.reads / self.audience if self.audience else None

    @property
    def ack_rate(self) -> float | None:
        return self.acknowledgements / self.audience if self.audience else None


@dataclass(frozen=True)
class DepartmentReach(_Rates):
    department_id: int
    name: str
    name_en: str | None
    audience: int
    reads: int
    acknowledgements: int

    def label(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name


@dataclass(frozen=True)
class ItemReach(_Rates):
    id: int
    title: str
    ack_required: bool
    audience: int
    reads: int
    acknowledgements: int
    departments: list[DepartmentReach]  # each department's own members
    branches: list[DepartmentReach]  # rolled up to the top branches of the viewer's scope


def _reach_item(session: Session, actor: Actor, item_id: int, now: datetime,
                parents: dict[int, int | None]) -> tuple[Announcement, set[int] | None]:
    """The item and the departments of its audience inside the viewer's scope (None: all).

    Managers see reach only for released items (as reach_items lists them); a
    draft or a scheduled item is PR's plan, not yet anyone's reading.
    """
    scope = _scope(session, actor, parents)
    item = session.get(Announcement, item_id)
    if item is None or item.status == "draft":
        raise NotFound()
    if scope is not None and (item.publish_at is None or item.publish_at > now):
        raise NotFound()
    audience: set[int] | None = None
    if not item.audience_all:
        targeted = session.scalars(select(AnnouncementAudience.department_id).where(
            AnnouncementAudience.announcement_id == item.id))
        audience = descendants(parents, targeted)
    if scope is not None:
        audience = scope if audience is None else audience & scope
        if not audience:
            raise NotFound()  # the item never reached this manager's people
    return item, audience


def _subtrees(parents: dict[int, int | None]):
    """A memoised `department -> itself and everything below it` for many lookups."""
    children: dict[int | None, list[int]] = {}
    for dept, parent in parents.items():
        children.setdefault(parent, []).append(dept)
    known: dict[int, frozenset[int]] = {}

    def subtree(dept: int) -> frozenset[int]:
        if dept not in known:
            found, stack = {dept}, list(children.get(dept, ()))
            while stack:
                child = stack.pop()
                if child not in found:
                    found.add(child)
                    stack.extend(children.get(child, ()))
            known[dept] = frozenset(found)
        return known[dept]

    return subtree


def _branch_of(parents: dict[int, int | None], top: int | None) -> dict[int, int]:
    """Each department's branch: the child of `top` above it (or `top` itself).

    With top None the branches are the children of the root(s).
    """
    result: dict[int, int] = {}
    for dept in parents:
        chain = [dept]
        while parents.get(chain[-1]) is not None and chain[-1] != top:
            chain.append(parents[chain[-1]])
        if top is not None and top not in chain:
            continue
        # chain ends at top (or a root); the branch is the element just below it
        result[dept] = chain[-2] if len(chain) >= 2 else chain[-1]
    return result


def item_reach(session: Session, actor: Actor, item_id: int, now: datetime | None = None
               ) -> ItemReach:
    """Audience, reads and acknowledgements of one item by department, within the viewer's scope.

    Only current, active members of the audience count, so a rate never exceeds 100%.
    """
    now = now or utcnow()
    parents = parent_map(session)
    item, audience_departments = _reach_item(session, actor, item_id, now, parents)
    r = AnnouncementReceipt
    members = select(User.department_id, func.count().label("n")).where(User.active.is_(True))
    reads = (select(User.department_id, func.count(r.read_at).label("reads"),
                    func.count(r.acknowledged_at).label("acks"))
             .join(User, User.id == r.user_id)
             .where(r.announcement_id == item.id, User.active.is_(True)))
    if audience_departments is not None:
        wanted = sorted(audience_departments)
        members = members.where(User.department_id.in_(wanted))
        reads = reads.where(User.department_id.in_(wanted))
    sizes = dict(session.execute(members.group_by(User.department_id)).tuples().all())
    counts = {row.department_id: (row.reads, row.acks)
              for row in session.execute(reads.group_by(User.department_id))}
    names = {row.id: (row.name, row.name_en) for row in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.id.in_(sorted(sizes))))} if sizes else {}
    rows = [DepartmentReach(dept, *names[dept], size, *counts.get(dept, (0, 0)))
            for dept, size in sizes.items() if size]
    rows.sort(key=lambda d: (-d.audience, d.name))
    top = None if _sees_everything(actor) else actor.department_id
    branch = _branch_of(parents, top)
    rolled: dict[int, list[int]] = {}
    for d in rows:
        totals = rolled.setdefault(branch.get(d.department_id, d.department_id), [0, 0, 0])
        totals[0] += d.audience
        totals[1] += d.reads
        totals[2] += d.acknowledgements
    branch_names = {row.id: (row.name, row.name_en) for row in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.id.in_(sorted(rolled))))} if rolled else {}
    branches = sorted((DepartmentReach(b, *branch_names[b], *totals)
                       for b, totals in rolled.items()), key=lambda d: (-d.audience, d.name))
    return ItemReach(item.id, item.title, item.ack_required, sum(d.audience for d in rows),
                     sum(d.reads for d in rows), sum(d.acknowledgements for d in rows), rows,
                     branches)


@dataclass(frozen=True)
class PendingPerson:
    user_id: int
    display_name: str
    username: str
    department_id: int
    department: str
    department_en: str | None
    read_at: datetime | None


def pending_acknowledgements(session: Session, actor: Actor, item_id: int, *,
                             limit: int | None = 200, offset: int = 0,
                             now: datetime | None = None) -> tuple[list[PendingPerson], int]:
    """People in the audience and the viewer's scope who have not acknowledged yet.

    Acknowledgement is compliance, not anonymous: the list names people.
    """
    now = now or utcnow()
    parents = parent_map(session)
    item, audience_departments = _reach_item(session, actor, item_id, now, parents)
    if not item.ack_required:
        return [], 0
    r = AnnouncementReceipt
    in_audience = [User.active.is_(True)]
    if audience_departments is not None:
        in_audience.append(User.department_id.in_(sorted(audience_departments)))
    # Total = audience - acknowledged: two index counts instead of a NOT EXISTS per person.
    audience = session.scalar(select(func.count()).select_from(User).where(*in_audience)) or 0
    acknowledged = session.scalar(
        select(func.count()).select_from(r).join(User, User.id == r.user_id)
        .where(r.announcement_id == item.id, r.acknowledged_at.isnot(None), *in_audience)) or 0
    # Ordered by department and id, so the index on users walks in order and stops at `limit`.
    query = (select(User.id, User.display_name, User.username, User.department_id,
                    Department.name, Department.name_en, r.read_at)
             .join(Department, Department.id == User.department_id)
             .outerjoin(r, and_(r.announcement_id == item.id, r.user_id == User.id))
             .where(*in_audience, ~exists().where(
                 _Prior.announcement_id == item.id, _Prior.user_id == User.id,
                 _Prior.acknowledged_at.isnot(None)))
             .order_by(User.department_id, User.id))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    total = audience - acknowledged
    return [PendingPerson(*row) for row in session.execute(query).tuples()], total


@dataclass(frozen=True)
class MonthCount:
    year: int  # Jalali
    month: int
    category_id: int
    items: int


@dataclass(frozen=True)
class CategoryReadRate:
    category_id: int
    items: int
    average_read_rate: float | None


@dataclass(frozen=True)
class Activity:
    months: list[MonthCount] = field(default_factory=list)
    categories: list[CategoryReadRate] = field(default_factory=list)


def _local_day(session: Session, column, tz_name: str, now: datetime):
    """The calendar day of a stored UTC instant in the display zone, computed in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(tz_name, func.timezone("UTC", column)), Date)
    # SQLite has no zone rules: shift by the zone's current offset (Iran keeps no DST now).
    offset = ZoneInfo(tz_name).utcoffset(now.replace(tzinfo=None)) or timedelta(0)
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def activity(session: Session, actor: Actor, *, months: int = 12, now: datetime | None = None,
             tz_name: str = "Asia/Tehran") -> Activity:
    """Items published per Jalali month and category, and the average read rate by category.

    A trend, so reads are counted as they happened (AnnouncementReach): by the
    reader's department at the time, against today's active audience.
    """
    now = now or utcnow()
    parents = parent_map(session)
    scope = _scope(session, actor, parents)
    a = Announcement
    since = now - timedelta(days=31 * months)
    released = and_(a.status.in_(("live", "archived")), a.publish_at <= now,
                    a.publish_at > since,
                    _relevant_to_scope(scope, parents, actor.department_id))
    day = _local_day(session, a.publish_at, tz_name, now).label("day")
    per_day = session.execute(select(day, a.category_id, func.count())
                              .where(released).group_by(day, a.category_id)).all()
    monthly: dict[tuple[int, int, int], int] = {}
    for local_day, category, count in per_day:
        jalali = jdatetime.date.fromgregorian(date=_as_date(local_day))
        key = (jalali.year, jalali.month, category)
        monthly[key] = monthly.get(key, 0) + count
    month_rows = [MonthCount(y, m, c, n) for (y, m, c), n in sorted(monthly.items())]

    # Audience size of each item inside the scope, from headcounts and the tree.
    items = session.execute(select(a.id, a.category_id, a.audience_all).where(released)).all()
    if not items:
        return Activity(month_rows, [])
    heads = dict(session.execute(select(User.department_id, func.count())
                                 .where(User.active.is_(True))
                                 .group_by(User.department_id)).tuples().all())
    targeted: dict[int, list[int]] = {}
    for item_id, dept in session.execute(
            select(AnnouncementAudience.announcement_id, AnnouncementAudience.department_id)
            .join(a, a.id == AnnouncementAudience.announcement_id).where(released)).tuples():
        targeted.setdefault(item_id, []).append(dept)
    everyone = set(parents) if scope is None else scope
    everyone_size = sum(heads.get(d, 0) for d in everyone)
    subtree = _subtrees(parents)
    audiences: dict[tuple[int, ...], tuple[set[int], int]] = {}

    def audience_of(item_id: int) -> tuple[set[int], int]:
        key = tuple(sorted(targeted.get(item_id, ())))
        if key not in audiences:
            departments_in = set().union(*(subtree(d) for d in key)) & everyone
            audiences[key] = departments_in, sum(heads.get(d, 0) for d in departments_in)
        return audiences[key]

    # Reads from the per-department counters (see AnnouncementReach): summed per item
    # for items addressed to everyone, per item and department for targeted ones
    # (kept when the department is still in the audience).
    counter = AnnouncementReach

    def counted(*columns):
        query = (select(counter.announcement_id, *columns, func.sum(counter.reads))
                 .join(a, a.id == counter.announcement_id).where(released)
                 .group_by(counter.announcement_id, *columns))
        if scope is not None:
            query = query.where(counter.department_id.in_(sorted(scope)))
        return query

    reads = {item_id: int(total) for item_id, total in session.execute(
        counted().where(a.audience_all.is_(True))).tuples()}
    for item_id, dept, count in session.execute(
            counted(counter.department_id).where(a.audience_all.is_(False))).tuples():
        if dept in audience_of(item_id)[0]:
            reads[item_id] = reads.get(item_id, 0) + int(count)
    rates: dict[int, list[float]] = {}
    for row in items:
        size = everyone_size if row.audience_all else audience_of(row.id)[1]
        if size:
            rates.setdefault(row.category_id, []).append(min(1.0, reads.get(row.id, 0) / size))
    categories_rows = [CategoryReadRate(c, len(v), sum(v) / len(v)) for c, v in rates.items()]
    categories_rows.sort(key=lambda c: c.category_id)
    return Activity(month_rows, categories_rows)


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_for_edit(session: Session, actor: Actor, item_id: int, now: datetime | None = None
                  ) -> ItemDetail:
    """The whole item for the composer (pr/admin only)."""
    require_active(session, actor, "publish_news")
    return get_item(session, actor, item_id, now)

