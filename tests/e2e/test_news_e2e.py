"""Internal news in Chromium: an urgent notice from composer to acknowledgement,
audience targeting, bad uploads, and markup that must stay text."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import jdatetime
import pytest
from PIL import Image
from sqlalchemy import select, update

from data_access import db
from data_access.models import Department, User
from data_access.models.news import Announcement, AnnouncementReceipt
from tests.conftest import TEST_PASSWORD, make_user
from tests.e2e.conftest import direction, goto, login, screenshot, settle

pytestmark = pytest.mark.e2e
XSS_TITLE = "<script>alert(1)</script> خبر آزمایشی"
XSS_BODY = "متن با <img src=x onerror=alert(1)> و <script>alert(2)</script> در میان."
XSS_COMMENT = "<img src=x onerror=alert(3)> نظر"


@pytest.fixture(scope="module", autouse=True)
def persian_accounts(live_app):
    """The demo accounts used here read Persian, whatever other tests chose for them."""
    with db.session_scope(live_app.engine()) as session:
        session.execute(update(User).where(User.username.in_(["pr", "employee"]))
                        .values(locale="fa"))


def _user(live_app, department_name: str, role: str = "employee") -> str:
    username = f"e2e{uuid.uuid4().hex[:8]}"
    with db.session_scope(live_app.engine()) as session:
        department = session.scalar(select(Department.id).where(
            Department.name == department_name))
        make_user(session, username, department, role, display_name="همکار آزمایشی")
    return username


@contextmanager
def signed_in(browser, live_app, username: str, locale: str = "fa",
              password: str | None = None) -> Iterator:
    """A separate browser context per person; alert() dialogs are recorded, not accepted."""
    context = browser.new_context(viewport={"width": 1366, "height": 2000}, locale="fa-IR")
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(20_000)
    try:
        kwargs = {"password": password} if password else {}
        login(page, live_app, username, locale=locale, **kwargs)
        yield page
    finally:
        context.close()


def _open_news(page, live_app, view: str | None = None) -> None:
    goto(page, live_app, "announcements")
    page.get_by_role("heading", name="اخبار و اطلاعیه‌ها").first.wait_for()
    if view:
        page.get_by_role("radio", name=view).click()
        settle(page, 1200)


def _compose(page, title: str, body: str) -> None:
    page.get_by_role("textbox", name="عنوان").fill(title)
    editor = page.get_by_role("textbox", name="متن خبر")
    editor.fill(body)
    editor.blur()
    settle(page)


def _item_id(live_app, title: str) -> int | None:
    with db.session_scope(live_app.engine()) as session:
        return session.scalar(select(Announcement.id).where(Announcement.title == title))


def _snap(page, name: str) -> None:
    settle(page, 1500)  # let the rerun finish, so no faded leftovers are captured
    screenshot(page, name)


def test_urgent_notice_reaches_its_audience_and_is_acknowledged(browser, live_app, tmp_path):
    title = f"قطعی برق ساختمان ترافیک {uuid.uuid4().hex[:4]}"
    cover = tmp_path / "cover.png"
    Image.new("RGB", (640, 240), (181, 113, 74)).save(cover)

    with signed_in(browser, live_app, "pr") as page:
        _open_news(page, live_app, "نوشتن خبر")
        _compose(page, title, "برق ساختمان **حمل‌ونقل و ترافیک** امروز از ساعت ۱۰ قطع است.")
        page.locator(".st-key-news_uploads input[type=file]").first.set_input_files(str(cover))
        settle(page, 1200)
        audience = page.locator('[data-testid="stMultiSelect"]').filter(has_text="مخاطبان")
        audience.locator("input").fill("حمل")
        page.get_by_role("option", name="حمل‌ونقل و ترافیک", exact=True).click()
        page.keyboard.press("Escape")
        page.get_by_role("radio", name="فوری").click()
        page.get_by_text("تأیید مطالعه لازم است").click()
        settle(page)
        assert direction(page, "rtl") == "rtl"
        _snap(page, "news_compose_urgent_fa")
        page.get_by_role("button", name="انتشار", exact=True).click()
        page.get_by_text(f"«{title}» منتشر شد.").wait_for()
        assert page.dialogs == []
    item_id = _item_id(live_app, title)
    assert item_id is not None

    with signed_in(browser, live_app, "employee") as page:
        banner = page.locator(f".st-key-urgent_banner_{item_id}")
        several = page.locator(".st-key-urgent_banners summary")
        settle(page)
        if several.count():  # the demo's own urgent notice too: one bar, opened on a tap
            several.first.click()
        link = banner.get_by_role("link", name=title)
        link.wait_for()
        assert banner.bounding_box()["height"] < 90  # one line, not a ~360 px block
        _snap(page, "news_banner_employee_fa")
        link.click()
        page.get_by_role("heading", name=title).wait_for()
        page.locator('[data-testid="stImage"] img').first.wait_for()
        assert page.get_by_text("مطالعه این اطلاعیه باید تأیید شود.").is_visible()
        _snap(page, "news_detail_employee_fa")
        page.locator(".st-key-news_body").get_by_text("حمل‌ونقل و ترافیک").wait_for()
        page.get_by_role("button", name="این اطلاعیه را خواندم").last.click()
        page.get_by_text("مطالعه این اطلاعیه را در").wait_for()
        assert banner.count() == 0
        _snap(page, "news_acknowledged_employee_fa")
    with db.session_scope(live_app.engine()) as session:
        receipt = session.scalars(select(AnnouncementReceipt).join(
            User, User.id == AnnouncementReceipt.user_id).where(
            User.username == "employee", AnnouncementReceipt.announcement_id == item_id)).one()
        assert receipt.acknowledged_at is not None and receipt.read_at is not None

    outsider = _user(live_app, "امور مالی")
    with signed_in(browser, live_app, outsider, password=TEST_PASSWORD) as page:
        page.get_by_role("heading", name="اخبار و اطلاعیه‌ها").first.wait_for()
        settle(page)
        assert page.get_by_text(title).count() == 0
        _open_news(page, live_app)
        assert page.get_by_text(title).count() == 0
        _snap(page, "news_outside_audience_fa")

    with signed_in(browser, live_app, "pr") as page:
        _open_news(page, live_app, "گستره دسترسی")
        page.locator('[data-testid="stSelectbox"]').filter(has_text="خبر").first.click()
        page.get_by_role("option", name=title).click()
        page.get_by_text("هنوز تأیید نکرده‌اند").wait_for()
        page.locator(".js-plotly-plot").first.wait_for()
        settle(page, 1500)
        assert page.locator('[data-testid="stMetricValue"]').nth(2).inner_text() == "۱"
        _snap(page, "news_reach_fa")


def test_markup_in_title_body_and_comment_stays_text(browser, live_app):
    with signed_in(browser, live_app, "pr") as page:
        _open_news(page, live_app, "نوشتن خبر")
        _compose(page, XSS_TITLE, XSS_BODY)
        page.get_by_role("button", name="انتشار", exact=True).click()
        page.get_by_text("منتشر شد.").wait_for()
        assert page.dialogs == []
    item_id = _item_id(live_app, XSS_TITLE)
    assert item_id is not None

    with signed_in(browser, live_app, "employee") as page:
        _open_news(page, live_app)
        page.get_by_text(XSS_TITLE).first.wait_for()  # the card's title, as typed
        goto(page, live_app, f"announcements?item={item_id}")
        page.get_by_role("heading", name=XSS_TITLE).wait_for()
        page.get_by_role("textbox", name="نظر شما").fill(XSS_COMMENT)
        page.get_by_role("button", name="ارسال نظر").click()
        page.get_by_text("نظر شما ثبت شد.").wait_for()
        page.get_by_text(XSS_COMMENT).wait_for()
        settle(page, 1500)  # time for any injected handler to fire
        body = page.locator(".st-key-news_body").inner_text()
        assert "<img src=x onerror=alert(1)>" in body and "<script>alert(2)</script>" in body
        assert page.locator('img[src="x"]').count() == 0
        assert not page.evaluate(
            "() => [...document.scripts].some(s => s.textContent.includes('alert('))")
        assert page.dialogs == []
        _snap(page, "news_markup_as_text_fa")


def test_a_file_pretending_to_be_a_png_is_refused(browser, live_app, tmp_path):
    fake = tmp_path / "cover.png"
    fake.write_bytes(b"this is plain text pretending to be an image")
    title = f"خبر با تصویر جعلی {uuid.uuid4().hex[:4]}"
    with signed_in(browser, live_app, "pr") as page:
        _open_news(page, live_app, "نوشتن خبر")
        _compose(page, title, "متن")
        page.locator(".st-key-news_uploads input[type=file]").first.set_input_files(str(fake))
        settle(page, 1200)
        page.get_by_role("button", name="انتشار", exact=True).click()
        page.get_by_text("تصویر شاخص باید یک فایل سالم PNG، JPEG یا WebP باشد.").wait_for()
        _snap(page, "news_fake_png_fa")
    assert _item_id(live_app, title) is None


def test_feed_events_and_reach_in_english(browser, live_app):
    reader = _user(live_app, "روابط عمومی", role="pr")
    with signed_in(browser, live_app, reader, locale="en", password=TEST_PASSWORD) as page:
        goto(page, live_app, "announcements")
        page.get_by_role("heading", name="News", exact=True).wait_for()
        assert direction(page, "ltr") == "ltr"
        _snap(page, "news_feed_en")
        page.get_by_role("radio", name="Events and occasions").click()
        settle(page, 1200)
        _snap(page, "news_events_en")
        page.get_by_role("radio", name="Reach").click()
        page.locator(".js-plotly-plot").first.wait_for()
        settle(page, 1500)
        _snap(page, "news_reach_en")
        assert page.dialogs == []


def test_feed_and_events_in_persian(browser, live_app):
    with signed_in(browser, live_app, "employee") as page:
        _open_news(page, live_app)
        page.get_by_role("button", name="ادامه مطلب").first.wait_for()
        _snap(page, "news_feed_fa")
        page.get_by_role("radio", name="رویدادها و مناسبت‌ها").click()
        settle(page, 1200)
        _snap(page, "news_events_fa")
        assert page.get_by_text("۱۴۰۵").count() + page.get_by_text("۱۴۰۶").count() > 0


def test_images_in_a_body_are_not_fetched_from_outside(browser, live_app):
    """Finding 11: opening an item must not tell an outside host who read it."""
    from data_access import news, users

    tracker = "http://tracker.invalid/p.png"
    title = f"خبر با تصویر بیرونی {uuid.uuid4().hex[:4]}"
    body = (f"تصویر ![x]({tracker}) و ![a][r] و [![y]({tracker}?n)](https://example.org)"
            f"\n\n[r]: {tracker}?ref\n\n<img src=\"{tracker}?html\">")
    with db.session_scope(live_app.engine()) as session:
        saved = news.publish(session, users.active_actor(session, "pr"), news.AnnouncementInput(
            title=title, body=body, category_id=news.category_id(session, "news")))
    with signed_in(browser, live_app, "employee") as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        goto(page, live_app, f"announcements?item={saved.id}")
        page.get_by_role("heading", name=title).wait_for()
        page.locator(".st-key-news_body").get_by_text("تصویر").first.wait_for()
        settle(page, 1500)
        assert page.locator(".st-key-news_body img").count() == 0
        assert [url for url in requested if "tracker.invalid" in url] == []
        _snap(page, "news_outside_images_fa")
    with db.session_scope(live_app.engine()) as session:  # keep the feed tidy for others
        news.archive(session, users.active_actor(session, "pr"), saved.id,
                     session.get(Announcement, saved.id).version)


def test_picking_a_row_in_manage_acts_on_it_and_the_preview_follows_the_text(browser,
                                                                             live_app):
    """A row found in the manage table had to be picked again in a dropdown; the body's
    preview changed only on blur."""
    with signed_in(browser, live_app, "pr") as page:
        _open_news(page, live_app, "مدیریت اخبار")
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for()
        settle(page)
        assert page.get_by_text("برای کار با یک خبر، ردیف آن را در جدول انتخاب کنید.").count()
        box = grid.bounding_box()
        # The row-picking boxes are the grid's first column on the left; rows are 35 px
        # under a 35 px header.
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
        settle(page)
        page.get_by_role("button", name="ویرایش").click()
        settle(page, 1200)
        title = page.get_by_role("textbox", name="عنوان").input_value()
        assert title  # the picked item is in the composer
        editor = page.get_by_role("textbox", name="متن خبر")
        editor.fill("متن **تازه** برای پیش‌نمایش")
        page.get_by_role("tab", name="پیش‌نمایش").click()
        page.locator(".st-key-news_preview strong").get_by_text("تازه").wait_for()
        screenshot(page, "news_manage_pick_and_preview_fa")


def test_publish_time_is_one_date_field_and_one_time_field_on_a_phone(browser, live_app):
    """Issue 10: five dropdowns for one Jalali date-time. At 390 px in Persian: type the date
    (Latin digits and '-' are fine), see the weekday and the Gregorian date, and a date the
    calendar lacks is refused with nothing written."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="fa-IR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        from tests.e2e.test_mobile_e2e import _open, _phone_login  # the sidebar is hidden

        _phone_login(page, live_app, "pr")
        _open(page, f"{live_app.url}/announcements")
        page.get_by_role("radio", name="نوشتن خبر").click()
        settle(page, 1200)
        title = f"زمان انتشار {uuid.uuid4().hex[:6]}"
        _compose(page, title, "متن")
        year = next(y for y in range(jdatetime.date.today().year + 1, 1500)
                    if not jdatetime.date(y, 1, 1).isleap())
        date_field = page.get_by_role("textbox", name="تاریخ (سال/ماه/روز)").first
        time_field = page.get_by_role("textbox", name="ساعت (ساعت:دقیقه)").first
        assert page.locator('[data-testid="stSelectbox"]').count() <= 3  # category, not 5 more
        date_field.fill(f"{year}-1-15")
        time_field.fill("۰۹:۳۰")
        time_field.press("Enter")
        settle(page)
        page.get_by_text("میلادی:").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        box = date_field.bounding_box()
        assert box and box["width"] >= 150  # the whole '۱۴۰۶/۰۱/۱۵' fits on a phone
        screenshot(page, "news-publish-time-phone-fa")
        date_field.fill(f"{year}/12/30")
        date_field.press("Enter")
        settle(page)
        page.get_by_text("در تقویم وجود ندارد").first.wait_for()
        page.get_by_role("button", name="زمان‌بندی انتشار").click()
        settle(page)
        page.get_by_text("چیزی ذخیره نشد").first.wait_for()
        screenshot(page, "news-publish-time-refused-phone-fa")
        with db.session_scope(live_app.engine()) as session:
            assert session.scalar(select(Announcement.id).where(
                Announcement.title == title)) is None
    finally:
        context.close()


# A Persian body with what made it "look broken" right to left: a heading, numbered and
# bulleted lists (one nested), a quotation, a code block, inline code, Latin words and a
# long address that must wrap on a phone.
RICH_BODY = (
    "## برنامه راه‌اندازی Peyvand\n\n"
    "مراحل کار برای همه همکاران:\n\n"
    "1. ورود به سامانه با نام کاربری\n"
    "2. انتخاب گزینه Excel از منوی گزارش‌ها\n"
    "   - خروجی ماهانه\n"
    "   - خروجی سالانه\n"
    "3. ذخیره پرونده\n\n"
    "- پرسش‌ها را با `support-desk` در میان بگذارید\n"
    "- راهنما در [صفحه راهنما](https://example.org/help) است\n\n"
    "> مشارکت همه همکاران مایه دلگرمی ماست.\n\n"
    "```\nSELECT name FROM users WHERE active = 1;\n```\n\n"
    "نشانی کامل: https://example.org/peyvand/help/a-very-long-path/that-must-wrap-on-a-phone"
    "-screen-instead-of-scrolling-sideways\n"
)

BODY_LAYOUT = """(selector) => {
  const root = document.querySelector(selector);
  const md = root.querySelector('[data-testid="stMarkdownContainer"]');
  const style = (el) => getComputedStyle(el);
  const card = root.getBoundingClientRect();
  const quote = md.querySelector("blockquote");
  const pre = md.querySelector("pre");
  const paragraph = md.querySelector("p");
  return {
    html: md.innerHTML.replace(/ (id|class|aria-labelledby|aria-describedby)="[^"]*"/g, ""),
    direction: style(md).direction,
    lists: [...md.querySelectorAll("ul, ol")].map((list) => ({
      tag: list.tagName, type: style(list).listStyleType,
      padding: parseFloat(style(list).paddingRight),
      font: parseFloat(style(list).fontSize),
      inside: list.getBoundingClientRect().right <= card.right + 1
        && list.getBoundingClientRect().left >= card.left - 1})),
    quote: quote && [parseFloat(style(quote).borderRightWidth),
                     parseFloat(style(quote).borderLeftWidth)],
    code: pre && [style(pre).direction, style(pre).textAlign],
    heading: parseFloat(style(md.querySelector("h2")).fontSize)
      / parseFloat(style(paragraph).fontSize),
    overflow: document.documentElement.scrollWidth - innerWidth,
  };
}"""


TITLE_ORDER = """(title) => {
  const span = [...document.querySelectorAll("[data-heading-text]")]
    .find((el) => el.textContent === title);
  if (!span) return "no heading";
  const text = span.firstChild;
  const box = (start, end) => {
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, end);
    return range.getBoundingClientRect();
  };
  const suffix = box(title.length - 4, title.length);
  const first = box(0, title.indexOf(" "));
  return suffix.right <= first.left;
}"""


def _assert_reads_right_to_left(seen: dict, locale: str = "fa") -> None:
    assert seen["direction"] == "rtl", seen
    tags = [listed["tag"] for listed in seen["lists"]]
    assert tags.count("OL") == 1 and tags.count("UL") == 2, seen
    for listed in seen["lists"]:  # room on the right for the marker, inside the card
        assert listed["padding"] >= listed["font"] and listed["inside"], seen
        if listed["tag"] == "OL":  # numbered in Persian digits in the Persian interface
            assert listed["type"] == ("persian" if locale == "fa" else "decimal"), seen
    right, left = seen["quote"]
    assert right >= 2 and left == 0, seen  # the quotation's bar on the right
    assert seen["code"] == ["ltr", "left"], seen  # code reads left to right
    assert 1.1 <= seen["heading"] <= 1.6, seen  # a heading of the body, not a page title
    assert seen["overflow"] <= 0, seen


def test_a_persian_markdown_body_reads_right_to_left_and_the_preview_matches(browser,
                                                                             live_app):
    """Issue 10: the Markdown body "looked broken" right to left. Lists' markers sit inside
    the card on the right, numbered in Persian, the quotation's bar is on the right, code
    is left to right, a heading is sized for a body; on a phone nothing scrolls sideways;
    the composer's preview is the item page's rendering; an English reader still reads
    the Persian body right to left."""
    from data_access import news, users

    title = f"راهنمای راه‌اندازی {uuid.uuid4().hex[:4]}"
    with db.session_scope(live_app.engine()) as session:
        pr = users.active_actor(session, "pr")
        item_id = news.publish(session, pr, news.AnnouncementInput(
            title=title, body=RICH_BODY, category_id=news.category_id(session, "news"))).id
    with signed_in(browser, live_app, "pr") as page:
        goto(page, live_app, f"announcements?item={item_id}")
        page.locator(".st-key-news_body blockquote").wait_for()
        item = page.evaluate(BODY_LAYOUT, ".st-key-news_body")
        _snap(page, "news_markdown_item_fa")
        _assert_reads_right_to_left(item)

        _open_news(page, live_app, "نوشتن خبر")
        page.get_by_role("textbox", name="متن خبر").fill(RICH_BODY)
        page.get_by_role("tab", name="پیش‌نمایش").click()
        page.locator(".st-key-news_preview blockquote").wait_for()
        settle(page)
        preview = page.evaluate(BODY_LAYOUT, ".st-key-news_preview")
        _snap(page, "news_markdown_preview_fa")
        _assert_reads_right_to_left(preview)
        assert preview["html"] == item["html"]  # the same renderer, the same result

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_app.url}/announcements?item={item_id}")  # the sidebar is closed
        page.locator(".st-key-news_body blockquote").wait_for()
        settle(page)
        _assert_reads_right_to_left(page.evaluate(BODY_LAYOUT, ".st-key-news_body"))
        # Headings at a phone's size: the page's title and the item's title.
        sizes = page.evaluate("""() => [...document.querySelectorAll(
          '[data-testid="stHeading"] :is(h1, h2)')]
          .map((h) => parseFloat(getComputedStyle(h).fontSize))""")
        assert sizes and max(sizes) <= 32, sizes
        _snap(page, "news_markdown_item_fa_phone")

    with signed_in(browser, live_app, "pr", locale="en") as page:
        goto(page, live_app, f"announcements?item={item_id}")
        page.locator(".st-key-news_body blockquote").wait_for()
        settle(page)
        assert direction(page) == "ltr"  # the interface is English ...
        # ... and the Persian body still reads right to left, numbered in Latin digits.
        _assert_reads_right_to_left(page.evaluate(BODY_LAYOUT, ".st-key-news_body"), "en")
        # The Persian title keeps its order: its Latin ending is drawn at its left end.
        suffix_left_of_title = page.evaluate(TITLE_ORDER, title)
        _snap(page, "news_markdown_item_en")
        assert suffix_left_of_title is True, suffix_left_of_title
        # A Persian excerpt in the English feed takes its own direction too.
        goto(page, live_app, "announcements")
        excerpt = page.locator('[data-testid="stMain"] p').filter(has_text="مراحل کار").first
        assert excerpt.evaluate("(p) => getComputedStyle(p).unicodeBidi") == "plaintext"
