"""Internal news rules on SQLite and PostgreSQL: life cycle by the clock, audience
targeting through the department tree, optimistic locking, receipts, comments,
permissions, validation, events and reach."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access import news, users
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.models import AuditEntry, User
from data_access.models.news import (
    Announcement,
    AnnouncementComment,
    AnnouncementFile,
    AnnouncementReach,
    AnnouncementReceipt,
)
from tests.conftest import make_department, make_user

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


# --- helpers -----------------------------------------------------------------------------------

@pytest.fixture
def cats(session) -> dict[str, int]:
    """Built-in categories (the table is emptied between tests, so add them back)."""
    news.ensure_builtin_categories(session)
    session.commit()
    return {c.code: c.id for c in news.categories(session)}


def item(cats, title="اطلاعیه آزمایشی", body="متن **آزمایشی** خبر", **changes):
    return news.AnnouncementInput(title=title, body=body, category_id=cats["news"], **changes)


def publish(session, actor, cats, now=NOW, **changes) -> news.Saved:
    saved = news.publish(session, actor, item(cats, **changes), now=now)
    session.commit()
    return saved


def feed_ids(session, actor, now=NOW, **filters) -> list[int]:
    return [i.id for i in news.feed(session, actor, now=now, page_size=50, **filters).items]


def image_bytes(fmt: str, size=(16, 12)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (15, 110, 110)).save(out, format=fmt)
    return out.getvalue()


CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="{}"/></Types>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_bytes(content_type: str = DOCX_MAIN, document: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(content_type))
        if document:
            archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF = pdf_bytes()  # a real one: a header alone no longer passes


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def audit_actions(session, entity_id) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity_id == str(entity_id)).order_by(AuditEntry.id)))


# --- life cycle by the clock ---------------------------------------------------------------------

def test_draft_schedule_publish_expire_archive_follow_the_clock(session, org, cats):
    draft = news.save_draft(session, org.pr, item(cats), now=NOW)
    session.commit()
    assert draft.stage == "draft"
    assert draft.id not in feed_ids(session, org.employee)
    with pytest.raises(NotFound):
        news.get_item(session, org.employee, draft.id, now=NOW)
    assert news.get_item(session, org.pr, draft.id, now=NOW).stage == "draft"

    data = item(cats, expires_at=NOW + 3 * DAY)
    scheduled = news.schedule(session, org.pr, data, NOW + DAY, item_id=draft.id,
                              expected_version=draft.version, now=NOW)
    session.commit()
    assert scheduled.stage == "scheduled"
    assert draft.id not in feed_ids(session, org.employee, now=NOW + 23 * HOUR)
    with pytest.raises(NotFound):
        news.get_item(session, org.employee, draft.id, now=NOW + 23 * HOUR)
    # Published when the clock passes publish_at, with no job flipping a state.
    assert draft.id in feed_ids(session, org.employee, now=NOW + DAY + HOUR)
    assert news.get_item(session, org.employee, draft.id, now=NOW + DAY).stage == "published"
    # Expired when the clock passes expires_at.
    assert draft.id not in feed_ids(session, org.employee, now=NOW + 3 * DAY)
    assert news.stage_counts(session, org.pr, now=NOW + 4 * DAY)["expired"] == 1

    archived = news.archive(session, org.pr, draft.id, scheduled.version, now=NOW + 4 * DAY)
    session.commit()
    assert archived.stage == "archived"
    assert news.stage_counts(session, org.pr, now=NOW + 4 * DAY)["archived"] == 1
    with pytest.raises(InvalidInput) as error:
        news.delete_draft(session, org.pr, draft.id, archived.version)
    assert error.value.key == "news.errors.not_allowed_in_stage"
    assert audit_actions(session, draft.id) == ["news.create", "news.edit", "news.schedule",
                                                "news.archive"]


def test_withdraw_expire_now_pin_and_delete(session, org, cats):
    saved = publish(session, org.pr, cats)
    pinned = news.set_pinned(session, org.pr, saved.id, saved.version, True, now=NOW)
    expired = news.expire_now(session, org.pr, saved.id, pinned.version, now=NOW + HOUR)
    assert expired.stage == "expired"
    assert saved.id not in feed_ids(session, org.employee, now=NOW + 2 * HOUR)
    back = news.withdraw(session, org.pr, saved.id, expired.version, now=NOW + 2 * HOUR)
    assert back.stage == "draft"
    news.delete_draft(session, org.pr, saved.id, back.version)
    session.commit()
    assert count(session, Announcement) == 0
    assert "news.delete" in audit_actions(session, saved.id)


def test_editing_a_published_item_keeps_it_published_and_audits_the_change(session, org, cats):
    saved = publish(session, org.pr, cats)
    edited = news.publish(session, org.admin, item(cats, title="عنوان تازه", priority="important"),
                          item_id=saved.id, expected_version=saved.version, now=NOW + DAY)
    session.commit()
    assert edited.stage == "published" and edited.version == saved.version + 1
    detail = news.get_item(session, org.employee, saved.id, now=NOW + DAY)
    assert detail.publish_at == NOW  # kept its original time
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "news.edit")).one()
    assert entry.actor_id == org.admin.id
    details = json.loads(entry.details)
    assert details["title"] == ["اطلاعیه آزمایشی", "عنوان تازه"]
    assert details["priority"] == ["normal", "important"]
    with pytest.raises(InvalidInput) as error:  # a published item is not silently unpublished
        news.save_draft(session, org.pr, item(cats), item_id=saved.id,
                        expected_version=edited.version, now=NOW + DAY)
    assert error.value.key == "news.errors.already_published"


# --- audience -----------------------------------------------------------------------------------

def test_audience_includes_sub_departments_but_not_parents_or_siblings(session, org, cats):
    everyone = publish(session, org.pr, cats, title="برای همه")
    traffic = publish(session, org.pr, cats, title="ترافیک", audience=[org.traffic])
    control = publish(session, org.pr, cats, title="کنترل", audience=[org.traffic_control])
    assert set(feed_ids(session, org.employee)) == {everyone.id, traffic.id, control.id}
    assert set(feed_ids(session, org.manager)) == {everyone.id, traffic.id}
    assert set(feed_ids(session, org.outsider)) == {everyone.id}
    for hidden in (traffic.id, control.id):
        with pytest.raises(NotFound):
            news.get_item(session, org.outsider, hidden, now=NOW)
        with pytest.raises(NotFound):
            news.mark_read(session, org.outsider, hidden, now=NOW)


def test_deeply_nested_reader_sees_items_for_every_ancestor(session, org, cats):
    night = make_department(session, "شیفت شب", org.traffic_control)
    crew = make_department(session, "گروه یک", night)
    deep = make_user(session, "deep", crew)
    session.commit()
    root_item = publish(session, org.pr, cats, audience=[org.root])
    traffic = publish(session, org.pr, cats, audience=[org.traffic])
    pr_only = publish(session, org.pr, cats, audience=[org.pr_dept])
    visible = set(feed_ids(session, deep))
    assert {root_item.id, traffic.id} <= visible and pr_only.id not in visible


# --- the feed -----------------------------------------------------------------------------------

def test_feed_pins_first_then_newest_with_filters_and_pages(session, org, cats):
    old = publish(session, org.pr, cats, now=NOW - 3 * DAY, title="قدیمی")
    pinned = publish(session, org.pr, cats, now=NOW - 2 * DAY, title="سنجاق", pinned=True)
    hr = news.publish(session, org.pr, news.AnnouncementInput(
        title="منابع انسانی", body="متن", category_id=cats["hr"]), now=NOW - DAY)
    newest = publish(session, org.pr, cats, now=NOW - HOUR, title="تازه‌ترین")
    session.commit()
    assert feed_ids(session, org.employee) == [pinned.id, newest.id, hr.id, old.id]
    assert feed_ids(session, org.employee, category_id=cats["hr"]) == [hr.id]
    first = news.feed(session, org.employee, page=1, page_size=3, now=NOW)
    second = news.feed(session, org.employee, page=2, page_size=3, now=NOW)
    assert (first.total, first.pages, second.page) == (4, 2, 2)
    assert [i.id for i in first.items + second.items] == [pinned.id, newest.id, hr.id, old.id]
    beyond = news.feed(session, org.employee, page=9, page_size=3, now=NOW)
    assert beyond.page == 2  # clamped to the last page


def test_search_matches_arabic_and_persian_letter_forms_and_zwnj(session, org, cats):
    staff = publish(session, org.pr, cats, title="تقدیر از کارمند نمونه",
                    body="همکاران می‌توانند در مراسم شرکت کنند.")
    other = publish(session, org.pr, cats, title="برنامه ورزشی", body="مسابقه فوتسال")
    assert feed_ids(session, org.employee, search="كارمند") == [staff.id]  # Arabic kaf
    assert feed_ids(session, org.employee, search="ميتوانند") == [staff.id]  # no ZWNJ, Arabic yeh
    assert feed_ids(session, org.employee, search="فوتسال ورزشی") == [other.id]  # every word
    assert feed_ids(session, org.employee, search="100%") == []  # LIKE wildcards are literal


def test_unread_count_and_unread_filter(session, org, cats):
    first = publish(session, org.pr, cats)
    second = publish(session, org.pr, cats)
    publish(session, org.pr, cats, now=NOW - 40 * DAY)  # older than the unread window
    assert news.unread_count(session, org.employee, now=NOW) == 2
    news.mark_read(session, org.employee, first.id, now=NOW)
    news.mark_read(session, org.employee, first.id, now=NOW + HOUR)  # twice counts once
    session.commit()
    assert news.unread_count(session, org.employee, now=NOW + HOUR) == 1
    assert feed_ids(session, org.employee, now=NOW + HOUR, unread_only=True)[0] == second.id
    detail = news.get_item(session, org.employee, first.id, now=NOW + HOUR)
    assert detail.read_at == NOW  # the first read is kept
    reach = session.scalars(select(AnnouncementReach)).one()
    assert (reach.department_id, reach.reads, reach.acknowledgements) == (org.traffic_control, 1, 0)


def test_pr_opening_a_draft_is_not_a_read(session, org, cats):
    draft = news.save_draft(session, org.pr, item(cats), now=NOW)
    news.mark_read(session, org.pr, draft.id, now=NOW)
    assert count(session, AnnouncementReceipt) == 0


# --- urgent banner and acknowledgements ----------------------------------------------------------

def test_urgent_banner_until_acknowledged_or_dismissed(session, org, cats):
    urgent = publish(session, org.pr, cats, priority="urgent", ack_required=True)
    quiet = publish(session, org.pr, cats, priority="urgent")
    banner = news.urgent_notices(session, org.employee, now=NOW)
    assert [n.id for n in banner] == [quiet.id, urgent.id]  # newest first
    news.acknowledge(session, org.employee, urgent.id, now=NOW)
    news.dismiss_banner(session, org.employee, quiet.id, now=NOW)
    session.commit()
    assert news.urgent_notices(session, org.employee, now=NOW) == []
    assert {n.id for n in news.urgent_notices(session, org.manager, now=NOW)} == \
        {urgent.id, quiet.id}
    detail = news.get_item(session, org.employee, urgent.id, now=NOW)
    assert detail.acknowledged_at == NOW and detail.read_at == NOW
    with pytest.raises(InvalidInput) as error:
        news.acknowledge(session, org.employee, quiet.id, now=NOW)
    assert error.value.key == "news.errors.ack_not_required"


def test_urgent_version_changes_when_an_urgent_item_is_published(session, org, cats):
    """The banner's cache key: another process's urgent item must change it."""
    before = news.urgent_version(session)
    publish(session, org.pr, cats)  # a normal item: the banner does not change
    session.commit()
    assert news.urgent_version(session) == before
    publish(session, org.pr, cats, priority="urgent")
    session.commit()
    assert news.urgent_version(session) != before


def test_urgent_item_for_another_department_shows_no_banner(session, org, cats):
    publish(session, org.pr, cats, priority="urgent", audience=[org.traffic])
    assert len(news.urgent_notices(session, org.employee, now=NOW)) == 1
    assert news.urgent_notices(session, org.outsider, now=NOW) == []


def test_pending_acknowledgements_name_people_in_the_viewers_scope(session, org, cats):
    notice = publish(session, org.pr, cats, ack_required=True)
    news.acknowledge(session, org.outsider, notice.id, now=NOW)
    news.mark_read(session, org.employee, notice.id, now=NOW)
    session.commit()
    people, total = news.pending_acknowledgements(session, org.pr, notice.id, now=NOW)
    assert total == 4 == len(people)
    assert {p.username for p in people} == {"admin", "pr", "manager", "employee"}
    employee = next(p for p in people if p.username == "employee")
    assert employee.read_at == NOW  # read but not acknowledged
    people, total = news.pending_acknowledgements(session, org.manager, notice.id, now=NOW)
    assert {p.username for p in people} == {"manager", "employee"} and total == 2


# --- optimistic locking --------------------------------------------------------------------------

def test_second_editor_is_refused_and_nothing_is_overwritten(engine, session, org, cats):
    saved = publish(session, org.pr, cats)
    with Session(engine) as first, Session(engine) as second:
        version_first = news.load_for_edit(first, org.pr, saved.id, now=NOW).version
        version_second = news.load_for_edit(second, org.admin, saved.id, now=NOW).version
        news.publish(first, org.pr, item(cats, title="نسخه اول"), item_id=saved.id,
                     expected_version=version_first, now=NOW)
        first.commit()
        with pytest.raises(Conflict) as error:
            news.publish(second, org.admin, item(cats, title="نسخه دوم"), item_id=saved.id,
                         expected_version=version_second, now=NOW)
        second.rollback()
    assert error.value.key == "errors.edited_by_someone_else"  # the one key (versioning)
    session.expire_all()
    assert news.get_item(session, org.pr, saved.id, now=NOW).title == "نسخه اول"
    with pytest.raises(Conflict):
        news.archive(session, org.pr, saved.id, version_second, now=NOW)


# --- comments ------------------------------------------------------------------------------------

def test_nul_and_control_characters_never_reach_the_database(session, org, cats):
    """PostgreSQL refuses NUL in text: it used to surface as an unexpected DataError."""
    saved = publish(session, org.pr, cats, title="عنوان\x00خبر",
                    body="خط اول\x00\r\nخط\u202e دوم\x07\n\n    کد\tبا\u200cفاصله")
    comment = news.add_comment(session, org.employee, saved.id, "مم\x00نون\x1b\r\nخیلی", now=NOW)
    session.commit()
    shown = news.get_item(session, org.employee, saved.id, now=NOW)
    assert shown.title == "عنوانخبر"
    # Line breaks, indentation and tabs (Markdown needs them) and the ZWNJ stay.
    assert shown.body == "خط اول\nخط دوم\n\n    کد\tبا\u200cفاصله"
    assert [c.body for c in news.comments(session, org.employee, saved.id, now=NOW)
            if c.id == comment] == ["ممنون\nخیلی"]
    for body in ("\x00", "\x00 \x01\u202e"):  # nothing left: the usual message
        with pytest.raises(InvalidInput) as error:
            news.add_comment(session, org.employee, saved.id, body, now=NOW)
        assert error.value.key == "news.errors.comment_required"
        with pytest.raises(InvalidInput) as error:
            news.publish(session, org.pr, item(cats, body=body), now=NOW)
        assert error.value.key == "news.errors.body_required"


def test_comments_moderation_and_closing(session, org, cats):
    saved = publish(session, org.pr, cats)
    first = news.add_comment(session, org.employee, saved.id, "  ممنون از اطلاع‌رسانی  ", now=NOW)
    news.add_comment(session, org.manager, saved.id, "<script>alert(1)</script>", now=NOW + HOUR)
    session.commit()
    shown = news.comments(session, org.outsider, saved.id, now=NOW)
    assert [c.body for c in shown] == ["ممنون از اطلاع‌رسانی", "<script>alert(1)</script>"]
    assert shown[0].author == "employee"
    with pytest.raises(PermissionDenied):
        news.set_comment_hidden(session, org.employee, first, True)
    news.set_comment_hidden(session, org.pr, first, True, now=NOW)
    session.commit()
    assert first not in {c.id for c in news.comments(session, org.employee, saved.id, now=NOW)}
    moderated = news.comments(session, org.pr, saved.id, now=NOW)
    assert [c.hidden for c in moderated] == [True, False]
    assert "news.comment.hide" in audit_actions(session, first)

    for body, key in (("   ", "news.errors.comment_required"),
                      ("x" * (news.COMMENT_MAX + 1), "news.errors.comment_too_long")):
        with pytest.raises(InvalidInput) as error:
            news.add_comment(session, org.employee, saved.id, body, now=NOW)
        assert error.value.key == key
    with pytest.raises(PermissionDenied):
        news.set_comments_enabled(session, org.employee, saved.id, False)
    news.set_comments_enabled(session, org.pr, saved.id, False, now=NOW)
    session.commit()
    with pytest.raises(InvalidInput) as error:
        news.add_comment(session, org.employee, saved.id, "دیر رسیدم", now=NOW)
    assert error.value.key == "news.errors.comments_closed"
    assert "news.comments.disable" in audit_actions(session, saved.id)


# --- permissions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["employee", "manager", "outsider"])
def test_only_pr_and_admin_publish(session, org, cats, who):
    actor = getattr(org, who)
    for call in (lambda: news.publish(session, actor, item(cats), now=NOW),
                 lambda: news.save_draft(session, actor, item(cats), now=NOW),
                 lambda: news.schedule(session, actor, item(cats), NOW + DAY, now=NOW),
                 lambda: news.stage_counts(session, actor, now=NOW),
                 lambda: news.add_category(session, actor, "گزارش", "Reports")):
        with pytest.raises(PermissionDenied):
            call()
    assert count(session, Announcement) == 0


def test_reach_is_for_pr_admin_and_managers_within_their_subtree(session, org, cats):
    everyone = publish(session, org.pr, cats)
    pr_only = publish(session, org.pr, cats, audience=[org.pr_dept])
    for who in (org.employee, org.outsider):
        with pytest.raises(PermissionDenied):
            news.item_reach(session, who, everyone.id, now=NOW)
    managed = news.item_reach(session, org.manager, everyone.id, now=NOW)
    assert managed.audience == 2  # the manager and the employee below them
    assert {d.department_id for d in managed.departments} == {org.traffic, org.traffic_control}
    assert news.item_reach(session, org.pr, everyone.id, now=NOW).audience == 5
    with pytest.raises(NotFound):  # never reached the manager's people
        news.item_reach(session, org.manager, pr_only.id, now=NOW)
    assert [c.id for c in news.reach_items(session, org.manager, now=NOW)] == [everyone.id]


def test_managers_see_no_reach_before_an_item_is_published(session, org, cats):
    """A scheduled item: its reach is nobody's business but PR's until it goes out."""
    scheduled = news.schedule(session, org.pr, item(cats, ack_required=True), NOW + DAY,
                              now=NOW)
    session.commit()
    for call in (news.item_reach, news.pending_acknowledgements):
        with pytest.raises(NotFound):
            call(session, org.manager, scheduled.id, now=NOW)
        call(session, org.pr, scheduled.id, now=NOW)  # PR and admins plan ahead
        call(session, org.admin, scheduled.id, now=NOW)
    assert news.item_reach(session, org.pr, scheduled.id, now=NOW).audience == 5
    # Once published, the manager sees it within their subtree as before.
    after = NOW + 2 * DAY
    assert news.item_reach(session, org.manager, scheduled.id, now=after).audience == 2
    people, total = news.pending_acknowledgements(session, org.manager, scheduled.id, now=after)
    assert total == 2 and {p.username for p in people} == {"manager", "employee"}


def test_a_deactivated_account_is_refused_reading_and_writing(session, org, cats):
    notice = publish(session, org.pr, cats, ack_required=True, priority="urgent")
    news.add_comment(session, org.employee, notice.id, "خواندم", now=NOW)
    users.set_active(session, org.admin, org.employee.id, False)
    users.set_active(session, org.admin, org.pr.id, False)
    session.commit()
    employee = org.employee
    for call in (lambda: news.get_item(session, employee, notice.id, now=NOW),
                 lambda: news.comments(session, employee, notice.id, now=NOW),
                 lambda: news.add_comment(session, employee, notice.id, "دوباره", now=NOW),
                 lambda: news.mark_read(session, employee, notice.id, now=NOW),
                 lambda: news.acknowledge(session, employee, notice.id, now=NOW),
                 lambda: news.dismiss_banner(session, employee, notice.id, now=NOW),
                 lambda: news.feed(session, employee, now=NOW),
                 lambda: news.unread_count(session, employee, now=NOW),
                 lambda: news.urgent_notices(session, employee, now=NOW),
                 lambda: news.publish(session, org.pr, item(cats), now=NOW),
                 lambda: news.item_reach(session, org.pr, notice.id, now=NOW)):
        with pytest.raises(PermissionDenied):
            call()
    session.rollback()
    assert count(session, AnnouncementComment) == 1
    assert count(session, AnnouncementReceipt) == 0
    assert news.get_item(session, org.outsider, notice.id, now=NOW).id == notice.id


# --- validation ----------------------------------------------------------------------------------

def _invalid(session, org, data: news.AnnouncementInput, key: str, field: str,
             call=news.publish, **kwargs) -> None:
    with pytest.raises(InvalidInput) as error:
        call(session, org.pr, data, now=NOW, **kwargs)
    session.rollback()
    assert (error.value.key, error.value.field) == (key, field)
    assert count(session, Announcement) == 0 and count(session, AnnouncementFile) == 0


@pytest.mark.parametrize(("changes", "key", "field"), [
    ({"title": ""}, "news.errors.title_required", "title"),
    ({"title": " \u200c\t "}, "news.errors.title_required", "title"),
    ({"title": "ا" * 201}, "news.errors.title_too_long", "title"),
    ({"title": "x" * 1_000_000}, "news.errors.title_too_long", "title"),
    ({"body": "  \n "}, "news.errors.body_required", "body"),
    ({"body": "x" * 20_001}, "news.errors.body_too_long", "body"),
    ({"category_id": 999_999}, "news.errors.category_unknown", "category"),
    ({"priority": "critical"}, "news.errors.priority_unknown", "priority"),
    ({"audience": [999_999]}, "news.errors.audience_unknown", "audience"),
    ({"expires_at": NOW - HOUR}, "news.errors.expiry_before_publish", "expires_at"),
])
def test_each_field_is_validated_and_nothing_is_saved(session, org, cats, changes, key, field):
    base = dict(title="عنوان", body="متن", category_id=cats["news"])
    _invalid(session, org, news.AnnouncementInput(**{**base, **changes}), key, field)


def test_title_limits_count_characters_after_normalisation(session, org, cats):
    # 200 Persian letters with Arabic forms and spaces collapse to exactly 200 characters.
    title = "  " + "ي" * 200 + "   "
    saved = publish(session, org.pr, cats, title=title)
    assert news.get_item(session, org.pr, saved.id, now=NOW).title == "ی" * 200


def test_event_needs_an_event_date(session, org, cats):
    data = news.AnnouncementInput(title="یلدا", body="جشن", category_id=cats["event"])
    _invalid(session, org, data, "news.errors.event_date_required", "event_date")


def test_schedule_must_be_in_the_future_and_expiry_after_it(session, org, cats):
    _invalid(session, org, item(cats), "news.errors.schedule_in_past", "publish_at",
             call=news.schedule, publish_at=NOW - HOUR)
    _invalid(session, org, item(cats), "news.errors.publish_at_required", "publish_at",
             call=news.schedule, publish_at=None)
    _invalid(session, org, item(cats, expires_at=NOW + DAY), "news.errors.expiry_before_publish",
             "expires_at", call=news.schedule, publish_at=NOW + 2 * DAY)


@pytest.mark.parametrize(("upload", "key"), [
    (news.Upload("cover.png", b"this is not an image at all"), "news.errors.image_invalid"),
    (news.Upload("cover.png", image_bytes("PNG")[:40]), "news.errors.image_invalid"),
    (news.Upload("cover.gif", image_bytes("GIF")), "news.errors.image_invalid"),
    (news.Upload("cover.png", b""), "news.errors.image_invalid"),
    (news.Upload("cover.png", b"\x89PNG" + b"0" * news.IMAGE_MAX_BYTES),
     "news.errors.image_too_large"),
])
def test_cover_image_is_checked_by_decoding(session, org, cats, upload, key):
    _invalid(session, org, item(cats, cover=upload), key, "cover")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_real_images_are_stored_in_the_database(session, org, cats, fmt):
    content = image_bytes(fmt)
    saved = publish(session, org.pr, cats, cover=news.Upload(f"c.{fmt.lower()}", content))
    detail = news.get_item(session, org.employee, saved.id, now=NOW)
    stored = news.file_content(session, org.employee, detail.cover.id, now=NOW)
    # Stored as re-encoded pixels (finding 12), so compared as an image, not as bytes.
    with Image.open(io.BytesIO(stored.content)) as image:
        assert (image.format, image.size) == (fmt, (16, 12))
    assert stored.mime_type == {"PNG": "image/png", "JPEG": "image/jpeg",
                                "WEBP": "image/webp"}[fmt]


def test_image_with_huge_dimensions_is_refused(session, org, cats):
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # tiny file, 48 megapixels
    _invalid(session, org, item(cats, cover=news.Upload("big.png", out.getvalue())),
             "news.errors.image_dimensions", "cover")


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_bytes_appended_to_an_image_are_not_stored(session, org, cats, fmt):
    """A PNG with HTML after its end decoded fine and was stored as it came (finding 12)."""
    content = image_bytes(fmt) + HTML
    saved = publish(session, org.pr, cats, cover=news.Upload(f"c.{fmt.lower()}", content))
    cover = news.get_item(session, org.employee, saved.id, now=NOW).cover
    stored = news.file_content(session, org.employee, cover.id, now=NOW).content
    assert b"<html" not in stored and b"script" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert (image.format, image.size) == (fmt, (16, 12))


def test_image_metadata_is_not_stored(session, org, cats):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (1, 2, 3)).save(out, format="JPEG", exif=exif.tobytes())
    saved = publish(session, org.pr, cats, cover=news.Upload("c.jpg", out.getvalue()))
    cover = news.get_item(session, org.employee, saved.id, now=NOW).cover
    assert b"secret" not in news.file_content(session, org.employee, cover.id, now=NOW).content


@pytest.mark.parametrize(("name", "content"), [
    ("report.pdf", b"%PDF-1.4\n" + HTML),  # a header, then anything
    ("report.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),  # no pages
    ("report.pdf", PDF[: len(PDF) // 2]),  # truncated
    ("report.docx", docx_bytes(content_type="text/html")),  # the wrong main part type
    ("report.docx", docx_bytes(document=False)),  # declared but missing
    ("report.docx", docx_bytes().replace(b"Types xmlns", b"Typex xmlns")),  # damaged
])
def test_documents_must_have_their_structure(session, org, cats, name, content):
    _invalid(session, org, item(cats, attachments=[news.Upload(name, content)]),
             "news.errors.attachment_type", "attachments")


@pytest.mark.parametrize(("name", "content"), [
    ("report.exe", b"MZ\x90\x00"),
    ("report.pdf", b"not a pdf"),
    ("report.pdf", docx_bytes()),  # the extension lies about the content
    ("report.docx", xlsx_bytes()),
    ("report.xlsx", b"PK\x03\x04broken zip"),
    ("report.docx", PDF),
])
def test_attachment_types_are_checked_by_content(session, org, cats, name, content):
    _invalid(session, org, item(cats, attachments=[news.Upload(name, content)]),
             "news.errors.attachment_type", "attachments")


def test_oversized_and_too_many_attachments(session, org, cats):
    big = news.Upload("big.pdf", PDF + b"0" * news.ATTACHMENT_MAX_BYTES)
    _invalid(session, org, item(cats, attachments=[big]), "news.errors.attachment_too_large",
             "attachments")
    many = [news.Upload(f"f{i}.pdf", PDF) for i in range(news.ATTACHMENTS_MAX + 1)]
    _invalid(session, org, item(cats, attachments=many), "news.errors.too_many_attachments",
             "attachments")


def test_valid_attachments_and_replacing_files(session, org, cats):
    files = [news.Upload("دستورالعمل.pdf", PDF), news.Upload("فرم.docx", docx_bytes()),
             news.Upload("../../جدول.xlsx", xlsx_bytes())]
    saved = publish(session, org.pr, cats, attachments=files,
                    cover=news.Upload("a.png", image_bytes("PNG")))
    detail = news.get_item(session, org.pr, saved.id, now=NOW)
    assert [a.filename for a in detail.attachments] == ["دستورالعمل.pdf", "فرم.docx", "جدول.xlsx"]
    updated = news.publish(session, org.pr, item(cats, remove_cover=True,
                                                 remove_attachments=[detail.attachments[0].id]),
                           item_id=saved.id, expected_version=saved.version, now=NOW + HOUR)
    session.commit()
    after = news.get_item(session, org.pr, saved.id, now=NOW + HOUR)
    assert after.cover is None and len(after.attachments) == 2
    assert updated.version == saved.version + 1
    hidden = publish(session, org.pr, cats, audience=[org.pr_dept],
                     attachments=[news.Upload("x.pdf", PDF)])
    attachment = news.get_item(session, org.pr, hidden.id, now=NOW).attachments[0]
    assert news.file_content(session, org.outsider, attachment.id, now=NOW).content == PDF
    with pytest.raises(NotFound):  # files follow their item's audience
        news.file_content(session, org.employee, attachment.id, now=NOW)


# --- events by Jalali month ----------------------------------------------------------------------

def test_upcoming_events_grouped_by_jalali_month(session, org, cats):
    def event(title, when, **changes):
        data = news.AnnouncementInput(title=title, body="متن", category_id=cats["event"],
                                      event_date=when, **changes)
        return news.publish(session, org.pr, data, now=NOW - DAY).id

    nowruz = event("نوروز", date(2026, 3, 21))  # 1 Farvardin 1405
    esfand = event("روز درختکاری", date(2026, 3, 6))  # 15 Esfand 1404
    event("گذشته", date(2026, 2, 1))
    event("ویژه روابط عمومی", date(2026, 3, 10), audience=[org.pr_dept])
    session.commit()
    months = news.upcoming_events(session, org.employee, date(2026, 3, 1), now=NOW)
    assert [(m.year, m.month, [e.id for e in m.events]) for m in months] == [
        (1404, 12, [esfand]), (1405, 1, [nowruz])]


# --- reach ---------------------------------------------------------------------------------------

def test_reach_scope_follows_the_capability_table(session, org, cats, monkeypatch):
    """Who sees every department's reach is the table's view_all_reach, not a role check."""
    from data_access import permissions

    everyone = publish(session, org.pr, cats)
    assert news.item_reach(session, org.manager, everyone.id, now=NOW).audience == 2
    monkeypatch.setitem(permissions.CAPABILITIES, "view_all_reach",
                        permissions.CAPABILITIES["view_all_reach"] | {permissions.MANAGER})
    assert news.item_reach(session, org.manager, everyone.id, now=NOW).audience == 5
    monkeypatch.setitem(permissions.CAPABILITIES, "view_all_reach",
                        frozenset({permissions.ADMIN}))
    assert news.item_reach(session, org.pr, everyone.id, now=NOW).audience == 2  # pr's subtree


def test_item_reach_by_department_and_branch(session, org, cats):
    notice = publish(session, org.pr, cats, ack_required=True)
    news.mark_read(session, org.employee, notice.id, now=NOW)
    news.acknowledge(session, org.manager, notice.id, now=NOW)
    news.acknowledge(session, org.outsider, notice.id, now=NOW)
    session.commit()
    reach = news.item_reach(session, org.pr, notice.id, now=NOW)
    assert (reach.audience, reach.reads, reach.acknowledgements) == (5, 3, 2)
    assert reach.read_rate == pytest.approx(0.6) and reach.ack_rate == pytest.approx(0.4)
    by_department = {d.department_id: (d.audience, d.reads, d.acknowledgements)
                     for d in reach.departments}
    assert by_department == {org.root: (1, 0, 0), org.pr_dept: (2, 1, 1),
                             org.traffic: (1, 1, 1), org.traffic_control: (1, 1, 0)}
    branches = {b.department_id: (b.audience, b.reads) for b in reach.branches}
    assert branches == {org.root: (1, 0), org.pr_dept: (2, 1), org.traffic: (2, 2)}
    manager_view = news.item_reach(session, org.manager, notice.id, now=NOW)
    assert {b.department_id for b in manager_view.branches} == {org.traffic,
                                                                org.traffic_control}


def test_reads_outside_the_audience_are_not_counted(session, org, cats):
    traffic = publish(session, org.pr, cats, audience=[org.traffic])
    news.mark_read(session, org.pr, traffic.id, now=NOW)  # PR may open it, but is not audience
    news.mark_read(session, org.employee, traffic.id, now=NOW)
    session.commit()
    reach = news.item_reach(session, org.pr, traffic.id, now=NOW)
    assert (reach.audience, reach.reads) == (2, 1)
    assert [(r.department_id, r.reads) for r in session.scalars(select(AnnouncementReach))] == \
        [(org.traffic_control, 1)]


def test_activity_per_jalali_month_and_read_rate_by_category(session, org, cats):
    a = publish(session, org.pr, cats, now=datetime(2026, 1, 10, 8, tzinfo=UTC))  # 20 Dey
    b = publish(session, org.pr, cats, now=datetime(2026, 2, 25, 8, tzinfo=UTC))  # 6 Esfand
    news.publish(session, org.pr, news.AnnouncementInput(
        title="hr", body="hr", category_id=cats["hr"], audience=[org.traffic]),
        now=datetime(2026, 2, 26, 8, tzinfo=UTC))
    # 20:40 UTC on 19 Feb is 00:10 on 1 Esfand in Tehran: the local month counts.
    publish(session, org.pr, cats, now=datetime(2026, 2, 19, 20, 40, tzinfo=UTC))
    for reader in (org.employee, org.manager, org.outsider):
        news.mark_read(session, reader, a.id, now=NOW)
    news.mark_read(session, org.employee, b.id, now=NOW)
    session.commit()
    activity = news.activity(session, org.pr, months=3, now=NOW)
    months = {(m.year, m.month, m.category_id): m.items for m in activity.months}
    assert months == {(1404, 10, cats["news"]): 1, (1404, 12, cats["news"]): 2,
                      (1404, 12, cats["hr"]): 1}
    rates = {c.category_id: (c.items, c.average_read_rate) for c in activity.categories}
    assert rates[cats["news"]][0] == 3
    assert rates[cats["news"]][1] == pytest.approx((3 / 5 + 1 / 5 + 0) / 3)
    assert rates[cats["hr"]] == (1, 0.0)
    scoped = news.activity(session, org.manager, months=3, now=NOW)
    scoped_rates = {c.category_id: c.average_read_rate for c in scoped.categories}
    assert scoped_rates[cats["news"]] == pytest.approx((2 / 2 + 1 / 2 + 0) / 3)


# --- categories ----------------------------------------------------------------------------------

def test_admins_add_categories_unique_across_letter_forms(session, org, cats):
    added = news.add_category(session, org.admin, "گزارش کارکنان", "Staff reports")
    session.commit()
    with pytest.raises(Conflict):
        news.add_category(session, org.admin, "گزارش كاركنان", "Duplicate")
    with pytest.raises(InvalidInput):
        news.add_category(session, org.admin, "", "Empty")
    with pytest.raises(InvalidInput) as error:  # would run as a formula in a CSV export
        news.add_category(session, org.admin, "=HYPERLINK(1)", "Formula")
    assert error.value.key == "errors.name_formula"
    with pytest.raises(InvalidInput) as error:
        news.set_category_active(session, org.admin, cats["news"], False)
    assert error.value.key == "news.errors.category_builtin"
    news.set_category_active(session, org.admin, added, False)
    session.commit()
    assert added not in {c.id for c in news.categories(session)}
    _invalid(session, org, news.AnnouncementInput(title="t", body="b", category_id=added),
             "news.errors.category_unknown", "category")


def test_manage_list_by_stage_with_search(session, org, cats):
    news.save_draft(session, org.pr, item(cats, title="پیش‌نویس گزارش"), now=NOW)
    publish(session, org.pr, cats, title="گزارش منتشرشده")
    session.commit()
    listed = news.manage_list(session, org.pr, "draft", now=NOW)
    rows, total = listed.items, listed.total
    assert total == 1 and rows[0].title == "پیش‌نویس گزارش" and rows[0].updated_by == "pr"
    rows = news.manage_list(session, org.pr, "published", search="گزارش", now=NOW).items
    assert [r.title for r in rows] == ["گزارش منتشرشده"]
    assert news.stage_counts(session, org.pr, now=NOW) == {
        "draft": 1, "scheduled": 0, "published": 1, "expired": 0, "archived": 0}


def test_markup_is_stored_as_typed(session, org, cats):
    payload = "<img src=x onerror=alert(1)> <script>alert(1)</script>"
    saved = publish(session, org.pr, cats, title=payload, body=payload)
    detail = news.get_item(session, org.employee, saved.id, now=NOW)
    assert (detail.title, detail.body) == (payload, payload)
    assert news.excerpt("# عنوان\n\n- یک\n- **دو** [پیوند](http://x) ![](y.png)") == \
        "عنوان یک دو پیوند"


def test_the_manage_list_names_each_items_departments(session, org, cats):
    """The audience column said only «واحدهای منتخب»."""
    both = publish(session, org.pr, cats, title="دو واحد",
                   audience=[org.traffic_control, org.pr_dept])
    everyone = publish(session, org.pr, cats, title="همه")
    listed = {i.id: i for i in news.manage_list(session, org.pr, "published", now=NOW).items}
    assert listed[both.id].audience == tuple(sorted([org.traffic_control, org.pr_dept]))
    assert listed[everyone.id].audience == () and listed[everyone.id].audience_all


def test_the_audience_headcount_counts_the_departments_below_too(session, org):
    active = session.scalar(select(func.count()).select_from(User).where(User.active.is_(True)))
    assert news.audience_headcount(session, org.pr, []) == active
    # traffic: the manager in it and the employee in traffic control below it
    assert news.audience_headcount(session, org.pr, [org.traffic]) == 2
    assert news.audience_headcount(session, org.pr, [org.traffic_control]) == 1
    with pytest.raises(PermissionDenied):
        news.audience_headcount(session, org.employee, [])
