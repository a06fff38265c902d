"""The news life cycle as a pure state machine: stages by the clock, and which action is
allowed in which stage (the one table both data_access and the news page follow)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from data_access.news import rules
from data_access.news.rules import ALLOWED, STAGES, allowed, released, stage_of

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(("status", "publish_at", "expires_at", "stage"), [
    ("draft", None, None, "draft"),
    ("draft", NOW - HOUR, None, "draft"),  # status wins over times
    ("archived", NOW - HOUR, None, "archived"),
    ("live", None, None, "scheduled"),
    ("live", NOW + HOUR, None, "scheduled"),
    ("live", NOW, None, "published"),  # publish_at == now is published
    ("live", NOW - HOUR, NOW + HOUR, "published"),
    ("live", NOW - HOUR, NOW, "expired"),  # expires_at == now is expired
    ("live", NOW - 2 * HOUR, NOW - HOUR, "expired"),
])
def test_stage_follows_status_and_clock(status, publish_at, expires_at, stage):
    assert stage_of(status, publish_at, expires_at, NOW) == stage


def test_stage_at_reads_the_same_fields_from_a_row():
    class Row:
        status, publish_at, expires_at = "live", NOW - HOUR, None

    assert rules.stage_at(Row(), NOW) == "published"


def test_allowed_actions_per_stage():
    table = {stage: {action for action in ALLOWED if allowed(action, stage)}
             for stage in STAGES}
    assert table == {
        "draft": {"edit", "release", "save_draft", "pin", "archive", "delete"},
        "scheduled": {"edit", "release", "save_draft", "pin", "withdraw", "archive"},
        "published": {"edit", "pin", "expire", "withdraw", "archive", "read", "acknowledge",
                      "comment", "view_reach"},
        "expired": {"edit", "withdraw", "archive", "view_reach"},
        "archived": {"save_draft", "view_reach"},
    }


def test_a_new_item_can_only_be_written():
    assert {action for action in ALLOWED if allowed(action, None)} == {
        "edit", "release", "save_draft"}


def test_released_items_keep_their_publish_time():
    assert [stage for stage in STAGES if released(stage)] == ["published", "expired"]
    assert not released(None)


def test_every_action_names_known_stages():
    assert all(stages <= set(STAGES) for stages in ALLOWED.values())
