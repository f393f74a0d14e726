"""The scoring formula, pinned on examples computed by hand from tests/data/mini_bank.yaml.

mini bank: alpha (weight 2) = alpha.one (w1, low) + alpha.two (w3, high, critical);
           beta (weight 1)  = beta.one (w1, medium, N/A allowed) + beta.two (w1, low).
stages start at 0, 20, 40, 60, 80. No dimension gates; tests mark one gating in a copy.
"""

from __future__ import annotations

import pytest

from assessor.domain.bank import Bank, load_bank
from assessor.domain.scoring import NA, check_answer, score

from .conftest import MINI_BANK

ALL_TOP = {"alpha.one": 1, "alpha.two": 1, "beta.one": 1, "beta.two": 1}
#: Where each mini-bank dimension's ``weight`` line is, to mark it gating after it.
_WEIGHT_LINES = {
    "alpha": "weight: 2.0\n    sources: [guide-a]\n",
    "beta": "weight: 1.0\n    sources: [guide-b]\n    questions",
}


def gated_mini_text(*gating: str) -> str:
    """The mini bank's text with the ``gating`` dimensions marked gating."""
    text = MINI_BANK.read_text(encoding="utf-8")
    for dimension in gating:
        line = _WEIGHT_LINES[dimension]
        assert text.count(line) == 1
        text = text.replace(line, line.replace("weight:", "gating: true\n    weight:", 1))
    return text


def gated_mini_bank(*gating: str) -> Bank:
    bank = load_bank(MINI_BANK, text=gated_mini_text(*gating))
    assert [d.id for d in bank.dimensions if d.gating] == list(gating)
    return bank


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


def test_roadmap_is_ordered_by_risk_weighted_gap(mini_bank):
    result = score(mini_bank, {"alpha.one": 0.75, "alpha.two": 0.75, "beta.one": 0, "beta.two": 0})
    # gaps: alpha.one 2×1×0.25 = 0.5; alpha.two 2×3×0.25 × 2 (critical) = 3;
    # beta.one 1×1×1 = 1 (medium effort); beta.two 1×1×1 = 1 (low effort, wins the tie)
    assert [a.question.id for a in result.roadmap] == [
        "alpha.two",
        "beta.two",
        "beta.one",
        "alpha.one",
    ]
    assert [a.priority for a in result.roadmap] == [3, 1, 1, 0.5]
    assert [a.question.id for a in result.quick_wins] == ["beta.two", "alpha.one"]
    assert [a.question.id for a in result.projects] == ["alpha.two", "beta.one"]
    # Each action carries the next step of the option currently chosen.
    assert result.roadmap[0].next_step["en"] == "alpha.two step 3"
    assert result.roadmap[1].next_step["en"] == "beta.two step 0"


def test_a_critical_practice_does_not_come_first_by_itself():
    # alpha.two weighs 1 here: its gap 2×1×0.25 × 2 = 1 is below alpha.one's 2×1×1 = 2 and
    # ties with beta's two gaps of 1, where its high effort puts it last.
    bank = load_bank(
        MINI_BANK, text=MINI_BANK.read_text(encoding="utf-8").replace("weight: 3.0", "weight: 1.0")
    )
    result = score(bank, {"alpha.one": 0, "alpha.two": 0.75, "beta.one": 0, "beta.two": 0})
    assert [(a.question.id, a.priority) for a in result.roadmap] == [
        ("alpha.one", 2),
        ("beta.two", 1),
        ("beta.one", 1),
        ("alpha.two", 1),
    ]


def test_a_weak_area_that_is_not_gating_does_not_cap_the_stage(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": 0, "beta.two": 0})
    # overall = (2 × 100 + 0) / 3 = 66.67: "managed", although beta is "absent".
    assert result.score == pytest.approx(66.666667)
    assert result.points == 66
    assert result.stage.id == result.uncapped_stage.id == "managed"
    assert result.caps == ()
    # It is still named as the weakest area.
    assert result.weakest.dimension.id == "beta"


def test_a_gating_area_caps_the_stage_one_above_its_own():
    bank = gated_mini_bank("beta")
    result = score(bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": 0, "beta.two": 0})
    # overall 66.67 would be "managed"; beta gates and is "absent", so "present".
    assert result.uncapped_stage.id == "managed"
    assert result.stage.id == "present"
    assert result.stage_number == 2
    (cap,) = result.caps
    assert (cap.kind, cap.stage.id, cap.stage_number) == ("gating", "present", 2)
    assert [d.id for d in cap.dimensions] == ["beta"]
    assert cap.area_stage.id == "absent"
    assert cap.questions == ()


def test_a_gating_area_caps_nothing_when_it_is_not_below_the_score():
    bank = gated_mini_bank("beta")
    # beta = 100 × 0.5 = 50, "engaged": the cap is "managed"; overall (200 + 50) / 3 = 83.3.
    result = score(bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": 0.5, "beta.two": 0.5})
    assert result.uncapped_stage.id == "integrated"
    assert result.stage.id == "managed"
    assert [(c.kind, c.stage.id) for c in result.caps] == [("gating", "managed")]
    # beta = 75, "managed": the cap would be "integrated", which the score reaches anyway.
    result = score(bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": 0.75, "beta.two": 0.75})
    assert result.stage.id == "integrated"
    assert result.caps == ()


def test_stage_capped_at_two_while_a_critical_question_scores_zero(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 0, "beta.one": 1, "beta.two": 1})
    # alpha = 100 × 1 / 4 = 25, beta = 100; overall = (50 + 100) / 3 = 50: "engaged"
    assert result.score == 50
    assert result.uncapped_stage.id == "engaged"
    assert result.stage.id == "present"
    (cap,) = result.caps
    assert (cap.kind, cap.stage.id, cap.stage_number, cap.below) == ("critical", "present", 2, 0)
    assert cap.zero
    assert [q.id for q in cap.questions] == ["alpha.two"]
    assert cap.dimensions == ()
    assert [q.id for q in result.critical_gaps] == ["alpha.two"]
    assert result.critical_low == ()


def test_stage_capped_at_three_while_a_critical_question_scores_below_half(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 0.25, "beta.one": 1, "beta.two": 1})
    # alpha = 100 × (1 + 3 × 0.25) / 4 = 43.75, beta = 100; overall = 187.5 / 3 = 62.5
    assert result.score == 62.5
    assert result.uncapped_stage.id == "managed"
    assert result.stage.id == "engaged"
    (cap,) = result.caps
    assert (cap.kind, cap.stage.id, cap.stage_number, cap.below) == ("critical", "engaged", 3, 0.5)
    assert not cap.zero
    assert [q.id for q in cap.questions] == ["alpha.two"]
    assert result.critical_gaps == ()
    assert [q.id for q in result.critical_low] == ["alpha.two"]


def test_a_critical_question_at_half_caps_nothing(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 0.5, "beta.one": 1, "beta.two": 1})
    # alpha = 100 × (1 + 1.5) / 4 = 62.5, beta = 100; overall = 225 / 3 = 75
    assert result.stage.id == "managed"
    assert result.caps == ()


def test_caps_are_listed_tightest_first():
    # alpha gates and scores 0 ("absent") with its critical question at 0; beta weighs 8.
    text = gated_mini_text("alpha").replace(
        "weight: 1.0\n    sources: [guide-b]\n    questions",
        "weight: 8.0\n    sources: [guide-b]\n    questions",
    )
    bank = load_bank(MINI_BANK, text=text)
    assert bank.dimensions_by_id["beta"].weight == 8
    result = score(bank, {"alpha.one": 0, "alpha.two": 0, "beta.one": 1, "beta.two": 1})
    # overall = (0 + 8 × 100) / 10 = 80: "integrated"; both caps hold it at "present".
    assert result.uncapped_stage.id == "integrated"
    assert result.stage.id == "present"
    assert [(c.kind, c.stage.id) for c in result.caps] == [
        ("critical", "present"),
        ("gating", "present"),
    ]
    # alpha.two at 0.25 instead: critical caps at "engaged"; alpha = 18.75 still gates at
    # "present", and comes first.
    result = score(bank, {"alpha.one": 0, "alpha.two": 0.25, "beta.one": 1, "beta.two": 1})
    assert [(c.kind, c.stage.id) for c in result.caps] == [
        ("gating", "present"),
        ("critical", "engaged"),
    ]
    assert result.stage.id == "present"


def test_not_applicable_on_a_gating_area_caps_nothing():
    bank = gated_mini_bank("beta")
    # beta = 100 × 0 / 1 (beta.one N/A) = 0: "absent", so the cap is "present".
    result = score(bank, {"alpha.one": 1, "alpha.two": 1, "beta.one": NA, "beta.two": 0})
    assert [(c.kind, c.stage.id) for c in result.caps] == [("gating", "present")]


def test_result_as_dict_is_what_the_cli_prints(mini_bank):
    result = score(mini_bank, {"alpha.one": 1, "alpha.two": 0, "beta.one": NA, "beta.two": 0.75})
    # alpha = 25, beta = 75 (beta.one N/A); overall (50 + 75) / 3 = 41.67, shown as 41:
    # "engaged", held at "present" by alpha.two.
    assert result.as_dict() == {
        "score": 41,
        "stage": "present",
        "caps": [
            {
                "kind": "critical",
                "stage": "present",
                "stage_number": 2,
                "questions": ["alpha.two"],
                "dimensions": [],
            }
        ],
        "dimensions": [
            {"id": "alpha", "score": 25, "stage": "present"},
            {"id": "beta", "score": 75, "stage": "managed"},
        ],
    }


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
