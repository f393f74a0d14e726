"""Database models: an assessment and its answers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Assessment(db.Model):
    """One bank's self-assessment, reached through its secret resume token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The secret in the resume link (256 bits from ``secrets``); it is the only key a
    #: respondent holds, so it is never logged or shown to anyone else.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    bank_name: Mapped[str] = mapped_column(String(120))
    #: ISO 3166 alpha-2 code, or "" when not given.
    country: Mapped[str] = mapped_column(String(2), default="")
    bank_type: Mapped[str] = mapped_column(String(32), default="")
    size: Mapped[str] = mapped_column(String(32), default="")
    respondent_role: Mapped[str] = mapped_column(String(120), default="")
    #: The language the assessment was started in; the report is written in it.
    language: Mapped[str] = mapped_column(String(8))
    #: Which question bank the answers were given against.
    bank_version: Mapped[str] = mapped_column(String(32))
    bank_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Moves on every saved answer: the key for caching anything derived from the answers.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin"
    )


class Answer(db.Model):
    """The option chosen for one question; ``value`` is ``None`` for "not applicable"."""

    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(96))
    value: Mapped[float | None]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
