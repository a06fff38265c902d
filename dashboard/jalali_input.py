"""Jalali date and date-time inputs for Streamlit.

``st.date_input`` only knows the Gregorian calendar, so these widgets are built
from selectboxes (day, month by name, year; plus hour and minute) and convert
to Gregorian ``date`` / aware UTC ``datetime`` for storage.

The day list is always 1..31 and impossible dates (31 Mehr, 30 Esfand of a
common year) are rejected after selection: inside an ``st.form`` the option
lists cannot react to the month until the form is submitted.

The boxes are laid out in reading order (day, month, year, hour, minute), the
order of '۵ فروردین ۱۴۰۳ ۱۴:۳۰'; an RTL page shows them right to left.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.formatting import (
    InvalidJalaliDate,
    format_date,
    format_datetime,
    gregorian_to_jalali,
    jalali_month_name,
    jalali_to_gregorian,
    local_today,
    localize_digits,
    tehran_local_to_utc,
    to_display_tz,
)

__all__ = ["jalali_date_input", "jalali_datetime_input", "year_options"]

# Placeholders / screen-reader labels of the parts. Callers may override them
# through ``messages`` with the keys 'day', 'month', 'year', 'hour', 'minute'.
_PART_LABELS: dict[str, dict[str, str]] = {
    "fa": {"day": "روز", "month": "ماه", "year": "سال", "hour": "ساعت", "minute": "دقیقه"},
    "en": {"day": "Day", "month": "Month", "year": "Year", "hour": "Hour", "minute": "Minute"},
}
_YEARS_AROUND_TODAY = 5

_Status = Literal["empty", "partial", "invalid", "ok"]


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
    chosen = [day, month, year]
    if all(part is None for part in chosen):
        return "empty", None
    if day is None or month is None or year is None:
        return "partial", None
    try:
        return "ok", jalali_to_gregorian(year, month, day)
    except InvalidJalaliDate:
        return "invalid", None


def _part_labels(locale: str, messages: Mapping[str, str]) -> dict[str, str]:
    defaults = _PART_LABELS[locale]
    return {part: messages.get(part, text) for part, text in defaults.items()}


def _bounds_error(
    messages: Mapping[str, str], which: Literal["before_min", "after_max"], lo: str, hi: str
) -> None:
    st.error(messages[which].format(min=lo, max=hi))


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
    lo, hi = format_date(min_value, locale, "long"), format_date(max_value, locale, "long")
    if min_value is not None and chosen < min_value:
        _bounds_error(messages, "before_min", lo, hi)
        return None
    if max_value is not None and chosen > max_value:
        _bounds_error(messages, "after_max", lo, hi)
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
    lo, hi = format_datetime(lo_dt, locale, "long"), format_datetime(hi_dt, locale, "long")
    if lo_dt is not None and result < lo_dt:
        _bounds_error(messages, "before_min", lo, hi)
        return None
    if hi_dt is not None and result > hi_dt:
        _bounds_error(messages, "after_max", lo, hi)
        return None
    return result
