"""One whole-number input for every form, in the reader's digits.

``st.number_input`` always shows Western digits. In Persian this input is a text box
that shows the value in Persian digits and reads Persian, Arabic-Indic or Western
digits back; a value that is not a whole number in range gets a message under the
box, in the reader's language, and the input returns None (the caller writes nothing).
In English it is Streamlit's own number input.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.formatting import format_number, to_western_digits
from dashboard.ui import locale, t

__all__ = ["parse_whole_number", "whole_number_input", "whole_number_value"]


def parse_whole_number(text: str, min_value: int, max_value: int) -> int | None:
    """The whole number in `text` (any digits, surrounding spaces and group separators
    allowed), or None when it is empty, not a whole number or outside the range."""
    cleaned = to_western_digits(text or "").strip().replace(",", "").replace("\u066c", "")
    if not cleaned.isascii() or not cleaned.isdigit():
        return None
    number = int(cleaned)
    return number if min_value <= number <= max_value else None


def _widget_key(key: str, lang: str) -> str:
    return f"{key}_{lang}"  # each language its own widget: a switch never mixes their values


def whole_number_value(key: str, *, min_value: int, max_value: int, value: int) -> int | None:
    """What the `whole_number_input` under `key` holds, from session state (for a button's
    callback, which runs before the input is drawn again): the number, `value` if the
    input was not drawn, None when what was typed is not a whole number in range."""
    lang = locale()
    held = st.session_state.get(_widget_key(key, lang))
    if held is None:
        return value
    if lang != "fa":
        return int(held)
    return parse_whole_number(held, min_value, max_value)


def whole_number_input(label: str, *, min_value: int, max_value: int, value: int,
                       key: str, step: int = 1, help: str | None = None,  # noqa: A002
                       where: Any = st) -> int | None:
    """A whole number between `min_value` and `max_value`; None (with a message shown)
    when what the reader typed is not one. `where` is st or a column."""
    lang = locale()
    key = _widget_key(key, lang)
    if lang != "fa":
        return int(where.number_input(label, min_value=min_value, max_value=max_value,
                                      value=value, step=step, key=key, help=help))
    text = where.text_input(label, value=format_number(value, lang).replace("\u066c", ""),
                            key=key, help=help, max_chars=len(str(max_value)) + 4)
    number = parse_whole_number(text, min_value, max_value)
    if number is None:
        where.error(t("errors.whole_number_range", min=format_number(min_value, lang),
                      max=format_number(max_value, lang)))
    return number
