"""KPIs: built-in ones computed from the other features' data, custom ones
defined by pr/admin and reported by departments, per Jalali month or quarter.

Modules (see docs/architecture.md for the house style):
- periods.py  — Jalali months and quarters (`Period`), keys like "1405-03", "1405-Q2"
- rules.py    — status of a value against amber/red thresholds (pure)
- catalogue.py, definitions.py, values.py, importing.py — custom KPIs (definitions,
  values with history, CSV/XLSX import)
- builtin.py  — the built-in KPIs: their defaults and computations
- reading.py  — one way to read any KPI: series, cards, department comparison,
  status matrix, in the actor's scope
"""

# kpi-builtin: builtin.py, reading.py
from data_access.kpis.builtin import BUILTIN_ORDER, ensure_builtins
from data_access.kpis.periods import FREQUENCIES, Frequency, Period, periods_between
from data_access.kpis.reading import (
    Card,
    DepartmentValue,
    MatrixCell,
    Point,
    cards,
    compare_departments,
    scope_department,
    series,
    status_matrix,
)
from data_access.kpis.rules import DIRECTIONS, STATUSES, Direction, Status, check_thresholds, status

__all__ = [
    "DIRECTIONS", "FREQUENCIES", "STATUSES", "Direction", "Frequency", "Period", "Status",
    "check_thresholds", "periods_between", "status",
    # kpi-builtin: builtin.py, reading.py
    "BUILTIN_ORDER", "Card", "DepartmentValue", "MatrixCell", "Point", "cards",
    "compare_departments", "ensure_builtins", "scope_department", "series", "status_matrix",
]

# --- custom KPIs (kpi-custom: catalogue.py, definitions.py, values.py, importing.py) ---
from data_access.kpis.catalogue import KpiInfo, data_version, get_kpi, list_kpis  # noqa: E402
from data_access.kpis.definitions import (  # noqa: E402
    DESCRIPTION_MAX,
    NAME_MAX,
    UNITS,
    define_kpi,
    update_kpi,
)
from data_access.kpis.importing import (  # noqa: E402
    ImportPreview,
    ImportRow,
    import_commit,
    import_preview,
)
from data_access.kpis.values import (  # noqa: E402
    EntryRow,
    ReportedValue,
    ValueChange,
    enter_value,
    entry_sheet,
    parse_number,
    remove_value,
    reported_values,
    value_history,
)

__all__ += [
    "DESCRIPTION_MAX", "NAME_MAX", "UNITS", "EntryRow", "ImportPreview", "ImportRow",
    "KpiInfo", "ReportedValue", "data_version", "import_commit", "import_preview",
    "ValueChange", "define_kpi", "enter_value", "entry_sheet", "get_kpi", "list_kpis",
    "parse_number", "remove_value", "reported_values", "update_kpi", "value_history",
]
