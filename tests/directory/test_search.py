"""service_search: by need, place, age, sex, concern, language and words in any
script, through the access rules."""

import pytest

from tests.directory.helpers import add_service, settlement_in
from ura.directory.actions import service_update
from ura.directory.queries import service_search
from ura.places.models import Place

pytestmark = pytest.mark.django_db


def _names(world, persona="worker_a1", **filters) -> list[str]:  # noqa: ANN001
    return [s.name for s in service_search(world.users[persona], **filters)]


def test_only_users_who_search_the_directory_find_active_services(world):
    add_service(world, "Open")
    add_service(world, "Closed", is_active=False)
    assert _names(world) == ["Open"]
    assert _names(world, "provider") == ["Open"]
    assert _names(world, "partner") == []
    assert _names(world, "outsider") == []
    world.agencies["daycare_pz"].is_active = False
    world.agencies["daycare_pz"].save()
    assert _names(world) == []


def test_need_filters_by_type(world):
    add_service(world, "Day care", type="day_care")
    add_service(world, "Lawyer", type="legal_aid")
    assert _names(world, need="legal_aid") == ["Lawyer"]
    assert _names(world, need="shelter") == []


def test_place_is_covered_by_the_services_places_or_else_its_agencys(world):
    prishtina, prizren = world.places["prishtina"], world.places["prizren"]
    region = Place.objects.get(code="XK-01")
    village = settlement_in(world, "prishtina")
    # daycare_pz covers Prizren: a service naming no places takes Prizren.
    add_service(world, "Agency's places")
    add_service(world, "Prishtina only", places=[prishtina])
    add_service(world, "Whole district", places=[region])
    add_service(world, "Prizren only", places=[prizren])
    add_service(world, "Whole country", places=[world.places["country"]])
    # Those for the exact place come first, then the wider ones, each by name.
    assert _names(world, place=prishtina) == [
        "Prishtina only",
        "Whole country",
        "Whole district",
    ]
    assert _names(world, place=village) == [
        "Prishtina only",
        "Whole country",
        "Whole district",
    ]
    assert _names(world, place=prizren) == [
        "Agency's places",
        "Prizren only",
        "Whole country",
    ]
    assert _names(world, place=region) == ["Whole district", "Whole country"]


def test_age_limits_are_inclusive_and_blank_is_no_limit(world):
    add_service(world, "Small children", min_age=0, max_age=6)
    add_service(world, "Teenagers", min_age=13, max_age=18)
    add_service(world, "From ten", min_age=10)
    add_service(world, "Anyone")
    assert _names(world, age=0) == ["Anyone", "Small children"]
    assert _names(world, age=6) == ["Anyone", "Small children"]
    assert _names(world, age=13) == ["Anyone", "From ten", "Teenagers"]
    assert _names(world, age=40) == ["Anyone", "From ten"]
    assert len(_names(world)) == 4


def test_sex_keeps_services_for_anyone_and_for_that_sex(world):
    add_service(world, "Girls", sex="female")
    add_service(world, "Boys", sex="male")
    add_service(world, "Everyone")
    assert _names(world, sex="female") == ["Everyone", "Girls"]
    assert _names(world, sex="male") == ["Boys", "Everyone"]
    # An unknown sex filters nothing out: the worker decides.
    assert len(_names(world, sex="unknown")) == 3


def test_concern_matches_the_services_concerns_or_any(world):
    add_service(world, "Neglect", concerns=["neglect"])
    add_service(world, "Street", concerns=["street_situation", "exploitation"])
    add_service(world, "Any concern")
    assert _names(world, concern="neglect") == ["Any concern", "Neglect"]
    assert _names(world, concern="exploitation") == ["Any concern", "Street"]
    assert _names(world, concern="trafficking") == ["Any concern"]


def test_language_and_referrals_only(world):
    add_service(world, "Romani", languages=["rom", "sq"])
    add_service(world, "Serbian", languages=["sr"], accepts_referrals=False)
    assert _names(world, language="rom") == ["Romani"]
    assert _names(world, language="sr") == ["Serbian"]
    assert _names(world, language="tr") == []
    assert _names(world, referrals_only=True) == ["Romani"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("psikosocial", ["Mbështetje psikosociale për fëmijë"]),
        ("PSIKOSOCIALE femije", ["Mbështetje psikosociale për fëmijë"]),
        ("psihosocijalna", ["Psihosocijalna podrška", "Психосоцијална подршка"]),
        ("психосоцијална", ["Psihosocijalna podrška", "Психосоцијална подршка"]),
        ("podrska", ["Psihosocijalna podrška", "Психосоцијална подршка"]),
        # The agency's name is searched too.
        ("daycare", ["Mbështetje psikosociale për fëmijë", "Psihosocijalna podrška"]),
        # And the type's name, in English, Albanian and Serbian.
        ("legal", ["Ndihmë juridike"]),
        ("nothing like this", []),
    ],
)
def test_words_are_found_across_scripts_and_diacritics(world, typed, found):
    add_service(world, "Mbështetje psikosociale për fëmijë", type="other")
    add_service(world, "Psihosocijalna podrška", type="other")
    second = add_service(world, "Психосоцијална подршка", type="other", agency="csw_pr")
    add_service(world, "Ndihmë juridike", type="legal_aid", agency="csw_pr")
    assert second.agency.name == "csw_pr"
    assert sorted(_names(world, text=typed)) == sorted(found)


def test_search_text_follows_an_edit(world):
    service = add_service(world, "Old name")
    service_update(
        actor=world.users["admin"],
        service=service,
        data={"name": "Qendra ditore"},
        expected_version=service.version,
    )
    assert _names(world, text="old") == []
    assert _names(world, text="qendra") == ["Qendra ditore"]
    # Albanian q and Serbian ć, sh and š fold alike.
    assert _names(world, text="ćendra") == ["Qendra ditore"]


def test_search_text_follows_a_renamed_agency(world):
    add_service(world, "Qendra ditore", agency="csw_pr")
    assert _names(world, text="lulishtja") == []
    agency = world.agencies["csw_pr"]
    agency.name = "Lulishtja e Fëmijëve"
    agency.save()
    assert _names(world, text="lulishtja") == ["Qendra ditore"]
    assert _names(world, text="csw") == []


def test_the_filters_combine(world):
    prizren = world.places["prizren"]
    add_service(world, "Fits", min_age=5, max_age=15, sex="female", languages=["sq"])
    add_service(world, "Too old", min_age=16, languages=["sq"])
    add_service(world, "Elsewhere", places=[world.places["prishtina"]])
    found = _names(
        world, need="day_care", place=prizren, age=9, sex="female", language="sq"
    )
    assert found == ["Fits"]
