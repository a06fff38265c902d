"""Importing custom KPI values from CSV and .xlsx — on both databases."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data_access import kpis
from data_access.errors import InvalidInput, PermissionDenied
from data_access.kpis import Period
from data_access.models.kpis import KpiValue, KpiValueChange
from tests.conftest import audit_entries

LAST = Period.current("month").previous()
BEFORE = LAST.previous()
FUTURE = Period.current("month").next()
QUARTER = Period.current("quarter").previous()
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture
def kpi(session, org):
    info = kpis.define_kpi(session, org.pr, name_fa="رضایت شهروندان",
                           name_en="Citizen satisfaction", unit="percent", decimals=1,
                           reporting_department_ids=[org.traffic, org.traffic_control,
                                                     org.pr_dept])
    session.commit()
    return info


def _csv(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows: list[list], percent_column: int | None = None) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if percent_column is not None:
        for (cell,) in book.active.iter_rows(min_row=2, min_col=percent_column,
                                            max_col=percent_column):
            cell.number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _values(session) -> dict:
    return {(d, p): v for d, p, v in session.execute(
        select(KpiValue.department_id, KpiValue.period, KpiValue.value)).tuples()}


def _reasons(preview) -> list[tuple[int, str]]:
    return [(e.line, e.key) for e in preview.errors]


def test_a_good_csv_with_a_bom_persian_headers_digits_and_decimal_separator(session, org, kpi):
    data = _csv("شاخص,واحد,دوره,مقدار",
                f"{kpi.code},ترافیک,{LAST.key},۷۲٫۵",
                f"رضایت شهروندان,کنترل\u200cترافیک,{LAST.key.translate(FA)},٦٨",
                "",
                f"Citizen satisfaction,Public Relations,{BEFORE.key},81", bom=True)
    preview = kpis.import_preview(session, org.pr, data, "values.csv")
    assert preview.errors == [] and preview.ok
    assert [(r.line, r.value, r.current) for r in preview.rows] == [
        (2, 72.5, None), (3, 68.0, None), (5, 81.0, None)]
    calls = []
    written = kpis.import_commit(session, org.pr, data, "values.csv",
                                 progress=lambda done, total: calls.append((done, total)))
    session.commit()
    assert written == 3 and calls == [(3, 3)]
    assert _values(session) == {(org.traffic, LAST.key): 72.5,
                                (org.traffic_control, LAST.key): 68.0,
                                (org.pr_dept, BEFORE.key): 81.0}
    assert set(session.scalars(select(KpiValueChange.via))) == {"import"}
    [entry] = audit_entries(session, "kpi_value.import")
    assert '"created": 3' in entry.details


def test_an_import_corrects_values_with_history_and_leaves_equal_ones_alone(session, org, kpi):
    kpis.enter_value(session, org.pr, kpi.code, org.traffic, LAST.key, 50)
    kpis.enter_value(session, org.pr, kpi.code, org.pr_dept, LAST.key, 60)
    session.commit()
    data = _csv("kpi,department,period,value", f"{kpi.code},{org.traffic},{LAST.key},55",
                f"{kpi.code},{org.pr_dept},{LAST.key},60")
    preview = kpis.import_preview(session, org.pr, data, "fix.csv")
    assert [r.current for r in preview.rows] == [50.0, 60.0] and preview.corrections == 1
    assert kpis.import_commit(session, org.pr, data, "fix.csv") == 2
    session.commit()
    assert _values(session)[(org.traffic, LAST.key)] == 55.0
    [row] = session.scalars(select(KpiValue).where(KpiValue.department_id == org.traffic))
    assert row.version == 2
    history = kpis.value_history(session, org.pr, kpi.code, org.traffic)
    assert [(h.old_value, h.new_value, h.via) for h in history] == [
        (50.0, 55.0, "import"), (None, 50.0, "form")]
    assert len(kpis.value_history(session, org.pr, kpi.code, org.pr_dept)) == 1


def test_a_good_xlsx(session, org, kpi):
    data = _xlsx([["KPI", "Department", "Period", "Value", "note"],
                  [kpi.code, "Traffic", LAST.key, 70.25, "ignored"],
                  [kpi.code, org.pr_dept, BEFORE.key.translate(FA), "۶۱٫۵", None]])
    preview = kpis.import_preview(session, org.pr, data, "v.xlsx")
    assert preview.errors == []
    assert kpis.import_commit(session, org.pr, data, "v.xlsx") == 2
    assert _values(session) == {(org.traffic, LAST.key): 70.25, (org.pr_dept, BEFORE.key): 61.5}


def test_an_xlsx_percentage_cell_is_read_as_it_shows(session, org, kpi):
    data = _xlsx([["شاخص", "واحد", "دوره", "مقدار"], [kpi.code, "ترافیک", LAST.key, 0.725]],
                 percent_column=4)
    assert [r.value for r in kpis.import_preview(session, org.pr, data, "p.xlsx").rows] == [72.5]


def test_every_kind_of_bad_row_is_listed_and_nothing_is_written(session, org, kpi):
    quarterly = kpis.define_kpi(session, org.pr, name_fa="فصلی", frequency="quarter",
                                reporting_department_ids=[org.traffic])
    session.commit()
    data = _csv(
        "kpi,department,period,value",
        f"{kpi.code},ترافیک,{LAST.key},70",                   # 2 good
        f"no-such-kpi,ترافیک,{LAST.key},70",                  # 3 unknown KPI
        f"{kpi.code},اداره ناموجود,{LAST.key},70",            # 4 unknown department
        f"{kpi.code},ترافیک,{QUARTER.key},70",                # 5 not a month
        f"{kpi.code},ترافیک,{FUTURE.key},70",                 # 6 in the future
        f"{kpi.code},ترافیک,{BEFORE.key},هفتاد",              # 7 not a number
        f"{kpi.code},ترافیک,{LAST.key},71",                   # 8 duplicate of line 2
        f"{kpi.code},شهرداری,{LAST.key},70",                  # 9 does not report
        f"{quarterly.code},ترافیک,{LAST.key},5",              # 10 monthly period, quarterly KPI
        f"{kpi.code},ترافیک,,70",                              # 11 empty period
        f"{kpi.code},ترافیک,1405-99,70",                      # 12 not a period
        f"{kpi.code},ترافیک,{BEFORE.key},70,extra",            # 13 extra cells
    )
    preview = kpis.import_preview(session, org.pr, data, "bad.csv")
    assert not preview.ok and [r.line for r in preview.rows] == [2]
    assert _reasons(preview) == [
        (3, "kpis.import.unknown_kpi"),
        (4, "errors.department_unknown"),
        (5, "kpis.error.period_not_month"),
        (6, "kpis.error.period_future"),
        (7, "kpis.error.number"),
        (8, "kpis.import.duplicate"),
        (9, "kpis.error.department_not_reporting"),
        (10, "kpis.error.period_not_quarter"),
        (11, "kpis.import.required"),
        (12, "kpis.error.period"),
        (13, "kpis.import.extra_cells"),
    ]
    assert preview.errors[5].params == {"other_line": 2}
    with pytest.raises(InvalidInput) as caught:
        kpis.import_commit(session, org.pr, data, "bad.csv")
    assert caught.value.key == "kpis.import.not_valid"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(KpiValue)) == 0
    assert session.scalar(select(func.count()).select_from(KpiValueChange)) == 0
    assert audit_entries(session, "kpi_value.import") == []


def test_a_manager_imports_only_their_subtree(session, org, kpi):
    data = _csv("kpi,department,period,value", f"{kpi.code},ترافیک,{LAST.key},70",
                f"{kpi.code},روابط عمومی,{LAST.key},70")
    preview = kpis.import_preview(session, org.manager, data, "m.csv")
    assert _reasons(preview) == [(3, "kpis.import.not_allowed")]
    with pytest.raises(InvalidInput):
        kpis.import_commit(session, org.manager, data, "m.csv")
    good = _csv("kpi,department,period,value", f"{kpi.code},کنترل ترافیک,{LAST.key},70")
    assert kpis.import_commit(session, org.manager, good, "m.csv") == 1
    with pytest.raises(PermissionDenied):
        kpis.import_preview(session, org.employee, good, "m.csv")


@pytest.mark.parametrize("data, name, key", [
    (b"PK\x03\x04 not really a workbook", "v.xlsx", "kpis.import.malformed"),
    ("kpi,department\n".encode("utf-16"), "v.csv", "kpis.import.encoding"),
    (b"\xff\xfe\x00garbage", "v.csv", "kpis.import.encoding"),
    (b"", "v.csv", "kpis.import.empty"),
    (b"kpi,department,period,value\n", "v.csv", "kpis.import.empty"),
    (b"kpi,department,value\nc1,x,1\n", "v.csv", "kpis.import.missing_columns"),
    (b"kpi,department,period,value\n", "v.pdf", "kpis.import.file_type"),
])
def test_a_file_that_cannot_be_read_is_one_clear_error(session, org, kpi, data, name, key):
    preview = kpis.import_preview(session, org.pr, data, name)
    assert [e.key for e in preview.errors] == [key] and preview.rows == []


def test_missing_columns_are_named_in_both_languages_and_empty_cells_by_their_header(
        session, org, kpi):
    preview = kpis.import_preview(session, org.pr, _csv("شاخص,واحد,مقدار", "c1,x,1"), "v.csv")
    assert preview.errors[0].params == {"columns": "period / دوره"}
    preview = kpis.import_preview(session, org.pr, _csv("KPI,Department,دوره,Value",
                                                        f"{kpi.code},ترافیک,,70"), "v.csv")
    assert [(e.key, e.params) for e in preview.errors] == [
        ("kpis.import.required", {"column": "دوره"})]


def test_a_broken_csv_quote_names_its_line(session, org, kpi):
    data = _csv("kpi,department,period,value", f"{kpi.code},ترافیک,{LAST.key},70",
                f'{kpi.code},"ترافیک,{BEFORE.key},70')
    preview = kpis.import_preview(session, org.pr, data, "q.csv")
    assert [e.key for e in preview.errors] == ["kpis.import.malformed_line"]
    assert preview.errors[0].line >= 3


def test_semicolon_separated_csv_and_progress_per_chunk(session, org, kpi, monkeypatch):
    from data_access.kpis import importing
    monkeypatch.setattr(importing, "CHUNK", 2)
    periods = [LAST.shift(-i) for i in range(5)]
    data = _csv("kpi;department;period;value",
                *[f"{kpi.code};{org.traffic};{p.key};{i}" for i, p in enumerate(periods)])
    calls = []
    assert kpis.import_commit(session, org.pr, data, "s.csv",
                              progress=lambda d, t: calls.append((d, t))) == 5
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_a_value_entered_by_someone_else_during_the_import_is_a_conflict(session, org, kpi,
                                                                         monkeypatch):
    from data_access.errors import Conflict
    from data_access.kpis import importing
    kpis.enter_value(session, org.manager, kpi.code, org.traffic, LAST.key, 50)
    session.commit()
    # As if the value arrived after the import read the stored values.
    monkeypatch.setattr(importing, "_current_values", lambda session, keys: {})
    data = _csv("kpi,department,period,value", f"{kpi.code},ترافیک,{LAST.key},70")
    with pytest.raises(Conflict) as caught:
        kpis.import_commit(session, org.pr, data, "race.csv")
    assert caught.value.key == "errors.edited_by_someone_else"
    session.rollback()
    assert _values(session) == {(org.traffic, LAST.key): 50.0}
