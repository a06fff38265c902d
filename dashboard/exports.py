"""CSV and Excel downloads: the one place that turns a table into a file, with every
cell through `export_cell`, so no text from users runs as a spreadsheet formula."""

from __future__ import annotations

import io

import pandas as pd

from data_access.text import export_cell


def _guarded(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    safe.columns = [export_cell(column) for column in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = [export_cell(value) for value in safe[column]]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel reads Persian."""
    return _guarded(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str, right_to_left: bool = False) -> bytes:
    """One sheet; every text cell is stored as text, never as a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _guarded(frame).to_excel(writer, index=False, sheet_name=sheet_name)
        sheet = writer.sheets[sheet_name]
        sheet.sheet_view.rightToLeft = right_to_left
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # openpyxl takes any text starting with "="
                    cell.data_type = "s"   # for a formula: belt and braces
    return buffer.getvalue()
