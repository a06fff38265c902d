"""Pulse surveys: design, waves by the clock, anonymous answering, results and
the action items that follow from them. This module is the public API; the
dashboard, pages and bench import only these names.

docs/anonymity.md explains the storage design. In short:

- submitting (answering.py) writes the participation row (unique per wave and
  user) and one sealed, fixed-size pool row (sealing.py) in the same
  transaction, and nothing else;
- closing a wave (closing.py) opens the pool, stores each answer under a
  reporting department holding at least k respondents, in random-id order, and
  builds the pre-aggregated results with every suppression decision made once,
  over the whole tree (rules.py); results exist only for closed waves, so
  nobody can watch them change as individual colleagues submit;
- the results reads (results, heatmap, trend, comments, exports) read only
  those pre-aggregates, through the one scope rule in scope.py.
"""

from data_access.action_items import DESCRIPTION_MAX as ACTION_DESCRIPTION_MAX
from data_access.action_items import TITLE_MAX as ACTION_TITLE_MAX
from data_access.action_items import owner_choices
from data_access.models.surveys import CADENCES
from data_access.surveys import sealing
from data_access.surveys.actions import ActionItemRow, create_action_item, survey_action_items
from data_access.surveys.answering import (
    COMMENT_MAX,
    AnswerValue,
    FormItem,
    Kind,
    OpenWave,
    WaveForm,
    check_answers,
    has_answered,
    open_waves_for,
    pending_count,
    submit,
    wave_form,
)
from data_access.surveys.bank import BANK, DRIVERS, ENPS_DRIVER, BankItem
from data_access.surveys.closing import (
    CloseImpact,
    SubmissionColumns,
    close_impact,
    close_wave_now,
    store_results,
)
from data_access.surveys.comments import CommentsResult, wave_comments
from data_access.surveys.design import (
    INTRO_MAX,
    ITEM_TEXT_MAX,
    MAX_GROUP_SIZE,
    MAX_ITEMS,
    MAX_OPTIONS,
    OPTION_MAX,
    TITLE_MAX,
    CustomItem,
    SurveyDraft,
    SurveyOverview,
    add_bank_item,
    bank,
    create_survey,
    stop_survey,
    survey_overview,
)
from data_access.surveys.exports import ExportRow, export_rows
from data_access.surveys.heatmap import HeatCell, HeatRow, heatmap
from data_access.surveys.results import (
    DriverResult,
    GroupResults,
    ItemResult,
    Participation,
    group_results,
    result_departments,
)
from data_access.surveys.rules import (
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    MIN_ALLOWED_GROUP_SIZE,
    EnpsSummary,
    LikertSummary,
    SuppressionReason,
    band,
)
from data_access.surveys.schedule import ClockTick, open_due_waves, repeat_until_instant
from data_access.surveys.scope import (
    DepartmentRef,
    HiddenReason,
    WaveOption,
    audience_view,
    default_department,
    result_waves,
    waves_version,
    whole_audience,
)
from data_access.surveys.trend import TrendPoint, survey_trend

__all__ = [
    "ACTION_DESCRIPTION_MAX", "ACTION_TITLE_MAX", "BANK", "CADENCES", "COMMENT_MAX",
    "DEFAULT_COMMENT_THRESHOLD", "DEFAULT_MIN_GROUP_SIZE", "DRIVERS", "ENPS_DRIVER", "INTRO_MAX",
    "ITEM_TEXT_MAX", "MAX_GROUP_SIZE", "MAX_ITEMS", "MAX_OPTIONS", "MIN_ALLOWED_GROUP_SIZE",
    "OPTION_MAX", "TITLE_MAX",
    "ActionItemRow", "AnswerValue", "BankItem", "ClockTick", "CommentsResult", "CustomItem",
    "DepartmentRef", "DriverResult", "EnpsSummary", "ExportRow", "FormItem", "GroupResults",
    "HeatCell", "HeatRow", "HiddenReason", "ItemResult", "Kind", "LikertSummary", "OpenWave",
    "Participation", "SubmissionColumns", "SuppressionReason", "SurveyDraft", "SurveyOverview",
    "TrendPoint", "WaveForm", "WaveOption",
    "add_bank_item", "audience_view", "band", "bank", "check_answers", "close_impact",
    "close_wave_now", "CloseImpact",
    "create_action_item", "create_survey", "default_department", "export_rows", "group_results",
    "has_answered", "heatmap", "open_due_waves", "open_waves_for", "owner_choices",
    "pending_count", "repeat_until_instant", "result_departments", "result_waves", "sealing",
    "stop_survey", "store_results", "submit", "survey_action_items", "survey_overview",
    "survey_trend", "wave_comments", "wave_form", "waves_version", "whole_audience",
]
