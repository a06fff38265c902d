"""What each feature shows outside its own pages, declared once as data (like PAGES).

The router (dashboard/app.py) and the home page iterate this table instead of
naming features: a new feature (meetings, KPIs, role home pages) adds a row.
Hooks are named "module:function" and imported when first used, so a feature's
UI package loads only when one of its hooks runs.

Hooks, in the order a page run calls them:
- clock_tick(): time-driven work (opening and closing survey waves), once per run;
- sidebar_counter(actor): what awaits the reader, in the sidebar;
- banner(actor): notices at the top of every page;
- home_section(actor): the home page's sections, by rank (reminders that ask for an
  action first). A feature's own section is its `home_section`; the role home pages'
  further sections are rows of HOME_SECTIONS, each shown to the holders of a capability
  (and not to those of `unless`), so which sections a role's home shows, and in which
  order, is read from these two tables (`home_sections`), never from role names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from data_access.permissions import Actor, can

HOOKS = ("clock_tick", "sidebar_counter", "banner", "home_section")


@dataclass(frozen=True)
class Feature:
    name: str
    capability: str  # the reader's hooks run only for roles that hold it
    clock_tick: str | None = None
    sidebar_counter: str | None = None
    banner: str | None = None
    home_section: str | None = None
    home_rank: int = 50


FEATURES: tuple[Feature, ...] = (
    Feature("news", "read_news",
            sidebar_counter="dashboard.news:sidebar_counter",
            banner="dashboard.news:urgent_banner",
            home_section="dashboard.news:home_section"),
    Feature("surveys", "answer_surveys",
            clock_tick="dashboard.surveys:clock_tick",
            sidebar_counter="dashboard.surveys:sidebar_counter",
            home_section="dashboard.surveys:home_section", home_rank=10),
    Feature("meetings", "read_meetings",
            sidebar_counter="dashboard.meetings.hooks:sidebar_counter",
            home_section="dashboard.meetings.hooks:home_section", home_rank=20),
    Feature("kpis", "view_kpis", home_section="dashboard.kpis.hooks:home_section",
            home_rank=30),
)


@dataclass(frozen=True)
class HomeSection:
    name: str  # "<feature>" for a feature's own section, else "<feature>/<what it shows>"
    capability: str
    hook: str  # "module:function", called with the actor
    rank: int = 50
    unless: str | None = None  # not shown to holders of this capability (they get another)


# The role home pages (issue 12): employee sections for everyone, the team's for those
# who lead one, the organisation's for pr, system health for admin.
HOME_SECTIONS: tuple[HomeSection, ...] = (
    HomeSection("news/acknowledgements", "publish_news",
                "dashboard.news.home:awaiting_acknowledgement", rank=12),
    HomeSection("action_items/due_soon", "use_intranet",
                "dashboard.action_items.home:due_soon", rank=15),
    HomeSection("action_items/team_overdue", "lead_team",
                "dashboard.action_items.home:team_overdue", rank=25),
    HomeSection("surveys/headline", "lead_team",
                "dashboard.surveys.home:latest_headline", rank=35),
    HomeSection("surveys/participation", "view_all_results",
                "dashboard.surveys.home:open_participation", rank=36),
    HomeSection("news/reach", "view_all_reach", "dashboard.news.home:latest_reach", rank=38),
    HomeSection("news/occasions_to_prepare", "publish_news",
                "dashboard.news.home:occasions_to_prepare", rank=40),
    HomeSection("news/occasions", "read_news", "dashboard.news.home:occasions", rank=60,
                unless="publish_news"),
    HomeSection("admin/health", "administer", "dashboard.admin.health:home_section", rank=90),
)


def home_sections(actor: Actor | None = None) -> list[HomeSection]:
    """Every home section (a feature's own and HOME_SECTIONS), by rank; with an actor,
    those the actor's role shows."""
    sections = [HomeSection(f.name, f.capability, f.home_section, f.home_rank)
                for f in FEATURES if f.home_section] + list(HOME_SECTIONS)
    sections.sort(key=lambda s: s.rank)
    if actor is None:
        return sections
    return [s for s in sections if can(actor, s.capability)
            and not (s.unless and can(actor, s.unless))]


@cache
def resolve(name: str) -> Callable[..., Any]:
    """The function a hook names ("package.module:function")."""
    module, function = name.split(":")
    return getattr(import_module(module), function)


def hooks(hook: str, actor: Actor | None = None) -> Iterator[Callable[..., Any]]:
    """The features' functions for `hook`, in table order (home sections by rank);
    with an actor, only those of features the actor's role may use."""
    if hook not in HOOKS:
        raise ValueError(f"unknown hook {hook!r}")
    if hook == "home_section":
        for section in home_sections(actor):
            yield resolve(section.hook)
        return
    for feature in FEATURES:
        name = getattr(feature, hook)
        if name and (actor is None or can(actor, feature.capability)):
            yield resolve(name)
