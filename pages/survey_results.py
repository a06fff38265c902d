"""Survey results: managers for their department subtree, PR and admins for all.

Every figure comes from the pre-aggregated results of closed waves, with the
suppression decided when the wave closed; hidden figures say why.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import survey_ui
from dashboard.exports import csv_bytes, xlsx_bytes
from dashboard.formatting import (
    format_date,
    format_number,
    format_percent,
    format_signed,
    local_today,
)
from dashboard.jalali_input import jalali_date_input
from dashboard.survey_labels import DRIVER_LABELS
from dashboard.ui import escape_markdown, locale, read, require_page, run_write, t
from data_access import action_items, surveys
from data_access.permissions import can
from data_access.surveys import band

actor = require_page("view_survey_results")
lang = locale()
st.title(t("nav.survey_results"))
survey_ui.run_clock()
MISSING = "—"

waves = {wave.wave_id: wave for wave in survey_ui.result_waves(actor)}
if not waves:
    st.info(t("surveys.results.no_waves"))
    st.stop()
closed = [w for w in waves.values() if w.status == "closed"]
default_wave = (closed or list(waves.values()))[0].wave_id
left, right = st.columns([3, 2])
# Labels are computed here: a format_func must not read the session (locale) later.
wave_labels = {w: survey_ui.wave_label(wave) for w, wave in waves.items()}
wave_id = left.selectbox(t("surveys.results.wave"), list(waves), format_func=wave_labels.get,
                         index=list(waves).index(default_wave), key="results_wave")
wave = waves[wave_id]
k = wave.min_group_size
groups = {ref.id: ref for ref in survey_ui.result_departments(actor, wave_id)}
own_default = None if can(actor, "view_all_results") else actor.department_id
group_ids = list(groups) or [own_default]
group_labels = {d: ref.label(lang) for d, ref in groups.items()}
department_id = right.selectbox(
    t("surveys.results.group"), group_ids,
    index=group_ids.index(own_default) if own_default in group_ids else 0,
    format_func=lambda d: group_labels.get(d, MISSING), key=f"results_group_{wave_id}")
results = survey_ui.group_results(actor, wave_id, department_id, wave.status)
group_name = escape_markdown(results.department.label(lang))  # for Markdown labels
# The whole audience beside the group, only when this viewer may see it (a
# manager: when the wave's whole audience lies inside their subtree).
compared = department_id is not None and results.organisation_participation is not None


def hidden_text(reason: str | None) -> str:
    return t(f"surveys.results.hidden.{reason}", k=k) if reason else ""


def percent(value: float | None) -> str:
    return MISSING if value is None else format_percent(value / 100, lang)


def number(value: float | None, decimals: int = 0) -> str:
    return MISSING if value is None else format_number(value, lang, decimals)


def participation_metric(where, label: str, part: surveys.Participation) -> None:
    if part.hidden:
        where.metric(label, MISSING, help=hidden_text(part.hidden))
        where.caption(hidden_text(part.hidden))
    else:
        where.metric(label, format_percent(part.rate, lang))
        where.caption(t("surveys.results.participation_value", respondents=part.respondents,
                        invited=part.invited))


# --- Participation, status and eNPS ---------------------------------------------------------

if wave.status != "closed":
    st.info(t("surveys.results.open_wave", when=survey_ui.when(wave.closes_at)))
if results.hidden:
    st.warning(t(f"surveys.results.hidden_group.{results.hidden}", k=k),
               icon=":material/visibility_off:")
if results.reported_under:
    st.caption(t("surveys.results.reported_under",
                 department=escape_markdown(results.reported_under.label(lang))))

first, second, third = st.columns(3)
participation_metric(first, f"{t('surveys.results.participation')} · {group_name}",
                     results.participation)
if compared:
    participation_metric(second, f"{t('surveys.results.participation')} · "
                                 f"{t('surveys.results.organisation')}",
                         results.organisation_participation)
st.caption(t("surveys.results.participation_formula"))

enps = results.enps
if enps is not None:
    if enps.hidden or enps.enps is None:
        third.metric(t("surveys.results.enps"), MISSING)
        third.caption(hidden_text(enps.hidden))
    else:
        org = enps.org_enps
        third.metric(t("surveys.results.enps"), format_signed(enps.enps.enps, lang))
        third.caption(t("surveys.results.enps_parts",
                        promoters=percent(enps.enps.promoters_pct),
                        passives=percent(enps.enps.passives_pct),
                        detractors=percent(enps.enps.detractors_pct)))
        if org is not None and compared:
            third.caption(t("surveys.results.enps_org", value=format_signed(org.enps, lang)))
    st.caption(t("surveys.results.formula_enps"))


# --- Drivers against the organisation, and items ------------------------------------------------

def likert_columns(summary, score, org_score) -> dict[str, str]:
    columns = {
        t("surveys.results.col.score"): number(score),
        t("surveys.results.col.favorable"): percent(summary.favorable_pct if summary else None),
        t("surveys.results.col.neutral"): percent(summary.neutral_pct if summary else None),
        t("surveys.results.col.unfavorable"):
            percent(summary.unfavorable_pct if summary else None),
        t("surveys.results.col.mean"): number(summary.mean if summary else None, 2),
        t("surveys.results.col.org_score"): number(org_score),
        t("surveys.results.col.difference"): MISSING if score is None or org_score is None
        else format_signed(score - org_score, lang),
    }
    if not compared:  # the group is the organisation itself, or it is not shown
        columns.pop(t("surveys.results.col.org_score"))
        columns.pop(t("surveys.results.col.difference"))
    return columns


def band_text(summary) -> str:
    return t(f"surveys.results.band.{band(summary.favorable_pct)}") if summary else MISSING


if results.drivers:
    st.subheader(t("surveys.results.drivers"))
    rows = []
    for driver in results.drivers:
        rows.append({
            t("surveys.results.col.driver"): DRIVER_LABELS[lang][driver.driver],
            **likert_columns(driver.summary, driver.score, driver.org_score),
            t("surveys.results.col.band"): band_text(driver.summary),
            t("surveys.results.col.status"): hidden_text(driver.hidden),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("surveys.results.formula_likert"))
    st.caption(t("surveys.results.formula_driver"))
    if compared and any(d.score is not None for d in results.drivers):
        st.markdown(f"**{t('surveys.results.compare')}**")
        st.plotly_chart(survey_ui.compare_figure(actor, wave_id, department_id, wave.status, lang),
                        width="stretch", config={"displayModeBar": False})

if results.items:
    st.subheader(t("surveys.results.items"))
    rows = []
    for result in results.items:
        if result.item.kind != "likert5":
            continue
        org_score = result.org_likert.score if result.org_likert else None
        rows.append({
            t("surveys.results.col.item"): result.item.text(lang),
            t("surveys.results.col.n"): number(result.n),
            **likert_columns(result.likert, result.likert.score if result.likert else None,
                             org_score),
            t("surveys.results.col.status"): hidden_text(result.hidden),
        })
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for result in results.items:
        if result.item.kind == "choice":
            st.markdown(f"**{escape_markdown(result.item.text(lang))}**")
            if result.hidden:
                st.caption(hidden_text(result.hidden))
            else:
                for index, share in enumerate(result.choice_shares):
                    st.text(t("surveys.results.choice_share",
                              option=result.item.option_label(index, lang),
                              share=format_percent(share, lang)))


# --- Trend --------------------------------------------------------------------------------------

st.subheader(t("surveys.results.trend"))
latest = max(w.wave_id for w in waves.values() if w.survey_id == wave.survey_id)
points = survey_ui.trend(actor, wave.survey_id, department_id, latest)
drivers_in_trend = [p for p in points if p.measure != "enps"]
if not drivers_in_trend:
    st.info(t("surveys.results.trend_empty"))
else:
    st.plotly_chart(survey_ui.trend_figure(actor, wave.survey_id, department_id, latest, lang),
                    width="stretch", config={"displayModeBar": False})
    if any(p.hidden for p in points):
        st.caption(t("surveys.results.trend_hidden"))


# --- Department × driver heatmap --------------------------------------------------------------

def heatmap_section() -> None:
    st.subheader(t("surveys.results.heatmap"))
    rows = survey_ui.heatmap(actor, wave_id, department_id)
    if not rows:
        st.info(t("surveys.results.heatmap_empty"))
        return
    focus = escape_markdown(rows[0].department.label(lang))
    st.caption(t("surveys.results.heatmap_caption", department=focus))
    st.plotly_chart(survey_ui.heatmap_figure(actor, wave_id, department_id, k, lang),
                    width="stretch", config={"displayModeBar": False})
    notes = [{t("surveys.results.col.department"): row.department.label(lang),
              t("surveys.results.col.status"): hidden_text(row.hidden)
              + (" · " + t("surveys.results.reported_under",
                           department=row.reported_under.label(lang))
                 if row.reported_under else "")}
             for row in rows if row.hidden]
    if notes:
        st.dataframe(pd.DataFrame(notes), hide_index=True, width="stretch")


if wave.status == "closed":
    heatmap_section()


# --- Comments ----------------------------------------------------------------------------------

def comments_section() -> None:
    st.subheader(t("surveys.results.comments"))
    found = survey_ui.comments(actor, wave_id, department_id)
    if not found.shown:
        st.info(t("surveys.results.comments_hidden", threshold=found.threshold))
        return
    st.caption(t("surveys.results.comments_note"))
    if not found.by_item:
        st.info(t("surveys.results.no_comments"))
    limit_key = f"comments_limit_{wave_id}_{department_id}"
    limit = st.session_state.get(limit_key, 20)
    for item, texts in found.by_item:
        st.markdown(f"**{escape_markdown(item.text(lang))}**")
        st.caption(t("surveys.results.comments_count", shown=min(limit, len(texts)),
                     total=len(texts)))
        for text in texts[:limit]:
            # User text: plain text only, never Markdown or HTML.
            st.container(border=True).text(survey_ui.isolate(text))
        if len(texts) > limit and st.button(t("surveys.results.comments_more"),
                                            key=f"more_{item.id}"):
            st.session_state[limit_key] = limit + 40
            st.rerun()


if wave.status == "closed":
    comments_section()


# --- Exports ----------------------------------------------------------------------------------

def export_frame() -> pd.DataFrame:
    rows = read(surveys.export_rows, actor, wave_id)

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return pd.DataFrame([{
        t("surveys.results.col.department"): row.department.label(lang),
        t("surveys.results.col.measure"): t(f"surveys.results.measure.{row.measure}"),
        t("surveys.results.col.code"): DRIVER_LABELS[lang].get(row.code, row.code),
        t("surveys.results.col.item"): (row.text_en or row.text_fa) if lang == "en"
        else row.text_fa,
        t("surveys.results.col.n"): row.n,
        t("surveys.results.col.invited"): row.invited,
        t("surveys.results.col.participation"):
            None if row.participation is None else round(100 * row.participation, 1),
        t("surveys.results.col.favorable"): pct(row.favorable_pct),
        t("surveys.results.col.neutral"): pct(row.neutral_pct),
        t("surveys.results.col.unfavorable"): pct(row.unfavorable_pct),
        t("surveys.results.col.mean"): None if row.mean is None else round(row.mean, 2),
        t("surveys.results.col.score"): pct(row.score),
        t("surveys.results.col.enps"): pct(row.enps),
        t("surveys.results.col.promoters"): pct(row.promoters_pct),
        t("surveys.results.col.passives"): pct(row.passives_pct),
        t("surveys.results.col.detractors"): pct(row.detractors_pct),
        t("surveys.results.col.hidden"): hidden_text(row.hidden),
        t("surveys.results.col.reported_under"):
            row.reported_under.label(lang) if row.reported_under else "",
    } for row in rows])


def export_csv() -> bytes:
    return csv_bytes(export_frame())


def export_excel() -> bytes:
    return xlsx_bytes(export_frame(), "results", right_to_left=lang == "fa")


if wave.status == "closed":
    st.subheader(t("surveys.results.export"))
    st.caption(t("surveys.results.export_caption"))
    name = f"peyvand-survey-{wave.survey_id}-wave-{wave.number}"
    left, right = st.columns(2)
    left.download_button(t("surveys.results.export_csv"), data=export_csv,
                         file_name=f"{name}.csv", mime="text/csv", on_click="ignore",
                         icon=":material/download:")
    right.download_button(t("surveys.results.export_excel"), data=export_excel,
                          file_name=f"{name}.xlsx", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument"
                               ".spreadsheetml.sheet", icon=":material/table_view:")


# --- Action items from a driver's result ---------------------------------------------------------

def actions_section() -> None:
    st.subheader(t("surveys.actions.title"))
    st.caption(t("surveys.actions.caption"))
    existing = survey_ui.action_items(actor, wave_id)
    if existing:
        st.dataframe(pd.DataFrame([{
            t("surveys.actions.col.title"): a.title,
            t("surveys.actions.driver"): DRIVER_LABELS[lang].get(a.driver or "", MISSING),
            t("surveys.actions.col.group"): a.department.label(lang),
            t("surveys.actions.col.owner"): a.owner,
            t("surveys.actions.col.due"): format_date(a.due_on, lang, "long"),
            t("surveys.actions.col.status"): t(f"surveys.actions.status.{a.status}"),
        } for a in existing]), hide_index=True, width="stretch")
    else:
        st.caption(t("surveys.actions.none"))
    if not can(actor, "create_action_items"):
        return
    visible = [d.driver for d in results.drivers if not d.hidden]
    if not visible:
        st.info(t("surveys.actions.no_driver"))
        return
    owners = dict(survey_ui.owner_choices(actor, department_id))
    with st.form(f"action_{wave_id}_{department_id}", clear_on_submit=True,
                 enter_to_submit=False):
        st.markdown(f"**{t('surveys.actions.new')} · {group_name}**")
        driver = st.selectbox(t("surveys.actions.driver"), visible,
                              format_func=DRIVER_LABELS[lang].get)
        title = st.text_input(t("surveys.actions.item_title"),
                              max_chars=surveys.ACTION_TITLE_MAX)
        description = st.text_area(t("surveys.actions.description"),
                                   max_chars=surveys.ACTION_DESCRIPTION_MAX)
        owner = st.selectbox(t("surveys.actions.owner"), list(owners), format_func=owners.get)
        due_on = jalali_date_input(
            t("surveys.actions.due_on"), key=f"action_due_{wave_id}", locale=lang,
            min_value=local_today(), max_value=action_items.latest_due_on(local_today()),
            messages={part: t(f"surveys.date_messages.{part}")
                      for part in ("invalid_date", "before_min", "after_max")})
        if st.form_submit_button(t("surveys.actions.create"), type="primary",
                                 icon=":material/add_task:"):
            if run_write(surveys.create_action_item, wave_id, driver, department_id, title,
                         owner, due_on, description).ok:
                survey_ui.action_items.clear()
                st.success(t("surveys.actions.created"))


if wave.status == "closed":
    actions_section()
