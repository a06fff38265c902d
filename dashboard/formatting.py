"""The one place that turns numbers, dates and instants into display text.

Every page formats through here so that Persian digits, Jalali dates and the
Tehran time zone are applied the same way everywhere. Locale is always the
string ``'fa'`` or ``'en'``; both locales show the Jalali calendar (this is an
Iranian municipality), ``'en'`` just uses Western digits and transliterated
month names.

The database stores instants in UTC and dates as Gregorian ``datetime.date``;
conversion happens only here, at the edge. This module must not import
Streamlit so that it stays usable from jobs, exports and tests.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from numbers import Real
from typing import Literal

import jdatetime

from data_access.clock import display_zone, local_today, to_local

__all__ = [
    "MISSING",
    "InvalidJalaliDate",
    "DateStyle",
    "to_persian_digits",
    "to_western_digits",
    "localize_digits",
    "format_number",
    "format_percent",
    "format_signed",
    "format_date",
    "format_time",
    "format_datetime",
    "jalali_month_name",
    "weekday_names",
    "parse_jalali_date",
    "jalali_to_gregorian",
    "gregorian_to_jalali",
    "is_jalali_leap_year",
    "jalali_days_in_month",
    "jalali_month_bounds",
    "to_display_tz",
    "local_today",
    "tehran_local_to_utc",
]

DateStyle = Literal["short", "long"]
LOCALES = ("fa", "en")


# The zone of every displayed instant and every "today" is data_access.clock's,
# read at call time; checked once here so a wrong name fails at start-up with
# the variable's name rather than on first render.
display_zone()

# --- digits -----------------------------------------------------------------

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_WESTERN_DIGITS = "0123456789"
_TO_PERSIAN = str.maketrans(_WESTERN_DIGITS + _ARABIC_INDIC_DIGITS, _PERSIAN_DIGITS * 2)
_TO_WESTERN = str.maketrans(_PERSIAN_DIGITS + _ARABIC_INDIC_DIGITS, _WESTERN_DIGITS * 2)

# Persian number punctuation (CLDR 'fa'): U+066C thousands, U+066B decimal.
_FA_GROUP = "\u066c"  # ٬
_FA_DECIMAL = "\u066b"  # ٫
_FA_PERCENT = "\u066a"  # ٪
# A real minus sign, not a hyphen. In 'fa' the sign is preceded by LRM (as in
# CLDR) so that inside right-to-left text it stays on the left of the digits.
_LRM = "\u200e"
_MINUS = {"fa": _LRM + "\u2212", "en": "\u2212"}
_PLUS = {"fa": _LRM + "+", "en": "+"}
MISSING = "—"


def _check_locale(locale: str) -> None:
    # A typo such as 'FA' or None should fail loudly in development instead of
    # silently rendering the wrong digits.
    if locale not in LOCALES:
        raise ValueError(f"locale must be 'fa' or 'en', got {locale!r}")


def to_persian_digits(s: str) -> str:
    """Western and Arabic-Indic digits to Persian (Extended Arabic-Indic) digits."""
    return s.translate(_TO_PERSIAN)


def to_western_digits(s: str) -> str:
    """Persian and Arabic-Indic digits to ASCII digits."""
    return s.translate(_TO_WESTERN)


def localize_digits(s: str, locale: str) -> str:
    """Digits of ``s`` in the script of ``locale`` (other characters untouched)."""
    _check_locale(locale)
    return to_persian_digits(s) if locale == "fa" else to_western_digits(s)


# --- numbers ----------------------------------------------------------------


def _is_missing(x: object) -> bool:
    # pandas hands us NaN for missing cells; show them like None.
    return x is None or (isinstance(x, Real) and not math.isfinite(float(x)))


def _signed_parts(x: float | int, locale: str, decimals: int) -> tuple[int, str]:
    """(sign -1/0/+1, magnitude text) with separators and digits localised.

    The sign is decided after rounding so that -0.4 shows as '0', not '−0'.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    text = f"{abs(x):,.{decimals}f}"
    sign = 0 if not any(ch in "123456789" for ch in text) else (-1 if x < 0 else 1)
    if locale == "fa":
        # Swap through a placeholder: ',' and '.' would otherwise clobber each other.
        text = text.replace(",", "\0").replace(".", _FA_DECIMAL).replace("\0", _FA_GROUP)
        text = to_persian_digits(text)
    return sign, text


def format_number(x: int | float | None, locale: str, decimals: int = 0) -> str:
    """Number with thousands separators, e.g. '۱۲٬۳۴۵' / '12,345'; '—' for None/NaN."""
    _check_locale(locale)
    if _is_missing(x):
        return MISSING
    assert x is not None
    sign, text = _signed_parts(x, locale, decimals)
    return _MINUS[locale] + text if sign < 0 else text


def format_percent(x: int | float | None, locale: str, decimals: int = 0) -> str:
    """A ratio as a percentage: 0.75 -> '۷۵٪' (fa) / '75%' (en); '—' for None/NaN.

    ``x`` is a ratio (like Python's ``'{:%}'`` and d3's ``'%'`` tick format),
    so a share computed as ``count / total`` can be passed directly.
    """
    _check_locale(locale)
    if _is_missing(x):
        return MISSING
    assert x is not None
    sign, text = _signed_parts(x * 100, locale, decimals)
    prefix = _MINUS[locale] if sign < 0 else ""
    return prefix + text + (_FA_PERCENT if locale == "fa" else "%")


def format_signed(x: int | float | None, locale: str, decimals: int = 0) -> str:
    """Number with an explicit sign, for eNPS and deltas: '+12', '−5', '0'."""
    _check_locale(locale)
    if _is_missing(x):
        return MISSING
    assert x is not None
    sign, text = _signed_parts(x, locale, decimals)
    return {-1: _MINUS[locale], 0: "", 1: _PLUS[locale]}[sign] + text


# --- calendar names ---------------------------------------------------------

_MONTHS = {
    "fa": (
        "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
        "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
    ),
    "en": (
        "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
    ),
}  # fmt: skip
# Saturday first: the Persian week starts on Saturday. ZWNJ (U+200C) is the
# correct spelling of سه‌شنبه and پنج‌شنبه.
_WEEKDAYS = {
    "fa": ("شنبه", "یکشنبه", "دوشنبه", "سه\u200cشنبه", "چهارشنبه", "پنج\u200cشنبه", "جمعه"),
    "en": ("Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
}


def jalali_month_name(month: int, locale: str) -> str:
    """Name of Jalali month 1..12: 1 -> 'فروردین' / 'Farvardin'."""
    _check_locale(locale)
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month must be 1..12, got {month}")
    return _MONTHS[locale][month - 1]


def weekday_names(locale: str) -> list[str]:
    """The seven weekday names starting on Saturday."""
    _check_locale(locale)
    return list(_WEEKDAYS[locale])


def _weekday_name(d: date, locale: str) -> str:
    # date.weekday(): Monday=0 … Saturday=5, so shift by 2 to start at Saturday.
    return _WEEKDAYS[locale][(d.weekday() + 2) % 7]


# --- Jalali <-> Gregorian ---------------------------------------------------


class InvalidJalaliDate(ValueError):
    """A Jalali date that is malformed or does not exist.

    ``reason`` is ``'format'`` (not Y/M/D text, or year out of range),
    ``'month'`` (not 1..12) or ``'day'`` (not a day of that month and year).
    """

    def __init__(self, reason: Literal["format", "month", "day"], detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"invalid Jalali date ({reason}){': ' + detail if detail else ''}")

    def __reduce__(self) -> tuple[type[InvalidJalaliDate], tuple[str, str]]:
        # Keep ``reason`` when pickled (e.g. across processes).
        return (type(self), (self.reason, self.detail))


def is_jalali_leap_year(year: int) -> bool:
    """True if Esfand of ``year`` has 30 days."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def jalali_days_in_month(year: int, month: int) -> int:
    """31 for months 1–6, 30 for 7–11, 29 or 30 for Esfand."""
    if not 1 <= month <= 12:
        raise InvalidJalaliDate("month", f"month {month}")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_jalali_leap_year(year) else 29


def jalali_to_gregorian(y: int, m: int, d: int) -> date:
    """Gregorian date of Jalali y/m/d; raises InvalidJalaliDate if it does not exist."""
    if not jdatetime.MINYEAR <= y <= jdatetime.MAXYEAR:
        raise InvalidJalaliDate("format", f"year {y}")
    if not 1 <= d <= jalali_days_in_month(y, m):
        raise InvalidJalaliDate("day", f"{y}/{m}/{d}")
    try:
        return jdatetime.date(y, m, d).togregorian()
    except (ValueError, OverflowError) as exc:  # e.g. beyond Gregorian year 9999
        raise InvalidJalaliDate("format", f"{y}/{m}/{d}") from exc


def gregorian_to_jalali(d: date) -> tuple[int, int, int]:
    """(year, month, day) in the Jalali calendar.

    Pure calendar conversion: a datetime contributes its own calendar date, with
    no time-zone shift (use ``to_display_tz`` first for UTC instants).
    """
    if isinstance(d, datetime):
        d = d.date()
    j = jdatetime.date.fromgregorian(date=d)
    return j.year, j.month, j.day


def jalali_month_bounds(y: int, m: int) -> tuple[date, date]:
    """First and last Gregorian dates (both inclusive) of Jalali month y/m."""
    first = jalali_to_gregorian(y, m, 1)
    return first, first + timedelta(days=jalali_days_in_month(y, m) - 1)


# Directional marks and stray invisibles that sneak in when dates are pasted
# from Persian documents or messengers.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_DATE_TEXT = re.compile(r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})", re.ASCII)


def parse_jalali_date(text: str) -> date:
    """Parse 'YYYY/MM/DD' or 'YYYY-MM-DD' (Persian, Arabic-Indic or Western digits).

    Returns the Gregorian date; raises InvalidJalaliDate with reason 'format',
    'month' or 'day'.
    """
    if not isinstance(text, str):
        raise InvalidJalaliDate("format", f"not text: {type(text).__name__}")
    cleaned = to_western_digits(_INVISIBLE.sub("", text)).strip()
    match = _DATE_TEXT.fullmatch(cleaned)
    if match is None:
        raise InvalidJalaliDate("format", repr(text))
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    if not 1 <= month <= 12:
        raise InvalidJalaliDate("month", repr(text))
    return jalali_to_gregorian(year, month, day)


# --- time zone --------------------------------------------------------------


def to_display_tz(dt: datetime) -> datetime:
    """An instant in the display zone. Naive datetimes are taken as UTC (DB convention)."""
    return to_local(dt)


def tehran_local_to_utc(d: date, hh: int, mm: int) -> datetime:
    """Aware UTC instant for wall-clock ``hh:mm`` on Gregorian date ``d`` in the display zone."""
    local = datetime.combine(d, time(hh, mm), tzinfo=display_zone())
    return local.astimezone(UTC)


# --- dates and instants -----------------------------------------------------


def format_date(
    d: date | None, locale: str, style: DateStyle = "short", *, weekday: bool = False
) -> str:
    """Jalali date text.

    short: '۱۴۰۳/۰۱/۰۵' / '1403/01/05'; long: '۵ فروردین ۱۴۰۳' / '5 Farvardin 1403'.
    ``weekday=True`` (long style only) prefixes the day name: 'یکشنبه ۵ فروردین ۱۴۰۳',
    'Sunday, 5 Farvardin 1403'. A datetime is treated as an instant and converted
    to the display zone first; '—' for None.
    """
    _check_locale(locale)
    if d is None:
        return MISSING
    try:
        if isinstance(d, datetime):
            d = to_display_tz(d).date()
        y, m, day = gregorian_to_jalali(d)
    except (ValueError, OverflowError):
        # A stored date the Jalali calendar code cannot convert (year 9999): shown as it
        # is, in Gregorian, rather than failing the whole page.
        return localize_digits(d.isoformat()[:10], locale)
    if style == "short":
        return localize_digits(f"{y:04d}/{m:02d}/{day:02d}", locale)
    if style != "long":
        raise ValueError(f"style must be 'short' or 'long', got {style!r}")
    text = localize_digits(f"{day} {_MONTHS[locale][m - 1]} {y}", locale)
    if weekday:
        sep = " " if locale == "fa" else ", "
        text = _weekday_name(d, locale) + sep + text
    return text


def format_time(dt: datetime | None, locale: str) -> str:
    """Wall-clock 'HH:MM' of an instant in the display zone: '۱۴:۳۰'; '—' for None."""
    _check_locale(locale)
    if dt is None:
        return MISSING
    local = to_display_tz(dt)
    return localize_digits(f"{local.hour:02d}:{local.minute:02d}", locale)


def format_datetime(dt: datetime | None, locale: str, style: DateStyle = "short") -> str:
    """Instant in the display zone: '۱۴۰۳/۰۱/۰۵ ۱۴:۳۰' (short) or '۵ فروردین ۱۴۰۳ ۱۴:۳۰' (long).

    Naive datetimes are treated as UTC; '—' for None.
    """
    _check_locale(locale)
    if dt is None:
        return MISSING
    local = to_display_tz(dt)
    return f"{format_date(local.date(), locale, style)} {format_time(local, locale)}"
