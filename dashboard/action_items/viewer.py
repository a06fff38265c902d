"""Who is looking at /action-items and which views they are offered."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.ui import locale
from data_access import action_items
from data_access.permissions import Actor, can


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    loc: str
    team_views: tuple[str, ...]  # data_access.action_items.team_views
    may_announce: bool  # "you said, we did" (publish_news)

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), tuple(action_items.team_views(actor)),
                   can(actor, "publish_news"))

    @property
    def views(self) -> list[str]:
        return ["mine", "plans", *self.team_views] + (["announce"] if self.may_announce else [])
