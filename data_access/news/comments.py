"""Comments under an item, and their moderation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from data_access import audit
from data_access.clock import utcnow
from data_access.errors import InvalidInput, get_or_not_found
from data_access.models import User
from data_access.models.news import (
    AnnouncementComment,
)
from data_access.news.rules import allowed, stage_at
from data_access.news.visibility import visible_item
from data_access.permissions import Actor, can, require_active
from data_access.text import clean_block

COMMENT_MAX = 2_000


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
    visible_item(session, actor, item_id, now)
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
    item = visible_item(session, actor, item_id, now)
    if not item.comments_enabled or not allowed("comment", stage_at(item, now)):
        raise InvalidInput("news.errors.comments_closed", field="comment")
    body = clean_block(body, "comment", COMMENT_MAX, required=True,
                       required_key="news.errors.comment_required",
                       too_long_key="news.errors.comment_too_long")
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
