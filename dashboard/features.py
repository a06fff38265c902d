"""What each feature shows outside its own pages, declared once as data (like PAGES).

The router (dashboard/app.py) and the home page iterate this table instead of
naming features: a new feature (meetings, KPIs, role home pages) adds a row.
Hooks are named "module:function" and imported when first used, so a feature's
UI package loads only when one of its hooks runs.

Hooks, in the order a page run calls them:
- clock_tick(): time-driven work (opening and closing survey waves), once per run;
- sidebar_counter(actor): what awaits the reader, in the sidebar;
- banner(actor): notices at the top of every page;
- home_section(actor): the feature's part of the home page, by `home_rank`
  (reminders that ask for an action first).
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
    features = sorted(FEATURES, key=lambda f: f.home_rank) if hook == "home_section" \
        else FEATURES
    for feature in features:
        name = getattr(feature, hook)
        if name and (actor is None or can(actor, feature.capability)):
            yield resolve(name)
