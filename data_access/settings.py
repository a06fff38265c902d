"""Instance-wide settings stored in the database, so every replica agrees."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import AppSetting

DEMO_MODE = "demo_mode"


def get(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == key))
    return default if value is None else value


def put(session: Session, key: str, value: str) -> None:
    setting = session.get(AppSetting, key)
    if setting is None:
        session.add(AppSetting(key=key, value=value))
    else:
        setting.value = value


def demo_mode(session: Session) -> bool:
    return get(session, DEMO_MODE) == "1"
