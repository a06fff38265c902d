"""Demo custom KPIs: the four the issue names, values that the rules accept."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from data_access import demo_kpis, kpis
from data_access.kpis import Period
from data_access.models.kpis import KpiValue, KpiValueChange
from tests.conftest import make_department, make_user


def test_the_four_named_kpis_with_about_eighteen_months_of_values(session, org):
    make_department(session, "منطقه ۱", org.root, "District 1")
    make_department(session, "منطقه ۲", org.root, "District 2")
    make_user(session, "pr_lead", org.pr_dept, "manager")
    demo_kpis.seed(session, "S", random.Random(4))
    session.commit()
    found = [k for k in kpis.list_kpis(session, org.pr) if k.custom]  # built-ins come first
    assert [k.name_en for k in found] == [
        "Citizen satisfaction (municipal polls)", "Complaints answered within the deadline",
        "Media mentions", "Events held"]
    assert all(k.code == f"c{k.id}" and k.custom and k.reporting_department_ids for k in found)
    by_name = {k.name_en: k for k in found}
    assert by_name["Events held"].frequency == "quarter"
    assert len(by_name["Citizen satisfaction (municipal polls)"].reporting_department_ids) == 2
    rows = session.execute(select(KpiValue.kpi_id, KpiValue.department_id, KpiValue.period,
                                  KpiValue.value, KpiValue.version)).tuples().all()
    months = Counter((kpi, dept) for kpi, dept, period, _, _ in rows
                     if "Q" not in period)
    assert set(months.values()) == {18}
    frequency = {k.id: k.frequency for k in found}
    reporting = {k.id: set(k.reporting_department_ids) for k in found}
    this_month = Period.current("month")
    for kpi_id, dept, period_key, value, _ in rows:
        period = Period.parse(period_key)
        assert period.kind == frequency[kpi_id] and not period.is_future()
        assert period != Period.current(period.kind)  # left open for the form
        assert dept in reporting[kpi_id] and value >= 0
    for kpi in found:  # every status, where several departments report
        statuses = {kpis.status(v, kpi.direction, kpi.amber, kpi.red)
                    for k, _, _, v, _ in rows if k == kpi.id}
        if len(kpi.reporting_department_ids) > 1:
            assert statuses == {"on_track", "at_risk", "off_track"}, kpi.name_en
    # The demo manager's form for this month is open.
    complaints = by_name["Complaints answered within the deadline"]
    sheet = kpis.entry_sheet(session, org.manager, complaints.code, this_month.key)
    assert sheet and all(r.may_edit and r.value is None for r in sheet)
    # A corrected value's history ends at the stored value.
    stored = {(k, d, p): (v, version) for k, d, p, v, version in rows}
    last = {}
    for change in session.scalars(select(KpiValueChange).order_by(KpiValueChange.changed_at)):
        last[(change.kpi_id, change.department_id, change.period)] = change.new_value
    for key, value in last.items():
        assert stored[key] == (value, 2)


def test_scale_l_has_forty_kpis_of_three_years(session, org):
    for number in range(1, 9):
        make_department(session, f"واحد {number}", org.traffic, f"Unit {number}")
    demo_kpis.seed(session, "L", random.Random(5))
    session.commit()
    found = [k for k in kpis.list_kpis(session, org.admin) if k.custom]
    assert len(found) == 40 and len({k.name_fa for k in found}) == 40
    periods = set(session.scalars(select(KpiValue.period).where(
        KpiValue.kpi_id == found[-1].id)))
    assert len(periods) == 36
