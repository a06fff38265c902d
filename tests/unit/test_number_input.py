"""Whole numbers typed in any of the digits a Persian keyboard or a phone may give."""

from __future__ import annotations

import pytest

from dashboard.number_input import parse_whole_number


@pytest.mark.parametrize("text, expected", [
    ("۵", 5), ("٥", 5), ("5", 5), (" ۱۲ ", 12), ("۱٬۰۰۰", 1000), ("1,000", 1000),
    ("۰", 0),
])
def test_every_digit_script_is_read(text, expected):
    assert parse_whole_number(text, 0, 1000) == expected


@pytest.mark.parametrize("text", ["", " ", "۲", "1001", "-5", "۵٫۵", "5.5", "پنج", "5a", "²"])
def test_anything_else_or_out_of_range_is_none(text):
    assert parse_whole_number(text, 3, 1000) is None
