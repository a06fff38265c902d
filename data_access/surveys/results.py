"""Results of one wave for one group, read only from the pre-aggregates (and
live participation while a wave is open)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access import departments
from data_access.models import User
from data_access.models.surveys import SurveyParticipation, SurveyResultGroup
from data_access.permissions import Actor
from data_access.surveys.answering import FormItem
from data_access.surveys.bank import DRIVERS
from data_access.surveys.rules import (
    Cell,
    EnpsSummary,
    LikertSummary,
    driver_score,
    participation_rate,
    subtree_headcounts,
    summarise_enps,
    summarise_likert,
    suppress,
)
from data_access.surveys.scope import (
    _DEFAULT,
    DepartmentRef,
    HiddenReason,
    WaveOption,
    _department_refs,
    _group_cells,
    _groups,
    _Snapshot,
    _wave_items,
    _wave_scope,
    whole_audience,
)


@dataclass(frozen=True)
class Participation:
    invited: int | None
    respondents: int | None
    rate: float | None  # a fraction 0–1
    hidden: HiddenReason


@dataclass(frozen=True)
class ItemResult:
    item: FormItem
    survey_item_id: int
    n: int | None
    hidden: HiddenReason
    likert: LikertSummary | None = None
    enps: EnpsSummary | None = None
    choice_shares: tuple[float, ...] = ()  # per option, fractions 0–1
    org_likert: LikertSummary | None = None
    org_enps: EnpsSummary | None = None


@dataclass(frozen=True)
class DriverResult:
    driver: str
    n: int | None
    hidden: HiddenReason
    summary: LikertSummary | None  # all its items' answers pooled
    score: float | None  # mean of its items' 0–100 scores
    org_summary: LikertSummary | None
    org_score: float | None
    org_hidden: HiddenReason


@dataclass(frozen=True)
class GroupResults:
    wave: WaveOption
    department: DepartmentRef
    reported_under: DepartmentRef | None  # the department was rolled up into this one
    hidden: HiddenReason
    participation: Participation
    organisation_participation: Participation | None  # None: not the viewer's to see
    items: list[ItemResult]
    drivers: list[DriverResult]
    enps: ItemResult | None
    comments_shown: bool


def _participation(group: SurveyResultGroup | None) -> Participation:
    if group is None:
        return Participation(None, None, None, "below_k")
    if group.participation_hidden:
        return Participation(None, None, None, group.participation_hidden)
    rate = participation_rate(min(group.respondents, group.invited), group.invited)
    return Participation(group.invited, group.respondents, rate, None)


def _item_result(item: FormItem, survey_item_id: int,
                 cell: tuple[int, HiddenReason, dict[int, int]] | None,
                 org: tuple[int, HiddenReason, dict[int, int]] | None,
                 group_hidden: HiddenReason) -> ItemResult:
    org_likert = org_enps = None
    if org is not None and org[1] is None:
        org_likert = summarise_likert(org[2]) if item.kind == "likert5" else None
        org_enps = summarise_enps(org[2]) if item.kind == "enps" else None
    hidden = group_hidden or (cell[1] if cell else "below_k")
    if hidden or cell is None:
        return ItemResult(item, survey_item_id, None, hidden, org_likert=org_likert,
                          org_enps=org_enps)
    n, _, counts = cell
    shares: tuple[float, ...] = ()
    if item.kind == "choice" and n:
        shares = tuple(counts.get(i, 0) / n for i in range(len(item.options)))
    return ItemResult(
        item, survey_item_id, n, None,
        likert=summarise_likert(counts) if item.kind == "likert5" else None,
        enps=summarise_enps(counts) if item.kind == "enps" else None,
        choice_shares=shares, org_likert=org_likert, org_enps=org_enps)


def _driver_results(items: Sequence[ItemResult],
                    cells: Mapping[int, tuple[int, HiddenReason, dict[int, int]]],
                    org_cells: Mapping[int, tuple[int, HiddenReason, dict[int, int]]],
                    group_hidden: HiddenReason) -> list[DriverResult]:
    results = []
    for driver in DRIVERS:
        members = [r for r in items if r.item.driver == driver and r.item.kind == "likert5"]
        if not members:
            continue
        hidden = group_hidden or next((r.hidden for r in members if r.hidden), None)
        summary = score = None
        n = None
        if not hidden:
            pooled: dict[int, int] = {}
            for r in members:
                for value, count in cells[r.item.id][2].items():
                    pooled[value] = pooled.get(value, 0) + count
            summary = summarise_likert(pooled)
            score = driver_score([r.likert.score for r in members if r.likert])
            n = min(r.n or 0 for r in members)
        if any(r.item.id not in org_cells for r in members):
            org_hidden = "below_k"  # no organisation figures (or none for this viewer)
        else:
            org_hidden = next((org_cells[r.item.id][1] for r in members
                               if org_cells[r.item.id][1]), None)
        org_summary = org_score = None
        if not org_hidden:
            pooled = {}
            for r in members:
                for value, count in org_cells[r.item.id][2].items():
                    pooled[value] = pooled.get(value, 0) + count
            org_summary = summarise_likert(pooled)
            org_score = driver_score([summarise_likert(org_cells[r.item.id][2]).score
                                      for r in members])
        results.append(DriverResult(driver, n, hidden, summary, score, org_summary, org_score,
                                    org_hidden))
    return results


_AUDIENCE = "audience"  # the whole audience's key among live participation cells


def _live_participation_hidden(snapshot: _Snapshot, k: int) -> dict:
    """Which live participation figures of an open wave may be shown.

    The same complementary suppression as closed results, on invited counts:
    a shown parent minus its shown children must leave 0 or at least k
    invited people, so nobody can work out, say, "2 of 2 answered" for a
    hidden unit by subtraction.
    """
    subtree = subtree_headcounts(snapshot.parent_of, snapshot.invited)
    cells = [Cell(_AUDIENCE, None, sum(snapshot.invited.values()))] + [
        Cell(dept, _AUDIENCE if parent is None else parent, subtree[dept])
        for dept, parent in snapshot.parent_of.items()]
    return suppress(cells, k)


def _live_participation(session: Session, wave: WaveOption, snapshot: _Snapshot,
                        department_id: int | None) -> Participation:
    """Participation so far in an open wave, for a department subtree or everyone."""
    key = _AUDIENCE if department_id is None else department_id
    if key != _AUDIENCE and key not in snapshot.parent_of:
        return Participation(None, None, None, "below_k")
    hidden = _live_participation_hidden(snapshot, wave.min_group_size)[key]
    if hidden is not None:
        return Participation(None, None, None, hidden)
    query = select(func.count()).select_from(SurveyParticipation).where(
        SurveyParticipation.wave_id == wave.wave_id)
    if department_id is None:
        invited = sum(snapshot.invited.values())
    else:
        subtree = departments.descendants(snapshot.parent_of, [department_id])
        invited = sum(snapshot.invited.get(d, 0) for d in subtree)
        query = query.join(User, User.id == SurveyParticipation.user_id).where(
            User.department_id.in_(departments.descendants(
                departments.parent_map(session), [department_id])))
    respondents = min(session.scalar(query) or 0, invited)
    return Participation(invited, respondents, participation_rate(respondents, invited), None)


def _benchmark(item: FormItem, org_cells: Mapping[int, tuple[int, HiddenReason, dict[int, int]]],
               sees_whole: bool) -> tuple[int, HiddenReason, dict[int, int]] | None:
    """The organisation figures shown beside one item.

    The product rule for the benchmark: everyone who reads a group's results
    compares it with the whole audience's driver scores and eNPS (what the
    organisation as a whole said, as engagement suites show managers). A viewer
    limited to a subtree that does not hold the whole audience gets no more than
    that: not the organisation's per-question figures, its participation, its
    comments or other departments' groups (scope.audience_view). Anonymity holds:
    the whole audience and a shown group are both unions of stored labels that
    each own at least k respondents, so their difference is one too.
    """
    if sees_whole or item.kind == "enps":
        return org_cells.get(item.id)
    return None


def group_results(session: Session, actor: Actor, wave_id: int,
                  department_id: int | None = _DEFAULT) -> GroupResults:
    """One wave for one department subtree (or everyone), with the organisation beside
    it when the viewer may see the whole audience."""
    view = _wave_scope(session, actor, wave_id)
    department_id = view.department(actor, department_id)
    wave, snapshot = view.wave, view.snapshot
    refs = _department_refs(session, [department_id] if department_id else [])
    department = refs.get(department_id, whole_audience()) if department_id else whole_audience()
    if wave.status != "closed":
        return GroupResults(wave, department, None, None,
                            _live_participation(session, wave, snapshot, department_id),
                            _live_participation(session, wave, snapshot, None)
                            if view.whole_audience else None, [], [], None, False)
    reported_under = None
    if department_id is not None and department_id in snapshot.report \
            and snapshot.report[department_id] != department_id:
        target = snapshot.report[department_id]
        reported_under = whole_audience() if target is None \
            else _department_refs(session, [target]).get(target)
    # The organisation benchmark (driver scores and eNPS of the whole audience) is
    # read for every viewer; see `_benchmark` for what a subtree viewer gets of it.
    groups = {g.department_id: g for g in _groups(session, [wave_id], [department_id, None])}
    group, org = groups.get(department_id), groups.get(None)
    cells = _group_cells(session, [g.id for g in (group, org) if g is not None])
    group_hidden = group.hidden if group else "below_k"
    items = _wave_items(session, [wave_id])[wave_id]
    own = {item.id: cells[(group.id, item.id)] for item, _ in items
           if group and (group.id, item.id) in cells}
    org_cells = {item.id: cells[(org.id, item.id)] for item, _ in items
                 if org and (org.id, item.id) in cells}
    results = [_item_result(item, survey_item_id, own.get(item.id),
                            _benchmark(item, org_cells, view.whole_audience),
                            group_hidden) for item, survey_item_id in items
               if item.kind != "comment"]
    drivers = _driver_results(results, own, org_cells, group_hidden)
    enps = next((r for r in results if r.item.kind == "enps"), None)
    return GroupResults(wave, department, reported_under, group_hidden, _participation(group),
                        _participation(org) if view.whole_audience else None, results, drivers,
                        enps, bool(group and group.comments_shown))


def result_departments(session: Session, actor: Actor, wave_id: int) -> list[DepartmentRef]:
    """Groups of the wave the actor may pick, the whole audience and then departments
    parents before children."""
    view = _wave_scope(session, actor, wave_id)
    ordered = [d for d in departments.top_down(view.snapshot.parent_of, by_id=True)
               if view.allows(d)]
    refs = _department_refs(session, ordered)
    listed = [refs[d] for d in ordered if d in refs]
    return ([whole_audience()] if view.whole_audience else []) + listed


