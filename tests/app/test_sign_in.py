"""Sign-in as a user meets it: revoked sessions and the throttle's messages."""

from __future__ import annotations

from pathlib import Path

from data_access import db, users

APP_PAGES = Path(__file__).resolve().parents[2] / "pages"


def _submit(at):
    next(b for b in at.button if b.label in ("ورود", "Sign in")).click().run()


def test_first_run_after_the_session_is_revoked_shows_the_sign_in_page(open_app, app_env):
    """Finding 9: this run deleted the cookie twice: StreamlitDuplicateElementKey('delete')."""
    at = open_app("manager")
    assert not at.exception and at.session_state["actor"].username == "manager"
    with db.session_scope(db.get_engine(app_env)) as session:
        users.revoke_sessions(session, at.session_state["actor"].id)  # signed out elsewhere
    at.run()
    assert not at.exception, at.exception[0].stack_trace if at.exception else None
    assert [ti.label for ti in at.text_input] == ["نام کاربری", "گذرواژه"]
    assert [i.value for i in at.info][0] == "نشست شما پایان یافته است. لطفاً دوباره وارد شوید."
    at.run()  # and the next run is a plain sign-in page
    assert not at.exception
    assert "actor" not in at.session_state


def test_an_unknown_name_is_told_it_must_wait_like_a_real_one(open_app):
    answers = {}
    for username in ("user00003", "nobody-at-all"):
        at = open_app(None, locale="en")
        seen = []
        for _ in range(users.CLIENT_LIMIT + 1):
            at.text_input[0].input(username)
            at.text_input[1].input("wrong-password")
            _submit(at)
            seen.append([e.value for e in at.error])
        answers[username] = seen
    assert answers["user00003"] == answers["nobody-at-all"]
    assert answers["nobody-at-all"][0] == ["The username or password is incorrect."]
    assert "locked for 15 minutes" in answers["nobody-at-all"][-1][0]


def test_one_sign_in_checks_the_password_once_and_sets_the_cookie_by_script(open_app,
                                                                            monkeypatch):
    """bcrypt (cost 12 in production) is the sign-in's price: once per attempt, never
    again in the runs that follow. The cookie is written by a document script, not by
    the cookie component, whose answers each reran the whole page."""
    checks = []
    real_verify = users.verify_password
    monkeypatch.setattr(users, "verify_password",
                        lambda *a: checks.append(a[0]) or real_verify(*a))
    at = open_app(None, locale="en")
    at.text_input[0].input("manager")
    at.text_input[1].input("peyvand-demo")
    _submit(at)
    assert not at.exception
    assert at.session_state["actor"].username == "manager"
    assert checks == ["peyvand-demo"]
    scripts = [e.proto.body for e in at.get("html")]
    assert any("document.cookie" in body and "peyvand_auth=" in body for body in scripts)
    at.run()
    at.switch_page(APP_PAGES / "news.py").run()
    assert checks == ["peyvand-demo"]
    assert not [e for e in at.get("component_instance")]  # no cookie component, no iframe
