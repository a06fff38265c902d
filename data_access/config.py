"""Every setting that comes from the environment, read at call time.

Tests, the command line and several replicas change these between calls, so
nothing here is cached at import. The README's configuration table lists the
same variables.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATABASE_URL = "DATABASE_URL"
DATA_DIR = "INTRANET_DATA_DIR"
KEY_DIR = "INTRANET_KEY_DIR"
TIMEZONE = "INTRANET_TIMEZONE"
DEFAULT_LOCALE = "INTRANET_DEFAULT_LOCALE"
COOKIE_KEY = "INTRANET_COOKIE_KEY"
COOKIE_EXPIRY_DAYS = "INTRANET_COOKIE_EXPIRY_DAYS"
BCRYPT_ROUNDS = "INTRANET_BCRYPT_ROUNDS"
DB_POOL_SIZE = "INTRANET_DB_POOL_SIZE"
SURVEY_KEY = "INTRANET_SURVEY_KEY"
SIGNIN_KEY = "INTRANET_SIGNIN_KEY"
CHROMIUM = "PEYVAND_CHROMIUM"

DEFAULT_SQLITE_PATH = ROOT / "data" / "peyvand.db"


def _get(name: str) -> str | None:
    """The variable's value, or None when it is unset or empty."""
    return os.environ.get(name) or None


def database_url() -> str:
    return _get(DATABASE_URL) or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def data_dir() -> Path:
    return Path(_get(DATA_DIR) or ROOT / "data")


def key_dir() -> Path:
    """Survey wave keys: never the folder of the database or its backups."""
    return Path(_get(KEY_DIR) or ROOT / "keys")


def timezone_name() -> str:
    return _get(TIMEZONE) or "Asia/Tehran"


def default_locale() -> str:
    return _get(DEFAULT_LOCALE) or "fa"


def cookie_key() -> str | None:
    return _get(COOKIE_KEY)


def cookie_expiry_days() -> float:
    return float(_get(COOKIE_EXPIRY_DAYS) or 7)


def bcrypt_rounds() -> int:
    return int(_get(BCRYPT_ROUNDS) or 12)


def db_pool_size() -> int:
    return int(_get(DB_POOL_SIZE) or 32)


def survey_key() -> str | None:
    return _get(SURVEY_KEY)


def signin_key() -> str | None:
    return _get(SIGNIN_KEY)


def chromium_path() -> str:
    """The Chromium that renders report charts on the server (dashboard/report/render.py)."""
    return _get(CHROMIUM) or "/usr/bin/chromium"
