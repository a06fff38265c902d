"""Each person's action items, on both databases."""

from datetime import date, timedelta

import pytest

from data_access import action_items
from data_access.errors import InvalidInput
from data_access.models import utcnow
from data_access.models.action_items import ActionItem


def _item(session, owner, title, due, status="open", creator=None):
    session.add(ActionItem(title=title, owner_id=owner.id, due_on=due, status=status,
                           source="survey", created_by=(creator or owner).id,
                           created_at=utcnow(), updated_at=utcnow()))
    session.flush()


def test_own_unfinished_items_soonest_first(session, org):
    _item(session, org.employee, "later", date(2027, 5, 1), creator=org.manager)
    _item(session, org.employee, "sooner", date(2027, 1, 1), creator=org.manager)
    _item(session, org.employee, "finished", date(2026, 1, 1), status="done")
    _item(session, org.outsider, "someone else's", date(2026, 1, 1))
    session.commit()
    assert [i.title for i in action_items.owned_by(session, org.employee)] == ["sooner", "later"]
    assert [i.title for i in action_items.owned_by(session, org.employee, include_done=True)] \
        == ["sooner", "later", "finished"]


def test_due_dates_from_today_to_five_years_ahead():
    today = date(2026, 3, 1)
    assert action_items.check_due_on(today, today) == today
    latest = action_items.latest_due_on(today)
    assert latest.year == 2031 and action_items.check_due_on(latest, today) == latest
    for due, key in ((today - timedelta(days=1), "surveys.errors.due_in_past"),
                     (latest + timedelta(days=1), "actions.errors.due_too_far"),
                     (date(9999, 12, 31), "actions.errors.due_too_far"),
                     (None, "errors.required")):
        with pytest.raises(InvalidInput) as caught:
            action_items.check_due_on(due, today)
        assert (caught.value.key, caught.value.field) == (key, "due_on")
