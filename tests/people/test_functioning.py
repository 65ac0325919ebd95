"""Disability is measured as functioning, by the Washington Group / UNICEF rules.

The instruments, their MICS6 / Washington Group codes and the cut-offs are checked
against the published tabulation rules (docs/functioning.md). Unknown and declined
answers must give "not determinable", never "no difficulty".
"""

import pytest
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from ura.people.functioning import (
    CFM_2_4,
    CFM_5_17,
    COMPARISON,
    DIFFICULTY,
    DIFFICULTY_WITHOUT_EQUIPMENT,
    FREQUENCY,
    INSTRUMENTS,
    NON_ANSWERS,
    WG_SS,
    YES_NO,
    Answer,
    Domain,
    Instrument,
    domain_results,
    has_functional_difficulty,
    instrument_for_age,
    validate_answers,
)

A = Answer

# The least worrying answer on each scale; filters say "no aid".
CALM = {
    DIFFICULTY.code: A.NO_DIFFICULTY,
    DIFFICULTY_WITHOUT_EQUIPMENT.code: A.SOME_DIFFICULTY,
    FREQUENCY.code: A.NEVER,
    COMPARISON.code: A.THE_SAME,
    YES_NO.code: A.NO,
}


def calm(instrument: Instrument, **given_answers: str) -> dict[str, str]:
    """A complete answer set: ``given_answers`` where given, elsewhere the calm
    answer to every question that skip logic asks."""
    answers: dict[str, str] = {}
    for question in instrument.questions:
        if question.code in given_answers:
            answers[question.code] = given_answers[question.code]
        elif instrument.applies(question.code, answers):
            answers[question.code] = CALM[question.scale.code]
    return answers


def difficulties(instrument: Instrument, answers: dict[str, str]) -> dict:
    return {k: r.difficulty for k, r in domain_results(instrument, answers).items()}


def deciding_questions_asked_when_calm(instrument: Instrument) -> list:
    answers = calm(instrument)
    return [
        q
        for q in instrument.questions
        if q.decides and instrument.applies(q.code, answers)
    ]


# --- The instruments as published ---------------------------------------------


def test_each_instrument_has_the_questions_of_its_published_module():
    counts = {i.code: len(i.questions) for i in INSTRUMENTS}
    assert counts == {"cfm_2_4": 14, "cfm_5_17": 22, "wg_ss": 6}


@pytest.mark.parametrize(
    ("instrument", "expected"),
    [
        (
            CFM_2_4,
            {
                "seeing": ["UCF7"],
                "hearing": ["UCF9"],
                "walking": ["UCF11", "UCF13"],
                "fine_motor": ["UCF14"],
                "communication": ["UCF15", "UCF16"],
                "learning": ["UCF17"],
                "playing": ["UCF18"],
                "controlling_behaviour": ["UCF19"],
            },
        ),
        (
            CFM_5_17,
            {
                "seeing": ["FCF6"],
                "hearing": ["FCF8"],
                "walking": ["FCF10", "FCF11", "FCF14", "FCF15"],
                "self_care": ["FCF16"],
                "communication": ["FCF17", "FCF18"],
                "learning": ["FCF19"],
                "remembering": ["FCF20"],
                "concentrating": ["FCF21"],
                "accepting_change": ["FCF22"],
                "controlling_behaviour": ["FCF23"],
                "making_friends": ["FCF24"],
                "anxiety": ["FCF25"],
                "depression": ["FCF26"],
            },
        ),
        (
            WG_SS,
            {
                "seeing": ["VIS_SS"],
                "hearing": ["HEAR_SS"],
                "walking": ["MOB_SS"],
                "cognition": ["COG_SS"],
                "self_care": ["SC_SS"],
                "communication": ["COM_SS"],
            },
        ),
    ],
    ids=lambda value: getattr(value, "code", ""),
)
def test_each_domain_is_decided_by_the_questions_of_the_published_rule(
    instrument, expected
):
    deciding = {
        domain.value: [
            q.code for q in instrument.questions if q.decides and q.domain == domain
        ]
        for domain in instrument.domains
    }
    assert deciding == expected


def test_the_cut_offs_are_the_modules_own():
    assert DIFFICULTY.cut_off == {A.A_LOT_OF_DIFFICULTY, A.CANNOT_DO_AT_ALL}
    assert DIFFICULTY_WITHOUT_EQUIPMENT.cut_off == DIFFICULTY.cut_off
    assert FREQUENCY.cut_off == {A.DAILY}
    assert COMPARISON.cut_off == {A.A_LOT_MORE}
    assert YES_NO.cut_off == frozenset()


def test_the_scales_offer_the_published_answers_in_order():
    assert [a.value for a in DIFFICULTY.answers] == [
        "no_difficulty",
        "some_difficulty",
        "a_lot_of_difficulty",
        "cannot_do_at_all",
    ]
    assert A.NO_DIFFICULTY not in DIFFICULTY_WITHOUT_EQUIPMENT.answers
    assert [a.value for a in FREQUENCY.answers] == [
        "daily",
        "weekly",
        "monthly",
        "a_few_times_a_year",
        "never",
    ]
    assert [a.value for a in COMPARISON.answers] == [
        "not_at_all",
        "less",
        "the_same",
        "more",
        "a_lot_more",
    ]


def test_every_question_also_offers_unknown_and_declined_last():
    for instrument in INSTRUMENTS:
        for question in instrument.questions:
            values = [value for value, _label in question.scale.choices]
            assert values[-2:] == ["unknown", "declined"], question.code
            assert question.scale.allowed >= NON_ANSWERS


def test_every_text_a_user_sees_is_translatable():
    for instrument in INSTRUMENTS:
        assert isinstance(instrument.title, Promise)
        for question in instrument.questions:
            assert isinstance(question.text, Promise), question.code
            if question.aided_text is not None:
                assert isinstance(question.aided_text, Promise), question.code
    for choices in (Answer, Domain):
        for label in choices.labels:
            assert isinstance(label, Promise)


# --- Cut-offs, for every domain ------------------------------------------------

AT_CUT_OFF = [
    pytest.param(instrument, q, value, id=f"{instrument.code}-{q.code}-{value}")
    for instrument in INSTRUMENTS
    for q in deciding_questions_asked_when_calm(instrument)
    for value in sorted(q.scale.cut_off)
]
BELOW_CUT_OFF = [
    pytest.param(instrument, q, value, id=f"{instrument.code}-{q.code}-{value}")
    for instrument in INSTRUMENTS
    for q in deciding_questions_asked_when_calm(instrument)
    for value in sorted(q.scale.below_cut_off)
]


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.code)
def test_the_cut_off_cases_cover_every_domain_of_every_instrument(instrument):
    covered = {
        case.values[1].domain for case in AT_CUT_OFF if case.values[0] is instrument
    }
    assert covered == set(instrument.domains)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.code)
def test_calm_answers_everywhere_mean_no_functional_difficulty(instrument):
    answers = calm(instrument)
    assert set(difficulties(instrument, answers).values()) == {False}
    assert has_functional_difficulty(instrument, answers) is False
    assert validate_answers(instrument, answers) == {}


@pytest.mark.parametrize(("instrument", "question", "value"), AT_CUT_OFF)
def test_an_answer_at_the_cut_off_gives_difficulty_in_that_domain_only(
    instrument, question, value
):
    answers = calm(instrument, **{question.code: value})
    results = domain_results(instrument, answers)
    assert results[question.domain].difficulty is True
    assert results[question.domain].decided_by == (question.code,)
    others = {k: r.difficulty for k, r in results.items() if k != question.domain}
    assert set(others.values()) == {False}
    assert has_functional_difficulty(instrument, answers) is True


@pytest.mark.parametrize(("instrument", "question", "value"), BELOW_CUT_OFF)
def test_an_answer_below_the_cut_off_gives_no_difficulty(instrument, question, value):
    answers = calm(instrument, **{question.code: value})
    result = domain_results(instrument, answers)[question.domain]
    assert result.difficulty is False
    assert question.code in result.decided_by
    assert has_functional_difficulty(instrument, answers) is False


@pytest.mark.parametrize("code", ["FCF25", "FCF26"])
@pytest.mark.parametrize(
    ("value", "difficulty"),
    [
        (A.DAILY, True),
        (A.WEEKLY, False),
        (A.MONTHLY, False),
        (A.A_FEW_TIMES_A_YEAR, False),
        (A.NEVER, False),
    ],
)
def test_anxiety_and_depression_count_only_when_daily(code, value, difficulty):
    domain = CFM_5_17.question(code).domain
    answers = calm(CFM_5_17, **{code: value})
    assert domain_results(CFM_5_17, answers)[domain].difficulty is difficulty


@pytest.mark.parametrize(
    ("value", "difficulty"),
    [
        (A.NOT_AT_ALL, False),
        (A.LESS, False),
        (A.THE_SAME, False),
        (A.MORE, False),
        (A.A_LOT_MORE, True),
    ],
)
def test_a_young_child_kicking_biting_or_hitting_counts_only_a_lot_more(
    value, difficulty
):
    answers = calm(CFM_2_4, UCF19=value)
    result = domain_results(CFM_2_4, answers)["controlling_behaviour"]
    assert result.difficulty is difficulty


def test_controlling_behaviour_from_age_5_is_asked_on_the_difficulty_scale():
    assert CFM_5_17.question("FCF23").scale is DIFFICULTY
    answers = calm(CFM_5_17, FCF23=A.A_LOT_OF_DIFFICULTY)
    assert difficulties(CFM_5_17, answers)["controlling_behaviour"] is True


def test_either_communication_question_is_enough():
    answers = calm(CFM_5_17, FCF17=A.SOME_DIFFICULTY, FCF18=A.CANNOT_DO_AT_ALL)
    result = domain_results(CFM_5_17, answers)["communication"]
    assert (result.difficulty, result.decided_by) == (True, ("FCF18",))


def test_an_adult_with_one_domain_a_lot_of_difficulty_has_a_disability():
    answers = calm(WG_SS, COG_SS=A.A_LOT_OF_DIFFICULTY, VIS_SS=A.SOME_DIFFICULTY)
    assert has_functional_difficulty(WG_SS, answers) is True
    # "Some difficulty" in any number of domains is below the recommended cut-off.
    some = {q.code: A.SOME_DIFFICULTY for q in WG_SS.questions}
    assert has_functional_difficulty(WG_SS, some) is False


# --- Aids and equipment ------------------------------------------------------------


def test_the_seeing_question_is_read_with_glasses_only_when_glasses_are_worn():
    question = CFM_5_17.question("FCF6")
    assert "glasses" not in str(question.text_for({"FCF1": A.NO}))
    assert "glasses" not in str(question.text_for({"FCF1": A.UNKNOWN}))
    assert str(question.text_for({"FCF1": A.YES})).startswith(
        "When wearing his/her glasses or contact lenses"
    )
    hearing = CFM_2_4.question("UCF9")
    assert str(hearing.text_for({"UCF3": A.YES})).startswith(
        "When using his/her hearing aid"
    )


def test_seeing_with_glasses_is_judged_by_the_same_cut_off():
    answers = calm(CFM_2_4, UCF2=A.YES, UCF7=A.A_LOT_OF_DIFFICULTY)
    assert difficulties(CFM_2_4, answers)["seeing"] is True


def test_a_young_child_using_walking_equipment_is_judged_without_it():
    branch = {"UCF4": A.YES}
    asked = [q.code for q in CFM_2_4.applicable_questions(calm(CFM_2_4, **branch))]
    assert {"UCF11", "UCF12"} <= set(asked)
    assert "UCF13" not in asked

    without = calm(CFM_2_4, **branch, UCF11=A.CANNOT_DO_AT_ALL, UCF12=A.NO_DIFFICULTY)
    result = domain_results(CFM_2_4, without)["walking"]
    assert (result.difficulty, result.decided_by) == (True, ("UCF11",))

    # Walking *with* the equipment is recorded but does not decide the domain.
    with_aid = calm(
        CFM_2_4, **branch, UCF11=A.SOME_DIFFICULTY, UCF12=A.CANNOT_DO_AT_ALL
    )
    result = domain_results(CFM_2_4, with_aid)["walking"]
    assert (result.difficulty, result.decided_by) == (False, ("UCF11",))


def test_a_young_child_without_equipment_is_compared_with_children_of_the_same_age():
    answers = calm(CFM_2_4, UCF4=A.NO, UCF13=A.A_LOT_OF_DIFFICULTY)
    result = domain_results(CFM_2_4, answers)["walking"]
    assert (result.difficulty, result.decided_by) == (True, ("UCF13",))
    asked = {q.code for q in CFM_2_4.applicable_questions(answers)}
    assert not asked & {"UCF11", "UCF12"}


@pytest.mark.parametrize(
    ("given_answers", "difficulty", "decided_by"),
    [
        ({"FCF10": A.A_LOT_OF_DIFFICULTY}, True, ("FCF10",)),
        ({"FCF10": A.SOME_DIFFICULTY, "FCF11": A.CANNOT_DO_AT_ALL}, True, ("FCF11",)),
        ({"FCF10": A.SOME_DIFFICULTY, "FCF11": A.SOME_DIFFICULTY}, False, None),
        # 100 m not known: 500 m is still asked, and can decide alone.
        ({"FCF10": A.UNKNOWN, "FCF11": A.A_LOT_OF_DIFFICULTY}, True, ("FCF11",)),
        # With the equipment the child struggles, but the rule looks without it.
        (
            {
                "FCF10": A.SOME_DIFFICULTY,
                "FCF11": A.SOME_DIFFICULTY,
                "FCF12": A.A_LOT_OF_DIFFICULTY,
            },
            False,
            ("FCF10", "FCF11"),
        ),
    ],
)
def test_an_older_child_using_walking_equipment_is_judged_without_it_at_both_distances(
    given_answers, difficulty, decided_by
):
    answers = calm(CFM_5_17, FCF3=A.YES, **given_answers)
    assert validate_answers(CFM_5_17, answers) == {}
    result = domain_results(CFM_5_17, answers)["walking"]
    assert result.difficulty is difficulty
    if decided_by is not None:
        assert result.decided_by == decided_by


@pytest.mark.parametrize(
    ("hundred", "five_hundred"),
    [("FCF10", "FCF11"), ("FCF12", "FCF13"), ("FCF14", "FCF15")],
)
def test_five_hundred_meters_is_skipped_once_one_hundred_is_a_lot_of_difficulty(
    hundred, five_hundred
):
    equipment = A.NO if hundred == "FCF14" else A.YES
    for value in (A.A_LOT_OF_DIFFICULTY, A.CANNOT_DO_AT_ALL):
        answers = calm(CFM_5_17, FCF3=equipment, **{hundred: value})
        assert not CFM_5_17.applies(five_hundred, answers)
        assert five_hundred not in answers
    answers = calm(CFM_5_17, FCF3=equipment, **{hundred: A.SOME_DIFFICULTY})
    assert CFM_5_17.applies(five_hundred, answers)


@pytest.mark.parametrize("equipment", [A.UNKNOWN, A.DECLINED])
def test_unknown_equipment_use_takes_the_branch_without_equipment(equipment):
    answers = calm(CFM_5_17, FCF3=equipment, FCF14=A.A_LOT_OF_DIFFICULTY)
    asked = {q.code for q in CFM_5_17.applicable_questions(answers)}
    assert "FCF14" in asked
    assert not asked & {"FCF10", "FCF11", "FCF12", "FCF13"}
    assert difficulties(CFM_5_17, answers)["walking"] is True


def test_a_blank_equipment_question_leaves_walking_undetermined():
    answers = calm(CFM_5_17)
    del answers["FCF3"], answers["FCF14"], answers["FCF15"]
    result = domain_results(CFM_5_17, answers)["walking"]
    assert (result.difficulty, result.undetermined) == (None, ("FCF3",))


# --- Unknown and declined are never "no" -------------------------------------------

UNDETERMINED = [
    pytest.param(instrument, q, value, id=f"{instrument.code}-{q.code}-{value}")
    for instrument in INSTRUMENTS
    for q in deciding_questions_asked_when_calm(instrument)
    for value in sorted(NON_ANSWERS)
]


@pytest.mark.parametrize(("instrument", "question", "value"), UNDETERMINED)
def test_unknown_or_declined_leaves_the_domain_undetermined_not_false(
    instrument, question, value
):
    answers = calm(instrument, **{question.code: value})
    assert validate_answers(instrument, answers) == {}
    result = domain_results(instrument, answers)[question.domain]
    assert result.difficulty is None
    assert question.code in result.undetermined
    assert has_functional_difficulty(instrument, answers) is None


@pytest.mark.parametrize("value", sorted(NON_ANSWERS))
def test_a_difficulty_elsewhere_still_counts_when_one_answer_is_unknown(value):
    answers = calm(WG_SS, VIS_SS=value, MOB_SS=A.CANNOT_DO_AT_ALL)
    assert difficulties(WG_SS, answers)["seeing"] is None
    assert has_functional_difficulty(WG_SS, answers) is True


def test_a_difficulty_in_one_question_decides_even_if_its_pair_is_declined():
    answers = calm(CFM_2_4, UCF15=A.DECLINED, UCF16=A.A_LOT_OF_DIFFICULTY)
    result = domain_results(CFM_2_4, answers)["communication"]
    assert (result.difficulty, result.decided_by) == (True, ("UCF16",))


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.code)
def test_no_answers_at_all_determine_nothing(instrument):
    results = domain_results(instrument, {})
    assert {r.difficulty for r in results.values()} == {None}
    assert has_functional_difficulty(instrument, {}) is None
    assert validate_answers(instrument, {}) == {}


# --- Validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "code", "value"),
    [
        (CFM_5_17, "FCF25", A.A_LOT_OF_DIFFICULTY),  # frequency question
        (CFM_2_4, "UCF19", A.CANNOT_DO_AT_ALL),  # comparison question
        (CFM_2_4, "UCF7", A.DAILY),
        (CFM_2_4, "UCF2", A.NO_DIFFICULTY),  # yes/no filter
        (WG_SS, "SC_SS", "often"),  # not an answer code at all
        (WG_SS, "SC_SS", 3),  # the survey's numeric code, not ours
        (WG_SS, "SC_SS", ["no_difficulty"]),
    ],
)
def test_an_answer_outside_the_questions_scale_is_a_field_error(
    instrument, code, value
):
    answers = {**calm(instrument), code: value}
    errors = validate_answers(instrument, answers)
    assert set(errors) == {code}
    assert errors[code] == "Choose one of the answers offered."


def test_no_difficulty_is_not_offered_when_walking_without_equipment():
    answers = calm(CFM_2_4, UCF4=A.YES, UCF11=A.NO_DIFFICULTY)
    assert set(validate_answers(CFM_2_4, answers)) == {"UCF11"}


def test_a_question_from_another_instrument_is_a_field_error():
    errors = validate_answers(WG_SS, {**calm(WG_SS), "FCF6": A.NO_DIFFICULTY})
    assert errors == {"FCF6": "This question is not part of this questionnaire."}


@pytest.mark.parametrize(
    ("instrument", "given_answers", "skipped"),
    [
        (CFM_2_4, {"UCF4": A.NO, "UCF11": A.SOME_DIFFICULTY}, "UCF11"),
        (CFM_2_4, {"UCF4": A.YES, "UCF13": A.NO_DIFFICULTY}, "UCF13"),
        (CFM_5_17, {"FCF3": A.NO, "FCF12": A.NO_DIFFICULTY}, "FCF12"),
        (
            CFM_5_17,
            {"FCF3": A.NO, "FCF14": A.CANNOT_DO_AT_ALL, "FCF15": A.NO_DIFFICULTY},
            "FCF15",
        ),
    ],
)
def test_a_question_skip_logic_passes_over_must_be_blank(
    instrument, given_answers, skipped
):
    answers = calm(instrument, **given_answers)
    errors = validate_answers(instrument, answers)
    assert errors == {
        skipped: "Leave this blank: the earlier answers skip this question."
    }
    # The stale answer is ignored when results are computed.
    assert domain_results(instrument, answers)["walking"].decided_by != (skipped,)


def test_blank_answers_are_allowed_and_ignored():
    answers = {"VIS_SS": "", "HEAR_SS": None, "MOB_SS": A.NO_DIFFICULTY}
    assert validate_answers(WG_SS, answers) == {}
    assert difficulties(WG_SS, answers)["walking"] is False
    assert difficulties(WG_SS, answers)["seeing"] is None


# --- Age ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (None, None),
        (0, None),
        (1, None),
        (2, CFM_2_4),
        (4, CFM_2_4),
        (5, CFM_5_17),
        (17, CFM_5_17),
        (18, WG_SS),
        (95, WG_SS),
    ],
)
def test_the_instrument_follows_the_persons_age(age, expected):
    assert instrument_for_age(age) is expected


# --- Properties -------------------------------------------------------------------


@st.composite
def complete_answers(
    draw: st.DrawFn, instrument: Instrument, *, non_answers: bool = True
) -> dict[str, str]:
    """Every question skip logic asks, answered from its scale (or, when
    ``non_answers``, possibly unknown or declined)."""
    answers: dict[str, str] = {}
    for question in instrument.questions:
        if instrument.applies(question.code, answers):
            offered = question.scale.allowed if non_answers else question.scale.answers
            answers[question.code] = draw(st.sampled_from(sorted(offered)))
    return answers


instruments = st.sampled_from(INSTRUMENTS)


@given(st.data())
def test_functional_difficulty_is_true_exactly_when_some_domain_is(data):
    instrument = data.draw(instruments)
    answers = data.draw(complete_answers(instrument))
    assert validate_answers(instrument, answers) == {}
    results = [r.difficulty for r in domain_results(instrument, answers).values()]
    overall = has_functional_difficulty(instrument, answers)
    assert (overall is True) == any(r is True for r in results)
    assert (overall is False) == all(r is False for r in results)


@given(st.data())
def test_complete_real_answers_always_determine_every_domain(data):
    instrument = data.draw(instruments)
    answers = data.draw(complete_answers(instrument, non_answers=False))
    results = domain_results(instrument, answers).values()
    assert None not in {r.difficulty for r in results}
    assert has_functional_difficulty(instrument, answers) is not None
