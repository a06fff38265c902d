"""Who may do what: the one permission check every write goes through."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Exists, select
from sqlalchemy.orm import Session

from data_access.errors import PermissionDenied
from data_access.models import User

EMPLOYEE, MANAGER, PR, ADMIN = "employee", "manager", "pr", "admin"

# What each role may do, by capability. Roles are not a strict ladder
# (a manager may not publish news; PR staff may not manage users), so the
# table names the roles explicitly.
CAPABILITIES: dict[str, frozenset[str]] = {
    "use_intranet": frozenset({EMPLOYEE, MANAGER, PR, ADMIN}),  # home, profile, own items
    "read_news": frozenset({EMPLOYEE, MANAGER, PR, ADMIN}),
    "publish_news": frozenset({PR, ADMIN}),
    "moderate_news": frozenset({PR, ADMIN}),
    "view_reach": frozenset({MANAGER, PR, ADMIN}),
    "view_all_reach": frozenset({PR, ADMIN}),  # reach of every department, not a subtree
    "answer_surveys": frozenset({EMPLOYEE, MANAGER, PR, ADMIN}),
    "design_surveys": frozenset({PR, ADMIN}),
    "view_survey_results": frozenset({MANAGER, PR, ADMIN}),
    "view_all_results": frozenset({PR, ADMIN}),
    "manage_question_bank": frozenset({ADMIN}),
    "create_action_items": frozenset({MANAGER, PR, ADMIN}),
    "read_meetings": frozenset({EMPLOYEE, MANAGER, PR, ADMIN}),  # what visibility allows
    "run_meetings": frozenset({MANAGER, PR, ADMIN}),
    # Non-confidential meetings of the leader's department subtree, read-only.
    "view_department_meetings": frozenset({MANAGER, PR, ADMIN}),
    "manage_all_meetings": frozenset({ADMIN}),  # every meeting, confidential ones too
    "manage_meeting_types": frozenset({ADMIN}),
    "view_kpis": frozenset({MANAGER, PR, ADMIN}),
    "define_kpis": frozenset({PR, ADMIN}),
    "enter_kpi_values": frozenset({MANAGER, PR, ADMIN}),
    # Custom KPIs (kpis/values.py): a manager sees and enters values of their own
    # subtree only, and only for KPIs that managers enter; these roles, everywhere.
    "view_all_kpis": frozenset({PR, ADMIN}),
    "enter_all_kpi_values": frozenset({PR, ADMIN}),
    "administer": frozenset({ADMIN}),
    # Leads a department subtree day to day: the home page shows the team's survey
    # headline and overdue items (pr and admin see the organisation's figures instead).
    "lead_team": frozenset({MANAGER}),
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


def roles_with(capability: str) -> frozenset[str]:
    """The roles that hold `capability` (to count or list the people who do)."""
    return CAPABILITIES[capability]


def can(actor: Actor | None, capability: str) -> bool:
    return actor is not None and actor.role in CAPABILITIES[capability]


def require(actor: Actor | None, capability: str) -> None:
    """Raise PermissionDenied unless the actor's role grants `capability`."""
    if not can(actor, capability):
        raise PermissionDenied()


def account_active(user_id) -> Exists:
    """SQL: the account behind an actor still exists and is active.

    `user_id` is a value or a bind parameter, so a hot path can fold this
    check into a query it runs anyway (see surveys.submit).
    """
    return select(User.id).where(User.id == user_id, User.active.is_(True)).exists()


def require_active(session: Session, actor: Actor | None, capability: str | None = None) -> None:
    """The check every data_access entry point acting for a person goes through:
    the role grants `capability` (when given) and the account is still active.

    The page ends a deactivated user's session, but an Actor already handed out
    (an open tab, a cached value) must not keep reading or writing. Actors with
    no account (the command line's system actor, id 0) cannot be deactivated.
    """
    if capability is not None:
        require(actor, capability)
    elif actor is None:
        raise PermissionDenied()
    if actor.id > 0 and not session.scalar(select(account_active(actor.id))):
        raise PermissionDenied()
