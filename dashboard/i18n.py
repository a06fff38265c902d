"""Translations: every user-visible string comes from the locale files.

Locale files live in `dashboard/locales/` as `<area>.<locale>.json` (flat
dotted keys); all areas of one locale are merged. A test checks that fa and
en have exactly the same keys.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from data_access import config

LOCALES = ("fa", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locales"


def default_locale() -> str:
    locale = config.default_locale()
    return locale if locale in LOCALES else "fa"


@cache
def catalog(locale: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob(f"*.{locale}.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"{path.name} redefines {sorted(clash)[:5]}")
        merged.update(entries)
    return merged


def translate(key: str, locale: str, **params: object) -> str:
    """The text for `key`; numeric parameters are shown with the locale's digits."""
    from dashboard.formatting import format_number

    text = catalog(locale).get(key)
    if text is None:
        return key  # visible in the UI and caught by the completeness test
    if not params:
        return text
    shown = {k: format_number(v, locale) if isinstance(v, int | float) and not isinstance(v, bool)
             else v for k, v in params.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return text


def is_rtl(locale: str) -> bool:
    return locale == "fa"
