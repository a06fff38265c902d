"""Who is looking at the meetings page, the moves between its views, and small shared
renderers. No rules here: data_access.meetings decides what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from dashboard.formatting import format_datetime, localize_digits
from dashboard.ui import escape_markdown, locale, t
from data_access.permissions import Actor, can

STATUS_COLORS = {"planned": "blue", "held": "orange", "approved": "green", "cancelled": "gray"}


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    loc: str
    may_run: bool  # schedules meetings
    may_manage_types: bool = False  # adds meeting types

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor, locale(), can(actor, "run_meetings"),
                   can(actor, "manage_meeting_types"))

    @property
    def views(self) -> list[str]:
        return (["list", "register"] + (["create"] if self.may_run else []) + ["attendance"]
                + (["types"] if self.may_manage_types else []))


def open_meeting(meeting_id: int) -> None:
    st.query_params["meeting"] = str(meeting_id)


def close_meeting() -> None:
    st.query_params.pop("meeting", None)


def back_icon() -> str:
    return ":material/arrow_forward:" if locale() == "fa" else ":material/arrow_back:"


def when(moment: datetime, loc: str) -> str:
    return format_datetime(moment, loc, "long")


def number_text(number: str, loc: str) -> str:
    """A register number such as 1405-037, in the reader's digits."""
    return localize_digits(number, loc)


def status_badge(status: str) -> None:
    st.badge(t(f"meetings.status.{status}"), color=STATUS_COLORS.get(status, "gray"))


def type_label(type_fa: str, type_en: str | None, loc: str) -> str:
    return escape_markdown(type_en if loc == "en" and type_en else type_fa)
