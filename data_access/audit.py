"""The audit log: every administrative write appends one entry here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.models import AuditEntry, User
from data_access.permissions import Actor, require_active
from data_access.text import normalize_username


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: object = None,
    **details: Any,
) -> None:
    """Append an entry in the caller's transaction, so it commits or rolls back with the change."""
    session.add(
        AuditEntry(
            # Actors without a user row (the command line's system actor, id 0) show as "system".
            actor_id=actor.id if actor and actor.id > 0 else None,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            details=json.dumps(details, ensure_ascii=False, default=str) if details else None,
        )
    )


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str | None
    action: str
    entity: str
    entity_id: str | None
    details: str | None


def search(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    entity: str | None = None,
    actor_username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[list[AuditRow], int]:
    """Newest first, with the total count for pagination. Admins only."""
    require_active(session, actor, "administer")
    query = select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if actor_username:
        query = query.where(User.username == normalize_username(actor_username))
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    ).all()
    return [
        AuditRow(e.id, e.at, username, e.action, e.entity, e.entity_id, e.details)
        for e, username in rows
    ], total


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
