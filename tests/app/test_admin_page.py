"""The admin page as an administrator uses it (AppTest, demo database)."""

import re

from data_access import db, users


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
