"""Who sees which wave and which of its groups: the one scope rule every results
read goes through, and the small reads of the pre-aggregates they share."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access import departments
from data_access.errors import NotFound, PermissionDenied
from data_access.models import Department
from data_access.models.surveys import (
    Survey,
    SurveyResultCount,
    SurveyResultGroup,
    SurveyResultItem,
    SurveyWave,
    SurveyWaveDepartment,
    SurveyWaveItem,
)
from data_access.permissions import Actor, can, require_active
from data_access.surveys.answering import FormItem, WaveHeader
from data_access.surveys.rules import SuppressionReason

HiddenReason = SuppressionReason | None
_DEFAULT = -1  # "the viewer's own department" (managers) or "the whole audience" (pr, admin)


@dataclass(frozen=True)
class DepartmentRef:
    """A department results are shown for, or the wave's whole audience (id None).

    The whole audience has no name here: its label is UI text (the locale key
    `surveys.whole_audience`), so `label()` returns "" for it and the dashboard
    shows the translation when `is_whole_audience`.
    """

    id: int | None  # None: the whole audience of the wave
    name: str
    name_en: str | None

    @property
    def is_whole_audience(self) -> bool:
        return self.id is None

    def label(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name


@dataclass(frozen=True)
class WaveOption(WaveHeader):
    status: str
    min_group_size: int
    comment_threshold: int


def _scope(session: Session, actor: Actor) -> set[int] | None:
    """Departments whose results the actor may see; None means all."""
    require_active(session, actor, "view_survey_results")
    if can(actor, "view_all_results"):
        return None
    return departments.subtree_ids(session, actor.department_id)


def audience_view(scope: set[int] | None, audience: Iterable[int]) -> tuple[bool, bool]:
    """The one scope rule of every results read: (the viewer sees the wave, the
    viewer sees its whole-audience group).

    `audience` is the wave's frozen audience (survey_wave_departments). A viewer
    limited to a subtree sees a wave only if its audience meets the subtree, and
    the whole-audience group (the organisation figures) only if all of the
    audience lies inside it: otherwise those figures would be other departments'.
    """
    if scope is None:
        return True, True
    audience = set(audience)
    return bool(audience & scope), audience <= scope


def _wave_option(session: Session, wave_id: int) -> WaveOption:
    row = session.execute(
        select(SurveyWave.id, SurveyWave.survey_id, SurveyWave.number, Survey.title_fa,
               Survey.title_en, SurveyWave.opens_at, SurveyWave.closes_at, SurveyWave.status,
               SurveyWave.min_group_size, SurveyWave.comment_threshold)
        .join(Survey, Survey.id == SurveyWave.survey_id).where(SurveyWave.id == wave_id)
    ).one_or_none()
    if row is None:
        raise NotFound()
    return WaveOption(*row)


def waves_version(session: Session) -> str:
    """Changes whenever a wave opens or closes, in any process or replica: cached
    result lists are keyed by it, so nobody waits for a cache to expire."""
    count, newest, results = session.execute(select(
        func.count(SurveyWave.id), func.max(SurveyWave.id),
        func.max(SurveyWave.results_at))).one()
    return f"{count}:{newest}:{results}"


def result_waves(session: Session, actor: Actor) -> list[WaveOption]:
    """Every wave the actor may see (audience_view), newest first; open ones show
    participation only."""
    scope = _scope(session, actor)
    query = (select(SurveyWave.id, SurveyWave.survey_id, SurveyWave.number, Survey.title_fa,
                    Survey.title_en, SurveyWave.opens_at, SurveyWave.closes_at,
                    SurveyWave.status, SurveyWave.min_group_size, SurveyWave.comment_threshold)
             .join(Survey, Survey.id == SurveyWave.survey_id)
             .order_by(SurveyWave.opens_at.desc(), SurveyWave.id.desc()))
    if scope is not None:
        # audience_view's first half in SQL: the frozen audience meets the subtree.
        query = query.where(SurveyWave.id.in_(
            select(SurveyWaveDepartment.wave_id)
            .where(SurveyWaveDepartment.department_id.in_(sorted(scope)))))
    return [WaveOption(*row) for row in session.execute(query).all()]


def _department_refs(session: Session, ids: Iterable[int]) -> dict[int, DepartmentRef]:
    wanted = sorted(set(ids))
    refs: dict[int, DepartmentRef] = {}
    for start in range(0, len(wanted), 900):
        rows = session.execute(select(Department.id, Department.name, Department.name_en)
                               .where(Department.id.in_(wanted[start:start + 900])))
        refs.update({row.id: DepartmentRef(row.id, row.name, row.name_en) for row in rows})
    return refs


def whole_audience() -> DepartmentRef:
    """The wave's whole audience as a group (labelled by the UI, see DepartmentRef)."""
    return DepartmentRef(None, "", None)


@dataclass(frozen=True)
class _Snapshot:
    parent_of: dict[int, int | None]
    report: dict[int, int | None]
    invited: dict[int, int]


def _snapshot(session: Session, wave_id: int) -> _Snapshot:
    rows = session.execute(select(SurveyWaveDepartment.department_id,
                                  SurveyWaveDepartment.parent_id,
                                  SurveyWaveDepartment.report_department_id,
                                  SurveyWaveDepartment.invited)
                           .where(SurveyWaveDepartment.wave_id == wave_id)).all()
    return _Snapshot({r.department_id: r.parent_id for r in rows},
                     {r.department_id: r.report_department_id for r in rows},
                     {r.department_id: r.invited for r in rows})


@dataclass(frozen=True)
class _WaveScope:
    """One wave as one viewer may see it: every results read of a wave starts here."""

    wave: WaveOption
    snapshot: _Snapshot
    departments: set[int] | None  # groups the viewer may see; None: all
    whole_audience: bool  # may see the whole-audience group (department_id NULL)

    def allows(self, department_id: int | None) -> bool:
        return _allows(self.departments, self.whole_audience, department_id)

    def department(self, actor: Actor, department_id: int | None) -> int | None:
        return _group_asked(actor, self.departments, self.whole_audience, department_id)


def default_department(actor: Actor) -> int | None:
    """The group a results view opens on: the whole audience (None) for those who see
    every result, the viewer's own department for everyone else."""
    return None if can(actor, "view_all_results") else actor.department_id


def _allows(scope: set[int] | None, whole_audience: bool, department_id: int | None) -> bool:
    if department_id is None:
        return whole_audience
    return scope is None or department_id in scope


def _group_asked(actor: Actor, scope: set[int] | None, whole_audience: bool,
                 department_id: int | None) -> int | None:
    """The group asked for (the viewer's default for _DEFAULT), or PermissionDenied."""
    if department_id == _DEFAULT:
        department_id = default_department(actor)
    if not _allows(scope, whole_audience, department_id):
        raise PermissionDenied()
    return department_id


def _wave_scope(session: Session, actor: Actor, wave_id: int) -> _WaveScope:
    """The wave if the actor may see it (NotFound otherwise: not even that it exists)."""
    scope = _scope(session, actor)
    wave = _wave_option(session, wave_id)
    snapshot = _snapshot(session, wave_id)
    sees_wave, sees_whole = audience_view(scope, snapshot.parent_of)
    if not sees_wave:
        raise NotFound()
    return _WaveScope(wave, snapshot, scope, sees_whole)


def _groups(session: Session, wave_ids: Sequence[int],
            department_ids: Sequence[int | None] | None = None) -> list[SurveyResultGroup]:
    query = select(SurveyResultGroup).where(SurveyResultGroup.wave_id.in_(wave_ids))
    if department_ids is not None:
        concrete = [d for d in department_ids if d is not None]
        condition = SurveyResultGroup.department_id.in_(concrete)
        if None in department_ids:
            condition = condition | SurveyResultGroup.department_id.is_(None)
        query = query.where(condition)
    return list(session.scalars(query))


def _group_cells(session: Session, group_ids: Sequence[int]
                 ) -> dict[tuple[int, int], tuple[int, HiddenReason, dict[int, int]]]:
    """(group, wave item) -> (n, hidden, {value: count}), two small indexed reads."""
    if not group_ids:
        return {}
    cells: dict[tuple[int, int], tuple[int, HiddenReason, dict[int, int]]] = {}
    for group_id, item_id, n, hidden in session.execute(
            select(SurveyResultItem.group_id, SurveyResultItem.wave_item_id, SurveyResultItem.n,
                   SurveyResultItem.hidden).where(SurveyResultItem.group_id.in_(group_ids))):
        cells[(group_id, item_id)] = (n, hidden, {})
    for group_id, item_id, value, n in session.execute(
            select(SurveyResultCount.group_id, SurveyResultCount.wave_item_id,
                   SurveyResultCount.value, SurveyResultCount.n)
            .where(SurveyResultCount.group_id.in_(group_ids))):
        cells[(group_id, item_id)][2][value] = n
    return cells


def _wave_items(session: Session, wave_ids: Sequence[int]) -> dict[int, list[tuple[FormItem, int]]]:
    rows = session.scalars(select(SurveyWaveItem).where(SurveyWaveItem.wave_id.in_(wave_ids))
                           .order_by(SurveyWaveItem.wave_id, SurveyWaveItem.position)).all()
    found: dict[int, list[tuple[FormItem, int]]] = {wave_id: [] for wave_id in wave_ids}
    for row in rows:
        found[row.wave_id].append((FormItem(
            row.id, row.position, row.kind, row.driver, row.text_fa, row.text_en,
            tuple(tuple(o) for o in json.loads(row.options or "[]")), row.required),
            row.survey_item_id))
    return found


