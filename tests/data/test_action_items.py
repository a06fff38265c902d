"""Each person's action items, on both databases."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from data_access import action_items, users
from data_access.errors import Conflict, InvalidInput, PermissionDenied
from data_access.models import User, utcnow
from data_access.models.action_items import ActionItem
from tests.conftest import audit_entries, make_department


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


# --- The generic item: create, set_status, owner choices ------------------------------

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _create(session, actor, owner, **changes):
    values = dict(title="  پیگیری   نتیجه ", description="شرح\r\n\r\n\r\nادامه",
                  owner_id=owner.id, due_on=date(2026, 3, 20), source="survey", now=NOW)
    values.update(changes)
    return action_items.create(session, actor, **values)


def test_create_cleans_the_text_checks_the_owner_and_records_it(session, org):
    item_id = _create(session, org.pr, org.manager)
    item = session.get(ActionItem, item_id)
    assert (item.title, item.description, item.status, item.source, item.version,
            item.owner_id, item.created_by) == (
        "پیگیری نتیجه", "شرح\n\nادامه", "open", "survey", 1, org.manager.id, org.pr.id)
    assert [e.entity_id for e in audit_entries(session, "action_item.create")] == [str(item_id)]


@pytest.mark.parametrize(("who", "changes", "error", "key"), [
    ("employee", {}, PermissionDenied, None),
    ("pr", {"title": "   "}, InvalidInput, "errors.required"),
    ("pr", {"title": "x" * 201}, InvalidInput, "errors.too_long"),
    ("pr", {"owner_id": None}, InvalidInput, "errors.required"),
    ("pr", {"owner_id": 999_999}, InvalidInput, "actions.errors.owner_invalid"),
    ("pr", {"due_on": date(2026, 2, 28)}, InvalidInput, "surveys.errors.due_in_past"),
    ("pr", {"due_on": date(9999, 12, 31)}, InvalidInput, "actions.errors.due_too_far"),
])
def test_create_refuses_bad_input_and_changes_nothing(session, org, who, changes, error, key):
    with pytest.raises(error) as caught:
        _create(session, getattr(org, who), org.manager, **changes)
    if key:
        assert caught.value.key == key
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_create_refuses_a_deactivated_owner_and_an_unknown_source(session, org):
    users.set_active(session, org.admin, org.employee.id, False)
    with pytest.raises(InvalidInput) as caught:
        _create(session, org.pr, org.employee)
    assert caught.value.key == "actions.errors.owner_invalid"
    with pytest.raises(ValueError):
        _create(session, org.pr, org.manager, source="rumour")


def test_set_status_takes_the_version_seen_and_refuses_a_stale_one(session, org):
    item_id = _create(session, org.pr, org.employee)
    session.commit()
    seen = session.get(ActionItem, item_id).version
    after = action_items.set_status(session, org.employee, item_id, "in_progress", seen, now=NOW)
    session.commit()
    assert after == seen + 1
    with pytest.raises(Conflict) as refused:  # a second tab still showing the old version
        action_items.set_status(session, org.employee, item_id, "done", seen, now=NOW)
    assert refused.value.key == "errors.edited_by_someone_else"
    session.rollback()
    item = session.get(ActionItem, item_id)
    assert (item.status, item.version, item.done_at) == ("in_progress", after, None)
    action_items.set_status(session, org.employee, item_id, "done", after, now=NOW)
    session.commit()
    assert session.get(ActionItem, item_id).done_at is not None
    assert len(audit_entries(session, "action_item.status")) == 2
    # The same status again is no change: no new version and no audit entry.
    final = session.get(ActionItem, item_id).version
    assert action_items.set_status(session, org.employee, item_id, "done", final) == final
    assert len(audit_entries(session, "action_item.status")) == 2


def test_set_status_by_someone_else_needs_the_department_in_scope(session, org):
    item_id = _create(session, org.pr, org.employee, source_department_id=org.traffic_control)
    session.commit()
    with pytest.raises(PermissionDenied):  # neither the owner nor a leader
        action_items.set_status(session, org.outsider, item_id, "done", 1)
    session.rollback()
    elsewhere = _create(session, org.pr, org.employee, source_department_id=org.pr_dept)
    session.commit()
    with pytest.raises(PermissionDenied):  # a manager outside their subtree
        action_items.set_status(session, org.manager, elsewhere, "done", 1)
    session.rollback()
    with pytest.raises(InvalidInput) as caught:
        action_items.set_status(session, org.employee, item_id, "finished", 1)
    assert caught.value.key == "actions.errors.status_unknown"
    assert action_items.set_status(session, org.manager, item_id, "done", 1) == 2
    assert action_items.set_status(session, org.pr, elsewhere, "in_progress", 1) == 2


def test_owned_by_carries_the_version_and_whether_it_is_overdue(session, org):
    late = _create(session, org.pr, org.employee, due_on=date(2026, 3, 2))
    _create(session, org.pr, org.employee, due_on=date(2026, 3, 10))
    session.commit()
    later = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    action_items.set_status(session, org.employee, late, "in_progress", 1, now=later)
    session.commit()
    mine = action_items.owned_by(session, org.employee, now=later)
    assert [(i.due_on.day, i.version, i.overdue) for i in mine] == [(2, 2, True), (10, 1, False)]


def test_overdue_rule():
    today = date(2026, 3, 5)
    assert action_items.is_overdue("open", date(2026, 3, 4), today)
    assert action_items.is_overdue("in_progress", date(2026, 1, 1), today)
    assert not action_items.is_overdue("open", today, today)  # due today is still on time
    assert not action_items.is_overdue("done", date(2026, 1, 1), today)


def _many_leaders(session, department_id: int, count: int, role: str = "manager") -> set[int]:
    rows = [dict(username=f"{role}{i:04d}", display_name=f"{role} {i:04d}",
                 name_key=f"{role} {i:04d}", department_id=department_id, role=role,
                 locale="fa", active=True, password_hash="x", tokens_valid_after=utcnow(),
                 created_at=utcnow(), updated_at=utcnow()) for i in range(count)]
    session.execute(insert(User), rows)
    return set(session.scalars(select(User.id).where(User.department_id == department_id,
                                                     User.role == role)))


def test_owner_choices_page_through_everyone_active_beyond_500(session, org):
    big = make_department(session, "واحد بزرگ", org.traffic)
    leaders = _many_leaders(session, big, 520)
    staff = _many_leaders(session, big, 3, role="employee")
    session.commit()
    everyone = session.scalar(select(func.count()).select_from(User)
                              .where(User.active.is_(True)))
    first = action_items.owner_choices(session, org.pr, big)
    assert (first.total, first.page, len(first.items)) == (everyone, 1, 50)
    assert first.items[0] == (org.pr.id, "pr")  # the actor first, then the department's
    seen = []
    for number in range(1, first.pages + 1):
        seen += [choice.id for choice in action_items.owner_choices(
            session, org.pr, big, page=number).items]
    assert len(seen) == len(set(seen)) == everyone
    # the department's own people (employees too) before anyone outside it
    assert set(seen[1:524]) == leaders | staff
    assert org.outsider.id in seen[524:]
    # Beyond the last page: the last page, not an empty one.
    assert action_items.owner_choices(session, org.pr, big, page=99).page == first.pages
    # A manager above the department sees the same people; search narrows them.
    assert action_items.owner_choices(session, org.manager, big).total == everyone
    found = action_items.owner_choices(session, org.manager, big, search="MANAGER 051")
    assert sorted(c.name for c in found.items) == [f"manager {i:04d}" for i in range(510, 520)]
    assert action_items.may_own(session, org.manager, max(leaders), big)
    assert action_items.may_own(session, org.manager, min(staff), big)  # an employee too
    assert action_items.may_own(session, org.manager, org.outsider.id, big)


def test_an_employee_may_own_but_not_assign_and_no_one_gives_to_the_inactive(session, org):
    assert action_items.may_own(session, org.manager, org.employee.id, org.traffic)
    users.set_active(session, org.admin, org.outsider.id, False)
    session.commit()
    assert not action_items.may_own(session, org.manager, org.outsider.id, org.traffic)
    assert org.outsider.id not in {c.id for c in action_items.owner_choices(
        session, org.pr, None, size=500).items}
    with pytest.raises(PermissionDenied):  # assigning stays with those who may create items
        action_items.owner_choices(session, org.employee, None)
    with pytest.raises(PermissionDenied):  # and a manager for their own subtree only
        action_items.owner_choices(session, org.manager, org.pr_dept)


# --- Team views: a leader's subtree, an organiser's meetings -----------------------------

TODAY = datetime(2026, 5, 10, 8, 0, tzinfo=UTC)


def _meeting(session, org, organiser, confidential=False, attendees=()):
    from data_access import meetings
    from data_access.models.meetings import MeetingType
    meetings.ensure_builtin_types(session)
    type_id = session.scalar(select(MeetingType.id).where(MeetingType.code == "staff"))
    meeting_id = meetings.schedule(session, organiser, meetings.MeetingInput(
        title="جلسه محرمانه" if confidential else "جلسه واحد", type_id=type_id,
        starts_at=TODAY, duration_minutes=60, department_id=organiser.department_id,
        confidential=confidential, attendee_ids=[a.id for a in attendees]),
        now=TODAY - timedelta(days=1))
    session.flush()
    return meeting_id


def _team_item(session, owner, title, due, creator, department=None, meeting_id=None,
               status="open"):
    session.add(ActionItem(title=title, owner_id=owner.id, due_on=due, status=status,
                           source="meeting" if meeting_id else "survey",
                           source_department_id=department, source_meeting_id=meeting_id,
                           created_by=creator.id, created_at=utcnow(), updated_at=utcnow()))
    session.flush()


def _titles(page):
    return [i.title for i in page.items]


def test_a_manager_sees_the_items_of_their_subtree_and_no_confidential_ones(session, org):
    open_meeting = _meeting(session, org, org.pr)
    secret = _meeting(session, org, org.pr, confidential=True, attendees=[org.employee])
    _team_item(session, org.employee, "در زیرمجموعه", date(2026, 5, 20), org.manager,
               department=org.traffic_control)
    _team_item(session, org.outsider, "بیرون از زیرمجموعه", date(2026, 5, 20), org.pr,
               department=org.pr_dept)
    _team_item(session, org.employee, "از جلسه باز", date(2026, 5, 21), org.pr,
               department=org.pr_dept, meeting_id=open_meeting)
    _team_item(session, org.employee, "از جلسه محرمانه", date(2026, 5, 22), org.pr,
               department=org.pr_dept, meeting_id=secret)
    session.commit()
    managed = action_items.team(session, org.manager, "managed", now=TODAY)
    assert _titles(managed) == ["در زیرمجموعه", "از جلسه باز"]
    assert managed.total == 2  # the count leaves the confidential item out too
    # PR sees every department, but a confidential meeting only as its organiser.
    assert set(_titles(action_items.team(session, org.pr, "managed", now=TODAY))) == {
        "در زیرمجموعه", "بیرون از زیرمجموعه", "از جلسه باز", "از جلسه محرمانه"}
    assert "از جلسه محرمانه" in _titles(action_items.team(session, org.admin, "managed",
                                                          now=TODAY))


def test_an_organiser_sees_their_meetings_items_confidential_only_to_attendees(session, org):
    mine = _meeting(session, org, org.manager)
    secret = _meeting(session, org, org.manager, confidential=True, attendees=[org.employee])
    others = _meeting(session, org, org.pr)
    _team_item(session, org.employee, "اقدام جلسه من", date(2026, 5, 20), org.manager,
               meeting_id=mine)
    _team_item(session, org.employee, "اقدام محرمانه", date(2026, 5, 20), org.manager,
               meeting_id=secret)
    _team_item(session, org.outsider, "اقدام جلسه دیگر", date(2026, 5, 20), org.pr,
               meeting_id=others)
    session.commit()
    organised = action_items.team(session, org.manager, "organised", now=TODAY)
    assert set(_titles(organised)) == {"اقدام جلسه من", "اقدام محرمانه"}
    assert {i.meeting_title for i in organised.items} == {"جلسه واحد", "جلسه محرمانه"}
    assert _titles(action_items.team(session, org.pr, "organised", now=TODAY)) == \
        ["اقدام جلسه دیگر"]


def test_team_filters_sorts_and_marks_overdue(session, org):
    for title, due, status in (("ب دیرکرد", date(2026, 5, 1), "open"),
                               ("الف در راه", date(2026, 6, 1), "in_progress"),
                               ("ج انجام", date(2026, 4, 1), "done")):
        _team_item(session, org.employee, title, due, org.manager,
                   department=org.traffic, status=status)
    session.commit()

    def team(**kwargs):
        return action_items.team(session, org.manager, "managed", now=TODAY, **kwargs)

    assert _titles(team()) == ["ج انجام", "ب دیرکرد", "الف در راه"]
    assert [i.overdue for i in team().items] == [False, True, False]  # done is never late
    assert _titles(team(overdue_only=True)) == ["ب دیرکرد"]
    assert _titles(team(status="in_progress")) == ["الف در راه"]
    assert _titles(team(sort="title")) == ["الف در راه", "ب دیرکرد", "ج انجام"]
    assert _titles(team(sort="due_on", descending=True)) == ["الف در راه", "ب دیرکرد",
                                                             "ج انجام"]
    assert _titles(team(search="دیرکرد")) == ["ب دیرکرد"]
    assert team(search="EMPLOYEE").total == 3  # the owner's name, case folded
    assert team(size=2).pages == 2 and len(team(size=2, page=2).items) == 1


def test_team_views_by_role_and_refusals(session, org):
    assert action_items.team_views(org.employee) == []
    assert action_items.team_views(org.manager) == ["managed", "organised"]
    with pytest.raises(PermissionDenied):
        action_items.team(session, org.employee, "managed")
    with pytest.raises(PermissionDenied):
        action_items.team(session, org.employee, "organised")
    for kwargs, key in (({"status": "lost"}, "actions.errors.status_unknown"),
                        ({"sort": "owner_id; drop"}, "actions.errors.sort_unknown")):
        with pytest.raises(InvalidInput) as caught:
            action_items.team(session, org.manager, "managed", **kwargs)
        assert caught.value.key == key
    with pytest.raises(InvalidInput) as caught:
        action_items.team(session, org.manager, "everyone")
    assert caught.value.key == "actions.errors.view_unknown"


# --- "You said, we did" ----------------------------------------------------------------------

def _announcement(session, title="گفتید، انجام دادیم: اتاق استراحت"):
    from data_access import news
    news.ensure_builtin_categories(session)
    return news.AnnouncementInput(title=title, body="بر پایه نظرسنجی، اتاق استراحت آماده شد.",
                                  category_id=news.category_id(session, "news"))


def _done_survey_item(session, org, title="آماده‌سازی اتاق استراحت", status="done",
                      source="survey"):
    session.add(ActionItem(title=title, owner_id=org.manager.id, due_on=date(2026, 5, 20),
                           status=status, source=source, source_driver="wellbeing",
                           source_department_id=org.traffic, created_by=org.pr.id,
                           created_at=utcnow(), updated_at=utcnow(),
                           done_at=utcnow() if status == "done" else None))
    session.flush()
    return session.scalar(select(ActionItem).where(ActionItem.title == title))


def test_pr_announces_a_done_survey_item_once_and_the_link_reads_both_ways(session, org):
    from data_access.models.news import Announcement
    item = _done_survey_item(session, org)
    session.commit()
    assert [a.id for a in action_items.announceable(session, org.pr)] == [item.id]
    version = item.version
    announcement_id = action_items.announce(session, org.pr, item.id, version,
                                            _announcement(session))
    session.commit()
    assert session.get(Announcement, announcement_id).title.startswith("گفتید")
    assert session.get(ActionItem, item.id).announcement_id == announcement_id
    linked = action_items.for_announcement(session, org.employee, announcement_id)
    assert linked is not None and linked.id == item.id
    assert action_items.announceable(session, org.pr) == []
    assert [e.action for e in audit_entries(session, "action_item.announce")] == \
        ["action_item.announce"]
    # A double click: told it is announced already, and nothing is published twice.
    with pytest.raises(Conflict) as caught:
        action_items.announce(session, org.pr, item.id, version, _announcement(session))
    assert caught.value.key == "actions.errors.already_announced"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Announcement)) == 1


def test_only_publishers_announce_and_only_done_survey_items(session, org):
    from data_access.models.news import Announcement
    item = _done_survey_item(session, org)
    open_item = _done_survey_item(session, org, title="هنوز باز", status="open")
    meeting_item = _done_survey_item(session, org, title="از جلسه", source="meeting")
    session.commit()
    for actor in (org.manager, org.employee):
        with pytest.raises(PermissionDenied):
            action_items.announce(session, actor, item.id, item.version, _announcement(session))
        session.rollback()
        with pytest.raises(PermissionDenied):
            action_items.announceable(session, actor)
    for other in (open_item, meeting_item):
        with pytest.raises(InvalidInput) as caught:
            action_items.announce(session, org.pr, other.id, other.version,
                                  _announcement(session))
        assert caught.value.key == "actions.errors.not_announceable"
        session.rollback()
    # Bad announcement text is news's own refusal, and the item stays unlinked.
    with pytest.raises(InvalidInput):
        action_items.announce(session, org.pr, item.id, item.version,
                              _announcement(session, title="  "))
    session.rollback()
    assert session.get(ActionItem, item.id).announcement_id is None
    assert session.scalar(select(func.count()).select_from(Announcement)) == 0


def test_a_cancelled_item_is_closed_never_overdue_and_keeps_its_note(session, org):
    item_id = _create(session, org.pr, org.employee, due_on=NOW.date() + timedelta(days=1))
    session.commit()
    seen = session.get(ActionItem, item_id).version
    later = NOW + timedelta(days=30)  # long past the due date
    version = action_items.set_status(session, org.employee, item_id, "cancelled", seen,
                                      now=later, note="بودجه\x00 این کار  حذف شد")
    session.commit()
    item = session.get(ActionItem, item_id)
    assert (item.status, item.done_at) == ("cancelled", None)
    assert item.completion_note == "بودجه این کار حذف شد"  # cleaned: NUL and double space
    assert not action_items.is_overdue("cancelled", NOW.date(), later.date())
    assert [i.id for i in action_items.owned_by(session, org.employee, now=later)] == []
    shown = action_items.owned_by(session, org.employee, include_done=True, now=later)
    assert [(i.id, i.overdue, i.completion_note) for i in shown] == [
        (item_id, False, "بودجه این کار حذف شد")]
    # The note alone can change (the same status): a new version and an audit entry.
    after = action_items.set_status(session, org.employee, item_id, "cancelled", version,
                                    note="به سال بعد موکول شد")
    session.commit()
    assert after == version + 1 and len(audit_entries(session, "action_item.note")) == 2
    with pytest.raises(InvalidInput) as too_long:
        action_items.set_status(session, org.employee, item_id, "cancelled", after,
                                note="x" * (action_items.NOTE_MAX + 1))
    assert too_long.value.key == "errors.too_long"
    session.rollback()
    assert session.get(ActionItem, item_id).completion_note == "به سال بعد موکول شد"


# --- Our plans: survey-made items for everyone's own groups ---------------------------

def _survey_item(session, org, title, department_id, status="open", due=date(2027, 1, 1),
                 source="survey"):
    item = ActionItem(title=title, owner_id=org.manager.id, due_on=due, status=status,
                      source=source, source_department_id=department_id,
                      created_by=org.pr.id, created_at=utcnow(), updated_at=utcnow())
    session.add(item)
    session.flush()
    return item.id


def test_an_employee_sees_the_plans_of_their_groups_only(session, org):
    _survey_item(session, org, "own department", org.traffic_control)
    _survey_item(session, org, "the department above", org.traffic, due=date(2026, 12, 1))
    _survey_item(session, org, "whole organisation", None, status="done", due=date(2026, 1, 1))
    _survey_item(session, org, "another branch", org.pr_dept)
    _survey_item(session, org, "a meeting's", org.traffic_control, source="meeting")
    session.commit()
    plans = action_items.team_plans(session, org.employee)
    # unfinished first, soonest due first; the done one last
    assert [p.title for p in plans.items] == ["the department above", "own department",
                                              "whole organisation"]
    assert plans.items[0].owner == "manager"
    assert plans.items[-1].department_fa is None and plans.items[-1].status == "done"
    outsider = action_items.team_plans(session, org.outsider)
    assert [p.title for p in outsider.items] == ["another branch", "whole organisation"]
    paged = action_items.team_plans(session, org.employee, page=2, size=2)
    assert (paged.total, paged.page, [p.title for p in paged.items]) == (
        3, 2, ["whole organisation"])
    users.set_active(session, org.admin, org.employee.id, False)
    session.commit()
    with pytest.raises(PermissionDenied):
        action_items.team_plans(session, org.employee)
