"""The administrator looking at /admin, with the department tree the sections share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from dashboard.ui import department_tree, locale, t
from data_access.departments import DepartmentNode
from data_access.permissions import Actor


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    lang: str
    tree: list[DepartmentNode]

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), department_tree())

    @cached_property
    def by_id(self) -> dict[int, DepartmentNode]:
        return {d.id: d for d in self.tree}

    @cached_property
    def active_departments(self) -> list[int]:
        return [d.id for d in self.tree if d.active]

    def department_label(self, department_id: int | None) -> str:
        """A department indented by its depth; "no parent" for None."""
        if department_id is None:
            return t("admin.no_parent")
        node = self.by_id.get(department_id)
        return ("\u2003" * node.depth + node.label(self.lang)) if node else "—"


def role_label(role: str) -> str:
    return t(f"roles.{role}")


def any_or(label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A filter's format_func: "any" for None, else `label(value)`."""
    return lambda value: t("admin.any") if value is None else label(value)
