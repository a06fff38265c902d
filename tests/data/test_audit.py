"""The audit log on SQLite and PostgreSQL: entries written with the change,
searched by admins with filters, newest first."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from data_access import audit, departments, users
from data_access.errors import PermissionDenied
from data_access.models import AuditEntry
from data_access.permissions import Actor
from tests.conftest import TEST_PASSWORD

T0 = datetime(2025, 3, 21, 8, 0, tzinfo=UTC)  # Nowruz 1404, 11:30 in Tehran


@pytest.fixture
def log(session, org):
    """Six entries one hour apart, oldest first; returns their ids in that order."""
    spec = [
        (org.admin, "user.create", "user", 10, {"username": "sara"}),
        (org.admin, "department.create", "department", 20, {"name": "واحد تازه"}),
        (None, "user.locked", "user", 10, {"username": "sara"}),
        (org.admin, "user.update", "user", 10, {"changes": {"role": {"old": "employee",
                                                                      "new": "manager"}}}),
        (org.pr, "announcement.publish", "announcement", 7, {}),
        (org.admin, "user.deactivate", "user", 11, {"username": "reza"}),
    ]
    ids = []
    for hour, (actor, action, entity, entity_id, details) in enumerate(spec):
        audit.record(session, actor, action, entity, entity_id, **details)
        session.flush()
        entry_id = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
        session.execute(update(AuditEntry).where(AuditEntry.id == entry_id)
                        .values(at=T0 + timedelta(hours=hour)))
        ids.append(entry_id)
    session.commit()
    return ids


def _ids(rows) -> list[int]:
    return [r.id for r in rows]


def test_search_returns_everything_newest_first(session, org, log):
    rows, total = audit.search(session, org.admin)
    assert total == 6
    assert _ids(rows) == list(reversed(log))
    newest = rows[0]
    assert (newest.actor, newest.action, newest.entity, newest.entity_id) == (
        "admin", "user.deactivate", "user", "11")
    assert newest.at == T0 + timedelta(hours=5)
    assert json.loads(newest.details) == {"username": "reza"}


def test_entries_at_the_same_instant_keep_insertion_order_newest_first(session, org, log):
    session.execute(update(AuditEntry).values(at=T0))
    session.commit()
    rows, _ = audit.search(session, org.admin)
    assert _ids(rows) == list(reversed(log))


def test_filter_by_action_and_entity(session, org, log):
    rows, total = audit.search(session, org.admin, action="user.update")
    assert total == 1 and _ids(rows) == [log[3]]
    rows, total = audit.search(session, org.admin, entity="user")
    assert total == 4 and _ids(rows) == [log[5], log[3], log[2], log[0]]
    rows, total = audit.search(session, org.admin, entity="department", action="user.create")
    assert (rows, total) == ([], 0)


def test_filter_by_actor_username(session, org, log):
    rows, total = audit.search(session, org.admin, actor_username="pr")
    assert total == 1 and rows[0].action == "announcement.publish"
    rows, total = audit.search(session, org.admin, actor_username="admin")
    assert total == 4 and {r.actor for r in rows} == {"admin"}
    # Typed the way people type: capitals, spaces.
    assert audit.search(session, org.admin, actor_username=" ADMIN ")[1] == 4
    assert audit.search(session, org.admin, actor_username="nobody")[1] == 0


def test_system_entries_have_no_actor(session, org, log):
    rows, _ = audit.search(session, org.admin, action="user.locked")
    assert [r.actor for r in rows] == [None]


def test_filter_by_time_since_inclusive_until_exclusive(session, org, log):
    rows, total = audit.search(session, org.admin, since=T0 + timedelta(hours=2))
    assert total == 4 and _ids(rows) == [log[5], log[4], log[3], log[2]]
    rows, total = audit.search(session, org.admin, until=T0 + timedelta(hours=2))
    assert total == 2 and _ids(rows) == [log[1], log[0]]
    rows, total = audit.search(session, org.admin, since=T0 + timedelta(hours=1),
                               until=T0 + timedelta(hours=3), entity="user")
    assert total == 1 and _ids(rows) == [log[2]]


def test_time_filters_compare_instants_not_wall_clocks(session, org, log):
    tehran = datetime(2025, 3, 21, 17, 0, tzinfo=ZoneInfo("Asia/Tehran"))  # = T0 + 5h30
    rows, total = audit.search(session, org.admin, since=tehran)
    assert total == 0 and rows == []
    rows, total = audit.search(session, org.admin, until=tehran)
    assert total == 6


def test_pagination_keeps_the_total(session, org, log):
    page1, total1 = audit.search(session, org.admin, limit=4)
    page2, total2 = audit.search(session, org.admin, limit=4, offset=4)
    assert total1 == total2 == 6
    assert _ids(page1) + _ids(page2) == list(reversed(log))
    assert len(page2) == 2


def test_actions_lists_distinct_actions(session, org, log):
    assert audit.actions(session) == sorted({"user.create", "department.create", "user.locked",
                                             "user.update", "announcement.publish",
                                             "user.deactivate"})


@pytest.mark.parametrize("role", ["employee", "manager", "pr"])
def test_only_admins_read_the_audit_log(session, org, log, role):
    with pytest.raises(PermissionDenied):
        audit.search(session, getattr(org, role))
    with pytest.raises(PermissionDenied):
        audit.search(session, None)


def test_entry_is_part_of_the_callers_transaction(session, org):
    audit.record(session, org.admin, "user.create", "user", 1)
    session.rollback()
    assert audit.search(session, org.admin) == ([], 0)


def test_details_keep_persian_text_readable(session, org):
    audit.record(session, org.admin, "department.rename", "department", 3, old="ترافیک",
                 when=T0)
    session.commit()
    [row], _ = audit.search(session, org.admin)
    assert "ترافیک" in row.details  # not \\u escapes
    assert json.loads(row.details) == {"old": "ترافیک", "when": str(T0)}
    audit.record(session, org.admin, "user.activate", "user", None)
    session.commit()
    rows, _ = audit.search(session, org.admin, action="user.activate")
    assert (rows[0].details, rows[0].entity_id) == (None, None)


def test_command_line_system_actor_is_recorded_as_system(session, org):
    system = Actor(id=0, username="cli", role="admin", department_id=0)
    audit.record(session, system, "user.create", "user", 99)
    session.commit()
    [row], _ = audit.search(session, org.admin)
    assert row.actor is None


def test_every_administrative_write_appends_an_entry(session, org):
    """One entry per write, with the acting admin and the record it touched."""
    new_user = users.create_user(session, org.admin, username="sara", display_name="سارا",
                                 department_id=org.traffic, password=TEST_PASSWORD)
    users.update_user(session, org.admin, new_user, display_name="سارا", email=None,
                      department_id=org.pr_dept, role="employee", locale="fa")
    users.reset_password(session, org.admin, new_user, "another-password")
    users.set_active(session, org.admin, new_user, False)
    users.set_active(session, org.admin, new_user, True)
    dept = departments.create(session, org.admin, "واحد تازه", org.root)
    departments.rename(session, org.admin, dept, "واحد نو")
    departments.move(session, org.admin, dept, org.traffic)
    departments.set_active(session, org.admin, dept, False)
    departments.set_active(session, org.admin, dept, True)
    session.commit()
    rows, total = audit.search(session, org.admin, actor_username="admin")
    assert total == 10
    assert [(r.action, r.entity_id) for r in reversed(rows)] == [
        ("user.create", str(new_user)), ("user.update", str(new_user)),
        ("user.reset_password", str(new_user)), ("user.deactivate", str(new_user)),
        ("user.activate", str(new_user)), ("department.create", str(dept)),
        ("department.rename", str(dept)), ("department.move", str(dept)),
        ("department.deactivate", str(dept)), ("department.activate", str(dept)),
    ]
