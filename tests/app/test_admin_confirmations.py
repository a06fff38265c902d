"""Deactivating a department says what it does, or what must move first (AppTest)."""

from __future__ import annotations

from sqlalchemy import select

from data_access import db, departments, users
from data_access.models import Department
from tests.app.test_survey_confirmations import own_copy  # noqa: F401 - a fixture


def _departments_section(open_app, department_id: int):
    at = open_app("admin", "admin.py")
    at.session_state["admin_section"] = "departments"
    at.run()
    at.selectbox(key="dept_choice").set_value(department_id).run()
    return at


def test_an_empty_department_is_deactivated_only_after_reading_the_impact(open_app,
                                                                          own_copy):  # noqa: F811
    with db.session_scope(db.get_engine(own_copy)) as session:
        admin = users.active_actor(session, "admin")
        root = session.scalars(select(Department.id).where(Department.parent_id.is_(None))).first()
        empty = departments.create(session, admin, "واحد آزمایشی خالی", root)
    at = _departments_section(open_app, empty)
    text = "\n".join(m.value for m in at.markdown)
    assert "«واحد آزمایشی خالی» غیرفعال می‌شود" in text
    with db.session_scope(db.get_engine(own_copy)) as session:
        assert session.get(Department, empty).active  # not before the confirmation
    at.button(key=f"dept_off_{empty}").click().run()
    assert not at.exception
    with db.session_scope(db.get_engine(own_copy)) as session:
        assert not session.get(Department, empty).active
    assert "واحد «واحد آزمایشی خالی» غیرفعال شد." in [s.value for s in at.success]


def test_a_department_with_people_says_they_must_move_first(open_app, own_copy):  # noqa: F811
    with db.session_scope(db.get_engine(own_copy)) as session:
        manager = users.active_actor(session, "manager")
    at = _departments_section(open_app, manager.department_id)
    warnings = [w.value for w in at.warning]
    assert any("نخست آن‌ها را به واحد دیگری منتقل کنید" in w for w in warnings), warnings
    assert not [b for b in at.button if b.key == f"dept_off_{manager.department_id}"]
