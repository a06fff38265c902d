"""Built-in KPIs on hand-made data, with the expected values worked out by hand.

The organisation (tests/conftest.py `org`): root > (PR, Traffic > Traffic Control);
active members: admin (root), pr and outsider (PR), manager (Traffic), employee
(Traffic Control). Months are Jalali: 1404-07 is Mehr 1404, 1404-08 Aban.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from data_access.kpis import builtin
from data_access.kpis.builtin import units_for
from data_access.kpis.periods import Period
from data_access.models.kpis import KpiDefinition
from tests.data.kpi_helpers import (
    action_item,
    announcement,
    at,
    category,
    decision,
    jdate,
    meeting,
    meeting_type,
    receipt,
)

MEHR = Period("month", 1404, 7)
ABAN = Period("month", 1404, 8)
AZAR = Period("month", 1404, 9)
Q3 = Period("quarter", 1404, 3)


def values(session, code, tops, periods):
    found = builtin.compute(session, code, units_for(session, tops), periods)
    return {key: (v.value if v.value is None else round(v.value, 2)) for key, v in found.items()}


def test_ensure_builtins_is_idempotent_and_keeps_what_people_set(session, org):
    assert builtin.ensure_builtins(session) == len(builtin.BUILTIN_ORDER)
    row = session.query(KpiDefinition).filter_by(code="read_rate").one()
    row.target = 99
    session.flush()
    assert builtin.ensure_builtins(session) == 0
    rows = session.query(KpiDefinition).filter_by(source="builtin").all()
    assert sorted(r.code for r in rows) == sorted(builtin.BUILTIN_ORDER)
    assert session.query(KpiDefinition).filter_by(code="read_rate").one().target == 99
    assert all(r.frequency == "month" for r in rows)


def _news(session, org):
    cat = category(session)
    # Everyone: PR's two members and Traffic Control's one read it; Traffic did not.
    announcement(session, org.pr.id, cat, at(1404, 7, 10),
                 reach={org.pr_dept: (2, 0), org.traffic_control: (1, 0)})
    # Traffic's subtree only, acknowledgement required: Traffic acknowledged.
    announcement(session, org.pr.id, cat, at(1404, 7, 20), audience=(org.traffic,), ack=True,
                 reach={org.traffic: (1, 1), org.traffic_control: (1, 0)})
    # Published one minute before 1 Aban (local midnight): still Mehr's; nobody read it.
    announcement(session, org.pr.id, cat, at(1404, 8, 1, 0, 0) - timedelta(minutes=1),
                 audience=(org.pr_dept,))
    # At local midnight of 1 Aban: Aban's.
    announcement(session, org.pr.id, cat, at(1404, 8, 1, 0, 0), audience=(org.pr_dept,),
                 reach={org.pr_dept: (1, 0)})
    session.commit()


def test_read_rate_sums_readers_over_audiences_per_subtree(session, org):
    _news(session, org)
    got = values(session, "read_rate", [org.root, org.traffic, org.pr_dept], [MEHR, ABAN])
    # Mehr. Root: item 1 3 of 5, item 2 2 of 2, item 3 0 of 2 -> 5/9.
    assert got[(org.root, MEHR.key)] == round(100 * 5 / 9, 2)
    assert got[(org.traffic, MEHR.key)] == 75.0  # 1 of 2 and 2 of 2
    assert got[(org.pr_dept, MEHR.key)] == 50.0  # 2 of 2 and 0 of 2
    # Aban: only the item at midnight, PR's 1 of 2.
    assert got[(org.pr_dept, ABAN.key)] == 50.0
    assert got[(org.traffic, ABAN.key)] is None  # nothing addressed to Traffic


def test_ack_rate_counts_items_that_require_it(session, org):
    _news(session, org)
    got = values(session, "ack_rate", [org.root, org.traffic, org.traffic_control,
                                       org.pr_dept], [MEHR])
    assert got[(org.root, MEHR.key)] == 50.0
    assert got[(org.traffic, MEHR.key)] == 50.0
    assert got[(org.traffic_control, MEHR.key)] == 0.0
    assert got[(org.pr_dept, MEHR.key)] is None


def test_median_hours_to_acknowledge_urgent_notices(session, org):
    cat = category(session)
    published = at(1404, 7, 5, 10)
    urgent = announcement(session, org.pr.id, cat, published, ack=True, urgent=True)
    receipt(session, urgent, org.employee.id, published + timedelta(hours=2))
    receipt(session, urgent, org.manager.id, published + timedelta(hours=5))
    receipt(session, urgent, org.outsider.id, published + timedelta(hours=30))
    # Not urgent: ignored.
    normal = announcement(session, org.pr.id, cat, published, ack=True)
    receipt(session, normal, org.pr.id, published + timedelta(hours=100))
    session.commit()
    got = values(session, "ack_median_hours", [org.root, org.traffic, org.pr_dept,
                                               org.traffic_control], [MEHR, ABAN, Q3])
    assert got[(org.traffic, MEHR.key)] == 3.5  # 2 and 5: the mean of the two middles
    assert got[(org.root, MEHR.key)] == 5.0
    assert got[(org.pr_dept, MEHR.key)] == 30.0
    assert got[(org.traffic_control, MEHR.key)] == 2.0
    assert got[(org.root, ABAN.key)] is None
    assert got[(org.root, Q3.key)] == 5.0


def _actions(session, org):
    day_end = at(1404, 7, 10, 23)  # late on the due day itself: on time
    action_item(session, org.employee.id, jdate(1404, 7, 10), "done", done_at=day_end)
    action_item(session, org.manager.id, jdate(1404, 7, 10), "done",
                done_at=at(1404, 7, 11, 8))  # a day late
    action_item(session, org.manager.id, jdate(1404, 7, 15))  # never done
    action_item(session, org.employee.id, jdate(1404, 7, 20), "cancelled")
    action_item(session, org.pr.id, jdate(1404, 8, 5))  # never done, due in Aban
    action_item(session, org.employee.id, jdate(1404, 7, 25), "done",
                done_at=at(1404, 8, 3))  # done in Aban, late
    session.commit()


def test_actions_completed_on_time(session, org):
    _actions(session, org)
    got = values(session, "actions_on_time", [org.root, org.traffic, org.traffic_control,
                                              org.pr_dept], [MEHR, ABAN, Q3])
    assert got[(org.traffic, MEHR.key)] == 25.0  # 1 of 4 (the cancelled one not counted)
    assert got[(org.traffic_control, MEHR.key)] == 50.0
    assert got[(org.pr_dept, MEHR.key)] is None
    assert got[(org.pr_dept, ABAN.key)] == 0.0
    assert got[(org.root, Q3.key)] == 20.0  # 1 of 5


def test_overdue_action_items_at_the_end_of_each_period(session, org):
    _actions(session, org)
    tops = [org.root, org.traffic, org.traffic_control, org.pr_dept]
    got = values(session, "actions_overdue", tops, [Period("month", 1404, 6), MEHR, ABAN, Q3])
    assert got[(org.root, "1404-06")] == 0.0
    # End of Mehr: the manager's never-done item and the employee's done only in Aban.
    assert got[(org.traffic, MEHR.key)] == 2.0
    assert got[(org.traffic_control, MEHR.key)] == 1.0
    # End of Aban: the manager's and PR's.
    assert got[(org.root, ABAN.key)] == 2.0
    assert got[(org.traffic_control, ABAN.key)] == 0.0
    assert got[(org.root, Q3.key)] == 2.0  # the quarter's end, not a sum of months


def test_overdue_ignores_items_created_after_the_period(session, org):
    action_item(session, org.manager.id, jdate(1404, 7, 2), created=at(1404, 8, 2))
    session.commit()
    got = values(session, "actions_overdue", [org.root], [MEHR, ABAN])
    assert got[(org.root, MEHR.key)] == 0.0
    assert got[(org.root, ABAN.key)] == 1.0


def _meetings(session, org):
    kind = meeting_type(session)
    m1 = meeting(session, kind, org.manager.id, org.traffic, at(1404, 7, 3),
                 "approved", approved=at(1404, 7, 3) + timedelta(days=6))
    m2 = meeting(session, kind, org.manager.id, org.traffic_control, at(1404, 7, 10),
                 "approved", approved=at(1404, 7, 10) + timedelta(days=8))
    meeting(session, kind, org.manager.id, org.traffic, at(1404, 7, 12))  # held, not approved
    meeting(session, kind, org.pr.id, org.pr_dept, at(1404, 7, 15), "cancelled")
    meeting(session, kind, org.manager.id, org.traffic, at(1404, 7, 20), "planned")
    m7 = meeting(session, kind, org.pr.id, org.pr_dept, at(1404, 8, 1, 0, 0)
                 - timedelta(minutes=1))
    meeting(session, kind, org.pr.id, org.pr_dept, at(1404, 8, 1, 0, 0), "approved",
            approved=at(1404, 8, 1, 0, 0) + timedelta(days=7))  # exactly 7 days: in time
    decision(session, m1, org.manager.id, "implemented", responsible=org.traffic_control)
    decision(session, m1, org.manager.id)  # the meeting's department: Traffic
    decision(session, m2, org.manager.id, "superseded")
    decision(session, m7, org.pr.id, "implemented", responsible=org.traffic)
    session.commit()


def test_meetings_held_by_month_with_local_midnight_boundaries(session, org):
    _meetings(session, org)
    tops = [org.root, org.traffic, org.pr_dept]
    got = values(session, "meetings_held", tops, [MEHR, ABAN, AZAR, Q3])
    assert got[(org.root, MEHR.key)] == 4.0
    assert got[(org.traffic, MEHR.key)] == 3.0
    assert got[(org.pr_dept, MEHR.key)] == 1.0
    assert got[(org.pr_dept, ABAN.key)] == 1.0
    assert got[(org.root, AZAR.key)] == 0.0
    assert got[(org.root, Q3.key)] == 5.0


def test_minutes_approved_within_seven_days(session, org):
    _meetings(session, org)
    got = values(session, "minutes_approved_7d", [org.root, org.traffic, org.pr_dept],
                 [MEHR, ABAN])
    assert got[(org.traffic, MEHR.key)] == round(100 / 3, 2)
    assert got[(org.root, MEHR.key)] == 25.0
    assert got[(org.pr_dept, MEHR.key)] == 0.0
    assert got[(org.pr_dept, ABAN.key)] == 100.0


def test_decisions_implemented_by_responsible_department(session, org):
    _meetings(session, org)
    got = values(session, "decisions_implemented",
                 [org.root, org.traffic, org.traffic_control, org.pr_dept], [MEHR])
    assert got[(org.traffic, MEHR.key)] == round(200 / 3, 2)
    assert got[(org.traffic_control, MEHR.key)] == 100.0
    assert got[(org.root, MEHR.key)] == round(200 / 3, 2)
    assert got[(org.pr_dept, MEHR.key)] is None


def test_future_periods_have_no_value(session, org):
    _meetings(session, org)
    future = Period.current("month").next()
    got = values(session, "meetings_held", [org.root], [future])
    assert got[(org.root, future.key)] is None


@pytest.mark.parametrize("code", builtin.BUILTIN_ORDER)
def test_every_builtin_computes_on_an_empty_organisation(session, org, code):
    got = builtin.compute(session, code, units_for(session, [org.root]), [MEHR, Q3])
    assert set(got) == {(org.root, MEHR.key), (org.root, Q3.key)}
    assert all(not v.suppressed for v in got.values())


@pytest.mark.parametrize("code", builtin.BUILTIN_ORDER)
def test_a_subtree_alone_counts_as_it_does_beside_the_whole_tree(session, org, code):
    """The whole tree is counted without a list of its departments, a subtree with one:
    the same subtree's figures either way."""
    _news(session, org)
    _actions(session, org)
    _meetings(session, org)
    periods = [Period("month", 1404, 6), MEHR, ABAN, Q3]
    tops = [org.root, org.traffic, org.traffic_control, org.pr_dept]
    whole = values(session, code, tops, periods)
    for top in tops[1:]:
        assert values(session, code, [top], periods) == \
            {key: value for key, value in whole.items() if key[0] == top}


def test_read_and_ack_rates_read_together_as_they_read_apart(session, org):
    _news(session, org)
    units = units_for(session, [org.root, org.traffic, org.traffic_control, org.pr_dept])
    together = builtin.compute_many(session, ["read_rate", "ack_rate"], units, [MEHR, ABAN, Q3])
    for code in ("read_rate", "ack_rate"):
        assert together[code] == builtin.compute(session, code, units, [MEHR, ABAN, Q3])
