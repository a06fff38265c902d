"""The theme's CSS is injected with st.html, which silently drops a snippet
containing a CSS comment (the whole app then loses right-to-left)."""

from dashboard import theme


def test_theme_css_has_no_comments():
    for css in (theme._RTL, theme._LTR, theme._UPLOADER):
        assert "/*" not in css


def test_persian_layout_is_right_to_left():
    assert "direction: rtl" in theme._RTL
