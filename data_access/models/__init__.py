"""All tables, importable from one place (Alembic reads Base.metadata)."""

from data_access.models import action_items, kpis, meetings, news, surveys  # noqa: F401  (register tables)
from data_access.models.base import Base, UTCDateTime, utcnow
from data_access.models.core import (
    LOCALES,
    ROLES,
    AppSetting,
    AuditEntry,
    Department,
    SignInThrottle,
    User,
)

__all__ = [
    "AppSetting", "AuditEntry", "Base", "Department", "LOCALES", "ROLES", "SignInThrottle", "User",
    "UTCDateTime", "utcnow",
]
