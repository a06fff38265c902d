"""Who is looking at the KPI page, and how KPI values, periods and statuses are shown
to them. Display logic only: data_access.kpis decides what each role may read and
write (scope, suppression, who enters which values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboard.formatting import (
    MISSING,
    format_number,
    format_signed,
    jalali_month_name,
    localize_digits,
)
from dashboard.i18n import translate
from dashboard.ui import locale
from data_access.kpis import Period
from data_access.permissions import Actor, can

# Status: a colour, a word and an icon, never colour alone. Worst first.
STATUS_ORDER = ("off_track", "at_risk", "on_track")
STATUS_BADGE = {"on_track": "green", "at_risk": "orange", "off_track": "red", None: "gray"}
STATUS_ICON = {"on_track": ":material/check_circle:", "at_risk": ":material/warning:",
               "off_track": ":material/error:", None: ":material/remove:"}
# Light enough for dark digits on a heatmap cell, told apart by lightness as well as hue.
STATUS_COLOR = {"on_track": "#8FC9A9", "at_risk": "#F4DA9A", "off_track": "#E79A8C"}
STATUS_LINE = {"on_track": "#2F7D57", "at_risk": "#B7791F", "off_track": "#B23B2A"}


def status_word(status: str | None, lang: str) -> str:
    return translate(f"kpis.status.{status or 'none'}", lang)


def quarter_name(number: int, lang: str) -> str:
    """A Jalali quarter by its season (the first quarter is spring)."""
    return translate(f"kpis.ui.quarter.{number}", lang)


def group_name(group: str, lang: str) -> str:
    return translate(f"kpis.group.{group}", lang)


def period_label(period: Period, lang: str) -> str:
    """"فروردین ۱۴۰۵" / "Farvardin 1405"; a quarter by its season: "بهار ۱۴۰۵"."""
    if period.kind == "month":
        name = jalali_month_name(period.number, lang)
    else:
        name = quarter_name(period.number, lang)
    return localize_digits(f"{name} {period.year}", lang)


def kpi_name(kpi: Any, lang: str) -> str:
    """A built-in's name comes from the locale files; a custom KPI carries its own."""
    if kpi.source == "builtin":
        return translate(f"kpis.builtin.{kpi.code}.name", lang)
    return (kpi.name_en or kpi.name_fa or kpi.code) if lang == "en" \
        else (kpi.name_fa or kpi.name_en or kpi.code)


def kpi_description(kpi: Any, lang: str) -> str:
    if kpi.source == "builtin":
        return translate(f"kpis.builtin.{kpi.code}.formula", lang)
    return (kpi.description_en or kpi.description_fa or "") if lang == "en" \
        else (kpi.description_fa or kpi.description_en or "")


def format_kpi_value(value: float | None, unit: str, decimals: int, lang: str) -> str:
    """A value in the KPI's unit: percentages (0–100) with the percent sign, the rest
    as numbers; the locale's digits either way."""
    if value is None:
        return MISSING
    text = format_number(value, lang, decimals)
    if unit == "percent":
        return text + ("٪" if lang == "fa" else "%")
    return text


def format_change(change: float | None, decimals: int, lang: str) -> str | None:
    return None if change is None else format_signed(change, lang, decimals)


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    lang: str
    may_define: bool  # pr, admin: define custom KPIs, set built-in targets
    may_enter: bool  # manager, pr, admin: enter values (data_access decides for which)

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), can(actor, "define_kpis"), can(actor, "enter_kpi_values"))

    @property
    def views(self) -> list[str]:
        names = ["cards", "trend", "compare", "heatmap", "report"]
        if self.may_enter:
            names += ["entry", "import"]
        names.append("history")
        if self.may_define:
            names.append("definitions")
        return names

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def name(self, kpi: Any) -> str:
        return kpi_name(kpi, self.lang)

    def value(self, kpi: Any, value: float | None) -> str:
        return format_kpi_value(value, kpi.unit, kpi.decimals, self.lang)

    def period(self, period: Period) -> str:
        return period_label(period, self.lang)

    def status(self, status: str | None) -> str:
        return status_word(status, self.lang)
