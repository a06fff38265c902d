"""The admin page as an administrator uses it (AppTest, demo database)."""

import re

from data_access import db, users
from data_access.models import Department


def test_admin_sees_the_four_sections_and_each_opens(open_app):
    at = open_app("admin", "admin.py")
    assert not at.exception
    assert at.dataframe  # users table
    for section in ("departments", "import", "audit"):
        at.session_state["admin_section"] = section
        at.run()
        assert not at.exception, section
    # the audit log: its table, or (no event recorded yet) the sentence that says so
    assert at.dataframe or "رویدادی با این فیلترها ثبت نشده است." in [c.value for c in at.caption]


def test_admin_creates_a_user_and_bad_input_is_explained(open_app):
    at = open_app("admin", "admin.py")
    at.text_input(key="new_username").input("new.person")
    at.text_input(key="new_display_name").input("شخص جديد")  # Arabic yeh is normalised
    at.text_input(key="new_password").input("short")
    at.button(key="create_user_submit").click().run()
    assert "گذرواژه باید بین ۸ تا ۶۴ نویسه باشد." in [e.value for e in at.error]
    with db.session_scope() as session:
        assert not users.username_taken(session, "new.person")

    at.text_input(key="new_password").input("long-enough-1")
    at.button(key="create_user_submit").click().run()
    assert any("new.person" in s.value for s in at.success)
    with db.session_scope() as session:
        actor = users.active_actor(session, "new.person")
    assert actor.display_name == "شخص جدید"


def test_english_admin_page(open_app):
    at = open_app("admin", "admin.py", locale="en")
    assert at.title[0].value == "Administration"
    assert at.text_input(key="new_username").label == "Username"


def test_the_user_list_pages_with_the_shared_pager(open_app):
    at = open_app("admin", "admin.py")
    first = at.dataframe[0].value
    assert any(c.value == "صفحه ۱ از " + c.value.rsplit(" ", 1)[-1] for c in at.caption)
    at.button(key="user_page_next").click().run()
    assert not at.exception
    assert at.session_state["user_page"] == 2
    assert not at.dataframe[0].value.equals(first)
    at.text_input(key="user_search").input("a").run()  # new filters start again at page 1
    assert at.session_state["user_page"] == 1


def test_the_audit_filter_offers_moderation_entries(open_app):
    at = open_app("admin", "admin.py")
    at.session_state["admin_section"] = "audit"
    at.run()
    entity = next(s for s in at.selectbox if s.label == "مورد")
    # offered in words: comment moderation is there, and no stored code shows
    assert "دیدگاه" in entity.options and "comment" not in entity.options
    assert "announcement_comment" not in entity.options
    action = next(s for s in at.selectbox if s.label == "رویداد")
    assert {"دیدگاه پنهان شد", "وضعیت اقدام تغییر کرد"} <= set(action.options)
    assert not [o for o in entity.options + action.options if re.search("[A-Za-z_]", o)]


def test_filters_set_to_any_say_so_in_persian(open_app):
    """A filter left at "any" showed Streamlit's English "Choose an option"."""
    at = open_app("admin", "admin.py")
    filters = [s for s in at.selectbox if s.key in ("user_role_filter", "user_dept_filter")]
    assert filters and all(s.value is None for s in filters)
    assert {s.placeholder for s in filters} == {"همه"}


def _import_file(at, name: str, text: str) -> None:
    at.session_state["admin_section"] = "import"
    at.run()
    at.file_uploader[0].set_value((name, text.encode("utf-8-sig"), "text/csv")).run()
    assert not at.exception, at.exception


def test_a_csv_import_is_checked_once_then_imported_and_the_uploader_starts_again(open_app):
    at = open_app("admin", "admin.py")
    header = "username,display_name,email,department,role,locale,password\n"
    _import_file(at, "bad.csv", header + "x,,x@example.org,ناموجود,boss,fa,\n")
    assert any("خطا پیدا شد" in e.value for e in at.error), [e.value for e in at.error]
    assert "۲" in at.dataframe[-1].value.to_string()  # the bad row's line
    assert not any(b.key == "import_now" for b in at.button)
    digest, checked = at.session_state["import_preview"]
    at.run()  # a rerun with the same file keeps the one check
    assert at.session_state["import_preview"][1] is checked

    with db.session_scope() as session:
        department = users.active_actor(session, "manager").department_id
        name = session.get(Department, department).name
    _import_file(at, "good.csv", header + f"imported.one,شخص وارد شده,,{name},employee,fa,\n")
    assert at.session_state["import_preview"][0] != digest
    assert any(s.value == "همه ۱ سطر درست است." for s in at.success)
    at.button(key="import_now").click().run()
    assert not at.exception, at.exception
    with db.session_scope() as session:
        assert users.active_actor(session, "imported.one").department_id == department
    assert "import_preview" not in at.session_state
    assert at.session_state["import_round"] == 1
    at.button(key="import_another").click().run()
    assert at.file_uploader[0].key == "import_file_1"  # an empty uploader again
