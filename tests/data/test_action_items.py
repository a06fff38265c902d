"""Each person's action items, on both databases."""

from datetime import date

from data_access import action_items
from data_access.models import utcnow
from data_access.models.surveys import ActionItem


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
