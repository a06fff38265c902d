"""Persian text normalisation: the one place that decides when two strings are the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.text import normalize_digits, normalize_text, normalize_username, search_key

ZWNJ, ZWSP, ZWJ, LRM, RLM, BOM, SHY = "\u200c", "\u200b", "\u200d", "\u200e", "\u200f", \
    "\ufeff", "\u00ad"


# --- normalize_text: what is stored and shown ------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("علي", "علی"),  # Arabic yeh
    ("مصطفى", "مصطفی"),  # alef maksura
    ("كريم", "کریم"),  # Arabic kaf
    ("مدرسة", "مدرسه"),  # teh marbuta
    ("  ترافیک   و\tحمل\nونقل  ", "ترافیک و حمل ونقل"),  # spaces collapsed and trimmed
    ("a\u00a0b", "a b"),  # no-break space
    ("مُحَمَّد", "محمد"),  # harakat
    ("تهـــران", "تهران"),  # tatweel
    ("Ali REZAEI", "Ali REZAEI"),  # case is kept for display
    ("۱۴۰۳", "۱۴۰۳"),  # digits are kept for display
    ("", ""),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_keeps_the_zero_width_non_joiner():
    # «می‌شود» is correct Persian spelling; the ZWNJ is part of it.
    assert normalize_text("می" + ZWNJ + "شود") == "می" + ZWNJ + "شود"


def test_normalize_text_composes_to_nfc():
    decomposed = "\u0627\u0653"  # alef + madda above
    assert normalize_text(decomposed) == "\u0622"  # آ
    assert normalize_text("Cafe\u0301") == "Café"


def test_normalize_text_drops_control_characters():
    assert normalize_text("سارا\x00 احمدی\x07") == "سارا احمدی"
    assert "\x00" not in search_key("a\x00b")


@given(st.text())
def test_normalize_text_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once


# --- normalize_digits ------------------------------------------------------------

def test_normalize_digits():
    assert normalize_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize_digits("واحد ۱۲ و ٣٤ و 56") == "واحد 12 و 34 و 56"


# --- search_key: what is compared ------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("ترافيك", "ترافیک"),
    ("می" + ZWNJ + "شود", "میشود"),
    ("پیوند" + ZWSP, "پیوند"),
    (ZWJ + "پیوند" + LRM + RLM, "پیوند"),
    (BOM + "name", "name"),
    ("co" + SHY + "operate", "cooperate"),
    ("منطقه ۱۲", "منطقه 12"),
    ("منطقه ١٢", "منطقه 12"),
    ("Public Relations", "public relations"),
    ("STRASSE", "straße"),  # casefold, not lower
    ("  فضای   سبز ", "فضای سبز"),
    ("علی " + ZWSP + " رضایی", "علی رضایی"),  # no double space left behind
    ("\u202bروابط عمومی\u202c", "روابط عمومی"),  # bidi embedding marks
])
def test_equal_looking_text_has_equal_keys(a, b):
    assert search_key(a) == search_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("فضای سبز", "فضایسبز"),  # a real space is not invisible
    ("آب", "اب"),  # alef madda is a different letter
    ("منطقه 1", "منطقه 12"),
])
def test_different_text_has_different_keys(a, b):
    assert search_key(a) != search_key(b)


def test_search_key_is_ascii_digits_and_folded():
    assert search_key("  Ali ۱۲ كريمي ") == "ali 12 کریمی"


@given(st.text())
def test_search_key_is_idempotent_and_has_no_invisible_marks(raw):
    key = search_key(raw)
    assert search_key(key) == key
    assert not set(key) & {ZWNJ, ZWSP, ZWJ, LRM, RLM, BOM, SHY}
    assert key == key.strip() and "  " not in key


# --- normalize_username --------------------------------------------------------

@pytest.mark.parametrize(("typed", "username"), [
    ("Ali.Rezaei", "ali.rezaei"),
    ("  ali.rezaei  ", "ali.rezaei"),
    ("ali rezaei", "alirezaei"),
    ("user۱۲۳", "user123"),
    ("user١٢٣", "user123"),
    ("ali" + ZWNJ + "reza", "alireza"),
    ("ali" + ZWSP + ".reza" + BOM, "ali.reza"),
    ("ADMIN", "admin"),
    ("", ""),
])
def test_normalize_username(typed, username):
    assert normalize_username(typed) == username


@given(st.text())
def test_normalize_username_has_no_whitespace(raw):
    assert not any(ch.isspace() for ch in normalize_username(raw))


def test_clean_line_counts_only_invisible_marks_as_empty_and_names_its_messages():
    from data_access.errors import InvalidInput
    from data_access.text import clean_line

    assert clean_line(" \u200c\t ", "title", 10) is None
    with pytest.raises(InvalidInput) as error:
        clean_line(" \u200c\t ", "title", 10, required=True, required_key="news.errors.x")
    assert (error.value.key, error.value.field) == ("news.errors.x", "title")
    with pytest.raises(InvalidInput) as error:
        clean_line("abcdef", "title", 5, too_long_key="news.errors.y")
    assert (error.value.key, error.value.params) == ("news.errors.y", {"max": 5})


def test_clean_block_keeps_markdown_spacing_when_asked():
    from data_access.text import clean_block

    typed = "  # عنوان\x00\r\n\n\n\n    کد\tبا\u200cفاصله  "
    assert clean_block(typed, "body", 100, markdown=True) == \
        "# عنوان\n\n\n\n    کد\tبا\u200cفاصله"
    assert clean_block(typed, "body", 100) == "# عنوان\n\nکد با\u200cفاصله"
