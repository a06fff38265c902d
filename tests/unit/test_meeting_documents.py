"""The minutes as Word and Markdown, and the calendar invitation: read back with the
same libraries a reader's tools use."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from tests.conftest import IN_CI

try:  # pinned in requirements.txt; a virtualenv made before they were added lacks them
    from docx import Document
    from docx.oxml.ns import qn
    from icalendar import Calendar
except ImportError as error:  # pragma: no cover - depends on the environment
    if IN_CI:
        raise
    pytest.skip(f"run `make` to install the document libraries: {error}",
                allow_module_level=True)

from dashboard.meetings.documents import FONT, invitation_ics, minutes_docx, minutes_markdown
from data_access.meetings import (
    ActionView,
    AgendaView,
    AttendeeView,
    DecisionView,
    MeetingDetail,
)

START = datetime(2026, 4, 20, 6, 0, tzinfo=UTC)  # 31 Farvardin 1405, 09:30 Tehran


def _detail(status: str = "approved") -> MeetingDetail:
    return MeetingDetail(
        id=7, title="جلسه هماهنگی ترافیک", type_id=1, type_fa="جلسه واحد",
        type_en="Department meeting", starts_at=START, duration_minutes=90, place="اتاق ۲",
        online_link="https://meet.example.org/x", organiser_id=1, organiser="مریم احمدی",
        department_id=3, department_fa="ترافیک", department_en="Traffic", confidential=False,
        status=status, recurrence="none", previous_id=None, approved_at=START, version=4,
        agenda=[AgendaView(1, 1, "گزارش تصادفات", 1, "مریم احمدی", 30, "کاهش **۱۰٪**", True,
                           False)],
        attendees=[AttendeeView(1, "مریم احمدی", "present", "confirmed", None, START),
                   AttendeeView(2, "علی رضایی", "absent", None, None, None)],
        guests=["مهندس کریمی"],
        decisions=[DecisionView(11, "1405-037", 1405, 37, "نصب دوربین در میدان آزادی", 1, 3,
                                "in_force", None, 1)],
        action_items=[ActionView(5, "خرید دوربین", "علی رضایی", date(2026, 5, 10), "open", 11,
                                 1, False)],
        may_edit=False, actions=frozenset())


def _all_text(document) -> str:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_persian_minutes_are_right_to_left_with_jalali_dates_and_decision_numbers():
    document = Document(io.BytesIO(minutes_docx(_detail(), "fa")))
    text = _all_text(document)
    assert "صورتجلسه جلسه هماهنگی ترافیک" in text
    assert "۱۴۰۵-۰۳۷" in text and "نصب دوربین در میدان آزادی" in text
    assert "فروردین" in text and "۱۴۰۵" in text  # the Jalali date, Persian digits
    assert "خرید دوربین" in text and "علی رضایی" in text and "۱۴۰۵/۰۲/۲۰" in text
    assert "مهندس کریمی" in text and "امضا" in text  # guests; the signature column
    paragraph = document.paragraphs[0]
    assert paragraph._p.pPr.find(qn("w:bidi")) is not None
    assert paragraph.runs[0]._r.rPr.find(qn("w:rtl")) is not None
    assert paragraph.runs[0]._r.rPr.rFonts.get(qn("w:cs")) == FONT
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in document.tables)
    attendance = document.tables[0]
    assert [c.text for c in attendance.rows[0].cells] == ["نام", "حضور", "تأیید", "امضا"]
    assert len(attendance.rows) == 4  # two attendees and a guest


def test_english_minutes_are_left_to_right():
    document = Document(io.BytesIO(minutes_docx(_detail(), "en")))
    assert document.paragraphs[0].text == "Minutes: جلسه هماهنگی ترافیک"
    assert document.paragraphs[0]._p.pPr is None or \
        document.paragraphs[0]._p.pPr.find(qn("w:bidi")) is None
    assert "1405-037" in _all_text(document)
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is None for t in document.tables)


def test_markdown_minutes_keep_the_notes_and_numbers():
    text = minutes_markdown(_detail(), "fa")
    assert text.startswith("# صورتجلسه جلسه هماهنگی ترافیک")
    assert "کاهش **۱۰٪**" in text and "**۱۴۰۵-۰۳۷**" in text


def test_the_invitation_parses():
    calendar = Calendar.from_ical(invitation_ics(_detail("planned")))
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == "جلسه هماهنگی ترافیک"
    assert event.decoded("dtstart") == START
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 90 * 60
    assert str(event["location"]) == "اتاق ۲" and str(event["uid"]) == "meeting-7@peyvand"
