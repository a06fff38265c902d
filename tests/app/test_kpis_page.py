"""/kpis for every role: who may open it, the department scope (a manager's URL for
another subtree shows their own), pr and admin see the whole tree, a value entered in
the per-period form shows on the page, the import preview lists every bad row, and the
page in Persian and English."""

from __future__ import annotations

import pytest

from dashboard import cache
from dashboard.kpis.filters import default_last
from data_access import db, departments, kpis, users
from tests.app.conftest import ROOT

PAGE = "kpis.py"


def _actor(name: str):
    with db.session_scope() as session:
        return users.active_actor(session, name)


def _custom_kpi(name_fa: str, department_ids: list[int], **fields) -> kpis.KpiInfo:
    with db.session_scope() as session:
        kpi = kpis.define_kpi(session, _actor("pr"), name_fa=name_fa,
                              reporting_department_ids=department_ids,
                              **({"unit": "percent", "target": 90, "amber": 80, "red": 60}
                                 | fields))
    cache.clear_all()  # defined outside the page: its cached KPI list would not know it
    return kpi


def _open(open_app, username: str, locale: str | None = None, **params: str):
    """The page opened from a URL with `params` in its query, in a fresh session."""
    at = open_app(username, locale=locale)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(str(ROOT / "pages" / PAGE)).run()
    assert not at.exception, at.exception
    return at


def _errors(at) -> list[str]:
    """Error messages of the page (not the demo's urgent-notice banner)."""
    return [e.value for e in at.error if e.icon != ":material/campaign:"]


def _select(at, key: str):
    return next(s for s in at.selectbox if s.key == key)


def test_an_employee_cannot_reach_the_page(open_app):
    with pytest.raises(ValueError):
        open_app("employee", PAGE)
    at = open_app("employee")
    assert not any(link.proto.page.endswith("kpis") for link in at.get("page_link"))


@pytest.mark.parametrize("username", ["manager", "pr", "admin"])
def test_every_kpi_role_opens_each_view(open_app, username):
    at = _open(open_app, username)
    assert at.title[0].value == "شاخص‌ها"
    views = ["cards", "trend", "compare", "heatmap", "entry", "import", "history"]
    if username != "manager":
        views.append("definitions")
    for view in views:
        at.session_state["kpi_view"] = view
        at.run()
        assert not at.exception, (view, at.exception)


def test_a_manager_sees_only_their_subtree_even_from_another_departments_url(open_app):
    manager = _actor("manager")
    with db.session_scope() as session:
        own = departments.subtree_ids(session, manager.department_id)
        other = next(d.id for d in departments.tree(session) if d.id not in own)
    at = _open(open_app, "manager", dept=str(other))
    picker = _select(at, "kpi_dept")
    assert picker.value == manager.department_id
    assert at.query_params["dept"] in (str(manager.department_id),
                                       [str(manager.department_id)])  # the URL corrected
    with db.session_scope() as session:
        names = {d.name for d in departments.tree(session) if d.id in own}
        foreign = {d.name for d in departments.tree(session) if d.id not in own}
    shown = {o.strip("\u2003") for o in picker.options}
    assert shown <= names and not shown & foreign


def test_pr_sees_every_department_and_the_url_reproduces_the_view(open_app):
    with db.session_scope() as session:
        tree = departments.tree(session)
    at = _open(open_app, "pr")
    picker = _select(at, "kpi_dept")
    assert len(picker.options) == len(tree)
    chosen = tree[-1]
    last = default_last("quarter")
    at = _open(open_app, "pr", view="trend", dept=str(chosen.id), freq="quarter",
               to=last.key, **{"from": last.shift(-3).key})
    assert _select(at, "kpi_dept").value == chosen.id
    assert at.session_state["kpi_freq"] == "quarter"
    assert at.session_state["kpi_from__quarter_n"] == last.shift(-3).number
    assert at.session_state["kpi_view"] == "trend"


def test_a_value_entered_in_the_form_shows_on_the_page(open_app):
    manager = _actor("manager")
    kpi = _custom_kpi("پاسخ به شکایات در مهلت", [manager.department_id])
    at = _open(open_app, "manager", view="entry", kpi=kpi.code)
    period = default_last("month")
    field = next(f for f in at.text_input
                 if f.key and f.key.startswith(f"kpi_entry_form_{kpi.code}_{period.key}"))
    field.input("۸۷٫۵")
    next(b for b in at.button if b.key and "FormSubmitter" in b.key
         and f"kpi_entry_form_{kpi.code}" in b.key).click().run()
    assert not at.exception, at.exception
    assert any("ذخیره شد" in s.value for s in at.success)
    at = _open(open_app, "manager", view="cards", dept=str(manager.department_id))
    card = next(m for m in at.metric if m.label == "پاسخ به شکایات در مهلت")
    assert card.value == "۸۸٪"  # no decimals: 87.5 shown rounded
    at = _open(open_app, "manager", view="history", kpi=kpi.code)
    assert "فرم" in at.dataframe[0].value.to_string()


def test_a_bad_value_is_explained_and_nothing_is_saved(open_app):
    manager = _actor("manager")
    kpi = _custom_kpi("تعداد رویدادها", [manager.department_id], unit="count",
                      target=None, amber=None, red=None)
    at = _open(open_app, "manager", view="entry", kpi=kpi.code)
    field = next(f for f in at.text_input if f.key and f.key.startswith("kpi_entry_form_"))
    field.input("بسیار")
    next(b for b in at.button if b.key and "FormSubmitter" in b.key).click().run()
    assert any("«بسیار»" in e or "“بسیار”" in e for e in _errors(at)), _errors(at)
    with db.session_scope() as session:
        assert kpis.value_history(session, _actor("pr"), kpi.code) == []


def test_the_import_preview_lists_every_bad_row_with_its_line(open_app):
    manager = _actor("manager")
    kpi = _custom_kpi("پوشش رسانه‌ای", [manager.department_id], unit="count",
                      target=None, amber=None, red=None)
    period = default_last("month")
    with db.session_scope() as session:
        department = next(d for d in departments.tree(session) if d.id == manager.department_id)
    csv = ("kpi,department,period,value\n"
           f"{kpi.code},{department.name},{period.key},12\n"
           f"ناشناخته,{department.name},{period.key},3\n"
           f"{kpi.code},{department.name},{period.previous().key},نه\n").encode("utf-8-sig")
    at = _open(open_app, "manager", view="import")
    at.file_uploader[0].set_value(("values.csv", csv, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("۲ ردیف ایراد دارد" in e for e in _errors(at)), _errors(at)
    table = at.dataframe[0].value.to_string()
    assert "۳" in table and "۴" in table  # lines 3 and 4 (the header is line 1)
    assert not any(b.key == "kpi_import_now" for b in at.button)


@pytest.mark.parametrize(("locale", "title", "view_word"), [("fa", "شاخص‌ها", "روند"),
                                                            ("en", "KPIs", "Trend")])
def test_the_page_speaks_the_readers_language(open_app, locale, title, view_word):
    at = _open(open_app, "pr", locale=locale)
    assert at.title[0].value == title
    control = next(c for c in at.get("button_group") if c.key == "kpi_view")
    assert view_word in str(control.proto)


def test_a_valid_file_is_previewed_then_saved_on_confirmation(open_app):
    manager = _actor("manager")
    kpi = _custom_kpi("رویدادهای برگزارشده", [manager.department_id], unit="count",
                      target=None, amber=None, red=None)
    period = default_last("month")
    csv = (f"شاخص,واحد,دوره,مقدار\n{kpi.code},{manager.department_id},"
           f"{period.key},۱۲\n").encode()
    at = _open(open_app, "manager", view="import")
    at.file_uploader[0].set_value(("values.csv", csv, "text/csv")).run()
    assert not _errors(at) and any("آماده" in s.value for s in at.success)
    with db.session_scope() as session:
        assert kpis.value_history(session, _actor("pr"), kpi.code) == []  # not yet
    next(b for b in at.button if b.key == "kpi_import_now").click().run()
    assert not at.exception, at.exception
    with db.session_scope() as session:
        (change,) = kpis.value_history(session, _actor("pr"), kpi.code)
    assert (change.new_value, change.via) == (12, "import")
    # The checked file is forgotten and an empty uploader is offered for the next one.
    assert "kpi_import_preview" not in at.session_state
    assert at.file_uploader[0].key == "kpi_import_file_1" and at.file_uploader[0].value is None


@pytest.mark.parametrize(("username", "shown"), [("manager", True), ("pr", True),
                                                 ("employee", False)])
def test_the_home_page_shows_kpi_cards_to_those_who_steer_by_them(open_app, username, shown):
    at = open_app(username)
    assert not at.exception, at.exception
    section = [h for h in at.subheader if h.value == "شاخص‌ها"]
    assert bool(section) is shown
    if shown:
        assert at.metric and any("kpis" in link.proto.page for link in at.get("page_link"))


def test_a_kpi_written_outside_the_page_shows_at_its_next_run(open_app):
    """Another session, replica or an import defines a KPI and enters and corrects its
    value while the page is open: the page's cached reads are keyed by the KPI data
    version, so its next run shows them (nothing here clears a cache)."""
    manager, pr = _actor("manager"), _actor("pr")
    period = default_last("month")
    at = _open(open_app, "manager", view="cards", dept=str(manager.department_id))
    name = "پاسخ به درخواست در موعد"
    assert not [m for m in at.metric if m.label == name]
    with db.session_scope() as session:
        kpi = kpis.define_kpi(session, pr, name_fa=name, unit="percent", entered_by="pr",
                              reporting_department_ids=[manager.department_id])
        kpis.enter_value(session, pr, kpi.code, manager.department_id, period.key, 70)
    at.run()
    assert not at.exception, at.exception
    assert next(m for m in at.metric if m.label == name).value == "۷۰٪"
    with db.session_scope() as session:
        [row] = [r for r in kpis.entry_sheet(session, pr, kpi.code, period.key)
                 if r.department_id == manager.department_id]
        kpis.enter_value(session, pr, kpi.code, manager.department_id, period.key, 75,
                         row.version)
    at.run()
    assert next(m for m in at.metric if m.label == name).value == "۷۵٪"


def test_a_value_changed_by_someone_else_meanwhile_is_a_conflict_and_saves_nothing(open_app):
    manager = _actor("manager")
    kpi = _custom_kpi("بازدیدهای میدانی", [manager.department_id], unit="count",
                      target=None, amber=None, red=None)
    period = default_last("month")
    with db.session_scope() as session:
        kpis.enter_value(session, manager, kpi.code, manager.department_id, period.key, 10)
    at = _open(open_app, "manager", view="entry", kpi=kpi.code)
    with db.session_scope() as session:  # pr corrects it while the form is open
        kpis.enter_value(session, _actor("pr"), kpi.code, manager.department_id, period.key,
                         11, expected_version=1)
    field = next(f for f in at.text_input if f.key and f.key.startswith("kpi_entry_form_"))
    field.input("12")
    next(b for b in at.button if b.key and "FormSubmitter" in b.key).click().run()
    assert any("کس دیگری" in e for e in _errors(at)), _errors(at)
    with db.session_scope() as session:
        (row,) = kpis.entry_sheet(session, _actor("pr"), kpi.code, period.key)
    assert row.value == 11


def _definition_form(at, name_fa: str, department_id: int, target: str, amber: str, red: str):
    prefix = "kpi_def___new___0"
    next(f for f in at.text_input if f.key == f"{prefix}_name_fa").input(name_fa)
    next(m for m in at.multiselect if m.key == f"{prefix}_departments").set_value(
        [department_id])
    for name, value in (("target", target), ("amber", amber), ("red", red)):
        next(f for f in at.text_input if f.key == f"{prefix}_{name}").input(value)
    next(b for b in at.button if b.key and "FormSubmitter" in b.key
         and prefix in b.key).click().run()
    assert not at.exception, at.exception


def test_pr_defines_a_kpi_and_inconsistent_thresholds_save_nothing(open_app):
    manager = _actor("manager")
    at = _open(open_app, "pr", view="definitions")
    _definition_form(at, "شاخص آزمون نادرست", manager.department_id, "۹۰", "۹۵", "۶۰")
    assert _errors(at), "amber above the target must be refused"
    with db.session_scope() as session:
        names = {k.name_fa for k in kpis.list_kpis(session, _actor("pr"))}
    assert "شاخص آزمون نادرست" not in names
    at = _open(open_app, "pr", view="definitions")
    _definition_form(at, "شاخص آزمون درست", manager.department_id, "۹۰", "۸۰", "۶۰")
    assert any("ذخیره شد" in s.value for s in at.success), _errors(at)
    with db.session_scope() as session:
        made = next(k for k in kpis.list_kpis(session, _actor("pr"))
                    if k.name_fa == "شاخص آزمون درست")
    assert (made.target, made.amber, made.red) == (90, 80, 60)
    assert made.reporting_department_ids == (manager.department_id,)


def test_every_field_of_a_new_kpi_is_saved_and_shown_again_for_editing(open_app):
    """Both languages' name and description, and each choice, reach define_kpi; the
    English texts left empty are stored as none; the saved KPI's form shows them all."""
    manager = _actor("manager")
    at = _open(open_app, "pr", view="definitions")
    prefix = "kpi_def___new___0"

    def field(kind, name):
        return next(f for f in getattr(at, kind) if f.key == f"{prefix}_{name}")

    field("text_area", "description_fa").input("از نظرسنجی‌های ماهانه")
    for name, value in (("direction", "lower"), ("frequency", "quarter"),
                        ("aggregation", "sum"), ("entered_by", "pr"), ("unit", "count")):
        field("selectbox", name).set_value(value)
    _definition_form(at, "شاخص همه فیلدها", manager.department_id, "۱۰", "۱۵", "۲۵")
    assert any("ذخیره شد" in s.value for s in at.success), _errors(at)
    with db.session_scope() as session:
        made = next(k for k in kpis.list_kpis(session, _actor("pr"))
                    if k.name_fa == "شاخص همه فیلدها")
    assert (made.name_en, made.description_fa, made.description_en) == (
        None, "از نظرسنجی‌های ماهانه", None)
    assert (made.unit, made.direction, made.frequency, made.aggregation, made.entered_by) == (
        "count", "lower", "quarter", "sum", "pr")

    at = _open(open_app, "pr", view="definitions")
    _select(at, "kpi_def_pick").set_value(made.code).run()
    prefix = f"kpi_def_{made.code}_{made.version}"
    assert field("text_input", "name_fa").value == "شاخص همه فیلدها"
    assert field("text_input", "name_en").value == ""
    assert field("text_area", "description_fa").value == "از نظرسنجی‌های ماهانه"
    assert [field("selectbox", n).value for n in
            ("unit", "direction", "frequency", "aggregation", "entered_by")] == [
        "count", "lower", "quarter", "sum", "pr"]
