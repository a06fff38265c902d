"""Custom KPIs: definitions, values with history, permissions — on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data_access import kpis
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.kpis import Period
from data_access.models import AuditEntry
from data_access.models.kpis import KpiDefinition, KpiReportingDepartment, KpiValue, KpiValueChange
from tests.conftest import audit_entries, make_department, make_user

MONTH = Period.current("month")
LAST_MONTH = MONTH.previous()
NEXT_MONTH = MONTH.next()
QUARTER = Period.current("quarter").previous()


def _define(session, org, actor=None, **fields):
    values = dict(name_fa="رضایت شهروندان", name_en="Citizen satisfaction", unit="percent",
                  direction="higher", target=80, amber=70, red=60,
                  reporting_department_ids=[org.traffic, org.traffic_control, org.pr_dept])
    values.update(fields)
    return kpis.define_kpi(session, actor or org.pr, **values)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- definitions ----------------------------------------------------------------------

def test_pr_defines_a_kpi_with_a_generated_code_and_an_audit_entry(session, org):
    info = _define(session, org, name_fa="  رضايت   شهروندان ")  # Arabic yeh, extra spaces
    session.commit()
    assert info.code == f"c{info.id}" and info.source == "custom" and info.version == 1
    assert info.name_fa == "رضایت شهروندان"
    assert info.reporting_department_ids == tuple(sorted(
        [org.traffic, org.traffic_control, org.pr_dept]))
    assert (info.unit, info.direction, info.target, info.amber, info.red, info.frequency) \
        == ("percent", "higher", 80.0, 70.0, 60.0, "month")
    [entry] = audit_entries(session, "kpi.define")
    assert (entry.entity, entry.entity_id, entry.actor_id) == ("kpi", str(info.id), org.pr.id)
    assert kpis.get_kpi(session, org.manager, info.code) == info
    second = _define(session, org, actor=org.admin, name_fa="شکایات پاسخ‌داده‌شده")
    assert second.code == f"c{second.id}" != info.code


@pytest.mark.parametrize("who", ["manager", "employee", "outsider"])
def test_only_pr_and_admin_define(session, org, who):
    with pytest.raises(PermissionDenied):
        _define(session, org, actor=getattr(org, who))
    assert _count(session, KpiDefinition) == 0


@pytest.mark.parametrize("fields, key", [
    ({"name_fa": "   "}, "errors.required"),
    ({"name_fa": "\u200c\u200b"}, "errors.required"),
    ({"name_fa": "ن" * 1_000_000}, "errors.too_long"),
    ({"name_en": "x" * 121}, "errors.too_long"),
    ({"name_fa": "=HYPERLINK(1)"}, "errors.name_formula"),
    ({"direction": "sideways"}, "kpis.error.direction"),
    ({"amber": 70, "red": None}, "kpis.error.thresholds_pair"),
    ({"target": 80, "amber": 60, "red": 70}, "kpis.error.thresholds_order"),
    ({"direction": "lower", "target": 80, "amber": 70, "red": 60}, "kpis.error.thresholds_order"),
    ({"target": "هشتاد"}, "kpis.error.number"),
    ({"target": float("nan")}, "kpis.error.number"),
    ({"unit": "furlongs"}, "kpis.error.unit"),
    ({"decimals": 9}, "kpis.error.decimals"),
    ({"frequency": "week"}, "kpis.error.frequency"),
    ({"aggregation": "median"}, "kpis.error.aggregation"),
    ({"entered_by": "employees"}, "kpis.error.entered_by"),
    ({"group": "Not A Group!"}, "kpis.error.group"),
    ({"reporting_department_ids": []}, "kpis.error.no_departments"),
    ({"reporting_department_ids": [999_999]}, "kpis.error.department_unknown"),
    ({"colour": "red"}, "kpis.error.unknown_field"),
])
def test_bad_definitions_are_refused_and_nothing_is_written(session, org, fields, key):
    with pytest.raises(InvalidInput) as caught:
        _define(session, org, **fields)
    assert caught.value.key == key
    session.rollback()
    assert _count(session, KpiDefinition) == 0 and _count(session, KpiReportingDepartment) == 0
    assert audit_entries(session, "kpi.define") == []


def test_an_inactive_department_cannot_report(session, org):
    from data_access.models import Department
    session.get(Department, org.pr_dept).active = False
    session.flush()
    with pytest.raises(InvalidInput) as caught:
        _define(session, org)
    assert caught.value.key == "kpis.error.department_unknown"


def test_a_department_deactivated_since_may_stay_but_not_be_added(session, org):
    from data_access.models import Department
    info = _define(session, org)
    session.get(Department, org.pr_dept).active = False
    session.commit()
    kept = kpis.update_kpi(session, org.pr, info.code, info.version, target=85,
                           reporting_department_ids=list(info.reporting_department_ids))
    assert kept.target == 85 and org.pr_dept in kept.reporting_department_ids
    other = _define(session, org, reporting_department_ids=[org.traffic])
    with pytest.raises(InvalidInput) as caught:
        kpis.update_kpi(session, org.pr, other.code, other.version,
                        reporting_department_ids=[org.traffic, org.pr_dept])
    assert caught.value.key == "kpis.error.department_unknown"


def test_lower_is_better_thresholds_and_persian_digit_targets(session, org):
    info = _define(session, org, direction="lower", target="۱۰", amber="۱۵٫۵", red=20)
    assert (info.target, info.amber, info.red) == (10.0, 15.5, 20.0)


def test_update_checks_the_version_and_records_the_changes(session, org):
    info = _define(session, org)
    session.commit()
    changed = kpis.update_kpi(session, org.admin, info.code, info.version, target=85,
                              reporting_department_ids=[org.traffic])
    session.commit()
    assert changed.version == info.version + 1 and changed.target == 85
    assert changed.reporting_department_ids == (org.traffic,)
    [entry] = audit_entries(session, "kpi.update")
    assert '"target": [80.0, 85.0]' in entry.details
    with pytest.raises(Conflict) as caught:  # the version the first person saw
        kpis.update_kpi(session, org.pr, info.code, info.version, target=90)
    assert caught.value.key == "errors.edited_by_someone_else"
    with pytest.raises(InvalidInput):  # amber above target for higher-is-better
        kpis.update_kpi(session, org.pr, info.code, changed.version, amber=90)
    session.rollback()
    assert kpis.get_kpi(session, org.pr, info.code).target == 85
    with pytest.raises(PermissionDenied):
        kpis.update_kpi(session, org.manager, info.code, changed.version, target=90)
    with pytest.raises(NotFound):
        kpis.update_kpi(session, org.pr, "c999999", 1, target=90)


def test_a_builtin_kpi_only_changes_its_target_thresholds_and_visibility(session, org):
    session.add(KpiDefinition(code="participation", source="builtin", unit="percent"))
    session.commit()
    with pytest.raises(InvalidInput) as caught:
        kpis.update_kpi(session, org.pr, "participation", 1, name_fa="مشارکت")
    assert caught.value.key == "kpis.error.builtin_field"
    info = kpis.update_kpi(session, org.pr, "participation", 1, target=70, amber=60, red=40,
                           active=False)
    assert (info.target, info.active) == (70, False)
    with pytest.raises(InvalidInput) as caught:
        kpis.enter_value(session, org.pr, "participation", org.traffic, LAST_MONTH.key, 5)
    assert caught.value.key == "kpis.error.builtin_values"
    assert kpis.value_history(session, org.pr, "participation") == []


def test_frequency_cannot_change_once_values_exist(session, org):
    info = _define(session, org)
    kpis.enter_value(session, org.pr, info.code, org.traffic, LAST_MONTH.key, 75)
    with pytest.raises(InvalidInput) as caught:
        kpis.update_kpi(session, org.pr, info.code, info.version, frequency="quarter")
    assert caught.value.key == "kpis.error.frequency_has_values"


def test_list_kpis_builtins_first_filters_and_permissions(session, org):
    first = _define(session, org, group="service")
    hidden = _define(session, org, name_fa="پنهان", active=False)
    session.add(KpiDefinition(code="participation", source="builtin", group="surveys"))
    session.commit()
    codes = [k.code for k in kpis.list_kpis(session, org.manager)]
    assert codes == ["participation", first.code]
    assert [k.code for k in kpis.list_kpis(session, org.pr, include_inactive=True)] \
        == ["participation", first.code, hidden.code]
    assert [k.code for k in kpis.list_kpis(session, org.pr, group="service")] == [first.code]
    with pytest.raises(PermissionDenied):
        kpis.list_kpis(session, org.employee)
    with pytest.raises(PermissionDenied):
        kpis.get_kpi(session, org.employee, first.code)
    with pytest.raises(NotFound):
        kpis.get_kpi(session, org.pr, "nope")


# --- values ----------------------------------------------------------------------------

def test_a_correction_keeps_history_and_checks_the_version(session, org):
    info = _define(session, org, decimals=1)
    version = kpis.enter_value(session, org.manager, info.code, org.traffic_control,
                               LAST_MONTH.key, "۷۲٫۵")
    session.commit()
    assert version == 1
    corrected = kpis.enter_value(session, org.pr, info.code, org.traffic_control,
                                 LAST_MONTH.key, 74, expected_version=version)
    session.commit()
    assert corrected == 2
    with pytest.raises(Conflict):  # a form still showing the first version
        kpis.enter_value(session, org.manager, info.code, org.traffic_control, LAST_MONTH.key,
                         73, expected_version=version)
    with pytest.raises(Conflict):  # a form that showed no value at all
        kpis.enter_value(session, org.manager, info.code, org.traffic_control, LAST_MONTH.key,
                         73)
    session.rollback()
    history = kpis.value_history(session, org.manager, info.code)
    assert [(h.old_value, h.new_value, h.changed_by, h.via, h.period) for h in history] == [
        (72.5, 74.0, "pr", "form", LAST_MONTH.key),
        (None, 72.5, "manager", "form", LAST_MONTH.key)]
    kpis.remove_value(session, org.manager, info.code, org.traffic_control, LAST_MONTH.key, 2)
    session.commit()
    assert _count(session, KpiValue) == 0
    assert [(h.old_value, h.new_value) for h in
            kpis.value_history(session, org.pr, info.code, org.traffic_control)][0] == (74.0, None)
    assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.entity == "kpi_value"] == ["kpi_value.enter"] * 2 + ["kpi_value.remove"]


@pytest.mark.parametrize("period, key", [
    (NEXT_MONTH.key, "kpis.error.period_future"),
    (QUARTER.key, "kpis.error.period_not_month"),
    ("1405-13", "kpis.error.period"),
    ("someday", "kpis.error.period"),
])
def test_values_for_a_bad_period_are_refused(session, org, period, key):
    info = _define(session, org)
    with pytest.raises(InvalidInput) as caught:
        kpis.enter_value(session, org.pr, info.code, org.traffic, period, 5)
    assert caught.value.key == key
    assert _count(session, KpiValue) == 0 and _count(session, KpiValueChange) == 0


def test_quarterly_kpis_take_quarters_and_persian_digit_keys(session, org):
    info = _define(session, org, frequency="quarter")
    key = QUARTER.key.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    kpis.enter_value(session, org.pr, info.code, org.traffic, key, 5)
    assert session.scalar(select(KpiValue.period)) == QUARTER.key
    with pytest.raises(InvalidInput) as caught:
        kpis.enter_value(session, org.pr, info.code, org.traffic, LAST_MONTH.key, 5)
    assert caught.value.key == "kpis.error.period_not_quarter"


def test_a_manager_enters_only_inside_their_subtree(session, org):
    info = _define(session, org)
    other = make_department(session, "فضای سبز", org.root, "Green spaces")
    other_manager = make_user(session, "green_manager", other, "manager")
    kpis.enter_value(session, org.manager, info.code, org.traffic_control, LAST_MONTH.key, 70)
    with pytest.raises(PermissionDenied):  # PR is outside the Traffic subtree
        kpis.enter_value(session, org.manager, info.code, org.pr_dept, LAST_MONTH.key, 70)
    with pytest.raises(PermissionDenied):
        kpis.enter_value(session, other_manager, info.code, org.traffic, LAST_MONTH.key, 70)
    with pytest.raises(PermissionDenied):
        kpis.enter_value(session, org.employee, info.code, org.traffic_control,
                         LAST_MONTH.key, 70)
    with pytest.raises(PermissionDenied):
        kpis.remove_value(session, other_manager, info.code, org.traffic_control,
                          LAST_MONTH.key, 1)
    with pytest.raises(InvalidInput) as caught:  # the root does not report this KPI
        kpis.enter_value(session, org.pr, info.code, org.root, LAST_MONTH.key, 70)
    assert caught.value.key == "kpis.error.department_not_reporting"
    assert session.scalar(select(func.count()).select_from(KpiValue)) == 1


def test_kpis_entered_by_pr_are_closed_to_managers(session, org):
    info = _define(session, org, entered_by="pr")
    with pytest.raises(PermissionDenied):
        kpis.enter_value(session, org.manager, info.code, org.traffic, LAST_MONTH.key, 70)
    kpis.enter_value(session, org.pr, info.code, org.traffic, LAST_MONTH.key, 70)
    sheet = kpis.entry_sheet(session, org.manager, info.code, LAST_MONTH.key)
    assert {r.department_id for r in sheet} == {org.traffic, org.traffic_control}
    assert not any(r.may_edit for r in sheet)


def test_inactive_kpis_take_no_values(session, org):
    info = _define(session, org, active=False)
    with pytest.raises(InvalidInput) as caught:
        kpis.enter_value(session, org.pr, info.code, org.traffic, LAST_MONTH.key, 70)
    assert caught.value.key == "kpis.error.inactive"


def test_the_entry_sheet_shows_the_actors_departments_only(session, org):
    info = _define(session, org)
    kpis.enter_value(session, org.pr, info.code, org.pr_dept, LAST_MONTH.key, 61)
    kpis.enter_value(session, org.pr, info.code, org.traffic, LAST_MONTH.key, 81)
    session.commit()
    full = {r.department_id: r for r in kpis.entry_sheet(session, org.pr, info.code,
                                                         LAST_MONTH.key)}
    assert set(full) == {org.pr_dept, org.traffic, org.traffic_control}
    assert (full[org.traffic].value, full[org.traffic].version, full[org.traffic].may_edit) \
        == (81.0, 1, True)
    assert (full[org.traffic_control].value, full[org.traffic_control].version) == (None, None)
    mine = kpis.entry_sheet(session, org.manager, info.code, LAST_MONTH.key)
    assert {r.department_id for r in mine} == {org.traffic, org.traffic_control}
    assert all(r.may_edit for r in mine)
    future = kpis.entry_sheet(session, org.pr, info.code, NEXT_MONTH.key)
    assert not any(r.may_edit for r in future)
    # A KPI reported only outside the manager's subtree: not theirs to read.
    elsewhere = _define(session, org, name_fa="بازدید رسانه‌ها",
                        reporting_department_ids=[org.pr_dept])
    with pytest.raises(PermissionDenied):
        kpis.entry_sheet(session, org.manager, elsewhere.code, LAST_MONTH.key)
    with pytest.raises(PermissionDenied):
        kpis.entry_sheet(session, org.employee, info.code, LAST_MONTH.key)


def test_history_in_the_readers_scope(session, org):
    info = _define(session, org)
    kpis.enter_value(session, org.pr, info.code, org.pr_dept, LAST_MONTH.key, 61)
    kpis.enter_value(session, org.pr, info.code, org.traffic, LAST_MONTH.key, 81)
    session.commit()
    assert {h.department_id for h in kpis.value_history(session, org.manager, info.code)} \
        == {org.traffic}
    with pytest.raises(PermissionDenied):
        kpis.value_history(session, org.manager, info.code, org.pr_dept)
    with pytest.raises(PermissionDenied):
        kpis.value_history(session, org.employee, info.code)
    assert len(kpis.value_history(session, org.admin, info.code)) == 2


def test_reported_values_by_kind_and_range(session, org):
    monthly = _define(session, org)
    quarterly = _define(session, org, name_fa="فصلی", frequency="quarter")
    two_back = LAST_MONTH.previous()
    for period, value in ((two_back, 1), (LAST_MONTH, 2), (MONTH, 3)):
        kpis.enter_value(session, org.pr, monthly.code, org.traffic, period.key, value)
    kpis.enter_value(session, org.pr, quarterly.code, org.traffic, QUARTER.key, 9)
    kpis.enter_value(session, org.pr, monthly.code, org.pr_dept, LAST_MONTH.key, 5)
    session.commit()
    rows = kpis.reported_values(session, None, [org.traffic], two_back.key, LAST_MONTH.key)
    assert sorted((r.period, r.value) for r in rows) == [(two_back.key, 1.0),
                                                         (LAST_MONTH.key, 2.0)]
    first_quarter = Period("quarter", QUARTER.year - 1, 1)
    rows = kpis.reported_values(session, [quarterly.id, monthly.id], None, first_quarter.key,
                                QUARTER.key)
    assert [(r.kpi_id, r.period, r.value) for r in rows] == [(quarterly.id, QUARTER.key, 9.0)]
    assert kpis.reported_values(session, [], None, MONTH.key, MONTH.key) == []


def test_a_deactivated_account_can_neither_define_nor_enter(session, org):
    from data_access.models import User
    info = _define(session, org)
    session.get(User, org.pr.id).active = False
    session.get(User, org.manager.id).active = False
    session.commit()
    with pytest.raises(PermissionDenied):
        _define(session, org)
    with pytest.raises(PermissionDenied):
        kpis.enter_value(session, org.manager, info.code, org.traffic, LAST_MONTH.key, 70)
    with pytest.raises(PermissionDenied):
        kpis.list_kpis(session, org.manager)
