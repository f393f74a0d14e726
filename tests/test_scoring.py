"""The scoring formula, pinned on examples computed by hand from tests/data/mini_bank.yaml.

mini bank: alpha (weight 2) = alpha.one (w1, low) + alpha.two (w3, high, critical);
           beta (weight 1)  = beta.one (w1, medium, N/A allowed) + beta.two (w1, low).
stages start at 0, 20, 40, 60, 80.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.domain.bank import OPTION_VALUES, Bank
from assessor.domain.scoring import NA, check_answer, score

ALL_TOP = {"alpha.one": 1, "alpha.two": 1, "beta.one": 1, "beta.two": 1}


def dims(result):
    return {d.dimension.id: d.score for d in result.dimensions}


def test_all_top_answers(mini_bank):
    result = score(mini_bank, ALL_TOP)
    assert result.score == 100
    assert result.stage.id == "integrated"
    assert result.stage_number == 5
    assert result.caps == ()
    assert result.roadmap == ()
    assert result.complete


def test_weights_na_and_stages(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 0.5, "beta.one": NA, "beta.two": 0.25})
    # alpha = 100 × (1×1 + 3×0.5) / 4 = 62.5; beta = 100 × 0.25 / 1 (N/A left out) = 25
    assert dims(result) == {"alpha": 62.5, "beta": 25}
    # overall = (2 × 62.5 + 1 × 25) / 3 = 50
    assert result.score == 50
    assert result.stage.id == "engaged"
    assert [d.stage.id for d in result.dimensions] == ["managed", "present"]
    assert result.weakest.dimension.id == "beta"
    assert [d.dimension.id for d in result.strengths] == ["alpha"]
    assert result.caps == ()
    assert result.complete


def test_roadmap_is_critical_first_then_by_priority(mini_bank):
    result = score(mini_bank, {"alpha.one": 0.75, "alpha.two": 0.75, "beta.one": 0, "beta.two": 0})
    # priorities: alpha.one 2×1×0.25 = 0.5; alpha.two 2×3×0.25 = 1.5 (critical);
    # beta.one 1×1×1 = 1 (medium effort); beta.two 1×1×1 = 1 (low effort, wins the tie)
    assert [a.question.id for a in result.roadmap] == [
        "alpha.two",
        "beta.two",
        "beta.one",
        "alpha.one",
    ]
    assert [a.priority for a in result.roadmap] == [1.5, 1, 1, 0.5]
    assert [a.question.id for a in result.quick_wins] == ["beta.two", "alpha.one"]
    assert [a.question.id for a in result.projects] == ["alpha.two", "beta.one"]
    # Each action carries the next step of the option currently chosen.
    assert result.roadmap[0].next_step["en"] == "alpha.two step 3"
    assert result.roadmap[1].next_step["en"] == "beta.two step 0"


def test_stage_capped_one_above_weakest_dimension(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": 0, "beta.two": 0})
    # overall = (2 × 100 + 0) / 3 = 66.67 would be "managed"; beta is "absent", so "present".
    assert result.score == pytest.approx(66.666667)
    assert result.points == 66
    assert result.uncapped_stage.id == "managed"
    assert result.stage.id == "present"
    assert result.caps == ("weakest",)


def test_stage_capped_at_two_while_a_critical_question_scores_zero(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 0, "beta.one": 1, "beta.two": 1})
    # alpha = 100 × 1 / 4 = 25, beta = 100; overall = (50 + 100) / 3 = 50: "engaged"
    assert result.score == 50
    assert result.uncapped_stage.id == "engaged"
    assert result.stage.id == "present"
    assert result.caps == ("critical",)
    assert [q.id for q in result.critical_gaps] == ["alpha.two"]


def test_unanswered_questions_score_zero_and_are_flagged(mini_bank):
    result = score(mini_bank, {"alpha.one": 1})
    # alpha = 100 × 1 / 4 = 25; beta = 0; overall = 50 / 3 = 16.67
    assert dims(result) == {"alpha": 25, "beta": 0}
    assert result.points == 16
    assert result.stage.id == "absent"
    assert [q.id for q in result.unanswered] == ["alpha.two", "beta.one", "beta.two"]
    assert not result.complete
    # An unanswered critical question counts as a zero for the cap.
    assert [q.id for q in result.critical_gaps] == ["alpha.two"]
    assert [a.unanswered for a in result.roadmap] == [True, True, True]
    assert [d.answered for d in result.dimensions] == [1, 0]


def test_points_round_down_so_display_matches_stage(mini_bank):
    # beta = 100 × 0.75 = 75, alpha = 100 × (0.5 + 3 × 0.75) / 4 = 68.75; overall 70.83
    result = score(
        mini_bank, {"alpha.one": 0.5, "alpha.two": 0.75, "beta.one": NA, "beta.two": 0.75}
    )
    assert result.points == 70
    assert result.dimensions[0].points == 68


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"alpha.nine": 1}, "unknown question id(s): alpha.nine"),
        ({"alpha.one": 0.3}, "0.3 is not one of 0, 0.25, 0.5, 0.75, 1 or 'na'"),
        ({"alpha.one": True}, "True is not one of"),
        ({"alpha.one": NA}, "'not applicable' is not allowed for this question"),
    ],
)
def test_rejects_invalid_answers(mini_bank, answers, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score(mini_bank, answers)


def test_check_answer_accepts_scale_and_na(mini_bank):
    question = mini_bank.questions["beta.one"]
    assert check_answer(question, NA) == NA
    assert check_answer(question, 0.75) == 0.75


def answers_for(bank: Bank):
    """A strategy for any valid set of answers: a value, N/A where allowed, or no answer."""
    entries = {}
    for qid, question in bank.questions.items():
        choices = list(OPTION_VALUES) + ([NA] if question.allow_na else []) + [None]
        entries[qid] = st.sampled_from(choices)
    return st.fixed_dictionaries(entries).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


@pytest.fixture(scope="session", params=["mini_bank", "shipped_bank"])
def any_bank(request) -> Bank:
    return request.getfixturevalue(request.param)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_stay_in_range_and_raising_an_answer_never_lowers_a_score(any_bank, data):
    answers = data.draw(answers_for(any_bank))
    result = score(any_bank, answers)
    assert 0 <= result.score <= 100
    for dimension in result.dimensions:
        assert dimension.score is None or 0 <= dimension.score <= 100
    assert result.stage_number <= any_bank.stages.index(result.weakest.stage) + 2

    raisable = [q for q, v in answers.items() if v != NA and v < 1] + [
        q for q in any_bank.questions if q not in answers
    ]
    if not raisable:
        return
    qid = data.draw(st.sampled_from(sorted(raisable)))
    current = answers.get(qid, 0.0)
    higher = data.draw(st.sampled_from([v for v in OPTION_VALUES if v > current]))
    raised = score(any_bank, {**answers, qid: higher})
    dim = any_bank.dimension_of[qid].id
    before = {d.dimension.id: d.score for d in result.dimensions}[dim]
    after = {d.dimension.id: d.score for d in raised.dimensions}[dim]
    assert after >= before
    assert raised.score >= result.score
