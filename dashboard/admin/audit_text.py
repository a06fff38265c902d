"""An audit entry as a person reads it: what happened in words, to which record, and
its details as translated "field: value" phrases with Jalali local times, never the
stored codes or JSON. Pure (no Streamlit) so every action and field is tested."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from dashboard.formatting import (
    MISSING,
    format_date,
    format_datetime,
    format_number,
    localize_digits,
)
from dashboard.i18n import catalog, translate
from data_access.audit import AuditRow

# Every action data_access records (constants and the names built at run time:
# news life-cycle steps and meeting transitions); a test checks it against the calls.
# (Written as words in one string per area: they are codes, not locale keys.)
ACTIONS = tuple("""
    action_item.announce action_item.create action_item.note action_item.status
    department.activate department.create department.deactivate department.move
    department.rename
    kpi.define kpi.update kpi_value.enter kpi_value.import kpi_value.remove
    meeting.agenda_add meeting.agenda_remove meeting.approve meeting.attendance meeting.cancel
    meeting.decision meeting.decision_status meeting.hold meeting.next_in_series meeting.reopen
    meeting.schedule meeting.sign_off meeting.update
    meeting_type.add
    news.archive news.category.activate news.category.create news.category.deactivate
    news.comment.hide news.comment.show news.comments.disable news.comments.enable news.create
    news.delete news.edit news.expire news.pin news.publish news.schedule news.unpin
    news.withdraw
    survey.close_wave survey.create survey.stop
    survey_bank.add
    user.activate user.change_password user.create user.deactivate user.import user.locked
    user.reset_password user.update
""".split())
# Every entity type data_access records (the `entity` of each audit.record call).
ENTITIES = ("user", "department", "announcement", "announcement_comment", "news_category",
            "survey", "survey_wave", "survey_bank_item", "action_item", "meeting", "decision",
            "meeting_type", "kpi", "kpi_value")
DEPARTMENT_FIELDS = {"department_id", "parent_id", "old_parent", "new_parent", "audience",
                     "reporting_department_ids"}
# Fields whose values are codes with their own translation, by the key pattern.
CODED = {"role": "roles.{}", "locale": "locale.{}", "priority": "news.priority.{}",
         "stage": "news.stage.{}", "stage_before": "news.stage.{}", "status": "news.stage.{}",
         "cadence": "surveys.cadence.{}", "driver": "surveys.driver.{}",
         "choice": "meetings.sign_off.{}", "source": "audit.value.source.{}",
         "scope": "audit.value.scope.{}", "cover": "audit.value.cover.{}",
         "unit": "kpis.unit.{}"}
# What "old"/"new" hold, by the action that recorded them.
OLD_NEW = {"action_item.status": "surveys.actions.status.{}",
           "meeting.decision_status": "meetings.decision_status.{}",
           **{f"meeting.{a}": "meetings.status.{}" for a in ("hold", "cancel", "approve",
                                                            "reopen")}}
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AuditLine:
    when: str
    who: str
    what: str
    record: str
    details: str


def action_label(action: str, lang: str) -> str:
    key = f"audit.action.{action}"
    return translate(key, lang) if key in catalog(lang) else translate("audit.action.other", lang)


def entity_label(entity: str, lang: str) -> str:
    key = f"audit.entity.{entity}"
    return translate(key, lang) if key in catalog(lang) else translate("audit.entity.other", lang)


class _Values:
    """Turns one stored detail value into display text, field by field."""

    def __init__(self, action: str, lang: str, department: Callable[[int], str]) -> None:
        self.action, self.lang, self.department = action, lang, department

    def coded(self, pattern: str, value: object) -> str:
        key = pattern.format(value)
        return translate(key, self.lang) if key in catalog(self.lang) else str(value)

    def one(self, field: str, value: object) -> str:
        lang = self.lang
        if value is None or value == "":
            return MISSING
        if isinstance(value, bool):
            return translate("audit.value.yes" if value else "audit.value.no", lang)
        if value == "all" and field == "audience":
            return translate("audit.value.all", lang)
        if field in DEPARTMENT_FIELDS and isinstance(value, int):
            return self.department(value)
        if isinstance(value, int | float):
            # A KPI value keeps its decimals (72.5 is not 72); counts stay whole.
            decimals = 0 if float(value).is_integer() else \
                min(4, len(repr(float(value)).split(".")[-1].rstrip("0")))
            return format_number(value, lang, decimals)
        if isinstance(value, list | tuple):
            return "، ".join(self.one(field, v) for v in value) if lang == "fa" else \
                ", ".join(self.one(field, v) for v in value)
        if isinstance(value, dict):
            return self.change(field, value)
        text = str(value)
        if field in ("old", "new") and self.action in OLD_NEW:
            return self.coded(OLD_NEW[self.action], text)
        if field in CODED:
            return self.coded(CODED[field], text)
        if field == "period":  # a Jalali period key, "1405-03"
            return localize_digits(text, lang)
        if _INSTANT.fullmatch(text[:16]):
            try:
                return format_datetime(datetime.fromisoformat(text), lang)
            except ValueError:
                return text
        if _DAY.fullmatch(text):
            return format_date(date.fromisoformat(text), lang)
        return text

    @property
    def separator(self) -> str:
        return "؛ " if self.lang == "fa" else "; "

    def change(self, field: str, value: dict) -> str:
        if "old" in value and "new" in value:
            # "change" holds an entry's own old/new (a status, a name)
            inner = "old" if field == "change" else field
            return translate("audit.change", self.lang, old=self.one(inner, value["old"]),
                             new=self.one(inner, value["new"]))
        if "old_length" in value:
            return translate("audit.length_change", self.lang, old=value["old_length"],
                             new=value.get("new_length", 0))
        return self.separator.join(self.pair(k, v) for k, v in value.items())

    def pair(self, field: str, value: object) -> str:
        if field == "changes" and isinstance(value, dict):
            return self.separator.join(self.pair(k, v) for k, v in value.items())
        key = f"audit.field.{field}"
        label = translate(key if key in catalog(self.lang) else "audit.field.other", self.lang)
        if isinstance(value, list) and len(value) == 2 and not field.startswith("attachments_"):
            # news.edit stores each changed field as [old, new]
            shown = translate("audit.change", self.lang, old=self.one(field, value[0]),
                              new=self.one(field, value[1]))
        else:
            shown = self.one(field, value)
        return translate("audit.pair", self.lang, field=label, value=shown)


def describe(row: AuditRow, lang: str, department: Callable[[int], str]) -> AuditLine:
    """The entry in `lang`; `department` names a department by its id."""
    values = _Values(row.action, lang, department)
    details = json.loads(row.details) if row.details else {}
    if "old" in details and "new" in details:  # one phrase: "from X to Y"
        change = {"old": details.pop("old"), "new": details.pop("new")}
        details = {"change": change, **details}
    record = entity_label(row.entity, lang)
    if row.entity_id:
        shown_id = format_number(int(row.entity_id), lang) if row.entity_id.isdigit() \
            else row.entity_id
        record = f"{record} {shown_id}"
    return AuditLine(
        when=format_datetime(row.at, lang),
        who=row.actor or translate("admin.system", lang),
        what=action_label(row.action, lang),
        record=record,
        details=values.separator.join(values.pair(k, v) for k, v in details.items()),
    )
