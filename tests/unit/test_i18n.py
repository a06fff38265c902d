"""Locale files: fa and en complete and consistent, and every key the code uses exists."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

from dashboard import i18n
from data_access import errors as domain_errors
from data_access.imports import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from data_access.models import LOCALES, ROLES

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "dashboard" / "locales"
SOURCE_DIRS = ("dashboard", "pages", "data_access")
UI_DIRS = ("dashboard", "pages")
KNOWN_PREFIXES = {"errors", "admin", "login", "nav", "profile", "home", "empty", "roles", "news",
                  "surveys"}
FILE_NAME = re.compile(r"\.(py|json|csv|png|svg|woff2?|toml|md|txt|db|html|css|js)$")
ARABIC_YEH, ARABIC_KAF = "\u064a", "\u0643"


def _area_files(locale: str) -> dict[str, Path]:
    return {path.name.removesuffix(f".{locale}.json"): path
            for path in sorted(LOCALE_DIR.glob(f"*.{locale}.json"))}


def _load(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


FA, EN = i18n.catalog("fa"), i18n.catalog("en")
AREAS = sorted(_area_files("fa").keys() | _area_files("en").keys())


# --- the files themselves -------------------------------------------------------

def test_locales_are_fa_and_en():
    assert i18n.LOCALES == LOCALES == ("fa", "en")
    assert AREAS, "no locale files found"


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_both_twins_with_the_same_keys(area):
    fa_path, en_path = _area_files("fa").get(area), _area_files("en").get(area)
    assert fa_path is not None, f"{area}.fa.json is missing"
    assert en_path is not None, f"{area}.en.json is missing"
    fa, en = _load(fa_path), _load(en_path)
    assert sorted(fa.keys() - en.keys()) == [], f"only in {fa_path.name}"
    assert sorted(en.keys() - fa.keys()) == [], f"only in {en_path.name}"


@pytest.mark.parametrize("area", AREAS)
def test_area_files_are_flat_string_maps(area):
    for path in (_area_files("fa")[area], _area_files("en")[area]):
        entries = _load(path)
        assert isinstance(entries, dict)
        bad = [k for k, v in entries.items() if not isinstance(v, str) or not isinstance(k, str)]
        assert bad == [], f"{path.name}: non-string values"


def test_no_duplicate_keys_inside_a_file():
    for path in LOCALE_DIR.glob("*.json"):
        pairs = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=list)
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"{path.name} repeats a key"


def test_merged_catalogs_have_identical_keys():
    assert sorted(FA.keys() - EN.keys()) == []
    assert sorted(EN.keys() - FA.keys()) == []
    assert len(FA) > 0


def test_no_area_redefines_another_areas_key():
    for locale in LOCALES:
        seen: dict[str, str] = {}
        for area, path in _area_files(locale).items():
            for key in _load(path):
                assert key not in seen, f"{key} is in both {seen.get(key)} and {area}"
                seen[key] = area


@pytest.mark.parametrize("locale", LOCALES)
def test_no_empty_values(locale):
    catalog = i18n.catalog(locale)
    assert [k for k, v in catalog.items() if not v.strip()] == []


def test_keys_are_dotted_lowercase():
    assert [k for k in FA if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", k)] == []


def test_placeholders_match_between_fa_and_en():
    differing = {key: (_placeholders(FA[key]), _placeholders(EN[key]))
                 for key in FA.keys() & EN.keys()
                 if _placeholders(FA[key]) != _placeholders(EN[key])}
    assert differing == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_value_is_a_valid_format_string(locale):
    for key, value in i18n.catalog(locale).items():
        names = _placeholders(value)
        assert all(name.isidentifier() for name in names), key
        value.format(**{name: "x" for name in names})  # raises on a broken template


def test_persian_values_use_persian_letters():
    arabic = {k: v for k, v in FA.items() if ARABIC_YEH in v or ARABIC_KAF in v}
    assert arabic == {}


def test_persian_values_are_persian():
    # An English string pasted into the fa file shows up as an English label on a Persian page.
    persian, latin = re.compile("[\u0600-\u06ff]"), re.compile("[A-Za-z]")
    untranslated = {}
    for key, value in FA.items():
        prose = re.sub(r"\{[^}]*\}", "", value)  # "{department} · {today}" has no words
        if latin.search(prose) and not persian.search(prose):
            untranslated[key] = value
    assert untranslated == {}


# --- the keys the code uses -----------------------------------------------------------

PREFIXES = KNOWN_PREFIXES | {key.split(".", 1)[0] for key in FA}
KEY = re.compile("(" + "|".join(sorted(PREFIXES)) + r")\.[a-z0-9_]+(\.[a-z0-9_]+)*")


def _error_names() -> set[str]:
    found, stack = set(), [domain_errors.DomainError]
    while stack:
        cls = stack.pop()
        found.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    return found | {"RowError"}


ERROR_NAMES = _error_names()


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def used_keys(path: Path, ui: bool | None = None) -> dict[str, int]:
    """Locale keys written as string literals in a source file, with a line number.

    In the UI layer every literal that looks like a key is one. In data_access
    only message keys count: literals under `errors.`, the arguments of domain
    exceptions and parameter defaults (audit action names such as `news.publish`
    share the dotted style but are not text). f-string templates are skipped;
    their keys are tested where they are built.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if ui is None:
        ui = path.relative_to(ROOT).parts[0] in UI_DIRS
    skip: set[int] = set()
    keyed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Call):
            name = _callee(node)
            if name == "ForeignKey":  # "table.column", not a key
                skip.update(id(n) for n in ast.walk(node))
            elif name == "record" and len(node.args) >= 3:  # audit.record's action
                skip.update(id(n) for n in ast.walk(node.args[2]))
            elif name in ERROR_NAMES:
                keyed.update(id(n) for n in ast.walk(node))
            for keyword in node.keywords:
                if keyword.arg == "action":
                    skip.update(id(n) for n in ast.walk(keyword.value))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for default in node.args.defaults + node.args.kw_defaults:
                if default is not None:
                    keyed.update(id(n) for n in ast.walk(default))
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        value = node.value
        if id(node) in skip or not KEY.fullmatch(value) or FILE_NAME.search(value):
            continue
        if ui or id(node) in keyed or value.startswith("errors."):
            found.setdefault(value, node.lineno)
    return found


SOURCES = sorted(
    path.relative_to(ROOT).as_posix()
    for directory in SOURCE_DIRS
    for path in (ROOT / directory).rglob("*.py")
    if "migrations" not in path.parts
)


@pytest.mark.parametrize("source", SOURCES)
def test_every_key_used_in_the_code_exists(source):
    keys = used_keys(ROOT / source)
    missing = {f"{key} (line {line})": [loc for loc, cat in (("fa", FA), ("en", EN))
                                        if key not in cat]
               for key, line in keys.items() if key not in FA or key not in EN}
    assert missing == {}


def test_the_key_scanner_finds_keys():
    # Guard against a scanner that silently finds nothing.
    admin_keys = used_keys(ROOT / "dashboard" / "admin" / "users.py")
    assert "admin.create_user" in admin_keys and "errors.unexpected" in FA
    users_keys = used_keys(ROOT / "data_access" / "users.py")
    assert {"errors.password_length", "errors.cannot_demote_self"} <= users_keys.keys()
    assert "errors.permission_denied" in used_keys(ROOT / "data_access" / "errors.py")
    assert "nav.home" in used_keys(ROOT / "dashboard" / "navigation.py")


def test_the_key_scanner_skips_what_is_not_a_key(tmp_path):
    source = tmp_path / "probe.py"
    text = (
        'audit.record(session, actor, "news.publish", "announcement", 1)\n'
        'helper(session, action="news.pin")\n'
        'ForeignKey("surveys.id")\n'
        'role = f"roles.{name}"\n'
        'raise InvalidInput("errors.scanner_probe", field="x")\n'
    )
    source.write_text(text, encoding="utf-8")
    assert set(used_keys(source, ui=False)) == {"errors.scanner_probe"}
    assert set(used_keys(source, ui=True)) == {"errors.scanner_probe"}


# --- keys built at run time --------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_a_label(role):
    assert f"roles.{role}" in FA and f"roles.{role}" in EN


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_name(locale):
    assert f"locale.{locale}" in FA and f"locale.{locale}" in EN


@pytest.mark.parametrize("column", REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
def test_every_import_field_has_a_column_label(column):
    # The import preview labels each bad row's field with t(f"admin.{field}").
    assert f"admin.{column}" in FA and f"admin.{column}" in EN


def test_every_page_has_a_title_and_section():
    from dashboard.navigation import PAGES

    for page in PAGES:
        for key in (page.title_key, page.section):
            assert key in FA and key in EN, key


# --- translate ------------------------------------------------------------------------------

def test_translate_picks_the_locale():
    assert i18n.translate("nav.home", "fa") == FA["nav.home"]
    assert i18n.translate("nav.home", "en") == "Home"


def test_translate_shows_a_missing_key_as_itself():
    assert i18n.translate("nav.no_such_page", "en") == "nav.no_such_page"


def test_translate_fills_placeholders_with_the_locales_digits():
    assert i18n.translate("errors.password_length", "en", min=8, max=64) == \
        "The password must be between 8 and 64 characters."
    fa = i18n.translate("errors.password_length", "fa", min=8, max=64)
    assert "۸" in fa and "۶۴" in fa and "64" not in fa


def test_translate_leaves_text_parameters_alone():
    text = i18n.translate("errors.department_unknown", "fa", value="Unit 12")
    assert "Unit 12" in text


def test_translate_survives_missing_parameters():
    assert i18n.translate("errors.password_length", "en", min=8) == EN["errors.password_length"]


def test_default_locale(monkeypatch):
    monkeypatch.delenv("INTRANET_DEFAULT_LOCALE", raising=False)
    assert i18n.default_locale() == "fa"
    monkeypatch.setenv("INTRANET_DEFAULT_LOCALE", "en")
    assert i18n.default_locale() == "en"
    monkeypatch.setenv("INTRANET_DEFAULT_LOCALE", "de")
    assert i18n.default_locale() == "fa"


def test_direction():
    assert i18n.is_rtl("fa") and not i18n.is_rtl("en")
