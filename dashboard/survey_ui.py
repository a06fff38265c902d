"""Survey pieces shown outside the survey pages (sidebar reminder, home reminder).

Filled in by the pulse-surveys feature; until then they show nothing.
"""

from __future__ import annotations

from data_access.permissions import Actor


def sidebar(actor: Actor) -> None:
    """A reminder while a wave is open and unanswered."""


def home_reminder(actor: Actor) -> None:
    """The same reminder on the home page."""
