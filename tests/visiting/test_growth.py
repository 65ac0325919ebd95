"""The z-scores of a visit against the WHO child growth standards (2006).

Reference values are the WHO's own: the LMS medians at birth (a z-score of
exactly 0), and the −3, −2, 0, +2 and +3 SD lines of the WHO's published tables
(weight-for-age, length-for-age, head circumference-for-age, at birth and at
12 months), which the WHO rounds to 0.1 kg or cm: a tabulated value scores
within 0.12 of its line."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ura.visiting.growth import growth_scores, severity, z_score

# (measurement, sex, age in days, [(value, SD line), ...]), from the WHO tables.
WHO_TABLES = [
    ("weight", "male", 0, [(2.1, -3), (2.5, -2), (3.3, 0), (4.4, 2), (5.0, 3)]),
    ("weight", "male", 365, [(7.7, -2), (9.6, 0), (12.0, 2)]),
    ("weight", "female", 0, [(2.4, -2), (3.2, 0), (4.2, 2)]),
    ("weight", "female", 365, [(7.0, -2), (8.9, 0), (11.5, 2)]),
    ("length", "male", 0, [(46.1, -2), (49.9, 0), (53.7, 2)]),
    ("length", "male", 365, [(71.0, -2), (75.7, 0), (80.5, 2)]),
    ("length", "female", 0, [(45.4, -2), (49.1, 0), (52.9, 2)]),
    ("length", "female", 365, [(68.9, -2), (74.0, 0), (79.2, 2)]),
    ("head", "male", 0, [(31.9, -2), (34.5, 0), (37.0, 2)]),
    ("head", "male", 365, [(43.5, -2), (46.1, 0), (48.6, 2)]),
    ("head", "female", 0, [(31.5, -2), (33.9, 0), (36.2, 2)]),
]


@pytest.mark.parametrize("measurement,sex,days,lines", WHO_TABLES)
def test_the_who_tables_sd_lines_score_on_their_line(measurement, sex, days, lines):
    for value, line in lines:
        z = z_score(measurement, sex=sex, age_days=days, value=value)
        assert abs(z - line) < 0.12, (measurement, sex, days, value, z)


@pytest.mark.parametrize(
    "measurement,sex,median",
    [
        ("weight", "male", 3.3464),
        ("weight", "female", 3.2322),
        ("length", "male", 49.8842),
        ("length", "female", 49.1477),
        ("head", "male", 34.4618),
        ("head", "female", 33.8787),
    ],
)
def test_the_median_at_birth_scores_zero(measurement, sex, median):
    assert z_score(measurement, sex=sex, age_days=0, value=median) == pytest.approx(
        0, abs=1e-9
    )


def test_a_visit_gets_every_score_rounded_and_bmi_after_two_weeks():
    scores = growth_scores(
        sex="female",
        age_days=365,
        weight_kg=Decimal("8.9"),
        length_cm=Decimal("74.0"),
        head_cm=Decimal("44.9"),
    )
    assert scores.weight_z == pytest.approx(-0.04)
    assert scores.length_z == pytest.approx(0.0)
    assert scores.bmi_z is not None
    at_birth = growth_scores(
        sex="male",
        age_days=3,
        weight_kg=Decimal("3.3"),
        length_cm=Decimal("50"),
        head_cm=None,
    )
    assert at_birth.bmi_z is None  # the WHO has no BMI standard before two weeks


def test_a_weight_no_child_of_that_age_can_have_is_refused_on_its_field():
    with pytest.raises(ValidationError) as refused:
        growth_scores(
            sex="male",
            age_days=30,
            weight_kg=Decimal("14"),
            length_cm=None,
            head_cm=None,
        )
    assert (
        "not possible for a child 30 days old"
        in refused.value.message_dict["weight_kg"][0]
    )
    # Grams typed for kilograms: out of bounds before any table is read.
    with pytest.raises(ValidationError) as refused:
        growth_scores(
            sex="male",
            age_days=30,
            weight_kg=Decimal("4200"),
            length_cm=None,
            head_cm=None,
        )
    assert "weight_kg" in refused.value.message_dict


def test_a_child_of_unknown_sex_keeps_the_measurements_without_scores():
    scores = growth_scores(
        sex="unknown", age_days=60, weight_kg=Decimal("5"), length_cm=None, head_cm=None
    )
    assert scores.weight_z is None


def test_severity_reads_as_a_nurse_reads_it():
    assert [severity(z) for z in (-3.5, -2.5, 0, 3.4, None)] == [
        "severe",
        "moderate",
        "normal",
        "high",
        "",
    ]
