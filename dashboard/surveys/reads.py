"""Cached survey reads, one viewer cache (dashboard/cache.py) keyed by the database,
everything about the viewer that changes a result, and a generation.

Groups, because they change at different rates: ANSWERS (reminders, open
waves, live participation) moves with every submitted answer; SURVEYS (designs
and closed waves' results, which never change once stored) only when PR edits
a survey or the clock opens and closes waves; ACTIONS when an action item is
created from the results.
"""

from __future__ import annotations

from dashboard.cache import ViewerKey, actor_of, cached, drop, generation, invalidate, viewer_key
from dashboard.ui import read
from data_access import surveys
from data_access.permissions import Actor

SURVEYS = "surveys"
ANSWERS = "survey_answers"
ACTIONS = "survey_actions"


def after_answer() -> None:
    """A submission changes the reminders and the live participation figures."""
    invalidate(ANSWERS)


def after_design() -> None:
    """A survey created, stopped or closed: every survey read may have changed."""
    invalidate(ANSWERS)
    invalidate(SURVEYS)


def after_action() -> None:
    invalidate(ACTIONS)


def drop_all() -> None:
    """The clock opened or closed waves (in its own thread, outside any session)."""
    drop(ANSWERS)
    drop(SURVEYS)


# --- answering ---------------------------------------------------------------------------

@cached(ANSWERS, ttl=60)
def _pending_count(key: ViewerKey, generation: int) -> int:
    return read(surveys.pending_count, actor_of(key))


def pending_count(actor: Actor) -> int:
    return _pending_count(viewer_key(actor), generation(ANSWERS))


@cached(ANSWERS, ttl=60)
def _open_waves(key: ViewerKey, generation: int) -> list[surveys.OpenWave]:
    return read(surveys.open_waves_for, actor_of(key))


def open_waves(actor: Actor) -> list[surveys.OpenWave]:
    return _open_waves(viewer_key(actor), generation(ANSWERS))


# --- results -----------------------------------------------------------------------------

@cached(SURVEYS, ttl=600)
def _result_waves(key: ViewerKey, generation: int, version: str) -> list[surveys.WaveOption]:
    return read(surveys.result_waves, actor_of(key))


def result_waves(actor: Actor) -> list[surveys.WaveOption]:
    # Keyed by the waves' version too: a wave opened or closed by another process
    # (the clock on another replica, the command line) shows at once.
    return _result_waves(viewer_key(actor), generation(SURVEYS), read(surveys.waves_version))


@cached(SURVEYS, ttl=600, max_entries=500)
def _result_departments(key: ViewerKey, generation: int,
                        wave_id: int) -> list[surveys.DepartmentRef]:
    return read(surveys.result_departments, actor_of(key), wave_id)


def result_departments(actor: Actor, wave_id: int) -> list[surveys.DepartmentRef]:
    return _result_departments(viewer_key(actor), generation(SURVEYS), wave_id)


@cached(ANSWERS, ttl=600, max_entries=500)
def _group_results(key: ViewerKey, generation: int, wave_id: int, department_id: int | None,
                   status: str) -> surveys.GroupResults:
    # `status` is part of the key: an open wave's participation changes, a closed one's never.
    return read(surveys.group_results, actor_of(key), wave_id, department_id)


def group_results(actor: Actor, wave_id: int, department_id: int | None,
                  status: str) -> surveys.GroupResults:
    return _group_results(viewer_key(actor), generation(ANSWERS), wave_id, department_id, status)


@cached(SURVEYS, ttl=600, max_entries=500)
def _heatmap(key: ViewerKey, generation: int, wave_id: int,
             focus: int | None) -> list[surveys.HeatRow]:
    return read(surveys.heatmap, actor_of(key), wave_id, focus)


def heatmap(actor: Actor, wave_id: int, focus: int | None) -> list[surveys.HeatRow]:
    return _heatmap(viewer_key(actor), generation(SURVEYS), wave_id, focus)


@cached(SURVEYS, ttl=600, max_entries=500)
def _trend(key: ViewerKey, generation: int, survey_id: int, department_id: int | None,
           latest_wave: int) -> list[surveys.TrendPoint]:
    return read(surveys.survey_trend, actor_of(key), survey_id, department_id)


def trend(actor: Actor, survey_id: int, department_id: int | None,
          latest_wave: int) -> list[surveys.TrendPoint]:
    return _trend(viewer_key(actor), generation(SURVEYS), survey_id, department_id, latest_wave)


@cached(SURVEYS, ttl=600, max_entries=200)
def _comments(key: ViewerKey, generation: int, wave_id: int,
              department_id: int | None) -> surveys.CommentsResult:
    return read(surveys.wave_comments, actor_of(key), wave_id, department_id)


def comments(actor: Actor, wave_id: int, department_id: int | None) -> surveys.CommentsResult:
    return _comments(viewer_key(actor), generation(SURVEYS), wave_id, department_id)


# --- action items from results -----------------------------------------------------------

@cached(ACTIONS, ttl=300, max_entries=500)
def _owner_choices(key: ViewerKey, generation: int, department_id: int | None,
                   search: str) -> list[tuple[int, str]]:
    return list(read(surveys.owner_choices, actor_of(key), department_id, search).items)


def owner_choices(actor: Actor, department_id: int | None,
                  search: str = "") -> list[tuple[int, str]]:
    """The first page of people who may own an item (anyone active, the department's own
    people first); `search` finds anyone else by name."""
    return _owner_choices(viewer_key(actor), generation(ACTIONS), department_id, search)


@cached(ACTIONS, ttl=60)
def _action_items(key: ViewerKey, generation: int,
                  wave_id: int) -> list[surveys.ActionItemRow]:
    return read(surveys.survey_action_items, actor_of(key), wave_id)


def action_items(actor: Actor, wave_id: int) -> list[surveys.ActionItemRow]:
    return _action_items(viewer_key(actor), generation(ACTIONS), wave_id)
