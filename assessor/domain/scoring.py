"""Score a set of answers against the question bank.

Pure functions, no Flask and no database: the web app, the PDF and the CLI call
:func:`score` and show what it returns. The formula (also on the methodology page):

- question score = the chosen option's value (0, 0.25, 0.5, 0.75 or 1); "not applicable"
  (only where the question allows it) leaves the question out of every denominator; an
  unanswered question counts as 0.
- dimension score = 100 × Σ(weight × value) / Σ(weight) over its applicable questions.
- overall score = the dimensions' weighted mean.
- stage = the highest stage whose ``min_score`` the overall score reaches, then capped:

  - a critical question scoring below :data:`CRITICAL_LOW_BELOW` holds the stage at
    :data:`CRITICAL_LOW_CAP_STAGE` at most; one scoring 0 (or unanswered) at
    :data:`CRITICAL_ZERO_CAP_STAGE`;
  - a gating dimension holds it at :data:`GATING_MARGIN` stage above its own stage at most.
    Other dimensions count through the weighted mean only.

  Every cap only ever lowers the stage, and raising an answer only ever loosens a cap, so
  raising any answer never lowers the score or the stage.
- roadmap = every applicable question below the top, with the next step of its current
  option, ordered by risk-weighted gap = dimension weight × question weight × (1 − value)
  × :data:`CRITICAL_MULTIPLIER` for a critical question (1 otherwise), largest first; ties
  by the step's effort (low first), then bank order. Split into quick wins (low effort)
  and longer projects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assessor.domain.bank import OPTION_VALUES, Bank, Dimension, Question, Stage

#: The answer that takes a question out of the score, where the bank allows it.
NA = "na"
Answer = float | Literal["na"]

#: A critical question scoring below this value caps the overall stage…
CRITICAL_LOW_BELOW = 0.5
#: …at this stage at most (1-based).
CRITICAL_LOW_CAP_STAGE = 3
#: A critical question scoring 0 (or unanswered) caps the overall stage at this one (1-based).
CRITICAL_ZERO_CAP_STAGE = 2
#: The overall stage is at most this many stages above the weakest gating dimension's stage.
GATING_MARGIN = 1
#: A critical question's gap weighs this many times more in the roadmap's order.
CRITICAL_MULTIPLIER = 2.0
#: How many dimensions are named as strengths.
STRENGTHS = 3

_EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Rules:
    """The scoring rules' numbers, for the methodology page and anything else that shows them."""

    critical_low_below: float = CRITICAL_LOW_BELOW
    critical_low_cap_stage: int = CRITICAL_LOW_CAP_STAGE
    critical_zero_cap_stage: int = CRITICAL_ZERO_CAP_STAGE
    gating_margin: int = GATING_MARGIN
    critical_multiplier: float = CRITICAL_MULTIPLIER


RULES = Rules()


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
    #: The risk-weighted gap: dimension weight × question weight × (1 − value), times
    #: :data:`CRITICAL_MULTIPLIER` for a critical question. The roadmap's order, largest first.
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
class Cap:
    """One limit that held the overall stage below what the score alone reaches."""

    #: ``"critical"``: critical practices scored too low; ``"gating"``: a gating area's stage.
    kind: Literal["critical", "gating"]
    #: The stage it limits the overall stage to, at most.
    stage: Stage
    #: That stage's position in the bank's list, 1-based.
    stage_number: int
    #: For a critical cap: the critical questions that triggered it, in bank order.
    questions: tuple[Question, ...] = ()
    #: For a gating cap: the gating dimensions at the lowest stage, in bank order.
    dimensions: tuple[Dimension, ...] = ()
    #: For a critical cap: 0 when its questions score 0 (or are unanswered), else
    #: :data:`CRITICAL_LOW_BELOW`, the value they score below.
    below: float | None = None
    #: The gating dimensions' own stage (gating caps only).
    area_stage: Stage | None = None

    @property
    def zero(self) -> bool:
        """A critical cap from practices scored 0 (or unanswered), not merely low."""
        return self.kind == "critical" and self.below == 0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "stage": self.stage.id,
            "stage_number": self.stage_number,
            "questions": [q.id for q in self.questions],
            "dimensions": [d.id for d in self.dimensions],
        }


@dataclass(frozen=True)
class Result:
    """Everything the results page, the PDF and the CLI show about one assessment."""

    score: float
    stage: Stage
    #: The stage's position in the bank's list, 1-based.
    stage_number: int
    #: The stage the score alone would reach, before the caps.
    uncapped_stage: Stage
    #: The caps below the uncapped stage, the tightest first (the first one sets the
    #: stage); empty if the score alone sets it.
    caps: tuple[Cap, ...]
    dimensions: tuple[DimensionScore, ...]
    strengths: tuple[DimensionScore, ...]
    #: The lowest-scoring dimension, named on the results page; it caps nothing by itself.
    weakest: DimensionScore | None
    roadmap: tuple[Action, ...]
    #: Critical questions that score 0 (answered at the lowest level, or unanswered).
    critical_gaps: tuple[Question, ...]
    #: Critical questions that score above 0 but below :data:`CRITICAL_LOW_BELOW`.
    critical_low: tuple[Question, ...] = ()
    rules: Rules = field(default=RULES)

    @property
    def points(self) -> int:
        return points(self.score)

    @property
    def capped(self) -> bool:
        return bool(self.caps)

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

    def as_dict(self) -> dict:
        """The result as the CLI's ``--json`` prints it: scores as the pages show them."""
        return {
            "score": self.points,
            "stage": self.stage.id,
            "caps": [cap.as_dict() for cap in self.caps],
            "dimensions": [
                {
                    "id": d.dimension.id,
                    "score": d.points,
                    "stage": d.stage.id if d.stage is not None else None,
                }
                for d in self.dimensions
            ],
        }


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

    critical = [q for d in dimensions for q in d.questions if q.question.critical]
    critical_gaps = tuple(q.question for q in critical if q.value == 0)
    critical_low = tuple(
        q.question for q in critical if q.value is not None and 0 < q.value < CRITICAL_LOW_BELOW
    )
    uncapped = stage_for(bank, overall)
    caps = _caps(bank, bank.stages.index(uncapped), scored, critical_gaps, critical_low)
    stage_index = caps[0].stage_number - 1 if caps else bank.stages.index(uncapped)

    weakest = _weakest(scored)
    strengths = tuple(
        d for d in sorted(scored, key=lambda d: -d.score) if d is not weakest and d.score > 0
    )[:STRENGTHS]
    return Result(
        score=overall,
        stage=bank.stages[stage_index],
        stage_number=stage_index + 1,
        uncapped_stage=uncapped,
        caps=caps,
        dimensions=dimensions,
        strengths=strengths,
        weakest=weakest,
        roadmap=_roadmap(dimensions),
        critical_gaps=critical_gaps,
        critical_low=critical_low,
    )


def _caps(
    bank: Bank,
    uncapped_index: int,
    scored: list[DimensionScore],
    critical_gaps: tuple[Question, ...],
    critical_low: tuple[Question, ...],
) -> tuple[Cap, ...]:
    """The caps that hold the stage below ``uncapped_index`` (0-based), the tightest first."""
    last = len(bank.stages) - 1
    caps = []

    def limit(kind, index, **details) -> None:
        index = min(index, last)
        if index < uncapped_index:
            caps.append(Cap(kind, bank.stages[index], index + 1, **details))

    if critical_gaps:
        limit("critical", CRITICAL_ZERO_CAP_STAGE - 1, questions=critical_gaps, below=0.0)
    if critical_low:
        limit(
            "critical", CRITICAL_LOW_CAP_STAGE - 1, questions=critical_low, below=CRITICAL_LOW_BELOW
        )
    gating = [d for d in scored if d.dimension.gating]
    if gating:
        lowest = min(bank.stages.index(d.stage) for d in gating)
        limit(
            "gating",
            lowest + GATING_MARGIN,
            dimensions=tuple(d.dimension for d in gating if bank.stages.index(d.stage) == lowest),
            area_stage=bank.stages[lowest],
        )
    # Tightest first; on a tie, critical before gating, as built.
    return tuple(sorted(caps, key=lambda cap: cap.stage_number))


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


def risk_weighted_gap(dimension: Dimension, question: Question, value: float) -> float:
    """Dimension weight × question weight × (1 − value), × the critical multiplier if critical."""
    multiplier = CRITICAL_MULTIPLIER if question.critical else 1.0
    return _clean(dimension.weight * question.weight * (1 - value) * multiplier)


def _roadmap(dimensions: tuple[DimensionScore, ...]) -> tuple[Action, ...]:
    actions = [
        Action(
            question=q.question,
            dimension=d.dimension,
            value=q.value,
            unanswered=q.status == "unanswered",
            priority=risk_weighted_gap(d.dimension, q.question, q.value),
        )
        for d in dimensions
        for q in d.questions
        if q.value is not None and q.value < 1
    ]
    order = {a.question.id: i for i, a in enumerate(actions)}
    actions.sort(key=lambda a: (-a.priority, _EFFORT_ORDER[a.effort], order[a.question.id]))
    return tuple(actions)
