"""Pulse-survey rules that need no database: scoring, the small-group roll-up
and which aggregates may be shown.

Everything here works on counts handed over by SQL aggregation, never on
answer rows, so the rules can be tested exhaustively on their own. The
rules themselves are set out in docs/anonymity.md.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from data_access import departments

DEFAULT_MIN_GROUP_SIZE = 5
MIN_ALLOWED_GROUP_SIZE = 3
DEFAULT_COMMENT_THRESHOLD = 10

LIKERT_VALUES = range(1, 6)
ENPS_VALUES = range(0, 11)

Band = Literal["green", "amber", "red"]
SuppressionReason = Literal["below_k", "complementary"]
BELOW_K: SuppressionReason = "below_k"
COMPLEMENTARY: SuppressionReason = "complementary"


# --- Scores -------------------------------------------------------------------

@dataclass(frozen=True)
class LikertSummary:
    """One Likert item (or group of items) for one group of respondents.

    Percentages are 0–100; `mean` is on the 1–5 answer scale and `score` is
    the same mean on the 0–100 scale.
    """

    n: int
    favorable_pct: float
    neutral_pct: float
    unfavorable_pct: float
    mean: float
    score: float


def _checked_counts(counts: Mapping[int, int], allowed: range, scale: str) -> int:
    """Validate answer counts and return how many answers there are."""
    for value, count in counts.items():
        if value not in allowed:
            raise ValueError(f"{scale} answer value out of range: {value!r}")
        if count < 0:
            raise ValueError(f"negative count for {scale} answer {value!r}: {count}")
    return sum(counts.values())


def summarise_likert(counts: Mapping[int, int]) -> LikertSummary | None:
    """Summarise counts of answers per value 1..5; None when nobody answered.

    Favorable is 4–5, neutral 3, unfavorable 1–2. Missing values count as 0.
    """
    n = _checked_counts(counts, LIKERT_VALUES, "Likert")
    if n == 0:
        return None
    mean = sum(value * count for value, count in counts.items()) / n
    return LikertSummary(
        n=n,
        favorable_pct=100 * (counts.get(4, 0) + counts.get(5, 0)) / n,
        neutral_pct=100 * counts.get(3, 0) / n,
        unfavorable_pct=100 * (counts.get(1, 0) + counts.get(2, 0)) / n,
        mean=mean,
        # The 0–100 mapping is linear, so the mean score is the score of the mean.
        score=(mean - 1) * 25,
    )


@dataclass(frozen=True)
class EnpsSummary:
    """The eNPS question for one group: shares in 0–100, eNPS in −100..+100."""

    n: int
    promoters_pct: float
    passives_pct: float
    detractors_pct: float
    enps: float


def summarise_enps(counts: Mapping[int, int]) -> EnpsSummary | None:
    """Summarise counts of answers per value 0..10; None when nobody answered.

    Promoters answer 9–10, passives 7–8, detractors 0–6;
    eNPS = %promoters − %detractors.
    """
    n = _checked_counts(counts, ENPS_VALUES, "eNPS")
    if n == 0:
        return None
    promoters = sum(count for value, count in counts.items() if value >= 9)
    passives = sum(count for value, count in counts.items() if 7 <= value <= 8)
    detractors = n - promoters - passives
    promoters_pct = 100 * promoters / n
    detractors_pct = 100 * detractors / n
    return EnpsSummary(
        n=n,
        promoters_pct=promoters_pct,
        passives_pct=100 * passives / n,
        detractors_pct=detractors_pct,
        enps=promoters_pct - detractors_pct,
    )


def driver_score(item_scores: Sequence[float]) -> float | None:
    """A driver's 0–100 score: the plain mean of its items' scores."""
    if not item_scores:
        return None
    return sum(item_scores) / len(item_scores)


def band(favorable_pct: float, green: float = 75, amber: float = 60) -> Band:
    """Colour band for a favorable share: ≥ green, ≥ amber, else red."""
    if amber > green:
        raise ValueError(f"amber threshold {amber} is above green threshold {green}")
    if favorable_pct >= green:
        return "green"
    if favorable_pct >= amber:
        return "amber"
    return "red"


def participation_rate(respondents: int, invited: int) -> float | None:
    """Respondents / invited as a fraction in [0, 1]; None when nobody was invited."""
    if respondents < 0 or invited < 0:
        raise ValueError("respondents and invited must not be negative")
    if respondents > invited:
        raise ValueError(f"{respondents} respondents but only {invited} invited")
    if invited == 0:
        return None
    return respondents / invited


def validate_min_group_size(k: int) -> None:
    """Reject a minimum group size below the floor that docs/anonymity.md allows."""
    if k < MIN_ALLOWED_GROUP_SIZE:
        raise ValueError(f"minimum group size must be at least {MIN_ALLOWED_GROUP_SIZE}, got {k}")


# --- Small-group roll-up --------------------------------------------------------
#
# Headcounts here are subtree headcounts: members of a department and of all
# departments below it. A department "qualifies" when its subtree headcount is
# at least k, so the department an answer is recorded under always stands for
# at least k people (or is the root, the last resort).

def subtree_headcounts(parent_of: Mapping[int, int | None],
                       direct: Mapping[int, int]) -> dict[int, int]:
    """Members in each department and all its descendants, from direct members.

    Departments missing from `direct` have no direct members.
    """
    totals = {dept: direct.get(dept, 0) for dept in parent_of}
    for dept in departments.top_down(parent_of)[::-1]:  # children before their parents
        parent = parent_of[dept]
        if parent is not None:
            totals[parent] += totals[dept]
    return totals


WHOLE_AUDIENCE = None  # the label of answers that belong to no single department


def respondent_rollup(parent_of: Mapping[int, int | None], respondents: Mapping[int, int],
                      k: int) -> dict[int, int | None]:
    """Where each department's answers are stored once a wave has closed.

    Bottom-up: a department whose own respondents, plus those rolled into it
    from below, number fewer than k hands them all to its parent; a root (a
    department with no parent in the audience) hands them to the wave's whole
    audience (`WHOLE_AUDIENCE`, stored as NULL; with a single root, the root
    itself). If the whole audience then holds 1..k-1 respondents of its own,
    it absorbs its smallest labelled child (roots, and labels under roots that
    handed up), which always brings it to at least k.

    So every label answers are stored under (a "reporting department", or the
    whole audience) owns at least k respondents — roots and partial audiences
    included — and a reporting department's subtree holds exactly the
    respondents of its department subtree. The one exception is a wave whose
    whole audience has fewer than k respondents: everything maps to
    `WHOLE_AUDIENCE`, and the caller must store no answers at all
    (`rollup_total_too_small`). Stored rows and the pre-aggregates then never
    narrow an answer below k people, even for someone who knows who took part
    and subtracts one stored group from another.
    """
    validate_min_group_size(k)
    order = departments.top_down(parent_of)
    pending = {dept: respondents.get(dept, 0) for dept in parent_of}
    handed: dict[int, int | None] = {}  # a label maps to itself, others to where they went
    whole = 0
    for dept in reversed(order):  # children before their parents
        if pending[dept] >= k:
            handed[dept] = dept
            continue
        parent = parent_of[dept]
        handed[dept] = parent
        if parent is None:
            whole += pending[dept]
        else:
            pending[parent] += pending[dept]
    if 0 < whole < k:
        # The labels directly under the whole audience, smallest first (ties by id).
        above: dict[int, int | None] = {}
        for dept in order:  # parents first
            parent = parent_of[dept]
            above[dept] = None if parent is None else (
                parent if handed[parent] == parent else above[parent])
        top_labels = [d for d in order if handed[d] == d and above[d] is None]
        if top_labels:
            absorbed = min(top_labels, key=lambda d: (pending[d], d))
            handed[absorbed] = WHOLE_AUDIENCE  # pending[absorbed] >= k, so one is enough
    # With a single root, the root department is the whole audience: its own
    # label serves (so its figures read like any department's).
    roots = [dept for dept in order if parent_of[dept] is None]
    whole_label = roots[0] if len(roots) == 1 else WHOLE_AUDIENCE
    target: dict[int, int | None] = {}
    for dept in order:  # parents are resolved first, so one step each suffices
        step = handed[dept]
        target[dept] = dept if step == dept else (
            whole_label if step is None else target[step])
    return target


def rollup_total_too_small(respondents: Mapping[int, int], k: int) -> bool:
    """True when a wave's whole audience has fewer than k respondents: then
    nothing readable may be stored for it."""
    return sum(respondents.values()) < k


# --- What may be shown ------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One aggregate that a view wants to show: a group, its parent group
    (None at the top) and how many responses it holds, its sub-groups' included."""

    key: Hashable
    parent: Hashable | None
    n: int


def suppress(cells: Sequence[Cell], k: int) -> dict[Hashable, SuppressionReason | None]:
    """Decide which cells may be shown: None, or the reason a cell is hidden.

    - 'below_k': the cell holds fewer than k responses.
    - 'complementary': the cell is large enough but is hidden so that no
      hidden group can be computed by subtraction.

    Subtraction works across hidden levels: a shown cell minus its nearest
    shown descendants (shown children, and shown cells below hidden children)
    reveals the responses that none of them cover, those recorded directly at
    the cell included. That remainder must be 0 or at least k; while it is
    not, the smallest of those nearest shown descendants is hidden too. This
    is stricter than looking at shown children only, and implies it.

    Pass the whole tree a result comes from, not just the part on screen, and
    filter afterwards: every view then hides the same cells, so comparing two
    views reveals nothing either. The greedy choice keeps the result small
    but not always minimal; finding the minimum is NP-hard in general.
    """
    validate_min_group_size(k)
    by_key = {cell.key: cell for cell in cells}
    if len(by_key) != len(cells):
        raise ValueError("cell keys must be unique")
    order = departments.top_down({cell.key: cell.parent for cell in cells})
    children: dict[Hashable, list[Cell]] = {}
    for cell in cells:
        if cell.n < 0:
            raise ValueError(f"cell {cell.key!r} has a negative count")
        if cell.parent is not None:
            children.setdefault(cell.parent, []).append(cell)
    for key, kids in children.items():
        if sum(kid.n for kid in kids) > by_key[key].n:
            raise ValueError(f"cell {key!r} holds fewer responses than its children")

    hidden: dict[Hashable, SuppressionReason] = {
        cell.key: BELOW_K for cell in cells if cell.n < k
    }

    def nearest_shown_below(key: Hashable) -> list[Cell]:
        found, stack = [], list(children.get(key, ()))
        while stack:
            cell = stack.pop()
            if cell.key in hidden:
                stack.extend(children.get(cell.key, ()))
            else:
                found.append(cell)
        return found

    # Hiding a cell only changes what is derivable at its nearest shown
    # ancestor, which is the cell being fixed. Cells are visited top-down, so
    # each one is settled once its own loop ends: fixing a cell hides cells
    # below it, which drops their constraints instead of breaking them.
    position = {cell.key: index for index, cell in enumerate(cells)}
    for key in order:
        if key in hidden:
            continue
        while True:
            below = nearest_shown_below(key)
            remainder = by_key[key].n - sum(cell.n for cell in below)
            if remainder == 0 or remainder >= k:
                break
            # `below` is not empty here: with nothing below, remainder = n ≥ k.
            smallest = min(below, key=lambda cell: (cell.n, position[cell.key]))
            hidden[smallest.key] = COMPLEMENTARY

    return {cell.key: hidden.get(cell.key) for cell in cells}


def shuffle_comments(comments: Sequence[str], seed: int | None = None) -> list[str]:
    """A shuffled copy of the comments, so their order reveals nothing.

    The operating system's randomness is used unless a seed is given (tests).
    """
    shuffled = list(comments)
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    rng.shuffle(shuffled)
    return shuffled
