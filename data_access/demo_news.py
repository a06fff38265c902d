"""Demo internal news: believable Persian items, occasions on their Jalali dates,
an urgent notice that needs acknowledging, comments, and read history.

Deterministic from `context.rng`. Volumes per scale (items over the past year;
read history over the last `history_days`, so that scale L stays a few million
rows and seeds in minutes):

| scale | items  | read history |
|-------|--------|--------------|
| S     | ~270   | whole year   |
| M     | ~2,000 | 120 days     |
| L     | 20,000 | 30 days      |
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
from PIL import Image, ImageDraw
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access.departments import descendants
from data_access.models import Department
from data_access.models.news import (
    Announcement,
    AnnouncementAudience,
    AnnouncementComment,
    AnnouncementFile,
    AnnouncementReach,
    AnnouncementReceipt,
)
from data_access.news import ATTACHMENT_TYPES, category_id, ensure_builtin_categories
from data_access.text import search_key

TEHRAN = ZoneInfo("Asia/Tehran")
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
BATCH = 20_000


@dataclass(frozen=True)
class ScalePlan:
    items: int  # generated items over the past year (showcase and occasions come on top)
    everyone_share: float  # share addressed to everyone; the rest target departments
    history_days: int  # read/acknowledgement history covers items this recent
    comments: int


PLANS = {
    "S": ScalePlan(items=240, everyone_share=0.4, history_days=400, comments=120),
    "M": ScalePlan(items=2_000, everyone_share=0.1, history_days=120, comments=800),
    "L": ScalePlan(items=20_000, everyone_share=0.03, history_days=30, comments=4_000),
}

# --- occasions -------------------------------------------------------------------------------

# Solar (Jalali) occasions: the same date every year.
SOLAR_OCCASIONS = [
    (1, 1, "نوروز و آغاز سال نو",
     "فرارسیدن نوروز و آغاز سال نو را به همه همکاران و خانواده‌های گرامی‌شان شادباش می‌گوییم."),
    (1, 12, "روز جمهوری اسلامی",
     "به مناسبت روز جمهوری اسلامی، ادارات شهرداری تعطیل است."),
    (1, 13, "روز طبیعت",
     "روز طبیعت فرصتی برای پاسداشت محیط زیست شهر است؛ همکاران فضای سبز در بوستان‌ها "
     "میزبان شهروندان خواهند بود."),
    (2, 12, "روز معلم",
     "روز معلم را به همکارانی که در دوره‌های آموزشی شهرداری تدریس می‌کنند تبریک می‌گوییم."),
    (2, 25, "روز بزرگداشت فردوسی",
     "به پاس زبان فارسی، کتابخانه‌های عمومی شهرداری برنامه شاهنامه‌خوانی برگزار می‌کنند."),
    (4, 14, "روز قلم", "روز قلم را به همکاران نویسنده و اهالی رسانه شادباش می‌گوییم."),
    (5, 17, "روز خبرنگار",
     "روابط عمومی شهرداری روز خبرنگار را به همه اهالی رسانه و همکاران خبرنگار تبریک می‌گوید."),
    (6, 4, "روز کارمند",
     "روز کارمند بر همه همکاران تلاشگر شهرداری مبارک باد. برنامه تقدیر از کارکنان نمونه در "
     "همین هفته برگزار می‌شود."),
    (7, 7, "روز آتش‌نشانی و ایمنی",
     "روز آتش‌نشانی را به همکاران سخت‌کوش سازمان آتش‌نشانی و خدمات ایمنی تبریک می‌گوییم."),
    (7, 14, "روز ملی شهرداری‌ها و دهیاری‌ها",
     "روز ملی شهرداری‌ها و دهیاری‌ها را به همه همکاران تبریک می‌گوییم. برنامه‌های هفته "
     "شهرداری به‌زودی اعلام می‌شود."),
    (8, 13, "روز دانش‌آموز",
     "به مناسبت روز دانش‌آموز، بازدید دانش‌آموزان از ستاد مدیریت بحران شهر برگزار می‌شود."),
    (9, 30, "شب یلدا",
     "شب یلدا، بلندترین شب سال، بر همکاران و خانواده‌هایشان خوش باد."),
    (10, 5, "روز ایمنی در برابر زلزله",
     "به مناسبت روز ایمنی در برابر زلزله، مانور تخلیه اضطراری ساختمان‌های اداری برگزار "
     "می‌شود. لطفاً مسیرهای خروج اضطراری را از پیش بشناسید."),
    (10, 29, "روز هوای پاک",
     "به مناسبت روز هوای پاک، از همکاران دعوت می‌کنیم در این روز از حمل‌ونقل عمومی یا "
     "دوچرخه استفاده کنند."),
    (11, 22, "سالروز پیروزی انقلاب اسلامی",
     "به مناسبت سالروز پیروزی انقلاب اسلامی، ادارات شهرداری تعطیل است."),
    (12, 15, "روز درختکاری",
     "در روز درختکاری، همکاران می‌توانند در پویش کاشت نهال در بوستان‌های محله شرکت کنند."),
    (12, 29, "روز ملی شدن صنعت نفت",
     "به مناسبت روز ملی شدن صنعت نفت، ادارات شهرداری تعطیل است."),
]

# Lunar (Hijri) occasions move eleven days a year through the solar calendar.
LUNAR_OCCASIONS = [
    (1, 9, "تاسوعای حسینی", "تاسوعای حسینی تعطیل رسمی است."),
    (1, 10, "عاشورای حسینی", "عاشورای حسینی تعطیل رسمی است."),
    (2, 20, "اربعین حسینی", "اربعین حسینی تعطیل رسمی است."),
    (3, 17, "میلاد پیامبر اکرم (ص)",
     "فرخنده میلاد پیامبر اکرم (ص) و امام جعفر صادق (ع) را تبریک می‌گوییم."),
    (7, 13, "ولادت امام علی (ع) و روز پدر",
     "ولادت امام علی (ع) و روز پدر را به همه همکاران تبریک می‌گوییم."),
    (7, 27, "عید مبعث", "عید سعید مبعث بر همکاران مبارک باد."),
    (8, 15, "نیمه شعبان", "ولادت حضرت مهدی (عج) را تبریک می‌گوییم."),
    (10, 1, "عید سعید فطر", "عید سعید فطر بر همکاران روزه‌دار مبارک باد."),
    (12, 10, "عید سعید قربان", "عید سعید قربان را به همه همکاران تبریک می‌گوییم."),
    (12, 18, "عید سعید غدیر خم", "عید سعید غدیر خم بر همکاران مبارک باد."),
]
LUNAR_NOTE = ("تاریخ دقیق مناسبت‌های قمری بر اساس اعلام رسمی ستاد استهلال تعیین می‌شود "
              "و ممکن است یک روز جابه‌جا شود.")


def islamic_to_gregorian(year: int, month: int, day: int) -> date:
    """Tabular (arithmetical) Islamic calendar; the official Iranian date, set by
    moon sighting, can differ by a day, which the item's text says."""
    jd = (day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354
          + (3 + 11 * year) // 30 + 1948439.5 - 1)
    return date.fromordinal(int(jd - 1721424.5))


def gregorian_to_islamic_year(d: date) -> int:
    return int((d.toordinal() + 1721424.5 - 1948439.5) * 30 / 10631) + 1


def occasions_between(start: date, end: date) -> list[tuple[date, str, str, bool]]:
    """(Gregorian date, title, sentence, is_lunar) of every occasion in [start, end)."""
    found: list[tuple[date, str, str, bool]] = []
    first_year = jdatetime.date.fromgregorian(date=start).year
    for jalali_year in (first_year, first_year + 1):
        for month, day, title, sentence in SOLAR_OCCASIONS:
            when = jdatetime.date(jalali_year, month, day).togregorian()
            if start <= when < end:
                found.append((when, title, sentence, False))
    first_hijri = gregorian_to_islamic_year(start)
    for hijri_year in (first_hijri - 1, first_hijri, first_hijri + 1):
        for month, day, title, sentence in LUNAR_OCCASIONS:
            when = islamic_to_gregorian(hijri_year, month, day)
            if start <= when < end:
                found.append((when, title, sentence, True))
    return sorted(found)


# --- text ------------------------------------------------------------------------------------

PROJECTS = ["بوستان محله‌ای", "سرای محله", "کتابخانه عمومی", "پل عابر پیاده",
            "ایستگاه دوچرخه اشتراکی", "پارکینگ طبقاتی", "زمین ورزشی روباز", "گذر فرهنگی"]
CAMPAIGNS = ["پاکسازی معابر و جوی‌ها", "کاشت نهال در حاشیه بزرگراه‌ها", "جمع‌آوری پسماند خشک",
             "بهسازی پیاده‌روها", "نوسازی علائم راهنمایی", "لایروبی مسیل‌ها پیش از بارندگی"]
SYSTEMS = ["درخواست مرخصی برخط", "مکاتبات اداری جدید", "پیگیری درخواست‌های شهروندان",
           "رزرو سالن جلسات", "فیش حقوقی الکترونیکی"]
COURSES = ["ایمنی و اطفای حریق", "مهارت‌های ارتباط مؤثر", "اکسل پیشرفته", "کمک‌های اولیه",
           "مدیریت بحران در رویدادهای شهری", "نگارش مکاتبات اداری", "تکریم ارباب رجوع"]
PLACES = ["سالن همایش ساختمان مرکزی", "تالار شهر", "سالن اجتماعات منطقه", "فرهنگسرای شهر"]
SIGNATURE = "روابط عمومی شهرداری"

NEWS_TITLES = [
    "برگزاری جلسه هم‌اندیشی مدیران {dept}",
    "افتتاح {project} با حضور شهردار",
    "گزارش عملکرد {dept} در {month}",
    "تقدیر از کارکنان نمونه {dept}",
    "آغاز طرح {campaign}",
    "راه‌اندازی سامانه {system}",
    "بازدید شهردار از پروژه‌های {dept}",
    "نتایج نظرسنجی رضایت شهروندان از خدمات {dept}",
]
HR_TITLES = [
    "فراخوان ثبت‌نام دوره آموزشی {course}",
    "زمان پرداخت حقوق و مزایای {month}",
    "آغاز ثبت‌نام بیمه تکمیلی کارکنان",
    "مهلت به‌روزرسانی اطلاعات پرونده پرسنلی",
    "معرفی تسهیلات رفاهی جدید کارکنان",
    "برنامه معاینات دوره‌ای سلامت کارکنان {dept}",
]
EVENT_TITLES = [
    "مسابقات ورزشی جام کارکنان",
    "همایش {course}",
    "اردوی خانوادگی کارکنان {dept}",
    "نمایشگاه دستاوردهای {dept}",
]
CRISIS_TITLES = [
    "قطعی برنامه‌ریزی‌شده برق ساختمان {dept}",
    "هشدار بارش شدید و آماده‌باش گروه‌های خدمات شهری",
    "محدودیت تردد در محدوده ساختمان مرکزی",
]

OPENINGS = [
    "به اطلاع همکاران گرامی می‌رساند",
    "همکاران ارجمند، سلام؛",
    "با سپاس از همراهی همه همکاران،",
]
NEWS_SENTENCES = [
    "این برنامه با هدف بهبود کیفیت خدمات به شهروندان و هماهنگی بیشتر میان واحدها اجرا می‌شود.",
    "گزارش کامل این برنامه پس از جمع‌بندی در همین بخش منتشر خواهد شد.",
    "همکاران می‌توانند پیشنهادهای خود را از طریق روابط عمومی یا مدیر واحد مطرح کنند.",
    "در این جلسه درباره اولویت‌های کاری ماه‌های آینده و شیوه پیگیری مصوبات گفت‌وگو شد.",
    "این اقدام حاصل همکاری چندماهه کارشناسان شهرداری و مشارکت شهروندان است.",
    "بخش عمده این پروژه با استفاده از توان کارشناسان داخلی شهرداری انجام شده است.",
]
HR_SENTENCES = [
    "ثبت‌نام تا پایان هفته آینده از طریق واحد منابع انسانی امکان‌پذیر است.",
    "شرکت در این دوره برای همکاران تازه‌وارد الزامی و برای سایر همکاران اختیاری است.",
    "گواهی پایان دوره در پرونده آموزشی همکاران ثبت می‌شود.",
    "برای پرسش‌های بیشتر با داخلی ۲۱۴ واحد رفاه کارکنان تماس بگیرید.",
]
BULLETS = [
    "همراه داشتن کارت شناسایی کارمندی الزامی است.",
    "ظرفیت محدود است و ثبت‌نام به ترتیب انجام می‌شود.",
    "برنامه زمان‌بندی دقیق از طریق مدیران واحدها اعلام می‌شود.",
    "حضور همکاران شیفت شب با هماهنگی سرپرست انجام شود.",
    "پذیرایی مختصر پیش‌بینی شده است.",
]
COMMENTS = [
    "ممنون از اطلاع‌رسانی به‌موقع.",
    "آیا این برنامه برای همکاران مناطق هم برگزار می‌شود؟",
    "لطفاً فایل زمان‌بندی را هم بارگذاری کنید.",
    "دست همکاران خدمات شهری درد نکند.",
    "خیلی خوب است؛ امیدوارم ادامه داشته باشد.",
    "ساعت دقیق شروع برنامه چند است؟",
    "برای ثبت‌نام باید به کدام واحد مراجعه کنیم؟",
    "تبریک به همکاران نمونه.",
    "همکاران شیفت عصر هم می‌توانند شرکت کنند؟",
    "پیشنهاد می‌کنم این دوره به‌صورت مجازی هم برگزار شود.",
]
SPAM_COMMENT = "فروش فوری آپارتمان در شهرک غرب، تماس: ۰۹۱۲۰۰۰۰۰۰۰"


def _fa(value: object) -> str:
    return str(value).translate(FA_DIGITS)


def _jalali_text(d: date) -> str:
    j = jdatetime.date.fromgregorian(date=d)
    months = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر",
              "دی", "بهمن", "اسفند"]
    return f"{_fa(j.day)} {months[j.month - 1]} {_fa(j.year)}"


def _jalali_month_text(d: date) -> str:
    return _jalali_text(d).split(" ", 1)[1]


def _body(rng: random.Random, sentences: list[str], *, when: date | None = None,
          place: str | None = None) -> str:
    parts = [f"{rng.choice(OPENINGS)} {rng.choice(sentences)}",
             " ".join(rng.sample(sentences, k=2))]
    if when is not None:
        details = [f"**زمان:** {_jalali_text(when)}"]
        if place:
            details.append(f"**مکان:** {place}")
        parts.append("  \n".join(details))
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {b}" for b in rng.sample(BULLETS, k=rng.randint(2, 3))))
    parts.append(f"*{SIGNATURE}*")
    return "\n\n".join(parts)


# --- files -----------------------------------------------------------------------------------

def demo_cover(seed: int, palette: tuple[str, str]) -> bytes:
    """A small generated PNG banner (no external assets): gradient and a few circles."""
    rng = random.Random(seed)
    image = Image.new("RGB", (960, 360), palette[0])
    draw = ImageDraw.Draw(image)
    top, bottom = Image.new("RGB", (1, 1), palette[0]).getpixel((0, 0)), \
        Image.new("RGB", (1, 1), palette[1]).getpixel((0, 0))
    for y in range(360):
        mix = y / 359
        draw.line([(0, y), (960, y)], fill=tuple(int(a + (b - a) * mix)
                                                 for a, b in zip(top, bottom, strict=True)))
    for _ in range(7):
        x, y, r = rng.randint(0, 960), rng.randint(0, 360), rng.randint(30, 120)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def demo_pdf(text: str) -> bytes:
    """A minimal one-page PDF (ASCII text only: no fonts to embed)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()


# --- seeding ---------------------------------------------------------------------------------

@dataclass
class _Item:
    title: str
    body: str
    category: str
    publish_at: datetime | None
    status: str = "live"
    priority: str = "normal"
    pinned: bool = False
    ack_required: bool = False
    comments_enabled: bool = True
    audience: tuple[int, ...] = ()
    expires_at: datetime | None = None
    event_date: date | None = None
    cover: bytes | None = None
    attachment: tuple[str, bytes] | None = None
    spare_demo_accounts: bool = False  # demo accounts have not read it (to show unread/banner)


def _office_hours(rng: random.Random, day: date) -> datetime:
    """A working-hours instant in Tehran on `day` (Fridays move to Saturday)."""
    if day.weekday() == 4:  # Friday, the Iranian weekend
        day += timedelta(days=1)
    local = datetime.combine(day, time(rng.randint(8, 14), rng.choice([0, 10, 15, 30, 45])),
                             tzinfo=TEHRAN)
    return local.astimezone(UTC)


def _names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Department.id, Department.name)).tuples().all())


def seed(session: Session, context) -> None:
    rng = context.rng
    plan = PLANS.get(context.scale, PLANS["S"])
    now: datetime = context.now
    ensure_builtin_categories(session)
    category_ids = {code: category_id(session, code) for code in ("news", "event", "hr", "urgent")}
    names = _names(session)
    parent_of = context.parent_of
    roots = [d for d, p in parent_of.items() if p is None]
    branches = [d for d, p in parent_of.items() if p in roots]
    pr_id = context.accounts.get("pr") or next(iter(context.accounts.values()))
    by_name = {name: dept for dept, name in names.items()}
    traffic = by_name.get("حمل‌ونقل و ترافیک", branches[0] if branches else roots[0])

    items = _showcase(rng, now, traffic)
    items += _occasions(rng, now)
    items += _generated(rng, plan, now, context.departments, branches, names)
    ids = _insert_items(session, items, category_ids, pr_id, now)
    _insert_receipts(session, context, plan, items, ids, now)
    _insert_comments(session, context, plan, items, ids, now, pr_id)


def _showcase(rng: random.Random, now: datetime, traffic: int) -> list[_Item]:
    today = now.astimezone(TEHRAN).date()
    blue, green, amber = ("#0f6e6e", "#7fb8b0"), ("#3b6e8f", "#c9d8e4"), ("#b5714a", "#f0d9c4")
    yalda = jdatetime.date.fromgregorian(date=today)
    yalda_year = yalda.year if (yalda.month, yalda.day) <= (9, 29) else yalda.year + 1
    staff_yalda = jdatetime.date(yalda_year, 9, 29).togregorian()
    return [
        _Item(
            "اطلاعیه فوری: دورکاری کارکنان ستادی به‌دلیل آلودگی شدید هوا",
            "همکاران گرامی،\n\nبا توجه به تصمیم کارگروه اضطرار آلودگی هوا، **کارکنان ستادی** "
            "فردا به‌صورت دورکاری فعالیت می‌کنند.\n\n- واحدهای خدمات شهری، آتش‌نشانی و "
            "کنترل ترافیک طبق برنامه کشیک حاضر می‌شوند.\n- پاسخ‌گویی به تماس‌های شهروندان از "
            "طریق سامانه ۱۳۷ ادامه دارد.\n- همکاران دارای بیماری زمینه‌ای از تردد غیرضروری "
            "خودداری کنند.\n\nلطفاً پس از مطالعه، دکمه «این اطلاعیه را خواندم» را بزنید.\n\n"
            f"*{SIGNATURE}*",
            "urgent", now - timedelta(hours=5), priority="urgent", ack_required=True,
            expires_at=now + timedelta(days=3), spare_demo_accounts=True,
            cover=demo_cover(1, amber),
        ),
        _Item(
            "پیوند؛ سامانه ارتباط داخلی کارکنان شهرداری راه‌اندازی شد",
            "سامانه **پیوند** از امروز در دسترس همه همکاران است. در این سامانه می‌توانید:\n\n"
            "- اخبار و اطلاعیه‌های شهرداری را دنبال کنید؛\n- در نظرسنجی‌های کوتاه و "
            "بی‌نام شرکت کنید؛\n- مصوبات جلسات و اقدام‌های پیگیری را ببینید.\n\n"
            "پیشنهادهای خود را برای بهتر شدن پیوند با روابط عمومی در میان بگذارید.\n\n"
            f"*{SIGNATURE}*",
            "news", now - timedelta(days=20), pinned=True, cover=demo_cover(2, blue),
        ),
        _Item(
            "دستورالعمل جدید ثبت ورود و خروج با کارت هوشمند",
            "از ابتدای ماه آینده، ثبت ورود و خروج همه همکاران فقط با **کارت هوشمند** انجام "
            "می‌شود و دفترهای کاغذی جمع‌آوری خواهند شد.\n\n1. کارت خود را هنگام ورود و خروج "
            "به دستگاه نزدیک کنید.\n2. در صورت مفقود شدن کارت، فوراً به واحد منابع انسانی "
            "اطلاع دهید.\n3. مرخصی ساعتی از طریق سامانه ثبت می‌شود.\n\nمتن کامل دستورالعمل "
            f"پیوست شده است. مطالعه آن برای همه همکاران الزامی است.\n\n*{SIGNATURE}*",
            "hr", now - timedelta(days=4), priority="important", ack_required=True,
            attachment=("dastoor-amal-kart-hooshmand.pdf",
                        demo_pdf("Smart card attendance directive (demo)")),
            spare_demo_accounts=True,
        ),
        _Item(
            "طرح ویژه کنترل ترافیک ایام پایانی سال",
            "با نزدیک شدن به ایام پایانی سال، طرح ویژه کنترل ترافیک در محورهای پرتردد شهر "
            "اجرا می‌شود.\n\n- شیفت‌های تقویتی کنترل ترافیک از هفته آینده آغاز می‌شود.\n"
            "- برنامه حضور هر واحد را مدیران ابلاغ می‌کنند.\n\n"
            f"از همکاری همه همکاران حوزه حمل‌ونقل و ترافیک سپاسگزاریم.\n\n*{SIGNATURE}*",
            "news", now - timedelta(days=2), priority="important", audience=(traffic,),
            spare_demo_accounts=True,
        ),
        _Item(
            "جشن یلدا ویژه کارکنان و خانواده‌ها",
            "به مناسبت شب یلدا، جشنی با حضور همکاران و خانواده‌هایشان برگزار می‌شود.\n\n"
            f"**زمان:** {_jalali_text(staff_yalda)}، ساعت ۱۷  \n**مکان:** فرهنگسرای شهر\n\n"
            "- اجرای موسیقی سنتی و شاهنامه‌خوانی\n- مسابقه و جوایز ویژه کودکان\n\n"
            f"*{SIGNATURE}*",
            "event", now - timedelta(days=1), event_date=staff_yalda, cover=demo_cover(3, green),
            spare_demo_accounts=True,
        ),
        _Item(
            "فراخوان ثبت‌نام دوره آموزشی کمک‌های اولیه",
            _body(rng, HR_SENTENCES, when=today + timedelta(days=12), place=PLACES[0]), "hr",
            now - timedelta(days=6),
        ),
        _Item(
            "برنامه‌های هفته هوای پاک",
            _body(rng, NEWS_SENTENCES), "news", now + timedelta(days=5),
        ),
        _Item(
            "گزارش عملکرد شش‌ماهه روابط عمومی", _body(rng, NEWS_SENTENCES), "news", None,
            status="draft",
        ),
        _Item(
            "قطعی برنامه‌ریزی‌شده آب ساختمان مرکزی",
            "به دلیل تعمیر خط اصلی، آب ساختمان مرکزی از ساعت ۱۰ تا ۱۴ قطع است.\n\n"
            f"*{SIGNATURE}*",
            "urgent", now - timedelta(days=3), priority="important",
            expires_at=now - timedelta(days=2),
        ),
        _Item(
            "اطلاعیه ثبت‌نام اردوی تابستانی (بایگانی‌شده)", _body(rng, HR_SENTENCES), "hr",
            now - timedelta(days=150), status="archived",
        ),
    ]


def _occasions(rng: random.Random, now: datetime) -> list[_Item]:
    """National and religious occasions of the coming year on their Jalali dates.

    Those within ninety days are already announced; later ones are scheduled to
    appear two weeks before the day.
    """
    today = now.astimezone(TEHRAN).date()
    result = []
    for when, title, sentence, lunar in occasions_between(today, today + timedelta(days=365)):
        body = f"{sentence}\n\n**تاریخ:** {_jalali_text(when)}"
        if lunar:
            body += f"\n\n*{LUNAR_NOTE}*"
        body += f"\n\n*{SIGNATURE}*"
        if when - today <= timedelta(days=90):
            publish_at = now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 6))
        else:
            publish_at = _office_hours(rng, when - timedelta(days=14))
        result.append(_Item(title, body, "event", publish_at, event_date=when,
                            comments_enabled=False,
                            expires_at=_office_hours(rng, when + timedelta(days=2))))
    return result


def _generated(rng: random.Random, plan: ScalePlan, now: datetime, departments: list[int],
               branches: list[int], names: dict[int, str]) -> list[_Item]:
    today = now.astimezone(TEHRAN).date()
    result = []
    for _ in range(plan.items):
        day = today - timedelta(days=rng.randint(1, 365))
        publish_at = _office_hours(rng, day)
        if publish_at >= now:
            publish_at = now - timedelta(hours=1)
        everyone = rng.random() < plan.everyone_share
        if everyone:
            audience: tuple[int, ...] = ()
        else:
            pool = branches if rng.random() < 0.35 and branches else departments[1:]
            audience = tuple(sorted(set(rng.sample(pool, k=min(len(pool),
                                                                rng.choice([1, 1, 1, 2]))))))
        dept = names.get(audience[0] if audience else rng.choice(departments), "شهرداری")
        slots = dict(dept=dept, month=_jalali_month_text(day), project=rng.choice(PROJECTS),
                     campaign=rng.choice(CAMPAIGNS), system=rng.choice(SYSTEMS),
                     course=rng.choice(COURSES))
        roll = rng.random()
        if roll < 0.55:
            category, title = "news", rng.choice(NEWS_TITLES).format(**slots)
            body = _body(rng, NEWS_SENTENCES)
        elif roll < 0.80:
            category, title = "hr", rng.choice(HR_TITLES).format(**slots)
            body = _body(rng, HR_SENTENCES)
        elif roll < 0.96:
            category, title = "event", rng.choice(EVENT_TITLES).format(**slots)
            event_day = day + timedelta(days=rng.randint(3, 14))
            body = _body(rng, NEWS_SENTENCES, when=event_day, place=rng.choice(PLACES))
        else:
            category, title = "urgent", rng.choice(CRISIS_TITLES).format(**slots)
            body = _body(rng, NEWS_SENTENCES)
        item = _Item(title, body, category, publish_at, audience=audience)
        if category == "event":
            item.event_date = event_day
        if category == "urgent":
            item.priority = "important"
            item.expires_at = publish_at + timedelta(days=2)
        elif rng.random() < 0.1:
            item.priority = "important"
        if category == "hr" and rng.random() < 0.3 or rng.random() < 0.03:
            item.ack_required = True
        if item.expires_at is None and rng.random() < 0.25:
            item.expires_at = publish_at + timedelta(days=rng.randint(7, 60))
        if rng.random() < 0.01:
            item.status = "archived"
        result.append(item)
    return result


# Bulk rows go through the Core table, not the ORM: one executemany per batch, without the
# ORM's per-row bookkeeping (the difference is minutes at scale L).
def _batches(rows: list[dict], size: int = BATCH) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert_items(session: Session, items: list[_Item], category_ids: dict[str, int],
                  author: int, now: datetime) -> list[int]:
    rows = []
    for item in items:
        rows.append(dict(
            title=item.title, body=item.body,
            search_text=search_key(item.title) + "\n" + search_key(item.body),
            category_id=category_ids[item.category], priority=item.priority,
            pinned=item.pinned, ack_required=item.ack_required,
            comments_enabled=item.comments_enabled, audience_all=not item.audience,
            status=item.status, publish_at=item.publish_at, expires_at=item.expires_at,
            event_date=item.event_date, created_by=author, updated_by=author,
            created_at=min(item.publish_at or now, now) - timedelta(hours=2),
            updated_at=min(item.publish_at or now, now) - timedelta(hours=1), version=1))
    ids: list[int] = []
    for batch in _batches(rows, 5_000):
        ids += session.scalars(insert(Announcement).returning(Announcement.id,
                                                              sort_by_parameter_order=True),
                               batch).all()
    audience = [dict(announcement_id=i, department_id=d)
                for i, item in zip(ids, items, strict=True) for d in item.audience]
    for batch in _batches(audience):
        session.execute(AnnouncementAudience.__table__.insert(), batch)
    files = []
    for i, item in zip(ids, items, strict=True):
        if item.cover:
            files.append(dict(announcement_id=i, kind="cover", filename="cover.png",
                              mime_type="image/png", size=len(item.cover), content=item.cover,
                              created_at=now))
        if item.attachment:
            name, content = item.attachment
            files.append(dict(announcement_id=i, kind="attachment", filename=name,
                              mime_type=ATTACHMENT_TYPES["pdf"], size=len(content),
                              content=content, created_at=now))
    if files:
        session.execute(AnnouncementFile.__table__.insert(), files)
    return ids


def _insert_receipts(session: Session, context, plan: ScalePlan, items: list[_Item],
                     ids: list[int], now: datetime) -> None:
    """Reads (and acknowledgements) for released items inside the history window, and the
    per-department counters that the app keeps alongside them."""
    rng = context.rng
    everyone = [u for members in context.members.values() for u in members]
    department_of = {u: d for d, members in context.members.items() for u in members}
    counts: dict[tuple[int, int], list[int]] = {}
    demo_accounts = set(context.accounts.values())
    subtree_members: dict[tuple[int, ...], list[int]] = {}
    since = now - timedelta(days=plan.history_days)
    buffer: list[dict] = []
    for item_id, item in zip(ids, items, strict=True):
        if item.status == "draft" or item.publish_at is None or not since < item.publish_at < now:
            continue
        if item.audience:
            if item.audience not in subtree_members:
                depts = descendants(context.parent_of, item.audience)
                subtree_members[item.audience] = [u for d in sorted(depts)
                                                  for u in context.members.get(d, [])]
            audience = subtree_members[item.audience]
        else:
            audience = everyone
        age_hours = (now - item.publish_at).total_seconds() / 3600
        # Most reads come in the first days; important and required items are read more.
        rate = 0.45 + (0.15 if item.priority != "normal" else 0) + (0.2 if item.ack_required
                                                                    else 0)
        rate = min(0.95, rate * min(1.0, 0.35 + age_hours / 72))
        readers = rng.sample(audience, k=int(len(audience) * rate))
        for user in readers:
            if user in demo_accounts and (item.spare_demo_accounts or age_hours < 24 * 7):
                continue
            delay = min(age_hours, rng.expovariate(1 / 20))
            read_at = item.publish_at + timedelta(hours=delay)
            acknowledged_at = None
            if item.ack_required and rng.random() < 0.8:
                acknowledged_at = min(now, read_at + timedelta(minutes=rng.randint(1, 30)))
            buffer.append(dict(announcement_id=item_id, user_id=user, read_at=read_at,
                               acknowledged_at=acknowledged_at, dismissed_at=None))
            tally = counts.setdefault((item_id, department_of[user]), [0, 0])
            tally[0] += 1
            tally[1] += acknowledged_at is not None
        if len(buffer) >= BATCH:
            session.execute(AnnouncementReceipt.__table__.insert(), buffer)
            buffer = []
    if buffer:
        session.execute(AnnouncementReceipt.__table__.insert(), buffer)
    rows = [dict(announcement_id=item_id, department_id=dept, reads=reads,
                 acknowledgements=acks) for (item_id, dept), (reads, acks) in counts.items()]
    for batch in _batches(rows):
        session.execute(AnnouncementReach.__table__.insert(), batch)


def _insert_comments(session: Session, context, plan: ScalePlan, items: list[_Item],
                     ids: list[int], now: datetime, moderator: int) -> None:
    rng = context.rng
    recent = [(i, item) for i, item in zip(ids, items, strict=True)
              if item.status == "live" and item.comments_enabled and item.publish_at is not None
              and now - timedelta(days=60) < item.publish_at < now]
    if not recent:
        return
    everyone = [u for members in context.members.values() for u in members]
    rows = []
    for _ in range(plan.comments):
        item_id, item = rng.choice(recent)
        age = (now - item.publish_at).total_seconds()
        rows.append(dict(announcement_id=item_id, author_id=rng.choice(everyone),
                         body=rng.choice(COMMENTS), hidden=False, hidden_by=None,
                         hidden_at=None,
                         created_at=item.publish_at + timedelta(seconds=rng.uniform(0, age))))
    # One off-topic advertisement on the pinned welcome item, already hidden by PR.
    item_id, item = next(((i, it) for i, it in recent if it.pinned), recent[-1])
    rows.append(dict(announcement_id=item_id, author_id=rng.choice(everyone), body=SPAM_COMMENT,
                     hidden=True, hidden_by=moderator,
                     hidden_at=item.publish_at + timedelta(hours=2),
                     created_at=item.publish_at + timedelta(hours=1)))
    for batch in _batches(rows):
        session.execute(AnnouncementComment.__table__.insert(), batch)
