"""Pure walks of the department tree (data_access.departments): subtrees and branches."""

from __future__ import annotations

from data_access.departments import branch_of, subtrees

#        1            5
#      /   \          |
#     2     3         6
#     |
#     4
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: None, 6: 5}


def test_subtrees_are_each_department_and_everything_below_it():
    subtree = subtrees(PARENTS)
    assert subtree(1) == {1, 2, 3, 4}
    assert subtree(2) == {2, 4}
    assert subtree(4) == {4}
    assert subtree(5) == {5, 6}
    assert subtree(1) is subtree(1)  # memoised


def test_branches_below_the_roots_and_below_a_department():
    assert branch_of(PARENTS, None) == {1: 1, 2: 2, 3: 3, 4: 2, 5: 5, 6: 6}
    assert branch_of(PARENTS, 1) == {1: 1, 2: 2, 3: 3, 4: 2}
    assert branch_of(PARENTS, 2) == {2: 2, 4: 4}
