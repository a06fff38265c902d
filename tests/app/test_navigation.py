"""The role matrix: each role reaches exactly its pages, and no other."""

import re

import pytest

from dashboard.navigation import PAGES, pages_for
from tests.conftest import set_saved_locale

EXPECTED = {
    "employee": {"", "announcements", "surveys", "meetings", "action-items", "profile"},
    "manager": {"", "announcements", "surveys", "meetings", "action-items", "survey-results",
                "kpis", "profile"},
    "pr": {"", "announcements", "surveys", "meetings", "action-items", "survey-results", "kpis",
           "profile"},
    "admin": {spec.url for spec in PAGES},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_navigation_table_matches_roles(role):
    assert {spec.url for spec in pages_for(role)} == EXPECTED[role]


def test_each_page_names_a_capability_and_its_roles_come_from_the_table():
    """One table decides who may do what: navigation holds no role sets of its own."""
    from dataclasses import fields

    from data_access.permissions import CAPABILITIES

    assert "roles" not in {f.name for f in fields(PAGES[0])}
    for spec in PAGES:
        assert spec.roles == CAPABILITIES[spec.capability], spec.file


@pytest.mark.parametrize("username", ["employee", "manager", "pr", "admin"])
def test_each_role_reaches_exactly_its_pages(open_app, username):
    at = open_app(username)
    assert not at.exception
    for spec in PAGES:
        if spec.url in EXPECTED[username]:
            at.switch_page(str(spec.path)).run()
            assert not at.exception, (username, spec.file, at.exception)
            assert at.title, (username, spec.file)
        else:
            with pytest.raises(ValueError):
                at.switch_page(str(spec.path)).run()


def test_signed_out_visitor_sees_only_the_login_form(open_app):
    at = open_app(None)
    assert not at.exception
    assert [ti.label for ti in at.text_input] == ["نام کاربری", "گذرواژه"]
    with pytest.raises(ValueError):
        at.switch_page(str(PAGES[0].path)).run()


def test_login_form_signs_in_with_demo_password(open_app):
    at = open_app(None)
    at.text_input[0].input("employee")
    at.text_input[1].input("peyvand-demo")
    _submit(at)
    assert at.session_state["authentication_status"] is True
    assert at.session_state["actor"].role == "employee"


def test_wrong_password_and_unknown_user_get_the_same_message(open_app):
    messages = []
    for username in ("employee", "nobody-here"):
        at = open_app(None)
        at.text_input[0].input(username)
        at.text_input[1].input("wrong-password")
        _submit(at)
        messages.append([e.value for e in at.error])
    assert messages[0] == messages[1] == [["نام کاربری یا گذرواژه درست نیست."][0]]


def test_english_labels_on_the_login_page(open_app):
    at = open_app(None, locale="en")
    assert [ti.label for ti in at.text_input] == ["Username", "Password"]


def test_admin_page_refuses_a_non_admin_reaching_it_directly(open_app):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "pages" / "admin.py"))
    at.session_state["actor"] = _actor("employee")
    at.run()
    assert [e.value for e in at.error] == ["شما اجازه انجام این کار را ندارید."]
    assert not at.dataframe


def _actor(username):
    from data_access import db, users

    with db.session_scope() as session:
        return users.active_actor(session, username)


KEY_LIKE = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")


def _visible_texts(at):
    texts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning",
                 "error", "success"):
        texts += [str(element.value) for element in getattr(at, kind)]
    texts += [str(w.label) for w in at.button] + [str(w.label) for w in at.text_input]
    texts += [str(w.label) for w in at.selectbox]
    return texts


@pytest.mark.parametrize("locale", ["fa", "en"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.url or "home")
def test_no_page_shows_a_raw_locale_key(open_app, spec, locale):
    at = open_app("admin", locale=locale)
    at.switch_page(str(spec.path)).run()
    assert not at.exception
    raw = [text for text in _visible_texts(at) if KEY_LIKE.match(text.strip())]
    assert raw == [], f"{spec.file} shows untranslated keys: {raw}"


def _submit(at):
    """Press the sign-in form's button (the language switch is a button too)."""
    next(b for b in at.button if b.label in ("ورود", "Sign in")).click().run()


def _saved_locale(username):
    return set_saved_locale(None, username, None)


def _set_saved_locale(username, value):
    set_saved_locale(None, username, value)


def test_the_sidebar_language_button_switches_and_saves(open_app):
    _set_saved_locale("manager", "fa")
    try:
        at = open_app("manager")
        switch = at.button(key="language_sidebar")
        assert switch.label == "English"
        switch.click().run()
        assert not at.exception
        assert at.session_state["locale"] == "en"
        assert _saved_locale("manager") == "en"
        assert at.button(key="language_sidebar").label == "فارسی"
        assert at.button(key="sign_out").label == "Sign out"
        at.button(key="language_sidebar").click().run()
        assert at.session_state["locale"] == "fa"
        assert _saved_locale("manager") == "fa"
    finally:
        _set_saved_locale("manager", "fa")


def test_a_language_picked_on_the_sign_in_page_is_saved_to_the_account(open_app):
    _set_saved_locale("employee", "fa")
    try:
        at = open_app(None)
        at.button(key="language_login").click().run()
        assert [ti.label for ti in at.text_input] == ["Username", "Password"]
        at.text_input[0].input("employee")
        at.text_input[1].input("peyvand-demo")
        _submit(at)
        assert at.session_state["actor"].role == "employee"
        assert at.session_state["locale"] == "en"
        assert _saved_locale("employee") == "en"
    finally:
        _set_saved_locale("employee", "fa")



@pytest.mark.parametrize(("locale", "words"), [("fa", "پیکربندی"), ("en", "not configured")])
def test_a_bad_survey_key_stops_the_app_with_a_clear_message(open_app, monkeypatch, locale,
                                                              words):
    monkeypatch.setenv("INTRANET_SURVEY_KEY", "too-short")
    at = open_app("employee", locale=locale)
    assert not at.exception
    assert any(words in error.value for error in at.error)


def test_the_sidebar_names_the_app_once(open_app):
    """The first section of the page list is headed by the app's name; the sidebar
    below it does not repeat it."""
    at = open_app("employee")
    assert not at.exception
    assert "پیوند" not in [element.value.strip("*") for element in at.sidebar.markdown]
