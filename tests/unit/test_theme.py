"""The theme's CSS is injected with st.html, which silently drops a snippet
containing a CSS comment (the whole app then loses right-to-left)."""

import json

from dashboard import theme


def test_theme_css_has_no_comments():
    for css in (theme._RTL, theme._LTR, theme._UPLOADER):
        assert "/*" not in css


def test_persian_layout_is_right_to_left():
    assert "direction: rtl" in theme._RTL


def test_shared_and_phone_css_has_no_comments():
    assert "/*" not in theme._SHARED
    assert "/*" not in theme._DOCUMENT_SCRIPT


def test_collapsed_sidebar_leaves_the_page_in_persian():
    """Streamlit slides a collapsed sidebar left; right-to-left it must go right, unseen."""
    assert '[data-testid="stSidebar"][data-collapsed="true"]' in theme._RTL
    assert "visibility: hidden" in theme._RTL


def test_document_settings_follow_the_language():
    fa, en = theme.document_settings("fa"), theme.document_settings("en")
    assert (fa["lang"], fa["dir"], en["lang"], en["dir"]) == ("fa", "rtl", "en", "ltr")
    assert fa["skip"] != en["skip"] and fa["anchor"] != en["anchor"]
    # Streamlit's English full-screen button in a chart's toolbar, renamed by the script.
    assert fa["toolbar"] == {"Fullscreen": "تمام‌صفحه", "Close fullscreen": "خروج از تمام‌صفحه"}
    assert en["toolbar"]["Fullscreen"] == "Full screen"


def test_scale_keys_match_the_phone_css():
    assert theme.scale_key("survey_answer_1_2").startswith(theme._SCALE_PREFIX)
    assert f'[class*="st-key-{theme._SCALE_PREFIX}"]' in theme._SHARED


def test_the_document_script_data_can_never_close_its_script(monkeypatch):
    from dashboard import theme

    monkeypatch.setattr(theme, "translate", lambda key, locale: "</script><img src=x>")
    data = theme.script_data("<b>")
    assert "<" not in data and '"lang": "fa"' in data  # an unknown locale is never echoed
    assert json.loads(data)["skip"] == "</script><img src=x>"  # still the same text in JS
