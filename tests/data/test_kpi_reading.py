"""The one way to read any KPI: scope, series, cards, comparison and the status matrix."""

from __future__ import annotations

import pytest

from data_access import kpis
from data_access.errors import NotFound, PermissionDenied
from data_access.kpis import builtin
from data_access.kpis.periods import Period
from data_access.models.kpis import KpiDefinition, KpiReportingDepartment, KpiValue
from tests.data.kpi_helpers import at, meeting, meeting_type

MEHR = Period("month", 1404, 7)
ABAN = Period("month", 1404, 8)
Q3 = Period("quarter", 1404, 3)


@pytest.fixture
def held(session, org):
    """Meetings held: Traffic 2 in Mehr and 1 in Aban, Traffic Control 1 in Mehr, PR 1 in
    Mehr."""
    builtin.ensure_builtins(session)
    kind = meeting_type(session)
    for dept, day in ((org.traffic, at(1404, 7, 3)), (org.traffic, at(1404, 7, 9)),
                      (org.traffic, at(1404, 8, 2)), (org.traffic_control, at(1404, 7, 4)),
                      (org.pr_dept, at(1404, 7, 5))):
        meeting(session, kind, org.manager.id, dept, day)
    session.commit()
    return org


def test_scope_department(session, held):
    org = held
    assert kpis.scope_department(session, org.pr, None) == org.root
    assert kpis.scope_department(session, org.pr, org.traffic_control) == org.traffic_control
    assert kpis.scope_department(session, org.admin, 10_000) == org.root
    assert kpis.scope_department(session, org.manager, None) == org.traffic
    assert kpis.scope_department(session, org.manager, org.traffic_control) == \
        org.traffic_control
    # Another subtree, or above the manager's own: their own department, silently.
    assert kpis.scope_department(session, org.manager, org.pr_dept) == org.traffic
    assert kpis.scope_department(session, org.manager, org.root) == org.traffic
    with pytest.raises(PermissionDenied):
        kpis.scope_department(session, org.employee, None)


def test_a_deactivated_manager_reads_nothing(session, held):
    from data_access.models import User
    session.get(User, held.manager.id).active = False
    session.commit()
    with pytest.raises(PermissionDenied):
        kpis.series(session, held.manager, "meetings_held", None, MEHR, ABAN)


def test_series_of_a_subtree_by_months_and_quarters(session, held):
    org = held
    points = kpis.series(session, org.pr, "meetings_held", org.traffic, MEHR, ABAN)
    assert [(p.period, p.value, p.suppressed) for p in points] == \
        [(MEHR, 3.0, False), (ABAN, 1.0, False)]
    quarters = kpis.series(session, org.pr, "meetings_held", None,
                           Period("quarter", 1404, 2), Q3)
    assert [p.value for p in quarters] == [0.0, 5.0]
    with pytest.raises(NotFound):
        kpis.series(session, org.pr, "no_such_kpi", None, MEHR, ABAN)


def test_a_manager_cannot_read_another_subtree(session, held):
    org = held
    asked_for_pr = kpis.series(session, org.manager, "meetings_held", org.pr_dept, MEHR, MEHR)
    own = kpis.series(session, org.manager, "meetings_held", org.traffic, MEHR, MEHR)
    assert asked_for_pr == own and own[0].value == 3.0
    rows = kpis.compare_departments(session, org.manager, "meetings_held", org.root, MEHR)
    assert [r.department_id for r in rows] == [org.traffic_control]
    cells = kpis.status_matrix(session, org.manager, org.pr_dept, MEHR)
    assert {c.department_id for c in cells} == {org.traffic_control}


def test_cards_shape_change_and_sparkline(session, held):
    org = held
    found = kpis.cards(session, org.pr, org.traffic, ABAN, spark=4)
    assert [c.kpi.code for c in found] == list(builtin.BUILTIN_ORDER)
    card = next(c for c in found if c.kpi.code == "meetings_held")
    assert (card.value, card.previous, card.change) == (1.0, 3.0, -2.0)
    assert [p.period for p in card.sparkline] == [ABAN.shift(-3), ABAN.shift(-2), MEHR, ABAN]
    assert card.status is None  # meetings held has no thresholds by default
    only_meetings = kpis.cards(session, org.pr, None, ABAN, group="meetings")
    assert {c.kpi.group for c in only_meetings} == {"meetings"} and len(only_meetings) == 3


def test_compare_departments_sorted_by_value(session, held):
    org = held
    rows = kpis.compare_departments(session, org.pr, "meetings_held", org.root, MEHR)
    assert [(r.department_id, r.value) for r in rows] == [(org.traffic, 3.0),
                                                          (org.pr_dept, 1.0)]
    assert rows[0].name_en == "Traffic"


def test_status_matrix_with_lower_is_better_boundaries(session, held):
    org = held
    row = session.query(KpiDefinition).filter_by(code="meetings_held").one()
    row.direction, row.target, row.amber, row.red = "lower", 0, 1, 3
    session.commit()
    cells = {(c.department_id, c.code): c for c in kpis.status_matrix(session, org.pr, None,
                                                                        MEHR)}
    assert len(cells) == 2 * len(builtin.BUILTIN_ORDER)
    assert cells[(org.pr_dept, "meetings_held")].status == "on_track"  # 1 == amber
    assert cells[(org.traffic, "meetings_held")].status == "at_risk"  # 3 == red
    row.red = 2.5
    session.commit()
    cells = {(c.department_id, c.code): c for c in kpis.status_matrix(session, org.pr, None,
                                                                        MEHR)}
    assert cells[(org.traffic, "meetings_held")].status == "off_track"
    assert cells[(org.traffic, "read_rate")].value is None
    assert cells[(org.traffic, "read_rate")].status is None


def test_inactive_kpis_are_not_shown(session, held):
    session.query(KpiDefinition).filter_by(code="enps").one().active = False
    session.commit()
    codes = [c.kpi.code for c in kpis.cards(session, held.pr, None, MEHR, spark=1)]
    assert "enps" not in codes and len(codes) == len(builtin.BUILTIN_ORDER) - 1


def _custom(session, org, code, aggregation, frequency="month"):
    row = KpiDefinition(code=code, source="custom", name_fa="شاخص", name_en="Indicator",
                        unit="number", direction="higher", frequency=frequency,
                        aggregation=aggregation, group="custom", entered_by="managers")
    session.add(row)
    session.flush()
    for dept in (org.traffic, org.traffic_control, org.pr_dept):
        session.add(KpiReportingDepartment(kpi_id=row.id, department_id=dept))
    return row.id


def _value(session, kpi_id, dept, period, value):
    session.add(KpiValue(kpi_id=kpi_id, department_id=dept, period=period, value=value))


def test_custom_kpis_aggregate_over_the_subtree_and_the_quarter(session, held):
    org = held
    summed = _custom(session, org, "events", "sum")
    averaged = _custom(session, org, "satisfaction_poll", "mean")
    latest = _custom(session, org, "backlog", "last")
    quarterly = _custom(session, org, "media", "sum", frequency="quarter")
    for kpi_id in (summed, averaged, latest):
        _value(session, kpi_id, org.traffic, "1404-07", 10)
        _value(session, kpi_id, org.traffic_control, "1404-07", 20)
        _value(session, kpi_id, org.traffic, "1404-08", 40)
        _value(session, kpi_id, org.pr_dept, "1404-08", 1000)
    _value(session, quarterly, org.traffic, "1404-Q3", 7)
    session.commit()

    def read(code, first, last, dept=org.traffic):
        return [p.value for p in kpis.series(session, org.pr, code, dept, first, last)]

    assert read("events", MEHR, ABAN) == [30.0, 40.0]
    assert read("events", Q3, Q3) == [70.0]
    assert read("satisfaction_poll", MEHR, ABAN) == [15.0, 40.0]
    assert read("satisfaction_poll", Q3, Q3) == [27.5]  # the mean of 15 and 40
    assert read("backlog", Q3, Q3) == [40.0]  # the latest month with a value
    assert read("media", Q3, Q3) == [7.0]
    assert read("media", MEHR, Period("month", 1404, 9)) == [None, None, 7.0]
    assert read("events", MEHR, MEHR, org.traffic_control) == [20.0]
    # A manager asking for PR's values gets Traffic's.
    assert [p.value for p in kpis.series(session, org.manager, "events", org.pr_dept,
                                         ABAN, ABAN)] == [40.0]


def test_reads_count_queries_independent_of_departments(session, held, engine):
    """Cards, a series and the matrix cost the same queries with 1 or 31 departments
    below Traffic (the matrix then has 31 rows)."""
    from sqlalchemy import event

    from tests.conftest import make_department

    def count(read) -> int:
        statements = []

        def before(*args):
            statements.append(1)
        event.listen(engine, "before_cursor_execute", before)
        try:
            read()
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return len(statements)

    reads = [
        lambda: kpis.cards(session, held.pr, None, MEHR, spark=3),
        lambda: kpis.series(session, held.pr, "read_rate", held.traffic, MEHR.shift(-11), MEHR),
        lambda: kpis.status_matrix(session, held.pr, held.traffic, MEHR),
        lambda: kpis.compare_departments(session, held.pr, "belonging", held.traffic, MEHR),
    ]
    small = [count(read) for read in reads]
    for i in range(30):
        make_department(session, f"واحد {i}", held.traffic)
    session.commit()
    assert [count(read) for read in reads] == small
    assert len(kpis.status_matrix(session, held.pr, held.traffic, MEHR)) == \
        31 * len(builtin.BUILTIN_ORDER)
    assert max(small) < 40
