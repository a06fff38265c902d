"""Scoring, roll-up and suppression rules of pulse surveys (docs/anonymity.md)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.surveys.rules import (
    BELOW_K,
    COMPLEMENTARY,
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    MIN_ALLOWED_GROUP_SIZE,
    Cell,
    EnpsSummary,
    LikertSummary,
    band,
    driver_score,
    participation_rate,
    respondent_rollup,
    shuffle_comments,
    subtree_headcounts,
    summarise_enps,
    summarise_likert,
    suppress,
    validate_min_group_size,
)

# --- Likert scoring ------------------------------------------------------------


@pytest.mark.parametrize(("value", "score"), [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_likert_answer_maps_onto_0_to_100(value: int, score: float) -> None:
    assert summarise_likert({value: 1}).score == score


@pytest.mark.parametrize("value", [0, 6, -1])
def test_likert_answer_outside_scale_is_rejected(value: int) -> None:
    with pytest.raises(ValueError):
        summarise_likert({value: 1})


def test_all_favourable_answers() -> None:
    assert summarise_likert({4: 3, 5: 1}) == LikertSummary(
        n=4, favorable_pct=100, neutral_pct=0, unfavorable_pct=0, mean=4.25, score=81.25
    )


def test_all_neutral_answers() -> None:
    assert summarise_likert({3: 7}) == LikertSummary(
        n=7, favorable_pct=0, neutral_pct=100, unfavorable_pct=0, mean=3, score=50
    )


def test_mixed_answers() -> None:
    # 1, 2, 3, 3, 4, 5, 5, 5: scores 0, 25, 50, 50, 75, 100, 100, 100 → 500 / 8
    summary = summarise_likert({1: 1, 2: 1, 3: 2, 4: 1, 5: 3})
    assert summary is not None
    assert summary.n == 8
    assert summary.favorable_pct == pytest.approx(50)
    assert summary.neutral_pct == pytest.approx(25)
    assert summary.unfavorable_pct == pytest.approx(25)
    assert summary.mean == pytest.approx(28 / 8)
    assert summary.score == pytest.approx(62.5)


def test_extremes_of_the_0_to_100_score() -> None:
    assert summarise_likert({1: 5}).score == 0
    assert summarise_likert({5: 5}).score == 100


def test_no_likert_answers_gives_no_summary() -> None:
    assert summarise_likert({}) is None
    assert summarise_likert({1: 0, 5: 0}) is None


@pytest.mark.parametrize("counts", [{0: 1}, {6: 1}, {3: -1}])
def test_bad_likert_counts_are_rejected(counts: dict[int, int]) -> None:
    with pytest.raises(ValueError):
        summarise_likert(counts)


@given(st.dictionaries(st.integers(1, 5), st.integers(0, 1000)))
def test_likert_summary_is_consistent(counts: dict[int, int]) -> None:
    summary = summarise_likert(counts)
    if sum(counts.values()) == 0:
        assert summary is None
        return
    assert summary is not None
    shares = summary.favorable_pct + summary.neutral_pct + summary.unfavorable_pct
    assert shares == pytest.approx(100)
    assert 1 <= summary.mean <= 5
    expected = sum((v - 1) * 25 * c for v, c in counts.items()) / summary.n
    assert summary.score == pytest.approx(expected)


# --- eNPS ------------------------------------------------------------------------


def test_all_passives_give_enps_zero() -> None:
    assert summarise_enps({7: 4, 8: 6}) == EnpsSummary(
        n=10, promoters_pct=0, passives_pct=100, detractors_pct=0, enps=0
    )


def test_all_promoters_give_enps_100() -> None:
    assert summarise_enps({9: 2, 10: 3}).enps == 100


def test_all_detractors_give_enps_minus_100() -> None:
    assert summarise_enps({0: 1, 3: 1, 6: 2}).enps == -100


def test_no_enps_answers_gives_no_summary() -> None:
    assert summarise_enps({}) is None


def test_mixed_enps() -> None:
    # 3 promoters, 1 passive, 1 detractor out of 5: 60 % − 20 % = 40
    summary = summarise_enps({10: 2, 9: 1, 7: 1, 6: 1})
    assert summary.promoters_pct == pytest.approx(60)
    assert summary.passives_pct == pytest.approx(20)
    assert summary.detractors_pct == pytest.approx(20)
    assert summary.enps == pytest.approx(40)


@pytest.mark.parametrize("counts", [{11: 1}, {-1: 1}, {5: -2}])
def test_bad_enps_counts_are_rejected(counts: dict[int, int]) -> None:
    with pytest.raises(ValueError):
        summarise_enps(counts)


@given(st.dictionaries(st.integers(0, 10), st.integers(0, 1000), min_size=1))
def test_enps_is_between_minus_100_and_100(counts: dict[int, int]) -> None:
    summary = summarise_enps(counts)
    if summary is None:
        return
    assert -100 <= summary.enps <= 100
    shares = summary.promoters_pct + summary.passives_pct + summary.detractors_pct
    assert shares == pytest.approx(100)


# --- Drivers, bands, participation -------------------------------------------------


def test_driver_score_is_the_mean_of_item_scores() -> None:
    assert driver_score([50, 75, 100]) == 75
    assert driver_score([62.5]) == 62.5
    assert driver_score([]) is None


@pytest.mark.parametrize(
    ("favorable", "expected"),
    [(100, "green"), (75, "green"), (74.9, "amber"), (60, "amber"), (59.9, "red"), (0, "red")],
)
def test_band_edges(favorable: float, expected: str) -> None:
    assert band(favorable) == expected


def test_band_thresholds_are_configurable() -> None:
    assert band(70, green=70, amber=50) == "green"
    assert band(50, green=70, amber=50) == "amber"
    with pytest.raises(ValueError):
        band(50, green=50, amber=60)


def test_participation_rate() -> None:
    assert participation_rate(30, 40) == 0.75
    assert participation_rate(0, 40) == 0
    assert participation_rate(0, 0) is None
    with pytest.raises(ValueError):
        participation_rate(5, 4)
    with pytest.raises(ValueError):
        participation_rate(-1, 4)


def test_group_size_floor() -> None:
    assert (DEFAULT_MIN_GROUP_SIZE, MIN_ALLOWED_GROUP_SIZE, DEFAULT_COMMENT_THRESHOLD) == (5, 3, 10)
    validate_min_group_size(3)
    validate_min_group_size(DEFAULT_MIN_GROUP_SIZE)
    for k in (2, 1, 0, -5):
        with pytest.raises(ValueError):
            validate_min_group_size(k)


def test_every_rule_taking_k_rejects_k_below_3() -> None:
    with pytest.raises(ValueError):
        suppress([Cell("org", None, 10)], 2)
    with pytest.raises(ValueError):
        respondent_rollup({1: None}, {1: 10}, 2)


# --- Roll-up -------------------------------------------------------------------------
#
#   1 (root) ── 2 ── 3 ── 4
#           └── 5

PARENTS: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 3, 5: 1}


def test_subtree_headcounts_add_up_descendants() -> None:
    direct = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}
    assert subtree_headcounts(PARENTS, direct) == {1: 15, 2: 9, 3: 7, 4: 4, 5: 5}
    assert subtree_headcounts(PARENTS, {4: 1}) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 0}


def test_broken_department_trees_are_rejected() -> None:
    with pytest.raises(ValueError):
        subtree_headcounts({1: 2, 2: 1}, {})  # a cycle with no root
    with pytest.raises(ValueError):
        subtree_headcounts({1: None, 2: 9}, {})  # a dangling parent
    with pytest.raises(ValueError):
        respondent_rollup({1: None, 2: 3, 3: 2}, {}, k=5)  # a cycle below a root


@st.composite
def forests(draw: st.DrawFn, max_size: int = 30) -> dict[int, int | None]:
    """Random parent pointers: each node hangs under an earlier node or is a root.

    Keys are shuffled so that tree order does not follow numeric order.
    """
    size = draw(st.integers(1, max_size))
    labels = draw(st.permutations(range(size)))
    parents: dict[int, int | None] = {labels[0]: None}
    for index in range(1, size):
        # -1 makes another root; the second branch favours long chains.
        parent = draw(st.integers(-1, index - 1) | st.just(index - 1))
        parents[labels[index]] = None if parent == -1 else labels[parent]
    return parents


def ancestry(node: int, parents: Mapping[int, int | None]) -> list[int]:
    chain = [node]
    while parents[chain[-1]] is not None:
        chain.append(parents[chain[-1]])
    return chain


# --- Suppression: hand-made cases ------------------------------------------------------


def test_group_of_k_minus_1_is_hidden_and_k_is_shown() -> None:
    k = 5
    decisions = suppress([Cell("org", None, 15), Cell("a", "org", 6), Cell("b", "org", 4),
                          Cell("c", "org", 5)], k)
    assert decisions == {"org": None, "a": None, "b": BELOW_K, "c": COMPLEMENTARY}


def test_everything_large_enough_is_shown() -> None:
    decisions = suppress([Cell("org", None, 20), Cell("a", "org", 5), Cell("b", "org", 15)], 5)
    assert decisions == {"org": None, "a": None, "b": None}


def test_single_hidden_sibling_forces_the_next_smallest_hidden() -> None:
    # Without the complementary cell, 17 − 9 − 6 would reveal the group of 2.
    cells = [Cell("org", None, 17), Cell("a", "org", 2), Cell("b", "org", 6),
             Cell("c", "org", 9)]
    assert suppress(cells, 5) == {"org": None, "a": BELOW_K, "b": COMPLEMENTARY, "c": None}


def test_hidden_siblings_that_already_hold_k_need_no_complement() -> None:
    cells = [Cell("org", None, 20), Cell("a", "org", 2), Cell("b", "org", 3),
             Cell("c", "org", 15)]
    assert suppress(cells, 5) == {"org": None, "a": BELOW_K, "b": BELOW_K, "c": None}


def test_responses_recorded_directly_at_the_parent_are_protected() -> None:
    # Two people answered directly under "org" (their units rolled up): 12 − 5 − 5 = 2.
    cells = [Cell("org", None, 12), Cell("a", "org", 5), Cell("b", "org", 5)]
    assert suppress(cells, 5) == {"org": None, "a": COMPLEMENTARY, "b": None}


def test_direct_responses_of_k_or_more_need_no_complement() -> None:
    cells = [Cell("org", None, 15), Cell("a", "org", 5), Cell("b", "org", 5)]
    assert suppress(cells, 5) == {"org": None, "a": None, "b": None}


def test_hidden_parent_needs_no_complement_among_its_children() -> None:
    cells = [Cell("org", None, 4), Cell("a", "org", 2), Cell("b", "org", 1)]
    assert suppress(cells, 5) == {"org": BELOW_K, "a": BELOW_K, "b": BELOW_K}


def test_subtraction_through_a_hidden_level_is_blocked() -> None:
    # "x" is hidden to protect org's 2 direct responses; its own children stay
    # shown. Then org − b − x1 − x2 would still give the 2: one of them goes too.
    cells = [Cell("org", None, 22), Cell("x", "org", 10), Cell("x1", "x", 5),
             Cell("x2", "x", 5), Cell("b", "org", 10)]
    assert suppress(cells, 5) == {"org": None, "x": COMPLEMENTARY, "x1": COMPLEMENTARY,
                                  "x2": None, "b": None}


def test_complementary_hiding_at_a_deeper_level() -> None:
    cells = [Cell("org", None, 40), Cell("a", "org", 20), Cell("b", "org", 20),
             Cell("a1", "a", 3), Cell("a2", "a", 8), Cell("a3", "a", 9)]
    decisions = suppress(cells, 5)
    assert decisions == {"org": None, "a": None, "b": None, "a1": BELOW_K,
                         "a2": COMPLEMENTARY, "a3": None}


def test_ties_go_to_the_first_cell_given() -> None:
    cells = [Cell("org", None, 12), Cell("a", "org", 2), Cell("b", "org", 5),
             Cell("c", "org", 5)]
    assert suppress(cells, 5)["b"] == COMPLEMENTARY
    assert suppress(cells, 5)["c"] is None


def test_inconsistent_cells_are_rejected() -> None:
    with pytest.raises(ValueError):  # children hold more than their parent
        suppress([Cell("org", None, 5), Cell("a", "org", 6)], 5)
    with pytest.raises(ValueError):
        suppress([Cell("a", None, 5), Cell("a", None, 6)], 5)
    with pytest.raises(ValueError):
        suppress([Cell("a", "nowhere", 5)], 5)
    with pytest.raises(ValueError):
        suppress([Cell("a", None, -1)], 5)


# --- Suppression: properties over random trees -------------------------------------


def nearest_shown_below(key: Hashable, cells: list[Cell],
                        decisions: Mapping[Hashable, str | None]) -> list[Cell]:
    """Shown cells below `key` with no shown cell between them and `key`."""
    found, frontier = [], [cell for cell in cells if cell.parent == key]
    while frontier:
        cell = frontier.pop()
        if decisions[cell.key] is None:
            found.append(cell)
        else:
            frontier.extend(c for c in cells if c.parent == cell.key)
    return found


def subtraction_leaks(cells: list[Cell], decisions: Mapping[Hashable, str | None],
                      k: int) -> list[str]:
    """Every way the shown cells reveal a group of 1..k−1 responses."""
    leaks = []
    for cell in cells:
        if decisions[cell.key] is not None:
            continue
        if cell.n < k:
            leaks.append(f"{cell} shown with fewer than k responses")
        shown_children = [c for c in cells if c.parent == cell.key and decisions[c.key] is None]
        remainder = cell.n - sum(c.n for c in shown_children)
        if 0 < remainder < k:
            leaks.append(f"{cell} minus its shown children leaves {remainder}")
        # Subtracting shown cells below a hidden child must not reveal a small group either.
        deep = cell.n - sum(c.n for c in nearest_shown_below(cell.key, cells, decisions))
        if 0 < deep < k:
            leaks.append(f"{cell} minus its nearest shown descendants leaves {deep}")
    return leaks


@st.composite
def cell_trees(draw: st.DrawFn, k: int, fine: bool = False) -> list[Cell]:
    """Cells over a random forest; each cell's n is its children's n plus its own
    direct responses. With `fine`, every cell holds ≥ k and every direct count
    is 0 or ≥ k, so nothing needs hiding."""
    parents = draw(forests())
    children: dict[int, list[int]] = {}
    for node, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node)
    n: dict[int, int] = {}
    for node in sorted(parents, key=lambda d: -len(ancestry(d, parents))):  # deepest first
        if fine:
            is_leaf = node not in children
            direct = draw(st.integers(k, 3 * k) if is_leaf
                          else st.one_of(st.just(0), st.integers(k, 3 * k)))
        else:
            direct = draw(st.integers(0, 2 * k))
        n[node] = direct + sum(n[child] for child in children.get(node, ()))
    order = draw(st.permutations(list(parents)))
    return [Cell(node, parents[node], n[node]) for node in order]


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_suppression_leaves_nothing_derivable_below_k(data: st.DataObject) -> None:
    k = data.draw(st.integers(3, 10))
    cells = data.draw(cell_trees(k))
    decisions = suppress(cells, k)
    assert decisions.keys() == {cell.key for cell in cells}
    assert not subtraction_leaks(cells, decisions, k)
    for cell in cells:
        if cell.n < k:
            assert decisions[cell.key] == BELOW_K
        else:
            assert decisions[cell.key] in (None, COMPLEMENTARY)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_nothing_is_hidden_when_nothing_needs_to_be(data: st.DataObject) -> None:
    k = data.draw(st.integers(3, 10))
    cells = data.draw(cell_trees(k, fine=True))
    assert set(suppress(cells, k).values()) == {None}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_complementary_hiding_happens_only_when_a_remainder_needs_it(
        data: st.DataObject) -> None:
    k = data.draw(st.integers(3, 10))
    cells = data.draw(cell_trees(k))
    below_k_only = {cell.key: BELOW_K if cell.n < k else None for cell in cells}
    already_safe = not subtraction_leaks(cells, below_k_only, k)
    decisions = suppress(cells, k)
    assert (COMPLEMENTARY not in decisions.values()) == already_safe


# --- Comments --------------------------------------------------------------------------


def test_shuffle_comments_keeps_every_comment_once() -> None:
    comments = [f"comment {i}" for i in range(30)]
    shuffled = shuffle_comments(comments)
    assert sorted(shuffled) == sorted(comments)
    assert comments == [f"comment {i}" for i in range(30)]  # the input is left alone


def test_shuffle_comments_is_reproducible_with_a_seed() -> None:
    comments = [f"comment {i}" for i in range(30)]
    assert shuffle_comments(comments, seed=7) == shuffle_comments(comments, seed=7)
    assert shuffle_comments(comments, seed=7) != comments


def test_shuffle_comments_without_seed_does_not_keep_submission_order() -> None:
    comments = [f"comment {i}" for i in range(30)]
    # The chance that 5 system-random shuffles of 30 all keep the order is nil.
    assert any(shuffle_comments(comments) != comments for _ in range(5))
