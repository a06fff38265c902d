"""The profile says which language is in use, in words, beside the switch."""

from __future__ import annotations

import pytest

PROFILE = "profile.py"


@pytest.mark.parametrize("locale, shown, switch", [("fa", "**زبان:** فارسی", "English"),
                                                   ("en", "**Language:** English", "فارسی")])
def test_profile_names_the_current_language_and_offers_the_other(open_app, locale, shown,
                                                                 switch):
    at = open_app("employee", PROFILE, locale=locale)
    assert not at.exception
    assert shown in [m.value for m in at.markdown]
    assert at.button(key="language_profile").label == switch
