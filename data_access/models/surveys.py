"""Tables of pulse surveys (waves, participation, anonymous answers).

The layout follows docs/anonymity.md:

- `survey_participation` says who answered a wave, and nothing else: no time,
  and on SQLite no rowid (the table is ordered by its key, not by arrival).
- A submission is sealed (encrypted with a key that is not in the database)
  into `survey_submission_pool` in the same transaction as the participation
  row. PostgreSQL stamps every row with the id of the transaction that wrote
  it (`xmin`), so anything readable written there would be linkable.
- When the wave closes, one transaction opens the pool, labels every answer
  with a reporting department that holds at least k respondents, and writes
  `survey_answers` / `survey_comments` in shuffled order under random ids,
  plus the pre-aggregated results. Answer rows carry no user, no time and no
  submission id, so even one person's answers to two items cannot be joined.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.models.base import Base, UTCDateTime, utcnow

CADENCES = ("none", "weekly", "biweekly", "monthly")
ITEM_KINDS = ("likert5", "enps", "choice", "comment")
WAVE_STATUSES = ("open", "closed")
SUPPRESSION_REASONS = ("below_k", "complementary")

# SQLite keeps rows of an ordinary table in rowid order, which is arrival
# order; WITHOUT ROWID tables are stored in primary-key order instead.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {values!r}"


class SurveyBankItem(Base):
    """Items an admin added to the built-in bank (surveys.bank.BANK)."""

    __tablename__ = "survey_bank_items"
    __table_args__ = (CheckConstraint("kind = 'likert5'", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    driver: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="likert5")
    text_fa: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Survey(Base):
    """A survey design; a recurring pulse when its cadence is not 'none'."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(_in("cadence", CADENCES), name="cadence"),
        CheckConstraint("min_group_size >= 3", name="min_group_size"),
        CheckConstraint("comment_threshold >= min_group_size", name="comment_threshold"),
        CheckConstraint("first_closes_at > first_opens_at", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_fa: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    intro_fa: Mapped[str | None] = mapped_column(Text)
    intro_en: Mapped[str | None] = mapped_column(Text)
    audience_all: Mapped[bool] = mapped_column(Boolean, default=True)
    cadence: Mapped[str] = mapped_column(String(16), default="none")
    # The first wave's window; later waves repeat it every cadence period.
    first_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    comment_threshold: Mapped[int] = mapped_column(Integer, default=10)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyAudience(Base):
    """Departments (with their sub-departments) a survey is for, unless audience_all."""

    __tablename__ = "survey_audience"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class SurveyItem(Base):
    """One question of a survey design, from the bank or custom."""

    __tablename__ = "survey_items"
    __table_args__ = (
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        UniqueConstraint("survey_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    bank_code: Mapped[str | None] = mapped_column(String(32))
    driver: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    text_fa: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    options: Mapped[str | None] = mapped_column(Text)  # JSON [[fa, en], ...] for 'choice'
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class SurveyWave(Base):
    """One run of a survey. Its items (survey_wave_items) and thresholds are
    copied when it opens and never change afterwards."""

    __tablename__ = "survey_waves"
    __table_args__ = (
        CheckConstraint(_in("status", WAVE_STATUSES), name="status"),
        CheckConstraint("min_group_size >= 3", name="min_group_size"),
        UniqueConstraint("survey_id", "number"),
        Index("ix_survey_waves_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    number: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default="open")
    min_group_size: Mapped[int] = mapped_column(Integer)
    comment_threshold: Mapped[int] = mapped_column(Integer)
    invited: Mapped[int] = mapped_column(Integer, default=0)
    respondents: Mapped[int | None] = mapped_column(Integer)  # known once closed
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when results were built
    # Names the wave's key file outside the database (data_access/surveys/sealing.py); NULL for
    # waves opened before per-wave keys, sealed under the legacy key.
    key_id: Mapped[str | None] = mapped_column(String(32))


class SurveyWaveItem(Base):
    """The frozen copy of a survey item in one wave; answers refer to it."""

    __tablename__ = "survey_wave_items"
    __table_args__ = (
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        UniqueConstraint("wave_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"))
    position: Mapped[int] = mapped_column(Integer)
    # Same survey item across waves: what trends follow.
    survey_item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id"))
    bank_code: Mapped[str | None] = mapped_column(String(32))
    driver: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    text_fa: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    options: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)


class SurveyWaveDepartment(Base):
    """The audience's department tree as it was when the wave opened.

    `invited` (active members directly in the department) is frozen at open,
    so participation rates do not move when people join or leave later.
    `respondents` and the reporting departments are set when the wave closes.
    """

    __tablename__ = "survey_wave_departments"

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(Integer)  # within the audience, at open
    invited: Mapped[int] = mapped_column(Integer, default=0)
    respondents: Mapped[int | None] = mapped_column(Integer)
    # Where its respondents' answers and comments are reported (roll-up at close).
    report_department_id: Mapped[int | None] = mapped_column(Integer)
    comment_department_id: Mapped[int | None] = mapped_column(Integer)


class SurveyParticipation(Base):
    """"User U answered wave W": the key that makes a second answer impossible.

    No time, no order: on SQLite the table has no rowid and is stored in key
    order; on PostgreSQL nothing readable in the same transaction names the answers.
    """

    __tablename__ = "survey_participation"
    __table_args__ = (WITHOUT_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class SurveySubmissionPool(Base):
    """Sealed submissions of an open wave, opened only when the wave closes."""

    __tablename__ = "survey_submission_pool"
    __table_args__ = (WITHOUT_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"), primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SurveyAnswer(Base):
    """One answer to one item: no user, no time, no submission id, random id."""

    __tablename__ = "survey_answers"
    __table_args__ = (WITHOUT_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"), primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Reporting department (owning ≥ k respondents); NULL: the wave's whole audience.
    department_id: Mapped[int | None] = mapped_column(Integer)
    wave_item_id: Mapped[int] = mapped_column(ForeignKey("survey_wave_items.id"))
    value: Mapped[int] = mapped_column(SmallInteger)


class SurveyComment(Base):
    """A free-text answer, kept apart from the scored answers so that it cannot
    be joined to its author's other answers either."""

    __tablename__ = "survey_comments"
    __table_args__ = (WITHOUT_ROWID,)

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"), primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Owning ≥ comment-threshold respondents; NULL: the wave's whole audience.
    department_id: Mapped[int | None] = mapped_column(Integer)
    wave_item_id: Mapped[int] = mapped_column(ForeignKey("survey_wave_items.id"))
    body: Mapped[str] = mapped_column(Text)


class SurveyResultGroup(Base):
    """A group results are shown for: a reporting department with everything
    reported below it, or the whole audience (department_id NULL).

    Suppression is decided once, over the whole tree, when the wave closes;
    every view and export reads the same decision.
    """

    __tablename__ = "survey_result_groups"
    __table_args__ = (
        CheckConstraint(_in("hidden", SUPPRESSION_REASONS), name="hidden"),
        CheckConstraint(_in("participation_hidden", SUPPRESSION_REASONS),
                        name="participation_hidden"),
        Index("ix_survey_result_groups_wave_department", "wave_id", "department_id",
              unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    parent_department_id: Mapped[int | None] = mapped_column(Integer)  # nearest reporting ancestor
    respondents: Mapped[int] = mapped_column(Integer)
    invited: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[str | None] = mapped_column(String(16))
    participation_hidden: Mapped[str | None] = mapped_column(String(16))
    comments_shown: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResultItem(Base):
    """Responses to one item in one result group, and whether they may be shown."""

    __tablename__ = "survey_result_items"
    __table_args__ = (CheckConstraint(_in("hidden", SUPPRESSION_REASONS), name="hidden"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("survey_result_groups.id", ondelete="CASCADE"), primary_key=True)
    wave_item_id: Mapped[int] = mapped_column(ForeignKey("survey_wave_items.id"),
                                              primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[str | None] = mapped_column(String(16))


class SurveyResultCount(Base):
    """Pre-aggregated answers: how many in a result group gave each value to an item."""

    __tablename__ = "survey_result_counts"
    __table_args__ = (WITHOUT_ROWID,)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("survey_result_groups.id", ondelete="CASCADE"), primary_key=True)
    wave_item_id: Mapped[int] = mapped_column(ForeignKey("survey_wave_items.id"),
                                              primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)
