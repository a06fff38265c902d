"""The audit log's entity filter offers every entity type data_access records."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard.admin.audit import ENTITIES

ROOT = Path(__file__).resolve().parents[2]


def recorded_entities() -> set[str]:
    """The `entity` argument (the fourth) of every audit.record call in data_access."""
    found: set[str] = set()
    for path in (ROOT / "data_access").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "record" and len(node.args) >= 4:
                entity = node.args[3]
                assert isinstance(entity, ast.Constant), f"{path}:{node.lineno}"
                found.add(entity.value)
    return found


def test_the_entity_filter_lists_every_recorded_entity():
    recorded = recorded_entities()
    assert "announcement_comment" in recorded  # moderation, not "comment"
    assert set(ENTITIES) == recorded


# --- the log in words (audit_text) --------------------------------------------------

def recorded_calls() -> list[ast.Call]:
    calls = []
    for path in (ROOT / "data_access").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "record" and len(node.args) >= 4:
                calls.append(node)
    return calls


def test_every_constant_action_and_detail_field_has_words_in_both_languages():
    from dashboard.admin.audit_text import ACTIONS
    from dashboard.i18n import catalog

    actions, fields = set(), set()
    for call in recorded_calls():
        action = call.args[2]
        for node in ast.walk(action):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "." in node.value and not node.value.endswith("."):
                actions.add(node.value)
        fields |= {k.arg for k in call.keywords if k.arg}
    assert actions <= set(ACTIONS)
    # the names built at run time: news life-cycle steps and meeting transitions
    assert {"news.withdraw", "news.expire", "news.archive", "meeting.hold",
            "meeting.approve"} <= set(ACTIONS)
    for lang in ("fa", "en"):
        words = catalog(lang)
        assert [a for a in ACTIONS if f"audit.action.{a}" not in words] == []
        assert [e for e in ENTITIES if f"audit.entity.{e}" not in words] == []
        # "changes" (user.update) is not a field: its entries are shown one by one
        assert [f for f in fields - {"changes"} if f"audit.field.{f}" not in words] == []


def _row(action, entity, entity_id, details, at=None):
    import json
    from datetime import UTC, datetime

    from data_access.audit import AuditRow
    return AuditRow(1, at or datetime(2026, 12, 1, 11, 20, tzinfo=UTC), "sara", action, entity,
                    entity_id, json.dumps(details, ensure_ascii=False) if details else None)


LATIN = __import__("re").compile(r"[A-Za-z0-9{}\[\]\"]")


def test_a_status_change_reads_as_a_persian_sentence_with_jalali_local_time():
    from dashboard.admin.audit_text import describe

    line = describe(_row("action_item.status", "action_item", "7",
                         {"old": "done", "new": "in_progress"}), "fa", lambda d: "واحد")
    assert line.what == "وضعیت اقدام تغییر کرد"
    assert line.record == "اقدام ۷"
    assert line.details == "تغییر: از «انجام شد» به «در حال انجام»"
    assert line.when == "۱۴۰۵/۰۹/۱۰ ۱۴:۵۰"  # Tehran, Jalali, Persian digits
    for text in (line.what, line.record, line.details, line.when):
        assert not LATIN.search(text), text


def test_user_edits_news_edits_and_departments_show_no_codes_in_persian():
    from dashboard.admin.audit_text import describe

    names = {3: "روابط عمومی", 4: "فناوری"}
    rows = [
        _row("user.update", "user", "12", {"username": "sara", "changes": {
            "role": {"old": "employee", "new": "manager"},
            "department_id": {"old": 3, "new": 4}}}),
        _row("news.edit", "announcement", "5", {"stage": "published", "priority":
             ["normal", "urgent"], "body": {"old_length": 10, "new_length": 12},
             "publish_at": ["2026-11-30T08:00+00:00", "2026-12-01T09:30+00:00"],
             "audience": [[3], "all"], "pinned": [False, True]}),
        _row("department.move", "department", "4", {"old_parent": None, "new_parent": 3}),
        _row("survey.create", "survey", "2", {"title": "نبض", "cadence": "monthly", "k": 5,
                                             "items": 8}),
        _row("user.import", "user", None, {"created": 40}),
    ]
    for row in rows:
        line = describe(row, "fa", names.__getitem__)
        details = line.details.replace("sara", "")
        assert not LATIN.search(details + line.what + line.record), (row.action, line)
    user = describe(rows[0], "fa", names.__getitem__)
    assert "از «کارمند» به «مدیر»" in user.details
    assert "از «روابط عمومی» به «فناوری»" in user.details
    news = describe(rows[1], "fa", names.__getitem__)
    assert "۱۴۰۵/۰۹/۱۰ ۱۳:۰۰" in news.details and "«همه»" in news.details
    english = describe(rows[0], "en", names.__getitem__)
    assert "role: from “Employee” to “Manager”" in english.details


def test_a_kpi_value_correction_keeps_its_decimals_and_the_period_reads_in_persian():
    from dashboard.admin.audit_text import describe

    row = _row("kpi_value.enter", "kpi_value", "7", {"code": "c3", "department_id": 2,
                                                     "period": "1405-03", "old": 70, "new": 72.5})
    line = describe(row, "fa", lambda d: "ترافیک")
    assert "«۷۰» به «۷۲٫۵»" in line.details and "۱۴۰۵-۰۳" in line.details
    assert "ترافیک" in line.details
    english = describe(row, "en", lambda d: "Traffic")
    assert "from “70” to “72.5”" in english.details and "1405-03" in english.details
    changes = _row("kpi.update", "kpi", "3", {"code": "c3", "changes": {
        "unit": ["percent", "count"], "reporting_department_ids": [[1, 2], [2]]}})
    details = describe(changes, "fa", lambda d: f"واحد {d}").details
    assert "از «درصد» به «تعداد»" in details and "واحد 1" in details
