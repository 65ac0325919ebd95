"""Scoring pairs, blocking keys and the batch: who is judged the same person."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ura.people.matching import (
    DEFAULT_THRESHOLD,
    REASONS,
    BatchStats,
    Candidate,
    blocking_keys,
    find_pairs,
    score_pair,
)
from ura.people.matching.batch import worth_comparing
from ura.people.matching.candidate import prepare
from ura.people.matching.score import WEIGHTS

# Every person here is made up.
ARBEN = Candidate(
    id="a1",
    given_name="Arben",
    family_name="Krasniqi",
    sex="male",
    date_of_birth=date(2015, 3, 4),
    place="XK-PR",
    caregiver_name="Arta Krasniqi",
)
DJORDJE = Candidate(
    id="s1",
    given_name="Đorđe",
    family_name="Jovanović",
    sex="male",
    date_of_birth=date(2012, 11, 5),
    place="RS-01",
    caregiver_name="Milica Jovanović",
)


def _same(a: Candidate, b: Candidate) -> bool:
    return score_pair(a, b).score >= DEFAULT_THRESHOLD


def test_the_same_record_is_a_match_on_every_field():
    result = score_pair(ARBEN, replace(ARBEN, id="a2"))
    assert result.score > 0.99
    assert result.reasons == (
        "given_name_same",
        "family_name_same",
        "dob_same",
        "sex_same",
        "place_same",
        "caregiver_same",
    )


@pytest.mark.parametrize(
    ("given_name", "family_name", "caregiver_name"),
    [
        ("Ђорђе", "Јовановић", "Милица Јовановић"),
        ("Djordje", "Jovanovic", "Milica Jovanovic"),
        ("DJORDJE", "JOVANOVIĆ", ""),
    ],
)
def test_cyrillic_and_latin_with_or_without_diacritics_are_the_same_person(
    given_name, family_name, caregiver_name
):
    other = replace(
        DJORDJE,
        id="s2",
        given_name=given_name,
        family_name=family_name,
        caregiver_name=caregiver_name,
    )
    result = score_pair(DJORDJE, other)
    assert result.score >= DEFAULT_THRESHOLD
    assert "given_name_same" in result.reasons
    assert "family_name_same" in result.reasons


def test_an_albanian_name_written_the_serbian_way_is_the_same_person():
    xhevdet = replace(ARBEN, given_name="Xhevdet")
    dzevdet = replace(ARBEN, id="a2", given_name="Dževdet", family_name="Krasnići")
    assert score_pair(xhevdet, dzevdet).reasons[:2] == (
        "given_name_same",
        "family_name_same",
    )
    assert _same(xhevdet, dzevdet)


def test_a_typo_in_one_name_is_similar_and_still_a_match():
    result = score_pair(ARBEN, replace(ARBEN, id="a2", family_name="Krasniqqi"))
    assert "family_name_similar" in result.reasons or (
        "family_name_same" in result.reasons
    )
    result = score_pair(ARBEN, replace(ARBEN, id="a2", given_name="Arbne"))
    assert "given_name_similar" in result.reasons
    assert result.score >= DEFAULT_THRESHOLD


def test_given_and_family_name_swapped_is_a_match_and_says_so():
    swapped = replace(ARBEN, id="a2", given_name="Krasniqi", family_name="Arben")
    result = score_pair(ARBEN, swapped)
    assert "names_swapped" in result.reasons
    assert result.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("other_date", "reason"),
    [
        (date(2015, 4, 3), "dob_day_month_swapped"),
        (date(2014, 3, 4), "dob_year_off"),
        (date(2016, 3, 4), "dob_year_off"),
        (date(2015, 3, 14), "dob_one_part_differs"),
    ],
)
def test_a_common_date_of_birth_slip_still_matches_and_is_named(other_date, reason):
    result = score_pair(ARBEN, replace(ARBEN, id="a2", date_of_birth=other_date))
    assert reason in result.reasons
    assert result.score >= DEFAULT_THRESHOLD


def test_an_estimated_date_of_birth_close_to_the_real_one_is_named():
    estimated = replace(
        ARBEN, id="a2", date_of_birth=date(2015, 7, 1), dob_estimated=True
    )
    result = score_pair(ARBEN, estimated)
    assert "dob_estimated_close" in result.reasons
    assert result.score >= DEFAULT_THRESHOLD


def test_people_with_a_common_surname_and_other_dates_of_birth_are_not_matched():
    for other in (
        replace(ARBEN, id="a2", given_name="Blerim", date_of_birth=date(2011, 6, 20)),
        replace(
            ARBEN,
            id="a2",
            date_of_birth=date(2009, 10, 28),
            caregiver_name="Teuta Krasniqi",
        ),
        replace(ARBEN, id="a2", date_of_birth=date(2013, 7, 19), caregiver_name=""),
        replace(ARBEN, id="a2", given_name="Blerta", sex="female", caregiver_name=""),
    ):
        assert not _same(ARBEN, other), other


def test_twins_are_not_matched():
    twin = replace(ARBEN, id="a2", given_name="Besnik")
    result = score_pair(ARBEN, twin)
    assert "given_name_differs" in result.reasons
    assert result.score < DEFAULT_THRESHOLD


def test_a_different_sex_weighs_against_a_match():
    other = replace(ARBEN, id="a2", sex="female")
    assert "sex_differs" in score_pair(ARBEN, other).reasons
    assert score_pair(ARBEN, other).score < score_pair(ARBEN, ARBEN).score


def test_every_reason_has_a_weight_and_every_weight_a_reason():
    assert set(WEIGHTS) == set(REASONS)
    assert len(REASONS) == len(set(REASONS))


names = st.sampled_from(["Arben", "Arbën", "Арбен", "Blerta", "Đorđe", "Djordje", ""])
candidates = st.builds(
    Candidate,
    id=st.sampled_from(["x", "y"]),
    given_name=names.filter(bool),
    family_name=st.sampled_from(["Krasniqi", "Krasnići", "Gashi", "Гаши", ""]),
    sex=st.sampled_from(["", "female", "male"]),
    date_of_birth=st.none() | st.dates(date(1990, 1, 1), date(2025, 12, 31)),
    dob_estimated=st.booleans(),
    place=st.sampled_from(["", "XK-PR", "XK-PZ"]),
    caregiver_name=st.sampled_from(["", "Arta Krasniqi", "Arta"]),
)


@given(candidates, candidates)
def test_scores_are_symmetric_between_0_and_1_with_known_reasons(a, b):
    forward, backward = score_pair(a, b), score_pair(b, a)
    assert 0.0 <= forward.score <= 1.0
    assert forward.score == pytest.approx(backward.score)
    assert set(forward.reasons) <= set(REASONS)
    assert list(forward.reasons) == [r for r in REASONS if r in forward.reasons]


# --- blocking keys --------------------------------------------------------------


@given(candidates)
def test_a_person_has_at_most_eight_short_keys(candidate):
    keys = blocking_keys(candidate)
    assert len(keys) <= 8
    assert all(0 < len(key) <= 32 for key in keys)


@pytest.mark.parametrize(
    "change",
    [
        {"given_name": "Arbne"},
        {"family_name": "Krasnqii"},
        {"given_name": "Krasniqi", "family_name": "Arben"},
        {"date_of_birth": None},
        {"date_of_birth": date(2014, 3, 4)},
        {"date_of_birth": date(2015, 4, 3)},
        {"given_name": "Арбен", "family_name": "Краснићи"},
        {"family_name": "Krasnqii", "date_of_birth": date(2016, 3, 4)},
        {"given_name": "Arbne", "date_of_birth": None},
        {"date_of_birth": date(2015, 3, 9), "place": ""},
    ],
)
def test_a_true_duplicate_shares_a_blocking_key(change):
    duplicate = replace(ARBEN, id="a2", **change)
    assert blocking_keys(ARBEN) & blocking_keys(duplicate)


def test_cyrillic_and_latin_records_have_the_same_keys():
    cyrillic = replace(DJORDJE, given_name="Ђорђе", family_name="Јовановић")
    assert blocking_keys(cyrillic) == blocking_keys(DJORDJE)


# --- the batch -------------------------------------------------------------------


def test_the_batch_yields_each_pair_once_with_ordered_ids():
    people = [
        replace(ARBEN, id="b"),
        replace(ARBEN, id="a", given_name="Арбен", family_name="Краснићи"),
        replace(ARBEN, id="c", family_name="Krasniqqi"),
        replace(DJORDJE, id="d"),
        replace(DJORDJE, id="e", given_name="Djordje", family_name="Jovanovic"),
    ]
    pairs = list(find_pairs(people))
    assert [(a, b) for a, b, _ in pairs] == [
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
        ("d", "e"),
    ]
    assert all(score >= DEFAULT_THRESHOLD for *_, score in pairs)


def test_the_batch_uses_the_same_score_as_registration():
    other = replace(ARBEN, id="z", date_of_birth=date(2015, 4, 3))
    [(_, _, score)] = find_pairs([ARBEN, other])
    assert score == score_pair(ARBEN, other).score


def test_the_batch_respects_the_threshold():
    other = replace(ARBEN, id="z", date_of_birth=date(2015, 4, 3))
    score = score_pair(ARBEN, other).score
    assert list(find_pairs([ARBEN, other], threshold=score + 0.001)) == []


def test_a_block_too_large_to_compare_in_full_is_compared_with_neighbours():
    # A hundred namesakes with no date and no place share only one wide key.
    namesakes = [
        replace(ARBEN, id=f"n{i:03d}", date_of_birth=None, place="", caregiver_name="")
        for i in range(100)
    ]
    again = replace(namesakes[70], id="n070b")
    stats = BatchStats()
    people = [*namesakes[:71], again, *namesakes[71:]]
    pairs = {(a, b) for a, b, _ in find_pairs(people, threshold=0.1, stats=stats)}
    assert ("n070", "n070b") in pairs
    assert stats.partial_blocks == 1
    assert stats.comparisons < 101 * 100 // 2 // 4


def test_the_batch_of_no_or_one_person_is_empty():
    assert list(find_pairs([])) == []
    assert list(find_pairs([ARBEN])) == []


def test_a_wide_key_is_worth_comparing_only_for_pairs_it_is_there_for():
    a = prepare(ARBEN)
    far = prepare(replace(ARBEN, id="a2", date_of_birth=date(2009, 1, 1)))
    undated = prepare(replace(ARBEN, id="a3", date_of_birth=None))
    year_off = prepare(replace(ARBEN, id="a4", date_of_birth=date(2014, 3, 4)))
    [name_key] = [k for k in blocking_keys(ARBEN) if k.startswith("n:")]
    [day_key, *_] = sorted(k for k in blocking_keys(ARBEN) if k.startswith("m:"))
    assert not worth_comparing(name_key, a, far)
    assert worth_comparing(name_key, a, undated)
    assert worth_comparing(day_key, a, year_off)
    assert not worth_comparing(day_key, a, far)
