"""The API's shared write helpers (ura/api/writes.py), through real endpoints where
one shows the behaviour: a create made once per Idempotency-Key, a key reused for
another request refused with 409, an action's refusals as JSON."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja.errors import HttpError

from tests.api.test_people_api import NEW_CHILD
from tests.cases.helpers import open_case
from tests.cases.test_cases_api import new_case
from ura.api.errors import FieldErrors
from ura.api.models import IdempotencyKey
from ura.api.writes import KeyReused, Mapped, api_write, create_once
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import Case, CaseNote
from ura.people.models import Person

pytestmark = pytest.mark.django_db

JSON = "application/json"
REUSED = "This Idempotency-Key was used for another request."


def note(text: str = "Seen at home.") -> dict:
    return {
        "happened_on": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "body": text,
    }


# --- One create per Idempotency-Key ---------------------------------------------


def test_a_retry_gets_the_first_answer_with_200_and_creates_nothing(world, api_client):
    client, headers = api_client("worker_a1")
    keyed = {**headers, "Idempotency-Key": "open-1"}
    first = client.post(
        "/api/v1/cases", new_case(world), content_type=JSON, headers=keyed
    )
    again = client.post(
        "/api/v1/cases", new_case(world), content_type=JSON, headers=keyed
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == 1
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="cases.case"
        ).count()
        == 1
    )


def test_without_a_key_every_call_creates(world, api_client):
    client, headers = api_client("worker_a1")
    case = open_case(world)
    url = f"/api/v1/cases/{case.pk}/notes"
    for _ in range(2):
        response = client.post(url, note(), content_type=JSON, headers=headers)
        assert response.status_code == 201
    assert CaseNote.objects.filter(case=case).count() == 2


def test_a_key_used_for_a_person_is_refused_for_a_case(world, api_client):
    client, headers = api_client("worker_a1")
    keyed = {**headers, "Idempotency-Key": "shared-1"}
    person = client.post("/api/v1/people", NEW_CHILD, content_type=JSON, headers=keyed)
    assert person.status_code == 201
    case = client.post(
        "/api/v1/cases", new_case(world), content_type=JSON, headers=keyed
    )
    assert case.status_code == 409
    assert case.json() == {"message": REUSED}
    assert not Case.objects.exists()


def test_a_key_used_for_a_case_is_refused_for_a_person(world, api_client):
    """Not answered with the person whose id happens to be the case's."""
    client, headers = api_client("worker_a1")
    keyed = {**headers, "Idempotency-Key": "shared-2"}
    case = client.post(
        "/api/v1/cases", new_case(world), content_type=JSON, headers=keyed
    )
    assert case.status_code == 201
    people = Person.objects.count()
    person = client.post("/api/v1/people", NEW_CHILD, content_type=JSON, headers=keyed)
    assert person.status_code == 409
    assert person.json() == {"message": REUSED}
    assert Person.objects.count() == people


def test_a_key_used_for_a_note_on_another_case_is_refused(world, api_client):
    client, headers = api_client("worker_a1")
    keyed = {**headers, "Idempotency-Key": "note-9"}
    first, second = open_case(world), open_case(world, person="team_shared")
    made = client.post(
        f"/api/v1/cases/{first.pk}/notes", note(), content_type=JSON, headers=keyed
    )
    assert made.status_code == 201
    other = client.post(
        f"/api/v1/cases/{second.pk}/notes", note(), content_type=JSON, headers=keyed
    )
    assert other.status_code == 409
    assert other.json() == {"message": REUSED}
    assert not CaseNote.objects.filter(case=second).exists()


def test_create_once_records_a_found_record_under_the_key(world):
    user = world.users["worker_a1"]
    person = world.people["own"]
    calls = []

    def found() -> tuple[Person, bool]:
        calls.append(1)
        return person, False

    first = create_once(user=user, key="k", object_type="people.person", create=found)
    again = create_once(user=user, key="k", object_type="people.person", create=found)
    assert (first.pk, first.created) == (person.pk, False)
    assert (again.pk, again.record, again.created) == (person.pk, None, False)
    assert calls == [1]
    with pytest.raises(KeyReused):
        create_once(user=user, key="k", object_type="cases.case", create=found)


# --- An action's refusals as JSON -------------------------------------------------


def test_an_action_s_validation_error_is_a_json_field_error(world, api_client):
    """Nothing is saved, and the key is not spent: the corrected call creates."""
    client, headers = api_client("worker_a1")
    keyed = {**headers, "Idempotency-Key": "open-2"}
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        "/api/v1/cases",
        new_case(world, reported_on=future),
        content_type=JSON,
        headers=keyed,
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "Some fields are not valid.",
        "errors": {"reported_on": ["The date of the report cannot be in the future."]},
    }
    assert not Case.objects.exists()
    assert not IdempotencyKey.objects.exists()
    good = client.post(
        "/api/v1/cases", new_case(world), content_type=JSON, headers=keyed
    )
    assert good.status_code == 201


def test_a_model_field_is_named_as_the_api_names_it(world, api_client):
    case = open_case(world)
    client, headers = api_client("sup_a")
    outside = {"version": case.version, "worker_id": world.users["worker_pz"].pk}
    response = client.post(
        f"/api/v1/cases/{case.pk}/assign", outside, content_type=JSON, headers=headers
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"worker_id"}


def test_a_stale_edit_is_409_with_its_message(world, api_client):
    case = open_case(world)
    client, headers = api_client("worker_a1")
    url = f"/api/v1/cases/{case.pk}"
    edit = {"version": case.version, "risk_level": "medium"}
    assert (
        client.patch(url, edit, content_type=JSON, headers=headers).status_code == 200
    )
    stale = client.patch(url, edit, content_type=JSON, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["message"].startswith("Someone else changed this record")
    case.refresh_from_db()
    assert case.version == edit["version"] + 1


class Refused(Exception):
    pass


def refuse(exc: Exception):  # noqa: ANN201
    def run() -> None:
        raise exc

    return run


def test_api_write_maps_each_refusal():
    with pytest.raises(FieldErrors) as errors:
        api_write(refuse(ValidationError({"name": "Too long."})))
    assert errors.value.errors == {"name": ["Too long."]}
    with pytest.raises(FieldErrors) as errors:
        api_write(refuse(ValidationError("Not now.")))
    assert errors.value.errors == {"__all__": ["Not now."]}
    with pytest.raises(FieldErrors) as errors:
        api_write(
            refuse(ValidationError({"worker": "Not here."})),
            rename={"worker": "worker_id"},
        )
    assert errors.value.errors == {"worker_id": ["Not here."]}
    with pytest.raises(HttpError) as conflict:
        api_write(refuse(ValidationError("Changed.", code="stale")))
    assert (conflict.value.status_code, str(conflict.value)) == (409, "Changed.")
    with pytest.raises(HttpError) as conflict:
        api_write(
            refuse(ValidationError("Wrong step.", code="transition")),
            conflicts=("stale", "transition"),
        )
    assert conflict.value.status_code == 409
    with pytest.raises(FieldErrors):
        api_write(refuse(ValidationError("Changed.", code="stale")), conflicts=())
    with pytest.raises(PermissionDenied):
        api_write(refuse(Refused()), not_allowed=(Refused,))
    with pytest.raises(Http404):
        api_write(refuse(Refused()), not_allowed=(Refused,), not_allowed_as=Http404)
    with pytest.raises(Refused):
        api_write(refuse(Refused()))
    assert api_write(lambda: 7) == 7


# --- Lists shaped a page at a time ----------------------------------------------


class Rows:
    """Counts and slices like a queryset, and says which slices were read."""

    def __init__(self, n: int) -> None:
        self.items = list(range(n))
        self.read: list[slice] = []

    def count(self) -> int:
        return len(self.items)

    def __getitem__(self, index: slice) -> list[int]:
        self.read.append(index)
        return self.items[index]


def test_mapped_counts_and_shapes_only_the_page():
    rows = Rows(5)
    shaped = []
    mapped = Mapped(rows, lambda n: shaped.append(n) or {"n": n})
    assert len(mapped) == 5 == mapped.count()
    assert mapped[1:3] == [{"n": 1}, {"n": 2}]
    assert shaped == [1, 2]
    pages = []
    by_page = Mapped(rows, page=lambda items: pages.append(items) or items[::-1])
    assert by_page[0:3] == [2, 1, 0]
    assert pages == [[0, 1, 2]]
    with pytest.raises(TypeError):
        Mapped(rows)
