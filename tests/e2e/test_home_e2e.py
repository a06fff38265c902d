"""Each role's home page in a real browser: on a phone in Persian (no sideways scroll,
nothing over the page, right to left) with the role's own sections, and on a desktop in
English; screenshots in tests/e2e/artifacts/ to look at."""

from __future__ import annotations

import pytest

from dashboard.i18n import translate
from tests.e2e.conftest import login, screenshot, settle
from tests.e2e.test_mobile_e2e import _assert_usable, _open, _phone_login, phone  # noqa: F401

# A heading only this role's home shows (the demo has something to say in each).
OWN = {"employee": "home.occasions.title", "manager": "home.actions.team_title",
       "pr": "home.reach.title", "admin": "home.health.title"}


def _heading(key: str, lang: str) -> str:
    # The part before the first placeholder: "{days}", "{count}" vary.
    return translate(key, lang).split("{")[0].strip()


@pytest.mark.parametrize("username", list(OWN))
def test_each_role_home_on_a_phone_in_persian(phone, live_app, username):  # noqa: F811
    _phone_login(phone, live_app, username)
    _open(phone, f"{live_app.url}/")
    _assert_usable(phone, f"{username} /")
    main = phone.locator('[data-testid="stMain"]').inner_text()
    assert _heading(OWN[username], "fa") in main
    screenshot(phone, f"home_{username}_fa_phone")


@pytest.mark.parametrize("username", ["manager", "admin"])
def test_home_in_english_on_a_desktop(page, live_app, username):
    login(page, live_app, username, locale="en")
    settle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert _heading(OWN[username], "en") in main
    screenshot(page, f"home_{username}_en")
