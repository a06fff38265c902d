"""The built-in question bank: original pulse-survey items in Persian and English.

The wording was written for this project. It deliberately avoids Gallup's Q12
(copyrighted) and any engagement vendor's items, while covering the drivers
the engagement survey covers. Each Likert item is a statement that a municipal employee
rates from 1 (strongly disagree) to 5 (strongly agree); a higher answer is
always the favourable one, so no item needs reverse scoring.

Driver, Likert and eNPS-scale labels are user-visible text, so they live in the
locale files (`surveys.driver.<code>`, `surveys.likert.<1..5>`,
`surveys.enps_anchor.<0|10>`), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ItemKind = Literal["likert5", "enps"]

DRIVERS = (
    "belonging",
    "satisfaction",
    "recognition",
    "manager_support",
    "workload_wellbeing",
    "growth",
)
ENPS_DRIVER = "enps"


@dataclass(frozen=True)
class BankItem:
    code: str
    driver: str
    kind: ItemKind
    text_fa: str
    text_en: str


def _likert(code: str, driver: str, text_fa: str, text_en: str) -> BankItem:
    return BankItem(code, driver, "likert5", text_fa, text_en)


BANK: tuple[BankItem, ...] = (
    # Belonging
    _likert("bel_01", "belonging",
            "وقتی با دوستان و خانواده از کارم صحبت می‌کنم، از شهرداری به نیکی یاد می‌کنم.",
            "When I talk about my job with friends and family, I speak well of the municipality."),
    _likert("bel_02", "belonging",
            "در واحد خودم، همان‌طور که هستم پذیرفته می‌شوم.",
            "In my department, I am accepted for who I am."),
    _likert("bel_03", "belonging",
            "می‌بینم که کار روزانه‌ام چگونه به مردم شهرمان کمک می‌کند.",
            "I can see how my daily work helps the people of our city."),
    _likert("bel_04", "belonging",
            "اگر در شرایط سختی باشم، همکارانم متوجه می‌شوند و به من اهمیت می‌دهند.",
            "If I were going through a hard time, my colleagues would notice and care."),
    _likert("bel_05", "belonging",
            "دوست دارم مسیر کاری‌ام را در همین شهرداری ادامه دهم.",
            "I would like to continue my working life at this municipality."),
    _likert("bel_06", "belonging",
            "کارکنان واحدهای مختلف با یکدیگر مانند اعضای یک سازمان رفتار می‌کنند.",
            "Staff from different units treat one another as members of one organisation."),
    # Satisfaction
    _likert("sat_01", "satisfaction",
            "روی هم رفته، از شغلم در شهرداری راضی هستم.",
            "All things considered, I am content with my job at the municipality."),
    _likert("sat_02", "satisfaction",
            "سامانه‌ها و امکاناتی که با آن‌ها کار می‌کنم، کارم را آسان‌تر می‌کنند، نه دشوارتر.",
            "The systems and facilities I work with make my job easier, not harder."),
    _likert("sat_03", "satisfaction",
            "محیط کارم از نظر فضا، نور و نظافت برای کاری که انجام می‌دهم مناسب است.",
            "My workplace is suitable for the work I do in space, light and cleanliness."),
    _likert("sat_04", "satisfaction",
            "بیشتر روزها با این احساس کارم را تمام می‌کنم که وقتم به‌خوبی صرف شده است.",
            "On most days, I finish work feeling that my time was well spent."),
    _likert("sat_05", "satisfaction",
            "مقررات و رویه‌ها در واحد من برای همه به یک شکل اجرا می‌شود.",
            "Rules and procedures in my department are applied to everyone in the same way."),
    _likert("sat_06", "satisfaction",
            "می‌دانم حقوق و مزایای من بر چه اساسی تعیین می‌شود.",
            "I understand how my pay and benefits are determined."),
    # Recognition
    _likert("rec_01", "recognition",
            "وقتی کارم را خوب انجام می‌دهم، کسی در واحدم متوجه آن می‌شود.",
            "When I do my work well, someone in my department notices."),
    _likert("rec_02", "recognition",
            "در واحد من، قدردانی نصیب کسانی می‌شود که واقعاً شایسته‌اش هستند.",
            "In my department, appreciation goes to the people who have actually earned it."),
    _likert("rec_03", "recognition",
            "مدیرم از تلاش همکاران قدردانی می‌کند، نه فقط از نتایج کار.",
            "My manager thanks people for their effort, not only for results."),
    _likert("rec_04", "recognition",
            "همکاران تیم ما کمک‌های یکدیگر را آشکارا ارج می‌نهند.",
            "Colleagues in my team openly appreciate each other's help."),
    _likert("rec_05", "recognition",
            "ایده‌های خوب کارکنان به نام کسانی ثبت می‌شود که آن‌ها را مطرح کرده‌اند.",
            "Good ideas from staff are credited to the people who proposed them."),
    _likert("rec_06", "recognition",
            "شهرداری در عمل نشان می‌دهد که برای زحمتی که در کارم می‌کشم ارزش قائل است.",
            "The municipality shows in practice that it values the effort I put into my work."),
    # Manager support and communication
    _likert("mgr_01", "manager_support",
            "مدیرم تصمیم‌هایی را که بر کارم اثر می‌گذارند به‌موقع با من در میان می‌گذارد.",
            "My manager tells me in good time about decisions that will affect my work."),
    _likert("mgr_02", "manager_support",
            "می‌توانم بدون نگرانی از پیامدهایش، مشکلی را با مدیرم در میان بگذارم.",
            "I can raise a problem with my manager without worrying about the consequences."),
    _likert("mgr_03", "manager_support",
            "مدیرم در برطرف کردن موانعی که کارم را عقب می‌اندازند به من کمک می‌کند.",
            "My manager helps me remove obstacles that hold up my work."),
    _likert("mgr_04", "manager_support",
            "مدیرم در مورد اولویت‌های کارم راهنمایی روشنی به من می‌دهد.",
            "My manager gives me clear guidance on the priorities of my work."),
    _likert("mgr_05", "manager_support",
            "مدیرم پیشنهادهایم را می‌شنود و به آن‌ها پاسخ می‌دهد.",
            "My manager listens to my suggestions and gives me a response."),
    _likert("mgr_06", "manager_support",
            "مدیرم با تمام اعضای تیم محترمانه رفتار می‌کند.",
            "My manager treats every member of the team with respect."),
    # Workload and wellbeing
    _likert("wlb_01", "workload_wellbeing",
            "می‌توانم کارهایم را در ساعات عادی کاری به انجام برسانم.",
            "I can get my work done within normal working hours."),
    _likert("wlb_02", "workload_wellbeing",
            "وقتی به مرخصی نیاز دارم، می‌توانم بدون دشواری آن را هماهنگ کنم.",
            "When I need to take leave, I can arrange it without difficulty."),
    _likert("wlb_03", "workload_wellbeing",
            "فشار کارم به‌ندرت بر سلامت یا خوابم اثر می‌گذارد.",
            "The pressure of my job rarely affects my health or my sleep."),
    _likert("wlb_04", "workload_wellbeing",
            "کارها به‌طور منصفانه میان اعضای تیم ما تقسیم می‌شود.",
            "Work is shared fairly among the members of my team."),
    _likert("wlb_05", "workload_wellbeing",
            "محل کارم از نظر ایمنی و بهداشت شرایط مناسبی دارد.",
            "My place of work meets proper standards of safety and hygiene."),
    _likert("wlb_06", "workload_wellbeing",
            "در پایان روز کاری، هنوز برای خانواده و زندگی شخصی‌ام انرژی دارم.",
            "At the end of the working day, I still have energy for my family and my own life."),
    # Growth
    _likert("grw_01", "growth",
            "آموزش‌هایی که شهرداری ارائه می‌دهد به کار من مربوط و کاربردی است.",
            "The training the municipality offers is relevant and useful for my work."),
    _likert("grw_02", "growth",
            "می‌دانم برای رسیدن به جایگاهی بالاتر چه باید بکنم.",
            "I know what I would need to do to move up to a more senior position."),
    _likert("grw_03", "growth",
            "ارتقا و انتصاب‌ها در اینجا بر اساس شایستگی انجام می‌شود.",
            "Promotions and appointments here are based on merit."),
    _likert("grw_04", "growth",
            "بازخوردهایی دریافت می‌کنم که به من کمک می‌کند کارم را بهتر انجام دهم.",
            "I receive feedback that helps me do my work better."),
    _likert("grw_05", "growth",
            "وقتی آمادگی داشته باشم، فرصت پذیرفتن مسئولیت‌های تازه به من داده می‌شود.",
            "When I am ready, I am given the chance to take on new responsibilities."),
    _likert("grw_06", "growth",
            "فرصت دارم از تجربه‌های همکارانم در واحدهای دیگر بیاموزم.",
            "I have opportunities to learn from the experience of colleagues in other units."),
    # eNPS: answered on 0–10, scored separately from the drivers.
    BankItem(
        "enps_01", ENPS_DRIVER, "enps",
        "چقدر احتمال دارد شهرداری را به‌عنوان محل کار به دوستان یا آشنایانتان توصیه کنید؟",
        "How likely are you to recommend the municipality to a friend or acquaintance"
        " as a place to work?",
    ),
)
