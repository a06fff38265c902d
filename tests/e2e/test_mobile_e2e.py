"""Every page on a 390×844 phone in Persian, as a person holding one sees it: no
sideways scroll, nothing of the collapsed sidebar over the page, <html lang dir>
in Persian, rating scales on one row, and the sidebar out of the way after a tap."""

from __future__ import annotations

import json

import pytest

from dashboard.i18n import translate
from dashboard.navigation import pages_for
from data_access.demo import DEMO_PASSWORD
from tests.e2e.audit import axe_violations, latin_text
from tests.e2e.conftest import ARTIFACTS, LABELS, login, reset_saved_locale, settle

PHONE = {"width": 390, "height": 844}
SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'

# What a person would see, read from the page in one go: sideways overflow, the
# language and direction, exceptions, and every visible piece of the sidebar that
# lies over the main column.
LAYOUT = """() => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const covering = [sidebar, ...sidebar.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    if (getComputedStyle(el).visibility !== "visible") return false;
    const width = Math.min(box.right, main.right) - Math.max(box.left, main.left);
    const height = Math.min(box.bottom, main.bottom) - Math.max(box.top, main.top);
    return width > 0 && height > 0;
  }).map((el) => (el.getAttribute("data-testid") || el.tagName) + ": "
                 + (el.innerText || "").trim().slice(0, 30));
  const overlap = (a, b) => Math.min(a.right, b.right) > Math.max(a.left, b.left)
    && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
  const headingText = '[data-testid="stMain"] :is(h1, h2, h3) [data-heading-text]';
  const headings = [...document.querySelectorAll(headingText)]
    .map((el) => el.getBoundingClientRect());
  const toolbars = [...document.querySelectorAll('[data-testid="stElementToolbar"]')]
    .filter((el) => getComputedStyle(el).visibility === "visible"
                    && getComputedStyle(el).opacity !== "0")
    .map((el) => el.getBoundingClientRect()).filter((box) => box.width > 0);
  return {
    hiddenHeadings: headings.filter((h) => toolbars.some((box) => overlap(h, box))).length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    collapsed: sidebar.getAttribute("data-collapsed"),
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    skip: document.querySelector('[data-testid="stSkipToContent"]')?.textContent,
    anchors: [...new Set([...document.querySelectorAll('[data-testid="stHeaderActionElements"] a')]
      .map((a) => a.getAttribute("aria-label")))],
    covering: covering.slice(0, 5),
  };
}"""


@pytest.fixture
def phone(browser, request):
    """A fresh phone-sized, touch browser context in Persian."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="fa-IR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    if getattr(request.node, "e2e_failed", False):
        try:
            _screenshot(page, f"FAILED-{request.node.name}")
        except Exception:  # noqa: BLE001 - the failure itself is what gets reported
            pass
    context.close()


def _screenshot(page, name: str) -> None:
    """What fits on the phone's screen, and the whole page (the main column scrolls
    inside itself, so the window is made as tall as the page for the second shot)."""
    folder = ARTIFACTS / "mobile"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    if height > PHONE["height"]:
        page.set_viewport_size({"width": PHONE["width"], "height": min(height, 6000)})
        settle(page, 300)
        page.screenshot(path=str(folder / f"{name}_full.png"))
        page.set_viewport_size(PHONE)
        settle(page, 300)


def _open(page, url: str) -> None:
    """Load a page and wait until Streamlit has drawn it. The collapsed sidebar is
    hidden on a phone, so its page list is waited for as present, not visible."""
    page.goto(url)
    page.locator(NAV).wait_for(state="attached")
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    settle(page)


def _layout(page) -> dict:
    return page.evaluate(LAYOUT)


USABLE = f"""() => {{
  const seen = ({LAYOUT})();
  return seen.dir === "rtl" && seen.exceptions === 0 && seen.scrollWidth <= seen.innerWidth
    && seen.collapsed === "true" && seen.covering.length === 0 && seen.hiddenHeadings === 0;
}}"""


def _assert_usable(page, where: str) -> None:
    # The direction comes from a script in the page, and charts and tables settle
    # after the script run ends: wait (bounded) for a usable page, then look.
    try:
        page.wait_for_function(USABLE, timeout=15_000)
    except Exception:  # noqa: BLE001 - the assertions below report what was seen
        pass
    seen = _layout(page)
    assert seen["exceptions"] == 0, where
    assert seen["scrollWidth"] <= seen["innerWidth"], (where, seen)
    assert seen["collapsed"] == "true", (where, seen)
    assert seen["covering"] == [], (where, seen)
    assert seen["hiddenHeadings"] == 0, (where, seen)  # under a table's toolbar
    assert (seen["lang"], seen["dir"]) == ("fa", "rtl"), (where, seen)
    # Streamlit's own accessibility labels are in Persian too.
    assert seen["skip"] == translate("a11y.skip_to_content", "fa"), (where, seen)
    assert seen["anchors"] in ([], [translate("a11y.link_to_heading", "fa")]), (where, seen)


def _phone_login(page, live_app, username: str) -> None:
    reset_saved_locale(live_app, username)
    page.goto(live_app.url)
    labels = LABELS["fa"]
    page.get_by_role("textbox", name=labels["username"]).wait_for()
    settle(page, 300)
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    sign_in = page.evaluate("""() => [document.documentElement.scrollWidth <= innerWidth,
                                      document.documentElement.lang]""")
    assert sign_in == [True, "fa"]  # the sign-in page too
    page.get_by_role("textbox", name=labels["username"]).fill(username)
    page.get_by_role("textbox", name=labels["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=labels["submit"], exact=True).click()
    page.locator(NAV).wait_for(state="attached")
    # The sign-in cookie is written by a component in the browser a moment later.
    for _ in range(50):
        if any(c["name"] == "peyvand_auth" for c in page.context.cookies()):
            break
        page.wait_for_timeout(100)
    settle(page)


@pytest.mark.parametrize("username", ["employee", "manager", "pr", "admin"])
def test_every_page_is_usable_on_a_phone_in_persian(phone, live_app, username):
    """Usable, accessible (no serious axe-core violation) and all Persian: no Latin
    letters or digits outside the allow-list in tests/e2e/audit.py."""
    _phone_login(phone, live_app, username)
    problems = {}
    for spec in pages_for(username):
        _open(phone, f"{live_app.url}/{spec.url}")
        _assert_usable(phone, f"{username} /{spec.url}")
        _screenshot(phone, f"{username}_{spec.url or 'home'}")
        violations = axe_violations(phone)
        if violations:
            problems[f"/{spec.url} axe"] = violations
        latin = latin_text(phone, [username])
        if latin:
            problems[f"/{spec.url} latin"] = latin
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_sidebar_closes_after_a_page_link_is_tapped(phone, live_app):
    _phone_login(phone, live_app, "employee")
    _open(phone, live_app.url)
    phone.locator('[data-testid="stExpandSidebarButton"]').tap()
    phone.wait_for_function(
        f"() => document.querySelector('{SIDEBAR}').getAttribute('data-collapsed') === 'false'")
    settle(phone, 400)
    sidebar = phone.locator(SIDEBAR)
    # The page list is headed by the app's name; the sidebar does not repeat it.
    assert sidebar.get_by_text("پیوند", exact=True).count() == 1
    # The sidebar sits on the right: its arrows point right (close) and left (open).
    mirrored = ("() => getComputedStyle(document.querySelector("
                "'[data-testid=\"stSidebarCollapseButton\"] [data-testid=\"stIconMaterial\"]'"
                ")).transform")
    assert phone.evaluate(mirrored).startswith("matrix(-1")
    _screenshot(phone, "sidebar_open")
    phone.locator(NAV).get_by_text("نظرسنجی‌ها", exact=True).tap()
    phone.get_by_role("heading", name="نظرسنجی‌های باز برای شما").wait_for()
    try:
        phone.wait_for_function(
            f"() => document.querySelector('{SIDEBAR}').getAttribute('data-collapsed') === 'true'",
            timeout=10_000)
    except Exception:  # noqa: BLE001 - the assertion below reports what was seen
        pass
    settle(phone)
    _assert_usable(phone, "after tapping a page link")
    _screenshot(phone, "after_navigation")


def test_rating_scales_stay_on_one_row_on_a_phone(phone, live_app):
    _phone_login(phone, live_app, "employee")
    _open(phone, f"{live_app.url}/surveys")
    phone.get_by_role("button", name="پاسخ می‌دهم").first.tap()
    phone.get_by_text("پیش از پاسخ دادن بدانید").wait_for()
    settle(phone)
    _assert_usable(phone, "survey form")
    # "Back to the list" points the reading direction, like the news page's: → in Persian.
    back = phone.get_by_role("button", name="بازگشت به فهرست")
    assert "arrow_forward" in back.inner_text()
    assert latin_text(phone, ["employee"]) == []
    assert axe_violations(phone) == []
    scales = phone.evaluate("""() => [...document.querySelectorAll('[data-testid="stRadio"]')]
      .map((radio) => [...radio.querySelectorAll('[data-testid="stRadioOption"]')]
        .map((option) => option.getBoundingClientRect()).map((box) => [box.top, box.bottom]))
      .filter((boxes) => boxes.length === 5 || boxes.length === 11)""")
    assert {len(boxes) for boxes in scales} == {5, 11}
    for boxes in scales:  # one row: every option shares some height with every other
        assert max(top for top, _ in boxes) < min(bottom for _, bottom in boxes), boxes
    _screenshot(phone, "survey_form")


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_desktop_keeps_its_open_sidebar_and_takes_the_language(page, live_app, locale):
    """The phone rules leave a desktop alone: the sidebar stays open beside the page.
    <html lang dir> follow the language there too."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, live_app, "manager", locale=locale)
    expected = ("fa", "rtl") if locale == "fa" else ("en", "ltr")
    page.wait_for_function(f"() => document.documentElement.dir === '{expected[1]}'")
    settle(page)
    seen = _layout(page)
    assert (seen["lang"], seen["dir"]) == expected
    assert seen["collapsed"] == "false"
    assert seen["scrollWidth"] <= seen["innerWidth"]
    assert seen["skip"] == translate("a11y.skip_to_content", locale)
    folder = ARTIFACTS / "mobile"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"desktop_home_{locale}.png"))


def test_a_persian_table_wider_than_the_phone_opens_at_its_first_column(phone, live_app):
    """In Persian a table's first (identifying) column is its rightmost; Streamlit's grid
    opened at its left edge, so on a phone the usernames were off-screen."""
    _phone_login(phone, live_app, "admin")
    _open(phone, f"{live_app.url}/admin")
    grid = phone.locator('[data-testid="stDataFrame"] .dvn-scroller').first
    grid.wait_for(state="attached")
    script = "g => [g.scrollLeft + g.clientWidth, g.scrollWidth, g.clientWidth]"
    phone.wait_for_function(
        "() => { const g = document.querySelector('[data-testid=\"stDataFrame\"] .dvn-scroller');"
        " return g && g.dataset.peyvandStart === 'right'; }", timeout=15_000)
    seen_right, width, shown = grid.evaluate(script)
    assert width > shown  # wider than the phone: the case that matters
    assert seen_right >= width - 2
    # The table's toolbar, always shown on a touch screen, covered the end of the line
    # above the table ("... ردیف او را در جدول انتخ").
    toolbar, above = phone.evaluate("""() => {
      const frame = document.querySelector('[data-testid="stDataFrame"]');
      const box = (el) => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
      return [box(frame.querySelector('[data-testid="stElementToolbar"]')),
              box(frame.closest('.stElementContainer').previousElementSibling)];
    }""")
    assert toolbar[0] >= above[1] - 1, (toolbar, above)
    _screenshot(phone, "admin_users_table")


def test_urgent_notices_are_one_bar_then_one_line_each_on_a_phone(phone, live_app):
    """Two urgent notices took the whole first phone screen; acknowledging from the
    banner said nothing."""
    from data_access import db, news, users

    with db.session_scope(live_app.engine()) as session:
        pr = users.active_actor(session, "pr")
        # Two of its own: earlier tests may have acknowledged the demo's urgent notice.
        first, second = (news.publish(session, pr, news.AnnouncementInput(
            title=title, body="متن", ack_required=True,
            category_id=news.category_id(session, "urgent"), priority="urgent")).id
            for title in ("تعطیلی پارکینگ شمالی", "قطعی آب ساختمان مرکزی"))
    assert first != second
    _phone_login(phone, live_app, "employee")
    _open(phone, live_app.url)
    bar = phone.locator(".st-key-urgent_banners")
    bar.wait_for()
    assert bar.bounding_box()["height"] < 70  # one bar with the count, not two blocks
    _screenshot(phone, "urgent_bar_closed")
    bar.locator("summary").tap()
    line = phone.locator(f".st-key-urgent_banner_{second}")
    line.wait_for()
    settle(phone, 400)
    heights = phone.evaluate("""() => [
      ...document.querySelectorAll('[class*="st-key-urgent_banner_"]')]
      .map((el) => Math.round(el.getBoundingClientRect().height))""")
    _screenshot(phone, "urgent_bar_open")
    # Each notice: its title on up to two lines, the buttons under it (a one-line bar
    # clipped the title to three words; the old blocks were 360 px).
    assert heights and max(heights) < 140, heights
    clipped = phone.evaluate("""() => [...document.querySelectorAll(
      '[class*="st-key-urgent_banner_"] [data-testid="stPageLink-NavLink"] p')]
      .filter((p) => p.offsetParent !== null)
      .map((p) => p.scrollHeight > p.clientHeight + 1 || p.scrollWidth > p.clientWidth + 1)""")
    assert clipped and not any(clipped), clipped  # the whole title is readable
    _assert_usable(phone, "urgent banners")
    line.get_by_role("button", name="خواندم").tap()
    phone.get_by_text("تأیید مطالعه ثبت شد. سپاسگزاریم.").wait_for()
    settle(phone)
    assert line.count() == 0
    _screenshot(phone, "urgent_acknowledged")
