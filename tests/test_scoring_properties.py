"""The scoring rules as properties over random answer sets, and as profiles on the shipped bank.

The properties run on the shipped bank and on the mini bank (tests/data/mini_bank.yaml),
plain and with one or both of its dimensions marked gating: alpha holds the critical
question, beta has none, so the critical and the gating caps are seen apart and together.
The profiles find the critical questions and the gating dimensions in the bank, so they
keep working as the bank gains dimensions.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.domain.bank import OPTION_VALUES, Bank, Dimension, Question, load_bank
from assessor.domain.scoring import NA, score, stage_for

from .test_scoring import gated_mini_bank

EFFORT = {"low": 0, "medium": 1, "high": 2}
#: How many times more a critical question's gap weighs in the roadmap (the issue's rule).
CRITICAL_MULTIPLIER = 2
SHIPPED = load_bank()


def answers_for(bank: Bank):
    """A strategy for any valid set of answers: a value, N/A where allowed, or no answer."""
    entries = {}
    for qid, question in bank.questions.items():
        choices = list(OPTION_VALUES) + ([NA] if question.allow_na else []) + [None]
        entries[qid] = st.sampled_from(choices)
    return st.fixed_dictionaries(entries).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


@pytest.fixture(
    scope="module",
    params=["shipped", "mini", "mini, alpha gating", "mini, beta gating", "mini, both gating"],
)
def any_bank(request, mini_bank, shipped_bank) -> Bank:
    return {
        "shipped": lambda: shipped_bank,
        "mini": lambda: mini_bank,
        "mini, alpha gating": lambda: gated_mini_bank("alpha"),
        "mini, beta gating": lambda: gated_mini_bank("beta"),
        "mini, both gating": lambda: gated_mini_bank("alpha", "beta"),
    }[request.param]()


def value_of(answers, question: Question) -> float | None:
    """The scored value: ``None`` for N/A, 0 when unanswered."""
    answer = answers.get(question.id, 0.0)
    return None if answer == NA else float(answer)


def dimension_score(answers, dimension: Dimension) -> float | None:
    applicable = [(q.weight, value_of(answers, q)) for q in dimension.questions]
    applicable = [(w, v) for w, v in applicable if v is not None]
    if not applicable:
        return None
    return 100 * sum(w * v for w, v in applicable) / sum(w for w, _ in applicable)


def number(bank: Bank, stage) -> int:
    return bank.stages.index(stage) + 1


def one_step_raises(bank: Bank, answers):
    """Every answer below the top (or unanswered) raised to the next value, one at a time.

    Raising by one step never lowering anything means no raise at all does, step by step.
    """
    for qid in bank.questions:
        current = answers.get(qid, 0.0)
        if current != NA and current < 1:
            yield qid, {**answers, qid: OPTION_VALUES[OPTION_VALUES.index(current) + 1]}


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_score_or_the_stage(any_bank, data):
    answers = data.draw(answers_for(any_bank))
    before = score(any_bank, answers)
    assert 0 <= before.score <= 100
    for qid, raised in one_step_raises(any_bank, answers):
        after = score(any_bank, raised)
        assert after.score >= before.score, qid
        assert after.stage_number >= before.stage_number, qid
        dim = any_bank.dimension_of[qid].id
        scores = [{d.dimension.id: d.score for d in r.dimensions}[dim] for r in (before, after)]
        assert scores[1] >= scores[0], qid


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_critical_practices_cap_the_stage_at_three_below_half_and_at_two_at_zero(any_bank, data):
    answers = data.draw(answers_for(any_bank))
    result = score(any_bank, answers)
    critical = [q for q in any_bank.questions.values() if q.critical]
    zero = [q for q in critical if value_of(answers, q) == 0]
    low = [
        q for q in critical if value_of(answers, q) not in (None, 0) and value_of(answers, q) < 0.5
    ]
    if zero:
        assert result.stage_number <= 2
    if low:
        assert result.stage_number <= 3
    # The critical caps name exactly the questions that hold the stage below the score's.
    named = {q.id for cap in result.caps if cap.kind == "critical" for q in cap.questions}
    uncapped = number(any_bank, result.uncapped_stage)
    expected = {q.id for q in zero if uncapped > 2} | {q.id for q in low if uncapped > 3}
    assert named == expected
    assert [q.id for q in result.critical_gaps] == [q.id for q in zero]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_weakest_gating_area_caps_the_stage_one_above_its_own(any_bank, data):
    answers = data.draw(answers_for(any_bank))
    result = score(any_bank, answers)
    gating = {
        d.id: number(any_bank, stage_for(any_bank, s))
        for d in any_bank.dimensions
        if d.gating and (s := dimension_score(answers, d)) is not None
    }
    gating_caps = [cap for cap in result.caps if cap.kind == "gating"]
    if not gating:
        assert gating_caps == []
        return
    limit = min(gating.values()) + 1
    assert result.stage_number <= limit
    if limit < number(any_bank, result.uncapped_stage):
        (cap,) = gating_caps
        assert cap.stage_number == limit
        assert {d.id for d in cap.dimensions} == {d for d, n in gating.items() if n == limit - 1}
    else:
        assert gating_caps == []


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_stage_is_the_scores_unless_a_cap_holds_it_and_the_caps_say_which(any_bank, data):
    answers = data.draw(answers_for(any_bank))
    result = score(any_bank, answers)
    scored = [
        (d.weight, s) for d in any_bank.dimensions if (s := dimension_score(answers, d)) is not None
    ]
    overall = sum(w * s for w, s in scored) / sum(w for w, _ in scored) if scored else 0
    assert result.score == pytest.approx(overall, abs=1e-5)
    uncapped = number(any_bank, stage_for(any_bank, result.score))
    assert number(any_bank, result.uncapped_stage) == uncapped

    # Every limit the rules set; no other dimension (however weak) limits anything.
    limits = [uncapped]
    for question in any_bank.questions.values():
        value = value_of(answers, question)
        if question.critical and value is not None and value < 0.5:
            limits.append(2 if value == 0 else 3)
    for dimension in any_bank.dimensions:
        s = dimension_score(answers, dimension)
        if dimension.gating and s is not None:
            limits.append(number(any_bank, stage_for(any_bank, s)) + 1)
    assert result.stage_number == min(min(limits), len(any_bank.stages))
    assert result.stage is any_bank.stages[result.stage_number - 1]

    numbers = [cap.stage_number for cap in result.caps]
    assert numbers == sorted(numbers)
    assert all(n < uncapped for n in numbers)
    if result.caps:
        assert result.caps[0].stage is result.stage
    else:
        assert result.stage is result.uncapped_stage


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_roadmap_is_ordered_by_risk_weighted_gap_then_effort_then_bank_order(any_bank, data):
    answers = data.draw(answers_for(any_bank))
    result = score(any_bank, answers)
    order = list(any_bank.questions)

    def key(action):
        question = action.question
        value = value_of(answers, question)
        dimension = any_bank.dimension_of[question.id]
        multiplier = CRITICAL_MULTIPLIER if question.critical else 1
        gap = dimension.weight * question.weight * (1 - value) * multiplier
        effort = question.option_for(value).effort
        return round(gap, 6), EFFORT[effort], order.index(question.id)

    expected = sorted(
        q.id for q in any_bank.questions.values() if value_of(answers, q) not in (None, 1.0)
    )
    assert sorted(a.question.id for a in result.roadmap) == expected
    keys = [key(a) for a in result.roadmap]
    assert [a.priority for a in result.roadmap] == pytest.approx([k[0] for k in keys])
    for (gap, effort, index), (next_gap, next_effort, next_index) in zip(
        keys, keys[1:], strict=False
    ):
        assert gap >= next_gap
        if gap == next_gap:
            assert (effort, index) < (next_effort, next_index)


# Profiles on the shipped bank.

TOP = {qid: 1.0 for qid in SHIPPED.questions}
CRITICAL = [q for q in SHIPPED.questions.values() if q.critical]
GATING = [d for d in SHIPPED.dimensions if d.gating]
OTHERS = [d for d in SHIPPED.dimensions if not d.gating]


def test_the_shipped_bank_has_critical_questions_and_both_kinds_of_dimension():
    assert CRITICAL and GATING and OTHERS
    assert {"care", "listening", "crisis", "governance"} <= {d.id for d in GATING}


def test_every_critical_practice_at_a_quarter_holds_the_stage_at_the_third(shipped_bank):
    answers = {**TOP, **{q.id: 0.25 for q in CRITICAL}}
    result = score(shipped_bank, answers)
    assert result.uncapped_stage is shipped_bank.stages[-1]  # the score alone is at the top
    assert result.stage_number <= 3
    (cap,) = result.caps
    assert cap.kind == "critical" and cap.stage_number == 3
    assert [q.id for q in cap.questions] == [q.id for q in CRITICAL]


@pytest.mark.parametrize("dimension", OTHERS, ids=lambda d: d.id)
def test_a_non_gating_area_at_zero_does_not_cap_the_stage(shipped_bank, dimension):
    # Its critical practices, if any, stay at the top: they cap by their own rule (below).
    zeros = {q.id: 0.0 for q in dimension.questions if not q.critical}
    result = score(shipped_bank, {**TOP, **zeros})
    assert result.stage_number >= 4
    assert result.caps == ()
    if not any(q.critical for q in dimension.questions):
        assert {d.dimension.id: d.score for d in result.dimensions}[dimension.id] == 0


@pytest.mark.parametrize("dimension", OTHERS, ids=lambda d: d.id)
def test_a_non_gating_area_all_at_zero_caps_only_through_its_critical_practices(
    shipped_bank, dimension
):
    result = score(shipped_bank, {**TOP, **{q.id: 0.0 for q in dimension.questions}})
    critical = [q.id for q in dimension.questions if q.critical]
    if not critical:
        assert result.stage_number >= 4
        assert result.caps == ()
    else:
        assert result.stage_number == 2
        assert [(c.kind, [q.id for q in c.questions]) for c in result.caps] == [
            ("critical", critical)
        ]


def at_second_stage(bank: Bank, dimension: Dimension) -> dict[str, float]:
    """Answers that put ``dimension`` at the second stage, its critical practices at the top
    if that can be done (so that only the gating rule caps)."""
    second = bank.stages[1]
    for keep_critical in (True, False):
        for value in OPTION_VALUES:
            answers = {
                q.id: 1.0 if keep_critical and q.critical else value for q in dimension.questions
            }
            if stage_for(bank, dimension_score(answers, dimension)) is second:
                return answers
    raise AssertionError(f"no uniform profile puts {dimension.id} at the second stage")


@pytest.mark.parametrize("dimension", GATING, ids=lambda d: d.id)
def test_a_gating_area_at_the_second_stage_holds_the_stage_at_the_third(shipped_bank, dimension):
    answers = {**TOP, **at_second_stage(shipped_bank, dimension)}
    result = score(shipped_bank, answers)
    area = {d.dimension.id: d for d in result.dimensions}[dimension.id]
    assert area.stage is shipped_bank.stages[1]
    assert result.uncapped_stage.min_score > shipped_bank.stages[2].min_score
    assert result.stage_number <= 3
    gating = [cap for cap in result.caps if cap.kind == "gating"]
    assert [(c.stage_number, [d.id for d in c.dimensions]) for c in gating] == [(3, [dimension.id])]
