"""Pure parts of survey storage: the roll-up by respondents, wave windows,
answer checks and the sealed submission size."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access import surveys
from data_access.surveys import answering, schedule, sealing
from data_access.surveys.rules import (
    respondent_rollup,
    rollup_total_too_small,
    subtree_headcounts,
)


@st.composite
def trees_with_respondents(draw):
    size = draw(st.integers(1, 30))
    parent_of: dict[int, int | None] = {1: None}
    for node in range(2, size + 1):
        parent_of[node] = draw(st.integers(1, node - 1))
    if draw(st.booleans()):  # sometimes a forest
        parent_of[size + 1] = None
    respondents = {node: draw(st.integers(0, 12)) for node in parent_of}
    return parent_of, respondents, draw(st.integers(3, 8))


def _ancestors(parent_of, node):
    chain = [node]
    while parent_of[chain[-1]] is not None:
        chain.append(parent_of[chain[-1]])
    return chain


@settings(max_examples=300, deadline=None)
@given(trees_with_respondents())
def test_every_reporting_department_holds_k_respondents_of_its_own(case):
    parent_of, respondents, k = case
    target = respondent_rollup(parent_of, respondents, k)
    stored: dict[int | None, int] = {}
    for node, n in respondents.items():
        # Only ever upwards; None is the wave's whole audience, above every root.
        assert target[node] in [*_ancestors(parent_of, node), None]
        stored[target[node]] = stored.get(target[node], 0) + n
    assert sum(stored.values()) == sum(respondents.values())
    if rollup_total_too_small(respondents, k):
        # Too few overall: everything is the whole audience's (the root, when there
        # is one), and the caller stores nothing readable.
        roots = [node for node, parent in parent_of.items() if parent is None]
        assert set(target.values()) == {roots[0] if len(roots) == 1 else None}
        return
    for department, n in stored.items():
        assert department is None or target[department] == department
        # Every label, a root or the whole audience included, owns k respondents or none.
        assert n >= k or n == 0


@settings(max_examples=300, deadline=None)
@given(trees_with_respondents())
def test_a_reporting_departments_subtree_is_exactly_its_department_subtree(case):
    """So a reporting department's figures are those of its whole department subtree."""
    parent_of, respondents, k = case
    target = respondent_rollup(parent_of, respondents, k)
    subtree = subtree_headcounts(parent_of, respondents)
    for department in parent_of:
        if target[department] != department:
            continue
        reported = sum(n for node, n in respondents.items() if target[node] is not None
                       and department in _ancestors(parent_of, target[node]))
        assert reported == subtree[department]


def test_rollup_by_hand():
    parent_of = {1: None, 2: 1, 3: 2, 4: 2, 5: 1}
    # 3 has 2 (too few: goes to 2), 4 has 6, 2 has 1+2=3 (too few: goes to 1), 5 has 9;
    # the root 1 then holds 3 < 5 and hands them to the whole audience, which
    # absorbs its smallest labelled child, 4 (6 people), to own 9 respondents.
    # With a single root, the root is the whole audience's label.
    assert respondent_rollup(parent_of, {1: 0, 2: 1, 3: 2, 4: 6, 5: 9}, 5) == {
        1: 1, 2: 1, 3: 1, 4: 1, 5: 5}
    # A root that holds k keeps its label.
    assert respondent_rollup(parent_of, {1: 5, 4: 6}, 5) == {1: 1, 2: 1, 3: 1, 4: 4, 5: 1}
    assert respondent_rollup(parent_of, {3: 5, 2: 0}, 5)[3] == 3
    with pytest.raises(ValueError):
        respondent_rollup(parent_of, {}, 2)


def test_a_root_never_keeps_fewer_than_k_under_its_own_label():
    """The review's case: a 40-person wave whose root department held one respondent."""
    parent_of = {1: None, 2: 1, 3: 1, 4: 1}
    target = respondent_rollup(parent_of, {1: 1, 2: 13, 3: 12, 4: 14}, 5)
    # The root's one respondent is reported together with its smallest branch (3).
    assert target == {1: 1, 2: 2, 3: 1, 4: 4}


def test_partial_audience_roots_below_k_are_merged_not_kept():
    """A wave sent to chosen departments makes each of them a root."""
    parent_of = {10: None, 20: None, 21: 20}
    target = respondent_rollup(parent_of, {10: 3, 20: 0, 21: 8}, 5)
    assert target == {10: None, 20: None, 21: None}  # 3 alone would be readable
    # k = 3: 20's one respondent goes to the whole audience, which absorbs the
    # smaller of the two labels directly under it (10, with 3).
    target = respondent_rollup(parent_of, {10: 3, 20: 1, 21: 8}, 3)
    assert target == {10: None, 20: None, 21: 21}
    assert rollup_total_too_small({10: 2, 20: 1}, 5)
    assert not rollup_total_too_small({10: 2, 20: 3}, 5)


TEHRAN_9_30 = datetime(2025, 9, 23, 6, 0, tzinfo=UTC)  # 1 Mehr 1404, 09:30 in Tehran


@pytest.mark.parametrize(("cadence", "number", "opens"), [
    ("none", 5, TEHRAN_9_30),
    ("weekly", 2, TEHRAN_9_30 + timedelta(days=7)),
    ("biweekly", 27, TEHRAN_9_30 + timedelta(days=14 * 26)),
    ("monthly", 2, datetime(2025, 10, 23, 6, 0, tzinfo=UTC)),  # 1 Aban
    ("monthly", 13, datetime(2026, 9, 23, 6, 0, tzinfo=UTC)),  # 1 Mehr 1405
])
def test_wave_windows(cadence, number, opens):
    window = schedule._wave_window(TEHRAN_9_30, TEHRAN_9_30 + timedelta(days=3), cadence, number)
    assert window == (opens, opens + timedelta(days=3))


def test_monthly_waves_clamp_to_the_end_of_a_shorter_month():
    # 31 Shahrivar 1404 -> Mehr has 30 days -> 30 Mehr 1404 (2025-10-22).
    first = datetime(2025, 9, 22, 6, 0, tzinfo=UTC)
    opens, _ = schedule._wave_window(first, first + timedelta(days=2), "monthly", 2)
    assert opens.date() == date(2025, 10, 22)


def _items():
    return [surveys.FormItem(1, 1, "likert5", "belonging", "الف", None, (), True),
            surveys.FormItem(2, 2, "enps", "enps", "ب", None, (), True),
            surveys.FormItem(3, 3, "choice", None, "پ", None, (("یک", None), ("دو", None)),
                             False),
            surveys.FormItem(4, 4, "comment", None, "ت", None, (), False)]


@pytest.mark.parametrize(("answers", "problems"), [
    ({1: 5, 2: 0}, {}),
    ({1: 5, 2: 10, 3: 1, 4: "خوب"}, {}),
    ({2: 3}, {1: "surveys.errors.required_item"}),
    ({1: 0, 2: 3}, {1: "surveys.errors.out_of_range"}),
    ({1: "5", 2: 3}, {1: "surveys.errors.out_of_range"}),
    ({1: 3, 2: 11}, {2: "surveys.errors.out_of_range"}),
    ({1: 3, 2: 1, 3: 2}, {3: "surveys.errors.out_of_range"}),
    ({1: 3, 2: 1, 4: "   "}, {}),
])
def test_check_answers(answers, problems):
    assert surveys.check_answers(_items(), answers) == problems


def test_worst_case_submission_fits_the_sealed_size():
    items = _items()
    size = answering._sealed_size([item.kind for item in items])
    payload = {"d": 10**9, "a": [[10**9, 10], [10**9, 10], [10**9, 10]],
               "c": [[10**9, "\U0001f600" * surveys.COMMENT_MAX]]}
    assert len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()) <= size
    key_id = sealing.new_key_id()
    sealing.create_wave_key(key_id)
    sealed = sealing.seal(7, key_id, size, payload)
    assert len(sealed) == 12 + size + 16
    assert sealing.unseal(7, key_id, sealed) == payload
    with pytest.raises(Exception):  # noqa: B017 - any failure: the wave id is authenticated
        sealing.unseal(8, key_id, sealed)
