"""The meetings feature's cached reads, through the one viewer cache (dashboard/cache.py).

Keyed by the viewer (database, user, role, department) and the "meetings" generation;
every meeting write calls `invalidate_all()`, since a meeting's page is shared by its
organiser, attendees and department.
"""

from __future__ import annotations

from datetime import date

from dashboard.cache import ViewerKey, actor_of, cached, generation, invalidate, viewer_key
from dashboard.ui import read
from data_access import meetings
from data_access.paging import Page
from data_access.permissions import Actor

GROUP = "meetings"


def invalidate_all() -> None:
    invalidate(GROUP)
    invalidate("action_items")  # a meeting write may create or hide action items


@cached(GROUP, ttl=60)
def _list(key: ViewerKey, generation: int, mine: bool, status: str | None, search: str,
          page: int) -> Page[meetings.MeetingRow]:
    return read(meetings.meetings, actor_of(key), mine=mine, status=status, search=search,
                page=page)


def meeting_list(actor: Actor, mine: bool, status: str | None, search: str,
                 page: int) -> Page[meetings.MeetingRow]:
    return _list(viewer_key(actor), generation(GROUP), mine, status, search, page)


@cached(GROUP, ttl=60)
def _detail(key: ViewerKey, generation: int, meeting_id: int) -> meetings.MeetingDetail:
    return read(meetings.meeting_detail, actor_of(key), meeting_id)


def detail(actor: Actor, meeting_id: int) -> meetings.MeetingDetail:
    return _detail(viewer_key(actor), generation(GROUP), meeting_id)


@cached(GROUP, ttl=120)
def _register(key: ViewerKey, generation: int, search: str, status: str | None,
              department_id: int | None, date_from: date | None, date_to: date | None,
              page: int, size: int) -> Page[meetings.RegisterRow]:
    return read(meetings.search_register, actor_of(key), search, status, department_id,
                date_from, date_to, page, size)


def register(actor: Actor, search: str, status: str | None, department_id: int | None,
             date_from: date | None, date_to: date | None, page: int = 1,
             size: int = 25
             ) -> Page[meetings.RegisterRow]:
    return _register(viewer_key(actor), generation(GROUP), search, status, department_id,
                     date_from, date_to, page, size)


@cached(GROUP, ttl=600)
def _types(key: ViewerKey, generation: int) -> list[meetings.MeetingTypeChoice]:
    return read(meetings.meeting_types, actor_of(key))


def meeting_types(actor: Actor) -> list[meetings.MeetingTypeChoice]:
    return _types(viewer_key(actor), generation(GROUP))


# The reader's own meetings, for the home page and the sidebar (every page run).
@cached(GROUP, ttl=60)
def _upcoming(key: ViewerKey, generation: int) -> list[meetings.UpcomingMeeting]:
    return read(meetings.upcoming, actor_of(key))


def upcoming(actor: Actor) -> list[meetings.UpcomingMeeting]:
    return _upcoming(viewer_key(actor), generation(GROUP))


@cached(GROUP, ttl=60)
def _notices(key: ViewerKey, generation: int) -> list[meetings.ApprovalNotice]:
    return read(meetings.approval_notices, actor_of(key))


def approval_notices(actor: Actor) -> list[meetings.ApprovalNotice]:
    return _notices(viewer_key(actor), generation(GROUP))


@cached(GROUP, ttl=60)
def _awaiting(key: ViewerKey, generation: int) -> int:
    return read(meetings.awaiting_sign_off_count, actor_of(key))


def awaiting_sign_off_count(actor: Actor) -> int:
    return _awaiting(viewer_key(actor), generation(GROUP))
