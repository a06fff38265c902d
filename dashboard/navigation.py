"""Which pages exist and the capability each needs, declared once as data.

The router builds `st.navigation` from this table; the sidebar and the
role-matrix test read the same table. Which roles hold a capability is decided
in one place, data_access.permissions.CAPABILITIES. A page not in a role's
navigation cannot be reached at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data_access.permissions import CAPABILITIES

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    file: str  # module under pages/
    url: str  # stable, bookmarkable path ("" is home)
    title_key: str
    icon: str
    capability: str  # the page's guard; the roles that hold it see the page
    section: str  # locale key of the sidebar section

    @property
    def path(self) -> Path:
        return ROOT / "pages" / self.file

    @property
    def roles(self) -> frozenset[str]:
        return CAPABILITIES[self.capability]


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home.py", "", "nav.home", ":material/home:", "use_intranet", "nav.section.main"),
    PageSpec("news.py", "announcements", "nav.announcements", ":material/campaign:", "read_news",
             "nav.section.main"),
    PageSpec("surveys.py", "surveys", "nav.surveys", ":material/ballot:", "answer_surveys",
             "nav.section.main"),
    PageSpec("meetings.py", "meetings", "nav.meetings", ":material/groups:", "read_meetings",
             "nav.section.main"),
    PageSpec("action_items.py", "action-items", "nav.action_items", ":material/task_alt:",
             "use_intranet", "nav.section.main"),
    PageSpec("survey_results.py", "survey-results", "nav.survey_results", ":material/insights:",
             "view_survey_results", "nav.section.insight"),
    PageSpec("kpis.py", "kpis", "nav.kpis", ":material/monitoring:", "view_kpis",
             "nav.section.insight"),
    PageSpec("admin.py", "admin", "nav.admin", ":material/admin_panel_settings:", "administer",
             "nav.section.settings"),
    PageSpec("profile.py", "profile", "nav.profile", ":material/person:", "use_intranet",
             "nav.section.settings"),
)


def pages_for(role: str) -> list[PageSpec]:
    return [page for page in PAGES if role in page.roles]


def page_path(file: str) -> str:
    """A page's path for st.page_link, by its file under pages/."""
    return str(next(page.path for page in PAGES if page.file == file))
