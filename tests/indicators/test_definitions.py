"""Defining indicators: checked against their source, administrators only, audited,
and a stale edit refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.world import World
from ura.audit.models import AuditEvent
from ura.core.versioning import StaleEdit
from ura.indicators.actions import NotAllowed, indicator_create, indicator_update
from ura.indicators.models import Indicator
from ura.indicators.periods import Period

pytestmark = pytest.mark.django_db

NAMES = {
    "name_en": "Neglected children",
    "name_sq": "Fëmijë të lënë pas dore",
    "name_sr": "Занемарена деца",
    "name_sr_latn": "Zanemarena deca",
}


def _data(**extra) -> dict:  # noqa: ANN003
    return {"code": "T-1", "kind": "persons", "source": "open_cases", **NAMES} | extra


def test_it_creates_an_indicator_and_audits_it(world: World) -> None:
    indicator = indicator_create(
        actor=world.users["admin"],
        data=_data(filters={"concern": ["neglect"]}, disaggregations=["sex"]),
    )
    assert indicator.version == 1
    event = AuditEvent.objects.get(
        object_type="indicators.indicator", object_id=str(indicator.pk)
    )
    assert (event.action, event.actor_username) == ("create", "admin")


def test_it_names_a_filter_the_source_does_not_offer(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        indicator_create(actor=world.users["admin"], data=_data(filters={"colour": 1}))
    assert "colour" in str(error.value.message_dict["filters"])
    assert not Indicator.objects.exists()


def test_it_names_a_value_the_filter_does_not_allow(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        indicator_create(
            actor=world.users["admin"],
            data=_data(filters={"risk_level": ["high", "extreme"]}),
        )
    message = str(error.value.message_dict["filters"])
    assert "risk_level" in message and "extreme" in message


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"source": "dreams"}, "source"),
        ({"disaggregations": ["profession"]}, "disaggregations"),
        (
            {"filters": {"completed": "yes"}, "source": "training_participants"},
            "filters",
        ),
        ({"kind": "median_duration"}, "duration"),
        ({"kind": "share"}, "numerator"),
        ({"period_type": "week"}, "period_type"),
        # The reach summary is kept by year.
        ({"source": "reach", "period_type": "quarter"}, "period_type"),
    ],
)
def test_it_refuses_a_definition_that_does_not_fit(
    world: World, extra: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        indicator_create(actor=world.users["admin"], data=_data(**extra))
    assert field in error.value.message_dict


@pytest.mark.parametrize("persona", ["data_pr", "sup_a", "partner", "outsider"])
def test_only_an_administrator_defines_indicators(world: World, persona: str) -> None:
    with pytest.raises(NotAllowed):
        indicator_create(actor=world.users[persona], data=_data())


def test_it_updates_with_the_version_and_refuses_a_stale_edit(world: World) -> None:
    admin = world.users["admin"]
    indicator = indicator_create(actor=admin, data=_data())
    changed = indicator_update(
        actor=admin,
        indicator=indicator,
        data={"filters": {"risk_level": "high"}, "name_en": "Neglected children"},
        expected_version=1,
    )
    assert changed == ["filters"]
    indicator.refresh_from_db()
    assert (indicator.version, indicator.filters) == (2, {"risk_level": "high"})
    with pytest.raises(StaleEdit):
        indicator_update(
            actor=admin,
            indicator=indicator,
            data={"is_published": True},
            expected_version=1,
        )
    with pytest.raises(ValidationError):
        indicator_update(
            actor=admin,
            indicator=indicator,
            data={"filters": {"nope": True}},
            expected_version=2,
        )
    indicator.refresh_from_db()
    assert indicator.filters == {"risk_level": "high"}
    assert AuditEvent.objects.filter(object_type="indicators.indicator").count() == 2


@pytest.mark.parametrize(
    "text, start, after",
    [
        ("2026", "2026-01-01", "2027-01-01"),
        ("2026Q4", "2026-10-01", "2027-01-01"),
        ("202602", "2026-02-01", "2026-03-01"),
    ],
)
def test_a_period_is_read_as_dhis2_writes_it(text: str, start: str, after: str) -> None:
    period = Period.parse(text)
    assert (str(period.start), str(period.after), period.code) == (start, after, text)


@pytest.mark.parametrize("text", ["2026Q5", "202613", "26", "last year"])
def test_a_period_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        Period.parse(text)
