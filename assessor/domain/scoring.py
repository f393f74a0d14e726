"""Score a set of answers against the question bank.

Pure functions, no Flask and no database: the web app, the PDF and the CLI call
:func:`score` and show what it returns. The formula (also on the methodology page):

- question score = the chosen option's value (0, 0.25, 0.5, 0.75 or 1); "not applicable"
  leaves the question out of every denominator; an unanswered question counts as 0.
- dimension score = 100 × Σ(weight × value) / Σ(weight) over its applicable questions.
- overall score = the dimensions' weighted mean.
- stage = the highest stage whose ``min_score`` the overall score reaches, capped at one
  stage above the weakest dimension's stage, and at stage 2 while any critical question
  scores 0.
- roadmap = every applicable question below the top, with the next step of its current
  option, ordered critical first, then by priority = dimension weight × question weight ×
  gap to the top; split into quick wins (low effort) and longer projects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from assessor.domain.bank import OPTION_VALUES, Bank, Dimension, Question, Stage

#: The answer that takes a question out of the score, where the bank allows it.
NA = "na"
Answer = float | Literal["na"]

#: While any critical question scores 0, the overall stage is at most this one (1-based).
CRITICAL_CAP_STAGE = 2
#: The overall stage is at most this many stages above the weakest dimension's stage.
WEAKEST_MARGIN = 1
#: How many dimensions are named as strengths.
STRENGTHS = 3

_EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class QuestionScore:
    """How one question was answered."""

    question: Question
    status: Literal["answered", "na", "unanswered"]
    #: The option value; 0 when unanswered, ``None`` when not applicable.
    value: float | None


@dataclass(frozen=True)
class DimensionScore:
    """A dimension's score (0-100) and stage; ``None`` when every question is N/A."""

    dimension: Dimension
    score: float | None
    stage: Stage | None
    questions: tuple[QuestionScore, ...]

    @property
    def points(self) -> int | None:
        return points(self.score) if self.score is not None else None

    @property
    def answered(self) -> int:
        return sum(q.status != "unanswered" for q in self.questions)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def unanswered(self) -> tuple[Question, ...]:
        return tuple(q.question for q in self.questions if q.status == "unanswered")


@dataclass(frozen=True)
class Action:
    """A roadmap entry: the next step for one question below the top."""

    question: Question
    dimension: Dimension
    #: The current value (0 when unanswered), whose option's ``next_step`` this is.
    value: float
    unanswered: bool
    priority: float

    @property
    def next_step(self) -> Mapping[str, str]:
        return self.question.option_for(self.value).next_step or {}

    @property
    def effort(self) -> str:
        """The effort of this step: the current option's."""
        return self.question.option_for(self.value).effort or "low"

    @property
    def quick_win(self) -> bool:
        return self.effort == "low"


@dataclass(frozen=True)
class Result:
    """Everything the results page, the PDF and the CLI show about one assessment."""

    score: float
    stage: Stage
    #: The stage's position in the bank's list, 1-based.
    stage_number: int
    #: The stage the score alone would reach, before the caps.
    uncapped_stage: Stage
    #: Why the stage was capped: ``"weakest"``, ``"critical"``, or both; empty if not.
    caps: tuple[str, ...]
    dimensions: tuple[DimensionScore, ...]
    strengths: tuple[DimensionScore, ...]
    weakest: DimensionScore | None
    roadmap: tuple[Action, ...]
    #: Critical questions that score 0 (answered at the lowest level, or unanswered).
    critical_gaps: tuple[Question, ...]

    @property
    def points(self) -> int:
        return points(self.score)

    @property
    def quick_wins(self) -> tuple[Action, ...]:
        return tuple(a for a in self.roadmap if a.quick_win)

    @property
    def projects(self) -> tuple[Action, ...]:
        return tuple(a for a in self.roadmap if not a.quick_win)

    @property
    def unanswered(self) -> tuple[Question, ...]:
        return tuple(q for d in self.dimensions for q in d.unanswered)

    @property
    def complete(self) -> bool:
        return not self.unanswered


def points(score: float) -> int:
    """Show a score as a whole number that never crosses a stage threshold: round down."""
    return math.floor(score)


def stage_for(bank: Bank, score: float) -> Stage:
    """Return the highest stage whose ``min_score`` ``score`` reaches."""
    reached = [stage for stage in bank.stages if stage.min_score <= score]
    return reached[-1] if reached else bank.stages[0]


def check_answer(question: Question, answer: object) -> Answer:
    """Return ``answer`` as a valid answer to ``question``; raise ``ValueError`` if it is not."""
    if answer == NA:
        if not question.allow_na:
            raise ValueError("'not applicable' is not allowed for this question")
        return NA
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise ValueError(f"{answer!r} is not one of {_scale()}")
    if float(answer) not in OPTION_VALUES:
        raise ValueError(f"{answer!r} is not one of {_scale()}")
    return float(answer)


def _scale() -> str:
    return ", ".join(f"{v:g}" for v in OPTION_VALUES) + f" or {NA!r}"


def score(bank: Bank, answers: Mapping[str, Answer]) -> Result:
    """Score ``answers`` (question id → value or :data:`NA`; missing = unanswered).

    Raise ``ValueError`` for an unknown question id or a value not on the question's scale.
    """
    unknown = sorted(set(answers) - set(bank.questions))
    if unknown:
        raise ValueError(f"unknown question id(s): {', '.join(unknown)}")
    for qid, answer in answers.items():
        check_answer(bank.questions[qid], answer)

    dimensions = tuple(_score_dimension(bank, d, answers) for d in bank.dimensions)
    scored = [d for d in dimensions if d.score is not None]
    total_weight = sum(d.dimension.weight for d in scored)
    overall = (
        _clean(sum(d.dimension.weight * d.score for d in scored) / total_weight)
        if total_weight
        else 0.0
    )

    uncapped = stage_for(bank, overall)
    stage_index = bank.stages.index(uncapped)
    caps = []
    weakest = _weakest(scored)
    if weakest is not None:
        limit = bank.stages.index(weakest.stage) + WEAKEST_MARGIN
        if stage_index > limit:
            stage_index, caps = limit, caps + ["weakest"]
    critical_gaps = tuple(
        q.question for d in dimensions for q in d.questions if q.question.critical and q.value == 0
    )
    if critical_gaps and stage_index > CRITICAL_CAP_STAGE - 1:
        stage_index, caps = CRITICAL_CAP_STAGE - 1, caps + ["critical"]

    strengths = tuple(
        d for d in sorted(scored, key=lambda d: -d.score) if d is not weakest and d.score > 0
    )[:STRENGTHS]
    return Result(
        score=overall,
        stage=bank.stages[stage_index],
        stage_number=stage_index + 1,
        uncapped_stage=uncapped,
        caps=tuple(caps),
        dimensions=dimensions,
        strengths=strengths,
        weakest=weakest,
        roadmap=_roadmap(dimensions),
        critical_gaps=critical_gaps,
    )


def _score_dimension(bank: Bank, dimension: Dimension, answers: Mapping[str, Answer]):
    questions = []
    for question in dimension.questions:
        answer = answers.get(question.id)
        if answer is None:
            questions.append(QuestionScore(question, "unanswered", 0.0))
        elif answer == NA:
            questions.append(QuestionScore(question, "na", None))
        else:
            questions.append(QuestionScore(question, "answered", float(answer)))
    applicable = [q for q in questions if q.value is not None]
    weight = sum(q.question.weight for q in applicable)
    if not weight:
        return DimensionScore(dimension, None, None, tuple(questions))
    value = _clean(100 * sum(q.question.weight * q.value for q in applicable) / weight)
    return DimensionScore(dimension, value, stage_for(bank, value), tuple(questions))


def _clean(value: float) -> float:
    # Sums of weights like 0.1 leave 59.999999…; round that away before stage thresholds.
    return round(value, 6)


def _weakest(scored: list[DimensionScore]) -> DimensionScore | None:
    """The lowest-scoring dimension; on a tie, the one that weighs most, then the first."""
    if not scored:
        return None
    return min(scored, key=lambda d: (d.score, -d.dimension.weight))


def _roadmap(dimensions: tuple[DimensionScore, ...]) -> tuple[Action, ...]:
    actions = [
        Action(
            question=q.question,
            dimension=d.dimension,
            value=q.value,
            unanswered=q.status == "unanswered",
            priority=_clean(d.dimension.weight * q.question.weight * (1 - q.value)),
        )
        for d in dimensions
        for q in d.questions
        if q.value is not None and q.value < 1
    ]
    order = {a.question.id: i for i, a in enumerate(actions)}
    actions.sort(
        key=lambda a: (
            not a.question.critical,
            -a.priority,
            _EFFORT_ORDER[a.effort],
            order[a.question.id],
        )
    )
    return tuple(actions)
