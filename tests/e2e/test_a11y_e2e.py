"""Accessibility on every page for every role, on a desktop in Persian and English
(the phone in Persian is checked in test_mobile_e2e.py): no serious or critical
axe-core violation, a visible focus ring, a first Tab stop a person can see, and in
Persian no Latin letters or digits outside the allow-list."""

from __future__ import annotations

import json

import pytest

from dashboard.navigation import pages_for
from data_access.demo import DEMO_PASSWORD
from tests.e2e.audit import axe_violations, latin_text
from tests.e2e.conftest import ARTIFACTS, choose_language, goto, login, screenshot, settle

DESKTOP = {"width": 1400, "height": 1000}
USERNAMES = DEMO_ACCOUNTS = ["employee", "manager", "pr", "admin"]


def _wait_drawn(page) -> None:
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    settle(page)


@pytest.mark.parametrize("locale", ["fa", "en"])
@pytest.mark.parametrize("username", USERNAMES)
def test_every_page_passes_axe_on_a_desktop(page, live_app, username, locale):
    page.set_viewport_size(DESKTOP)
    login(page, live_app, username, locale=locale)
    problems = {}
    for spec in pages_for(username):
        goto(page, live_app, spec.url)
        _wait_drawn(page)
        where = f"{username} {locale} /{spec.url}"
        violations = axe_violations(page)
        if violations:
            problems[where] = violations
        if locale == "fa":
            latin = latin_text(page, [username])
            if latin:
                problems[f"{where} latin"] = latin
        screenshot(page, f"a11y_{username}_{spec.url or 'home'}_{locale}")
    if problems:  # the whole list, for whoever fixes them
        (ARTIFACTS / f"a11y_{username}_{locale}.json").write_text(
            json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_the_sign_in_page_passes_axe(page, live_app, locale):
    page.goto(live_app.url)
    page.get_by_role("textbox", name="نام کاربری").wait_for()
    settle(page, 300)
    if locale == "en":
        choose_language(page, "en")
    assert axe_violations(page) == []
    if locale == "fa":  # the demo hint names the demo accounts and their password
        assert latin_text(page, [*DEMO_ACCOUNTS, DEMO_PASSWORD]) == []


FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const ringed = (node) => node && getComputedStyle(node).outlineStyle !== "none"
    && parseFloat(getComputedStyle(node).outlineWidth) >= 2;
  const control = el.matches('a, button, input, textarea, select, summary, [role="tab"],'
                             + ' [role="button"], [role="combobox"]');
  const wrapper = el.closest('[data-testid="stTextInputRootElement"],'
    + ' [data-testid="stTextAreaRootElement"], [data-testid="stNumberInputContainer"], label')
    || (el.getAttribute("role") === "combobox" ? el.parentElement : null);
  return {tag: el.tagName, text: (el.innerText || el.title || "").slice(0, 30), control,
          ringed: ringed(el) || ringed(wrapper),
          visible: box.width > 0 && box.height > 0 && style.visibility === "visible"
            && el.tagName !== "IFRAME"};
}"""


@pytest.mark.parametrize("path", ["", "profile"])
def test_tab_stops_are_visible_and_ringed(page, live_app, path):
    """The first Tab stop is something a person can see (it was the cookie component's
    invisible iframe), and every focused link, button or input shows a 2 px ring."""
    page.set_viewport_size(DESKTOP)
    if path:
        login(page, live_app, "manager")
        goto(page, live_app, path)
        _wait_drawn(page)
    else:  # the sign-in page, where the cookie component lives
        page.goto(live_app.url)
        page.get_by_role("textbox", name="نام کاربری").wait_for()
        settle(page, 300)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(14):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS))
    seen = [stop for stop in stops if stop]
    assert seen and seen[0]["visible"], stops[:3]
    assert all(stop["visible"] for stop in seen), seen
    assert all(stop["ringed"] for stop in seen if stop["control"]), seen
    assert sum(stop["control"] for stop in seen) >= 5, seen  # the walk reached the page


CARD = """() => {
  const body = document.querySelector('.st-key-news_body');
  const box = body.getBoundingClientRect();
  const lists = [...body.querySelectorAll("ul, ol")].map((list) => ({
    padding: parseFloat(getComputedStyle(list).paddingRight),
    font: parseFloat(getComputedStyle(list).fontSize),
    right: list.getBoundingClientRect().right}));
  const image = document.querySelector('[data-testid="stImageContainer"]');
  const toolbar = image?.closest(".stElementContainer")
    ?.querySelector('[data-testid="stElementToolbar"]');
  const date = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .find((caption) => caption.innerText.includes("منتشرشده"));
  return {lists, right: box.right,
          toolbarTop: toolbar ? toolbar.getBoundingClientRect().top : null,
          imageTop: image ? image.getBoundingClientRect().top : null,
          dateBottom: date ? date.getBoundingClientRect().bottom : null};
}"""


def test_a_news_item_keeps_its_bullets_inside_and_its_date_uncovered(page, live_app):
    """In Persian a list's bullets sit inside the card, on the right; the picture's
    full-screen button sits on the picture, not over the publication date above it."""
    from sqlalchemy import select

    from data_access import db
    from data_access.models.news import Announcement

    with db.session_scope(live_app.engine()) as session:
        item_id = session.scalars(select(Announcement.id).where(
            Announcement.title.like("پیوند؛ سامانه%"))).one()
    page.set_viewport_size(DESKTOP)
    login(page, live_app, "employee")
    goto(page, live_app, f"announcements?item={item_id}")
    page.locator(".st-key-news_body li").first.wait_for()
    page.locator('[data-testid="stImageContainer"]').hover()
    settle(page, 300)
    seen = page.evaluate(CARD)
    screenshot(page, "a11y_news_item_fa")
    assert seen["lists"], seen
    for listed in seen["lists"]:  # room on the right for the bullet, inside the card
        assert listed["padding"] >= listed["font"], seen
        assert listed["right"] <= seen["right"] + 1, seen
    assert seen["toolbarTop"] is not None and seen["dateBottom"] is not None, seen
    assert seen["toolbarTop"] >= seen["imageTop"] - 1, seen
    assert seen["toolbarTop"] >= seen["dateBottom"], seen


def test_the_uploader_speaks_persian(page, live_app, tmp_path):
    """Streamlit's uploader says "Drag and drop", "Browse files" and "155.0B": in
    Persian the first two are hidden or replaced, and the size reads «۱۵۵ بایت»."""
    csv = tmp_path / "users.csv"
    csv.write_text("username,display_name\n", encoding="utf-8")
    page.set_viewport_size(DESKTOP)
    login(page, live_app, "admin")
    goto(page, live_app, "admin")
    page.get_by_text("ورود از CSV", exact=True).click()
    page.locator('[data-testid="stFileUploaderDropzone"]').wait_for()
    settle(page)
    uploader = '[data-testid="stFileUploader"]'  # the help above names CSV columns
    assert latin_text(page, within=uploader) == []
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    size = page.locator('[data-testid="stFileUploader"] [data-peyvand-size]').first
    size.wait_for()
    settle(page)
    shown = size.evaluate("el => getComputedStyle(el, '::after').content")
    assert shown == '"۲۲ بایت"', shown
    # The "+" beside the chosen file's chip carried Streamlit's hidden text "add icon".
    assert latin_text(page, ["users.csv"], within=uploader) == []
    labels = page.evaluate("""(uploader) => [...document.querySelectorAll(
      `${uploader} button[aria-label]`)].map((button) => button.getAttribute("aria-label"))""",
                           uploader)
    assert "افزودن پرونده" in labels and "حذف users.csv" in labels, labels
    assert page.get_by_role("button", name="افزودن پرونده").is_visible()
    screenshot(page, "a11y_uploader_fa")


def test_the_hint_under_a_text_box_speaks_persian(page, live_app):
    """Streamlit's hint under a text area read "Press Ctrl+Enter to apply • 502/20000" in
    Persian; its lines of code read right to left while being written."""
    page.set_viewport_size(DESKTOP)
    login(page, live_app, "pr")
    goto(page, live_app, "announcements")
    page.get_by_role("radio", name="نوشتن خبر").click()
    settle(page)
    editor = page.get_by_role("textbox", name="متن خبر")
    editor.fill("متن خبر\nSELECT 1;")
    box = '[data-testid="stTextArea"] [data-testid="InputInstructions"]'
    page.locator(f"{box} [data-peyvand-text]").first.wait_for(state="attached")
    shown = page.locator(f"{box} [data-peyvand-text]").evaluate_all(
        "els => els.map((el) => getComputedStyle(el, '::after').content)")
    assert shown == ['"برای اعمال، کنترل + اینتر را بزنید"', '"۱۷ از ۲۰۰۰۰"'], shown
    assert latin_text(page, within=box) == []
    assert editor.evaluate("(el) => getComputedStyle(el).unicodeBidi") == "plaintext"
    screenshot(page, "a11y_text_area_hint_fa")
