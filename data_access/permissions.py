"""Who may do what: the one permission check every write goes through."""

from __future__ import annotations

from dataclasses import dataclass

from data_access.errors import PermissionDenied

EMPLOYEE, MANAGER, PR, ADMIN = "employee", "manager", "pr", "admin"

# What each role may do, by capability. Roles are not a strict ladder
# (a manager may not publish news; PR staff may not manage users), so the
# table names the roles explicitly.
CAPABILITIES: dict[str, frozenset[str]] = {
    "read_news": frozenset({EMPLOYEE, MANAGER, PR, ADMIN}),
    "publish_news": frozenset({PR, ADMIN}),
    "moderate_news": frozenset({PR, ADMIN}),
    "view_reach": frozenset({MANAGER, PR, ADMIN}),
    "answer_surveys": frozenset({EMPLOYEE, MANAGER, PR, ADMIN}),
    "design_surveys": frozenset({PR, ADMIN}),
    "view_survey_results": frozenset({MANAGER, PR, ADMIN}),
    "view_all_results": frozenset({PR, ADMIN}),
    "manage_question_bank": frozenset({ADMIN}),
    "create_action_items": frozenset({MANAGER, PR, ADMIN}),
    "run_meetings": frozenset({MANAGER, PR, ADMIN}),
    "view_kpis": frozenset({MANAGER, PR, ADMIN}),
    "define_kpis": frozenset({PR, ADMIN}),
    "enter_kpi_values": frozenset({MANAGER, PR, ADMIN}),
    "administer": frozenset({ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in person on whose behalf a data_access function acts."""

    id: int
    username: str
    role: str
    department_id: int
    locale: str = "fa"
    display_name: str = ""


def can(actor: Actor | None, capability: str) -> bool:
    return actor is not None and actor.role in CAPABILITIES[capability]


def require(actor: Actor | None, capability: str) -> None:
    """Raise PermissionDenied unless the actor's role grants `capability`."""
    if not can(actor, capability):
        raise PermissionDenied()
