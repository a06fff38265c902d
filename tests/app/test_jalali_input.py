"""The Jalali date widgets, driven through Streamlit's AppTest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from streamlit.testing.v1 import AppTest

MESSAGES = {
    "invalid_date": "تاریخ نامعتبر است",
    "before_min": "تاریخ باید از {min} به بعد باشد",
    "after_max": "تاریخ باید تا {max} باشد",
}


# Script functions run as standalone scripts: annotations must be builtins.
def _date_app(**kwargs: object) -> None:
    import streamlit as st

    from dashboard.jalali_input import jalali_date_input

    st.session_state["result"] = jalali_date_input("تاریخ جلسه", key="due", **kwargs)
    st.session_state["ran"] = True


def _two_inputs_in_form_app(messages: dict[str, str]) -> None:
    from datetime import date

    import streamlit as st

    from dashboard.jalali_input import jalali_date_input

    with st.form("f"):
        start = jalali_date_input(
            "Start", key="start", value=date(2024, 3, 20), locale="en", messages=messages
        )
        end = jalali_date_input(
            "End", key="end", value=date(2024, 4, 19), locale="en", messages=messages
        )
        st.form_submit_button("Save")
    st.session_state["result"] = (start, end)


def _datetime_app(**kwargs: object) -> None:
    import streamlit as st

    from dashboard.jalali_input import jalali_datetime_input

    st.session_state["result"] = jalali_datetime_input("زمان", key="at", **kwargs)


def _run(script: Any, **kwargs: Any) -> AppTest:
    at = AppTest.from_function(script, kwargs=kwargs, default_timeout=15)
    at.run()
    assert not at.exception, at.exception
    return at


def _select(at: AppTest, key: str, *, y: int, m: int, d: int) -> AppTest:
    at.selectbox(key=f"{key}__y").set_value(y)
    at.selectbox(key=f"{key}__m").set_value(m)
    at.selectbox(key=f"{key}__d").set_value(d)
    at.run()
    assert not at.exception, at.exception
    return at


def test_initial_value_is_returned_and_shown_in_persian() -> None:
    at = _run(_date_app, value=date(2024, 3, 24), locale="fa", messages=MESSAGES)
    assert at.session_state["result"] == date(2024, 3, 24)
    assert at.markdown[0].value == "تاریخ جلسه"
    assert at.selectbox(key="due__y").value == 1403
    assert at.selectbox(key="due__m").value == 1
    assert at.selectbox(key="due__d").value == 5
    assert not at.error


def test_persian_month_names_and_digits_in_fa() -> None:
    at = _run(_date_app, value=date(2024, 3, 24), locale="fa", messages=MESSAGES)
    months = at.selectbox(key="due__m").options
    assert months[0] == "فروردین" and months[11] == "اسفند"
    assert at.selectbox(key="due__d").options[:3] == ["۱", "۲", "۳"]
    assert "۱۴۰۳" in at.selectbox(key="due__y").options


def test_english_month_names_in_en() -> None:
    at = _run(_date_app, value=date(2024, 3, 24), locale="en", messages=MESSAGES)
    assert at.selectbox(key="due__m").options[0] == "Farvardin"
    assert "1403" in at.selectbox(key="due__y").options


def test_valid_selection_returns_gregorian_date() -> None:
    at = _run(_date_app, value=date(2024, 3, 24), locale="fa", messages=MESSAGES)
    _select(at, "due", y=1403, m=7, d=8)
    assert at.session_state["result"] == date(2024, 9, 29)  # 8 Mehr 1403
    assert not at.error


def test_30_esfand_1404_is_rejected() -> None:
    at = _run(_date_app, value=date(2025, 6, 1), locale="fa", messages=MESSAGES)
    _select(at, "due", y=1404, m=12, d=30)
    assert at.session_state["result"] is None
    assert [e.value for e in at.error] == ["تاریخ نامعتبر است"]


def test_30_esfand_1403_is_accepted() -> None:
    at = _run(_date_app, value=date(2025, 1, 1), locale="fa", messages=MESSAGES)
    _select(at, "due", y=1403, m=12, d=30)
    assert at.session_state["result"] == date(2025, 3, 20)
    assert not at.error


def test_31st_of_an_autumn_month_is_rejected() -> None:
    at = _run(_date_app, value=date(2024, 3, 24), locale="en", messages=MESSAGES)
    _select(at, "due", y=1403, m=7, d=31)
    assert at.session_state["result"] is None
    assert at.error[0].value == MESSAGES["invalid_date"]


def test_empty_value_returns_none_without_error_until_complete() -> None:
    at = _run(_date_app, locale="fa", messages=MESSAGES)
    assert at.session_state["result"] is None
    assert not at.error
    assert at.selectbox(key="due__y").value is None
    at.selectbox(key="due__d").set_value(5).run()
    assert at.session_state["result"] is None
    assert at.error[0].value == MESSAGES["invalid_date"]  # incomplete date
    _select(at, "due", y=1403, m=1, d=5)
    assert at.session_state["result"] == date(2024, 3, 24)


def test_bounds_show_translated_messages() -> None:
    at = _run(
        _date_app,
        value=date(2024, 3, 24),
        locale="fa",
        messages=MESSAGES,
        min_value=date(2024, 3, 22),
        max_value=date(2024, 4, 19),
    )
    assert at.session_state["result"] == date(2024, 3, 24)
    # Years outside [min, max] are not even offered.
    assert at.selectbox(key="due__y").options == ["۱۴۰۳"]
    _select(at, "due", y=1403, m=1, d=2)
    assert at.session_state["result"] is None
    assert at.error[0].value == "تاریخ باید از ۳ فروردین ۱۴۰۳ به بعد باشد"
    _select(at, "due", y=1403, m=2, d=1)
    assert at.session_state["result"] is None
    assert at.error[0].value == "تاریخ باید تا ۳۱ فروردین ۱۴۰۳ باشد"


def test_years_cover_today_and_bounds() -> None:
    at = _run(
        _date_app,
        value=date(2024, 3, 24),
        locale="en",
        messages=MESSAGES,
        min_value=date(2000, 1, 1),
    )
    years = at.selectbox(key="due__y").options
    assert years[0] == "1378"  # min_value's Jalali year widens the range
    assert "1403" in years and len(years) > 20


def test_two_inputs_in_a_form() -> None:
    at = _run(_two_inputs_in_form_app, messages=MESSAGES)
    assert at.session_state["result"] == (date(2024, 3, 20), date(2024, 4, 19))
    at.selectbox(key="end__m").set_value(2)
    at.selectbox(key="end__d").set_value(31)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["result"] == (date(2024, 3, 20), date(2024, 5, 20))


def test_datetime_input_returns_utc() -> None:
    value = datetime(2024, 3, 24, 11, 0, tzinfo=UTC)  # 14:30 in Tehran
    at = _run(_datetime_app, value=value, locale="fa", messages=MESSAGES)
    assert at.session_state["result"] == value
    assert at.selectbox(key="at__hh").value == 14
    assert at.selectbox(key="at__mm").value == 30
    assert at.selectbox(key="at__hh").options[9] == "۰۹"
    at.selectbox(key="at__hh").set_value(9)
    at.selectbox(key="at__mm").set_value(0)
    _select(at, "at", y=1404, m=1, d=1)
    assert at.session_state["result"] == datetime(2025, 3, 21, 5, 30, tzinfo=UTC)


def test_datetime_input_accepts_naive_utc_and_checks_bounds() -> None:
    at = _run(
        _datetime_app,
        value=datetime(2024, 3, 24, 11, 0),
        locale="en",
        messages=MESSAGES,
        min_value=datetime(2024, 3, 24, 10, 0, tzinfo=UTC),
    )
    assert at.session_state["result"] == datetime(2024, 3, 24, 11, 0, tzinfo=UTC)
    at.selectbox(key="at__hh").set_value(12).run()  # 12:30 Tehran = 09:00 UTC < 10:00 UTC
    assert at.session_state["result"] is None
    assert at.error[0].value == "تاریخ باید از 5 Farvardin 1403 13:30 به بعد باشد"


# --- the compact control: one date field, one time field (issue 10) -----------------


def _text_app(**kwargs: object) -> None:
    import streamlit as st

    from dashboard.jalali_input import input_rejected, jalali_datetime_text_input
    from dashboard.ui import date_messages

    st.session_state["locale"] = kwargs["locale"]  # date_messages() speaks the page's language
    st.session_state["result"] = jalali_datetime_text_input(
        "زمان", key="at", messages=date_messages(), **kwargs)
    st.session_state["rejected"] = input_rejected("at")


def _typed(at: AppTest, date_text: str, time_text: str) -> AppTest:
    at.text_input(key="at__date").input(date_text)
    at.text_input(key="at__time").input(time_text)
    at.run()
    assert not at.exception, at.exception
    return at


def test_text_control_shows_the_value_in_persian_with_weekday_and_gregorian() -> None:
    value = datetime(2024, 3, 24, 11, 0, tzinfo=UTC)  # 14:30 in Tehran, Sunday 5 Farvardin
    at = _run(_text_app, value=value, locale="fa")
    assert at.session_state["result"] == value
    assert at.text_input(key="at__date").value == "۱۴۰۳/۰۱/۰۵"
    assert at.text_input(key="at__time").value == "۱۴:۳۰"
    assert [c.value for c in at.caption] == ["یکشنبه ۵ فروردین ۱۴۰۳ — میلادی: ۲۴ مارس ۲۰۲۴"]
    assert not at.selectbox and not at.error  # two text fields, no dropdowns


def test_text_control_in_english() -> None:
    at = _run(_text_app, locale="en")
    assert at.session_state["result"] is None and not at.error and not at.caption
    _typed(at, "۱۴۰۴-۱-۱", "9:00")
    assert at.session_state["result"] == datetime(2025, 3, 21, 5, 30, tzinfo=UTC)
    assert [c.value for c in at.caption] == ["Friday, 1 Farvardin 1404 — Gregorian: 21 March 2025"]
    assert at.session_state["rejected"] is False


def test_text_control_refuses_a_day_the_calendar_lacks() -> None:
    at = _run(_text_app, locale="fa")
    _typed(at, "1404/12/30", "10:00")
    assert at.session_state["result"] is None and at.session_state["rejected"] is True
    assert [e.value for e in at.error] == [
        "تاریخ ۱۴۰۴/۱۲/۳۰ در تقویم وجود ندارد: اسفند سال ۱۴۰۴ ۲۹ روز دارد."]
    _typed(at, "1403/12/30", "10:00")  # a leap year: it exists
    assert at.session_state["result"] == datetime(2025, 3, 20, 6, 30, tzinfo=UTC)
    assert not at.error and at.session_state["rejected"] is False


def test_text_control_unreadable_and_half_filled() -> None:
    at = _run(_text_app, locale="fa")
    # empty fields show an example, marked as one, in Persian digits
    assert at.text_input(key="at__date").placeholder.startswith("مثلاً ۱۴")
    assert at.text_input(key="at__time").placeholder == "مثلاً ۰۹:۰۰"
    _typed(at, "فردا", "25:00")
    errors = [e.value for e in at.error]
    assert len(errors) == 2 and errors[0].startswith("تاریخ را به شکل سال/ماه/روز")
    assert errors[1].startswith("ساعت را به شکل ساعت:دقیقه")
    _typed(at, "۱۴۰۵/۰۹/۱۰", "")
    assert [e.value for e in at.error] == ["تاریخ و ساعت هر دو را بنویسید."]
    assert at.session_state["result"] is None and at.session_state["rejected"] is True


def test_text_control_checks_bounds() -> None:
    at = _run(_text_app, value=datetime(2024, 3, 24, 11, 0), locale="en",
              min_value=datetime(2024, 3, 24, 10, 0, tzinfo=UTC))
    assert at.session_state["result"] == datetime(2024, 3, 24, 11, 0, tzinfo=UTC)
    _typed(at, "1403/01/05", "12:30")  # 12:30 Tehran = 09:00 UTC < 10:00 UTC
    assert at.session_state["result"] is None and at.session_state["rejected"] is True
    assert at.error[0].value == "The date must not be before 5 Farvardin 1403 13:30."


def test_text_control_shows_latin_digits_typed_in_fa_in_persian_on_the_next_run() -> None:
    at = _run(_text_app, locale="fa")
    _typed(at, "1405-9-10", "9:30")
    # the field itself, not only the caption under it, now reads in Persian digits
    assert at.text_input(key="at__date").value == "۱۴۰۵-۹-۱۰"
    assert at.text_input(key="at__time").value == "۹:۳۰"
    assert at.session_state["result"] == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert at.caption[0].value.endswith("میلادی: ۱ دسامبر ۲۰۲۶")
    _typed(at, "١٤٠٥/٠٩/١١", "۰۹:۳۰")  # Arabic-Indic digits too
    assert at.text_input(key="at__date").value == "۱۴۰۵/۰۹/۱۱"


def test_text_control_keeps_what_was_typed_in_en() -> None:
    at = _run(_text_app, locale="en")
    _typed(at, "1405-9-10", "9:30")
    assert at.text_input(key="at__date").value == "1405-9-10"
    assert at.text_input(key="at__time").value == "9:30"


def _text_in_form_app() -> None:
    import streamlit as st

    from dashboard.jalali_input import jalali_datetime_text_input
    from dashboard.ui import date_messages

    st.session_state["locale"] = "fa"
    with st.form("f"):
        st.session_state["result"] = jalali_datetime_text_input(
            "زمان", key="at", locale="fa", messages=date_messages())
        st.form_submit_button("ثبت")


def test_text_control_in_a_form_shows_latin_digits_in_persian_after_the_submit() -> None:
    at = _run(_text_in_form_app)
    at.text_input(key="at__date").input("1405/09/10")
    at.text_input(key="at__time").input("09:30")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["result"] == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    at.run()  # the run after the submit draws the fields again
    assert at.text_input(key="at__date").value == "۱۴۰۵/۰۹/۱۰"
    assert at.text_input(key="at__time").value == "۰۹:۳۰"
    assert at.session_state["result"] == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
