"""A child's growth against the WHO child growth standards (2006).

The z-scores come from the WHO's own LMS tables as ``rcpchgrowth`` ships them
(by day to the second birthday, by month to the fifth), with the WHO's method
for scores beyond ±3; nothing is typed in or copied by hand. Age is the child's
age in days on the day of the visit (chronological, not corrected for a
premature birth, as the WHO standards are read).

A score beyond the WHO's limits for a biologically implausible value (WHO Anthro:
weight-for-age below −6 or above +5, length-for-age beyond ±6, head
circumference and BMI beyond ±5) is a measurement or typing error, not a child:
the visit is refused with a message that says which measurement to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rcpchgrowth import constants, sds_for_measurement

# The WHO 2006 standards run to the fifth birthday; BMI-for-age starts at two
# weeks (there is no BMI standard at birth).
MAX_AGE_DAYS = 5 * 365 + 1
BMI_FROM_DAYS = 14
DAYS_PER_YEAR = 365.25

# WHO Anthro's limits for a biologically implausible z-score, (low, high).
IMPLAUSIBLE = {
    "weight": (-6.0, 5.0),
    "length": (-6.0, 6.0),
    "head": (-5.0, 5.0),
    "bmi": (-5.0, 5.0),
}
# The standards' names for the measurements.
METHOD = {
    "weight": constants.WEIGHT,
    "length": constants.HEIGHT,
    "head": constants.HEAD_CIRCUMFERENCE,
    "bmi": constants.BMI,
}
# Bounds no child of the first five years falls outside, whatever the age: they
# catch a value in the wrong unit (grams for kilograms) before any table is read.
BOUNDS = {
    "weight": (Decimal("0.3"), Decimal("40")),
    "length": (Decimal("25"), Decimal("130")),
    "head": (Decimal("18"), Decimal("60")),
}


@dataclass(frozen=True)
class GrowthScores:
    weight_z: float | None = None
    length_z: float | None = None
    head_z: float | None = None
    bmi_z: float | None = None


def bmi(weight_kg: Decimal, length_cm: Decimal) -> float:
    metres = float(length_cm) / 100
    return float(weight_kg) / (metres * metres)


def z_score(measurement: str, *, sex: str, age_days: int, value: float) -> float:
    """The WHO z-score of ``value`` (kg, cm, or kg/m²) for a child of ``sex``
    ("male" or "female") ``age_days`` old."""
    return float(
        sds_for_measurement(
            reference=constants.WHO,
            age=age_days / DAYS_PER_YEAR,
            measurement_method=METHOD[measurement],
            observation_value=value,
            sex=sex,
        )
    )


def _messages() -> dict[str, str]:
    return {
        "weight": _(
            "A weight of %(value)s kg is not possible for a child %(days)s days "
            "old: check the measurement and its unit."
        ),
        "length": _(
            "A length of %(value)s cm is not possible for a child %(days)s days "
            "old: check the measurement and its unit."
        ),
        "head": _(
            "A head circumference of %(value)s cm is not possible for a child "
            "%(days)s days old: check the measurement and its unit."
        ),
    }


def _check_bounds(values: dict[str, Decimal | None], age_days: int) -> None:
    errors = {}
    for name, value in values.items():
        low, high = BOUNDS[name]
        if value is not None and not low <= value <= high:
            errors[f"{name}_{'kg' if name == 'weight' else 'cm'}"] = _messages()[
                name
            ] % {"value": value, "days": age_days}
    if errors:
        raise ValidationError(errors)


def growth_scores(
    *,
    sex: str,
    age_days: int,
    weight_kg: Decimal | None,
    length_cm: Decimal | None,
    head_cm: Decimal | None,
) -> GrowthScores:
    """The z-scores of what was measured; refused (``ValidationError`` on the
    measurement's field) when a value cannot be a child's of this age."""
    values = {"weight": weight_kg, "length": length_cm, "head": head_cm}
    if all(v is None for v in values.values()):
        return GrowthScores()
    if age_days < 0:
        raise ValidationError(
            _("Growth is measured after the birth: this visit is before it.")
        )
    _check_bounds(values, age_days)
    if sex not in (constants.MALE, constants.FEMALE) or age_days > MAX_AGE_DAYS:
        # The standards are by sex, to five years: the measurements are kept,
        # without scores.
        return GrowthScores()
    scores: dict[str, float | None] = {}
    errors = {}
    for name, value in values.items():
        if value is None:
            continue
        z = z_score(name, sex=sex, age_days=age_days, value=float(value))
        low, high = IMPLAUSIBLE[name]
        if not low <= z <= high:
            field = f"{name}_{'kg' if name == 'weight' else 'cm'}"
            errors[field] = _messages()[name] % {"value": value, "days": age_days}
        scores[f"{name}_z"] = round(z, 2)
    if weight_kg is not None and length_cm is not None and age_days >= BMI_FROM_DAYS:
        z = z_score("bmi", sex=sex, age_days=age_days, value=bmi(weight_kg, length_cm))
        low, high = IMPLAUSIBLE["bmi"]
        if not low <= z <= high and not errors:
            errors["weight_kg"] = _(
                "A weight of %(weight)s kg for a length of %(length)s cm is not "
                "possible: check both measurements."
            ) % {"weight": weight_kg, "length": length_cm}
        scores["bmi_z"] = round(z, 2)
    if errors:
        raise ValidationError(errors)
    return GrowthScores(**scores)


def severity(z: float | None) -> str:
    """How far from the median a score is, as a nurse reads it: below −3 is severe,
    below −2 moderate, above +3 high; otherwise within the expected range."""
    if z is None:
        return ""
    if z < -3:
        return "severe"
    if z < -2:
        return "moderate"
    if z > 3:
        return "high"
    return "normal"
