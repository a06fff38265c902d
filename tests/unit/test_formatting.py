"""Display formatting: digits, separators, Jalali dates and the Tehran time zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.formatting import (
    InvalidJalaliDate,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_signed,
    format_time,
    gregorian_to_jalali,
    is_jalali_leap_year,
    jalali_days_in_month,
    jalali_month_bounds,
    jalali_month_name,
    jalali_to_gregorian,
    localize_digits,
    parse_jalali_date,
    tehran_local_to_utc,
    to_display_tz,
    to_persian_digits,
    to_western_digits,
    weekday_names,
)
from data_access.clock import display_zone

LRM = "\u200e"
MINUS = "\u2212"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Gregorian 1900..2200 is Jalali 1278..1579: far wider than the app will ever see.
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


# --- digits -------------------------------------------------------------------


def test_to_persian_digits_converts_western_and_arabic_indic() -> None:
    assert to_persian_digits("0123456789") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_persian_digits("٠١٢٣٤٥٦٧٨٩") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_persian_digits("ساعت 14:30") == "ساعت ۱۴:۳۰"


def test_to_western_digits_converts_persian_and_arabic_indic() -> None:
    assert to_western_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert to_western_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_localize_digits_by_locale() -> None:
    assert localize_digits("Room 12 / اتاق ۳", "fa") == "Room ۱۲ / اتاق ۳"
    assert localize_digits("Room 12 / اتاق ۳", "en") == "Room 12 / اتاق 3"


@pytest.mark.parametrize("bad", ["FA", "de", "", None])
def test_unknown_locale_fails_loudly(bad: str) -> None:
    with pytest.raises(ValueError):
        localize_digits("1", bad)
    with pytest.raises(ValueError):
        format_number(1, bad)


@given(st.text())
def test_digit_conversion_round_trips_western_text(text: str) -> None:
    western = to_western_digits(text)
    assert to_western_digits(to_persian_digits(western)) == western


# --- numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "locale", "decimals", "expected"),
    [
        (0, "fa", 0, "۰"),
        (999, "fa", 0, "۹۹۹"),
        (1234567, "fa", 0, "۱٬۲۳۴٬۵۶۷"),
        (1234567, "en", 0, "1,234,567"),
        (1234.5, "fa", 1, "۱٬۲۳۴٫۵"),
        (1234.5, "en", 2, "1,234.50"),
        (2.5, "fa", 0, "۲"),  # Python rounds half to even
        (0.75, "fa", 2, "۰٫۷۵"),
        (-1234, "fa", 0, LRM + MINUS + "۱٬۲۳۴"),
        (-1234, "en", 0, MINUS + "1,234"),
        (-0.4, "fa", 0, "۰"),  # no "minus zero" after rounding
    ],
)
def test_format_number(x: float, locale: str, decimals: int, expected: str) -> None:
    assert format_number(x, locale, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf")])
def test_missing_numbers_show_a_dash(missing: float | None) -> None:
    assert format_number(missing, "fa") == "—"
    assert format_percent(missing, "en") == "—"
    assert format_signed(missing, "fa") == "—"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_fa_and_en_numbers_differ_only_in_script(n: int) -> None:
    fa = format_number(n, "fa").replace(LRM, "").replace("٬", ",")
    assert to_western_digits(fa) == format_number(n, "en")


def test_format_percent_takes_a_ratio() -> None:
    assert format_percent(0.75, "fa") == "۷۵٪"
    assert format_percent(0.75, "en") == "75%"
    assert format_percent(0.755, "fa", 1) == "۷۵٫۵٪"
    assert format_percent(1, "en") == "100%"
    assert format_percent(-0.05, "en") == MINUS + "5%"


@pytest.mark.parametrize(
    ("x", "locale", "expected"),
    [
        (12, "en", "+12"),
        (12, "fa", LRM + "+۱۲"),
        (-5, "en", MINUS + "5"),
        (-5, "fa", LRM + MINUS + "۵"),
        (0, "en", "0"),
        (0, "fa", "۰"),
        (-0.3, "en", "0"),
        (100, "fa", LRM + "+۱۰۰"),
    ],
)
def test_format_signed_for_enps(x: float, locale: str, expected: str) -> None:
    assert format_signed(x, locale) == expected


def test_format_signed_with_decimals() -> None:
    assert format_signed(1.25, "en", 1) == "+1.2"
    assert format_signed(-1.25, "fa", 2) == LRM + MINUS + "۱٫۲۵"


# --- calendar names -----------------------------------------------------------


def test_month_names() -> None:
    assert jalali_month_name(1, "fa") == "فروردین"
    assert jalali_month_name(12, "fa") == "اسفند"
    assert jalali_month_name(1, "en") == "Farvardin"
    assert [jalali_month_name(m, "en") for m in range(1, 13)] == [
        "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
    ]  # fmt: skip
    for bad in (0, 13):
        with pytest.raises(ValueError):
            jalali_month_name(bad, "fa")


def test_weekday_names_start_on_saturday() -> None:
    fa, en = weekday_names("fa"), weekday_names("en")
    assert len(fa) == len(en) == 7
    assert fa[0] == "شنبه" and fa[-1] == "جمعه"
    assert en[0] == "Saturday" and en[-1] == "Friday"
    # A copy: callers cannot corrupt the module's table.
    fa.clear()
    assert weekday_names("fa")[0] == "شنبه"


# --- Jalali <-> Gregorian -----------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1403, 1, 1), date(2024, 3, 20)),
        ((1404, 1, 1), date(2025, 3, 21)),
        ((1403, 12, 30), date(2025, 3, 20)),
        ((1402, 12, 29), date(2024, 3, 19)),
        ((1399, 12, 30), date(2021, 3, 20)),
        ((1379, 10, 11), date(2000, 12, 31)),
    ],
)
def test_known_conversions(jalali: tuple[int, int, int], gregorian: date) -> None:
    assert jalali_to_gregorian(*jalali) == gregorian
    assert gregorian_to_jalali(gregorian) == jalali


def test_leap_years_and_month_lengths() -> None:
    assert is_jalali_leap_year(1403) and is_jalali_leap_year(1399)
    assert not is_jalali_leap_year(1404) and not is_jalali_leap_year(1402)
    assert jalali_days_in_month(1404, 6) == 31
    assert jalali_days_in_month(1404, 7) == 30
    assert jalali_days_in_month(1403, 12) == 30
    assert jalali_days_in_month(1404, 12) == 29


def test_jalali_to_gregorian_rejects_non_existent_days() -> None:
    with pytest.raises(InvalidJalaliDate) as info:
        jalali_to_gregorian(1404, 12, 30)
    assert info.value.reason == "day"
    with pytest.raises(InvalidJalaliDate) as info:
        jalali_to_gregorian(1404, 13, 1)
    assert info.value.reason == "month"


def test_month_bounds() -> None:
    assert jalali_month_bounds(1403, 1) == (date(2024, 3, 20), date(2024, 4, 19))
    assert jalali_month_bounds(1403, 12) == (date(2025, 2, 19), date(2025, 3, 20))
    assert jalali_month_bounds(1404, 12) == (date(2026, 2, 20), date(2026, 3, 20))


@given(DATES)
def test_round_trip_gregorian_jalali_gregorian(d: date) -> None:
    y, m, day = gregorian_to_jalali(d)
    assert 1 <= m <= 12 and 1 <= day <= jalali_days_in_month(y, m)
    assert jalali_to_gregorian(y, m, day) == d


@given(DATES)
def test_next_day_is_next_jalali_day(d: date) -> None:
    y, m, day = gregorian_to_jalali(d)
    ny, nm, nd = gregorian_to_jalali(d + timedelta(days=1))
    if day < jalali_days_in_month(y, m):
        assert (ny, nm, nd) == (y, m, day + 1)
    elif m < 12:
        assert (ny, nm, nd) == (y, m + 1, 1)
    else:
        assert (ny, nm, nd) == (y + 1, 1, 1)


@given(DATES, st.sampled_from(["fa", "en"]))
def test_short_format_parses_back(d: date, locale: str) -> None:
    assert parse_jalali_date(format_date(d, locale)) == d


@given(DATES)
def test_month_bounds_contain_the_date(d: date) -> None:
    y, m, _ = gregorian_to_jalali(d)
    first, last = jalali_month_bounds(y, m)
    assert first <= d <= last
    assert gregorian_to_jalali(first)[2] == 1
    assert gregorian_to_jalali(last + timedelta(days=1))[2] == 1


# --- parsing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1403/01/05",
        "1403-01-05",
        "۱۴۰۳/۰۱/۰۵",
        "۱۴۰۳-۰۱-۰۵",
        "١٤٠٣/٠١/٠٥",
        "  1403/1/5  ",
        "\u200f۱۴۰۳/۰۱/۰۵\u200f",  # RLM marks pasted from Persian text
        "\t1403/01/05\n",
    ],
)
def test_parse_accepts_digits_and_separators(text: str) -> None:
    assert parse_jalali_date(text) == date(2024, 3, 24)


def test_parse_leap_day() -> None:
    assert parse_jalali_date("1403/12/30") == date(2025, 3, 20)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "format"),
        ("abc", "format"),
        ("1403/01", "format"),
        ("1403/01-05", "format"),  # mixed separators
        ("14030105", "format"),
        ("03/01/05", "format"),
        ("1403/001/05", "format"),
        ("1403.01.05", "format"),
        ("0000/01/01", "format"),
        ("1403/13/01", "month"),
        ("1403/00/10", "month"),
        ("1404/12/30", "day"),  # 1404 is not leap
        ("1402/07/31", "day"),  # Mehr has 30 days
        ("1403/01/32", "day"),
        ("1403/01/00", "day"),
    ],
)
def test_parse_errors_by_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidJalaliDate) as info:
        parse_jalali_date(text)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


@given(st.text(alphabet=st.sampled_from("0123456789۰۱۲۳۴۵۶۷۸۹/- x\u200f"), max_size=14))
def test_parse_never_fails_with_another_error(text: str) -> None:
    try:
        result = parse_jalali_date(text)
    except InvalidJalaliDate as exc:
        assert exc.reason in {"format", "month", "day"}
    else:
        assert isinstance(result, date)


def test_invalid_jalali_date_pickles_with_reason() -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(InvalidJalaliDate("day", "1404/12/30")))
    assert copy.reason == "day" and "1404/12/30" in str(copy)


# --- dates and instants ------------------------------------------------------


def test_format_date_short_and_long() -> None:
    d = date(2024, 3, 24)
    assert format_date(d, "fa") == "۱۴۰۳/۰۱/۰۵"
    assert format_date(d, "en") == "1403/01/05"
    assert format_date(d, "fa", "long") == "۵ فروردین ۱۴۰۳"
    assert format_date(d, "en", "long") == "5 Farvardin 1403"
    assert format_date(None, "fa") == "—"
    with pytest.raises(ValueError):
        format_date(d, "fa", "medium")  # type: ignore[arg-type]


def test_format_date_with_weekday() -> None:
    # 2024-03-20 (1 Farvardin 1403) was a Wednesday.
    assert format_date(date(2024, 3, 20), "fa", "long", weekday=True) == "چهارشنبه ۱ فروردین ۱۴۰۳"
    assert format_date(date(2024, 3, 23), "en", "long", weekday=True) == (
        "Saturday, 4 Farvardin 1403"
    )


def test_format_date_outside_the_jalali_range_is_shown_not_raised() -> None:
    # A stored 9999-12-31 once crashed the page that listed it.
    assert format_date(date(9999, 12, 31), "fa", "long") == "۹۹۹۹-۱۲-۳۱"
    assert format_date(date(9999, 12, 31), "en") == "9999-12-31"
    assert format_date(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "en") == "9999-12-31"


def test_format_date_of_an_instant_uses_tehran_date() -> None:
    # 22:00 UTC on 20 March 2025 is already 1 Farvardin 1404 (01:30) in Tehran.
    assert format_date(datetime(2025, 3, 20, 22, 0, tzinfo=UTC), "en") == "1404/01/01"


def test_format_datetime_converts_utc_to_tehran() -> None:
    aware = datetime(2024, 3, 24, 11, 0, tzinfo=UTC)
    assert format_datetime(aware, "fa") == "۱۴۰۳/۰۱/۰۵ ۱۴:۳۰"
    assert format_datetime(aware, "en") == "1403/01/05 14:30"
    assert format_datetime(aware, "en", "long") == "5 Farvardin 1403 14:30"
    assert format_time(aware, "fa") == "۱۴:۳۰"
    assert format_datetime(None, "fa") == "—"


def test_naive_datetimes_are_utc() -> None:
    assert format_datetime(datetime(2024, 3, 24, 11, 0), "en") == "1403/01/05 14:30"


def test_other_offsets_are_converted() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2024, 3, 24, 13, 0, tzinfo=plus_two), "en") == (
        "1403/01/05 14:30"
    )


def test_conversion_crosses_midnight_and_nowruz() -> None:
    assert format_datetime(datetime(2025, 3, 20, 21, 0, tzinfo=UTC), "en") == "1404/01/01 00:30"


def test_no_daylight_saving_since_2022() -> None:
    summer = datetime(2024, 7, 1, 10, 0, tzinfo=UTC)
    assert to_display_tz(summer).utcoffset() == timedelta(hours=3, minutes=30)
    assert format_datetime(summer, "en").endswith("13:30")


def test_tehran_local_to_utc() -> None:
    result = tehran_local_to_utc(date(2024, 3, 24), 14, 30)
    assert result == datetime(2024, 3, 24, 11, 0, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)
    # Local midnight on 1 Farvardin 1404 is still 20 March in UTC.
    assert tehran_local_to_utc(date(2025, 3, 21), 0, 0) == datetime(2025, 3, 20, 20, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        tehran_local_to_utc(date(2024, 3, 24), 24, 0)


# Tehran has had no DST since 2022, so from 2023 every local time exists once.
@given(st.dates(date(2023, 1, 1), date(2200, 12, 31)), st.integers(0, 23), st.integers(0, 59))
def test_local_time_round_trip(d: date, hh: int, mm: int) -> None:
    local = to_display_tz(tehran_local_to_utc(d, hh, mm))
    assert (local.date(), local.hour, local.minute) == (d, hh, mm)


def test_display_tz_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRANET_TIMEZONE", "UTC")
    assert format_datetime(datetime(2024, 3, 24, 11, 0, tzinfo=UTC), "en") == "1403/01/05 11:00"


def _display_tz_in_subprocess(value: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTRANET_TIMEZONE": value}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import dashboard.formatting; from data_access.clock import display_zone;"
            " print(display_zone().key)",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_display_tz_default_and_env_override() -> None:
    assert display_zone().key == os.environ.get("INTRANET_TIMEZONE", "Asia/Tehran")
    done = _display_tz_in_subprocess("Asia/Kabul")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Asia/Kabul"


def test_unknown_display_tz_fails_at_import() -> None:
    done = _display_tz_in_subprocess("Mars/Olympus")
    assert done.returncode != 0
    assert "INTRANET_TIMEZONE" in done.stderr
