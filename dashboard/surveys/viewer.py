"""Who is looking at the survey pages, and how survey values are shown to them.

Display logic only: every rule (who may see which group, what is hidden) is
data_access.surveys's; the viewer carries what the role lets the pages offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.formatting import format_date, format_datetime
from dashboard.i18n import translate
from dashboard.ui import locale
from data_access import surveys
from data_access.permissions import Actor, can

MISSING = "—"


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    lang: str
    may_design: bool
    may_manage_bank: bool
    may_create_actions: bool
    may_view_all: bool

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), can(actor, "design_surveys"),
                   can(actor, "manage_question_bank"), can(actor, "create_action_items"),
                   can(actor, "view_all_results"))

    @property
    def default_group(self) -> int | None:
        """The results group first shown: the whole audience for those who see all
        results, else the viewer's own department."""
        return surveys.default_department(self.actor)

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def when(self, moment: datetime) -> str:
        """An instant as the survey pages show it: long Jalali date and local time."""
        return format_datetime(moment, self.lang, style="long")

    def driver(self, code: str | None, missing: str | None = None) -> str:
        return driver_name(code, self.lang, missing)

    def text(self, fa: str, en: str | None) -> str:
        """Text written in both languages: the viewer's, Persian when no English exists."""
        return (en or fa) if self.lang == "en" else fa

    def group(self, ref: surveys.DepartmentRef) -> str:
        """A results group's name; the whole audience has none of its own."""
        return ref.label(self.lang) or self.t("surveys.whole_audience")

    def wave_label(self, wave: surveys.WaveOption) -> str:
        status = self.t("surveys.results.status_open" if wave.status == "open"
                        else "surveys.results.status_closed")
        return self.t("surveys.results.wave_label", title=wave.title(self.lang),
                      number=wave.number, date=format_date(wave.closes_at, self.lang, "long"),
                      status=status)


def drivers_in_order() -> tuple[str, ...]:
    """Every driver code, eNPS last: the order tables and figures show them in."""
    return (*surveys.DRIVERS, surveys.ENPS_DRIVER)


def driver_name(code: str | None, lang: str, missing: str | None = None) -> str:
    """A driver's name (locale key `surveys.driver.<code>`); `missing` (default:
    "custom") for an item without a known driver."""
    if code in drivers_in_order():
        return translate(f"surveys.driver.{code}", lang)
    return translate("surveys.driver.custom", lang) if missing is None else missing


def likert_label(value: int, lang: str) -> str:
    return translate(f"surveys.likert.{value}", lang)


def enps_anchor(value: int, lang: str) -> str:
    return translate(f"surveys.enps_anchor.{value}", lang)


def isolate(text: str) -> str:
    """User text in its own direction: a Persian comment on an English page (or the
    reverse) keeps its punctuation where its writer put it."""
    return "\u2068" + text + "\u2069"
