"""Meeting documents: the minutes as a Word file (صورتجلسه: right to left in Persian, a
Persian-capable font named in the file, Jalali dates and Persian digits, an attendance
and signature table, decisions with their register numbers, action items with owners and
due dates; English left to right) and as Markdown, and a calendar invitation (.ics) for a
planned meeting.

Built from a MeetingDetail the reader may see (data_access.meetings decided that), with
python-docx and icalendar; no Streamlit here, so the files are tested as they are.
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from dashboard.formatting import format_date, format_datetime, format_number, localize_digits
from dashboard.i18n import translate
from dashboard.word import FONT  # noqa: F401 - FONT: what the file names
from dashboard.word import WordWriter as _Writer
from data_access.meetings import MeetingDetail


def _number(text: str, loc: str) -> str:
    return localize_digits(text, loc)


def minutes_docx(d: MeetingDetail, loc: str) -> bytes:
    """The minutes as a Word document in the reader's language."""
    w = _Writer(loc)
    w.heading(w.t("meetings.doc.title", title=d.title), 0)
    w.paragraph(" · ".join([
        d.type_en if loc == "en" and d.type_en else d.type_fa,
        format_datetime(d.starts_at, loc, "long"),
        w.t("meetings.detail.minutes", count=d.duration_minutes)]))
    w.paragraph(w.t("meetings.detail.organiser", name=d.organiser))
    w.paragraph(w.t("meetings.doc.department",
                    name=d.department_en if loc == "en" and d.department_en
                    else d.department_fa))
    if d.place:
        w.paragraph(w.t("meetings.detail.place", place=d.place))
    w.paragraph(w.t("meetings.doc.status", status=w.t(f"meetings.status.{d.status}")))

    w.heading(w.t("meetings.attendance.title"))
    w.table([w.t("meetings.doc.name"), w.t("meetings.doc.attendance"),
             w.t("meetings.doc.sign_off"), w.t("meetings.doc.signature")],
            [[a.name, w.t(f"meetings.attendance.{a.attendance}") if a.attendance else "",
              (w.t(f"meetings.sign_off.{a.sign_off}") + " " + format_date(a.signed_at, loc))
              if a.sign_off else "", ""] for a in d.attendees]
            + [[g, w.t("meetings.attendance.guest"), "", ""] for g in d.guests])

    w.heading(w.t("meetings.agenda.title"))
    for item in d.agenda:
        w.paragraph(f"{format_number(item.position, loc)}. {item.title}", bold=True)
        for line in (item.notes or "").splitlines():
            if line.strip():
                w.paragraph(line)

    if d.decisions:
        w.heading(w.t("meetings.decisions.title"))
        w.table([w.t("meetings.register.number"), w.t("meetings.register.text"),
                 w.t("meetings.register.status")],
                [[_number(x.number, loc), x.text, w.t(f"meetings.decision_status.{x.status}")]
                 for x in d.decisions])
    if d.action_items:
        w.heading(w.t("meetings.actions.title"))
        w.table([w.t("meetings.actions.new"), w.t("meetings.actions.owner"),
                 w.t("meetings.actions.due_on"), w.t("meetings.doc.item_status")],
                [[a.title, a.owner, format_date(a.due_on, loc),
                  w.t(f"surveys.actions.status.{a.status}")] for a in d.action_items])
    return w.bytes()


def minutes_markdown(d: MeetingDetail, loc: str) -> str:
    """The minutes as Markdown (the notes are the organiser's own Markdown)."""
    def t(key: str, **params: object) -> str:
        return translate(key, loc, **params)

    lines = [f"# {t('meetings.doc.title', title=d.title)}", "",
             f"{format_datetime(d.starts_at, loc, 'long')} · {d.organiser}", "",
             f"## {t('meetings.attendance.title')}", ""]
    for a in d.attendees:
        status = t(f"meetings.attendance.{a.attendance}") if a.attendance else ""
        lines.append(f"- {a.name} {status}".rstrip())
    lines += ["", f"## {t('meetings.agenda.title')}", ""]
    for item in d.agenda:
        lines += [f"### {format_number(item.position, loc)}. {item.title}", "",
                  item.notes or "", ""]
    if d.decisions:
        lines += [f"## {t('meetings.decisions.title')}", ""]
        lines += [f"- **{_number(x.number, loc)}** {x.text}" for x in d.decisions]
        lines.append("")
    if d.action_items:
        lines += [f"## {t('meetings.actions.title')}", ""]
        lines += [f"- {a.title} · {a.owner} · {format_date(a.due_on, loc)}"
                  for a in d.action_items]
    return "\n".join(lines).strip() + "\n"


def invitation_ics(d: MeetingDetail, site: str = "peyvand") -> bytes:
    """A calendar invitation for the meeting (UTC times; calendars show local time)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Peyvand//Meetings//FA")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{d.id}@{site}")
    event.add("summary", d.title)
    event.add("dtstart", d.starts_at)
    event.add("dtend", d.starts_at + timedelta(minutes=d.duration_minutes))
    event.add("dtstamp", d.starts_at)
    if d.place:
        event.add("location", d.place)
    if d.online_link:
        event.add("url", d.online_link)
    event.add("description", "\n".join(
        f"{item.position}. {item.title}" for item in d.agenda))
    if d.status == "cancelled":
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
