"""Someone's Markdown (a news body and its preview) reads in its own direction: a Persian
body right to left whatever the interface's language, an English one left to right; code
and addresses do not decide. The theme styles each direction's container, and numbers a
Persian interface's lists in Persian digits."""

from __future__ import annotations

import pytest

from dashboard import theme
from dashboard.ui import writing_direction


@pytest.mark.parametrize(("text", "expected"), [
    ("سامانه **پیوند** از امروز در دسترس است.", "rtl"),
    ("- گزینه Excel را از منوی Reports انتخاب کنید", "rtl"),  # some English words
    ("سلام Excel", "rtl"),  # Persian words are short
    ("Hello سلام world, and welcome", "ltr"),  # an English sentence with a Persian word
    ("The new **Peyvand** portal opens today.", "ltr"),
    ("متن کوتاه\n\n```\nSELECT name FROM users WHERE active = 1 AND role = 'pr';\n```", "rtl"),
    ("[راهنما](https://example.org/a/long/english/path/for/help) را ببینید", "rtl"),
    ("خروجی `export_monthly_report_to_excel` را بگیرید", "rtl"),
    ("1. 2. 3. --- > `x`", None),  # no letters outside code: the interface decides
    ("", None),
])
def test_a_body_reads_in_the_direction_of_its_prose(text, expected):
    assert writing_direction(text) == expected


def test_each_direction_has_its_container_rules():
    assert theme.user_markdown_key("news_body", "rtl") == "user_markdown_rtl_news_body"
    for direction in ("rtl", "ltr"):
        selector = f'[class*="st-key-user_markdown_{direction}_"]'
        assert selector in theme._USER_MARKDOWN
    assert "border-right: 0.2em solid" in theme._USER_MARKDOWN  # the quote's bar, right
    assert "/*" not in theme._USER_MARKDOWN + theme._PERSIAN_LISTS  # st.html drops those


def test_the_persian_interface_numbers_lists_in_persian_digits(monkeypatch):
    drawn = []
    monkeypatch.setattr(theme.st, "html", lambda html, **kwargs: drawn.append(html))
    monkeypatch.setattr(theme.st, "container", lambda **kwargs: _Nothing())
    theme.apply("fa")
    assert "list-style-type: persian" in drawn[0] and "user_markdown_rtl_" in drawn[0]
    drawn.clear()
    theme.apply("en")
    assert "list-style-type: persian" not in drawn[0] and "user_markdown_rtl_" in drawn[0]


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_each_line_of_a_text_area_takes_its_own_direction_in_both_languages():
    assert ".stApp textarea { unicode-bidi: plaintext; }" in theme._SHARED
