"""Surveys: answer the open waves; PR and admins design and schedule pulses."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import survey_ui, theme
from dashboard.formatting import format_number, localize_digits
from dashboard.jalali_input import jalali_date_input, jalali_datetime_input
from dashboard.survey_labels import DRIVER_LABELS, ENPS_ANCHORS, LIKERT_LABELS
from dashboard.ui import escape_markdown, locale, read, require_page, run_write, t
from data_access import departments, surveys
from data_access.permissions import can
from data_access.surveys import DEFAULT_COMMENT_THRESHOLD, DEFAULT_MIN_GROUP_SIZE, DRIVERS

actor = require_page("answer_surveys")
lang = locale()
st.title(t("nav.surveys"))
survey_ui.run_clock()
DATE_MESSAGES = {part: t(f"surveys.date_messages.{part}")
                 for part in ("invalid_date", "before_min", "after_max")}


# --- Answering ------------------------------------------------------------------------

def answer_key(wave_id: int, item_id: int) -> str:
    return f"survey_answer_{wave_id}_{item_id}"


def process_submission(form: surveys.WaveForm) -> None:
    """Runs before the form is drawn, on the rerun its submit button caused."""
    wave_id = form.wave.wave_id
    done: set[int] = st.session_state.setdefault("survey_done", set())
    if wave_id in done:  # a double click's second rerun: already recorded
        return
    answers = {item.id: st.session_state.get(answer_key(wave_id, item.id)) for item in form.items}
    problems = surveys.check_answers(form.items, answers)
    st.session_state["survey_problems"] = problems
    if problems:
        return
    if not run_write(surveys.submit, wave_id, answers).ok:
        if read(surveys.has_answered, actor, wave_id):  # another tab or device was first
            st.session_state.setdefault("survey_refused", set()).add(wave_id)
        return
    done.add(wave_id)
    for item in form.items:
        st.session_state.pop(answer_key(wave_id, item.id), None)
    survey_ui.after_submit()
    st.rerun()  # the sidebar reminder was drawn before this submission


def anonymity_notice(form: surveys.WaveForm) -> None:
    with st.container(border=True):
        st.markdown(f"**{t('surveys.notice_title')}**")
        st.markdown("- " + t("surveys.notice_stored", k=form.min_group_size))
        st.markdown("- " + t("surveys.notice_nobody"))
        st.markdown("- " + t("surveys.notice_k", k=form.min_group_size,
                             comments=form.comment_threshold))
        if any(item.kind == "comment" for item in form.items):
            st.markdown("- " + t("surveys.notice_comment"))


def question(form: surveys.WaveForm, item: surveys.FormItem, problems: dict[int, str]) -> None:
    key = answer_key(form.wave.wave_id, item.id)
    number = localize_digits(str(item.position), lang)
    # Labels and options are Markdown: the PR-written text must show literally.
    label = f"{number}. {escape_markdown(item.text(lang))}" + (" *" if item.required else "")
    if item.kind == "likert5":
        with st.container(key=theme.scale_key(key)):  # one row on a phone too
            st.radio(label, options=[1, 2, 3, 4, 5], index=None, key=key, horizontal=True,
                     format_func=LIKERT_LABELS[lang].get)
    elif item.kind == "enps":
        with st.container(key=theme.scale_key(key)):
            st.radio(label, options=list(range(11)), index=None, key=key, horizontal=True,
                     format_func={v: format_number(v, lang) for v in range(11)}.get)
        st.caption(t("surveys.enps_scale", low=ENPS_ANCHORS[lang][0],
                     high=ENPS_ANCHORS[lang][10]))
    elif item.kind == "choice":
        st.radio(label, options=list(range(len(item.options))), index=None, key=key,
                 format_func={i: escape_markdown(item.option_label(i, lang))
                              for i in range(len(item.options))}.get)
    else:
        st.text_area(label, key=key, max_chars=surveys.COMMENT_MAX,
                     placeholder=t("surveys.comment_placeholder"))
    if item.id in problems:
        st.error(t(problems[item.id]), icon=":material/error:")


def answer_form(wave_id: int) -> None:
    form = read(surveys.wave_form, actor, wave_id)
    if st.session_state.get(f"survey_submit_{wave_id}"):
        process_submission(form)
    if st.button(t("surveys.back_to_list"), icon=":material/arrow_back:"):
        st.session_state.pop("survey_wave", None)
        st.rerun()
    st.subheader(escape_markdown(form.wave.title(lang)), anchor=False)
    st.caption(t("surveys.closes_on", when=survey_ui.when(form.wave.closes_at)))
    if wave_id in st.session_state.get("survey_refused", set()):
        st.info(t("surveys.already_done"), icon=":material/info:")
        return
    if wave_id in st.session_state.get("survey_done", set()):
        st.success(t("surveys.thanks"), icon=":material/check_circle:")
        return
    anonymity_notice(form)
    if form.intro(lang):
        st.text(form.intro(lang))
    problems = st.session_state.get("survey_problems") or {}
    if problems:
        st.error(t("surveys.fix_errors"))
    st.caption(t("surveys.required_mark"))
    with st.form(f"survey_form_{wave_id}", enter_to_submit=False):
        for item in form.items:
            question(form, item, problems)
        st.form_submit_button(t("surveys.submit"), type="primary", key=f"survey_submit_{wave_id}",
                              icon=":material/send:")


def wave_list() -> None:
    waves = read(surveys.open_waves_for, actor)
    st.subheader(t("surveys.open_waves"))
    if not waves:
        st.info(t("surveys.none_open"))
        return
    done = st.session_state.get("survey_done", set())
    for wave in waves:
        answered = wave.answered or wave.wave_id in done
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            number = t("surveys.wave_number", number=wave.number)
            left.markdown(f"**{escape_markdown(wave.title(lang))}** · {number}")
            left.caption(t("surveys.closes_on", when=survey_ui.when(wave.closes_at)))
            if answered:
                right.badge(t("surveys.answered"), icon=":material/check:", color="green")
            else:
                right.badge(t("surveys.not_answered"), icon=":material/schedule:", color="orange")
                if right.button(t("surveys.answer_now"), key=f"answer_{wave.wave_id}",
                                type="primary"):
                    st.session_state["survey_wave"] = wave.wave_id
                    st.session_state.pop("survey_problems", None)
                    st.rerun()


def answer_tab() -> None:
    selected = st.session_state.get("survey_wave")
    open_ids = {w.wave_id for w in read(surveys.open_waves_for, actor)}
    if selected in open_ids:  # a wave closed meanwhile falls back to the list
        answer_form(selected)
    else:
        st.session_state.pop("survey_wave", None)
        wave_list()


# --- Design (PR and admins) ----------------------------------------------------------------

def driver_label(driver: str | None) -> str:
    return DRIVER_LABELS[lang].get(driver or "", t("surveys.driver.custom"))


def kind_label(kind: str) -> str:
    return t(f"surveys.kind.{kind}")


def overview() -> None:
    rows = read(surveys.survey_overview, actor)
    st.subheader(t("surveys.existing"))
    if not rows:
        st.info(t("surveys.no_surveys"))
        return
    table = pd.DataFrame([{
        t("surveys.col.title"): row.title(lang),
        t("surveys.col.cadence"): t(f"surveys.cadence.{row.cadence}")
        + (f" ({t('surveys.stopped')})" if row.stopped else ""),
        t("surveys.col.waves"): format_number(row.waves, lang),
        t("surveys.col.open_until"): survey_ui.when(row.open_wave.closes_at)
        if row.open_wave else "—",
        t("surveys.col.next"): survey_ui.when(row.next_opens_at) if row.next_opens_at else "—",
        t("surveys.col.k"): format_number(row.min_group_size, lang),
    } for row in rows])
    st.dataframe(table, hide_index=True, width="stretch")
    labels = {row.id: row.title(lang) for row in rows}
    chosen = st.selectbox(t("surveys.manage_survey"), list(labels), format_func=labels.get,
                          key="survey_manage")
    row = next(r for r in rows if r.id == chosen)
    left, right = st.columns(2)
    if left.button(t("surveys.stop"), disabled=row.stopped or row.cadence == "none",
                   icon=":material/stop_circle:"):
        if run_write(surveys.stop_survey, row.id).ok:
            st.success(t("surveys.stopped_done"))
    if right.button(t("surveys.close_now"), disabled=row.open_wave is None,
                    icon=":material/lock:"):
        if run_write(surveys.close_wave_now, row.open_wave.wave_id).ok:
            survey_ui._clear_reads()
            st.success(t("surveys.closed_done"))


def custom_items(table: pd.DataFrame) -> list[surveys.CustomItem]:
    kinds = {kind_label(kind): kind for kind in ("likert5", "enps", "choice", "comment")}
    drivers = {driver_label(d): d for d in DRIVERS}
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


def design_form() -> None:
    st.subheader(t("surveys.new_survey"))
    bank = read(surveys.bank)
    tree = read(departments.tree, False)
    with st.form("survey_design", enter_to_submit=False):
        left, right = st.columns(2)
        title_fa = left.text_input(t("surveys.title_fa"), max_chars=surveys.TITLE_MAX)
        title_en = right.text_input(t("surveys.title_en"), max_chars=surveys.TITLE_MAX)
        intro_fa = left.text_area(t("surveys.intro_fa"), max_chars=surveys.INTRO_MAX)
        intro_en = right.text_area(t("surveys.intro_en"), max_chars=surveys.INTRO_MAX)
        texts = {item.code: item for item in bank}
        codes = st.multiselect(
            t("surveys.bank_items"), list(texts),
            format_func={c: f"{driver_label(texts[c].driver)} · "
                            f"{texts[c].text_en if lang == 'en' else texts[c].text_fa}"
                         for c in texts}.get)
        st.markdown(f"**{t('surveys.custom_items')}**")
        st.caption(t("surveys.custom_help"))
        kinds = [kind_label(k) for k in ("likert5", "enps", "choice", "comment")]
        edited = st.data_editor(
            pd.DataFrame({"kind": pd.Series([], dtype="object"),
                          "text_fa": pd.Series([], dtype="object"),
                          "text_en": pd.Series([], dtype="object"),
                          "options": pd.Series([], dtype="object"),
                          "driver": pd.Series([], dtype="object"),
                          "required": pd.Series([], dtype="bool")}),
            num_rows="dynamic", width="stretch", key="survey_custom",
            column_config={
                "kind": st.column_config.SelectboxColumn(t("surveys.col.kind"), options=kinds,
                                                         default=kinds[0], required=True),
                "text_fa": st.column_config.TextColumn(t("surveys.col.text_fa"),
                                                       max_chars=surveys.ITEM_TEXT_MAX),
                "text_en": st.column_config.TextColumn(t("surveys.col.text_en"),
                                                       max_chars=surveys.ITEM_TEXT_MAX),
                "options": st.column_config.TextColumn(t("surveys.col.options")),
                "driver": st.column_config.SelectboxColumn(
                    t("surveys.col.driver"), options=[driver_label(d) for d in DRIVERS]),
                "required": st.column_config.CheckboxColumn(t("surveys.col.required"),
                                                            default=True),
            })
        audience_all = st.radio(t("surveys.audience"), [True, False], horizontal=True,
                                format_func={True: t("surveys.audience_all"),
                                             False: t("surveys.audience_some")}.get)
        names = {node.id: ("\u2003" * node.depth) + node.label(lang) for node in tree}
        chosen = st.multiselect(t("surveys.audience_departments"), list(names),
                                format_func=names.get)
        now = survey_ui.now()
        opens_at = jalali_datetime_input(t("surveys.opens_at"), key="survey_opens", value=now,
                                         locale=lang, messages=DATE_MESSAGES)
        closes_at = jalali_datetime_input(t("surveys.closes_at"), key="survey_closes",
                                          value=now + timedelta(days=7), locale=lang,
                                          messages=DATE_MESSAGES)
        left, middle, right = st.columns(3)
        cadence = left.selectbox(t("surveys.cadence"), list(surveys.CADENCES),
                                 format_func={c: t(f"surveys.cadence.{c}")
                                              for c in surveys.CADENCES}.get)
        k = middle.number_input(t("surveys.min_group_size"), min_value=3,
                                max_value=surveys.MAX_GROUP_SIZE, value=DEFAULT_MIN_GROUP_SIZE,
                                help=t("surveys.min_group_size_help"))
        threshold = right.number_input(t("surveys.comment_threshold"), min_value=3,
                                       max_value=surveys.MAX_GROUP_SIZE,
                                       value=DEFAULT_COMMENT_THRESHOLD,
                                       help=t("surveys.comment_threshold_help"))
        repeat_until = jalali_date_input(t("surveys.repeat_until"), key="survey_repeat",
                                         locale=lang, messages=DATE_MESSAGES)
        submitted = st.form_submit_button(t("surveys.create"), type="primary",
                                          icon=":material/event_available:")
    if not submitted:
        return
    from dashboard.formatting import tehran_local_to_utc

    draft = surveys.SurveyDraft(
        title_fa=title_fa, title_en=title_en, intro_fa=intro_fa, intro_en=intro_en,
        opens_at=opens_at, closes_at=closes_at, bank_codes=codes,
        custom_items=custom_items(edited), audience_all=audience_all,
        audience_departments=chosen, cadence=cadence,
        repeat_until=tehran_local_to_utc(repeat_until, 23, 59) if repeat_until else None,
        min_group_size=int(k), comment_threshold=int(threshold))
    if opens_at is None or closes_at is None:
        st.error(t("errors.required"))
        return
    if run_write(surveys.create_survey, draft).ok:
        survey_ui._clear_reads()
        st.success(t("surveys.created"))


def bank_tab() -> None:
    st.caption(t("surveys.bank_builtin"))
    items = read(surveys.bank)
    st.dataframe(pd.DataFrame([{
        t("surveys.bank_driver"): driver_label(item.driver),
        t("surveys.bank_text"): item.text_en if lang == "en" else item.text_fa,
    } for item in items]), hide_index=True, width="stretch")
    if not can(actor, "manage_question_bank"):
        return
    with st.form("survey_bank_add", clear_on_submit=True, enter_to_submit=False):
        st.markdown(f"**{t('surveys.bank_add')}**")
        driver = st.selectbox(t("surveys.bank_driver"), list(DRIVERS),
                              format_func={d: driver_label(d) for d in DRIVERS}.get)
        text_fa = st.text_input(t("surveys.col.text_fa"), max_chars=surveys.ITEM_TEXT_MAX)
        text_en = st.text_input(t("surveys.col.text_en"), max_chars=surveys.ITEM_TEXT_MAX)
        if st.form_submit_button(t("surveys.bank_add")):
            if run_write(surveys.add_bank_item, driver, text_fa, text_en).ok:
                st.success(t("surveys.bank_added"))


if can(actor, "design_surveys"):
    answer, design, bank_view = st.tabs([t("surveys.answer_tab"), t("surveys.design_tab"),
                                         t("surveys.bank_tab")])
    with answer:
        answer_tab()
    with design:
        overview()
        design_form()
    with bank_view:
        bank_tab()
else:
    answer_tab()
