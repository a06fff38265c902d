"""The action-items feature's cached reads, through the one viewer cache.

The team views are keyed by the viewer and the "action_items" generation; a status
change calls `invalidate_all()`, and so does every meeting write (a meeting creates
items). A person's own list is one indexed query and is read fresh on every run, so an
item someone just gave them is there at once, whichever feature created it.
"""

from __future__ import annotations

from dashboard.cache import ViewerKey, actor_of, cached, generation, invalidate, viewer_key
from dashboard.ui import read
from data_access import action_items
from data_access.paging import Page
from data_access.permissions import Actor

GROUP = "action_items"


def invalidate_all() -> None:
    invalidate(GROUP)


def mine(actor: Actor, include_done: bool) -> list[action_items.MyActionItem]:
    return read(action_items.owned_by, actor, include_done=include_done)


@cached(GROUP, ttl=60)
def _team(key: ViewerKey, generation: int, view: str, status: str | None, overdue_only: bool,
          search: str, sort: str, descending: bool, page: int, size: int
          ) -> Page[action_items.TeamActionItem]:
    return read(action_items.team, actor_of(key), view, status=status,
                overdue_only=overdue_only, search=search, sort=sort, descending=descending,
                page=page, size=size)


def team(actor: Actor, view: str, status: str | None, overdue_only: bool, search: str,
         sort: str, descending: bool, page: int = 1, size: int = action_items.TEAM_PAGE_SIZE
         ) -> Page[action_items.TeamActionItem]:
    return _team(viewer_key(actor), generation(GROUP), view, status, overdue_only, search,
                 sort, descending, page, size)


@cached(GROUP, ttl=60)
def _plans(key: ViewerKey, generation: int, page: int) -> Page[action_items.TeamPlan]:
    return read(action_items.team_plans, actor_of(key), page=page)


def plans(actor: Actor, page: int = 1) -> Page[action_items.TeamPlan]:
    return _plans(viewer_key(actor), generation(GROUP), page)
