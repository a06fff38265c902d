"""The KPI page's filters, kept in the URL (st.query_params) so a view can be
bookmarked and shared: read on load, written on change.

    ?view=trend&dept=12&freq=month&from=1404-01&to=1404-12&group=surveys&kpi=enps

The department is always passed through data_access.kpis.scope_department: a manager
who opens a colleague's URL for another subtree sees their own department instead,
never the other's data. A value in the URL that makes no sense (an unknown period, a
group or KPI that does not exist) falls back to the default quietly.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.formatting import jalali_month_name, localize_digits
from dashboard.jalali_input import year_options
from dashboard.kpis import reads
from dashboard.kpis.viewer import Viewer, group_name, quarter_name
from dashboard.ui import department_tree
from data_access.kpis import Period, periods_between

PARAMS = ("view", "dept", "freq", "from", "to", "group", "kpi")
SPAN = {"month": 12, "quarter": 8}  # periods shown by default
MAX_SPAN = {"month": 60, "quarter": 20}
# Views that are about one KPI (the KPI picker shows only there).
ONE_KPI = {"trend", "compare", "entry", "history"}


@dataclass(frozen=True)
class Filters:
    view: str
    department_id: int
    kind: str  # "month" | "quarter"
    first: Period
    last: Period
    group: str | None
    kpi: str | None  # a KPI's code, for the views about one KPI

    @property
    def periods(self) -> list[Period]:
        return list(periods_between(self.first, self.last))

    def params(self) -> dict[str, str]:
        values = {"view": self.view, "dept": str(self.department_id), "freq": self.kind,
                  "from": self.first.key, "to": self.last.key, "group": self.group or "",
                  "kpi": self.kpi or ""}
        return {k: v for k, v in values.items() if v}


def default_last(kind: str) -> Period:
    """The latest complete period: the running one has few values yet."""
    return Period.current(kind).previous()  # type: ignore[arg-type]


def _param_period(name: str, kind: str) -> Period | None:
    try:
        period = Period.parse(st.query_params.get(name, ""))
    except ValueError:
        return None
    return period if period.kind == kind and not period.is_future() else None


def _index(options: list, value: object) -> int:
    return options.index(value) if value in options else 0


def period_input(label: str, *, key: str, kind: str, value: Period, lang: str) -> Period:
    """A Jalali month (by name) or quarter (by season) and a year, in reading order;
    never a future period (the year list ends at this year, a later period is pulled
    back to the running one)."""
    current = Period.current(kind)  # type: ignore[arg-type]
    years = [y for y in year_options(value.start) if y <= current.year]
    numbers = list(range(1, 13 if kind == "month" else 5))
    st.markdown(label)
    number_col, year_col = st.columns([1.6, 1.2], gap="small")

    def name(n: int) -> str:
        return jalali_month_name(n, lang) if kind == "month" else quarter_name(n, lang)

    number = number_col.selectbox(label, numbers, index=_index(numbers, value.number),
                                  key=f"{key}__{kind}_n", format_func=name,
                                  label_visibility="collapsed")
    year = year_col.selectbox(label, years, index=_index(years, value.year),
                              key=f"{key}__{kind}_y",
                              format_func=lambda y: localize_digits(str(y), lang),
                              label_visibility="collapsed")
    chosen = Period(kind, year, number)  # type: ignore[arg-type]
    return current if chosen > current else chosen


def _department_options(viewer: Viewer) -> dict[int, str]:
    """The departments this viewer may pick: the subtree of their default scope (the
    whole organisation for pr and admin, a manager's own subtree), in tree order."""
    allowed = reads.scope_subtree(viewer.actor)
    return {d.id: ("\u2003" * d.depth) + d.label(viewer.lang)
            for d in department_tree() if d.id in allowed}


def choose(viewer: Viewer) -> Filters:
    """Draw the filters and write them back to the URL.

    Every widget's starting value is read from the URL on every run, and the URL is
    rewritten after every change: so the URL is always what is on screen, and a URL
    opened afresh (a bookmark, a colleague's link) draws the same view."""
    params = st.query_params
    view = params.get("view", "cards")
    view = st.segmented_control(viewer.t("kpis.ui.view.label"), viewer.views, key="kpi_view",
                                default=view if view in viewer.views else "cards",
                                required=True, label_visibility="collapsed",
                                format_func=lambda v: viewer.t(f"kpis.ui.view.{v}"))

    try:
        requested = int(params.get("dept", ""))
    except ValueError:
        requested = None
    scoped = reads.scope_department(viewer.actor, requested)
    options = _department_options(viewer)
    if scoped not in options:  # a department outside the tree list (inactive): still shown
        options = {scoped: reads.department_name(scoped, viewer.lang), **options}
    kind = params.get("freq", "month")
    kind = kind if kind in SPAN else "month"
    kpis = reads.kpi_list(viewer.actor)
    # "" is every group: a None value would show Streamlit's own (English) placeholder.
    groups = ["", *dict.fromkeys(k.group for k in kpis)]

    with st.container(border=True, key="kpi_filters"):
        top = st.columns([2, 1, 1.4])
        department_id = top[0].selectbox(viewer.t("kpis.ui.filter.department"), list(options),
                                         index=_index(list(options), scoped), key="kpi_dept",
                                         format_func=options.get)
        kind = top[1].segmented_control(viewer.t("kpis.ui.filter.frequency"), list(SPAN),
                                        default=kind, key="kpi_freq", required=True,
                                        format_func=lambda k: viewer.t(f"kpis.ui.freq.{k}"))
        group = top[2].selectbox(viewer.t("kpis.ui.filter.group"), groups,
                                 index=_index(groups, params.get("group", "")), key="kpi_group",
                                 format_func=lambda g: group_name(g, viewer.lang) if g
                                 else viewer.t("kpis.ui.all_groups")) or None
        last = _param_period("to", kind) or default_last(kind)
        first = _param_period("from", kind) or last.shift(-(SPAN[kind] - 1))
        left, right = st.columns(2)
        with left:
            first = period_input(viewer.t("kpis.ui.filter.from"), key="kpi_from", kind=kind,
                                 value=first, lang=viewer.lang)
        with right:
            last = period_input(viewer.t("kpis.ui.filter.to"), key="kpi_to", kind=kind,
                                value=last, lang=viewer.lang)
        if first > last:
            st.caption(viewer.t("kpis.ui.filter.swapped"))
            first, last = last, first
        if len(list(periods_between(first, last))) > MAX_SPAN[kind]:
            first = last.shift(-(MAX_SPAN[kind] - 1))
            st.caption(viewer.t("kpis.ui.filter.clamped", count=MAX_SPAN[kind]))

        code = None
        if view in ONE_KPI:
            shown = [k for k in kpis if group is None or k.group == group]
            if view in ("entry", "history"):
                shown = [k for k in shown if k.source == "custom"]
            codes = [k.code for k in shown]
            names = {k.code: viewer.name(k) for k in shown}
            if codes:
                code = st.selectbox(viewer.t("kpis.ui.filter.kpi"), codes,
                                    index=_index(codes, params.get("kpi")), key="kpi_code",
                                    format_func=names.get)

    # The scope again, for the value chosen on screen: the picker only offers the
    # allowed subtree, and data_access has the last word.
    department_id = reads.scope_department(viewer.actor, department_id)
    filters = Filters(view, department_id, kind, first, last, group, code)
    wanted = filters.params()
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
    return filters
