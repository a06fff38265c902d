"""System health for the admin's home page, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from data_access import audit, health
from data_access.errors import PermissionDenied
from data_access.models import utcnow
from data_access.models.news import AnnouncementReceipt

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def test_the_last_backup_is_unknown_until_recorded(session, org):
    assert health.system_health(session, org.admin, NOW).last_backup_at is None
    health.record_backup(session, "/backups/peyvand-1.dump", now=NOW)
    session.commit()
    found = health.system_health(session, org.admin, NOW)
    assert found.last_backup_at == NOW and found.last_backup_where == "/backups/peyvand-1.dump"
    assert found.database_kind == session.get_bind().dialect.name
    assert found.database_bytes is None or found.database_bytes > 0


def test_active_people_are_counted_once_within_thirty_days(session, org):
    from data_access import news

    now = utcnow()
    news.ensure_builtin_categories(session)
    category = next(c.id for c in news.categories(session) if c.code == "news")
    saved = news.publish(session, org.pr, news.AnnouncementInput(
        title="خبر", body="متن", category_id=category))  # audited: pr made a change
    for actor, days in ((org.employee, 3), (org.manager, 45)):
        session.add(AnnouncementReceipt(announcement_id=saved.id, user_id=actor.id,
                                        read_at=now - timedelta(days=days)))
    audit.record(session, org.employee, "user.change_password", "user", org.employee.id)
    session.commit()
    # pr (published), the employee (read and changed something: counted once); not the
    # manager, who read 45 days ago, nor the admin, who did nothing.
    assert health.active_users(session) == 2
    assert health.active_users(session, now=now + timedelta(days=31)) == 0


def test_only_admins_read_system_health(session, org):
    for actor in (org.pr, org.manager, org.employee):
        with pytest.raises(PermissionDenied):
            health.system_health(session, actor, NOW)
