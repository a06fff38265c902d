"""The one table helper: reading order per language, localised cells and empty state."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.tables import frame

ROWS = [{"نام": "سارا", "تعداد": 1250, "میانگین": 3.5, "یادداشت": ""},
        {"نام": "علی", "تعداد": None, "میانگین": 4, "یادداشت": ""}]


def test_persian_tables_read_right_to_left_with_the_identifying_column_rightmost():
    table = frame(ROWS, "fa")
    assert list(table.columns) == ["یادداشت", "میانگین", "تعداد", "نام"]
    assert list(frame(ROWS, "en").columns) == ["نام", "تعداد", "میانگین", "یادداشت"]


def test_cells_use_the_locale_digits_and_a_dash_for_missing_values():
    table = frame(ROWS, "fa")
    assert table["تعداد"].tolist() == ["۱٬۲۵۰", "—"]
    assert table["میانگین"].tolist() == ["۳٫۵۰", "۴"]
    assert frame(ROWS, "en")["تعداد"].tolist() == ["1,250", "—"]


def test_an_optional_column_with_nothing_in_it_is_left_out():
    assert "یادداشت" not in frame(ROWS, "fa", optional=["یادداشت"]).columns
    filled = [{**ROWS[0], "یادداشت": "پنهان"}, ROWS[1]]
    assert "یادداشت" in frame(filled, "fa", optional=["یادداشت"]).columns


def _table_app(rows, lang):
    import streamlit as st

    from dashboard import tables
    st.session_state.setdefault("n", 0)
    tables.show(rows, lang)


def test_an_empty_table_is_one_translated_sentence_not_an_empty_grid():
    at = AppTest.from_function(_table_app, args=([], "fa")).run()
    assert not at.dataframe
    assert [c.value for c in at.caption] == ["موردی برای نمایش نیست."]
    at = AppTest.from_function(_table_app, args=(ROWS, "fa")).run()
    assert list(at.dataframe[0].value.columns) == ["یادداشت", "میانگین", "تعداد", "نام"]


def test_an_editable_grid_gets_the_same_reading_order():
    from dashboard.tables import reading_order

    assert reading_order(["kind", "text", "required"], "fa") == ["required", "text", "kind"]
    assert reading_order(["kind", "text", "required"], "en") == ["kind", "text", "required"]


def test_every_table_goes_through_the_helper():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    direct = {path.relative_to(root).as_posix()
              for folder in ("dashboard", "pages") for path in (root / folder).rglob("*.py")
              if "st.dataframe(" in path.read_text(encoding="utf-8")}
    assert direct == {"dashboard/tables.py"}
