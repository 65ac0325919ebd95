"""The DHIS2 export: the example mapping of the starter indicators gives, for three
cases (two in Prishtina, one high and one low risk, one contacted a day and a half
after opening; one high-risk in Prizren), the dataValueSets written by hand in
``fixtures/``; a mapping with errors names them and changes nothing; partners,
who see small cells hidden, cannot export; the page downloads and audits it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.services_reach.helpers import national_data_officer
from tests.world import World
from ura.audit.models import AuditEvent
from ura.cases.models import Case
from ura.indicators.actions import NotAllowed
from ura.indicators.dhis2_actions import load_example_mapping, mapping_load
from ura.indicators.dhis2_queries import data_value_set
from ura.indicators.models import Dhis2Combo, Dhis2DataElement
from ura.indicators.periods import Period
from ura.indicators.queries import OutOfScope
from ura.indicators.starter import load_starter_indicators

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def _sample(name: str) -> dict:
    text = (FIXTURES / name).read_text("utf-8")
    return json.loads(text.replace('"YEAR"', f'"{timezone.localdate().year}"'))


@pytest.fixture
def mapped(world: World) -> World:
    load_starter_indicators()
    load_example_mapping()
    own = open_case(world, person="own", risk_level="high")
    open_case(world, person="team", risk_level="low")
    open_case(world, person="other_municipality", worker="worker_pz")
    Case.objects.filter(pk=own.pk).update(
        first_contact_at=own.opened_at + timedelta(days=1.5)
    )
    national_data_officer(world)
    return world


def _year() -> Period:
    return Period.year(timezone.localdate().year)


def test_one_place_matches_the_sample_written_by_hand(mapped: World) -> None:
    payload = data_value_set(
        user=mapped.users["data_officer"],
        data_set="URA_NPA",
        period=_year(),
        place=mapped.places["prishtina"],
    )
    assert payload == _sample("dhis2_prishtina.json")


def test_every_municipality_in_the_bulk_form_matches_the_sample(mapped: World) -> None:
    payload = data_value_set(
        user=mapped.users["data_officer"],
        data_set="URA_NPA",
        period=_year(),
        place=mapped.places["country"],
        level="municipality",
    )
    assert payload == _sample("dhis2_municipalities.json")


def test_a_period_without_records_is_an_empty_but_valid_set(mapped: World) -> None:
    payload = data_value_set(
        user=mapped.users["data_officer"],
        data_set="URA_NPA",
        period=_year().previous(),
        place=mapped.places["country"],
    )
    assert payload["dataValues"] == []
    assert payload["period"] == str(timezone.localdate().year - 1)


def test_partners_and_other_places_are_refused(mapped: World) -> None:
    with pytest.raises(PermissionDenied):
        data_value_set(
            user=mapped.users["partner"],
            data_set="URA_NPA",
            period=_year(),
            place=mapped.places["prishtina"],
        )
    with pytest.raises(OutOfScope):
        data_value_set(
            user=mapped.users["data_pr"],
            data_set="URA_NPA",
            period=_year(),
            place=mapped.places["prizren"],
        )


def test_a_mapping_with_errors_names_them_and_changes_nothing(mapped: World) -> None:
    before = Dhis2DataElement.objects.count(), Dhis2Combo.objects.count()
    bad = {
        "dataSet": "URA_NPA",
        "elements": [
            {"dataElement": "OK_1", "indicator": "CP-NEW"},
            {"dataElement": "X", "indicator": "NO-SUCH"},
            {
                "dataElement": "BAD",
                "indicator": "CP-OPEN",
                "disaggregation": "sex",
                "categoryOptionCombos": {"female": "SEX_F", "martian": "SEX_X"},
            },
            {"dataElement": "has space", "indicator": "CP-NEW"},
        ],
    }
    with pytest.raises(ValidationError) as error:
        mapping_load(actor=None, data=bad)
    messages = "\n".join(error.value.messages)
    assert "elements[1].indicator" in messages and "NO-SUCH" in messages
    assert "elements[2].categoryOptionCombos" in messages and "martian" in messages
    assert "elements[3].dataElement" in messages
    assert (Dhis2DataElement.objects.count(), Dhis2Combo.objects.count()) == before
    with pytest.raises(NotAllowed):
        mapping_load(actor=mapped.users["worker_a1"], data=bad)


def test_the_command_loads_a_file_and_fails_with_the_errors(
    mapped: World, tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "dataSet": "OTHER",
                "elements": [{"dataElement": "CP_NEW", "indicator": "CP-NEW"}],
            }
        )
    )
    call_command("load-dhis2-mapping", str(good))
    assert Dhis2DataElement.objects.filter(data_set="OTHER").count() == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"dataSet": "OTHER", "elements": []}')
    with pytest.raises(CommandError, match="elements"):
        call_command("load-dhis2-mapping", str(bad))
    assert Dhis2DataElement.objects.filter(data_set="OTHER").count() == 1


def test_the_page_shows_the_mapping_and_downloads_an_audited_set(
    mapped: World, signed_in
) -> None:
    client = signed_in("data_officer")
    page = client.get(reverse("indicators:dhis2"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-element="CP_OPEN"' in html
    assert "SEX_F" in html
    # The risk levels all have a code; nothing of the total's groups is left out.
    row = html[html.index('data-element="CP_NEW_RISK"') :]
    assert '<td data-cell="not-sent"></td>' in row[: row.index("</tr>")]
    query = {
        "data_set": "URA_NPA",
        "period": str(timezone.localdate().year),
        "place": mapped.places["prishtina"].pk,
    }
    download = client.get(reverse("indicators:dhis2_export"), query)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content) == _sample("dhis2_prishtina.json")
    event = AuditEvent.objects.get(
        object_type="indicators.dhis2_mapping", action="export"
    )
    assert event.object_id == "URA_NPA"
    assert "XK-01-19" in event.detail


def test_a_partner_gets_no_dhis2_page(mapped: World, signed_in) -> None:
    client = signed_in("partner")
    assert client.get(reverse("indicators:dhis2")).status_code == 403
    table = client.get(reverse("indicators:table")).content.decode()
    assert reverse("indicators:dhis2") not in table
