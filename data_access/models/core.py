"""Core tables: the department tree, users and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, UTCDateTime, utcnow

ROLES = ("employee", "manager", "pr", "admin")
LOCALES = ("fa", "en")


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    # Normalised name, so «ترافيك» and «ترافیک» cannot both exist under one parent.
    name_key: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        CheckConstraint(f"locale IN {LOCALES!r}", name="locale"),
        Index("ix_users_department_active", "department_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(16), default="employee")
    locale: Mapped[str] = mapped_column(String(2), default="fa")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(100))
    # Sign-in cookies issued before this instant are refused (logout,
    # deactivation and password changes move it forward).
    tokens_valid_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SignInThrottle(Base):
    """Failed sign-ins per (name, client) and per name from every client together.

    Keyed by keyed hashes (data_access.users), never by the typed name or the
    address, and kept for unknown names exactly as for real ones, so that the
    answers do not tell which names exist. Rows nobody touched for a while are
    pruned.
    """

    __tablename__ = "sign_in_throttle"

    name_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # "*": every client
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    strikes: Mapped[int] = mapped_column(Integer, default=0)  # locks in a row: doubles the next
    # Attempts whose password is being checked right now (reserved, not yet settled).
    in_flight: Mapped[int] = mapped_column(Integer, default=0)
    in_flight_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A client that signed in to this name recently is let through an account-wide lock.
    trusted_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str | None] = mapped_column(Text)  # JSON

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class AppSetting(Base):
    """Small instance-wide settings (demo mode, thresholds) shared by every replica."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
