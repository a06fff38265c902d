"""One way to cut a list into pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int  # 1-based, clamped to 1..pages
    pages: int  # at least 1, so an empty list is one empty page


def page_count(total: int, size: int) -> int:
    if size < 1:
        raise ValueError("page size must be at least 1")
    return max(1, -(-total // size))


def clamp(page: int, total: int, size: int) -> int:
    """A requested page number brought within 1..pages."""
    return min(max(1, page), page_count(total, size))


def offset(page: int, size: int) -> int:
    return (max(1, page) - 1) * size


def paginate(items: Sequence[T], total: int, page: int, size: int) -> Page[T]:
    """Wrap one page of rows (already limited and offset in SQL) with its totals."""
    return Page(items, total, clamp(page, total, size), page_count(total, size))
