"""Jalali reporting periods: months and quarters of the municipality's calendar.

A KPI is reported per period. A period is a Jalali month (1..12) or quarter
(1..4) of a Jalali year; it covers Gregorian dates [start, end) in the
municipality's time zone (`clock.local_today`). Keys are stable strings used in
URLs, CSV files and the database: "1405-03" (month) and "1405-Q2" (quarter);
Persian and Arabic digits are accepted when parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import jdatetime

from data_access import clock

__all__ = ["FREQUENCIES", "Frequency", "Period", "periods_between"]

Frequency = Literal["month", "quarter"]
FREQUENCIES: tuple[Frequency, ...] = ("month", "quarter")

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_MONTH_KEY = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{1,2})\s*$")
_QUARTER_KEY = re.compile(r"^\s*(\d{4})\s*[-/]?\s*[Qq]\s*([1-4])\s*$")


def _jalali_to_gregorian(year: int, month: int, day: int = 1) -> date:
    return jdatetime.date(year, month, day).togregorian()


@dataclass(frozen=True, order=True)
class Period:
    """A Jalali month or quarter. Ordered by (kind, year, number)."""

    kind: Frequency
    year: int
    number: int  # month 1..12 or quarter 1..4

    def __post_init__(self) -> None:
        if self.kind not in FREQUENCIES:
            raise ValueError(f"unknown period kind {self.kind!r}")
        top = 12 if self.kind == "month" else 4
        if not 1 <= self.number <= top or not 1 <= self.year <= 3000:
            raise ValueError(f"no such {self.kind}: {self.year}/{self.number}")

    # --- building ---------------------------------------------------------
    @classmethod
    def containing(cls, day: date, kind: Frequency) -> Period:
        """The period of `kind` that holds the Gregorian date `day`."""
        jd = jdatetime.date.fromgregorian(date=day)
        if kind == "month":
            return cls("month", jd.year, jd.month)
        return cls("quarter", jd.year, (jd.month - 1) // 3 + 1)

    @classmethod
    def current(cls, kind: Frequency, today: date | None = None) -> Period:
        """The period running today (the municipality's today)."""
        return cls.containing(today or clock.local_today(), kind)

    @classmethod
    def parse(cls, text: str) -> Period:
        """"1405-03" / "1405/3" → month; "1405-Q2" → quarter. Raises ValueError."""
        text = str(text).translate(_DIGITS)
        if match := _QUARTER_KEY.match(text):
            return cls("quarter", int(match[1]), int(match[2]))
        if match := _MONTH_KEY.match(text):
            return cls("month", int(match[1]), int(match[2]))
        raise ValueError(f"not a period: {text!r}")

    # --- reading ----------------------------------------------------------
    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.number:02d}" if self.kind == "month" \
            else f"{self.year:04d}-Q{self.number}"

    def __str__(self) -> str:
        return self.key

    @property
    def first_month(self) -> int:
        return self.number if self.kind == "month" else 3 * (self.number - 1) + 1

    @property
    def start(self) -> date:
        """First Gregorian day of the period."""
        return _jalali_to_gregorian(self.year, self.first_month)

    @property
    def end(self) -> date:
        """First Gregorian day after the period (exclusive bound)."""
        return self.next().start

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def next(self) -> Period:
        top = 12 if self.kind == "month" else 4
        if self.number == top:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.number + 1)

    def previous(self) -> Period:
        top = 12 if self.kind == "month" else 4
        if self.number == 1:
            return Period(self.kind, self.year - 1, top)
        return Period(self.kind, self.year, self.number - 1)

    def shift(self, steps: int) -> Period:
        period = self
        for _ in range(abs(steps)):
            period = period.next() if steps > 0 else period.previous()
        return period

    def months(self) -> tuple[Period, ...]:
        """The months of this period (itself for a month)."""
        if self.kind == "month":
            return (self,)
        return tuple(Period("month", self.year, self.first_month + i) for i in range(3))

    def quarter(self) -> Period:
        return Period.containing(self.start, "quarter")

    def is_future(self, today: date | None = None) -> bool:
        """Starts after today: no value can be reported for it yet."""
        return self.start > (today or clock.local_today())

    def is_complete(self, today: date | None = None) -> bool:
        return self.end <= (today or clock.local_today())


def periods_between(first: Period, last: Period) -> Iterator[Period]:
    """first..last inclusive, both of the same kind."""
    if first.kind != last.kind:
        raise ValueError("periods of different kinds")
    period = first
    while period <= last:
        yield period
        period = period.next()
