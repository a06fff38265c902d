"""Comments of a closed wave, for groups with at least the comment threshold."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import departments
from data_access.models.surveys import SurveyComment
from data_access.permissions import Actor
from data_access.surveys.answering import FormItem
from data_access.surveys.rules import shuffle_comments
from data_access.surveys.scope import _DEFAULT, _groups, _wave_items, _wave_scope


@dataclass(frozen=True)
class CommentsResult:
    shown: bool
    threshold: int
    by_item: list[tuple[FormItem, list[str]]]


def wave_comments(session: Session, actor: Actor, wave_id: int,
                  department_id: int | None = _DEFAULT) -> CommentsResult:
    """Comments of a department subtree, only if it has at least the comment
    threshold of respondents; shuffled on every read and never dated."""
    view = _wave_scope(session, actor, wave_id)
    department_id = view.department(actor, department_id)
    wave = view.wave
    if wave.status != "closed":
        return CommentsResult(False, wave.comment_threshold, [])
    groups = _groups(session, [wave_id], [department_id])
    if not groups or not groups[0].comments_shown:
        return CommentsResult(False, wave.comment_threshold, [])
    query = select(SurveyComment.wave_item_id, SurveyComment.body).where(
        SurveyComment.wave_id == wave_id)
    if department_id is not None:
        subtree = departments.descendants(view.snapshot.parent_of, [department_id])
        query = query.where(SurveyComment.department_id.in_(subtree))
    by_item: dict[int, list[str]] = {}
    for item_id, body in session.execute(query):
        by_item.setdefault(item_id, []).append(body)
    items = {item.id: item for item, _ in _wave_items(session, [wave_id])[wave_id]}
    return CommentsResult(True, wave.comment_threshold, [
        (items[item_id], shuffle_comments(texts)) for item_id, texts in sorted(by_item.items())])


