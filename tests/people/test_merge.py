"""Merging two records of one person, the tombstone, and an administrator's undo."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ura.access.models import GrantReason, PersonGrant
from ura.audit.models import AuditEvent
from ura.people.duplicates import match_keys_rebuild
from ura.people.models import (
    FunctioningAssessment,
    Household,
    HouseholdMember,
    Person,
    PersonMerge,
    PossibleDuplicate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins_on_paper(world):  # noqa: ANN001, ANN201
    """One child registered twice: once in Cyrillic by worker_a1, once in Latin by
    the nurse, each record with links of its own."""
    kept = Person.objects.create(
        given_name="Ђорђе",
        family_name="Јовановић",
        sex="male",
        date_of_birth=date(2016, 3, 9),
        place=world.places["prishtina"],
    )
    other = Person.objects.create(
        given_name="Djordje",
        family_name="Jovanovic",
        sex="male",
        date_of_birth=date(2016, 3, 9),
        place=world.places["prishtina"],
        address="Ulica 5",
        phone="+383 44 000 000",
    )
    match_keys_rebuild(Person.objects.filter(pk__in=[kept.pk, other.pk]))
    now = timezone.now()
    for person in (kept, other):
        PersonGrant.objects.create(
            person=person,
            user=world.users["worker_a1"],
            reason=GrantReason.ASSIGNMENT,
            starts_at=now,
        )
    PersonGrant.objects.create(
        person=other,
        user=world.users["nurse"],
        reason=GrantReason.HOME_VISITING,
        starts_at=now,
    )
    household = Household.objects.create(place=world.places["prishtina"])
    HouseholdMember.objects.create(
        household=household, person=other, relationship="child"
    )
    FunctioningAssessment.objects.create(
        person=other,
        instrument="cfm_5_17",
        answers={},
        domains={},
        result="unknown",
        assessed_on=date(2026, 1, 5),
        assessed_by=world.users["nurse"],
    )
    PossibleDuplicate.objects.create(person=other, other=kept, score=0.9, reasons=[])
    return kept, other


def _merge(client, kept, other, **choices):  # noqa: ANN001, ANN003, ANN202
    return client.post(
        reverse("people:merge", args=[kept.pk, other.pk]),
        {"kept_version": kept.version, "other_version": other.version, **choices},
    )


def test_a_worker_sees_the_pair_to_review_and_merges_field_by_field(
    world, signed_in, twins_on_paper
):
    kept, other = twins_on_paper
    client = signed_in("worker_a1")
    review = client.get(reverse("people:duplicates")).content.decode()
    assert reverse("people:merge", args=[kept.pk, other.pk]) in review
    response = _merge(client, kept, other, address="other", phone="other")
    assert response.status_code == 302
    kept.refresh_from_db()
    other.refresh_from_db()
    assert kept.address == "Ulica 5" and kept.given_name == "Ђорђе"
    assert other.merged_into == kept
    assert HouseholdMember.objects.get().person == kept
    assert FunctioningAssessment.objects.get().person == kept
    assert PossibleDuplicate.objects.get().status == "merged"
    assert AuditEvent.objects.filter(detail__startswith="merged into").exists()


def test_the_merged_away_record_redirects_to_the_kept_one(
    world, signed_in, twins_on_paper
):
    kept, other = twins_on_paper
    client = signed_in("worker_a1")
    _merge(client, kept, other)
    response = client.get(reverse("people:detail", args=[other.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[kept.pk])
    # The nurse who only had the merged record now reaches the kept one.
    nurse = signed_in("nurse").get(reverse("people:detail", args=[kept.pk]))
    assert nurse.status_code == 200


def test_the_merged_away_record_leaves_lists_and_searches(
    world, signed_in, twins_on_paper
):
    kept, other = twins_on_paper
    client = signed_in("worker_a1")
    _merge(client, kept, other)
    page = client.post(reverse("people:list"), {"q": "djordje"}).content.decode()
    assert reverse("people:detail", args=[kept.pk]) in page
    assert reverse("people:detail", args=[other.pk]) not in page


def test_a_stale_merge_is_refused(world, signed_in, twins_on_paper):
    kept, other = twins_on_paper
    client = signed_in("worker_a1")
    stale_version = kept.version
    Person.objects.filter(pk=kept.pk).update(version=stale_version + 1)
    client.post(
        reverse("people:merge", args=[kept.pk, other.pk]),
        {"kept_version": stale_version, "other_version": other.version},
    )
    other.refresh_from_db()
    assert other.merged_into is None


def test_someone_without_both_records_in_full_cannot_merge(
    world, signed_in, twins_on_paper
):
    kept, other = twins_on_paper
    # The nurse sees only the Latin record: the pair is not theirs to merge.
    response = signed_in("nurse").get(reverse("people:merge", args=[kept.pk, other.pk]))
    assert response.status_code in (403, 404)
    assert signed_in("data_pr").get(reverse("people:duplicates")).status_code == 403


def test_an_administrator_undoes_a_merge_and_everything_goes_back(
    world, signed_in, twins_on_paper
):
    kept, other = twins_on_paper
    _merge(signed_in("worker_a1"), kept, other, address="other")
    merge = PersonMerge.objects.get()
    admin = signed_in("admin")
    listing = admin.get(reverse("people:merges")).content.decode()
    assert f"#{kept.pk}" in listing and "Ђорђе" not in listing
    assert admin.post(reverse("people:merge_undo", args=[merge.pk])).status_code == 302
    kept.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into is None
    assert kept.address == ""
    assert HouseholdMember.objects.get().person == other
    assert FunctioningAssessment.objects.get().person == other
    assert PersonGrant.objects.filter(person=other, user=world.users["nurse"]).exists()


def test_only_administrators_undo_merges(world, signed_in, twins_on_paper):
    kept, other = twins_on_paper
    _merge(signed_in("worker_a1"), kept, other)
    merge = PersonMerge.objects.get()
    assert (
        signed_in("sup_a")
        .post(reverse("people:merge_undo", args=[merge.pk]))
        .status_code
        == 403
    )
    other.refresh_from_db()
    assert other.merged_into == kept


def test_two_different_people_can_be_marked_as_such(world, signed_in, twins_on_paper):
    pair = PossibleDuplicate.objects.get()
    signed_in("worker_a1").post(reverse("people:duplicate_dismiss", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == "not_duplicate"
