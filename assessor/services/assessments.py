"""The assessment service: create, look up, save answers, score.

Views call these functions and render what they return; they never touch the models'
answers directly, and nothing here knows about requests or templates.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from cachetools import LRUCache
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from assessor.data.database import db, write_transaction
from assessor.data.models import Answer, Assessment, utcnow
from assessor.domain import scoring
from assessor.domain.bank import Bank
from assessor.domain.peers import PeerBenchmark, compare_with_peers
from assessor.domain.report_input import Baseline, Branding, ReportInput

#: 32 random bytes: 256 bits, far past guessing, and 43 URL-safe characters.
TOKEN_BYTES = 32


@dataclass(frozen=True)
class BankDetails:
    """What the start form asks about the bank and the respondent."""

    bank_name: str
    country: str = ""
    bank_type: str = ""
    size: str = ""
    respondent_role: str = ""


def create(
    bank: Bank, details: BankDetails, language: str, client_id: int | None = None
) -> Assessment:
    """Create an assessment with a fresh resume token and return it."""
    assessment = Assessment(
        client_id=client_id,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        bank_name=details.bank_name,
        country=details.country,
        bank_type=details.bank_type,
        size=details.size,
        respondent_role=details.respondent_role,
        language=language,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
    )
    with write_transaction():
        db.session.add(assessment)
    return assessment


#: What a resume token can look like (``secrets.token_urlsafe``); anything else is not
#: looked up at all (PostgreSQL refuses a NUL in a string with an error, not a miss).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _token_shaped(token: str) -> bool:
    return bool(token) and TOKEN_SHAPE.fullmatch(token) is not None


def by_token(token: str) -> Assessment | None:
    """Return the assessment with this resume token, or ``None``."""
    if not _token_shaped(token):
        return None
    # Notes are a consultant's and most pages never show them: load them only if asked.
    return db.session.execute(
        db.select(Assessment).where(Assessment.token == token).options(lazyload(Assessment.notes))
    ).scalar_one_or_none()


@dataclass(frozen=True)
class SavedAnswers:
    """An assessment's id and its saved answers: all that an answer page needs of it."""

    assessment_id: int
    answers: dict[str, scoring.Answer]


#: Built once, like the statements below: building a statement takes longer than running
#: it from SQLAlchemy's compiled cache.
_SAVED_ANSWERS = (
    select(Assessment.__table__.c.id, Answer.__table__.c.question_id, Answer.__table__.c.value)
    .select_from(
        Assessment.__table__.outerjoin(
            Answer.__table__, Answer.__table__.c.assessment_id == Assessment.__table__.c.id
        )
    )
    .where(Assessment.__table__.c.token == bindparam("token"))
)


def saved_answers(bank: Bank, token: str) -> SavedAnswers | None:
    """Return the answers saved under this resume token (as :func:`answers_of`), or ``None``.

    One query on the tables, rows rather than objects: the answer pages are the ones
    respondents load most, and need nothing else of the assessment.
    """
    if not _token_shaped(token):
        return None
    rows = db.session.execute(_SAVED_ANSWERS, {"token": token}).all()
    if not rows:
        return None
    # An assessment with no answer yet comes back as one row whose question id is None,
    # never a question of the bank.
    answers = _as_scored(bank, ((qid, value) for _id, qid, value in rows))
    return SavedAnswers(assessment_id=rows[0][0], answers=answers)


def answers_of(bank: Bank, assessment: Assessment) -> dict[str, scoring.Answer]:
    """Return the saved answers that the current bank still asks, as the scorer takes them."""
    return _as_scored(bank, ((a.question_id, a.value) for a in assessment.answers))


def _as_scored(
    bank: Bank, stored: Iterable[tuple[str | None, float | None]]
) -> dict[str, scoring.Answer]:
    # A stored value of None is "not applicable"; questions the bank no longer asks go.
    return {
        qid: scoring.NA if value is None else value
        for qid, value in stored
        if qid in bank.questions
    }


def save_answers(token: str, answers: Mapping[str, scoring.Answer]) -> bool:
    """Save ``answers`` (already checked against the bank) under this resume token.

    Return ``False``, saving nothing, when no assessment has the token. One transaction
    finds the assessment and writes, so an answer page's POST needs no read before it.
    Saving the same page twice leaves the same rows: each answer is an upsert on
    (assessment, question), so a repeated or concurrent POST never duplicates one.
    """
    if not _token_shaped(token):
        return False
    now = utcnow()
    with write_transaction():
        assessment_id = db.session.execute(_ASSESSMENT_ID, {"token": token}).scalar()
        if assessment_id is None:
            return False
        if answers:
            rows = [
                {
                    "assessment_id": assessment_id,
                    "question_id": qid,
                    "value": None if value == scoring.NA else float(value),
                    "updated_at": now,
                }
                for qid, value in answers.items()
            ]
            dialect = db.session.get_bind().dialect.name
            db.session.execute(_upsert_answers(dialect), rows)
            db.session.execute(_TOUCH, {"touched_id": assessment_id, "touched_at": now})
    # Objects loaded before the write show the new answers.
    db.session.expire_all()
    return True


_ASSESSMENT_ID = select(Assessment.__table__.c.id).where(
    Assessment.__table__.c.token == bindparam("token")
)


@cache
def _upsert_answers(dialect: str):
    """Insert answers, or replace the value of one already given (PostgreSQL or SQLite)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Answer.__table__)
    return statement.on_conflict_do_update(
        index_elements=["assessment_id", "question_id"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )


#: Move the assessment's date, the key of everything cached from its answers.
_TOUCH = (
    update(Assessment.__table__)
    .where(Assessment.__table__.c.id == bindparam("touched_id"))
    .values(updated_at=bindparam("touched_at", type_=Assessment.__table__.c.updated_at.type))
)


def result(bank: Bank, assessment: Assessment) -> scoring.Result:
    """Score the assessment's current answers."""
    return scoring.score(bank, answers_of(bank, assessment))


def first_open_step(bank: Bank, answers: Mapping[str, scoring.Answer]) -> int | None:
    """Return the 1-based step of the first dimension with an unanswered question."""
    for step, dimension in enumerate(bank.dimensions, start=1):
        if any(q.id not in answers for q in dimension.questions):
            return step
    return None


def targets_and_notes(assessment: Assessment) -> tuple[dict[str, int | None], dict[str, str]]:
    """The consultant's target stages and notes per dimension (empty for self-assessments)."""
    targets = {n.dimension_id: n.target_stage for n in assessment.notes}
    notes = {n.dimension_id: n.notes for n in assessment.notes if n.notes}
    return targets, notes


def previous(assessment: Assessment) -> Assessment | None:
    """The client's assessment just before ``assessment`` (``None`` for self-assessments)."""
    if assessment.client is None:
        return None
    earlier = [a for a in assessment.client.assessments if a.created_at < assessment.created_at]
    return earlier[-1] if earlier else None


def baseline(bank: Bank, earlier: Assessment) -> Baseline:
    """``earlier`` as the baseline a report measures progress from."""
    targets, _notes = targets_and_notes(earlier)
    return Baseline(
        date=earlier.created_at.date(), answers=answers_of(bank, earlier), targets=targets
    )


def report_input(
    bank: Bank,
    assessment: Assessment,
    language: str,
    branding: Branding | None = None,
    peers: PeerBenchmark | None = None,
    earlier: Assessment | None = None,
) -> ReportInput:
    """Gather what the PDF report of ``assessment`` shows, in ``language``.

    With ``earlier``, the report has a section on the progress made since it.
    """
    targets, notes = targets_and_notes(assessment)
    return ReportInput(
        baseline=baseline(bank, earlier) if earlier else None,
        peers=peers,
        targets=targets if assessment.client_id else None,
        notes=notes,
        branding=branding,
        bank=bank,
        answers=answers_of(bank, assessment),
        bank_name=assessment.bank_name,
        language=language,
        date=assessment.updated_at.date(),
        country=assessment.country,
        bank_type=assessment.bank_type,
        size=assessment.size,
        respondent_role=assessment.respondent_role,
    )


def peer_benchmark(bank: Bank, assessment: Assessment) -> PeerBenchmark | None:
    """Compare with completed assessments of other banks of the same type and country.

    Each client counts once (its latest completed assessment); self-assessments count one
    each. Nothing is returned for a group smaller than ``MIN_GROUP``.

    One query picks the peers, whatever the size of the group or of the database; their
    scores come from :data:`_PEER_SCORES`, and only the ones not seen before are loaded
    (one more query) and scored.
    """
    if not assessment.bank_type or not assessment.country:
        return None
    answered = (
        select(func.count(Answer.id)).where(Answer.assessment_id == Assessment.id).scalar_subquery()
    )
    latest_first = func.row_number().over(
        partition_by=func.coalesce(Assessment.client_id, -Assessment.id),
        order_by=(Assessment.created_at.desc(), Assessment.id.desc()),
    )
    group = select(Assessment.id, Assessment.updated_at, latest_first.label("rank")).where(
        Assessment.bank_type == assessment.bank_type,
        Assessment.country == assessment.country,
        Assessment.id != assessment.id,
        answered >= len(bank.questions),
    )
    if assessment.client_id is not None:
        group = group.where(
            or_(Assessment.client_id.is_(None), Assessment.client_id != assessment.client_id)
        )
    group = group.subquery()
    rows = db.session.execute(
        select(group.c.id, group.c.updated_at).where(group.c.rank == 1).order_by(group.c.id)
    ).all()
    peers = _peer_scores(
        bank, {row.id: (row.id, str(row.updated_at), bank.content_hash) for row in rows}
    )
    return compare_with_peers(result(bank, assessment), peers)


@dataclass(frozen=True)
class _DimensionScore:
    score: float | None


@dataclass(frozen=True)
class _PeerScores:
    """The two things the benchmark reads of a peer's result, and nothing heavier to keep."""

    score: float
    dimensions: tuple[_DimensionScore, ...]


#: Peers' scores by (assessment id, last change, bank hash), the least recently used going
#: first. Completed assessments rarely change, so each worker scores a peer once rather than
#: on every results page; the key moves with every saved answer, so an entry is never stale,
#: and instances need not agree. Server threads share it: every use holds the lock.
PEER_CACHE_SIZE = 50_000
_PEER_SCORES: LRUCache[tuple[int, str, str], _PeerScores] = LRUCache(maxsize=PEER_CACHE_SIZE)
_PEER_SCORES_LOCK = threading.Lock()
#: Ids per ``IN (...)`` when loading peers' answers (SQLite allows a few thousand).
_CHUNK = 500


def _peer_scores(bank: Bank, keys: dict[int, tuple[int, str, str]]) -> list[_PeerScores]:
    with _PEER_SCORES_LOCK:
        known = {key: _PEER_SCORES.get(key) for key in keys.values()}
    missing = [i for i, key in keys.items() if known[key] is None]
    loaded: dict[int, dict[str, scoring.Answer]] = {i: {} for i in missing}
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        for assessment_id, question_id, value in db.session.execute(
            select(Answer.assessment_id, Answer.question_id, Answer.value).where(
                Answer.assessment_id.in_(chunk)
            )
        ):
            if question_id in bank.questions:
                loaded[assessment_id][question_id] = scoring.NA if value is None else value
    for assessment_id, answers in loaded.items():
        scored = scoring.score(bank, answers)
        known[keys[assessment_id]] = _PeerScores(
            scored.score, tuple(_DimensionScore(d.score) for d in scored.dimensions)
        )
    with _PEER_SCORES_LOCK:
        _PEER_SCORES.update({keys[i]: known[keys[i]] for i in missing})
    return [known[key] for key in keys.values()]
