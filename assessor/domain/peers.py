"""Peer benchmark: where a bank's scores sit among similar banks. Plain Python.

Peers are other banks of the same type and country with a completed assessment. A group
smaller than :data:`MIN_GROUP` is never shown: with fewer banks, quartiles could give
away one bank's answers.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assessor.domain.bank import Dimension
from assessor.domain.scoring import Result

#: The fewest other banks a distribution may be drawn from.
MIN_GROUP = 5


@dataclass(frozen=True)
class PeerPosition:
    dimension: Dimension
    score: float | None
    p25: float
    median: float
    p75: float
    #: Share of peers (0-1) scoring below this bank in this dimension.
    below: float | None


@dataclass(frozen=True)
class PeerBenchmark:
    peers: int
    overall_median: float
    positions: tuple[PeerPosition, ...]


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return round(q1, 1), round(q2, 1), round(q3, 1)


def compare_with_peers(own: Result, peers: Sequence[Result]) -> PeerBenchmark | None:
    """Place ``own`` among ``peers``; ``None`` when there are fewer than MIN_GROUP of them."""
    if len(peers) < MIN_GROUP:
        return None
    positions = []
    for index, dim in enumerate(own.dimensions):
        values = [p.dimensions[index].score for p in peers if p.dimensions[index].score is not None]
        if len(values) < MIN_GROUP:
            continue
        p25, median, p75 = _quartiles(values)
        below = None if dim.score is None else sum(v < dim.score for v in values) / len(values)
        positions.append(PeerPosition(dim.dimension, dim.score, p25, median, p75, below))
    return PeerBenchmark(
        peers=len(peers),
        overall_median=round(statistics.median(p.score for p in peers), 1),
        positions=tuple(positions),
    )
