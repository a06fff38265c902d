"""Meeting records on both databases: life cycle, visibility (confidential meetings
included), permissions, validation, sign-off, the decision register and its numbering
under concurrent writers, action items and series carry-over."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data_access import action_items, db, meetings, users
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.models.action_items import ActionItem
from data_access.models.meetings import Decision, DecisionCounter, Meeting, MeetingType
from tests.conftest import audit_entries, make_user

# 31 Farvardin 1405, 09:30 in Tehran.
START = datetime(2026, 4, 20, 6, 0, tzinfo=UTC)
BEFORE = START - timedelta(days=2)  # when it is scheduled
AFTER = START + timedelta(hours=2)  # when it has been held


def _type_id(session) -> int:
    meetings.ensure_builtin_types(session)
    return session.scalar(select(MeetingType.id).where(MeetingType.code == "staff"))


def _input(session, org, **changes) -> meetings.MeetingInput:
    values = dict(title="جلسه هفتگی ترافیک", type_id=_type_id(session), starts_at=START,
                  duration_minutes=60, department_id=org.traffic, place="اتاق ۲",
                  attendee_ids=[org.employee.id], guests=["مهندس رضایی"])
    values.update(changes)
    return meetings.MeetingInput(**values)


def _schedule(session, org, organiser=None, **changes) -> int:
    meeting_id = meetings.schedule(session, organiser or org.manager,
                                   _input(session, org, **changes), now=BEFORE)
    session.commit()
    return meeting_id


def _version(session, meeting_id) -> int:
    return session.scalar(select(Meeting.version).where(Meeting.id == meeting_id)
                          .execution_options(populate_existing=True))


def _held(session, org, **changes) -> int:
    """A meeting with one agenda item, held, with everyone present."""
    meeting_id = _schedule(session, org, **changes)
    actor = org.manager
    meetings.add_item(session, actor, meeting_id, _version(session, meeting_id), "گزارش ترافیک",
                      presenter_id=org.employee.id, minutes_allotted=20)
    held_at = changes.get("starts_at", START) + timedelta(hours=2)
    meetings.hold(session, actor, meeting_id, _version(session, meeting_id), now=held_at)
    detail = meetings.meeting_detail(session, actor, meeting_id)
    meetings.record_attendance(session, actor, meeting_id, detail.version,
                               {a.user_id: "present" for a in detail.attendees})
    session.commit()
    return meeting_id


def _approved(session, org, **changes) -> int:
    meeting_id = _held(session, org, **changes)
    meetings.approve(session, org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    session.commit()
    return meeting_id


def _refused(session, error, key, call, *args, **kwargs):
    """`call` raises `error` with `key` and leaves the database as it was."""
    with pytest.raises(error) as caught:
        call(session, *args, **kwargs)
    session.rollback()
    assert caught.value.key == key, caught.value
    return caught.value


# --- Scheduling and life cycle -----------------------------------------------------------

def test_schedule_stores_utc_and_the_organiser_attends(session, org):
    meeting_id = _schedule(session, org)
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert detail.status == "planned" and detail.starts_at == START
    assert detail.title == "جلسه هفتگی ترافیک" and detail.guests == ["مهندس رضایی"]
    assert {a.user_id for a in detail.attendees} == {org.manager.id, org.employee.id}
    assert detail.may_edit and "edit_agenda" in detail.actions
    assert audit_entries(session, "meeting.schedule")[0].entity_id == str(meeting_id)


def test_full_life_cycle_planned_held_approved_reopened(session, org):
    meeting_id = _held(session, org)
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert detail.status == "held" and "edit_minutes" in detail.actions
    item = detail.agenda[0]
    meetings.save_minutes(session, org.manager, meeting_id, detail.version, item.id,
                          "**تصمیم** گرفته شد", done=True)
    meetings.approve(session, org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    session.commit()
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert detail.status == "approved" and detail.approved_at == AFTER
    assert detail.agenda[0].notes == "**تصمیم** گرفته شد" and detail.agenda[0].done
    # Approved minutes are read-only.
    _refused(session, Conflict, "meetings.errors.not_now", meetings.save_minutes,
             org.manager, meeting_id, detail.version, item.id, "changed")
    # The organiser reopens (audited); sign-offs given so far are cleared.
    meetings.sign_off(session, org.employee, meeting_id, "confirmed")
    meetings.reopen(session, org.manager, meeting_id, detail.version)
    session.commit()
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert detail.status == "held" and detail.approved_at is None
    assert detail.attendee(org.employee.id).sign_off is None
    assert [e.entity_id for e in audit_entries(session, "meeting.reopen")] == [str(meeting_id)]


def test_cannot_hold_before_it_starts_and_cancelled_is_final(session, org):
    meeting_id = _schedule(session, org)
    _refused(session, InvalidInput, "meetings.errors.not_started", meetings.hold,
             org.manager, meeting_id, _version(session, meeting_id), now=BEFORE)
    assert session.get(Meeting, meeting_id).status == "planned"
    meetings.cancel(session, org.manager, meeting_id, _version(session, meeting_id))
    session.commit()
    _refused(session, Conflict, "meetings.errors.not_now", meetings.hold,
             org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    _refused(session, Conflict, "meetings.errors.not_now", meetings.add_item,
             org.manager, meeting_id, _version(session, meeting_id), "x")


def test_approve_needs_every_attendance_and_a_double_click_is_told(session, org):
    meeting_id = _schedule(session, org)
    meetings.hold(session, org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    session.commit()
    version = _version(session, meeting_id)
    error = _refused(session, InvalidInput, "meetings.errors.attendance_incomplete",
                     meetings.approve, org.manager, meeting_id, version)
    assert error.params == {"count": 2}
    version = meetings.record_attendance(session, org.manager, meeting_id, version,
                                         {org.manager.id: "present", org.employee.id: "excused"})
    meetings.approve(session, org.manager, meeting_id, version)
    session.commit()
    # The second click carries the version the page showed before the first one.
    _refused(session, Conflict, "meetings.errors.already_approved", meetings.approve,
             org.manager, meeting_id, version)
    assert len(audit_entries(session, "meeting.approve")) == 1


def test_agenda_order_total_and_removal_while_planned(session, org):
    meeting_id = _schedule(session, org)
    for title, minutes in (("یک", 30), ("دو", 20), ("سه", 15)):
        meetings.add_item(session, org.manager, meeting_id, _version(session, meeting_id),
                          title, minutes_allotted=minutes)
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert [i.title for i in detail.agenda] == ["یک", "دو", "سه"]
    assert detail.agenda_minutes == 65 and detail.over_time
    third = detail.agenda[2].id
    meetings.move_item(session, org.manager, meeting_id, detail.version, third, -2)
    meetings.remove_item(session, org.manager, meeting_id, _version(session, meeting_id),
                         detail.agenda[1].id)
    session.commit()
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert [(i.position, i.title) for i in detail.agenda] == [(1, "سه"), (2, "یک")]
    assert not detail.over_time


# --- Permissions -----------------------------------------------------------------------

def test_only_leaders_schedule_and_only_the_organiser_or_an_admin_edits(session, org):
    _refused(session, PermissionDenied, "errors.permission_denied", meetings.schedule,
             org.employee, _input(session, org))
    meeting_id = _schedule(session, org)
    version = _version(session, meeting_id)
    for someone in (org.employee, org.pr):  # an attendee; a leader who may see it
        with pytest.raises((PermissionDenied, NotFound)):
            meetings.add_item(session, someone, meeting_id, version, "x")
        session.rollback()
    meetings.add_item(session, org.admin, meeting_id, version, "از طرف مدیر سامانه")
    session.commit()
    assert [i.title for i in meetings.meeting_detail(session, org.manager, meeting_id).agenda] \
        == ["از طرف مدیر سامانه"]


def test_a_manager_schedules_only_for_their_subtree(session, org):
    _refused(session, PermissionDenied, "errors.permission_denied", meetings.schedule,
             org.manager, _input(session, org, department_id=org.pr_dept))
    assert meetings.schedule(session, org.manager,
                             _input(session, org, department_id=org.traffic_control))


def test_a_deactivated_organiser_can_no_longer_edit(session, org):
    meeting_id = _schedule(session, org)
    users.set_active(session, org.admin, org.manager.id, False)
    session.commit()
    _refused(session, PermissionDenied, "errors.permission_denied", meetings.add_item,
             org.manager, meeting_id, _version(session, meeting_id), "x")


# --- Visibility ----------------------------------------------------------------------------

def test_department_meetings_are_seen_by_the_department_and_its_leaders(session, org):
    meeting_id = _schedule(session, org, attendee_ids=[])  # Traffic, not confidential
    colleague = make_user(session, "colleague", org.traffic)
    session.commit()
    for reader in (org.manager, colleague, org.admin):
        assert meetings.meeting_detail(session, reader, meeting_id).id == meeting_id
        assert meetings.meeting_count(session, reader) == 1
    # Traffic Control's employee is below Traffic, not in it; the outsider is in PR.
    for reader in (org.employee, org.outsider, org.pr):
        with pytest.raises(NotFound):
            meetings.meeting_detail(session, reader, meeting_id)
        assert meetings.meeting_count(session, reader) == 0
        assert meetings.meetings(session, reader).total == 0


def test_confidential_meetings_are_invisible_to_non_attendees_everywhere(session, org):
    secret = _held(session, org, title="جلسه محرمانه بودجه", confidential=True,
                   department_id=org.traffic)
    version = _version(session, secret)
    meetings.add_decision(session, org.manager, secret, version, "بودجه محرمانه تصویب شد")
    session.commit()
    colleague = make_user(session, "colleague", org.traffic)  # same department, not invited
    leader = make_user(session, "root_manager", org.root, "manager")  # leads the whole tree
    session.commit()
    for reader in (colleague, leader, org.pr, org.outsider):
        with pytest.raises(NotFound):
            meetings.meeting_detail(session, reader, secret)
        assert meetings.meeting_count(session, reader) == 0
        assert meetings.meetings(session, reader, search="بودجه").total == 0
        assert meetings.search_register(session, reader, "بودجه").total == 0
        assert meetings.search_register(session, reader).total == 0
        assert meetings.meeting_attendance_rate(session, reader, secret).recorded == 0
    # The attendee and the admin see it, in the list, the count and the register.
    for reader in (org.employee, org.manager, org.admin):
        assert meetings.meeting_detail(session, reader, secret).confidential
        assert meetings.meeting_count(session, reader) == 1
        assert meetings.meetings(session, reader, search="بودجه").total == 1
        assert meetings.search_register(session, reader, "بودجه").total == 1


def test_mine_lists_what_i_organise_or_attend(session, org):
    mine = _schedule(session, org)
    _schedule(session, org, attendee_ids=[], title="بدون کارمند")
    assert [m.id for m in meetings.meetings(session, org.employee, mine=True).items] == [mine]
    assert meetings.meetings(session, org.manager, mine=True).total == 2


# --- Validation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "key"), [
    ({"title": "  \u200c "}, "meetings.errors.title_required"),
    ({"type_id": None}, "meetings.errors.type_invalid"),
    ({"duration_minutes": 0}, "meetings.errors.duration_range"),
    ({"online_link": "javascript:alert(1)"}, "meetings.errors.link_invalid"),
    ({"recurrence": "daily"}, "meetings.errors.recurrence_invalid"),
    ({"starts_at": None}, "errors.required"),
])
def test_bad_meeting_input_is_refused_and_nothing_is_written(session, org, changes, key):
    _refused(session, InvalidInput, key, meetings.schedule, org.manager,
             _input(session, org, **changes))
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_duplicate_and_deactivated_attendees_are_refused(session, org):
    _refused(session, InvalidInput, "meetings.errors.duplicate_attendee", meetings.schedule,
             org.manager, _input(session, org, attendee_ids=[org.employee.id, org.employee.id]))
    _refused(session, InvalidInput, "meetings.errors.duplicate_attendee", meetings.schedule,
             org.manager, _input(session, org, guests=["علی", "علي"]))  # Arabic yeh: the same
    users.set_active(session, org.admin, org.employee.id, False)
    session.commit()
    _refused(session, InvalidInput, "meetings.errors.attendee_inactive", meetings.schedule,
             org.manager, _input(session, org))


def test_a_one_megabyte_minutes_field_is_refused(session, org):
    meeting_id = _held(session, org)
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    error = _refused(session, InvalidInput, "meetings.errors.minutes_too_long",
                     meetings.save_minutes, org.manager, meeting_id, detail.version,
                     detail.agenda[0].id, "ب" * 1_000_000)
    assert error.params == {"max": meetings.NOTES_MAX}
    assert meetings.meeting_detail(session, org.manager, meeting_id).agenda[0].notes is None


def test_two_people_saving_the_same_minutes_the_second_is_told(session, org):
    meeting_id = _held(session, org)
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    item = detail.agenda[0].id
    meetings.save_minutes(session, org.manager, meeting_id, detail.version, item, "نسخه اول")
    session.commit()
    _refused(session, Conflict, "errors.edited_by_someone_else", meetings.save_minutes,
             org.admin, meeting_id, detail.version, item, "نسخه دوم")
    assert meetings.meeting_detail(session, org.manager, meeting_id).agenda[0].notes == "نسخه اول"


# --- Sign-off ------------------------------------------------------------------------------

def test_present_attendees_sign_off_their_own_only(session, org):
    absent = make_user(session, "absent", org.traffic)
    session.commit()
    meeting_id = _schedule(session, org, attendee_ids=[org.employee.id, absent.id])
    meetings.hold(session, org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    meetings.record_attendance(session, org.manager, meeting_id, _version(session, meeting_id),
                               {org.manager.id: "present", org.employee.id: "present",
                                absent.id: "absent"})
    session.commit()
    # Not before approval.
    _refused(session, Conflict, "meetings.errors.not_now", meetings.sign_off, org.employee,
             meeting_id, "confirmed")
    meetings.approve(session, org.manager, meeting_id, _version(session, meeting_id))
    session.commit()
    meetings.sign_off(session, org.employee, meeting_id, "confirmed", now=AFTER)
    session.commit()
    _refused(session, InvalidInput, "meetings.errors.objection_note_required",
             meetings.sign_off, org.manager, meeting_id, "objection", " ")
    meetings.sign_off(session, org.manager, meeting_id, "objection", "بند ۲ ناقص است")
    session.commit()
    _refused(session, PermissionDenied, "meetings.errors.only_present_sign", meetings.sign_off,
             absent, meeting_id, "confirmed")
    with pytest.raises(NotFound):  # not an attendee, not in the department
        meetings.sign_off(session, org.outsider, meeting_id, "confirmed")
    session.rollback()
    detail = meetings.meeting_detail(session, org.employee, meeting_id)
    signs = {a.user_id: (a.sign_off, a.sign_off_note) for a in detail.attendees}
    assert signs == {org.employee.id: ("confirmed", None),
                     org.manager.id: ("objection", "بند ۲ ناقص است"), absent.id: (None, None)}
    assert detail.attendee(org.employee.id).signed_at == AFTER
    assert detail.actions == frozenset({"sign_off"})  # an attendee edits nothing else
    rate = meetings.meeting_attendance_rate(session, org.manager, meeting_id)
    assert (rate.present, rate.recorded) == (2, 3)


# --- Decisions and the register ------------------------------------------------------------

def test_decisions_are_numbered_per_jalali_year_and_searchable(session, org):
    first = _held(session, org)
    ids = []
    for text in ("نصب چراغ راهنمایی در میدان آزادی", "افزايش گشت پليس"):  # Arabic yeh
        ids.append(meetings.add_decision(session, org.manager, first, _version(session, first),
                                         text, responsible_department_id=org.traffic))
    session.commit()
    assert [n for _, n in ids] == ["1405-001", "1405-002"]
    # A meeting in the previous Jalali year starts its own sequence.
    old = _held(session, org, starts_at=datetime(2026, 3, 10, 6, 0, tzinfo=UTC))
    assert meetings.add_decision(session, org.manager, old, _version(session, old),
                                 "مصوبه سال قبل")[1] == "1404-001"
    session.commit()
    register = meetings.search_register(session, org.manager)
    assert [r.number for r in register.items] == ["1405-002", "1405-001", "1404-001"]
    assert [r.number for r in meetings.search_register(session, org.manager, "افزایش گشت").items
            ] == ["1405-002"]
    assert [r.number for r in meetings.search_register(session, org.manager, "۱۴۰۵-۰۰۱").items
            ] == ["1405-001"]
    assert meetings.search_register(session, org.manager, date_to=date(2026, 3, 31)).total == 1
    assert meetings.search_register(session, org.manager, department_id=org.pr_dept).total == 0
    # Superseded by a later decision, once the minutes are approved.
    meetings.approve(session, org.manager, first, _version(session, first))
    session.commit()
    version = session.get(Decision, ids[0][0]).version
    _refused(session, InvalidInput, "meetings.errors.superseded_by_required",
             meetings.set_decision_status, org.manager, ids[0][0], version, "superseded")
    meetings.set_decision_status(session, org.manager, ids[0][0], version, "superseded",
                                 superseded_by_id=ids[1][0])
    session.commit()
    decision = meetings.meeting_detail(session, org.manager, first).decisions[0]
    assert (decision.status, decision.superseded_by) == ("superseded", "1405-002")
    assert meetings.search_register(session, org.manager, status="superseded").total == 1


def test_decisions_only_while_held_and_never_empty(session, org):
    meeting_id = _schedule(session, org)
    _refused(session, Conflict, "meetings.errors.not_now", meetings.add_decision,
             org.manager, meeting_id, _version(session, meeting_id), "زود است")
    meetings.hold(session, org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    session.commit()
    _refused(session, InvalidInput, "meetings.errors.decision_required", meetings.add_decision,
             org.manager, meeting_id, _version(session, meeting_id), "\n \n")
    # A refused decision used no number.
    meetings.add_decision(session, org.manager, meeting_id, _version(session, meeting_id), "ok")
    assert session.scalar(select(Decision.sequence)) == 1


def test_sixteen_meetings_saving_decisions_at_once_get_gapless_unique_numbers(
        database_url, engine, session, org):
    meeting_ids = [_held(session, org, title=f"جلسه {n}") for n in range(16)]
    versions = {m: _version(session, m) for m in meeting_ids}
    outcomes: list[str] = []
    barrier = threading.Barrier(16)

    def save(meeting_id: int) -> None:
        barrier.wait()
        try:
            with db.session_scope(db.get_engine(database_url)) as own:
                meetings.add_decision(own, org.manager, meeting_id, versions[meeting_id],
                                      f"مصوبه جلسه {meeting_id}")
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=save, args=(m,)) for m in meeting_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok"] * 16, outcomes
    numbers = sorted(session.scalars(select(Decision.sequence).where(Decision.year == 1405)))
    assert numbers == list(range(1, 17))
    assert session.scalar(select(DecisionCounter.next).where(DecisionCounter.year == 1405)) == 17
    assert Counter(session.scalars(select(Decision.meeting_id))) == {m: 1 for m in meeting_ids}


# --- Action items -------------------------------------------------------------------------

def test_action_items_from_a_decision_go_to_the_shared_table(session, org):
    meeting_id = _held(session, org)
    decision_id, _ = meetings.add_decision(session, org.manager, meeting_id,
                                           _version(session, meeting_id), "تعمیر چراغ‌ها")
    item_id = meetings.create_action_item(
        session, org.manager, meeting_id, _version(session, meeting_id), title="پیگیری تعمیر",
        owner_id=org.employee.id, due_on=date(2026, 5, 1), decision_id=decision_id,
        now=AFTER)
    session.commit()
    item = session.get(ActionItem, item_id)
    assert (item.source, item.source_meeting_id, item.source_decision_id,
            item.source_department_id) == ("meeting", meeting_id, decision_id, org.traffic)
    assert [i.title for i in action_items.owned_by(session, org.employee, now=AFTER)] == [
        "پیگیری تعمیر"]
    detail = meetings.meeting_detail(session, org.employee, meeting_id, now=AFTER)
    assert [(a.title, a.decision_id) for a in detail.action_items] == [
        ("پیگیری تعمیر", decision_id)]
    # The owner moves it along on /action-items as any item.
    action_items.set_status(session, org.employee, item_id, "done", item.version)


def test_bad_action_items_from_a_meeting_are_refused(session, org):
    meeting_id = _held(session, org, starts_at=START + timedelta(days=10))
    later = START + timedelta(days=10, hours=2)
    version = _version(session, meeting_id)
    _refused(session, InvalidInput, "meetings.errors.due_before_meeting",
             meetings.create_action_item, org.manager, meeting_id, version, title="زود",
             owner_id=org.employee.id, due_on=date(2026, 4, 25), now=BEFORE)
    _refused(session, InvalidInput, "errors.required", meetings.create_action_item,
             org.manager, meeting_id, version, title=" ", owner_id=org.employee.id,
             due_on=date(2026, 5, 10), now=later)
    # An attendee may not create the meeting's items; only its organiser (or an admin).
    _refused(session, PermissionDenied, "errors.permission_denied", meetings.create_action_item,
             org.employee, meeting_id, version, title="پیگیری", owner_id=org.employee.id,
             due_on=date(2026, 5, 10), now=later)
    users.set_active(session, org.admin, org.employee.id, False)
    session.commit()
    _refused(session, InvalidInput, "actions.errors.owner_invalid", meetings.create_action_item,
             org.manager, meeting_id, version, title="پیگیری", owner_id=org.employee.id,
             due_on=date(2026, 5, 10), now=later)
    assert session.scalar(select(func.count()).select_from(ActionItem)) == 0


# --- Meeting types and series -------------------------------------------------------------

def test_admins_add_meeting_types_in_both_languages(session, org):
    _type_id(session)
    type_id = meetings.add_meeting_type(session, org.admin, "کمیته ایمنی", "Safety committee")
    session.commit()
    labels = {t.id: t.label("en") for t in meetings.meeting_types(session, org.employee)}
    assert labels[type_id] == "Safety committee" and len(labels) == 5
    _refused(session, InvalidInput, "meetings.errors.type_exists", meetings.add_meeting_type,
             org.admin, "كميته ايمنی", None)  # Arabic letter forms: the same name
    _refused(session, PermissionDenied, "errors.permission_denied", meetings.add_meeting_type,
             org.manager, "جلسه تازه", None)


def test_next_in_series_carries_unfinished_items_and_open_action_items(session, org):
    meeting_id = _schedule(session, org, recurrence="weekly")
    for title in ("تمام‌شده", "ناتمام"):
        meetings.add_item(session, org.manager, meeting_id, _version(session, meeting_id), title)
    meetings.hold(session, org.manager, meeting_id, _version(session, meeting_id), now=AFTER)
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    meetings.save_minutes(session, org.manager, meeting_id, detail.version, detail.agenda[0].id,
                          "انجام شد", done=True)
    meetings.create_action_item(session, org.manager, meeting_id, _version(session, meeting_id),
                                title="اقدام باز", owner_id=org.employee.id,
                                due_on=date(2026, 5, 1), now=AFTER)
    session.commit()
    next_id = meetings.create_next(session, org.manager, meeting_id, now=AFTER)
    session.commit()
    nxt = meetings.meeting_detail(session, org.manager, next_id)
    assert nxt.starts_at == START + timedelta(days=7) and nxt.status == "planned"
    assert nxt.previous_id == meeting_id
    assert [(i.title, i.follow_up) for i in nxt.agenda] == [("ناتمام", True),
                                                            ("اقدام باز", True)]
    assert {a.user_id for a in nxt.attendees} == {org.manager.id, org.employee.id}
    _refused(session, Conflict, "meetings.errors.next_exists", meetings.create_next,
             org.manager, meeting_id)


def test_people_to_invite_are_found_by_name_with_letter_forms_normalised(session, org):
    make_user(session, "kazemi", org.traffic, display_name="علی کاظمی")
    gone = make_user(session, "gone", org.traffic, display_name="علی رفته")
    session.commit()
    users.set_active(session, org.admin, gone.id, False)
    session.commit()
    found = meetings.people_choices(session, org.manager, "علي كاظمی")  # Arabic yeh and kaf
    assert [p.name for p in found] == ["علی کاظمی"]
    assert [p.name for p in meetings.people_choices(session, org.manager, "علی")] == [
        "علی کاظمی"]  # the deactivated account is not offered
    _refused(session, PermissionDenied, "errors.permission_denied", meetings.people_choices,
             org.employee, "علی")


def test_a_confidential_meetings_items_are_owned_by_attendees_only(session, org):
    secret = _held(session, org, confidential=True)
    _refused(session, InvalidInput, "meetings.errors.owner_not_attendee",
             meetings.create_action_item, org.manager, secret, _version(session, secret),
             title="پیگیری محرمانه", owner_id=org.outsider.id, due_on=date(2026, 5, 1),
             now=AFTER)
    assert meetings.create_action_item(session, org.manager, secret, _version(session, secret),
                                       title="پیگیری محرمانه", owner_id=org.employee.id,
                                       due_on=date(2026, 5, 1), now=AFTER)


def test_a_decision_is_superseded_by_a_register_number_as_typed(session, org):
    meeting_id = _held(session, org)
    old, _ = meetings.add_decision(session, org.manager, meeting_id,
                                   _version(session, meeting_id), "قدیمی")
    meetings.add_decision(session, org.manager, meeting_id, _version(session, meeting_id),
                          "جدید")
    meetings.approve(session, org.manager, meeting_id, _version(session, meeting_id))
    session.commit()
    _refused(session, InvalidInput, "meetings.errors.superseded_by_required",
             meetings.set_decision_status, org.manager, old, 1, "superseded",
             superseded_by_number="1405-099")
    meetings.set_decision_status(session, org.manager, old, 1, "superseded",
                                 superseded_by_number="۱۴۰۵-۰۰۲")
    session.commit()
    view = meetings.meeting_detail(session, org.employee, meeting_id).decisions[0]
    assert (view.status, view.superseded_by) == ("superseded", "1405-002")
    _refused(session, PermissionDenied, "errors.permission_denied",
             meetings.set_decision_status, org.employee, old, view.version, "implemented")


def test_demo_meetings_are_numbered_without_gaps_and_numbering_continues(session):
    from data_access.demo import seed_demo
    from data_access.models import User
    from data_access.models.meetings import MeetingAttendee

    context = seed_demo(session, "S", seed=3)
    session.commit()
    statuses = set(session.scalars(select(Meeting.status)))
    assert statuses == {"planned", "held", "approved", "cancelled"}
    assert session.scalar(select(func.count()).where(Meeting.confidential.is_(True)))
    by_year: dict[int, list[int]] = {}
    for year, sequence in session.execute(select(Decision.year, Decision.sequence)):
        by_year.setdefault(year, []).append(sequence)
    for year, numbers in by_year.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), year
    overdue = session.scalar(select(func.count()).select_from(ActionItem).where(
        ActionItem.source == "meeting", ActionItem.status != "done",
        ActionItem.due_on < date.today()))
    assert overdue
    # A held meeting's next decision takes the next number of its year.
    held = session.scalar(select(Meeting).where(Meeting.status == "held")
                          .order_by(Meeting.starts_at.desc()))
    organiser = users.active_actor(session, session.scalar(
        select(User.username).where(User.id == held.organiser_id)))
    year = meetings.jalali_year(held.starts_at)
    _, number = meetings.add_decision(session, organiser, held.id, held.version, "مصوبه تازه")
    assert number == meetings.register_number(year, len(by_year[year]) + 1)
    # The demo employee attends some of them.
    assert session.scalar(select(func.count()).select_from(MeetingAttendee).where(
        MeetingAttendee.user_id == context.accounts["employee"]))


def test_details_and_agenda_items_are_edited_while_planned_with_the_version_seen(session, org):
    meeting_id = _schedule(session, org)
    version = meetings.add_item(session, org.manager, meeting_id, _version(session, meeting_id),
                                "بند اول")
    item = meetings.meeting_detail(session, org.manager, meeting_id).agenda[0].id
    version = meetings.update_item(session, org.manager, meeting_id, version, item,
                                   "بند اصلاح‌شده", presenter_id=org.employee.id,
                                   minutes_allotted=25)
    session.commit()
    _refused(session, InvalidInput, "meetings.errors.presenter_invalid", meetings.update_item,
             org.manager, meeting_id, version, item, "x", presenter_id=org.outsider.id)
    stale = version
    version = meetings.update_details(session, org.manager, meeting_id, version, _input(
        session, org, title="عنوان تازه", attendee_ids=[], guests=[], confidential=True))
    session.commit()
    detail = meetings.meeting_detail(session, org.manager, meeting_id)
    assert (detail.title, detail.confidential, detail.guests) == ("عنوان تازه", True, [])
    assert [a.user_id for a in detail.attendees] == [org.manager.id]  # the organiser stays
    assert (detail.agenda[0].title, detail.agenda[0].minutes_allotted) == ("بند اصلاح‌شده", 25)
    # The employee is no longer invited to what is now confidential: gone for them.
    with pytest.raises(NotFound):
        meetings.meeting_detail(session, org.employee, meeting_id)
    _refused(session, Conflict, "errors.edited_by_someone_else", meetings.update_details,
             org.manager, meeting_id, stale, _input(session, org))
    meetings.hold(session, org.manager, meeting_id, version, now=AFTER)
    session.commit()
    _refused(session, Conflict, "meetings.errors.not_now", meetings.update_details,
             org.manager, meeting_id, _version(session, meeting_id), _input(session, org))


# --- What my meetings ask of me (home page and sidebar) ------------------------------------

def test_home_shows_my_next_meetings_and_minutes_awaiting_my_sign_off(session, org):
    planned = _schedule(session, org, title="جلسه آینده")
    _schedule(session, org, title="جلسه محرمانه دیگران", confidential=True, attendee_ids=[])
    approved = _approved(session, org, title="جلسه تأییدشده")
    # Only the meetings I organise or attend; a confidential one only to its own people.
    assert [m.id for m in meetings.upcoming(session, org.employee, now=BEFORE)] == [planned]
    assert meetings.upcoming(session, org.outsider, now=BEFORE) == []
    assert meetings.upcoming(session, org.employee, now=AFTER) == []  # it has begun
    assert len(meetings.upcoming(session, org.manager, now=BEFORE)) == 2  # the organiser

    notices = meetings.approval_notices(session, org.employee, now=AFTER)
    assert [(n.id, n.awaiting_sign_off) for n in notices] == [(approved, True)]
    assert meetings.awaiting_sign_off_count(session, org.employee) == 1
    assert meetings.approval_notices(session, org.manager, now=AFTER) == []  # approved it
    assert meetings.awaiting_sign_off_count(session, org.manager) == 0  # the sidebar agrees
    assert meetings.awaiting_sign_off_count(session, org.outsider) == 0

    meetings.sign_off(session, org.employee, approved, "confirmed", now=AFTER)
    session.commit()
    assert meetings.awaiting_sign_off_count(session, org.employee) == 0
    notices = meetings.approval_notices(session, org.employee, now=AFTER)
    assert [(n.id, n.awaiting_sign_off) for n in notices] == [(approved, False)]
    later = AFTER + timedelta(days=meetings.NOTICE_DAYS + 1)
    assert meetings.approval_notices(session, org.employee, now=later) == []


def test_a_sign_off_still_awaited_stays_on_the_home_page_however_old(session, org):
    approved = _approved(session, org, title="جلسه قدیمی")
    much_later = AFTER + timedelta(days=200)
    notices = meetings.approval_notices(session, org.employee, now=much_later)
    assert [(n.id, n.awaiting_sign_off) for n in notices] == [(approved, True)]


def test_attendance_per_jalali_month_for_oneself_and_for_leaders(session, org):
    _held(session, org, title="جلسه فروردین")  # 31 Farvardin 1405
    second = _held(session, org, title="جلسه اردیبهشت", starts_at=START + timedelta(days=2))
    # A held meeting's attendance stays editable: the employee was absent after all.
    meetings.record_attendance(session, org.manager, second, _version(session, second),
                               {org.employee.id: "absent"})
    session.commit()
    later = AFTER + timedelta(days=10)
    history = meetings.attendance_by_month(session, org.employee, org.employee.id, now=later)
    assert [(m.year, m.month, m.present, m.recorded) for m in history] == [
        (1405, 1, 1, 1), (1405, 2, 0, 1)]
    assert history[0].first_day == date(2026, 3, 21) and history[1].rate == 0
    # A leader sees anyone's; a colleague nobody's but their own.
    assert meetings.attendance_by_month(session, org.manager, org.employee.id, now=later) \
        == history
    with pytest.raises(PermissionDenied):
        meetings.attendance_by_month(session, org.outsider, org.employee.id, now=later)


def test_attendance_history_leaves_out_a_confidential_meeting_the_reader_cannot_see(session,
                                                                                     org):
    _held(session, org, title="جلسه محرمانه", confidential=True)
    assert meetings.attendance_by_month(session, org.employee, org.employee.id,
                                        now=AFTER)[0].recorded == 1  # an attendee sees it
    assert meetings.attendance_by_month(session, org.pr, org.employee.id, now=AFTER) == []
