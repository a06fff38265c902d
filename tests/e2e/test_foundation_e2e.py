"""Sign-in, roles, language and direction, as a person meets them in Chromium."""

from __future__ import annotations

import re
import time

import pytest

from data_access import db
from data_access.models import Department
from data_access.permissions import Actor
from data_access.users import create_user, set_active
from tests.e2e.conftest import LABELS, direction, goto, login, screenshot, settle

SIDEBAR_PAGES = {
    "employee": ["خانه", "اخبار و اطلاعیه‌ها", "نظرسنجی‌ها", "جلسات", "اقدام‌ها", "حساب من"],
    "manager": ["خانه", "اخبار و اطلاعیه‌ها", "نظرسنجی‌ها", "جلسات", "اقدام‌ها",
                "نتایج نظرسنجی", "شاخص‌ها", "حساب من"],
    "pr": ["خانه", "اخبار و اطلاعیه‌ها", "نظرسنجی‌ها", "جلسات", "اقدام‌ها", "نتایج نظرسنجی",
           "شاخص‌ها", "حساب من"],
    "admin": ["خانه", "اخبار و اطلاعیه‌ها", "نظرسنجی‌ها", "جلسات", "اقدام‌ها", "نتایج نظرسنجی",
              "شاخص‌ها", "مدیریت سامانه", "حساب من"],
}
SYSTEM = Actor(id=0, username="test", role="admin", department_id=0)


def _make_user(live_app, username: str) -> None:
    with db.session_scope(live_app.engine()) as session:
        department = session.query(Department.id).first()[0]  # any department will do
        create_user(session, SYSTEM, username=username, display_name="کاربر آزمایشی",
                    department_id=department, password="secret-pass-1")


@pytest.mark.parametrize("username", ["employee", "manager", "pr", "admin"])
def test_each_demo_account_signs_in_sees_its_pages_and_signs_out(page, live_app, username):
    login(page, live_app, username)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    assert [text.strip().split("\n")[-1] for text in nav.all_inner_texts()] == \
        SIDEBAR_PAGES[username]
    assert direction(page, "rtl") == "rtl"
    screenshot(page, f"home_{username}_fa")
    page.get_by_role("button", name="خروج").click()
    page.get_by_role("textbox", name="نام کاربری").wait_for()


def test_page_outside_the_role_is_not_reachable_by_url(page, live_app):
    login(page, live_app, "employee")
    page.goto(f"{live_app.url}/admin")
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    settle(page)
    assert page.get_by_role("heading", name="مدیریت سامانه").count() == 0
    assert page.get_by_text("سلام،").count() == 1  # fell back to the home page


def test_wrong_password_and_unknown_user_give_one_message(page, live_app):
    for username in ("employee", "no-such-user"):
        login(page, live_app, username, password="wrong-password", expect_success=False)
        page.get_by_text("نام کاربری یا گذرواژه درست نیست.").wait_for()
    screenshot(page, "login_wrong_password_fa")


def test_five_failures_lock_the_account(page, live_app):
    _make_user(live_app, "locktest")
    for _ in range(5):
        login(page, live_app, "locktest", password="wrong-password", expect_success=False)
        page.get_by_text(re.compile("درست نیست|قفل شده")).wait_for()
    page.get_by_text("قفل شده است").wait_for()
    login(page, live_app, "locktest", password="secret-pass-1", expect_success=False)
    page.get_by_text("قفل شده است").wait_for()
    screenshot(page, "login_locked_fa")


def test_english_is_left_to_right_and_the_choice_is_saved(page, live_app):
    login(page, live_app, "manager", locale="en")
    # The language picked on the sign-in page carries over and is saved.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Home", exact=True).wait_for()
    settle(page)
    assert direction(page, "ltr") == "ltr"
    screenshot(page, "home_manager_en")
    goto(page, live_app, "profile")
    page.get_by_role("heading", name="My profile").wait_for()
    screenshot(page, "profile_manager_en")
    # A new session (cookie kept) comes back in English.
    page.reload()
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Home", exact=True).wait_for()
    # Pressed at once, while the cookie component may still trigger reruns: a late
    # rerun must not switch the language back.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="فارسی").click()
    page.locator('[data-testid="stSidebarNav"]').get_by_text("خانه", exact=True).wait_for()
    settle(page)
    screenshot(page, "home_manager_back_to_fa")
    assert direction(page, "rtl") == "rtl"
    # Saved: the next session opens in Persian.
    page.reload()
    page.locator('[data-testid="stSidebarNav"]').get_by_text("خانه", exact=True).wait_for()
    settle(page)
    assert direction(page, "rtl") == "rtl"


def test_cookie_brings_the_user_back_until_logout(page, live_app, browser):
    login(page, live_app, "pr")
    cookies = page.context.cookies()
    auth = next(c for c in cookies if c["name"] == "peyvand_auth")
    assert (auth["path"], auth["sameSite"]) == ("/", "Strict")
    assert auth["expires"] > time.time() + 3600  # kept for the configured days
    again = browser.new_context()
    again.add_cookies(cookies)
    tab = again.new_page()
    tab.goto(live_app.url)
    tab.locator('[data-testid="stSidebarNav"]').wait_for()
    tab.close()
    page.get_by_role("button", name="خروج").click()
    page.get_by_role("textbox", name="نام کاربری").wait_for()
    # The browser forgets the cookie too (a script on the sign-in page deletes it).
    for _ in range(300):
        if not any(c["name"] == "peyvand_auth" for c in page.context.cookies()):
            break
        page.wait_for_timeout(100)
    assert not any(c["name"] == "peyvand_auth" for c in page.context.cookies())
    tab = again.new_page()
    tab.goto(live_app.url)
    tab.get_by_role("textbox", name=LABELS["fa"]["username"]).wait_for()
    again.close()


def test_deactivated_user_is_refused_even_with_a_cookie(page, live_app, browser):
    _make_user(live_app, "leaver")
    login(page, live_app, "leaver", password="secret-pass-1")
    cookies = page.context.cookies()
    with db.session_scope(live_app.engine()) as session:
        from sqlalchemy import select

        from data_access.models import User

        user_id = session.scalar(select(User.id).where(User.username == "leaver"))
        set_active(session, SYSTEM, user_id, False)
    again = browser.new_context()
    again.add_cookies(cookies)
    tab = again.new_page()
    tab.goto(live_app.url)
    tab.get_by_role("textbox", name=LABELS["fa"]["username"]).wait_for()
    again.close()
    # The open session ends at its next interaction.
    page.reload()
    page.get_by_role("textbox", name=LABELS["fa"]["username"]).wait_for()


def test_admin_page_in_persian(page, live_app):
    login(page, live_app, "admin")
    goto(page, live_app, "admin")
    page.get_by_role("heading", name="مدیریت سامانه").wait_for()
    screenshot(page, "admin_users_fa")
    page.get_by_role("radio", name="رویدادنگار").click()
    settle(page)
    screenshot(page, "admin_audit_fa")


def _upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    settle(page, 1500)


def test_csv_import_lists_bad_rows_then_imports_a_good_file(page, live_app):
    login(page, live_app, "admin")
    goto(page, live_app, "admin")
    page.get_by_role("radio", name="ورود از CSV").click()
    bad = ("username,display_name,email,department\n"
           "csv.one,علي رضايي,one@example.org,روابط عمومی\n"
           "csv.one,تکراری,dup@example.org,روابط عمومی\n"
           "csv.two,سارا,not-an-email,واحد ناموجود\n").encode("utf-8-sig")
    _upload(page, "bad.csv", bad)
    page.get_by_text("۳ خطا پیدا شد؛ چیزی ثبت نشد").wait_for()  # shown in a data grid
    screenshot(page, "admin_import_errors_fa")
    with db.session_scope(live_app.engine()) as session:
        from data_access.users import username_taken

        assert not username_taken(session, "csv.one")
    good = ("username,display_name,email,department\n"
            "csv.one,علي رضايي,one@example.org,روابط عمومی\n"
            "csv.two,سارا كاظمي,two@example.org,روابط عمومی\n").encode()
    _upload(page, "good.csv", good)
    page.get_by_text("همه ۲ سطر درست است.").wait_for()
    page.get_by_role("button", name="ثبت ۲ کاربر").click()
    page.get_by_text("۲ کاربر ثبت شد.").wait_for()
    page.get_by_role("button", name="دریافت گذرواژه‌های اولیه").wait_for()
    screenshot(page, "admin_import_done_fa")
    # The passwords stay available after other clicks, until the admin moves on.
    page.get_by_role("radio", name="کاربران").click()
    page.get_by_role("radio", name="ورود از CSV").click()
    page.get_by_role("button", name="دریافت گذرواژه‌های اولیه").wait_for()
    page.get_by_role("button", name="ورود پرونده دیگر").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached")
    with db.session_scope(live_app.engine()) as session:
        from data_access.users import active_actor

        assert active_actor(session, "csv.two").display_name == "سارا کاظمی"
