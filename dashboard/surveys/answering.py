"""Answering: the open waves for this person, and the form of the one they chose."""

from __future__ import annotations

import streamlit as st

from dashboard import theme
from dashboard.formatting import format_number, localize_digits
from dashboard.surveys import reads
from dashboard.surveys.viewer import Viewer, enps_anchor, likert_label
from dashboard.ui import (
    back_icon,
    escape_markdown,
    forget_refusal,
    read,
    read_or_explain,
    said_at,
    show_refusal,
    t,
    write_in_callback,
)
from data_access import surveys
from data_access.errors import DomainError


def answer_key(wave_id: int, item_id: int) -> str:
    return f"survey_answer_{wave_id}_{item_id}"


def show(viewer: Viewer) -> None:
    """The chosen wave's form, or the list of open waves."""
    selected = st.session_state.get("survey_wave")
    waves = read_or_explain(reads.open_waves, viewer.actor)
    if selected in {w.wave_id for w in waves}:  # a wave closed meanwhile falls back to the list
        _answer_form(viewer, selected)
    else:
        st.session_state.pop("survey_wave", None)
        _wave_list(viewer, waves)


def _submit(viewer: Viewer, wave_id: int) -> None:
    """The submit button's callback. It runs before the page is drawn, the sidebar's
    reminder included, so the thanks and the updated reminder show in the click's own
    run (one run, not two)."""
    if wave_id in st.session_state.setdefault("survey_done", set()):
        return  # a double click's second submission: already recorded
    with said_at(_place(wave_id)):
        _submit_answers(viewer, wave_id)


def _submit_answers(viewer: Viewer, wave_id: int) -> None:
    try:
        form = read(surveys.wave_form, viewer.actor, wave_id)
    except DomainError:
        return  # closed meanwhile: the page falls back to the list of open waves
    answers = {item.id: st.session_state.get(answer_key(wave_id, item.id)) for item in form.items}
    problems = surveys.check_answers(form.items, answers)
    st.session_state["survey_problems"] = problems
    if problems:
        return
    # Noted before the write: a double click's second submission can reach the server
    # after the first was stored but before this session noted it as done (seen once in
    # a browser test: the thanks was replaced by "you have already answered").
    attempted = st.session_state.setdefault("survey_attempted", set())
    tried_before = wave_id in attempted
    attempted.add(wave_id)
    if not write_in_callback(_place(wave_id), surveys.submit, wave_id, answers).ok:
        if read(surveys.has_answered, viewer.actor, wave_id):
            if not tried_before:  # another tab or device was first
                st.session_state.setdefault("survey_refused", set()).add(wave_id)
                return
            # This session's own earlier click was stored: thank, do not refuse.
            forget_refusal(_place(wave_id))
        else:
            return
    st.session_state["survey_done"].add(wave_id)
    for item in form.items:
        st.session_state.pop(answer_key(wave_id, item.id), None)
    reads.after_answer()


def _place(wave_id: int) -> str:
    return f"survey_form_{wave_id}"


def _open_wave(wave_id: int | None) -> None:
    """To a wave's form (None: back to the list of open waves)."""
    if wave_id is None:
        st.session_state.pop("survey_wave", None)
    else:
        st.session_state["survey_wave"] = wave_id
        st.session_state.pop("survey_problems", None)


def _anonymity_notice(form: surveys.WaveForm) -> None:
    with st.container(border=True):
        st.markdown(f"**{t('surveys.notice_title')}**")
        st.markdown("- " + t("surveys.notice_stored", k=form.min_group_size))
        st.markdown("- " + t("surveys.notice_nobody"))
        st.markdown("- " + t("surveys.notice_k", k=form.min_group_size,
                             comments=form.comment_threshold))
        if any(item.kind == "comment" for item in form.items):
            st.markdown("- " + t("surveys.notice_comment"))


def _question(viewer: Viewer, form: surveys.WaveForm, item: surveys.FormItem,
              problems: dict[int, str]) -> None:
    lang = viewer.lang
    key = answer_key(form.wave.wave_id, item.id)
    number = localize_digits(str(item.position), lang)
    # Labels and options are Markdown: the PR-written text must show literally.
    label = f"{number}. {escape_markdown(item.text(lang))}" + (" *" if item.required else "")
    if item.kind == "likert5":
        with st.container(key=theme.scale_key(key)):  # one row on a phone too
            st.radio(label, options=[1, 2, 3, 4, 5], index=None, key=key, horizontal=True,
                     format_func={v: likert_label(v, lang) for v in range(1, 6)}.get)
    elif item.kind == "enps":
        with st.container(key=theme.scale_key(key)):
            st.radio(label, options=list(range(11)), index=None, key=key, horizontal=True,
                     format_func={v: format_number(v, lang) for v in range(11)}.get)
        st.caption(t("surveys.enps_scale", low=enps_anchor(0, lang), high=enps_anchor(10, lang)))
    elif item.kind == "choice":
        st.radio(label, options=list(range(len(item.options))), index=None, key=key,
                 format_func={i: escape_markdown(item.option_label(i, lang))
                              for i in range(len(item.options))}.get)
    else:
        st.text_area(label, key=key, max_chars=surveys.COMMENT_MAX,
                     placeholder=t("surveys.comment_placeholder"))
    if item.id in problems:
        st.error(t(problems[item.id]), icon=":material/error:")


def _answer_form(viewer: Viewer, wave_id: int) -> None:
    form = read_or_explain(read, surveys.wave_form, viewer.actor, wave_id)
    # Callbacks, not "if clicked: ...; st.rerun()": the click's own run already shows the
    # other screen (one run, not two).
    st.button(t("surveys.back_to_list"), icon=back_icon(), on_click=_open_wave,
              args=(None,), key="survey_back")
    st.subheader(escape_markdown(form.wave.title(viewer.lang)), anchor=False)
    st.caption(t("surveys.closes_on", when=viewer.when(form.wave.closes_at)))
    if wave_id in st.session_state.get("survey_refused", set()):
        show_refusal(_place(wave_id))
        st.info(t("surveys.already_done"), icon=":material/info:")
        return
    if wave_id in st.session_state.get("survey_done", set()):
        st.success(t("surveys.thanks"), icon=":material/check_circle:")
        return
    _anonymity_notice(form)
    if form.intro(viewer.lang):
        st.text(form.intro(viewer.lang))
    problems = st.session_state.get("survey_problems") or {}
    if problems:
        st.error(t("surveys.fix_errors"))
    st.caption(t("surveys.required_mark"))
    with st.form(f"survey_form_{wave_id}", enter_to_submit=False):
        for item in form.items:
            _question(viewer, form, item, problems)
        st.form_submit_button(t("surveys.submit"), type="primary", key=f"survey_submit_{wave_id}",
                              icon=":material/send:", on_click=_submit, args=(viewer, wave_id))
    show_refusal(_place(wave_id))  # under the button: a refused submission, said once


def _wave_list(viewer: Viewer, waves: list[surveys.OpenWave]) -> None:
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
            left.markdown(f"**{escape_markdown(wave.title(viewer.lang))}** · {number}")
            left.caption(t("surveys.closes_on", when=viewer.when(wave.closes_at)))
            if answered:
                right.badge(t("surveys.answered"), icon=":material/check:", color="green")
            else:
                right.badge(t("surveys.not_answered"), icon=":material/schedule:", color="orange")
                right.button(t("surveys.answer_now"), key=f"answer_{wave.wave_id}",
                             type="primary", on_click=_open_wave, args=(wave.wave_id,))
