"""Jalali date and date-time inputs for Streamlit.

``st.date_input`` only knows the Gregorian calendar, so these widgets are built
from selectboxes (day, month by name, year; plus hour and minute) and convert
to Gregorian ``date`` / aware UTC ``datetime`` for storage.

The day list is always 1..31 and impossible dates (31 Mehr, 30 Esfand of a
common year) are rejected after selection: inside an ``st.form`` the option
lists cannot react to the month until the form is submitted.

The boxes are laid out in reading order (day, month, year, hour, minute), the
order of '۵ فروردین ۱۴۰۳ ۱۴:۳۰'; an RTL page shows them right to left.

``jalali_datetime_text_input`` is the compact form of ``jalali_datetime_input``
(issue 10: five dropdowns for one date-time): one text field for the Jalali date
('۱۴۰۵/۰۹/۱۰', any digits, / or -) and one for the time ('۰۹:۳۰'), with the
weekday and the Gregorian date echoed underneath. Streamlit 1.67's ``st.date_input``
and ``st.time_input`` are Gregorian with Latin digits, so they are not used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.form_utils import is_in_form

from dashboard.formatting import (
    InvalidJalaliDate,
    format_date,
    format_datetime,
    gregorian_to_jalali,
    jalali_days_in_month,
    jalali_month_name,
    jalali_to_gregorian,
    local_today,
    localize_digits,
    parse_jalali_date,
    tehran_local_to_utc,
    to_display_tz,
    to_western_digits,
)

__all__ = [
    "jalali_date_input",
    "jalali_datetime_input",
    "jalali_datetime_text_input",
    "DateTimeReading",
    "datetime_text_value",
    "input_rejected",
    "jalali_date_value",
    "parse_clock_time",
    "read_datetime_text",
    "year_options",
]

# Placeholders / screen-reader labels of the parts. Callers may override them
# through ``messages`` with the keys 'day', 'month', 'year', 'hour', 'minute'.
_PART_LABELS: dict[str, dict[str, str]] = {
    "fa": {"day": "روز", "month": "ماه", "year": "سال", "hour": "ساعت", "minute": "دقیقه"},
    "en": {"day": "Day", "month": "Month", "year": "Year", "hour": "Hour", "minute": "Minute"},
}
_YEARS_AROUND_TODAY = 5

_Status = Literal["empty", "partial", "invalid", "ok"]

_GREGORIAN_MONTHS: dict[str, tuple[str, ...]] = {
    "fa": ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر",
           "اکتبر", "نوامبر", "دسامبر"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
# Directional marks pasted from messengers, and the time separators people type.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CLOCK_TEXT = re.compile(r"(\d{1,2})\s*[:٫.]\s*(\d{2})", re.ASCII)
_DATE_PARTS = re.compile(r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})", re.ASCII)


def _check_locale(locale: str) -> None:
    if locale not in _PART_LABELS:
        raise ValueError(f"locale must be 'fa' or 'en', got {locale!r}")


def _local_date(d: date | None) -> date | None:
    # A datetime here is an instant (UTC in the DB); its date is the Tehran one.
    return to_display_tz(d).date() if isinstance(d, datetime) else d


def year_options(
    value: date | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
    today: date | None = None,
) -> list[int]:
    """Jalali years offered: today's year ±5, clipped to min/max, always including value.

    Years before ``min_value`` or after ``max_value`` could only produce errors,
    so the bounds replace the ±5 window on their side (widening or narrowing it).
    """
    this_year = gregorian_to_jalali(today or local_today())[0]
    lo, hi = this_year - _YEARS_AROUND_TODAY, this_year + _YEARS_AROUND_TODAY
    if min_value is not None:
        lo = gregorian_to_jalali(min_value)[0]
        hi = max(hi, lo)
    if max_value is not None:
        hi = gregorian_to_jalali(max_value)[0]
        lo = min(lo, hi)
    if value is not None:
        value_year = gregorian_to_jalali(value)[0]
        lo, hi = min(lo, value_year), max(hi, value_year)
    return list(range(lo, hi + 1))


def _index(options: list[int], selected: int | None) -> int | None:
    return options.index(selected) if selected in options else None


def _date_parts(
    columns: list[DeltaGenerator],
    *,
    key: str,
    locale: str,
    value: date | None,
    years: list[int],
    disabled: bool,
    labels: Mapping[str, str],
) -> tuple[_Status, date | None]:
    """Render day/month/year selectboxes into three columns and read them back."""
    jy, jm, jd = gregorian_to_jalali(value) if value is not None else (None, None, None)
    day_col, month_col, year_col = columns
    days, months = list(range(1, 32)), list(range(1, 13))
    common = {"disabled": disabled, "label_visibility": "collapsed"}
    day = day_col.selectbox(
        labels["day"],
        days,
        index=_index(days, jd),
        format_func=lambda d: localize_digits(str(d), locale),
        key=f"{key}__d",
        placeholder=labels["day"],
        **common,
    )
    month = month_col.selectbox(
        labels["month"],
        months,
        index=_index(months, jm),
        format_func=lambda m: jalali_month_name(m, locale),
        key=f"{key}__m",
        placeholder=labels["month"],
        **common,
    )
    year = year_col.selectbox(
        labels["year"],
        years,
        index=_index(years, jy),
        format_func=lambda y: localize_digits(str(y), locale),
        key=f"{key}__y",
        placeholder=labels["year"],
        **common,
    )
    return _date_from_parts(day, month, year)


def _date_from_parts(day: int | None, month: int | None, year: int | None
                     ) -> tuple[_Status, date | None]:
    if day is None and month is None and year is None:
        return "empty", None
    if day is None or month is None or year is None:
        return "partial", None
    try:
        return "ok", jalali_to_gregorian(year, month, day)
    except InvalidJalaliDate:
        return "invalid", None


def jalali_date_value(key: str) -> date | None:
    """The date the ``jalali_date_input`` under ``key`` holds, from session state (for a
    button's callback, which runs before the input is drawn again); None while it is
    empty, incomplete or not in the calendar (the input itself says why when drawn).
    Bounds are not checked."""
    return _date_from_parts(*(st.session_state.get(f"{key}__{part}") for part in "dmy"))[1]


def _part_labels(locale: str, messages: Mapping[str, str]) -> dict[str, str]:
    defaults = _PART_LABELS[locale]
    return {part: messages.get(part, text) for part, text in defaults.items()}


def _bounds_message(
    chosen: date | datetime,
    lo: date | datetime | None,
    hi: date | datetime | None,
    messages: Mapping[str, str],
    show: Callable[[date | datetime | None], str],
) -> str | None:
    """The message for a value before ``lo`` or after ``hi`` (both shown with ``show``,
    as ``{min}`` and ``{max}``), or None when it is within them."""
    if lo is not None and chosen < lo:
        which = "before_min"
    elif hi is not None and chosen > hi:
        which = "after_max"
    else:
        return None
    return messages[which].format(min=show(lo), max=show(hi))


def jalali_date_input(
    label: str,
    *,
    key: str,
    value: date | None = None,
    locale: str,
    min_value: date | None = None,
    max_value: date | None = None,
    help: str | None = None,
    messages: Mapping[str, str],
    disabled: bool = False,
) -> date | None:
    """A Jalali date picker returning a Gregorian ``date``, or None.

    ``value=None`` starts empty (like ``st.date_input(value=None)``); pass
    ``local_today()`` for today. Returns None while empty, and None with an
    ``st.error`` for an incomplete or non-existent date (``messages['invalid_date']``)
    or one outside [min_value, max_value] (``messages['before_min']`` /
    ``['after_max']``, formatted with ``min=`` and ``max=`` as long Jalali dates).
    Widget keys are ``f'{key}__d'``, ``__m``, ``__y``. Works inside ``st.form``.
    """
    _check_locale(locale)
    value, min_value, max_value = map(_local_date, (value, min_value, max_value))
    if min_value is not None and max_value is not None and min_value > max_value:
        raise ValueError("min_value is after max_value")

    st.markdown(label, help=help)
    columns = list(st.columns([1, 1.6, 1.2], gap="small"))
    status, chosen = _date_parts(
        columns,
        key=key,
        locale=locale,
        value=value,
        years=year_options(value, min_value, max_value),
        disabled=disabled,
        labels=_part_labels(locale, messages),
    )
    if status == "empty":
        return None
    if chosen is None:
        st.error(messages["invalid_date"])
        return None
    problem = _bounds_message(chosen, min_value, max_value, messages,
                              lambda d: format_date(d, locale, "long"))
    if problem is not None:
        st.error(problem)
        return None
    return chosen


def jalali_datetime_input(
    label: str,
    *,
    key: str,
    value: datetime | None = None,
    locale: str,
    messages: Mapping[str, str],
    min_value: datetime | None = None,
    max_value: datetime | None = None,
    help: str | None = None,
    minute_step: int = 5,
    disabled: bool = False,
) -> datetime | None:
    """A Jalali date plus Tehran wall-clock hour and minute; returns an aware UTC datetime.

    ``value``/``min_value``/``max_value`` are instants (aware, or naive = UTC).
    Minutes are offered every ``minute_step`` (plus the value's own minute).
    Same empty/error behaviour as ``jalali_date_input``; bounds are shown with
    ``format_datetime``. Extra widget keys: ``f'{key}__hh'``, ``f'{key}__mm'``.
    """
    _check_locale(locale)
    if not 1 <= minute_step <= 60:
        raise ValueError("minute_step must be in 1..60")
    # Aware instants throughout, so naive-UTC and aware values compare safely.
    local, lo_dt, hi_dt = (
        to_display_tz(v) if v is not None else None for v in (value, min_value, max_value)
    )
    if lo_dt is not None and hi_dt is not None and lo_dt > hi_dt:
        raise ValueError("min_value is after max_value")
    labels = _part_labels(locale, messages)

    st.markdown(label, help=help)
    columns = list(st.columns([1, 1.6, 1.2, 1, 1], gap="small"))
    status, chosen = _date_parts(
        columns[:3],
        key=key,
        locale=locale,
        value=local.date() if local else None,
        years=year_options(
            local.date() if local else None,
            lo_dt.date() if lo_dt else None,
            hi_dt.date() if hi_dt else None,
        ),
        disabled=disabled,
        labels=labels,
    )
    hours = list(range(24))
    minutes = sorted(set(range(0, 60, minute_step)) | ({local.minute} if local else set()))

    def two_digits(n: int) -> str:
        return localize_digits(f"{n:02d}", locale)

    common = {"disabled": disabled, "label_visibility": "collapsed", "format_func": two_digits}
    hour = columns[3].selectbox(
        labels["hour"],
        hours,
        index=_index(hours, local.hour if local else None),
        key=f"{key}__hh",
        placeholder=labels["hour"],
        **common,
    )
    minute = columns[4].selectbox(
        labels["minute"],
        minutes,
        index=_index(minutes, local.minute if local else None),
        key=f"{key}__mm",
        placeholder=labels["minute"],
        **common,
    )

    if status == "empty" and hour is None and minute is None:
        return None
    if chosen is None or hour is None or minute is None:
        st.error(messages["invalid_date"])
        return None
    result = tehran_local_to_utc(chosen, hour, minute)
    problem = _datetime_bounds(result, lo_dt, hi_dt, locale, messages)
    if problem is not None:
        st.error(problem)
        return None
    return result


def _datetime_bounds(result: datetime, lo_dt: datetime | None, hi_dt: datetime | None,
                     locale: str, messages: Mapping[str, str]) -> str | None:
    """The bounds check and messages both date-time inputs share (long Jalali date-times)."""
    return _bounds_message(result, lo_dt, hi_dt, messages,
                           lambda moment: format_datetime(moment, locale, "long"))


def parse_clock_time(text: str) -> tuple[int, int]:
    """'۰۹:۳۰', '9:30', '٩.٣٠' -> (9, 30); ValueError unless 00:00..23:59."""
    cleaned = to_western_digits(_INVISIBLE.sub("", text)).strip()
    match = _CLOCK_TEXT.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not a time: {text!r}")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"no such time: {text!r}")
    return hour, minute


def date_text_error(text: str, locale: str, messages: Mapping[str, str]) -> str | None:
    """None if ``text`` is a Jalali date that exists, else the message to show.

    A well-formed date missing from the calendar (31 Mehr, 30 Esfand of a common year)
    says how many days that month has; anything else asks for year/month/day.
    """
    try:
        parse_jalali_date(text)
        return None
    except InvalidJalaliDate as error:
        reason = error.reason
    example = format_date(local_today(), locale)
    parts = _DATE_PARTS.fullmatch(to_western_digits(_INVISIBLE.sub("", text)).strip())
    if reason != "day" or parts is None:
        return messages.get("bad_format", messages["invalid_date"]).format(example=example)
    year, month, day = int(parts[1]), int(parts[3]), int(parts[4])
    template = messages.get("not_in_calendar", messages["invalid_date"])
    return template.format(
        text=localize_digits(f"{year}/{month:02d}/{day:02d}", locale),
        month=jalali_month_name(month, locale),
        year=localize_digits(str(year), locale),
        days=localize_digits(str(jalali_days_in_month(year, month)), locale),
    )


def _echo(d: date, locale: str, messages: Mapping[str, str]) -> str:
    """'یکشنبه ۵ فروردین ۱۴۰۳ — میلادی: ۲۴ مارس ۲۰۲۴': the weekday and the Gregorian date."""
    gregorian = localize_digits(
        f"{d.day} {_GREGORIAN_MONTHS[locale][d.month - 1]} {d.year}", locale)
    jalali = format_date(d, locale, "long", weekday=True)
    template = messages.get("echo", "{jalali} — {gregorian}")
    return template.format(jalali=jalali, gregorian=gregorian)


@dataclass(frozen=True)
class DateTimeReading:
    """What a ``jalali_datetime_text_input``'s two fields say: the instant (None while
    empty or refused), the messages for a refusal, and the date's echo (weekday and
    Gregorian date) once the date is valid."""

    value: datetime | None
    errors: tuple[str, ...] = ()
    echo: str | None = None

    @property
    def rejected(self) -> bool:
        return bool(self.errors)


def read_datetime_text(
    date_text: str | None,
    time_text: str | None,
    *,
    locale: str,
    messages: Mapping[str, str],
    min_value: datetime | None = None,
    max_value: datetime | None = None,
) -> DateTimeReading:
    """Read a Jalali date text and an 'HH:MM' text (Tehran time) without drawing anything.

    The one reading of ``jalali_datetime_text_input``: the widget draws what this says,
    and a button's callback (which runs before the widget is drawn) reads the fields'
    values through ``datetime_text_value``.
    """
    _check_locale(locale)
    lo_dt, hi_dt = (to_display_tz(v) if v is not None else None for v in (min_value, max_value))
    date_text, time_text = (date_text or "").strip(), (time_text or "").strip()
    if not date_text and not time_text:
        return DateTimeReading(None)
    errors: list[str] = []
    chosen: date | None = None
    echo: str | None = None
    if date_text:
        problem = date_text_error(date_text, locale, messages)
        if problem is None:
            chosen = parse_jalali_date(date_text)
            echo = _echo(chosen, locale, messages)
        else:
            errors.append(problem)
    clock: tuple[int, int] | None = None
    if time_text:
        try:
            clock = parse_clock_time(time_text)
        except ValueError:
            errors.append(messages.get("bad_time", messages["invalid_date"]).format(
                example=localize_digits("09:30", locale)))
    if not date_text or not time_text:
        errors.append(messages.get("missing_part", messages["invalid_date"]))
    if errors or chosen is None or clock is None:
        return DateTimeReading(None, tuple(errors), echo)
    result = tehran_local_to_utc(chosen, *clock)
    problem = _datetime_bounds(result, lo_dt, hi_dt, locale, messages)
    if problem is not None:
        return DateTimeReading(None, (problem,), echo)
    return DateTimeReading(result, (), echo)


def datetime_text_value(
    key: str,
    *,
    locale: str,
    messages: Mapping[str, str],
    min_value: datetime | None = None,
    max_value: datetime | None = None,
) -> DateTimeReading:
    """The reading of the ``jalali_datetime_text_input`` under ``key``, from session state:
    for a button's callback, which runs before the input is drawn again. A field not
    drawn in the last run reads as empty."""
    return read_datetime_text(
        st.session_state.get(f"{key}__date"), st.session_state.get(f"{key}__time"),
        locale=locale, messages=messages, min_value=min_value, max_value=max_value)


def _in_persian_digits(field_key: str) -> None:
    """In fa, what was typed in Latin (or Arabic-Indic) digits reads back in Persian
    digits on the next run, like the caption under the field."""
    text = st.session_state.get(field_key)
    persian = localize_digits(to_western_digits(text), "fa") if text else text
    if persian != text:
        st.session_state[field_key] = persian


def _persian_digits_after_change(field_key: str, locale: str, where: DeltaGenerator) -> dict:
    """The field's on_change that puts its digits in Persian (fa only). A field inside a
    form may have no on_change (its value arrives with the submit): there it is done
    before the field is drawn again, which is the same next run."""
    if locale != "fa":
        return {}
    if is_in_form(where):
        _in_persian_digits(field_key)
        return {}
    return {"on_change": _in_persian_digits, "args": (field_key,)}


def jalali_datetime_text_input(
    label: str,
    *,
    key: str,
    value: datetime | None = None,
    locale: str,
    messages: Mapping[str, str],
    min_value: datetime | None = None,
    max_value: datetime | None = None,
    help: str | None = None,
    disabled: bool = False,
) -> datetime | None:
    """One Jalali date field and one Tehran 'HH:MM' field; returns an aware UTC datetime.

    Same contract as ``jalali_datetime_input``: None while both fields are empty; None
    with an ``st.error`` for a half-filled, malformed or non-existent date or time, or
    one outside [min_value, max_value]. The date accepts Persian, Arabic-Indic or Latin
    digits and '/' or '-'; in fa, what was typed is shown in Persian digits on the next
    run. Widget keys ``f'{key}__date'`` and ``f'{key}__time'``.
    ``messages`` as from ``dashboard.ui.date_messages``; only 'invalid_date',
    'before_min' and 'after_max' are required.
    """
    _check_locale(locale)
    local, lo_dt, hi_dt = (
        to_display_tz(v) if v is not None else None for v in (value, min_value, max_value)
    )
    if lo_dt is not None and hi_dt is not None and lo_dt > hi_dt:
        raise ValueError("min_value is after max_value")

    # An example, not a value: an empty optional field must not look filled in.
    example = messages.get("example", "{example}")
    st.markdown(label, help=help)
    date_col, time_col = st.columns([3, 2], gap="small")
    date_text = date_col.text_input(
        messages.get("field_date", _PART_LABELS[locale]["day"]),
        value=format_date(local.date(), locale) if local else "",
        key=f"{key}__date",
        placeholder=example.format(example=format_date(local_today(), locale)),
        max_chars=16,
        disabled=disabled,
        label_visibility="collapsed",
        **_persian_digits_after_change(f"{key}__date", locale, date_col),
    )
    time_text = time_col.text_input(
        messages.get("field_time", _PART_LABELS[locale]["hour"]),
        value=localize_digits(f"{local.hour:02d}:{local.minute:02d}", locale) if local else "",
        key=f"{key}__time",
        placeholder=example.format(example=localize_digits("09:00", locale)),
        max_chars=8,
        disabled=disabled,
        label_visibility="collapsed",
        **_persian_digits_after_change(f"{key}__time", locale, time_col),
    )
    reading = read_datetime_text(date_text, time_text, locale=locale, messages=messages,
                                 min_value=min_value, max_value=max_value)
    if reading.echo is not None:
        date_col.caption(reading.echo)
    for message in reading.errors:
        st.error(message)
    st.session_state[_rejected_key(key)] = reading.rejected
    return reading.value


def _rejected_key(key: str) -> str:
    return f"{key}__rejected"


def input_rejected(*keys: str) -> bool:
    """True if a ``jalali_datetime_text_input`` drawn in this run showed an error.

    The input returns None both when left empty and when refused; a caller that would
    read None as "no time" (publish now, never expire) checks this before writing.
    """
    return any(st.session_state.get(_rejected_key(key), False) for key in keys)
