"""The life cycle of a news item: its stages, and which action is allowed in which stage.

Pure: no database, no Streamlit. data_access.news checks every write against
`allowed`, and the news page shows a button only where `allowed` says yes, so
the two can never disagree. (The SQL forms of `stage_of`, for filtering and
counting many items at once, are in news.managing.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

Stage = Literal["draft", "scheduled", "published", "expired", "archived"]
STAGES: tuple[Stage, ...] = ("draft", "scheduled", "published", "expired", "archived")
Priority = Literal["normal", "important", "urgent"]  # models.news.PRIORITIES holds the same
Action = Literal["edit", "release", "save_draft", "pin", "expire", "withdraw", "archive",
                 "delete", "read", "acknowledge", "comment", "view_reach"]

_EVERY_STAGE = frozenset(STAGES)

# action -> the stages it is allowed in.
ALLOWED: dict[Action, frozenset[Stage]] = {
    # open the item in the composer; an archived item is kept as it was
    "edit": _EVERY_STAGE - {"archived"},
    # publish now or schedule (the composer's draft / publish / schedule buttons);
    # a released item is saved in place instead, keeping its publish time
    "release": frozenset({"draft", "scheduled"}),
    # saving as a draft takes a scheduled item back; a published one goes back by `withdraw`
    "save_draft": _EVERY_STAGE - {"published", "expired"},
    "pin": frozenset({"draft", "scheduled", "published"}),
    "expire": frozenset({"published"}),
    "withdraw": frozenset({"scheduled", "published", "expired"}),
    "archive": _EVERY_STAGE - {"archived"},
    # only drafts are deleted; anything once released is archived instead
    "delete": frozenset({"draft"}),
    # what readers do: only while the item is on the feed
    "read": frozenset({"published"}),
    "acknowledge": frozenset({"published"}),
    "comment": frozenset({"published"}),
    # reach exists once an item has been released to readers
    "view_reach": frozenset({"published", "expired", "archived"}),
}
# A new item (not saved yet) can be saved as a draft, published or scheduled.
NEW_ITEM_ACTIONS: frozenset[Action] = frozenset({"edit", "release", "save_draft"})


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


class _Timed(Protocol):
    status: str
    publish_at: datetime | None
    expires_at: datetime | None


def stage_at(item: _Timed, now: datetime) -> Stage:
    """`stage_of` for anything carrying status, publish_at and expires_at (a row, a model)."""
    return stage_of(item.status, item.publish_at, item.expires_at, now)


def allowed(action: Action, stage: Stage | None) -> bool:
    """Whether `action` may be taken on an item in `stage` (None: an item not saved yet)."""
    if stage is None:
        return action in NEW_ITEM_ACTIONS
    return stage in ALLOWED[action]


def released(stage: Stage | None) -> bool:
    """Readers have had the item (it is, or was, on the feed): saving keeps its publish time."""
    return stage in ("published", "expired")
