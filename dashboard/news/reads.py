"""The news feature's cached reads, through the one viewer cache (dashboard/cache.py).

Keys carry everything that changes a result: the database, the reader (id, role,
department) and, for what the reader's own actions change, the per-session
generation of the "news" group. A reader's own read, acknowledgement or comment
calls `invalidate_mine()`; a publishing or moderation write calls
`invalidate_all()`, which drops every cached news read in this process (other
replicas catch up within the TTL).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard.cache import (
    ViewerKey,
    actor_of,
    cached,
    database_key,
    for_seconds,
    for_this_run,
    generation,
    invalidate,
    viewer_key,
)
from dashboard.ui import locale, read
from data_access import news
from data_access.paging import Page
from data_access.permissions import Actor

GROUP = "news"


def invalidate_mine() -> None:
    """After this reader's own read, acknowledgement, dismissal or comment."""
    invalidate(GROUP, everyone=False)


def invalidate_all() -> None:
    """After a publishing or moderation write: everyone's news may have changed."""
    invalidate(GROUP)


@dataclass(frozen=True)
class Attention:
    unread: int
    urgent: list[news.UrgentNotice]


def _read_attention(session, actor: Actor) -> Attention:
    return Attention(news.unread_count(session, actor), news.urgent_notices(session, actor))


@cached(GROUP, ttl=60, per_run=True)  # the sidebar, the banner and home each ask
def _attention(key: ViewerKey, generation: int, urgent: tuple) -> Attention:
    return read(_read_attention, actor_of(key))


# Seconds an urgent-items version is reused in one process: a notice published on
# another replica shows within this bound on every page run.
URGENT_VERSION_SECONDS = 2


@for_this_run  # the same version for the whole run
@for_seconds(GROUP, URGENT_VERSION_SECONDS)  # one small query per process per bound
def _urgent_version(database: str) -> tuple:
    return read(news.urgent_version)


def attention(actor: Actor) -> Attention:
    """Unread count and urgent notices: the one cached call the hooks make on every run,
    fresh within URGENT_VERSION_SECONDS of any process publishing or archiving an
    urgent item (at once after a write in this process)."""
    key = viewer_key(actor)
    return _attention(key, generation(GROUP), _urgent_version(key[0]))


@cached(GROUP, ttl=60)
def _feed(key: ViewerKey, generation: int, category_id: int | None, search: str,
          unread_only: bool, page: int, page_size: int) -> Page[news.FeedItem]:
    return read(news.feed, actor_of(key), category_id=category_id, search=search,
                unread_only=unread_only, page=page, page_size=page_size)


def feed(actor: Actor, category_id: int | None = None, search: str = "",
         unread_only: bool = False, page: int = 1, page_size: int = news.PAGE_SIZE
         ) -> Page[news.FeedItem]:
    return _feed(viewer_key(actor), generation(GROUP), category_id, search, unread_only, page,
                 page_size)


@cached(GROUP, ttl=300)
def _events(key: ViewerKey, generation: int, today: date) -> list[news.EventMonth]:
    return read(news.upcoming_events, actor_of(key), today)


def events(actor: Actor, today: date) -> list[news.EventMonth]:
    return _events(viewer_key(actor), generation(GROUP), today)


@cached(GROUP, ttl=300, per_run=True)  # once for every badge on the page
def _categories(database: str, include_inactive: bool) -> list[news.Category]:
    return read(news.categories, include_inactive)


def categories(include_inactive: bool = False) -> list[news.Category]:
    return _categories(database_key(), include_inactive)


def category_label(category_id: int) -> str:
    for category in categories(True):
        if category.id == category_id:
            return category.label(locale())
    return "—"


@cached(GROUP, ttl=3_600, max_entries=64)
def _file(file_id: int, key: ViewerKey) -> news.StoredFile:
    # Keyed by the reader too: file_content checks that this reader may see the item.
    return read(news.file_content, actor_of(key), file_id)


@dataclass(frozen=True)
class Picture:
    content: bytes
    format: str  # what st.image is told, so that it does not re-encode on every run


@cached(GROUP, ttl=3_600, max_entries=256, per_run=True)
def _picture(file_id: int, key: ViewerKey, max_width: int) -> Picture:
    """A cover scaled and encoded once for display (Streamlit would redo it on every run)."""
    from PIL import Image

    with Image.open(io.BytesIO(_file(file_id, key).content)) as image:
        image.thumbnail((max_width, max_width * 4))
        alpha = image.mode in ("RGBA", "LA", "P")
        out = io.BytesIO()
        if alpha:
            image.save(out, format="PNG", optimize=True)
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85)
    return Picture(out.getvalue(), "PNG" if alpha else "JPEG")


def picture(file_id: int, actor: Actor, max_width: int, **kwargs) -> None:
    shown = _picture(file_id, viewer_key(actor), max_width)
    st.image(shown.content, output_format=shown.format, **kwargs)


@cached(GROUP, ttl=120, max_entries=500)
def reach_items(key: ViewerKey) -> list[news.ReachChoice]:
    return read(news.reach_items, actor_of(key))


@dataclass(frozen=True)
class Stamped:
    """A cached read and when it was made: the figure caches (news/figures.py) are keyed
    by the stamp, so they are rebuilt exactly when the data under them is read again."""

    value: object
    stamp: float


@cached(GROUP, ttl=120, max_entries=500)
def item_reach(key: ViewerKey, item_id: int) -> Stamped:
    return Stamped(read(news.item_reach, actor_of(key), item_id), time.time())


@cached(GROUP, ttl=120, max_entries=500)
def pending(key: ViewerKey, item_id: int, limit: int | None) -> Stamped:
    return Stamped(read(news.pending_acknowledgements, actor_of(key), item_id, limit=limit),
                   time.time())


@cached(GROUP, ttl=600, max_entries=500)
def activity(key: ViewerKey, months: int) -> Stamped:
    return Stamped(read(news.activity, actor_of(key), months=months), time.time())
