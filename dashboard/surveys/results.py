"""Survey results: the wave and group pickers, participation, eNPS, drivers, items and
the trend. Every figure comes pre-aggregated from data_access, suppression included;
hidden figures say why."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import tables
from dashboard.charts import plotly_config
from dashboard.formatting import format_number, format_percent, format_signed
from dashboard.surveys import figures, reads
from dashboard.surveys.viewer import MISSING, Viewer
from dashboard.ui import escape_markdown, read_or_explain, t
from data_access import surveys
from data_access.surveys import band


def chart_options(lang: str) -> dict:
    """How every survey chart is drawn: the column's width, Plotly's texts in `lang`,
    no toolbar."""
    return {"width": "stretch", "config": plotly_config(lang, toolbar=False)}


@dataclass(frozen=True)
class Selection:
    """The wave and group on screen, and what the viewer may compare them with."""

    waves: dict[int, surveys.WaveOption]
    wave: surveys.WaveOption
    department_id: int | None
    results: surveys.GroupResults
    # The organisation's driver scores beside the group (its participation and
    # per-question figures only when the viewer may see the whole audience).
    compared: bool

    @property
    def k(self) -> int:
        return self.wave.min_group_size

    def hidden_text(self, reason: str | None) -> str:
        return t(f"surveys.results.hidden.{reason}", k=self.k) if reason else ""


def choose(viewer: Viewer) -> Selection:
    """The wave and group pickers; stops the page when there is nothing to show."""
    waves = {w.wave_id: w for w in read_or_explain(reads.result_waves, viewer.actor)}
    if not waves:
        st.info(t("surveys.results.no_waves"))
        st.stop()
    closed = [w for w in waves.values() if w.status == "closed"]
    default_wave = (closed or list(waves.values()))[0].wave_id
    left, right = st.columns([3, 2])
    # Labels are computed here: a format_func must not read the session (locale) later.
    wave_labels = {w: viewer.wave_label(wave) for w, wave in waves.items()}
    wave_id = left.selectbox(t("surveys.results.wave"), list(waves), format_func=wave_labels.get,
                             index=list(waves).index(default_wave), key="results_wave")
    groups = {ref.id: viewer.group(ref)
              for ref in read_or_explain(reads.result_departments, viewer.actor, wave_id)}
    default = viewer.default_group
    group_ids = list(groups) or [default]
    department_id = right.selectbox(
        t("surveys.results.group"), group_ids,
        index=group_ids.index(default) if default in group_ids else 0,
        format_func=lambda d: groups.get(d, MISSING), key=f"results_group_{wave_id}")
    wave = waves[wave_id]
    results = read_or_explain(reads.group_results, viewer.actor, wave_id, department_id,
                              wave.status)
    # Compared with the organisation benchmark whenever there is one (data_access
    # decides who gets it: surveys.results._benchmark).
    return Selection(waves, wave, department_id, results, department_id is not None
                     and any(d.org_score is not None for d in results.drivers))


def show_hidden_group(viewer: Viewer, chosen: Selection) -> None:
    """A group whose results are hidden: one card that says why and what is still known
    (its participation, when that may be shown), instead of empty tables and charts."""
    results = chosen.results
    with st.container(border=True, key="results_hidden_group"):
        st.markdown(f"**:material/visibility_off: "
                    f"{escape_markdown(viewer.group(results.department))}**")
        st.markdown(t(f"surveys.results.hidden_group.{results.hidden}", k=chosen.k))
        if results.reported_under:
            st.caption(t("surveys.results.reported_under",
                         department=escape_markdown(viewer.group(results.reported_under))))
        st.caption(t("surveys.results.hidden_group_next"))
        if not results.participation.hidden:
            st.caption(t("surveys.results.participation_value",
                         respondents=results.participation.respondents,
                         invited=results.participation.invited))


def _participation(where, viewer: Viewer, chosen: Selection, label: str,
                   part: surveys.Participation) -> None:
    if part.hidden:
        where.metric(label, MISSING, help=chosen.hidden_text(part.hidden))
        where.caption(chosen.hidden_text(part.hidden))
    else:
        where.metric(label, format_percent(part.rate, viewer.lang))
        where.caption(t("surveys.results.participation_value", respondents=part.respondents,
                        invited=part.invited))


def show_summary(viewer: Viewer, chosen: Selection) -> None:
    """Status, participation and eNPS."""
    results, lang = chosen.results, viewer.lang
    if chosen.wave.status != "closed":
        st.info(t("surveys.results.open_wave", when=viewer.when(chosen.wave.closes_at)))
    if results.hidden:
        st.warning(t(f"surveys.results.hidden_group.{results.hidden}", k=chosen.k),
                   icon=":material/visibility_off:")
    if results.reported_under:
        st.caption(t("surveys.results.reported_under",
                     department=escape_markdown(viewer.group(results.reported_under))))
    first, second, third = st.columns(3)
    participation = t("surveys.results.participation")
    _participation(first, viewer, chosen,
                   f"{participation} · {escape_markdown(viewer.group(results.department))}",
                   results.participation)
    if chosen.compared and results.organisation_participation is not None:
        _participation(second, viewer, chosen,
                       f"{participation} · {t('surveys.results.organisation')}",
                       results.organisation_participation)
    st.caption(t("surveys.results.participation_formula"))
    enps = results.enps
    if enps is None:
        return
    if enps.hidden or enps.enps is None:
        third.metric(t("surveys.results.enps"), MISSING)
        third.caption(chosen.hidden_text(enps.hidden))
    else:
        third.metric(t("surveys.results.enps"), format_signed(enps.enps.enps, lang))
        third.caption(t("surveys.results.enps_parts",
                        promoters=viewer_percent(viewer, enps.enps.promoters_pct),
                        passives=viewer_percent(viewer, enps.enps.passives_pct),
                        detractors=viewer_percent(viewer, enps.enps.detractors_pct)))
        if enps.org_enps is not None and chosen.compared:
            third.caption(t("surveys.results.enps_org",
                            value=format_signed(enps.org_enps.enps, lang)))
    st.caption(t("surveys.results.formula_enps"))


def viewer_percent(viewer: Viewer, value: float | None) -> str:
    """A 0–100 share, in the viewer's digits."""
    return MISSING if value is None else format_percent(value / 100, viewer.lang)


def _number(viewer: Viewer, value: float | None, decimals: int = 0) -> str:
    return MISSING if value is None else format_number(value, viewer.lang, decimals)


def _likert_columns(viewer: Viewer, chosen: Selection, summary, score,
                    org_score) -> dict[str, str]:
    def share(name: str) -> str:
        return viewer_percent(viewer, getattr(summary, name) if summary else None)

    columns = {
        t("surveys.results.col.score"): _number(viewer, score),
        t("surveys.results.col.favorable"): share("favorable_pct"),
        t("surveys.results.col.neutral"): share("neutral_pct"),
        t("surveys.results.col.unfavorable"): share("unfavorable_pct"),
        t("surveys.results.col.mean"): _number(viewer, summary.mean if summary else None, 2),
    }
    if chosen.compared:  # else the group is the organisation itself, or it is not shown
        columns[t("surveys.results.col.org_score")] = _number(viewer, org_score)
        columns[t("surveys.results.col.difference")] = (
            MISSING if score is None or org_score is None
            else format_signed(score - org_score, viewer.lang))
    return columns


def _band(summary) -> str:
    return t(f"surveys.results.band.{band(summary.favorable_pct)}") if summary else MISSING


def show_drivers(viewer: Viewer, chosen: Selection) -> None:
    """Drivers against the organisation, with the formulas and the comparison chart."""
    drivers = chosen.results.drivers
    if not drivers:
        return
    st.subheader(t("surveys.results.drivers"))
    tables.show([{
        t("surveys.results.col.driver"): viewer.driver(driver.driver),
        **_likert_columns(viewer, chosen, driver.summary, driver.score, driver.org_score),
        t("surveys.results.col.band"): _band(driver.summary),
        t("surveys.results.col.status"): chosen.hidden_text(driver.hidden),
    } for driver in drivers], viewer.lang, optional=[t("surveys.results.col.status")])
    st.caption(t("surveys.results.formula_likert"))
    st.caption(t("surveys.results.formula_driver"))
    if chosen.compared and any(d.score is not None for d in drivers):
        st.markdown(f"**{t('surveys.results.compare')}**")
        st.plotly_chart(figures.compare(viewer.actor, chosen.wave.wave_id, chosen.department_id,
                                        chosen.wave.status, viewer.lang),
                        **chart_options(viewer.lang))


def show_items(viewer: Viewer, chosen: Selection) -> None:
    """Likert items as a table, choice items as shares."""
    items, lang = chosen.results.items, viewer.lang
    if not items:
        return
    st.subheader(t("surveys.results.items"))
    rows = [{
        t("surveys.results.col.item"): result.item.text(lang),
        t("surveys.results.col.n"): _number(viewer, result.n),
        **_likert_columns(viewer, chosen, result.likert,
                          result.likert.score if result.likert else None,
                          result.org_likert.score if result.org_likert else None),
        t("surveys.results.col.status"): chosen.hidden_text(result.hidden),
    } for result in items if result.item.kind == "likert5"]
    if rows:
        tables.show(rows, lang, optional=[t("surveys.results.col.status")])
    for result in items:
        if result.item.kind != "choice":
            continue
        st.markdown(f"**{escape_markdown(result.item.text(lang))}**")
        if result.hidden:
            st.caption(chosen.hidden_text(result.hidden))
            continue
        for index, share in enumerate(result.choice_shares):
            st.text(t("surveys.results.choice_share", option=result.item.option_label(index, lang),
                      share=format_percent(share, lang)))


def show_trend(viewer: Viewer, chosen: Selection, only_if_shown: bool = False) -> None:
    """Driver scores across closed waves; `only_if_shown`: nothing at all (not even the
    heading) when no wave has a score to show for the group."""
    survey_id = chosen.wave.survey_id
    latest = max(w.wave_id for w in chosen.waves.values() if w.survey_id == survey_id)
    points = read_or_explain(reads.trend, viewer.actor, survey_id, chosen.department_id, latest)
    shown = [p for p in points if p.measure != "enps" and p.value is not None]
    if only_if_shown and not shown:
        return
    st.subheader(t("surveys.results.trend"))
    if not shown:
        st.info(t("surveys.results.trend_empty"))
        return
    if len({p.wave_id for p in shown}) < 2:  # one point per driver is not a trend yet
        st.info(t("surveys.results.trend_one_wave"))
        return
    drivers = list(dict.fromkeys(p.measure for p in shown))
    weakest = sorted((d for d in chosen.results.drivers
                      if d.score is not None and d.driver in drivers), key=lambda d: d.score)
    default = weakest[0].driver if weakest else None
    names = {d: viewer.driver(d) for d in drivers}
    highlight = st.selectbox(
        t("surveys.results.trend_highlight"), [None, *drivers],
        index=[None, *drivers].index(default), key=f"trend_highlight_{chosen.department_id}",
        format_func=lambda d: names[d] if d else t("surveys.results.trend_all"))
    st.plotly_chart(figures.trend(viewer.actor, survey_id, chosen.department_id, latest,
                                  viewer.lang, highlight), **chart_options(viewer.lang))
    if any(p.hidden for p in points):
        st.caption(t("surveys.results.trend_hidden"))
