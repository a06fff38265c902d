"""The department tree: structure, headcounts and the rules for changing it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from data_access import audit, settings
from data_access.errors import Conflict, InvalidInput, get_or_not_found
from data_access.models import Department, User
from data_access.permissions import Actor, require_active
from data_access.text import search_key, validated_name

NAME_MAX = 200
TREE_VERSION = "departments_version"
Node = TypeVar("Node", bound=Hashable)


@dataclass(frozen=True)
class DepartmentNode:
    id: int
    name: str
    name_en: str | None
    parent_id: int | None
    active: bool
    depth: int

    def label(self, locale: str) -> str:
        return local_name(self.name, self.name_en, locale)


def local_name(name: str, name_en: str | None, locale: str) -> str:
    """A department's name in the reader's language (Persian when it has no English one)."""
    return (name_en or name) if locale == "en" else name


def tree(session: Session, include_inactive: bool = True) -> list[DepartmentNode]:
    """All departments in display order (each parent before its children)."""
    rows = session.execute(
        select(Department.id, Department.name, Department.name_en, Department.parent_id,
               Department.active).order_by(Department.name)
    ).all()
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[DepartmentNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in children.get(parent_id, []):
            if include_inactive or row.active:
                ordered.append(DepartmentNode(row.id, row.name, row.name_en, row.parent_id,
                                              row.active, depth))
                walk(row.id, depth + 1)

    walk(None, 0)
    return ordered


def parent_map(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Department.id, Department.parent_id)).tuples().all())


def descendants(parents: dict[int, int | None], roots: Iterable[int]) -> set[int]:
    """The given departments and everything below them."""
    children: dict[int | None, list[int]] = {}
    for dept, parent in parents.items():
        children.setdefault(parent, []).append(dept)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        dept = stack.pop()
        if dept not in found:
            found.add(dept)
            stack.extend(children.get(dept, []))
    return found


def top_down(parents: Mapping[Node, Node | None], by_id: bool = False) -> list[Node]:
    """Every node, each parent before its children (breadth-first). Siblings keep the
    mapping's order, or ascending order with `by_id` (a stable order for display and
    tie-breaks). ValueError for a parent that is not in the mapping, or a cycle."""
    children: dict[Node, list[Node]] = {}
    roots: list[Node] = []
    for node in (sorted(parents) if by_id else parents):
        parent = parents[node]
        if parent is None:
            roots.append(node)
        elif parent not in parents:
            raise ValueError(f"{node!r} has an unknown parent {parent!r}")
        else:
            children.setdefault(parent, []).append(node)
    order = roots
    for node in order:  # grows while iterating: a breadth-first walk
        order.extend(children.get(node, ()))
    if len(order) != len(parents):
        raise ValueError("the parent links contain a cycle")
    return order


def subtree_ids(session: Session, department_id: int) -> set[int]:
    return descendants(parent_map(session), [department_id])


def ancestors(parents: dict[int, int | None], department_id: int) -> list[int]:
    """From the department up to the root, the department itself first."""
    chain: list[int] = []
    current: int | None = department_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def subtrees(parents: dict[int, int | None]) -> Callable[[int], frozenset[int]]:
    """A memoised `department -> itself and everything below it`, for many lookups
    (each subtree is built once, from its children's)."""
    children: dict[int | None, list[int]] = {}
    for dept, parent in parents.items():
        children.setdefault(parent, []).append(dept)
    known: dict[int, frozenset[int]] = {}

    def subtree(dept: int, seen: frozenset[int] = frozenset()) -> frozenset[int]:
        if dept not in known:
            below = [subtree(child, seen | {dept}) for child in children.get(dept, ())
                     if child not in seen]  # a cycle in bad data must not loop forever
            known[dept] = frozenset({dept}).union(*below)
        return known[dept]

    return subtree


def branch_of(parents: dict[int, int | None], top: int | None) -> dict[int, int]:
    """Each department's branch: the child of `top` above it (or `top` itself); departments
    outside `top`'s subtree are left out. With top None the branches are the roots' children."""
    result: dict[int, int] = {}
    for dept in parents:
        line = ancestors(parents, dept)
        if top is not None and top not in line:
            continue
        line = line[: line.index(top) + 1] if top is not None else line
        # line ends at top (or a root); the branch is the department just below it
        result[dept] = line[-2] if len(line) >= 2 else line[-1]
    return result


def chain(session: Session, department_id: int) -> list[int]:
    """The department and its ancestors, read with one recursive query (no tree load)."""
    parent = aliased(Department)
    cte = (select(Department.id, Department.parent_id)
           .where(Department.id == department_id).cte("chain", recursive=True))
    cte = cte.union_all(select(parent.id, parent.parent_id).where(parent.id == cte.c.parent_id))
    return list(session.scalars(select(cte.c.id)))


def headcounts(session: Session) -> dict[int, int]:
    """Active members directly in each department."""
    rows = session.execute(
        select(User.department_id, func.count()).where(User.active.is_(True))
        .group_by(User.department_id)
    ).tuples().all()
    return dict(rows)


def checked_audience(session: Session, department_ids: Iterable[int],
                     unknown_key: str) -> tuple[int, ...]:
    """An audience as chosen (sorted, without repeats; empty stays empty): every
    department must exist and be active, or InvalidInput(`unknown_key`) on "audience"."""
    chosen = tuple(sorted(set(department_ids)))
    if chosen and set(session.scalars(select(Department.id).where(
            Department.id.in_(chosen), Department.active.is_(True)))) != set(chosen):
        raise InvalidInput(unknown_key, field="audience")
    return chosen


def _clean_name(name: str | None, field: str = "name") -> str:
    return validated_name(name, field, NAME_MAX)


def _clean_name_en(name_en: str | None) -> str | None:
    # The English name reaches the same exports and labels as the Persian one.
    return validated_name(name_en, "name_en", NAME_MAX, required=False)


def _ensure_unique(session: Session, name: str, parent_id: int | None, exclude: int | None) -> None:
    query = select(Department.id).where(
        Department.name_key == search_key(name),
        Department.parent_id.is_(None) if parent_id is None else Department.parent_id == parent_id,
    )
    if exclude is not None:
        query = query.where(Department.id != exclude)
    if session.scalar(query) is not None:
        raise Conflict("errors.department_exists", field="name")


def _changed(session: Session) -> None:
    # Every app replica caches the tree; a new version tells them all to reload it.
    settings.put(session, TREE_VERSION, uuid.uuid4().hex)


def tree_version(session: Session) -> str:
    return settings.get(session, TREE_VERSION, "0") or "0"


def _get(session: Session, department_id: int | None) -> Department:
    return get_or_not_found(session, Department, department_id)


def create(
    session: Session, actor: Actor, name: str, parent_id: int | None, name_en: str | None = None
) -> int:
    require_active(session, actor, "administer")
    name = _clean_name(name)
    name_en = _clean_name_en(name_en)
    if parent_id is not None and not _get(session, parent_id).active:
        raise InvalidInput("errors.department_inactive", field="parent")
    _ensure_unique(session, name, parent_id, None)
    department = Department(name=name, name_en=name_en, name_key=search_key(name),
                            parent_id=parent_id)
    session.add(department)
    session.flush()
    audit.record(session, actor, "department.create", "department", department.id,
                 name=name, parent_id=parent_id)
    _changed(session)
    return department.id


def rename(
    session: Session, actor: Actor, department_id: int, name: str, name_en: str | None = None
) -> None:
    require_active(session, actor, "administer")
    department = _get(session, department_id)
    name = _clean_name(name)
    name_en = _clean_name_en(name_en)
    _ensure_unique(session, name, department.parent_id, department.id)
    audit.record(session, actor, "department.rename", "department", department.id,
                 old=department.name, new=name, old_en=department.name_en, new_en=name_en)
    department.name, department.name_en, department.name_key = name, name_en, search_key(name)
    _changed(session)


def move(session: Session, actor: Actor, department_id: int, new_parent_id: int | None) -> None:
    require_active(session, actor, "administer")
    department = _get(session, department_id)
    if new_parent_id is not None:
        if department.active and not _get(session, new_parent_id).active:
            # As in create and set_active: an active department never sits under an inactive one.
            raise InvalidInput("errors.department_inactive", field="parent")
        if new_parent_id in subtree_ids(session, department_id):
            raise InvalidInput("errors.department_cycle", field="parent")
    _ensure_unique(session, department.name, new_parent_id, department.id)
    audit.record(session, actor, "department.move", "department", department.id,
                 old_parent=department.parent_id, new_parent=new_parent_id)
    department.parent_id = new_parent_id
    _changed(session)


def set_active(session: Session, actor: Actor, department_id: int, active: bool) -> None:
    """Deactivate only an empty department: people and sub-departments must move first."""
    require_active(session, actor, "administer")
    department = _get(session, department_id)
    if not active:
        members = session.scalar(select(func.count()).select_from(User).where(
            User.department_id == department_id, User.active.is_(True)))
        children = session.scalar(select(func.count()).select_from(Department).where(
            Department.parent_id == department_id, Department.active.is_(True)))
        if members or children:
            raise Conflict("errors.department_not_empty", members=members, children=children)
    elif department.parent_id is not None and not _get(session, department.parent_id).active:
        raise InvalidInput("errors.department_inactive", field="parent")
    department.active = active
    _changed(session)
    audit.record(session, actor, "department.activate" if active else "department.deactivate",
                 "department", department.id)
