"""Registration shows likely duplicates across spellings and scripts, and the people
search finds a person by any spelling the matcher understands."""

from datetime import date

import pytest
from django.urls import reverse

from ura.audit.models import AuditAction, AuditEvent
from ura.people.duplicates import match_keys_rebuild
from ura.people.models import Person, PossibleDuplicate
from ura.people.reasons import REASON_LABELS

pytestmark = pytest.mark.django_db


def _existing(world, given, family, *, share_with="worker_a1"):  # noqa: ANN001, ANN202
    from django.utils import timezone

    from ura.access.models import GrantReason, PersonGrant

    person = Person.objects.create(
        given_name=given,
        family_name=family,
        sex="male",
        date_of_birth=date(2016, 3, 9),
        place=world.places["prishtina"],
    )
    match_keys_rebuild(Person.objects.filter(pk=person.pk))
    if share_with:
        PersonGrant.objects.create(
            person=person,
            user=world.users[share_with],
            reason=GrantReason.ASSIGNMENT,
            starts_at=timezone.now(),
        )
    return person


def _form(world, given, family, **extra):  # noqa: ANN001, ANN003, ANN202
    return {
        "given_name": given,
        "family_name": family,
        "sex": "male",
        "date_of_birth": "2016-03-09",
        "place": world.places["prishtina"].pk,
        **extra,
    }


def test_a_cyrillic_record_is_shown_when_registering_the_latin_spelling(
    world, signed_in
):
    existing = _existing(world, "Ђорђе", "Јовановић")
    client = signed_in("worker_a1")
    response = client.post(
        reverse("people:create"), _form(world, "Djordje", "Jovanovic")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This person may already be registered" in body
    assert reverse("people:detail", args=[existing.pk]) in body
    assert not Person.objects.filter(given_name="Djordje").exists()


def test_a_match_outside_the_workers_reach_is_only_counted(world, signed_in):
    hidden = _existing(world, "Gjergj", "Krasniqi", share_with=None)
    response = signed_in("worker_a1").post(
        reverse("people:create"), _form(world, "Gjergj", "Krasniqi")
    )
    body = response.content.decode()
    assert "1 possible match is in records not shared with you" in body
    assert reverse("people:detail", args=[hidden.pk]) not in body
    assert "Krasniqi," not in body


def test_registering_anyway_is_allowed_recorded_and_kept_for_review(world, signed_in):
    existing = _existing(world, "Xhevdet", "Bajrami")
    response = signed_in("worker_a1").post(
        reverse("people:create"),
        _form(world, "Dževdet", "Bajrami", register_anyway="1"),
    )
    assert response.status_code == 302
    new = Person.objects.get(given_name="Dževdet")
    review = PossibleDuplicate.objects.get(person=new)
    assert review.other == existing
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(new.pk))
    assert "possible matches" in event.detail


def test_the_api_answers_409_with_the_matches_and_registers_when_allowed(
    world, api_client
):
    existing = _existing(world, "Gjergj", "Krasniqi")
    client, headers = api_client("worker_a1")
    body = {
        "given_name": "Gjergj",
        "family_name": "Krasniqi",
        "sex": "male",
        "date_of_birth": "2016-03-09",
        "place_code": "XK-01-19",
    }
    first = client.post(
        "/api/v1/people", body, content_type="application/json", headers=headers
    )
    assert first.status_code == 409
    assert first.json()["matches"][0]["id"] == existing.pk
    assert first.json()["matches"][0]["reasons"]
    again = client.post(
        "/api/v1/people",
        {**body, "allow_duplicate": True},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 201


def test_different_children_with_a_common_surname_are_not_flagged(world, signed_in):
    _existing(world, "Arben", "Gashi")
    response = signed_in("worker_a1").post(
        reverse("people:create"),
        _form(world, "Drita", "Gashi", sex="female", date_of_birth="2009-11-30"),
    )
    assert response.status_code == 302


def test_the_search_finds_a_person_in_any_script_and_without_diacritics(
    world, signed_in
):
    cyrillic = _existing(world, "Ђорђе", "Јовановић")
    albanian = _existing(world, "Qëndresa", "Çeku")
    client = signed_in("worker_a1")
    for query, expected in [
        ("djordje jovanovic", cyrillic),
        ("Đorđe", cyrillic),
        ("qendresa ceku", albanian),
        ("ÇEKU", albanian),
    ]:
        body = client.post(reverse("people:list"), {"q": query}).content.decode()
        assert reverse("people:detail", args=[expected.pk]) in body, query


def test_every_reason_the_matcher_gives_has_a_label():
    from ura.people.matching import REASONS

    assert set(REASONS) <= set(REASON_LABELS)


def test_keys_can_be_rebuilt_for_everyone_after_a_matcher_change(world, capsys):
    from django.core.management import call_command

    from ura.people.models import PersonMatchKey

    PersonMatchKey.objects.all().delete()
    call_command("rebuild-match-keys")
    assert PersonMatchKey.objects.exists()
    assert "match keys rebuilt" in capsys.readouterr().out


def test_an_old_record_under_a_common_name_is_found_behind_hundreds_of_newer_namesakes(
    world, signed_in
):
    # The child was registered years ago; since then hundreds of namesakes born
    # decades earlier have been registered in the same town. The new registration
    # has the birth year wrong, so it shares only the wide keys (the full name,
    # the town, the day and month) with the child, and with every namesake too.
    child = _existing(world, "Arben", "Krasniqi")
    Person.objects.bulk_create(
        Person(
            given_name="Arben",
            family_name="Krasniqi",
            sex="male",
            date_of_birth=date(1950 + number % 40, 1 + number % 12, 1 + number % 28),
            place=world.places["prishtina"],
        )
        for number in range(320)
    )
    match_keys_rebuild(Person.objects.filter(family_name="Krasniqi"))
    response = signed_in("worker_a1").post(
        reverse("people:create"),
        _form(world, "Arben", "Krasniqi", date_of_birth="2017-03-09"),
    )
    assert response.status_code == 200
    assert reverse("people:detail", args=[child.pk]) in response.content.decode()
