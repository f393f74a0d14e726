"""Targets and progress: compare two results of the same bank. Plain Python, like scoring.

- A dimension's target is a stage (1-based); by default one stage above its current one.
- The gap to a target is how many points the dimension still needs to reach the target
  stage's ``min_score`` (0 once it is there).
- Progress to target between a baseline and a later assessment is the share of the
  baseline's total gap (against the baseline's targets) that the later one has closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessor.domain.bank import Bank, Dimension, Stage
from assessor.domain.scoring import DimensionScore, Result


def stage_number(bank: Bank, stage: Stage) -> int:
    return bank.stages.index(stage) + 1


def default_target(bank: Bank, dim: DimensionScore) -> int | None:
    """One stage above the dimension's current stage (the top stays the top)."""
    if dim.stage is None:
        return None
    return min(stage_number(bank, dim.stage) + 1, len(bank.stages))


def gap(bank: Bank, score: float | None, target: int | None) -> float | None:
    """Points still needed to reach stage ``target``; ``None`` without a score or target."""
    if score is None or target is None:
        return None
    return round(max(0.0, bank.stages[target - 1].min_score - score), 6)


@dataclass(frozen=True)
class TargetView:
    """A dimension's current state against its target, as the results page shows it."""

    dimension: Dimension
    score: float | None
    stage: Stage | None
    target: int | None
    target_stage: Stage | None
    gap: float | None
    notes: str


def targets_view(
    bank: Bank, result: Result, targets: Mapping[str, int | None], notes: Mapping[str, str]
) -> tuple[TargetView, ...]:
    """Current vs target for every dimension; a missing target takes the default."""
    views = []
    for dim in result.dimensions:
        target = targets.get(dim.dimension.id) or default_target(bank, dim)
        views.append(
            TargetView(
                dimension=dim.dimension,
                score=dim.score,
                stage=dim.stage,
                target=target,
                target_stage=bank.stages[target - 1] if target else None,
                gap=gap(bank, dim.score, target),
                notes=notes.get(dim.dimension.id, ""),
            )
        )
    return tuple(views)


@dataclass(frozen=True)
class DimensionDelta:
    dimension: Dimension
    before: float | None
    after: float | None
    #: ``after - before``; ``None`` when either is not applicable.
    delta: float | None
    target: int | None
    gap_before: float | None
    gap_after: float | None


@dataclass(frozen=True)
class Comparison:
    """Two assessments of one bank side by side."""

    overall_before: float
    overall_after: float
    deltas: tuple[DimensionDelta, ...]
    #: Dimensions that rose, most first; and those that fell back, most first.
    improved: tuple[DimensionDelta, ...]
    declined: tuple[DimensionDelta, ...]
    #: Share (0-1) of the baseline's gap to target closed since; ``None`` if there was none.
    gap_closed: float | None

    @property
    def overall_delta(self) -> float:
        return round(self.overall_after - self.overall_before, 6)


def compare(
    bank: Bank, before: Result, after: Result, targets: Mapping[str, int | None]
) -> Comparison:
    """Compare ``after`` with the baseline ``before``, against the baseline's ``targets``."""
    after_by_id = {d.dimension.id: d for d in after.dimensions}
    deltas = []
    for dim in before.dimensions:
        later = after_by_id[dim.dimension.id]
        target = targets.get(dim.dimension.id) or default_target(bank, dim)
        delta = (
            round(later.score - dim.score, 6)
            if dim.score is not None and later.score is not None
            else None
        )
        deltas.append(
            DimensionDelta(
                dimension=dim.dimension,
                before=dim.score,
                after=later.score,
                delta=delta,
                target=target,
                gap_before=gap(bank, dim.score, target),
                gap_after=gap(bank, later.score, target),
            )
        )
    measured = [d for d in deltas if d.delta is not None]
    improved = sorted((d for d in measured if d.delta > 0), key=lambda d: -d.delta)
    declined = sorted((d for d in measured if d.delta < 0), key=lambda d: d.delta)
    with_gap = [d for d in deltas if d.gap_before and d.gap_after is not None]
    total = sum(d.gap_before for d in with_gap)
    closed = sum(d.gap_before - min(d.gap_after, d.gap_before) for d in with_gap)
    return Comparison(
        overall_before=before.score,
        overall_after=after.score,
        deltas=tuple(deltas),
        improved=tuple(improved),
        declined=tuple(declined),
        gap_closed=round(closed / total, 6) if total else None,
    )
