"""Targets, gaps and progress, pinned on examples computed by hand from the mini bank.

mini bank: alpha (weight 2) = alpha.one (w1) + alpha.two (w3, critical);
           beta (weight 1)  = beta.one (w1, N/A allowed) + beta.two (w1).
stages start at 0, 20, 40, 60, 80.
"""

from __future__ import annotations

import pytest

from assessor.domain.comparison import compare, default_target, gap, targets_view
from assessor.domain.scoring import NA, score

BEFORE = {"alpha.one": 0.5, "alpha.two": 0.25, "beta.one": 0.5, "beta.two": 0.5}
AFTER = {"alpha.one": 1, "alpha.two": 0.5, "beta.one": NA, "beta.two": 0.25}


def test_compare_two_assessments(mini_bank):
    before, after = score(mini_bank, BEFORE), score(mini_bank, AFTER)
    # before: alpha = 100 × (0.5 + 3 × 0.25) / 4 = 31.25 (stage 2), beta = 50 (stage 3),
    #         overall = (2 × 31.25 + 50) / 3 = 37.5
    # after:  alpha = 100 × (1 + 3 × 0.5) / 4 = 62.5, beta = 25 (N/A left out), overall = 50
    result = compare(mini_bank, before, after, {"beta": 5})
    assert (result.overall_before, result.overall_after, result.overall_delta) == (37.5, 50, 12.5)
    alpha, beta = result.deltas
    assert (alpha.before, alpha.after, alpha.delta) == (31.25, 62.5, 31.25)
    assert (beta.before, beta.after, beta.delta) == (50, 25, -25)
    # alpha's target defaults to one stage above its baseline stage: stage 3, from 40 points;
    # beta's was set to stage 5, from 80 points.
    assert (alpha.target, alpha.gap_before, alpha.gap_after) == (3, 8.75, 0)
    assert (beta.target, beta.gap_before, beta.gap_after) == (5, 30, 55)
    assert [d.dimension.id for d in result.improved] == ["alpha"]
    assert [d.dimension.id for d in result.declined] == ["beta"]
    # Of the 38.75 points of gap at the baseline, alpha closed its 8.75; beta's fall back
    # does not count against it (a gap is closed or not, never below nothing).
    assert result.gap_closed == pytest.approx(8.75 / 38.75, abs=1e-6)


def test_no_gap_at_the_baseline_means_no_progress_share(mini_bank):
    top = score(mini_bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": 1, "beta.two": 1})
    result = compare(mini_bank, top, top, {})
    assert result.gap_closed is None
    assert result.improved == result.declined == ()
    assert all(d.delta == 0 and d.gap_before == 0 for d in result.deltas)


def test_targets_view_and_gap(mini_bank):
    result = score(mini_bank, BEFORE)
    alpha, beta = result.dimensions
    assert default_target(mini_bank, alpha) == 3 and default_target(mini_bank, beta) == 4
    views = targets_view(mini_bank, result, {"alpha": 5}, {"beta": "Hire a community manager"})
    assert [(v.target, v.gap, v.notes) for v in views] == [
        (5, 48.75, ""),
        (4, 10, "Hire a community manager"),
    ]
    assert gap(mini_bank, None, 3) is None and gap(mini_bank, 90, 5) == 0
