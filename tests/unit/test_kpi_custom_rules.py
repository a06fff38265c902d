"""Custom KPI values: what counts as a number and as a period of the KPI's frequency."""

from __future__ import annotations

import pytest

from data_access import kpis
from data_access.errors import InvalidInput
from data_access.kpis import Period
from data_access.kpis.values import check_period


@pytest.mark.parametrize("text, expected", [
    ("۱۲٫۵", 12.5), ("١٢٫٥", 12.5), ("12.5", 12.5), ("1,250", 1250.0), ("۸۵٪", 85.0),
    ("-3", -3.0), (" 7 ", 7.0), (0, 0.0), (3.25, 3.25), ("\u200e۴۲", 42.0),
])
def test_values_accept_persian_and_arabic_digits_and_the_persian_decimal_separator(text,
                                                                                   expected):
    assert kpis.parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12,5", "nan", "inf", "1e400", True, None,
                                  "۱۲/۵/۳"])
def test_what_is_not_a_number(text):
    with pytest.raises(InvalidInput) as caught:
        kpis.parse_number(text)
    assert caught.value.key == "kpis.error.number"


@pytest.mark.parametrize("frequency, key, expected", [
    ("month", "1404-07", "1404-07"), ("month", "۱۴۰۴/۷", "1404-07"),
    ("quarter", "1404-q3", "1404-Q3"), ("quarter", "١٤٠٤-Q3", "1404-Q3"),
])
def test_periods_in_any_digits(frequency, key, expected):
    assert check_period(frequency, key).key == expected


@pytest.mark.parametrize("frequency, key, reason", [
    ("month", "1404-Q3", "kpis.error.period_not_month"),
    ("quarter", "1404-07", "kpis.error.period_not_quarter"),
    ("month", Period.current("month").next().key, "kpis.error.period_future"),
    ("quarter", Period.current("quarter").next().key, "kpis.error.period_future"),
    ("month", "", "kpis.error.period"), ("month", None, "kpis.error.period"),
    ("month", "1404-00", "kpis.error.period"),
])
def test_bad_periods(frequency, key, reason):
    with pytest.raises(InvalidInput) as caught:
        check_period(frequency, key)
    assert caught.value.key == reason


def test_the_running_period_takes_values_the_next_one_only_when_asked():
    assert check_period("month", Period.current("month").key) == Period.current("month")
    upcoming = Period.current("month").next()
    assert check_period("month", upcoming.key, allow_future=True) == upcoming
