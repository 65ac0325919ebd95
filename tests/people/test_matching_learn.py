"""``ura match --learn``: weights re-estimated on the file itself, without labels,
for files whose duplicates carry errors the shipped weights were not fitted for."""

import csv
import itertools
import math
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from django.core.management import call_command

from ura.people.matching.batch import find_pairs
from ura.people.matching.candidate import Candidate
from ura.people.matching.learn import learn_model
from ura.people.matching.score import FITTED

GIVEN = [
    "Arben",
    "Blerim",
    "Driton",
    "Fatmir",
    "Gentian",
    "Ilir",
    "Korab",
    "Lulzim",
    "Mentor",
    "Naim",
    "Petrit",
    "Rilind",
    "Shpend",
    "Valon",
    "Xhevdet",
    "Agron",
    "Besnik",
    "Dardan",
    "Enver",
    "Flamur",
    "Granit",
    "Hekuran",
    "Jeton",
    "Kushtrim",
    "Labinot",
    "Mergim",
    "Nderim",
    "Orhan",
    "Qendrim",
    "Ramadan",
]
FAMILY = [
    "Krasniqi",
    "Gashi",
    "Berisha",
    "Morina",
    "Hoxha",
    "Shala",
    "Bytyqi",
    "Kastrati",
    "Rexhepi",
    "Hyseni",
    "Mustafa",
    "Zeqiri",
    "Limani",
    "Salihu",
    "Ahmeti",
    "Osmani",
    "Thaqi",
    "Dervishi",
    "Haliti",
    "Bajrami",
    "Sylejmani",
    "Mehmeti",
    "Ismaili",
    "Jashari",
    "Kelmendi",
    "Rama",
    "Musliu",
    "Qorri",
    "Veseli",
    "Dushi",
]


def _typo(name: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(name))
    return name[:at] + rng.choice("aeiknrst") + name[at + 1 :]


def _febrl_like_people() -> tuple[list[Candidate], set[tuple[str, str]]]:
    """Three hundred people each registered twice, and a sibling of each (same
    family name and place, born 500 days apart: another person). Each second
    registration carries one error, as FEBRL's generator makes them: none, a typo
    in a name, day and month swapped, or the whole date of birth replaced."""
    rng = random.Random(3)
    people, truth = [], set()
    names = list(itertools.product(GIVEN, FAMILY))
    rng.shuffle(names)
    for number, (given, family) in enumerate(names[:300]):
        place = f"P{number % 4}"
        born = date(2000, 1, 1) + timedelta(days=rng.randrange(6000))
        again_given, again_family, again = given, family, born
        error = number % 5
        if error == 1:
            again_given = _typo(given, rng)
        elif error == 2:
            again_family = _typo(family, rng)
        elif error == 3:
            again = born.replace(day=min(born.month, 28), month=min(born.day, 12))
        elif error == 4:
            shift = rng.choice((-1, 1)) * rng.randrange(800, 3000)
            again = born + timedelta(days=shift)
        first, second = f"{number}a", f"{number}b"
        people += [
            Candidate(first, given, family, "", born, False, place, ""),
            Candidate(second, again_given, again_family, "", again, False, place, ""),
        ]
        truth.add((first, second))
    return people, truth


def test_learning_finds_duplicates_whose_dates_were_replaced():
    people, truth = _febrl_like_people()
    replaced = {(f"{n}a", f"{n}b") for n in range(4, 300, 5)}  # error 4
    shipped = {(a, b) for a, b, _ in find_pairs(people)}
    learned = {(a, b) for a, b, _ in find_pairs(people, learn=True)}
    # The shipped weights read a replaced date as another child born years apart.
    assert not shipped & replaced
    assert len(learned & replaced) >= 0.9 * len(replaced)
    assert learned <= truth
    assert len(learned) >= 0.95 * len(truth)


def test_the_command_reports_the_weights_it_learned(tmp_path: Path, capsys):
    people, _ = _febrl_like_people()
    source = tmp_path / "people.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "id",
                "given_name",
                "family_name",
                "sex",
                "date_of_birth",
                "place",
                "caregiver_name",
            ]
        )
        for p in people:
            out.writerow(
                [p.id, p.given_name, p.family_name, "", p.date_of_birth, p.place, ""]
            )
    call_command("match", str(source), out=str(tmp_path / "pairs.csv"), learn=True)
    summary = capsys.readouterr().out
    assert "weights re-estimated on" in summary
    assert "dob_differs" in summary


def test_em_recovers_the_model_that_generated_the_counts():
    # Every pair of a file compared (no blocking), drawn exactly from a known
    # mixture of matches (m) and different people (u), and random pairs from u
    # alone: the learned share of matches and the learned weights are the truth.
    share, candidates = 0.3, 1_000_000
    m_given, u_given = (0.8, 0.15, 0.04, 0.01), (0.05, 0.05, 0.1, 0.8)
    m_family, u_family = (0.9, 0.05, 0.03, 0.02), (0.3, 0.1, 0.1, 0.5)
    m_dob = (0.7, 0.1, 0.1, 0.05, 0.0, 0.0, 0.05)
    u_dob = (0.02, 0.0, 0.01, 0.07, 0.0, 0.0, 0.9)
    counts: Counter = Counter()
    random_pairs: Counter = Counter()
    for given, family, dob in itertools.product(range(4), range(4), (0, 1, 2, 3, 6)):
        pattern = (given, family, False, dob, 4, 4, 4)
        p_match = m_given[given] * m_family[family] * m_dob[dob]
        p_other = u_given[given] * u_family[family] * u_dob[dob]
        counts[pattern] = round(candidates * (share * p_match + (1 - share) * p_other))
        random_pairs[pattern] = round(candidates * p_other)
    all_pairs = sum(counts.values())
    learned = learn_model(counts, random_pairs, all_pairs=all_pairs, start=FITTED)
    assert math.isclose(learned.match_share, share, abs_tol=0.01)
    weights = learned.model.weights
    assert math.isclose(weights["given_name_same"], math.log(0.8 / 0.05), abs_tol=0.1)
    assert math.isclose(
        weights["family_name_differs"], math.log(0.02 / 0.5), abs_tol=0.1
    )
    assert math.isclose(weights["dob_differs"], math.log(0.05 / 0.9), abs_tol=0.1)
