"""The meeting life cycle and the register number, without a database."""

from datetime import UTC, datetime

import pytest

from data_access.errors import Conflict
from data_access.meetings import rules
from data_access.meetings.series import next_start


@pytest.mark.parametrize(("action", "before", "after"), [
    ("hold", "planned", "held"), ("approve", "held", "approved"),
    ("reopen", "approved", "held"), ("cancel", "planned", "cancelled"),
    ("cancel", "held", "cancelled"),
])
def test_life_cycle_transitions(action, before, after):
    assert rules.transition(action, before) == after


@pytest.mark.parametrize(("action", "status"), [
    ("approve", "planned"), ("hold", "held"), ("reopen", "held"), ("cancel", "approved"),
    ("hold", "cancelled"), ("reopen", "cancelled"),
])
def test_impossible_transitions_are_refused(action, status):
    with pytest.raises(Conflict) as caught:
        rules.transition(action, status)
    assert caught.value.key == "meetings.errors.not_now"


def test_a_second_approve_says_already_approved():
    with pytest.raises(Conflict) as caught:
        rules.check_allowed("approve", "approved")
    assert caught.value.key == "meetings.errors.already_approved"


def test_which_edits_are_allowed_in_which_status():
    assert {a for a in rules.ACTIONS if rules.allowed(a, "planned")} == {
        "edit_details", "edit_attendees", "edit_agenda", "hold", "cancel"}
    # Attendance, minutes and decisions only once held; approved minutes are read-only.
    for action in ("record_attendance", "edit_minutes", "add_decision"):
        assert rules.allowed(action, "held")
        assert not rules.allowed(action, "planned")
        assert not rules.allowed(action, "approved")
    assert not rules.allowed("edit_agenda", "held")
    assert rules.allowed("sign_off", "approved") and not rules.allowed("sign_off", "held")
    assert not any(rules.allowed(a, "cancelled") for a in rules.ACTIONS)
    with pytest.raises(ValueError):
        rules.allowed("delete", "planned")


def test_register_number_is_year_and_three_digit_sequence():
    assert rules.register_number(1405, 37) == "1405-037"
    assert rules.register_number(1405, 1234) == "1405-1234"
    assert rules.parse_register_number("1405-037") == (1405, 37)
    assert rules.parse_register_number(" ۱۴۰۵-۰۳۷ ") == (1405, 37)
    for text in ("1405", "abc-12", "05-037", "1405-", ""):
        assert rules.parse_register_number(text) is None


def test_jalali_year_follows_the_municipalitys_day():
    # Nowruz 1405 is 21 March 2026 (Tehran); 20:45 UTC on 20 March is already 21 March there.
    assert rules.jalali_year(datetime(2026, 3, 20, 12, 0, tzinfo=UTC)) == 1404
    assert rules.jalali_year(datetime(2026, 3, 20, 20, 45, tzinfo=UTC)) == 1405


def test_agenda_over_time():
    assert not rules.over_time([20, 40], 60)
    assert rules.over_time([20, 41], 60)


def test_series_next_start():
    start = datetime(2026, 4, 20, 6, 0, tzinfo=UTC)  # 31 Farvardin 1405, 09:30 Tehran
    assert next_start(start, "weekly") == datetime(2026, 4, 27, 6, 0, tzinfo=UTC)
    assert next_start(start, "biweekly") == datetime(2026, 5, 4, 6, 0, tzinfo=UTC)
    # The next Jalali month: 31 Ordibehesht 1405 = 21 May 2026, same local time.
    assert next_start(start, "monthly") == datetime(2026, 5, 21, 6, 0, tzinfo=UTC)
    # 31 Shahrivar -> Mehr has 30 days: its last day.
    shahrivar_31 = datetime(2026, 9, 22, 6, 0, tzinfo=UTC)
    assert next_start(shahrivar_31, "monthly") == datetime(2026, 10, 22, 6, 0, tzinfo=UTC)
