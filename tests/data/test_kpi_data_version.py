"""The KPI data version (`kpis.data_version`): every KPI write moves it, in whatever
session it happens, and reads do not — on both databases. The page's cached KPI reads
are keyed by it (dashboard/kpis/reads.py), so a value written outside the page shows at
the next run."""

from __future__ import annotations

from data_access import kpis
from data_access.kpis import Period

LAST = Period.current("month").previous()


def _moved(session, write) -> bool:
    before = kpis.data_version(session)
    write()
    session.commit()
    return kpis.data_version(session) != before


def test_every_kpi_write_moves_the_version_and_reads_do_not(session, org):
    assert kpis.data_version(session) == kpis.data_version(session)
    infos = []
    assert _moved(session, lambda: infos.append(kpis.define_kpi(
        session, org.pr, name_fa="رضایت شهروندان", reporting_department_ids=[org.traffic])))
    code = infos[0].code
    assert _moved(session, lambda: kpis.enter_value(session, org.pr, code, org.traffic,
                                                    LAST.key, 50))
    [row] = [r for r in kpis.entry_sheet(session, org.pr, code, LAST.key)
             if r.department_id == org.traffic]
    assert _moved(session, lambda: kpis.enter_value(session, org.pr, code, org.traffic,
                                                    LAST.key, 55, row.version))
    [row] = [r for r in kpis.entry_sheet(session, org.pr, code, LAST.key)
             if r.department_id == org.traffic]
    assert _moved(session, lambda: kpis.remove_value(session, org.pr, code, org.traffic,
                                                     LAST.key, row.version))
    data = f"kpi,department,period,value\n{code},{org.traffic},{LAST.key},60\n".encode()
    assert _moved(session, lambda: kpis.import_commit(session, org.pr, data, "v.csv"))
    # A correction by import (a new value's id is not new: only its history row is).
    data = f"kpi,department,period,value\n{code},{org.traffic},{LAST.key},65\n".encode()
    assert _moved(session, lambda: kpis.import_commit(session, org.pr, data, "v.csv"))
    info = kpis.get_kpi(session, org.pr, code)
    assert _moved(session, lambda: kpis.update_kpi(session, org.pr, code, info.version,
                                                   target=90))
    info = kpis.get_kpi(session, org.pr, code)
    # Only the reporting departments: the definition's own row still gets a new version.
    assert _moved(session, lambda: kpis.update_kpi(
        session, org.pr, code, info.version,
        reporting_department_ids=[org.traffic, org.pr_dept]))
    # Reads, an unchanged value and an update that changes nothing leave it alone.
    info = kpis.get_kpi(session, org.pr, code)
    assert not _moved(session, lambda: (
        kpis.list_kpis(session, org.manager), kpis.cards(session, org.pr, None, LAST),
        kpis.series(session, org.pr, code, None, LAST.shift(-2), LAST),
        kpis.value_history(session, org.pr, code),
        kpis.import_commit(session, org.pr, data, "v.csv"),
        kpis.update_kpi(session, org.pr, code, info.version, target=90)))


def test_built_in_definitions_added_or_changed_move_the_version(session, org):
    assert _moved(session, lambda: kpis.ensure_builtins(session))
    assert not _moved(session, lambda: kpis.ensure_builtins(session))  # none missing
    info = kpis.get_kpi(session, org.pr, "read_rate")
    assert _moved(session, lambda: kpis.update_kpi(session, org.pr, "read_rate", info.version,
                                                   active=False))


def test_a_write_in_another_session_is_seen(session, org, engine):
    """Another process or replica: its own session and transaction."""
    from data_access import db

    info = kpis.define_kpi(session, org.pr, name_fa="بازتاب رسانه‌ای",
                           reporting_department_ids=[org.traffic])
    session.commit()
    before = kpis.data_version(session)
    session.commit()  # this session's next transaction sees what others committed
    with db.session_scope(engine) as other:
        kpis.enter_value(other, org.pr, info.code, org.traffic, LAST.key, 7)
    assert kpis.data_version(session) != before
