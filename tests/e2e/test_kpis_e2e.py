"""/kpis in a real browser, in Persian: a manager moves the period range with the Jalali
inputs and the chart follows, the URL reproduces the view in a new page, the data behind
the chart downloads as CSV, and on a 390 px phone nothing runs off the side."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dashboard.formatting import jalali_month_name, localize_digits
from dashboard.i18n import translate
from dashboard.kpis.filters import default_last
from data_access import db, kpis, users
from tests.e2e.conftest import login, screenshot, settle
from tests.e2e.test_mobile_e2e import (  # noqa: F401 - phone: the fixture, reused
    _assert_usable,
    _open,
    _phone_login,
    _screenshot,
    phone,
)

MONTHS = 24
CHART = ".js-plotly-plot"
TICKS = (f"() => [...document.querySelectorAll('{CHART} .xtick text')]"
         ".map((t) => t.textContent)")


@pytest.fixture(scope="module")
def kpi_code(live_app, browser) -> str:
    """A custom KPI of the manager's department with two years of monthly values,
    written (as by another session or an import) after the manager's /kpis reads were
    cached: in a full run earlier tests open /kpis as the manager first, and a KPI list
    cached then once hid this KPI (the trend fell back to the first KPI, whose first
    months are empty). The reads are keyed by the KPI data version now."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fa-IR")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        login(page, live_app, "manager")
        page.goto(f"{live_app.url}/kpis?view=trend")
        page.get_by_role("heading", name="شاخص‌ها", exact=True).wait_for()
        page.get_by_role("button", name="دریافت داده (CSV)").wait_for(timeout=90_000)
    finally:
        context.close()
    with db.session_scope(live_app.engine()) as session:
        pr = users.active_actor(session, "pr")
        manager = users.active_actor(session, "manager")
        kpi = kpis.define_kpi(session, pr, name_fa="رضایت شهروندان (آزمون)",
                              name_en="Citizen satisfaction (test)", unit="percent",
                              target=85, amber=75, red=60, entered_by="pr",
                              reporting_department_ids=[manager.department_id])
        last = default_last("month")
        for step in range(MONTHS):
            kpis.enter_value(session, pr, kpi.code, manager.department_id,
                             last.shift(-step).key, 55 + (step * 7) % 40)
    return kpi.code


def _choose(page, key: str, option: str) -> None:
    box = page.locator(f".st-key-{key} [role='combobox']")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    settle(page, 600)


def _chart(page) -> None:
    """Wait until the chart has drawn its time axis (a state, not a pause)."""
    page.wait_for_function(f"() => ({TICKS})().length > 0", timeout=90_000)
    settle(page)


def _ticks(page) -> list[str]:
    return page.evaluate(TICKS)


def test_a_manager_moves_the_period_range_and_shares_the_view(browser, live_app, kpi_code):
    context = browser.new_context(viewport={"width": 1366, "height": 1400}, locale="fa-IR",
                                  accept_downloads=True)
    page = shared = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, live_app, "manager")
        for view in ("cards", "heatmap", f"compare&kpi={kpi_code}"):  # to look at
            page.goto(f"{live_app.url}/kpis?view={view}")
            page.get_by_role("heading", name="شاخص‌ها", exact=True).wait_for()
            page.get_by_role("button", name="دریافت داده (CSV)").wait_for(timeout=90_000)
            settle(page, 1500)
            screenshot(page, f"kpis_{view.split('&')[0]}_fa")
        page.goto(f"{live_app.url}/kpis?view=trend&kpi={kpi_code}")
        _chart(page)
        before = _ticks(page)
        assert before and all(not any(c.isascii() and c.isdigit() for c in t) for t in before)

        # Two years back instead of one, with the Jalali month and year boxes.
        first = default_last("month").shift(-(MONTHS - 1))
        _choose(page, "kpi_from__month_y", localize_digits(str(first.year), "fa"))
        _choose(page, "kpi_from__month_n", jalali_month_name(first.number, "fa"))
        page.wait_for_function(f"(before) => JSON.stringify(({TICKS})()) !== "
                               "JSON.stringify(before)", arg=before)
        settle(page)
        after = _ticks(page)
        assert after != before
        assert f"from={first.key}" in page.url
        screenshot(page, "kpis_trend_fa")

        # The data behind the chart: every month of the range, in Persian headers.
        with page.expect_download() as download:
            page.get_by_role("button", name="دریافت داده (CSV)").click()
        text = download.value.path().read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == MONTHS and rows[0]["کد دوره"] == first.key
        # Every month of the range has its value: the KPI's own, not another's.
        assert all(row["مقدار"] != "" for row in rows), rows
        assert f"kpi={kpi_code}" in page.url

        # The URL alone reproduces the view in a new page.
        shared = context.new_page()
        shared.set_default_timeout(60_000)  # a new session signs in from its cookie first
        shared.goto(page.url)
        _chart(shared)
        assert _ticks(shared) == after
        assert f"from={first.key}" in shared.url
        shown = shared.evaluate("() => [...document.querySelectorAll("
                                "'.st-key-kpi_filters [role=\"combobox\"], "
                                ".st-key-kpi_filters [data-baseweb=\"select\"]')]"
                                ".map((e) => e.innerText || e.value || '').join(' ')")
        assert jalali_month_name(first.number, "fa") in shown, shown
    except Exception:
        screenshot(page, "FAILED-kpis-trend")
        screenshot(shared, "FAILED-kpis-trend-shared")
        raise
    finally:
        context.close()


# The status map's room on a phone: its cells' width against the KPI names' and the
# statuses' colour bar's, and the monthly/quarterly switch inside its row (a button
# past the row's edge is cut off).
MAP_ON_A_PHONE = """() => {
  const chart = document.querySelector('.js-plotly-plot');
  const ticks = chart ? [...chart.querySelectorAll('.ytick text')] : [];
  const row = document.querySelector('.st-key-kpi_freq [data-testid="stButtonGroup"] > div');
  if (!ticks.length || !row) return null;
  const names = ticks.map((t) => t.getBoundingClientRect());
  const frame = row.getBoundingClientRect();
  const box = chart.getBoundingClientRect();
  const cells = chart.querySelector('.nsewdrag').getBoundingClientRect();
  const statuses = chart.querySelector('.colorbar').getBoundingClientRect();
  return {
    chart: box.width,
    cells: cells.width,
    statuses: [statuses.width, statuses.top >= cells.bottom, statuses.left >= box.left],
    names: Math.max(...names.map((r) => r.right)) - Math.min(...names.map((r) => r.left)),
    cut: [...row.querySelectorAll('button')].filter((b) => {
      const box = b.getBoundingClientRect();
      return box.left < frame.left - 0.5 || box.right > frame.right + 0.5;
    }).map((b) => b.innerText),
    scrolls: row.scrollWidth > row.clientWidth,
  };
}"""


def test_kpi_views_fit_a_phone_in_persian(phone, live_app, kpi_code):  # noqa: F811
    _phone_login(phone, live_app, "manager")
    for view in ("cards", f"trend&kpi={kpi_code}", f"compare&kpi={kpi_code}", "heatmap"):
        _open(phone, f"{live_app.url}/kpis?view={view}")
        _assert_usable(phone, f"/kpis {view}")
        _screenshot(phone, f"manager_kpis_{view.split('&')[0]}")
    # The status map (the last view): the KPI names took most of the width, and the
    # switch's first button was cut at the right edge.
    phone.wait_for_function(f"() => ({MAP_ON_A_PHONE})() !== null")
    seen = phone.evaluate(MAP_ON_A_PHONE)
    assert seen["cells"] >= 0.5 * seen["chart"], seen
    assert seen["names"] <= 0.35 * seen["chart"], seen
    width, below, inside = seen["statuses"]  # the statuses' colour bar, under the cells
    assert width >= 0.5 * seen["chart"] and below and inside, seen
    assert seen["cut"] == [] and not seen["scrolls"], seen



TOOLBAR = (f"() => [...document.querySelectorAll('{CHART} .modebar-btn')]"
           ".map((b) => [b.getAttribute('data-title'), b.getAttribute('aria-label')])")


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_the_chart_toolbar_speaks_the_readers_language(browser, live_app, kpi_code, locale):
    """Plotly's toolbar tooltips ("Download plot as a PNG", "Zoom", "Reset axes"…) and
    Streamlit's "Fullscreen" were English on a Persian page."""
    expected = {key: translate(f"charts.{key}", locale) for key in (
        "plotly.download_png", "plotly.zoom", "plotly.pan", "plotly.reset_axes",
        "fullscreen")}
    context = browser.new_context(viewport={"width": 1366, "height": 1000},
                                  locale="fa-IR" if locale == "fa" else "en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        login(page, live_app, "manager", locale=locale)
        page.goto(f"{live_app.url}/kpis?view=trend&kpi={kpi_code}")
        _chart(page)
        page.locator(CHART).first.hover()  # the toolbar shows while the pointer is on it
        reset = page.locator(f"{CHART} .modebar-btn[data-attr='zoom'][data-val='reset']")
        reset.hover()
        try:  # Streamlit's own button is renamed by the document script, a moment later
            page.wait_for_function(f"(name) => ({TOOLBAR})().some(([t]) => t === name)",
                                   arg=expected["fullscreen"], timeout=10_000)
        except Exception:  # noqa: BLE001 - the assertions below report what was seen
            pass
        hovered = reset.get_attribute("data-title")
        titles = page.evaluate(TOOLBAR)
        screenshot(page, f"kpis_toolbar_{locale}")
    finally:
        context.close()
    assert hovered == expected["plotly.reset_axes"]
    assert titles and all(title == label for title, label in titles), titles
    shown = [title for title, _ in titles]
    assert set(expected.values()) <= set(shown), shown
    if locale == "fa":
        assert not any(re.search("[A-Za-z]", title) for title in shown), shown
