"""The one clock: now in UTC, the municipality's time zone, and its today.

Instants are stored in UTC; dates and "today" belong to the display zone
(`INTRANET_TIMEZONE`, default Asia/Tehran), read at call time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data_access import config
from data_access.models.base import utcnow

__all__ = ["display_zone", "local_today", "to_local", "utcnow"]


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def display_zone() -> ZoneInfo:
    name = config.timezone_name()
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"INTRANET_TIMEZONE={name!r} is not a known time zone") from error


def to_local(moment: datetime) -> datetime:
    """An instant in the display zone (naive instants are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(display_zone())


def local_today(now: datetime | None = None) -> date:
    """Today's date in the municipality's time zone."""
    return to_local(now or utcnow()).date()
