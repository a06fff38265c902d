"""User Markdown never loads anything from outside the app (issue 7, finding 11): whatever
image form an author uses, no image with an outside source survives `safe_markdown`, and
names placed in Markdown labels show literally through `escape_markdown`.

The check parses the output with a CommonMark parser (Streamlit's renderer follows
CommonMark too) and looks at every image it would draw."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.ui import escape_markdown, safe_markdown
from tests.markdown_images import PARSER, image_sources, outside_images

OWN = "app/static/news/logo.png"
outside = outside_images


EVIL = "https://evil.example/p.png"
FORMS = [
    f"![x]({EVIL})",
    f"![]({EVIL})",
    f'![x]({EVIL} "title")',
    f"![x](<{EVIL}>)",
    f"text ![x]({EVIL}) text",
    f"![a][r]\n\n[r]: {EVIL}",
    f"![a][]\n\n[a]: {EVIL}",
    f"![r]\n\n[r]: {EVIL}",
    f"[![x]({EVIL})](https://example.org)",
    f"![![x]({EVIL})]({EVIL})",
    f"* item ![x]({EVIL})",
    f"> ![x]({EVIL})",
    f"| a |\n|---|\n| ![x]({EVIL}) |",
    f"# ![x]({EVIL})",
    f"**![x]({EVIL})**",
    f"\\\\![x]({EVIL})",  # an escaped backslash, then a real image
    "![x](//evil.example/p.png)",
    f"![x](app/static/../../{EVIL})",
    f"![x](app/static/x.png \"t\")![y]({EVIL})",
    f"![a\\](app/static/x.png)]({EVIL})",  # alt text that closes later
    f"![a`](app/static/x.png)`]({EVIL})",  # a code span inside the alt text
    f"![x](app/static/x.png){EVIL}",
    "![x](http://app/static/x.png)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,AAAA)",
    f"```\n![x]({EVIL})\n```\n![y]({EVIL})",
    f"`code` ![x]({EVIL}) `code`",
    f"<img src=\"{EVIL}\">",
    f"<{EVIL}>",
    EVIL,
]


@pytest.mark.parametrize("markdown", FORMS)
def test_no_image_from_outside_survives(markdown):
    assert outside(safe_markdown(markdown)) == []


def test_the_forms_above_are_real_images_before():
    """Guards the test itself: most forms would load the outside image unchanged."""
    assert sum(bool(outside(form)) for form in FORMS) >= 20


def test_images_of_the_app_own_files_stay():
    for markdown in (f"![logo]({OWN})", f"![](/{OWN})", f"text ![لوگو]({OWN}) text"):
        assert safe_markdown(markdown) == markdown
        assert image_sources(safe_markdown(markdown)) in ([OWN], ["/" + OWN])


def test_other_markdown_is_untouched():
    body = "# عنوان\n\n**پررنگ** و [پیوند](https://example.org) و `کد`!\n\n- یک\n- دو\n"
    assert safe_markdown(body) == body


def test_the_author_still_sees_where_the_image_pointed():
    # The image becomes an ordinary link: nothing is fetched until someone clicks.
    html = PARSER.render(safe_markdown(f"![نمودار]({EVIL})"))
    assert "<img" not in html and f'<a href="{EVIL}">نمودار</a>' in html


PIECES = ["![", "]", "[", "(", ")", "<", ">", "`", "\\", "\n", "\n\n", " ", "x", "!", "*",
          "app/static/x.png", EVIL, "[r]: " + EVIL + "\n", "[r]", "\"t\"", "|", "---", "> ",
          "```", "    "]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_no_arrangement_of_markdown_pieces_loads_an_outside_image(pieces):
    assert outside(safe_markdown("".join(pieces))) == []


@pytest.mark.parametrize("name", [f"![x]({EVIL})", f"[x]({EVIL})", "<img src=x>",
                                  ":material/warning: :red[x]", "**bold** _it_ `code`",
                                  "# heading", "- item", "1. item", "$x$"])
def test_names_in_labels_show_literally(name):
    html = PARSER.render(escape_markdown(name))
    assert "<img" not in html and "<a " not in html and "<strong" not in html
    assert "<h1" not in html and "<li" not in html and "<code" not in html
