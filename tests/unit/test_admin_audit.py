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
