"""Protocols are data kept by an administrator: windows that overlap or run
backwards are refused with a clear message and nothing is saved; saving a
protocol reschedules the families on it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.visiting.helpers import enrol_baby, setup_visiting, universal
from ura.audit.models import AuditEvent
from ura.visiting import protocols
from ura.visiting.examples import EXAMPLES, example_inputs, load_example_protocols
from ura.visiting.models import Protocol, ProtocolVisit
from ura.visiting.protocols import VisitInput, protocol_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def test_the_example_protocols_are_valid_and_load_once():
    for _name, _kind, _description, rows in EXAMPLES:
        assert protocol_problems(example_inputs(rows)) == []
    assert load_example_protocols() == 2
    assert load_example_protocols() == 0
    assert Protocol.objects.filter(is_default=True).count() == 2


def test_overlapping_windows_are_refused_naming_both_visits():
    visits = [
        VisitInput("One month", "birth", 30, -5, 0, 5, 10),
        VisitInput("Five weeks", "birth", 35, -5, 0, 5, 10),
    ]
    (problem,) = protocol_problems(visits)
    assert "One month and Five weeks: their windows overlap" in problem


def test_a_late_pregnancy_window_overlapping_the_newborn_visit_is_refused():
    visits = [
        VisitInput("Week 40", "pregnancy", 40, -7, 0, 3, 7),
        VisitInput("Newborn", "birth", 1, -1, 0, 1, 3),
    ]
    assert protocol_problems(visits)


def _post(client, protocol, rows, **extra):  # noqa: ANN001, ANN003, ANN202
    data = {
        "version": protocol.version,
        "name": protocol.name,
        "kind": protocol.kind,
        "is_default": "on" if protocol.is_default else "",
        "is_active": "on",
        "visits-TOTAL_FORMS": len(rows),
        "visits-INITIAL_FORMS": len(rows),
        "visits-MIN_NUM_FORMS": 0,
        "visits-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"visits-{i}-{key}"] = value
    data.update(extra)
    return client.post(reverse("visiting:protocol_edit", args=[protocol.pk]), data)


def _rows(protocol):  # noqa: ANN001, ANN202
    return [
        {
            "pk": v.pk,
            "name": v.name,
            "anchor": v.anchor,
            "target": v.target,
            "opens": v.opens,
            "due": v.due,
            "overdue": v.overdue,
            "closes": v.closes,
            "sections": v.sections,
        }
        for v in protocol.visits.order_by("anchor", "target")
    ]


def test_the_administrator_refuses_a_window_that_runs_backwards_and_nothing_is_saved(
    w, signed_in
):
    protocol = universal()
    rows = _rows(protocol)
    rows[0].update(opens=10, due=0)
    before = list(ProtocolVisit.objects.values_list("pk", "opens", "due"))
    response = _post(signed_in("admin"), protocol, rows)
    text = response.content.decode()
    assert response.status_code == 200
    assert "the window runs backwards" in text and "Nothing was saved." in text
    assert list(ProtocolVisit.objects.values_list("pk", "opens", "due")) == before
    protocol.refresh_from_db()
    assert protocol.version == 1


def test_saving_a_protocol_reschedules_the_families_on_it(w, signed_in):
    enrolment = enrol_baby(w)
    protocol = enrolment.protocol
    rows = _rows(protocol)
    twelve = next(r for r in rows if r["name"] == "Twelve months")
    twelve.update(target=370)
    response = _post(signed_in("admin"), protocol, rows)
    assert response.status_code == 302
    visit = enrolment.scheduled_visits.get(name="Twelve months")
    assert visit.due_on == enrolment.born_on + timedelta(days=370)
    assert AuditEvent.objects.filter(
        action="change", object_type="visiting.protocol", object_id=str(protocol.pk)
    ).exists()


def test_deleting_a_visit_takes_it_off_the_schedules(w, signed_in):
    enrolment = enrol_baby(w)
    protocol = enrolment.protocol
    rows = _rows(protocol)
    rows[-1]["DELETE"] = "on"
    assert _post(signed_in("admin"), protocol, rows).status_code == 302
    assert enrolment.scheduled_visits.count() == len(rows) - 1


def test_a_new_protocol_from_the_pages(w, signed_in):
    client = signed_in("admin")
    assert client.get(reverse("visiting:protocols")).status_code == 200
    response = client.post(
        reverse("visiting:protocol_new"),
        {
            "name": "Ministry protocol",
            "kind": "universal",
            "is_active": "on",
            "visits-TOTAL_FORMS": 1,
            "visits-INITIAL_FORMS": 0,
            "visits-MIN_NUM_FORMS": 0,
            "visits-MAX_NUM_FORMS": 1000,
            "visits-0-name": "Newborn",
            "visits-0-anchor": "birth",
            "visits-0-target": 3,
            "visits-0-opens": -3,
            "visits-0-due": 0,
            "visits-0-overdue": 3,
            "visits-0-closes": 7,
            "visits-0-sections": ["growth", "feeding"],
        },
    )
    created = Protocol.objects.get(name="Ministry protocol")
    assert response.url == reverse("visiting:protocol_edit", args=[created.pk])
    assert "Newborn" in client.get(response.url).content.decode()
    assert created.visits.get().sections == ["growth", "feeding"]


def test_a_second_default_of_a_kind_replaces_the_first(w):
    protocol = protocols.protocol_create(
        actor=w.users["admin"],
        name="New default",
        kind="universal",
        is_default=True,
        visits=[VisitInput("Newborn", "birth", 3, -3, 0, 3, 7)],
    )
    assert Protocol.objects.get(kind="universal", is_default=True) == protocol


def test_a_protocol_needs_a_visit(w):
    with pytest.raises(ValidationError) as refused:
        protocols.protocol_create(
            actor=w.users["admin"], name="Empty", kind="universal"
        )
    assert "at least one visit" in refused.value.messages[0]


def test_the_name_must_be_unique(w):
    with pytest.raises(ValidationError) as refused:
        protocols.protocol_create(
            actor=w.users["admin"], name=universal().name, kind="universal"
        )
    assert "name" in refused.value.message_dict


@pytest.mark.parametrize("persona", ["nurse", "manager", "worker_a1", "outsider"])
def test_only_administrators_keep_the_protocols(w, signed_in, persona):
    client = signed_in(persona)
    assert client.get(reverse("visiting:protocols")).status_code == 403
    url = reverse("visiting:protocol_edit", args=[universal().pk])
    assert client.get(url).status_code == 403
    with pytest.raises(protocols.NotAllowed):
        protocols.protocol_create(actor=w.users[persona], name="X", kind="universal")


def test_the_empty_rows_the_page_adds_are_ignored(w, signed_in):
    protocol = universal()
    empty = {
        "pk": "",
        "name": "",
        "anchor": "",
        "target": "",
        "opens": "",
        "due": "",
        "overdue": "",
        "closes": "",
    }
    rows = [*_rows(protocol), dict(empty), dict(empty)]
    response = _post(
        signed_in("admin"), protocol, rows, **{"visits-INITIAL_FORMS": len(rows) - 2}
    )
    assert response.status_code == 302
    assert protocol.visits.count() == len(rows) - 2
