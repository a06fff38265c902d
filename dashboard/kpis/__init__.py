"""KPIs in the web layer.

The KPI page (pages/kpis.py) routes between the views: `Viewer.of(actor)`, the filters
(`filters.choose`, kept in the URL), then `VIEWS[filters.view](viewer, filters)`.

No rules here: data_access.kpis decides what each viewer may read (scope_department,
suppression of survey-based KPIs) and write (definitions, values, imports). Names and
titles written by people go through `escape_markdown`; files through dashboard/exports.py.
"""

from dashboard.kpis import cards, compare, definitions, entry, history, importer, matrix, trend
from dashboard.kpis.filters import Filters, choose
from dashboard.kpis.viewer import Viewer


def _report(viewer: Viewer, filters: Filters) -> None:
    """The monthly Word report (dashboard/report/), in the viewer's scope."""
    from dashboard.report import view  # Chromium and python-docx only when asked for

    view.show(viewer)


# view name (as Viewer.views lists them) -> what draws it
VIEWS = {"cards": cards.show, "trend": trend.show, "compare": compare.show,
         "heatmap": matrix.show, "report": _report, "entry": entry.show, "import": importer.show,
         "history": history.show, "definitions": definitions.show}

__all__ = ["VIEWS", "Filters", "Viewer", "choose"]
