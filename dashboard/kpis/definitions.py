"""KPI definitions (pr and admin): every KPI with its target and thresholds; a new
custom KPI; a custom KPI's settings; a built-in KPI's target, thresholds and whether it
is shown. data_access.kpis checks every field; a mistake is shown in the viewer's
language next to nothing half-saved."""

from __future__ import annotations

import streamlit as st

from dashboard import tables
from dashboard.formatting import format_number
from dashboard.kpis import reads
from dashboard.kpis.filters import Filters
from dashboard.kpis.viewer import Viewer, group_name, kpi_description
from dashboard.ui import (
    department_tree,
    escape_markdown,
    flash,
    show_refusal,
    write_in_callback,
)
from data_access import kpis

NEW = "__new__"
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("month", "quarter")
AGGREGATIONS = ("mean", "sum", "last")
ENTERED_BY = ("managers", "pr")


def _number_text(value: float | None, lang: str) -> str:
    return "" if value is None else format_number(value, lang, 4).rstrip("0").rstrip(
        "٫.").replace("٬", "").replace(",", "")


def _table(viewer: Viewer, every: list[kpis.KpiInfo]) -> None:
    def column(key: str) -> str:
        return viewer.t(f"kpis.ui.def.col.{key}")

    tables.show([{
        column("name"): viewer.name(k),
        column("source"): viewer.t(f"kpis.ui.def.source.{k.source}"),
        column("group"): group_name(k.group, viewer.lang),
        column("direction"): viewer.t(f"kpis.ui.def.direction.{k.direction}"),
        column("target"): viewer.value(k, k.target),
        column("amber"): viewer.value(k, k.amber),
        column("red"): viewer.value(k, k.red),
        column("frequency"): viewer.t(f"kpis.ui.freq.{k.frequency}"),
        column("active"): viewer.t("kpis.ui.def.yes" if k.active else "kpis.ui.def.no"),
    } for k in every], viewer.lang)


def _thresholds(viewer: Viewer, key: str, kpi: kpis.KpiInfo | None) -> dict[str, str]:
    st.caption(viewer.t("kpis.ui.def.thresholds_help"))
    columns = st.columns(3)
    return {name: column.text_input(viewer.t(f"kpis.ui.def.{name}"),
                                    value=_number_text(getattr(kpi, name, None), viewer.lang),
                                    key=f"{key}_{name}")
            for column, name in zip(columns, ("target", "amber", "red"), strict=True)}


# Written in each language: (field, widget), one column per language.
TEXTS = (("name", "text_input"), ("description", "text_area"))
# Chosen from a list: (field, options, default, its words' key prefix), laid out in three
# columns (the unit and the decimals take the first row's first two).
CHOICES = (("direction", DIRECTIONS, "higher", "kpis.ui.def.direction."),
           ("frequency", FREQUENCIES, "month", "kpis.ui.freq."),
           ("aggregation", AGGREGATIONS, "mean", "kpis.ui.def.aggregation."),
           ("entered_by", ENTERED_BY, "managers", "kpis.ui.def.entered_by."))


def _custom_fields(viewer: Viewer, key: str, kpi: kpis.KpiInfo | None) -> dict:
    t = viewer.t
    fields: dict = {}
    by_language = dict(zip(("fa", "en"), st.columns(2), strict=True))
    for name, widget in TEXTS:
        for lang, column in by_language.items():
            field = f"{name}_{lang}"
            text = getattr(column, widget)(t(f"kpis.ui.def.{field}"),
                                           value=getattr(kpi, field, "") or "",
                                           key=f"{key}_{field}")
            # Only the Persian name is required; an empty optional text is no text.
            fields[field] = text if field == "name_fa" else text or None
    left, middle, right = st.columns(3)
    units = list(kpis.UNITS)
    fields["unit"] = left.selectbox(t("kpis.ui.def.unit"), units,
                                    index=units.index(getattr(kpi, "unit", "number")),
                                    format_func=lambda u: t(f"kpis.unit.{u}"), key=f"{key}_unit")
    fields["decimals"] = middle.number_input(t("kpis.ui.def.decimals"), 0, 4,
                                             value=getattr(kpi, "decimals", 0),
                                             key=f"{key}_decimals")
    for column, (name, options, default, words) in zip(
            (right, left, middle, right), CHOICES, strict=True):
        fields[name] = column.selectbox(
            t(f"kpis.ui.def.{name}"), options,
            index=options.index(getattr(kpi, name, default)),
            format_func=lambda value, words=words: t(f"{words}{value}"), key=f"{key}_{name}")
    names = {d.id: ("\u2003" * d.depth) + d.label(viewer.lang) for d in department_tree()
             if d.active}
    chosen = [d for d in getattr(kpi, "reporting_department_ids", ()) if d in names]
    fields["reporting_department_ids"] = st.multiselect(
        t("kpis.ui.def.departments"), list(names), default=chosen, format_func=names.get,
        key=f"{key}_departments")
    return fields


def show(viewer: Viewer, filters: Filters) -> None:
    if not viewer.may_define:
        st.info(viewer.t("errors.permission_denied"))
        return
    every = reads.kpi_list(viewer.actor, include_inactive=True)
    st.subheader(viewer.t("kpis.ui.def.title"))
    _table(viewer, every)
    codes = [NEW, *(k.code for k in every)]
    names = {k.code: viewer.name(k) for k in every} | {NEW: viewer.t("kpis.ui.def.new")}
    code = st.selectbox(viewer.t("kpis.ui.def.pick"), codes, format_func=names.get,
                        key="kpi_def_pick")
    kpi = next((k for k in every if k.code == code), None)
    key = f"kpi_def_{code}_{kpi.version if kpi else st.session_state.get(NONCE, 0)}"
    with st.form(key, border=True):
        if kpi is not None and kpi.source == "builtin":
            st.markdown(f"**{escape_markdown(viewer.name(kpi))}**")
            st.caption(escape_markdown(kpi_description(kpi, viewer.lang)))
            fields: dict = {}
        else:
            fields = _custom_fields(viewer, key, kpi)
        fields |= _thresholds(viewer, key, kpi)
        if kpi is not None:
            fields["active"] = st.checkbox(viewer.t("kpis.ui.def.active"), value=kpi.active,
                                           key=f"{key}_active")
        # Saved in the button's callback: the table above shows the change in the click's
        # own run. The form's key carries the KPI's version (a new KPI's, a nonce) and
        # is remembered once saved, so a double click's second submit saves nothing.
        st.form_submit_button(viewer.t("kpis.ui.def.save"), type="primary", on_click=_save,
                              args=(viewer, key, kpi, fields))
    show_refusal(PLACE)


PLACE = "kpi_def"
NONCE = "kpi_def_nonce"
SAVED = "_kpi_def_saved"
WIDGET = {"reporting_department_ids": "departments"}  # a field whose widget key differs


def _save(viewer: Viewer, key: str, kpi: kpis.KpiInfo | None, drawn: dict) -> None:
    if st.session_state.get(SAVED) == key:
        return  # the second click of a double click on a form already saved
    # The values the form sent, under the keys its widgets were drawn with.
    fields = {name: st.session_state.get(f"{key}_{WIDGET.get(name, name)}", value)
              for name, value in drawn.items()}
    if "name_fa" in fields:
        for name in ("name_en", "description_fa", "description_en"):
            fields[name] = fields.get(name) or None
    if kpi is None:
        outcome = write_in_callback(PLACE, kpis.define_kpi, **fields)
    else:
        outcome = write_in_callback(PLACE, kpis.update_kpi, kpi.code, kpi.version, **fields)
    if outcome.ok:
        reads.after_write()
        st.session_state[SAVED] = key
        if kpi is None:
            st.session_state[NONCE] = st.session_state.get(NONCE, 0) + 1
        flash(viewer.t("kpis.ui.def.saved", name=escape_markdown(viewer.name(outcome.value))))
