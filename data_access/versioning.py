"""One optimistic-concurrency pattern for every editable row.

An editable model has `version: Mapped[int] = mapped_column(Integer, default=1)`
and `__mapper_args__ = {"version_id_col": version}`, so every ORM update says
"WHERE version = <the one I read>". A write takes the version the person saw
(`expected_version`): if the row changed since, or changes between our read
and our flush, the write raises the one Conflict below and changes nothing.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data_access.errors import Conflict, get_or_not_found

CHANGED_ELSEWHERE = "errors.edited_by_someone_else"
M = TypeVar("M")


def load_for_write(session: Session, model: type[M], row_id: int,
                   expected_version: int | None) -> M:
    """The row as it is now, if it is still the version the person saw."""
    row = get_or_not_found(session, model, row_id, populate_existing=True)
    if expected_version is None or row.version != expected_version:
        raise Conflict(CHANGED_ELSEWHERE)
    return row


def flush_or_conflict(session: Session) -> None:
    """Flush; an update that slipped in after our read becomes the same Conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(CHANGED_ELSEWHERE) from None
