"""News categories: the built-ins (the migration adds them) and those admins add."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import audit
from data_access.errors import Conflict, InvalidInput, NotFound, get_or_not_found
from data_access.models.news import NewsCategory
from data_access.permissions import Actor, require_active
from data_access.text import clean_line, search_key

CATEGORY_NAME_MAX = 100
EVENT = "event"
# (code, Persian name, English name); migration 0002 inserts the same rows.
BUILTIN_CATEGORIES = (
    ("news", "خبر", "News"),
    (EVENT, "رویداد و مناسبت", "Event or occasion"),
    ("hr", "منابع انسانی", "Human resources"),
    ("urgent", "فوری و بحران", "Urgent or crisis"),
)


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


def category_id(session: Session, code: str) -> int:
    """The id of a built-in category by its code."""
    found = session.scalar(select(NewsCategory.id).where(NewsCategory.code == code))
    if found is None:
        raise NotFound()
    return found


def add_category(session: Session, actor: Actor, name: str, name_en: str) -> int:
    """Admins add categories beside the built-ins; names are unique after normalisation."""
    require_active(session, actor, "administer")
    # Category names reach CSV exports: exportable, so no formula gets through.
    name, name_en = (clean_line(value, field_name, CATEGORY_NAME_MAX, required=True,
                                exportable=True,
                                required_key="news.errors.category_name_required",
                                too_long_key="news.errors.category_name_too_long")
                     for value, field_name in ((name, "name"), (name_en, "name_en")))
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
