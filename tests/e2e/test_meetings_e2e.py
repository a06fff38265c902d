"""Meeting records in Chromium, in Persian: a manager schedules a meeting with a Jalali
date and runs it to approved minutes; an attendee signs off; the owner of its action item
marks it done on /action-items; the minutes download as Word that reads right to left; the
invitation parses; a confidential meeting stays hidden from someone not invited; the
meeting page fits a phone."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from dashboard.formatting import (
    gregorian_to_jalali,
    jalali_month_name,
    localize_digits,
    to_persian_digits,
)
from data_access import clock, db, meetings, users
from data_access.models import User, utcnow
from data_access.models.action_items import ActionItem
from data_access.models.meetings import Decision, Meeting, MeetingAttendee
from tests.e2e.conftest import goto, login, screenshot, settle

pytestmark = pytest.mark.e2e
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _unique() -> str:
    """A suffix that keeps titles apart across runs, in Persian digits: the phone
    tests scan every page (this meeting's too) for Latin text."""
    return to_persian_digits(f"{uuid.uuid4().int % 10_000:04d}")


@pytest.fixture(scope="module", autouse=True)
def persian_accounts(live_app):
    with db.session_scope(live_app.engine()) as session:
        session.execute(update(User).where(User.username.in_(["manager", "employee"]))
                        .values(locale="fa"))


def _context(browser, width: int = 1366, height: int = 2400, mobile: bool = False):
    extra = {"is_mobile": True, "has_touch": True} if mobile else {}
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="fa-IR", accept_downloads=True, **extra)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _choose(page, key: str, option: str) -> None:
    """Open the selectbox with widget key `key` and pick the option shown as `option`."""
    box = page.locator(f".st-key-{key} [role='combobox']")
    box.click()
    box.fill(option)  # the list is virtualised: only the options near the top are drawn
    page.get_by_role("option", name=option, exact=True).click()
    settle(page, 300)


def _press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    settle(page, 1200)


def _meeting_id(live_app, title: str) -> int | None:
    with db.session_scope(live_app.engine()) as session:
        return session.scalar(select(Meeting.id).where(Meeting.title == title))


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_meeting_from_schedule_to_signed_minutes_and_a_done_action_item(browser, live_app,
                                                                          tmp_path):
    title = f"جلسه هماهنگی طرح ترافیک {_unique()}"
    today = clock.local_today()
    year, month, day = gregorian_to_jalali(today)
    context, page = _context(browser)
    try:
        login(page, live_app, "manager")
        goto(page, live_app, "meetings")
        page.locator(".st-key-mt_view").get_by_text("جلسه تازه", exact=True).click()
        settle(page, 1200)
        k = "mt_new_0"
        page.locator(f".st-key-{k}_title input").fill(title)
        # Today at 00:00 Tehran time: already begun whatever the hour of the run, so it can
        # be held at once (08:00 was still ahead from 20:30 to 04:30 UTC, and "held" refused).
        page.locator(f".st-key-{k}_start__date input").fill(
            localize_digits(f"{year}/{month:02d}/{day:02d}", "fa"))
        page.locator(f".st-key-{k}_start__time input").fill("۰۰:۰۰")
        page.locator(f".st-key-{k}_start__time input").press("Enter")
        settle(page)
        page.locator(f".st-key-{k}_place input").fill("سالن شورا")
        page.locator(f".st-key-{k}_attendees_search input").fill("کارمند نمونه")
        page.locator(f".st-key-{k}_attendees_search input").press("Enter")
        settle(page, 1200)
        page.locator(f".st-key-{k}_attendees [role='combobox']").click()
        page.get_by_role("option", name="کارمند نمونه").first.click()
        settle(page, 800)
        page.keyboard.press("Escape")
        _press(page, "ثبت جلسه")
        page.get_by_role("heading", name=title).wait_for()
        meeting_id = _meeting_id(live_app, title)
        assert meeting_id is not None
        with db.session_scope(live_app.engine()) as session:
            meeting = session.get(Meeting, meeting_id)
            assert clock.to_local(meeting.starts_at).date() == today
            assert clock.to_local(meeting.starts_at).hour == 0

        # Agenda, while planned.
        for item in ("گزارش وضعیت تقاطع‌ها", "بودجه علائم راهنمایی"):
            form = page.locator(f".st-key-mt_add_item_{meeting_id}, [data-testid='stForm']") \
                .filter(has_text="بند تازه").first
            form.get_by_role("textbox", name="بند تازه").fill(item)
            form.get_by_role("button", name="افزودن بند").click()
            settle(page, 1200)
            page.get_by_text(item).first.wait_for()

        # The .ics of a planned meeting parses.
        with page.expect_download() as download:
            page.get_by_role("button", name="افزودن به تقویم (.ics)").click()
        from icalendar import Calendar
        calendar = Calendar.from_ical(download.value.path().read_bytes())
        events = [c for c in calendar.walk("VEVENT")]
        assert len(events) == 1 and str(events[0]["SUMMARY"]) == title

        # Held: attendance, minutes, a decision, an action item; then approved.
        _press(page, "جلسه برگزار شد")
        page.get_by_role("button", name="ذخیره حضور و غیاب").wait_for()
        for control in page.locator("[class*='st-key-mt_att_']").filter(
                has_text="حاضر").all():
            control.get_by_text("حاضر", exact=True).click()
            settle(page, 300)
        _press(page, "ذخیره حضور و غیاب")
        with db.session_scope(live_app.engine()) as session:
            assert set(session.scalars(select(MeetingAttendee.attendance).where(
                MeetingAttendee.meeting_id == meeting_id))) == {"present"}
        notes = page.get_by_role("textbox", name="صورتجلسه این بند (مارک‌داون)").first
        notes.fill("گزارش **تقاطع‌ها** ارائه شد.")
        notes.blur()
        settle(page, 600)
        page.get_by_role("button", name="ذخیره صورتجلسه").first.click()
        settle(page, 1200)
        page.get_by_role("textbox", name="مصوبه تازه").fill("نصب چراغ هوشمند در پنج تقاطع")
        _press(page, "ثبت مصوبه")
        with db.session_scope(live_app.engine()) as session:
            decision = session.scalar(select(Decision).where(Decision.meeting_id == meeting_id))
            assert decision is not None
            number = localize_digits(f"{decision.year}-{decision.sequence:03d}", "fa")
        page.get_by_text(number).first.wait_for()

        form = page.locator("[data-testid='stForm']").filter(has_text="عنوان اقدام").first
        assert form.get_by_placeholder("مسئول را انتخاب کنید").count() == 1  # not English
        form.get_by_role("textbox", name="عنوان اقدام").fill("خرید چراغ‌ها")
        owner = form.locator("[role='combobox']").first
        owner.click()
        owner.fill("کارمند")
        page.get_by_role("option", name="کارمند نمونه").first.click()
        settle(page, 300)
        due = today + timedelta(days=7)
        dy, dm, dd = gregorian_to_jalali(due)
        _choose(page, f"mt_due_{meeting_id}__y", localize_digits(str(dy), "fa"))
        _choose(page, f"mt_due_{meeting_id}__m", jalali_month_name(dm, "fa"))
        _choose(page, f"mt_due_{meeting_id}__d", localize_digits(str(dd), "fa"))
        form.get_by_role("button", name="ثبت اقدام").click()
        settle(page, 1200)
        with db.session_scope(live_app.engine()) as session:
            item = session.scalar(select(ActionItem).where(
                ActionItem.source_meeting_id == meeting_id))
            assert item is not None and item.title == "خرید چراغ‌ها" and item.due_on == due
            item_id = item.id
        _press(page, "تأیید صورتجلسه")
        page.get_by_text("صورتجلسه تأییدشده").first.wait_for()

        # The Word minutes: Persian text, right to left, the decision number.
        with page.expect_download() as download:
            page.get_by_role("button", name="دریافت صورتجلسه (Word)").click()
        import docx
        document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(cell.text for table in document.tables for row in table.rows
                          for cell in row.cells)
        assert title in text and "نصب چراغ هوشمند در پنج تقاطع" in text
        assert number in text
        assert document.sections[0]._sectPr.find(f"{W_NS}bidi") is not None
        title_paragraph = next(p for p in document.paragraphs if title in p.text)
        assert title_paragraph._p.pPr.find(f"{W_NS}bidi") is not None
        screenshot(page, "meetings-approved-fa-desktop")
    except Exception:
        screenshot(page, "FAILED-meetings")
        raise
    finally:
        context.close()

    # The attendee signs off, then marks the action item done on /action-items.
    context, page = _context(browser)
    try:
        login(page, live_app, "employee")
        goto(page, live_app, f"meetings?meeting={meeting_id}")
        page.get_by_role("heading", name=title).wait_for()
        _press(page, "صورتجلسه را تأیید می‌کنم")
        with db.session_scope(live_app.engine()) as session:
            me = users.active_actor(session, "employee")
            assert session.get(MeetingAttendee, (meeting_id, me.id)).sign_off == "confirmed"
        goto(page, live_app, "action-items")
        row = page.locator(f".st-key-action_{item_id}_open")
        row.get_by_text("انجام شد", exact=True).click()
        settle(page, 1500)
        with db.session_scope(live_app.engine()) as session:
            assert session.get(ActionItem, item_id).status == "done"
        screenshot(page, "action-items-fa-desktop")
    except Exception:
        screenshot(page, "FAILED-meetings")
        raise
    finally:
        context.close()

    # The meeting page at 390 px: nothing scrolls sideways.
    context, page = _context(browser)
    try:
        login(page, live_app, "manager")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_app.url}/meetings?meeting={meeting_id}")
        page.locator('[data-testid="stSidebarNav"]').wait_for(state="attached")
        page.get_by_role("heading", name=title).wait_for()
        settle(page)
        assert _no_sideways_scroll(page)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        screenshot(page, "meetings-approved-fa-390")
    except Exception:
        screenshot(page, "FAILED-meetings")
        raise
    finally:
        context.close()


def test_a_confidential_meeting_stays_hidden_from_an_employee_not_invited(browser, live_app):
    title = f"جلسه محرمانه ارزیابی {_unique()}"
    with db.session_scope(live_app.engine()) as session:
        manager = users.active_actor(session, "manager")
        type_id = meetings.meeting_types(session, manager)[0].id
        meeting_id = meetings.schedule(session, manager, meetings.MeetingInput(
            title=title, type_id=type_id, starts_at=utcnow() + timedelta(days=2),
            duration_minutes=60, department_id=manager.department_id, confidential=True))
    context, page = _context(browser)
    try:
        login(page, live_app, "employee")
        goto(page, live_app, f"meetings?meeting={meeting_id}")
        page.get_by_text("این مورد پیدا نشد.").wait_for()
        assert page.get_by_text(title).count() == 0
        goto(page, live_app, "meetings")
        page.get_by_text("فقط جلسه‌های من").click()  # every meeting I may see
        settle(page, 1200)
        page.locator(".st-key-mt_search input").fill("محرمانه ارزیابی")
        page.locator(".st-key-mt_search input").press("Enter")
        settle(page, 1500)
        page.get_by_text("جلسه‌ای پیدا نشد.").wait_for()
        assert page.get_by_text(title).count() == 0
    except Exception:
        screenshot(page, "FAILED-meetings")
        raise
    finally:
        context.close()


def _show_team_items(page) -> None:
    """On /action-items: the view of my departments' items, once its table is drawn."""
    page.locator(".st-key-actions_view").get_by_text("اقدام‌های واحدهای من",
                                                     exact=True).click()
    settle(page, 1500)
    page.locator("[data-testid='stDataFrame']").first.wait_for()


def test_a_managers_team_view_of_action_items_fits_a_phone(browser, live_app):
    context, page = _context(browser)
    try:
        login(page, live_app, "manager")
        goto(page, live_app, "action-items")
        _show_team_items(page)
        screenshot(page, "action-items-team-fa-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.locator('[data-testid="stSidebarNav"]').wait_for(state="attached")
        _show_team_items(page)
        assert _no_sideways_scroll(page)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        # "Any status" reads in Persian, never Streamlit's English placeholder.
        status = page.locator(".st-key-actions_managed_status [role='combobox']")
        assert status.get_attribute("placeholder") == "همه"
        screenshot(page, "action-items-team-fa-390")
    except Exception:
        screenshot(page, "FAILED-action-items")
        raise
    finally:
        context.close()


def test_home_and_attendance_over_time_in_persian(browser, live_app):
    context, page = _context(browser)
    try:
        login(page, live_app, "manager")
        goto(page, live_app, "")
        page.get_by_role("heading", name="جلسه‌های من").wait_for()
        screenshot(page, "home-meetings-fa-desktop")
        goto(page, live_app, "meetings")
        page.locator(".st-key-mt_view").get_by_text("حضور در جلسات", exact=True).click()
        settle(page, 1500)
        chart = page.locator(".st-key-mt_rate_chart")
        chart.wait_for()
        chart.scroll_into_view_if_needed()  # Plotly draws its axes once it is on screen
        chart.locator(".xtick text").first.wait_for(state="attached")
        ticks = page.evaluate("() => [...document.querySelectorAll("
                              "'.st-key-mt_rate_chart .xtick text')].map(e => e.textContent)")
        assert ticks, "the chart has month labels"
        ascii_digits = [label for label in ticks if any(c in "0123456789" for c in label)]
        assert ascii_digits == []  # Jalali months in Persian digits
        screenshot(page, "meetings-attendance-fa-desktop")
    except Exception:
        screenshot(page, "FAILED-home-attendance")
        raise
    finally:
        context.close()
