"""The pure department-tree walks of data_access/departments.py: order, subtrees, branches."""

from __future__ import annotations

import pytest

from data_access import departments
from data_access.departments import branch_of, subtrees


def test_top_down_puts_every_parent_before_its_children():
    parents = {4: 3, 3: 1, 5: 1, 1: None, 2: None}
    order = departments.top_down(parents)
    assert sorted(order) == [1, 2, 3, 4, 5]
    assert all(order.index(p) < order.index(c) for c, p in parents.items() if p is not None)
    assert order == [1, 2, 3, 5, 4]  # breadth-first, siblings in the mapping's order


def test_top_down_by_id_orders_siblings_by_id():
    parents = {9: None, 7: 9, 3: 9, 2: None, 8: 2}
    assert departments.top_down(parents) == [9, 2, 7, 3, 8]
    assert departments.top_down(parents, by_id=True) == [2, 9, 8, 3, 7]


def test_top_down_takes_any_hashable_nodes():
    assert departments.top_down({"all": None, 3: "all", 4: 3}) == ["all", 3, 4]


@pytest.mark.parametrize("parents", [
    {1: 2, 2: 1},  # a cycle with no root
    {1: None, 2: 3, 3: 2},  # a cycle below a root
    {1: None, 2: 9},  # a dangling parent
])
def test_top_down_rejects_broken_trees(parents):
    with pytest.raises(ValueError):
        departments.top_down(parents)


def test_descendants_and_ancestors():
    parents = {1: None, 2: 1, 3: 2, 4: 1}
    assert departments.descendants(parents, [2]) == {2, 3}
    assert departments.ancestors(parents, 3) == [3, 2, 1]

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
