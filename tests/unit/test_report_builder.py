"""The monthly report's builder: python-docx opens what it writes, the Persian headings
and the charts are there, right-to-left is set, and a suppressed survey value is absent."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from dashboard.i18n import translate
from dashboard.report import builder
from dashboard.report.gather import (
    KpiRow,
    MeetingsSummary,
    MonthlyReport,
    NewsRow,
    OverdueRow,
    SurveyHeadline,
)
from data_access import config
from data_access.kpis import Period

MONTH = Period("month", 1405, 8)


def _png(_figure) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, format="PNG")
    return out.getvalue()


def _history(values):
    period = MONTH.shift(-len(values) + 1)
    rows = []
    for value in values:
        state = None if value is None else ("off_track" if value < 50 else "on_track")
        rows.append((period.key, period.start, value, state))
        period = period.next()
    return tuple(rows)


def _report(lang: str = "fa", hidden: str | None = None, **changes) -> MonthlyReport:
    kpis = [
        KpiRow("complaints", "پاسخ به شکایات در مهلت", "Complaints answered in time", "%", 1,
               43.5, 80.0, 47.0, -3.5, "off_track", False, _history([60, 55, 50, 47, 43.5])),
        KpiRow("participation", "نرخ مشارکت", "Participation", "%", 0, None, 70.0, None,
               None, None, True, _history([None, None, None, None, None])),
    ]
    survey = SurveyHeadline(
        "نبض تعلق و رضایت", "Belonging pulse", datetime(2026, 10, 30, tzinfo=UTC), 5, hidden,
        None if hidden else 0.634, None if hidden else 317,
        () if hidden else (("belonging", 71.25), ("recognition", 52.75)),
        () if hidden else ("نقطه قوت: تعلق", "تمرکز: قدردانی"))
    base = dict(
        period=MONTH, lang=lang, scope_fa="", scope_en=None, whole_organisation=True,
        generated_at=datetime(2026, 11, 25, 8, tzinfo=UTC), kpis=kpis, survey=survey,
        news_items=2,
        news=[NewsRow("جشن یلدا ویژه کارکنان", datetime(2026, 11, 2, tzinfo=UTC), 500, 0.33,
                      True, 0.27)],
        meetings=MeetingsSummary(12, 9, 20, 7), overdue_total=1,
        overdue=[OverdueRow("تهیه گزارش اجرایی", "رویا رضایی", "ترافیک", "Traffic",
                            date(2026, 9, 1))])
    base.update(changes)
    return MonthlyReport(**base)


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_persian_report_opens_with_its_headings_and_charts():
    document = _open(builder.build(_report("fa"), render=_png))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading",
                                                                                 "Title"))]
    assert headings[0] == "گزارش ماهانه: آبان ۱۴۰۵"
    for key in ("report.kpis.title", "report.survey.title", "report.news.title",
                "report.meetings.title", "report.actions.title"):
        assert translate(key, "fa") in headings
    # KPI status over months, the off-track KPI's trend, the drivers, the news reach.
    assert len(document.inline_shapes) == 4
    text = _all_text(document)
    assert "پاسخ به شکایات در مهلت" in text and "خارج از مسیر" in text
    assert "۴۳٫۵" in text  # Persian digits and decimal separator
    assert "63" not in text and "۶۳٪" in text


def test_the_persian_report_reads_right_to_left():
    document = _open(builder.build(_report("fa"), render=_png))
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    body = [p for p in document.paragraphs if p.text]
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in body)
    runs = [r for p in body for r in p.runs]
    assert runs and all(r._r.rPr.find(qn("w:rtl")) is not None for r in runs)
    fonts = runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == "Vazirmatn"
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in document.tables)
    # In the schema's order (Word refuses a file that breaks it).
    section = [child.tag for child in document.sections[0]._sectPr]
    assert section.index(qn("w:bidi")) < section.index(qn("w:docGrid"))
    table = [child.tag for child in document.tables[0]._tbl.tblPr]
    assert table.index(qn("w:bidiVisual")) < table.index(qn("w:tblW"))


def test_the_english_report_is_left_to_right():
    document = _open(builder.build(_report("en"), render=_png))
    assert document.paragraphs[0].text == "Monthly report: Aban 1405"
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is None
    assert "Complaints answered in time" in _all_text(document)


def test_a_suppressed_survey_group_shows_no_figure():
    shown = _all_text(_open(builder.build(_report("fa"), render=_png)))
    assert "۶۳٪" in shown and "۳۱۷" in shown
    document = _open(builder.build(_report("fa", hidden="below_k"), render=_png))
    text = _all_text(document)
    assert translate("report.survey.hidden.below_k", "fa", k=5) in text
    for figure in ("۶۳٪", "۳۱۷", "۷۱", "۵۳", "نقطه قوت"):
        assert figure not in text
    # No drivers chart either: status, trend and reach remain.
    assert len(document.inline_shapes) == 3


def test_a_suppressed_kpi_shows_no_value():
    document = _open(builder.build(_report("en"), render=_png))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    suppressed = translate("report.suppressed", "en")
    # The second KPI (participation) is suppressed: its value and status say so, and
    # its row holds no figure but the target.
    name, value, target, change, status = rows[2]
    assert value == suppressed and status == suppressed and change == "—"
    assert target.startswith("70")
    assert rows[1][1].startswith("43.5")  # the shown one keeps its value


def test_a_month_without_kpi_values_says_so():
    document = _open(builder.build(_report("fa", kpis=[]), render=_png))
    assert translate("report.kpis.none", "fa") in _all_text(document)
    assert len(document.inline_shapes) == 2  # drivers and reach: no KPI charts


@pytest.mark.skipif(shutil.which(config.chromium_path()) is None,
                    reason="needs Chromium for the charts")
def test_the_charts_render_offline_through_chromium():
    data = builder.build(_report("fa"))
    document = _open(data)
    assert len(document.inline_shapes) == 4
    blobs = [rel.target_part.blob for rel in document.part.rels.values()
             if "image" in rel.reltype]
    assert blobs and all(blob.startswith(b"\x89PNG") for blob in blobs)
    width, _ = Image.open(io.BytesIO(blobs[0])).size
    assert width >= 900
