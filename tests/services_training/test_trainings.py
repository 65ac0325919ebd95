"""A trainer records a training and its participants; only the organising agency
sees who took part; children are refused; a typed-in sheet is all or nothing."""

from datetime import date

import pytest
from django.urls import reverse

from tests.services_training.helpers import (
    PROFESSIONAL,
    add_trainers,
    record_training,
    register_participant,
)
from tests.world import GIVEN_NAMES
from ura.access.models import GrantReason, PersonGrant
from ura.audit.models import AuditEvent
from ura.people.models import Person
from ura.services.models import Training, TrainingParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainers(world):  # noqa: ANN001, ANN201
    return add_trainers(world)


def _training_form(world, **extra) -> dict:  # noqa: ANN001, ANN003
    return {
        "title": "Interviewing children",
        "topic": "justice",
        "starts_on": "2025-05-06",
        "ends_on": "2025-05-07",
        "place": world.places["prishtina"].pk,
        "venue": "Municipal hall",
        "hours": "12",
        "organiser": world.agencies["ngo_pr"].pk,
        "partners": [world.agencies["police_pr"].pk],
        "description": "",
    } | extra


def test_a_trainer_records_a_training_and_adds_a_new_participant(trainers, signed_in):
    world = trainers
    client = signed_in("trainer")
    response = client.post(reverse("services:training_create"), _training_form(world))
    training = Training.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "services:training_detail", args=[training.pk]
    )
    assert list(training.partners.all()) == [world.agencies["police_pr"]]
    url = reverse("services:training_participant_add", args=[training.pk])
    response = client.post(
        url,
        {
            "step": "new",
            "given_name": "Arta",
            "family_name": "Gashi",
            "sex": "female",
            "date_of_birth": "1988-02-03",
            "place": world.places["prishtina"].pk,
            "profession": "police",
            "institution": "",
            "institution_agency": world.agencies["police_pr"].pk,
            "completed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    participant = TrainingParticipant.objects.get()
    assert participant.institution == "police_pr"
    assert participant.person.given_name == "Arta"
    grant = PersonGrant.objects.get(person=participant.person, reason="training")
    assert (grant.agency, grant.level, grant.source_type, grant.source_id) == (
        world.agencies["ngo_pr"],
        "full",
        "training",
        str(training.pk),
    )
    page = client.get(reverse("services:training_detail", args=[training.pk]))
    text = page.content.decode()
    assert "Gashi, Arta" in text
    assert "Police officer" in text
    assert AuditEvent.objects.filter(
        action="view", object_type="services.training", object_id=str(training.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action="create", object_type="services.trainingparticipant"
    ).exists()


def test_a_training_cannot_end_before_it_starts(trainers, signed_in):
    client = signed_in("trainer")
    response = client.post(
        reverse("services:training_create"),
        _training_form(trainers, ends_on="2025-05-01"),
    )
    assert response.status_code == 200
    assert "The training cannot end before it starts." in response.content.decode()
    assert not Training.objects.exists()


def test_a_trainer_cannot_organise_for_another_agency(trainers, signed_in):
    client = signed_in("trainer")
    response = client.post(
        reverse("services:training_create"),
        _training_form(trainers, organiser=trainers.agencies["centre_pz"].pk),
    )
    assert response.status_code == 200
    assert not Training.objects.exists()


def test_participants_are_seen_by_the_organiser_only(trainers, signed_in):
    world = trainers
    training = record_training(world)
    participant = register_participant(world, training)
    person_url = reverse("people:detail", args=[participant.person_id])
    assert signed_in("trainer").get(person_url).status_code == 200
    # A social worker, a supervisor, a trainer of another agency: not found.
    for persona in ("worker_a1", "sup_a", "trainer_pz", "provider"):
        client = signed_in(persona)
        assert client.get(person_url).status_code == 404, persona
        listed = client.post(reverse("people:list"), {"q": PROFESSIONAL})
        assert not listed.context["page"].object_list, persona
    training_url = reverse("services:training_detail", args=[training.pk])
    assert signed_in("trainer_pz").get(training_url).status_code == 404
    # A role without trainings is refused the pages altogether.
    assert signed_in("worker_a1").get(training_url).status_code == 403
    assert (
        signed_in("worker_a1").get(reverse("services:training_list")).status_code == 403
    )


def test_a_second_trainer_of_the_agency_sees_the_participants(trainers, signed_in):
    from tests.services_training.helpers import _user

    world = trainers
    training = record_training(world)
    participant = register_participant(world, training)
    _user(world, "trainer2", "trainer", world.agencies["ngo_pr"])
    client = signed_in("trainer2")
    page = client.get(reverse("services:training_detail", args=[training.pk]))
    assert PROFESSIONAL in page.content.decode()
    assert (
        client.get(reverse("people:detail", args=[participant.person_id])).status_code
        == 200
    )


def test_a_child_is_refused_as_a_participant(trainers, signed_in):
    world = trainers
    training = record_training(world)
    client = signed_in("trainer")
    response = client.post(
        reverse("services:training_participant_add", args=[training.pk]),
        {
            "step": "new",
            "given_name": "Young",
            "family_name": "Person",
            "sex": "male",
            "date_of_birth": "2010-01-01",
            "place": world.places["prishtina"].pk,
            "profession": "teacher",
            "institution": "School",
        },
    )
    assert response.status_code == 200
    assert "A child cannot take part in a training" in response.content.decode()
    assert not Person.objects.filter(given_name="Young").exists()
    assert not TrainingParticipant.objects.exists()


def test_an_existing_child_cannot_be_picked(trainers, signed_in):
    """A trainer who also sees a child (here by a share) cannot add them."""
    world = trainers
    child = world.people["unshared"]
    PersonGrant.objects.create(
        person=child,
        user=world.users["trainer"],
        reason=GrantReason.SHARE,
        starts_at=child.created_at,
    )
    training = record_training(world)
    client = signed_in("trainer")
    url = reverse("services:training_participant_add", args=[training.pk])
    found = client.post(url, {"step": "search", "find-q": GIVEN_NAMES["unshared"]})
    assert found.context["found"] == []
    response = client.post(
        url,
        {
            "step": "existing",
            "person": child.pk,
            "join-profession": "teacher",
            "join-institution": "School",
        },
    )
    assert response.status_code == 200
    assert "A child cannot take part in a training" in response.content.decode()
    assert not TrainingParticipant.objects.exists()


def test_a_trainer_adds_someone_they_already_see(trainers, signed_in):
    world = trainers
    first = record_training(world)
    participant = register_participant(world, first)
    second = record_training(world, title="Follow-up", starts_on=date(2025, 6, 1),
                             ends_on=date(2025, 6, 1))  # fmt: skip
    client = signed_in("trainer")
    url = reverse("services:training_participant_add", args=[second.pk])
    found = client.post(url, {"step": "search", "find-q": PROFESSIONAL})
    assert [p.pk for p in found.context["found"]] == [participant.person_id]
    response = client.post(
        url,
        {
            "step": "existing",
            "person": participant.person_id,
            "join-profession": "police",
            "join-institution": "Police",
            "join-completed": "on",
        },
    )
    assert response.status_code == 302
    assert second.participants.get().person_id == participant.person_id
    # Someone the trainer does not see is not found, and cannot be posted in.
    stranger = world.people["own"]
    response = client.get(url, {"person": stranger.pk})
    assert response.status_code == 404


def test_the_duplicate_check_applies_to_a_new_participant(trainers, signed_in):
    world = trainers
    first = record_training(world)
    register_participant(world, first)
    second = record_training(world, title="Again")
    client = signed_in("trainer")
    body = {
        "step": "new",
        "given_name": PROFESSIONAL,
        "family_name": "Profi",
        "sex": "female",
        "date_of_birth": "1985-04-02",
        "place": world.places["prishtina"].pk,
        "profession": "police",
        "institution": "Police",
    }
    url = reverse("services:training_participant_add", args=[second.pk])
    response = client.post(url, body)
    assert response.status_code == 200
    assert "This person may already be registered" in response.content.decode()
    assert Person.objects.filter(given_name=PROFESSIONAL).count() == 1
    response = client.post(url, body | {"register_anyway": "1"})
    assert response.status_code == 302
    assert Person.objects.filter(given_name=PROFESSIONAL).count() == 2


def test_the_training_page_counts_participants_by_profession_and_sex(
    trainers, signed_in
):
    world = trainers
    training = record_training(world)
    register_participant(world, training, given="Ana")
    register_participant(world, training, given="Besa")
    register_participant(world, training, given="Driton", sex="male")
    page = signed_in("trainer").get(
        reverse("services:training_detail", args=[training.pk])
    )
    counts = page.context["counts"]
    [police] = counts.rows
    assert (police.label, police.female, police.male, police.total) == (
        "Police officer",
        2,
        1,
        3,
    )
    assert counts.total.total == 3


def _sheet(rows: list[dict]) -> dict:
    body = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "100",
    }
    for i, row in enumerate(rows):
        body |= {f"rows-{i}-{k}": v for k, v in row.items()}
    return body


GOOD = {
    "given_name": "Blerta",
    "family_name": "Krasniqi",
    "sex": "female",
    "profession": "teacher",
    "institution": "School Naim Frashëri",
}


def test_many_participants_are_added_from_a_sheet(trainers, signed_in):
    world = trainers
    training = record_training(world)
    rows = [
        GOOD,
        {},
        GOOD | {"given_name": "Ilir", "sex": "male", "profession": "judge"},
    ]
    response = signed_in("trainer").post(
        reverse("services:training_participants_bulk", args=[training.pk]),
        _sheet(rows),
    )
    assert response.status_code == 302, response.content.decode()
    assert training.participants.count() == 2
    assert set(
        PersonGrant.objects.filter(reason="training").values_list("agency", flat=True)
    ) == {world.agencies["ngo_pr"].pk}


def test_a_sheet_with_a_bad_row_names_it_and_writes_nothing(trainers, signed_in):
    world = trainers
    training = record_training(world)
    rows = [
        GOOD,
        GOOD | {"given_name": "Ilir"},
        GOOD | {"given_name": "Dea", "profession": ""},
    ]
    people_before = Person.objects.count()
    response = signed_in("trainer").post(
        reverse("services:training_participants_bulk", args=[training.pk]),
        _sheet(rows),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Row 3: choose the profession." in text
    assert "Row 1" not in text
    assert Person.objects.count() == people_before
    assert not TrainingParticipant.objects.exists()
    # What was typed stays on the page.
    assert 'value="Ilir"' in text


def test_a_sheet_repeating_a_person_names_both_rows(trainers, signed_in):
    training = record_training(trainers)
    response = signed_in("trainer").post(
        reverse("services:training_participants_bulk", args=[training.pk]),
        _sheet([GOOD, GOOD]),
    )
    assert "Row 2: the same person as in row 1." in response.content.decode()
    assert not TrainingParticipant.objects.exists()


def test_editing_a_training_with_a_stale_version_is_refused(trainers, signed_in):
    world = trainers
    training = record_training(world)
    client = signed_in("trainer")
    url = reverse("services:training_edit", args=[training.pk])
    body = _training_form(world, title="Renamed", version=training.version)
    assert client.post(url, body).status_code == 302
    response = client.post(url, body | {"title": "Again"})
    assert "Someone else changed this record" in response.content.decode()
    training.refresh_from_db()
    assert training.title == "Renamed"


def test_removing_a_participant_ends_the_agency_grant(trainers, signed_in):
    world = trainers
    training = record_training(world)
    participant = register_participant(world, training)
    _from_registration = PersonGrant.objects.filter(
        person=participant.person, reason="registration"
    )
    _from_registration.update(ends_at=participant.person.created_at)
    client = signed_in("trainer")
    response = client.post(
        reverse("services:training_participant_remove", args=[participant.pk])
    )
    assert response.status_code == 302
    assert not TrainingParticipant.objects.exists()
    assert (
        client.get(reverse("people:detail", args=[participant.person_id])).status_code
        == 404
    )


def test_a_participant_is_edited_and_the_institution_can_come_from_ura(
    trainers, signed_in
):
    world = trainers
    training = record_training(world)
    participant = register_participant(world, training)
    response = signed_in("trainer").post(
        reverse("services:training_participant_edit", args=[participant.pk]),
        {
            "profession": "social_worker",
            "institution": "",
            "institution_agency": world.agencies["csw_pr"].pk,
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.profession, participant.institution, participant.completed) == (
        "social_worker",
        "csw_pr",
        False,
    )


def test_a_new_organiser_takes_over_the_participants(trainers, signed_in):
    from tests.services_training.helpers import _user

    world = trainers
    training = record_training(world)
    participant = register_participant(world, training)
    # The trainer also trains for the Prizren centre, and moves the training there.
    from ura.accounts.models import Membership

    Membership.objects.create(
        user=world.users["trainer"], agency=world.agencies["centre_pz"], role="trainer"
    )
    _user(world, "ngo_colleague", "trainer", world.agencies["ngo_pr"])
    response = signed_in("trainer").post(
        reverse("services:training_edit", args=[training.pk]),
        _training_form(
            world,
            organiser=world.agencies["centre_pz"].pk,
            version=training.version,
        ),
    )
    assert response.status_code == 302
    person_url = reverse("people:detail", args=[participant.person_id])
    assert signed_in("trainer_pz").get(person_url).status_code == 200
    assert signed_in("ngo_colleague").get(person_url).status_code == 404
