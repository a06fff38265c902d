"""News pieces shown outside the news page (sidebar badge, urgent banner, home section).

Filled in by the internal-news feature; until then they show nothing.
"""

from __future__ import annotations

from data_access.permissions import Actor


def sidebar(actor: Actor) -> None:
    """Unread count in the sidebar."""


def top_banner(actor: Actor) -> None:
    """Urgent notices at the top of every page until acknowledged or dismissed."""


def home_section(actor: Actor) -> None:
    """Pinned and latest news on the home page."""
