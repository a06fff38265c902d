"""The monthly report's download on /kpis: `show(viewer)` (the kpi page calls it with its
viewer, or an Actor). A month picker (the last twelve Jalali months, the last complete
one first) and a button that prepares the Word document; the file is cached per viewer,
month and language through the one viewer cache."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.cache import ViewerKey, actor_of, cached, viewer_key
from dashboard.formatting import jalali_month_name, local_today, localize_digits
from dashboard.report import builder, gather
from dashboard.report.render import RenderError, warm_up
from dashboard.ui import apologise, error_text, locale, read, t
from data_access.errors import DomainError
from data_access.kpis import Period
from data_access.permissions import Actor, can

log = logging.getLogger("peyvand")
GROUP = "report"
MONTHS = 12
MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def months(today=None) -> list[Period]:
    """The months offered, the last complete one first (the current one last)."""
    current = Period.current("month", today)
    return [current.shift(-n) for n in range(1, MONTHS + 1)] + [current]


def month_text(period: Period, lang: str) -> str:
    return f"{jalali_month_name(period.number, lang)} {localize_digits(str(period.year), lang)}"


@cached(GROUP, ttl=600, max_entries=100)
def _document(key: ViewerKey, period_key: str, lang: str) -> bytes:
    report = read(gather.gather, actor_of(key), Period.parse(period_key), lang)
    return builder.build(report)


def show(viewer) -> None:
    actor: Actor = getattr(viewer, "actor", viewer)
    if not can(actor, gather.CAPABILITY):
        return
    warm_up()
    lang = locale()
    offered = months(local_today())
    with st.container(border=True, key="monthly_report"):
        st.markdown(f"**{t('report.download.button')}**")
        st.caption(t("report.download.help"))
        labels = {p.key: month_text(p, lang) for p in offered}
        chosen = st.selectbox(t("report.download.month"), list(labels),
                              format_func=labels.get, key="report_month")
        ready = st.session_state.get("report_ready")
        if st.button(t("report.download.make"), key="report_make",
                     icon=":material/description:"):
            try:
                with st.spinner(t("report.download.making")):
                    data = _document(viewer_key(actor), chosen, lang)
            except DomainError as error:
                st.error(error_text(error))
                return
            except RenderError:
                log.exception("monthly report charts")
                st.error(t("report.download.no_charts"))
                return
            except Exception:  # noqa: BLE001 - logged with a reference for the operator
                apologise("monthly report")
                return
            ready = (chosen, lang, data)
            st.session_state["report_ready"] = ready
        if ready and ready[0] == chosen and ready[1] == lang:
            st.download_button(t("report.download.button"), ready[2],
                               file_name=f"peyvand-report-{chosen}.docx", mime=MIME,
                               key="report_download", icon=":material/download:",
                               type="primary")
