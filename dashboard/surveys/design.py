"""Design (PR and admins): the surveys so far, a new survey, and the question bank."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import tables
from dashboard.formatting import format_number
from dashboard.jalali_input import jalali_date_input, jalali_datetime_text_input
from dashboard.number_input import whole_number_input
from dashboard.surveys import reads
from dashboard.surveys.viewer import MISSING, Viewer
from dashboard.ui import (
    date_messages,
    escape_markdown,
    flash,
    read,
    read_or_explain,
    run_write,
    t,
)
from data_access import departments, surveys
from data_access.clock import utcnow

KINDS = ("likert5", "enps", "choice", "comment")


def show_overview(viewer: Viewer) -> None:
    rows = read_or_explain(read, surveys.survey_overview, viewer.actor)
    st.subheader(t("surveys.existing"))
    if not rows:
        st.info(t("surveys.no_surveys"))
        return
    lang = viewer.lang
    tables.show([{
        t("surveys.col.title"): row.title(lang),
        t("surveys.col.cadence"): t(f"surveys.cadence.{row.cadence}")
        + (f" ({t('surveys.stopped')})" if row.stopped else ""),
        t("surveys.col.waves"): format_number(row.waves, lang),
        t("surveys.col.open_until"): viewer.when(row.open_wave.closes_at)
        if row.open_wave else MISSING,
        t("surveys.col.next"): viewer.when(row.next_opens_at) if row.next_opens_at else MISSING,
        t("surveys.col.k"): format_number(row.min_group_size, lang),
    } for row in rows], lang)
    labels = {row.id: row.title(lang) for row in rows}
    chosen = st.selectbox(t("surveys.manage_survey"), list(labels), format_func=labels.get,
                          key="survey_manage")
    row = next(r for r in rows if r.id == chosen)
    left, right = st.columns(2)
    with left:
        _stop(viewer, row)
    with right:
        _close_now(viewer, row)


def _write_then_say(write, target: int, message: str) -> None:
    """A confirmed button's write, run as its callback: before the page is drawn, so the
    table above shows the change in the click's own run (no second run)."""
    if run_write(write, target).ok:
        reads.after_design()
        flash(t(message))


def _stop(viewer: Viewer, row: surveys.SurveyOverview) -> None:
    """Stopping recurrence cannot be undone: the popover says what stops and what stays."""
    if row.stopped or row.cadence == "none":
        st.button(t("surveys.stop"), disabled=True, icon=":material/stop_circle:",
                  key="survey_stop_off")
        return
    with st.popover(t("surveys.stop"), icon=":material/stop_circle:", width="stretch"):
        st.markdown(t("surveys.stop_impact", title=escape_markdown(row.title(viewer.lang)),
                      next=viewer.when(row.next_opens_at) if row.next_opens_at else MISSING))
        if row.open_wave:
            st.caption(t("surveys.stop_open_stays", until=viewer.when(row.open_wave.closes_at)))
        st.caption(t("surveys.irreversible"))
        st.button(t("surveys.stop_confirm"), type="primary", key=f"survey_stop_{row.id}",
                  on_click=_write_then_say, args=(surveys.stop_survey, row.id,
                                                  "surveys.stopped_done"))


def _close_now(viewer: Viewer, row: surveys.SurveyOverview) -> None:
    """Closing publishes the results at once: the popover counts the answers so far and
    the people who will read the results."""
    if row.open_wave is None:
        st.button(t("surveys.close_now"), disabled=True, icon=":material/lock:",
                  key="survey_close_off")
        return
    wave_id = row.open_wave.wave_id
    with st.popover(t("surveys.close_now"), icon=":material/lock:", width="stretch"):
        impact = read_or_explain(read, surveys.close_impact, viewer.actor, wave_id)
        st.markdown(t("surveys.close_impact", respondents=impact.respondents,
                      invited=impact.invited, readers=impact.readers))
        if impact.respondents < row.min_group_size:
            st.warning(t("surveys.close_few_answers", k=row.min_group_size))
        st.caption(t("surveys.irreversible"))
        st.button(t("surveys.close_confirm", readers=impact.readers), type="primary",
                  key=f"survey_close_{wave_id}", on_click=_write_then_say,
                  args=(surveys.close_wave_now, wave_id, "surveys.closed_done"))


def _custom_items(viewer: Viewer, table: pd.DataFrame) -> list[surveys.CustomItem]:
    kinds = {t(f"surveys.kind.{kind}"): kind for kind in KINDS}
    drivers = {viewer.driver(d): d for d in surveys.DRIVERS}
    found = []
    for row in table.to_dict("records"):
        text_fa = (row.get("text_fa") or "").strip()
        if not text_fa and not (row.get("text_en") or "").strip():
            continue
        options = tuple((part.strip(), None) for part in (row.get("options") or "").split("|")
                        if part.strip())
        found.append(surveys.CustomItem(
            kind=kinds.get(row.get("kind"), "likert5"), text_fa=text_fa,
            text_en=row.get("text_en") or None, options=options,
            required=bool(row.get("required", True)), driver=drivers.get(row.get("driver"))))
    return found


def _custom_editor(viewer: Viewer) -> pd.DataFrame:
    kinds = [t(f"surveys.kind.{k}") for k in KINDS]
    text = st.column_config.TextColumn
    return st.data_editor(
        pd.DataFrame({column: pd.Series([], dtype="object")
                      for column in ("kind", "text_fa", "text_en", "options", "driver")}
                     | {"required": pd.Series([], dtype="bool")}),
        num_rows="dynamic", width="stretch", key="survey_custom",
        column_order=tables.reading_order(
            ["kind", "text_fa", "text_en", "options", "driver", "required"], viewer.lang),
        column_config={
            "kind": st.column_config.SelectboxColumn(t("surveys.col.kind"), options=kinds,
                                                     default=kinds[0], required=True),
            "text_fa": text(t("surveys.col.text_fa"), max_chars=surveys.ITEM_TEXT_MAX),
            "text_en": text(t("surveys.col.text_en"), max_chars=surveys.ITEM_TEXT_MAX),
            "options": text(t("surveys.col.options")),
            "driver": st.column_config.SelectboxColumn(
                t("surveys.col.driver"), options=[viewer.driver(d) for d in surveys.DRIVERS]),
            "required": st.column_config.CheckboxColumn(t("surveys.col.required"), default=True),
        })


def show_form(viewer: Viewer) -> None:
    st.subheader(t("surveys.new_survey"))
    lang, messages = viewer.lang, date_messages()
    bank = {item.code: item for item in read_or_explain(read, surveys.bank)}
    with st.form("survey_design", enter_to_submit=False):
        left, right = st.columns(2)
        title_fa = left.text_input(t("surveys.title_fa"), max_chars=surveys.TITLE_MAX)
        title_en = right.text_input(t("surveys.title_en"), max_chars=surveys.TITLE_MAX)
        intro_fa = left.text_area(t("surveys.intro_fa"), max_chars=surveys.INTRO_MAX)
        intro_en = right.text_area(t("surveys.intro_en"), max_chars=surveys.INTRO_MAX)
        codes = st.multiselect(
            t("surveys.bank_items"), list(bank),
            format_func={c: f"{viewer.driver(i.driver)} · {viewer.text(i.text_fa, i.text_en)}"
                         for c, i in bank.items()}.get, placeholder=t("surveys.choose_items"))
        st.markdown(f"**{t('surveys.custom_items')}**")
        st.caption(t("surveys.custom_help"))
        edited = _custom_editor(viewer)
        audience_all = st.radio(t("surveys.audience"), [True, False], horizontal=True,
                                format_func={True: t("surveys.audience_all"),
                                             False: t("surveys.audience_some")}.get)
        names = {node.id: ("\u2003" * node.depth) + node.label(lang)
                 for node in read(departments.tree, False)}
        chosen = st.multiselect(t("surveys.audience_departments"), list(names),
                                format_func=names.get,
                                placeholder=t("surveys.choose_departments"))
        now = utcnow()
        opens_at = jalali_datetime_text_input(t("surveys.opens_at"), key="survey_opens",
                                              value=now, locale=lang, messages=messages)
        closes_at = jalali_datetime_text_input(t("surveys.closes_at"), key="survey_closes",
                                               value=now + timedelta(days=7), locale=lang,
                                               messages=messages)
        left, middle, right = st.columns(3)
        cadence = left.selectbox(t("surveys.cadence"), list(surveys.CADENCES),
                                 format_func={c: t(f"surveys.cadence.{c}")
                                              for c in surveys.CADENCES}.get)
        k = whole_number_input(t("surveys.min_group_size"), key="survey_k", where=middle,
                               min_value=surveys.MIN_ALLOWED_GROUP_SIZE,
                               max_value=surveys.MAX_GROUP_SIZE,
                               value=surveys.DEFAULT_MIN_GROUP_SIZE,
                               help=t("surveys.min_group_size_help"))
        threshold = whole_number_input(t("surveys.comment_threshold"), where=right,
                                       key="survey_comment_threshold",
                                       min_value=surveys.MIN_ALLOWED_GROUP_SIZE,
                                       max_value=surveys.MAX_GROUP_SIZE,
                                       value=surveys.DEFAULT_COMMENT_THRESHOLD,
                                       help=t("surveys.comment_threshold_help"))
        repeat_until = jalali_date_input(t("surveys.repeat_until"), key="survey_repeat",
                                         locale=lang, messages=messages)
        submitted = st.form_submit_button(t("surveys.create"), type="primary",
                                          icon=":material/event_available:")
    if not submitted or k is None or threshold is None:  # a bad number says so under it
        return
    if opens_at is None or closes_at is None:
        st.error(t("errors.required"))
        return
    draft = surveys.SurveyDraft(
        title_fa=title_fa, title_en=title_en, intro_fa=intro_fa, intro_en=intro_en,
        opens_at=opens_at, closes_at=closes_at, bank_codes=codes,
        custom_items=_custom_items(viewer, edited), audience_all=audience_all,
        audience_departments=chosen, cadence=cadence,
        repeat_until=repeat_until,
        min_group_size=int(k), comment_threshold=int(threshold))
    if run_write(surveys.create_survey, draft).ok:
        reads.after_design()
        st.success(t("surveys.created"))


def show_bank(viewer: Viewer) -> None:
    st.caption(t("surveys.bank_builtin"))
    tables.show([{
        t("surveys.bank_text"): viewer.text(item.text_fa, item.text_en),
        t("surveys.bank_driver"): viewer.driver(item.driver),
    } for item in read_or_explain(read, surveys.bank)], viewer.lang)
    if not viewer.may_manage_bank:
        return
    with st.form("survey_bank_add", clear_on_submit=True, enter_to_submit=False):
        st.markdown(f"**{t('surveys.bank_add')}**")
        driver = st.selectbox(t("surveys.bank_driver"), list(surveys.DRIVERS),
                              format_func={d: viewer.driver(d) for d in surveys.DRIVERS}.get)
        text_fa = st.text_input(t("surveys.col.text_fa"), max_chars=surveys.ITEM_TEXT_MAX)
        text_en = st.text_input(t("surveys.col.text_en"), max_chars=surveys.ITEM_TEXT_MAX)
        if st.form_submit_button(t("surveys.bank_add")):
            if run_write(surveys.add_bank_item, driver, text_fa, text_en).ok:
                st.success(t("surveys.bank_added"))
