"""Which roles see which page, declared once as data.

The router builds `st.navigation` from this table; the sidebar and the
role-matrix test read the same table. A page not in a role's navigation
cannot be reached at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data_access.permissions import ADMIN, EMPLOYEE, MANAGER, PR

ROOT = Path(__file__).resolve().parent.parent
EVERYONE = frozenset({EMPLOYEE, MANAGER, PR, ADMIN})
LEADERS = frozenset({MANAGER, PR, ADMIN})


@dataclass(frozen=True)
class PageSpec:
    file: str  # module under pages/
    url: str  # stable, bookmarkable path ("" is home)
    title_key: str
    icon: str
    roles: frozenset[str]
    section: str  # locale key of the sidebar section

    @property
    def path(self) -> Path:
        return ROOT / "pages" / self.file


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home.py", "", "nav.home", ":material/home:", EVERYONE, "nav.section.main"),
    PageSpec("news.py", "announcements", "nav.announcements", ":material/campaign:", EVERYONE,
             "nav.section.main"),
    PageSpec("surveys.py", "surveys", "nav.surveys", ":material/ballot:", EVERYONE,
             "nav.section.main"),
    PageSpec("meetings.py", "meetings", "nav.meetings", ":material/groups:", EVERYONE,
             "nav.section.main"),
    PageSpec("action_items.py", "action-items", "nav.action_items", ":material/task_alt:",
             EVERYONE, "nav.section.main"),
    PageSpec("survey_results.py", "survey-results", "nav.survey_results", ":material/insights:",
             LEADERS, "nav.section.insight"),
    PageSpec("kpis.py", "kpis", "nav.kpis", ":material/monitoring:", LEADERS,
             "nav.section.insight"),
    PageSpec("admin.py", "admin", "nav.admin", ":material/admin_panel_settings:",
             frozenset({ADMIN}), "nav.section.settings"),
    PageSpec("profile.py", "profile", "nav.profile", ":material/person:", EVERYONE,
             "nav.section.settings"),
)


def pages_for(role: str) -> list[PageSpec]:
    return [page for page in PAGES if role in page.roles]
