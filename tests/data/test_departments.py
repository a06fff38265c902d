"""The department tree on SQLite and PostgreSQL: structure, the rules for
changing it, headcounts, audit entries and role checks."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from data_access import departments, users
from data_access.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from data_access.models import AuditEntry, Department
from tests.conftest import audit_entries, make_department, make_user


def _department(session, department_id: int) -> Department:
    session.flush()
    department = session.get(Department, department_id)
    session.refresh(department)
    return department


def _snapshot(session) -> tuple:
    session.flush()
    session.expire_all()
    rows = session.execute(select(Department.id, Department.name, Department.name_en,
                                  Department.name_key, Department.parent_id, Department.active)
                           .order_by(Department.id)).all()
    return rows, session.scalar(select(func.count()).select_from(AuditEntry))


# --- create --------------------------------------------------------------------

def test_create_normalises_the_name_and_audits(session, org):
    dept_id = departments.create(session, org.admin, "  واحد   كنترل  كيفيت ", org.traffic,
                                 name_en="  Quality   Control ")
    session.commit()
    department = _department(session, dept_id)
    assert department.name == "واحد کنترل کیفیت"
    assert department.name_en == "Quality Control"
    assert department.name_key == "واحد کنترل کیفیت"
    assert (department.parent_id, department.active) == (org.traffic, True)
    [entry] = audit_entries(session, "department.create")
    assert (entry.actor_id, entry.entity, entry.entity_id) == (org.admin.id, "department",
                                                               str(dept_id))
    assert json.loads(entry.details) == {"name": "واحد کنترل کیفیت", "parent_id": org.traffic}


def test_create_at_the_top_of_the_tree(session, org):
    dept_id = departments.create(session, org.admin, "سازمان فرهنگی", None)
    assert _department(session, dept_id).parent_id is None
    assert _department(session, dept_id).name_en is None


@pytest.mark.parametrize("name", ["ترافيك", "ترافیک", " ترافیک ", "ترافـیک", "تر\u200cافیک"])
def test_sibling_names_are_unique_across_letter_forms(session, org, name):
    before = _snapshot(session)
    with pytest.raises(Conflict) as caught:
        departments.create(session, org.admin, name, org.root)
    assert (caught.value.key, caught.value.field) == ("errors.department_exists", "name")
    assert _snapshot(session) == before


def test_unique_at_the_top_level_too(session, org):
    with pytest.raises(Conflict):
        departments.create(session, org.admin, "شهرداري", None)


def test_latin_names_are_unique_regardless_of_case(session, org):
    departments.create(session, org.admin, "IT", org.root)
    with pytest.raises(Conflict):
        departments.create(session, org.admin, "it", org.root)


def test_same_name_under_different_parents_is_allowed(session, org):
    first = departments.create(session, org.admin, "دبیرخانه", org.traffic)
    second = departments.create(session, org.admin, "دبيرخانه", org.pr_dept)
    assert first != second


@pytest.mark.parametrize(("name", "name_en", "key", "field"), [
    ("", None, "errors.required", "name"),
    ("   ", None, "errors.required", "name"),
    ("\u200c\u200b", None, "errors.required", "name"),
    ("ن" * 201, None, "errors.too_long", "name"),
    ("واحد", "E" * 201, "errors.too_long", "name_en"),
])
def test_create_validates_names(session, org, name, name_en, key, field):
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        departments.create(session, org.admin, name, org.root, name_en=name_en)
    assert (caught.value.key, caught.value.field) == (key, field)
    assert _snapshot(session) == before


def test_create_under_unknown_or_inactive_parent_is_refused(session, org):
    closed = make_department(session, "واحد بسته", org.root)
    session.get(Department, closed).active = False
    session.flush()
    before = _snapshot(session)
    with pytest.raises(NotFound):
        departments.create(session, org.admin, "واحد تازه", 99_999)
    with pytest.raises(InvalidInput) as caught:
        departments.create(session, org.admin, "واحد تازه", closed)
    assert (caught.value.key, caught.value.field) == ("errors.department_inactive", "parent")
    assert _snapshot(session) == before


# --- rename --------------------------------------------------------------------

def test_rename_andaudit_entries(session, org):
    departments.rename(session, org.admin, org.traffic, "حمل‌ونقل و ترافيك", "Transport")
    session.commit()
    department = _department(session, org.traffic)
    assert department.name == "حمل‌ونقل و ترافیک"  # keeps the ZWNJ for display
    assert department.name_key == "حملونقل و ترافیک"
    assert department.name_en == "Transport"
    [entry] = audit_entries(session, "department.rename")
    assert json.loads(entry.details) == {"old": "ترافیک", "new": "حمل‌ونقل و ترافیک",
                                         "old_en": "Traffic", "new_en": "Transport"}


def test_rename_to_its_own_name_in_other_letter_forms_is_allowed(session, org):
    departments.rename(session, org.admin, org.traffic, "ترافيك", "Traffic")
    assert _department(session, org.traffic).name == "ترافیک"


def test_rename_to_a_sibling_name_is_a_conflict(session, org):
    before = _snapshot(session)
    with pytest.raises(Conflict):
        departments.rename(session, org.admin, org.traffic, "روابط عمومي")
    assert _snapshot(session) == before


def test_rename_validates(session, org):
    before = _snapshot(session)
    for name, name_en, key in [(" ", None, "errors.required"),
                               ("ن" * 201, None, "errors.too_long"),
                               ("ترافیک", "T" * 201, "errors.too_long")]:
        with pytest.raises(InvalidInput) as caught:
            departments.rename(session, org.admin, org.traffic, name, name_en)
        assert caught.value.key == key
    with pytest.raises(NotFound):
        departments.rename(session, org.admin, 77_777, "نام")
    assert _snapshot(session) == before


@pytest.mark.parametrize("name_en", ["=1+1", "+SUM(A1)", "-2", "@A1", "\t=1"])
def test_english_name_that_a_spreadsheet_would_run_is_refused(session, org, name_en):
    """Both names reach the survey exports: the English one is checked like the Persian."""
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        departments.create(session, org.admin, "واحد تازه", org.root, name_en=name_en)
    assert (caught.value.key, caught.value.field) == ("errors.name_formula", "name_en")
    with pytest.raises(InvalidInput) as caught:
        departments.rename(session, org.admin, org.traffic, "ترافیک", name_en)
    assert (caught.value.key, caught.value.field) == ("errors.name_formula", "name_en")
    assert _snapshot(session) == before


def test_names_lose_bidi_controls_and_zero_width_marks_but_keep_the_zwnj(session, org):
    dept_id = departments.create(session, org.admin, "\u202eحمل\u200cونقل\u200b\u2066",
                                 org.root, name_en="Tra\u202effic\u200d\u2069")
    assert (_department(session, dept_id).name, _department(session, dept_id).name_en) == \
        ("حمل\u200cونقل", "Traffic")
    departments.rename(session, org.admin, dept_id, "\u2067حمل\u200cونقل\u200f",
                       "\ufeffTransport\u202a")
    assert (_department(session, dept_id).name, _department(session, dept_id).name_en) == \
        ("حمل\u200cونقل", "Transport")
    with pytest.raises(InvalidInput) as caught:  # only invisible marks: as good as empty
        departments.rename(session, org.admin, dept_id, "\u202e\u2066", None)
    assert caught.value.key == "errors.required"


# --- move ----------------------------------------------------------------------

def test_move_andaudit_entries(session, org):
    departments.move(session, org.admin, org.traffic_control, org.pr_dept)
    session.commit()
    assert _department(session, org.traffic_control).parent_id == org.pr_dept
    [entry] = audit_entries(session, "department.move")
    assert entry.entity_id == str(org.traffic_control)
    assert json.loads(entry.details) == {"old_parent": org.traffic, "new_parent": org.pr_dept}
    assert org.traffic_control in departments.subtree_ids(session, org.pr_dept)
    assert org.traffic_control not in departments.subtree_ids(session, org.traffic)


def test_move_to_the_top_level(session, org):
    departments.move(session, org.admin, org.traffic, None)
    assert _department(session, org.traffic).parent_id is None


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_move_into_own_subtree_is_refused(session, org, target):
    grandchild = make_department(session, "شیفت شب", org.traffic_control)
    new_parent = {"self": org.traffic, "child": org.traffic_control,
                  "grandchild": grandchild}[target]
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        departments.move(session, org.admin, org.traffic, new_parent)
    assert (caught.value.key, caught.value.field) == ("errors.department_cycle", "parent")
    assert _snapshot(session) == before


def test_move_root_under_its_descendant_is_refused(session, org):
    with pytest.raises(InvalidInput):
        departments.move(session, org.admin, org.root, org.traffic_control)


def test_move_next_to_a_namesake_is_a_conflict(session, org):
    make_department(session, "کنترل ترافيك", org.pr_dept)
    before = _snapshot(session)
    with pytest.raises(Conflict):
        departments.move(session, org.admin, org.traffic_control, org.pr_dept)
    assert _snapshot(session) == before


def test_move_under_unknown_or_inactive_parent_is_refused(session, org):
    closed = make_department(session, "واحد بسته", org.root)
    session.get(Department, closed).active = False
    session.flush()
    before = _snapshot(session)
    with pytest.raises(NotFound):
        departments.move(session, org.admin, org.traffic_control, 88_888)
    with pytest.raises(NotFound):
        departments.move(session, org.admin, 88_888, org.root)
    with pytest.raises(InvalidInput) as caught:
        departments.move(session, org.admin, org.traffic_control, closed)
    assert caught.value.key == "errors.department_inactive"
    assert _snapshot(session) == before


# --- deactivate --------------------------------------------------------------------

def test_deactivate_refused_while_it_has_active_members(session, org):
    before = _snapshot(session)
    with pytest.raises(Conflict) as caught:
        departments.set_active(session, org.admin, org.pr_dept, False)
    assert caught.value.key == "errors.department_not_empty"
    assert caught.value.params == {"members": 2, "children": 0}
    assert _snapshot(session) == before


def test_deactivate_refused_while_it_has_active_sub_departments(session, org):
    users.update_user(session, org.admin, org.manager.id, display_name="manager", email=None,
                      department_id=org.pr_dept, role="manager", locale="fa")
    before = _snapshot(session)
    with pytest.raises(Conflict) as caught:
        departments.set_active(session, org.admin, org.traffic, False)
    assert caught.value.params == {"members": 0, "children": 1}
    assert _snapshot(session) == before


def test_deactivate_an_empty_department_and_reactivate(session, org):
    empty = make_department(session, "واحد خالی", org.traffic)
    departments.set_active(session, org.admin, empty, False)
    session.commit()
    assert _department(session, empty).active is False
    [entry] = audit_entries(session, "department.deactivate")
    assert (entry.actor_id, entry.entity_id) == (org.admin.id, str(empty))
    departments.set_active(session, org.admin, empty, True)
    assert _department(session, empty).active is True
    assert len(audit_entries(session, "department.activate")) == 1


def test_inactive_members_and_sub_departments_do_not_block(session, org):
    team = make_department(session, "تیم", org.root)
    sub = make_department(session, "زیرتیم", team)
    former = make_user(session, "former", team)
    users.set_active(session, org.admin, former.id, False)
    departments.set_active(session, org.admin, sub, False)
    departments.set_active(session, org.admin, team, False)
    assert _department(session, team).active is False


def test_reactivating_under_an_inactive_parent_is_refused(session, org):
    team = make_department(session, "تیم", org.root)
    sub = make_department(session, "زیرتیم", team)
    departments.set_active(session, org.admin, sub, False)
    departments.set_active(session, org.admin, team, False)
    before = _snapshot(session)
    with pytest.raises(InvalidInput) as caught:
        departments.set_active(session, org.admin, sub, True)
    assert (caught.value.key, caught.value.field) == ("errors.department_inactive", "parent")
    assert _snapshot(session) == before


# --- reading the tree ----------------------------------------------------------------

def test_tree_lists_parents_before_children_with_depths(session, org):
    extra = make_department(session, "الف", org.root)  # sorts first among the root's children
    nested = make_department(session, "ب", org.traffic_control)
    nodes = departments.tree(session)
    order = [n.id for n in nodes]
    assert order[0] == org.root
    assert set(order) == {org.root, org.pr_dept, org.traffic, org.traffic_control, extra, nested}
    position = {n.id: i for i, n in enumerate(nodes)}
    depth = {n.id: n.depth for n in nodes}
    for node in nodes:
        if node.parent_id is not None:
            assert position[node.parent_id] < position[node.id]
            assert depth[node.id] == depth[node.parent_id] + 1
    assert depth == {org.root: 0, extra: 1, org.pr_dept: 1, org.traffic: 1,
                     org.traffic_control: 2, nested: 3}
    # Depth-first: a department's subtree follows it directly.
    # Siblings by name: «الف» < «ترافیک» < «روابط عمومی».
    assert order == [org.root, extra, org.traffic, org.traffic_control, nested, org.pr_dept]


def test_tree_can_hide_inactive_departments_and_their_subtrees(session, org):
    team = make_department(session, "تیم", org.root)
    sub = make_department(session, "زیرتیم", team)
    departments.set_active(session, org.admin, sub, False)
    departments.set_active(session, org.admin, team, False)
    visible = {n.id for n in departments.tree(session, include_inactive=False)}
    assert team not in visible and sub not in visible and org.traffic_control in visible
    every = {n.id: n.active for n in departments.tree(session)}
    assert every[team] is False and every[sub] is False


def test_node_label_follows_the_locale(session, org):
    nodes = {n.id: n for n in departments.tree(session)}
    assert nodes[org.traffic].label("fa") == "ترافیک"
    assert nodes[org.traffic].label("en") == "Traffic"
    bare = make_department(session, "بی‌نام انگلیسی", org.root)
    assert {n.id: n for n in departments.tree(session)}[bare].label("en") == "بی‌نام انگلیسی"


def test_descendants_and_ancestors(session, org):
    leaf = make_department(session, "شیفت شب", org.traffic_control)
    parents = departments.parent_map(session)
    assert parents[org.traffic_control] == org.traffic and parents[org.root] is None
    assert departments.descendants(parents, [org.traffic]) == {
        org.traffic, org.traffic_control, leaf}
    assert departments.descendants(parents, [org.pr_dept, org.traffic_control]) == {
        org.pr_dept, org.traffic_control, leaf}
    assert departments.descendants(parents, [org.root]) == set(parents)
    assert departments.subtree_ids(session, leaf) == {leaf}
    assert departments.ancestors(parents, leaf) == [leaf, org.traffic_control, org.traffic,
                                                    org.root]
    assert departments.ancestors(parents, org.root) == [org.root]


def test_ancestors_and_descendants_survive_a_cycle():
    parents = {1: 2, 2: 1, 3: None}
    assert departments.ancestors(parents, 1) == [1, 2]
    assert departments.descendants(parents, [1]) == {1, 2}


def test_headcounts_count_active_direct_members(session, org):
    make_user(session, "extra", org.traffic)
    gone = make_user(session, "gone", org.traffic)
    users.set_active(session, org.admin, gone.id, False)
    counts = departments.headcounts(session)
    assert counts == {org.root: 1, org.pr_dept: 2, org.traffic: 2, org.traffic_control: 1}


# --- permissions -------------------------------------------------------------------

DEPARTMENT_WRITES = {
    "create": lambda s, a, o: departments.create(s, a, "واحد تازه", o.root),
    "rename": lambda s, a, o: departments.rename(s, a, o.traffic, "نام تازه"),
    "move": lambda s, a, o: departments.move(s, a, o.traffic_control, o.pr_dept),
    "deactivate": lambda s, a, o: departments.set_active(s, a, o.traffic_control, False),
    "activate": lambda s, a, o: departments.set_active(s, a, o.traffic_control, True),
}


@pytest.mark.parametrize("role", ["employee", "manager", "pr"])
@pytest.mark.parametrize("operation", sorted(DEPARTMENT_WRITES))
def test_only_admins_change_departments(session, org, role, operation):
    before = _snapshot(session)
    with pytest.raises(PermissionDenied):
        DEPARTMENT_WRITES[operation](session, getattr(org, role), org)
    assert _snapshot(session) == before
