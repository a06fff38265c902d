"""Persian text normalisation: the one place that decides when two strings are
"the same" for usernames, search and uniqueness checks."""

from __future__ import annotations

import re
import unicodedata

# Arabic letter forms that Persian keyboards and old documents still produce.
_LETTERS = str.maketrans({
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک Persian keheh
    "\u0629": "\u0647",  # ة teh marbuta -> ه
})
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Zero-width and bidi control characters that make equal-looking text unequal.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
# Harakat (short-vowel marks) and tatweel are decoration, not identity.
_DECORATION = re.compile("[\u064b-\u065f\u0670\u0640]")
_SPACES = re.compile(r"\s+")
# Control characters that are not whitespace (NUL among them: PostgreSQL text refuses it).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# Marks a name has no use for: bidi embeddings, overrides and isolates (they reorder what
# follows, so a name can show its letters in another order than they are stored),
# and zero-width characters other than the zero-width non-joiner, which Persian
# spelling needs («می‌شود»).
_NAME_INVISIBLE = re.compile(
    "[\u200b\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u180e]")
# In long text (bodies, comments) line breaks and tabs stay; these joiners and marks too.
_KEPT_FORMAT = frozenset("\n\t\u200c\u200d\u200e\u200f")


def normalize_digits(text: str) -> str:
    """Persian and Arabic-Indic digits to ASCII digits."""
    return text.translate(_DIGITS)


def normalize_text(text: str) -> str:
    """Canonical form for display-safe storage of names and titles.

    Keeps zero-width non-joiners (they are correct Persian spelling in
    display text such as «می‌شود») but unifies letters and spaces.
    """
    text = unicodedata.normalize("NFC", text).translate(_LETTERS)
    text = _DECORATION.sub("", _CONTROL.sub("", text))
    return _SPACES.sub(" ", text).strip()


def clean_long_text(text: str) -> str:
    """Long text as typed (Markdown bodies, comments, descriptions): NFC, line breaks as
    \\n, and no control or format characters other than tab, line break and the joiners
    and direction marks Persian needs. NUL among the dropped: PostgreSQL text refuses it,
    so it must never reach a query. Spaces and indentation are kept (Markdown needs them)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text
                   if ch in _KEPT_FORMAT or unicodedata.category(ch)[0] != "C")


def search_key(text: str) -> str:
    """Form used for matching: letters unified, invisible marks removed,
    digits in ASCII, case folded. Two strings match iff their keys match."""
    # Invisible marks go before spaces are collapsed, so «a \u200b b» matches «a b».
    text = normalize_text(_INVISIBLE.sub("", text))
    return normalize_digits(text).casefold()


# Hamza seats that are often typed plainly; folded for matching names only.
_HAMZA = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
                        "\u0624": "\u0648", "\u06c0": "\u0647"})


def name_match_key(text: str) -> str:
    """Looser than `search_key`, for matching a typed name against a short list (a
    department in a CSV file): spaces ignored too, since a zero-width non-joiner is
    typed as a space or as nothing («حمل و نقل», «حمل‌ونقل», «حملونقل»), and hamza
    seats folded."""
    return search_key(text).translate(_HAMZA).replace(" ", "")


def normalize_username(text: str) -> str:
    """Usernames compare by search key and never contain spaces."""
    return search_key(text).replace(" ", "")


# A cell starting with one of these is run as a formula by spreadsheet programs
# when the name reaches a CSV export.
FORMULA_PREFIXES = ("=", "+", "-", "@")
# What export_cell neutralises: the above, the full-width forms some spreadsheets also
# read as them, and leading tab, CR and LF (some programs drop those and look again).
_EXPORT_TRIGGERS = (*FORMULA_PREFIXES, "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r", "\n")


def export_cell(value: object) -> object:
    """A value as a CSV or spreadsheet cell: text that a spreadsheet would run as a
    formula gets a leading apostrophe (shown as text, never run); anything else as is.
    Every export goes through this one guard."""
    if isinstance(value, str) and value.startswith(_EXPORT_TRIGGERS):
        return "'" + value
    return value


def clean_name(value: str | None) -> str:
    """A display name as stored: normalised, without bidi controls and zero-width marks
    (the zero-width non-joiner excepted)."""
    return normalize_text(_NAME_INVISIBLE.sub("", value or ""))


def validated_name(value: str | None, field: str, max_length: int,
                   required: bool = True) -> str | None:
    """A person's or department's name: cleaned, not empty, not too long, and safe to
    export to a spreadsheet. An optional name left empty is None."""
    from data_access.errors import InvalidInput

    name = clean_name(value)
    if not search_key(name):  # only invisible marks is as good as empty
        if not required:
            return None
        raise InvalidInput("errors.required", field=field)
    if len(name) > max_length:
        raise InvalidInput("errors.too_long", field=field, max=max_length)
    if name.startswith(FORMULA_PREFIXES):
        raise InvalidInput("errors.name_formula", field=field)
    return name


def clean_line(value: str | None, field: str, limit: int, required: bool = False,
               exportable: bool = False, *, required_key: str = "errors.required",
               too_long_key: str = "errors.too_long") -> str | None:
    """One line of user text (a title, a label, an option) as stored: normalised,
    None when empty or only invisible marks (InvalidInput when required), InvalidInput
    when longer than `limit`; `exportable` text that a spreadsheet would run as a formula
    is refused. A feature may name its own messages for "required" and "too long"."""
    from data_access.errors import InvalidInput

    text = normalize_text(value or "")
    if not search_key(text):  # only zero-width marks is as good as empty
        if required:
            raise InvalidInput(required_key, field=field)
        return None
    if len(text) > limit:
        raise InvalidInput(too_long_key, field=field, max=limit)
    if exportable and text.startswith(FORMULA_PREFIXES):
        raise InvalidInput("errors.name_formula", field=field)
    return text


def clean_block(value: str | None, field: str, limit: int, required: bool = False, *,
                markdown: bool = False, required_key: str = "errors.required",
                too_long_key: str = "errors.too_long") -> str | None:
    """Several lines of user text (an intro, a description, a comment): each line
    normalised, at most one blank line in a row, no control characters (NUL
    included); None when empty, InvalidInput when required or too long.

    `markdown` text (a news body) keeps its lines as typed, spaces and indentation
    included, since Markdown gives them meaning: only control characters go."""
    from data_access.errors import InvalidInput

    text = clean_long_text(value or "")
    if not markdown:
        text = "\n".join(normalize_text(line) for line in text.split("\n"))
    text = text.strip()
    while not markdown and "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if not text:
        if required:
            raise InvalidInput(required_key, field=field)
        return None
    if len(text) > limit:
        raise InvalidInput(too_long_key, field=field, max=limit)
    return text
