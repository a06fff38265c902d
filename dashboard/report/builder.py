"""The monthly report as a Word document: a pure function from the gathered data
(dashboard/report/gather.py) to .docx bytes, with the charts drawn by `render`
(render.py's offline Chromium export by default; tests may pass another).

Right to left in Persian through the writer the meeting minutes use (dashboard/word.py):
the section, every paragraph and table bidi, every run rtl, Vazirmatn named in every
run (Word uses it when it is installed, else its own Persian font).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.formatting import (
    MISSING,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_signed,
    jalali_month_name,
    localize_digits,
)
from dashboard.i18n import catalog, translate
from dashboard.report.gather import KpiRow, MonthlyReport
from dashboard.surveys.viewer import driver_name
from dashboard.word import WordWriter

Render = Callable[[go.Figure], bytes]
STATUSES = ("on_track", "at_risk", "off_track")
# Status by colour and by its word in the legend, never by colour alone.
STATUS_COLOURS = {"on_track": "#5E7D4F", "at_risk": "#C9A66B", "off_track": "#B5714A"}
TRENDS_SHOWN = 2  # off-track KPIs whose trend is drawn


class _Writer(WordWriter):
    """The shared right-to-left writer (dashboard/word.py), named as the report uses it."""

    @property
    def lang(self) -> str:
        return self.loc


def month_label(report: MonthlyReport) -> str:
    period = report.period
    return f"{jalali_month_name(period.number, report.lang)} " \
           f"{localize_digits(str(period.year), report.lang)}"


def _unit(unit: str, lang: str) -> str:
    if unit == "count":  # "83", not "83 count"
        return ""
    key = f"kpis.unit.{unit}"
    return translate(key, lang) if key in catalog(lang) else unit


def _value(row: KpiRow, value: float | None, lang: str) -> str:
    if value is None:
        return MISSING
    unit = _unit(row.unit, lang)
    number = format_number(value, lang, row.decimals)
    return f"{number} {unit}".strip()


def _kpi_name(row: KpiRow, lang: str) -> str:
    if row.code and f"kpis.builtin.{row.code}.name" in catalog(lang):
        return translate(f"kpis.builtin.{row.code}.name", lang)
    return (row.name_en or row.name_fa) if lang == "en" else row.name_fa


def _status_chart(report: MonthlyReport, w: _Writer) -> go.Figure | None:
    months: dict[tuple[str, date], dict[str, int]] = {}
    for row in report.kpis:
        for key, start, _, status in row.history:
            counts = months.setdefault((key, start), dict.fromkeys(STATUSES, 0))
            if status in counts:
                counts[status] += 1
    if not any(sum(c.values()) for c in months.values()):
        return None
    records = []
    for (_, start), counts in sorted(months.items(), key=lambda m: m[0][1]):
        label = format_date(start, w.lang, "short")[:7]
        for status in STATUSES:
            records.append({"month": label, "kpis": counts[status],
                            "status": w.t(f"report.status.{status}")})
    frame = pd.DataFrame(records)
    figure = charts.bar_chart(frame, "month", "kpis", w.lang, color="status", barmode="stack",
                              labels={"month": w.t("report.chart.month"),
                                      "kpis": w.t("report.chart.kpi_count"),
                                      "status": w.t("report.kpis.status")})
    colours = {w.t(f"report.status.{s}"): c for s, c in STATUS_COLOURS.items()}
    for trace in figure.data:
        trace.marker.color = colours.get(trace.name, trace.marker.color)
    # Whole KPIs on the count axis, in the report's digits.
    top = int(frame.groupby("month")["kpis"].sum().max())
    step = max(1, top // 6)
    ticks = list(range(0, top + step, step))
    figure.update_yaxes(tickvals=ticks, ticktext=[format_number(v, w.lang) for v in ticks])
    return figure


def _trend_chart(row: KpiRow, w: _Writer) -> go.Figure | None:
    points = [(start, value) for _, start, value, _ in row.history if value is not None]
    if len(points) < 2:
        return None
    frame = pd.DataFrame({"start": [p[0] for p in points], "value": [p[1] for p in points]})
    return charts.line_chart(frame, "start", "value", w.lang, decimals=row.decimals,
                             target=row.target, target_label=w.t("report.kpis.target"),
                             labels={"start": w.t("report.chart.month"),
                                     "value": _kpi_name(row, w.lang)})


def _kpis(report: MonthlyReport, w: _Writer, render: Render) -> None:
    w.heading(w.t("report.kpis.title"))
    if not report.kpis:
        w.paragraph(w.t("report.kpis.none"))
        return
    rows = []
    for row in report.kpis:
        status = (w.t("report.suppressed") if row.suppressed
                  else w.t(f"report.status.{row.status}") if row.status else MISSING)
        change = MISSING if row.change is None else format_signed(row.change, w.lang,
                                                                  row.decimals)
        rows.append([_kpi_name(row, w.lang),
                     w.t("report.suppressed") if row.suppressed
                     else _value(row, row.value, w.lang),
                     _value(row, row.target, w.lang), change, status])
    w.table([w.t("report.kpis.kpi"), w.t("report.kpis.value"), w.t("report.kpis.target"),
             w.t("report.kpis.change"), w.t("report.kpis.status")], rows)
    figure = _status_chart(report, w)
    if figure is not None:
        w.picture(render(figure))
        w.caption(w.t("report.chart.status_caption"))
    off = [r for r in report.kpis if r.status == "off_track"][:TRENDS_SHOWN]
    for row in off:
        trend = _trend_chart(row, w)
        if trend is not None:
            w.picture(render(trend))
            w.caption(w.t("report.chart.trend_caption", kpi=_kpi_name(row, w.lang)))


def _survey(report: MonthlyReport, w: _Writer, render: Render) -> None:
    w.heading(w.t("report.survey.title"))
    survey = report.survey
    if survey is None:
        w.paragraph(w.t("report.survey.none"))
        return
    title = (survey.title_en or survey.title_fa) if w.lang == "en" else survey.title_fa
    w.paragraph(w.t("report.survey.wave", title=title,
                    date=format_date(survey.closes_at, w.lang, "long")))
    if survey.hidden:
        # Suppressed where k is not met: the reason, never a figure.
        w.paragraph(w.t(f"report.survey.hidden.{survey.hidden}", k=survey.k))
        return
    if survey.participation is not None:
        w.paragraph(w.t("report.survey.participation",
                        rate=format_percent(survey.participation, w.lang),
                        respondents=format_number(survey.respondents, w.lang)))
    for line in survey.sentences:
        w.bullet(line.replace("**", ""))
    if survey.drivers:
        frame = pd.DataFrame({"driver": [driver_name(d, w.lang) for d, _ in survey.drivers],
                              "score": [s for _, s in survey.drivers]})
        figure = charts.bar_chart(frame, "score", "driver", w.lang, orientation="h",
                                  show_values=True,
                                  labels={"score": w.t("report.chart.score"), "driver": ""})
        w.picture(render(figure))
        w.caption(w.t("report.chart.drivers_caption"))


def _news(report: MonthlyReport, w: _Writer, render: Render) -> None:
    w.heading(w.t("report.news.title"))
    w.paragraph(w.t("report.news.count", count=format_number(report.news_items, w.lang)))
    if not report.news:
        return
    rows = [[item.title, format_datetime(item.published_at, w.lang),
             format_number(item.audience, w.lang), format_percent(item.read_rate, w.lang),
             format_percent(item.ack_rate, w.lang) if item.ack_required else MISSING]
            for item in report.news]
    w.table([w.t("report.news.item"), w.t("report.news.published"),
             w.t("report.news.audience"), w.t("report.news.read"),
             w.t("report.news.acknowledged")], rows)
    shown = [i for i in report.news if i.read_rate is not None]
    if shown:
        frame = pd.DataFrame({"item": [_short(i.title) for i in shown],
                              "read": [i.read_rate for i in shown]})
        figure = charts.bar_chart(frame, "read", "item", w.lang, orientation="h",
                                  value_format="percent", show_values=True,
                                  labels={"read": w.t("report.news.read"), "item": ""})
        w.picture(render(figure))
        w.caption(w.t("report.chart.reach_caption"))


def _short(title: str, size: int = 40) -> str:
    return title if len(title) <= size else title[: size - 1] + "…"


def _meetings(report: MonthlyReport, w: _Writer) -> None:
    m = report.meetings
    w.heading(w.t("report.meetings.title"))
    w.table([w.t("report.meetings.held"), w.t("report.meetings.approved"),
             w.t("report.meetings.decisions"), w.t("report.meetings.implemented")],
            [[format_number(v, w.lang) for v in (m.held, m.approved, m.decisions,
                                                 m.implemented)]])


def _overdue(report: MonthlyReport, w: _Writer) -> None:
    w.heading(w.t("report.actions.title"))
    w.paragraph(w.t("report.actions.count", count=format_number(report.overdue_total, w.lang),
                    date=format_date(report.generated_at, w.lang, "long")))
    if not report.overdue:
        return
    rows = [[item.title, item.owner,
             ((item.department_en or item.department_fa) if w.lang == "en"
              else item.department_fa) or MISSING,
             format_date(item.due_on, w.lang)] for item in report.overdue]
    w.table([w.t("report.actions.item"), w.t("report.actions.owner"),
             w.t("report.actions.department"), w.t("report.actions.due")], rows)


def build(report: MonthlyReport, render: Render | None = None) -> bytes:
    """The .docx bytes of the report, in the report's language."""
    if render is None:
        from dashboard.report.render import render_png as render
    w = _Writer(report.lang)
    w.heading(w.t("report.title", month=month_label(report)), 0)
    scope = w.t("report.scope.organisation") if report.whole_organisation else (
        (report.scope_en or report.scope_fa) if w.lang == "en" else report.scope_fa)
    w.paragraph(w.t("report.subtitle", scope=scope,
                    when=format_datetime(report.generated_at, w.lang, "long")))
    _kpis(report, w, render)
    _survey(report, w, render)
    _news(report, w, render)
    _meetings(report, w)
    _overdue(report, w)
    return w.bytes()
