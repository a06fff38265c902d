"""Parsing behind the one-field Jalali date and 'HH:MM' time (issue 10)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.formatting import parse_jalali_date
from dashboard.i18n import translate
from dashboard.jalali_input import date_text_error, parse_clock_time


def messages(locale: str) -> dict[str, str]:
    names = ("bad_format", "not_in_calendar", "bad_time", "missing_part", "echo")
    return {"invalid_date": translate("date.invalid", locale),
            **{name: translate(f"date.{name}", locale) for name in names}}


@pytest.mark.parametrize("text", ["۱۴۰۵/۰۹/۱۰", "١٤٠٥/٠٩/١٠", "1405/09/10", "1405-9-10",
                                  " ۱۴۰۵-۰۹-۱۰ ", "\u200f۱۴۰۵/۰۹/۱۰"])
def test_a_date_in_any_digits_and_either_separator(text: str) -> None:
    assert parse_jalali_date(text) == date(2026, 12, 1)
    assert date_text_error(text, "fa", messages("fa")) is None


def test_a_day_missing_from_the_calendar_says_how_long_the_month_is() -> None:
    # 1404 is a common year: Esfand has 29 days; 1403 is leap: 30, never 31.
    assert date_text_error("۱۴۰۴/۱۲/۳۰", "fa", messages("fa")) == \
        "تاریخ ۱۴۰۴/۱۲/۳۰ در تقویم وجود ندارد: اسفند سال ۱۴۰۴ ۲۹ روز دارد."
    assert date_text_error("1403/12/31", "en", messages("en")) == \
        "1403/12/31 does not exist in the Jalali calendar: Esfand 1403 has 30 days."
    assert date_text_error("1403/7/31", "fa", messages("fa")).startswith(
        "تاریخ ۱۴۰۳/۰۷/۳۱ در تقویم وجود ندارد: مهر سال ۱۴۰۳ ۳۰ روز دارد")
    assert date_text_error("1403/12/30", "fa", messages("fa")) is None


@pytest.mark.parametrize("text", ["", "فردا", "1405/13/01", "05/09/10", "1405/09", "1405/09-10",
                                  "1405/00/10"])
def test_anything_else_asks_for_year_month_day(text: str) -> None:
    problem = date_text_error(text, "fa", messages("fa"))
    assert problem is not None and problem.startswith("تاریخ را به شکل سال/ماه/روز بنویسید")
    assert not any(c.isascii() and c.isdigit() for c in problem)  # Persian digits only


@pytest.mark.parametrize(("text", "expected"), [
    ("۰۹:۳۰", (9, 30)), ("9:30", (9, 30)), ("٢٣:٥٩", (23, 59)), ("00:00", (0, 0)),
    ("8.05", (8, 5)), (" ۷ : ۰۵ ", (7, 5)), ("۱۴٫۳۰", (14, 30)),
])
def test_clock_times(text: str, expected: tuple[int, int]) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "930", "9:3", "ساعت ۹", "", "9:30 pm"])
def test_impossible_or_unreadable_times(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock_time(text)
