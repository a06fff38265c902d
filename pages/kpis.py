"""KPIs (/kpis): managers for their department subtree, pr and admin for all.

The views are in dashboard/kpis/; every rule (scope, suppression, who enters what) is
in data_access.kpis:
- filters: kpis.scope_department, kpis.list_kpis (kept in the URL);
- cards: kpis.cards; trend: kpis.series; compare: kpis.compare_departments;
  heatmap: kpis.status_matrix;
- values: kpis.entry_sheet, kpis.enter_value, kpis.remove_value; import:
  kpis.import_preview, kpis.import_commit; history: kpis.value_history;
- definitions (pr, admin): kpis.define_kpi, kpis.update_kpi.
"""

import streamlit as st

from dashboard.kpis import VIEWS, Viewer, choose
from dashboard.ui import require_page, t

viewer = Viewer.of(require_page("view_kpis"))
st.title(t("nav.kpis"))
filters = choose(viewer)
VIEWS[filters.view](viewer, filters)
