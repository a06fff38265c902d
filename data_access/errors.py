"""Domain exceptions raised by data_access and translated by the pages.

Each carries a message key (looked up in the locale files) so that the web
layer can show the error in the user's language next to the right field.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: an error the user caused, shown as a localised message."""

    def __init__(self, key: str, field: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, field={self.field!r}, params={self.params!r})"


class PermissionDenied(DomainError):
    """The actor's role does not allow this action."""

    def __init__(self, key: str = "errors.permission_denied", **params: Any) -> None:
        super().__init__(key, None, **params)


class InvalidInput(DomainError):
    """A value the user entered is not acceptable."""


class NotFound(DomainError):
    """The record does not exist (or the actor may not know it exists)."""

    def __init__(self, key: str = "errors.not_found", **params: Any) -> None:
        super().__init__(key, None, **params)


class Conflict(DomainError):
    """Someone else changed the record first, or a uniqueness rule was hit."""


def get_or_not_found(session, model, key, **options):
    """The row of `model` with primary key `key`, or NotFound (one way for every domain)."""
    row = session.get(model, key, **options) if key is not None else None
    if row is None:
        raise NotFound()
    return row
