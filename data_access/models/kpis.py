"""KPI tables: definitions (built-in and custom), reported values and their history.

Built-in KPIs are computed from the other features' data; their definition row
holds only what people set (target, thresholds, whether shown). Custom KPIs are
defined by pr/admin and reported per department and Jalali period
(`data_access/kpis/periods.py` keys: "1405-03", "1405-Q2").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, UTCDateTime, utcnow

SOURCES = ("builtin", "custom")
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("month", "quarter")
# How a subtree's (or a quarter's) value is made from reported values.
AGGREGATIONS = ("sum", "mean", "last")
# Who may enter a custom KPI's values besides pr and admin.
ENTERED_BY = ("managers", "pr")


class KpiDefinition(Base):
    """One KPI. `code` is stable: the built-in's name ("participation") or
    "c<id>"-style slug for a custom one; it is what URLs and import files use."""

    __tablename__ = "kpi_definitions"
    __table_args__ = (
        CheckConstraint(f"source IN {SOURCES!r}", name="source"),
        CheckConstraint(f"direction IN {DIRECTIONS!r}", name="direction"),
        CheckConstraint(f"frequency IN {FREQUENCIES!r}", name="frequency"),
        CheckConstraint(f"aggregation IN {AGGREGATIONS!r}", name="aggregation"),
        CheckConstraint(f"entered_by IN {ENTERED_BY!r}", name="entered_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(8))
    # Custom KPIs carry their own names; built-ins are named by the locale files.
    name_fa: Mapped[str | None] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    description_fa: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # percent, count, score, days, hours or number
    unit: Mapped[str] = mapped_column(String(16), default="number")
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    target: Mapped[float | None] = mapped_column(Float)
    amber: Mapped[float | None] = mapped_column(Float)
    red: Mapped[float | None] = mapped_column(Float)
    frequency: Mapped[str] = mapped_column(String(8), default="month")
    aggregation: Mapped[str] = mapped_column(String(8), default="mean")
    group: Mapped[str] = mapped_column("kpi_group", String(24), default="custom")
    entered_by: Mapped[str] = mapped_column(String(8), default="managers")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class KpiReportingDepartment(Base):
    """The departments that report a custom KPI (each reports for itself)."""

    __tablename__ = "kpi_reporting_departments"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi_definitions.id", ondelete="CASCADE"),
                                        primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class KpiValue(Base):
    """A custom KPI's value for one department and one period."""

    __tablename__ = "kpi_values"
    __table_args__ = (
        UniqueConstraint("kpi_id", "department_id", "period", name="uq_kpi_values_period"),
        Index("ix_kpi_values_kpi_period", "kpi_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi_definitions.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    period: Mapped[str] = mapped_column(String(8))  # Period.key: "1405-03" or "1405-Q2"
    value: Mapped[float] = mapped_column(Float)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class KpiValueChange(Base):
    """History: every value entered or corrected (old is None when first entered)."""

    __tablename__ = "kpi_value_changes"
    __table_args__ = (Index("ix_kpi_value_changes_kpi", "kpi_id", "department_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi_definitions.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    period: Mapped[str] = mapped_column(String(8))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)  # None: the value was removed
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(8), default="form")  # form, import
