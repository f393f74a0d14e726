"""Database models: assessments and their answers; consultants, their clients and notes."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessor.data.database import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Assessment(db.Model):
    """One bank's self-assessment, reached through its secret resume token."""

    #: The peer benchmark looks assessments up by type and country.
    __table_args__ = (Index("ix_assessment_peer_group", "bank_type", "country"),)

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
    #: The consultant's client this assessment belongs to; none for a self-assessment.
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), index=True
    )

    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="selectin"
    )
    client: Mapped[Client | None] = relationship(back_populates="assessments")
    notes: Mapped[list[DimensionNote]] = relationship(
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


class User(UserMixin, db.Model):
    """A consultant's account; created by an administrator from the command line."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so that sign-in does not depend on how it was typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    firm_name: Mapped[str] = mapped_column(String(120), default="")
    #: ``#rrggbb`` or "" for the default colours.
    accent_color: Mapped[str] = mapped_column(String(7), default="")
    #: The logo, re-encoded by the app as PNG (never the uploaded bytes).
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: Part of every session's user id (Flask-Login's alternative id): raising it on sign-out
    #: or a password change makes every session and remember cookie issued before invalid.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    clients: Mapped[list[Client]] = relationship(back_populates="consultant")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive (disabled) accounts
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the account and its session version."""
        return f"{self.id}.{self.session_version}"


class Client(db.Model):
    """A bank a consultant assesses, possibly several times over the years."""

    __table_args__ = (Index("ix_client_consultant_name", "consultant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), default="")
    bank_type: Mapped[str] = mapped_column(String(32), default="")
    size: Mapped[str] = mapped_column(String(32), default="")
    #: The language of this client's reports, whatever the consultant's interface language.
    report_language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    consultant: Mapped[User] = relationship(back_populates="clients")
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="client", order_by="Assessment.created_at"
    )


class DimensionNote(db.Model):
    """A consultant's target stage and notes for one dimension of one assessment."""

    __table_args__ = (UniqueConstraint("assessment_id", "dimension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    dimension_id: Mapped[str] = mapped_column(String(64))
    #: 1-based stage number; ``None`` means the default, one stage above the current one.
    target_stage: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="notes")
