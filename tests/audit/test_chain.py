"""The audit log is append-only and tamper-evident."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from ura.audit.actions import record
from ura.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _write_events(n: int) -> list[AuditEvent]:
    return [
        record(
            actor=None,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id=i,
        )
        for i in range(n)
    ]


def _tamper(sql: str, params: list) -> None:
    """What an attacker with the database owner's rights could do: get past the
    append-only trigger and change the table directly."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)


def test_each_event_carries_the_hash_of_the_one_before():
    events = _write_events(3)
    assert events[0].seq == 1
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash


def test_audit_verify_passes_on_an_untouched_log(capsys):
    _write_events(5)
    call_command("audit-verify")
    assert "5 events" in capsys.readouterr().out


def test_audit_verify_names_the_event_whose_content_was_changed():
    events = _write_events(5)
    _tamper("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["999", 3])
    with pytest.raises(CommandError, match="#3.*changed"):
        call_command("audit-verify")
    assert events


def test_audit_verify_names_the_gap_left_by_a_removed_event():
    _write_events(5)
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    with pytest.raises(CommandError, match="#2.*missing"):
        call_command("audit-verify")


def test_audit_verify_exits_non_zero_from_the_command_line():
    _write_events(2)
    _tamper("UPDATE audit_auditevent SET actor_username = %s WHERE seq = %s", ["x", 1])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit-verify")
    assert excinfo.value.returncode == 1


def test_the_database_refuses_to_change_or_delete_an_event():
    _write_events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(detail="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.get(seq=1).detail == ""


def test_looking_at_a_child_is_on_the_record_and_the_supervisor_sees_who(
    world, signed_in
):
    person = world.people["own"]
    signed_in("worker_a1").get(reverse("people:detail", args=[person.pk]))
    event = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="people.person", object_id=str(person.pk)
    ).get()
    assert event.actor_username == "worker_a1"
    assert event.ip == "127.0.0.1"
    history = signed_in("sup_a").get(reverse("people:history", args=[person.pk]))
    assert history.status_code == 200
    assert "worker_a1" in history.content.decode()


def test_a_worker_cannot_see_who_looked_at_a_record(world, signed_in):
    person = world.people["own"]
    response = signed_in("worker_a1").get(reverse("people:history", args=[person.pk]))
    assert response.status_code == 403


def test_the_administrator_reads_the_whole_log_without_any_name(world, signed_in):
    person = world.people["own"]
    signed_in("worker_a1").get(reverse("people:detail", args=[person.pk]))
    page = signed_in("admin").get(reverse("audit:log")).content.decode()
    assert "worker_a1" in page
    assert person.given_name not in page


def test_a_search_is_recorded_without_the_words_searched_for(world, signed_in):
    signed_in("worker_a1").post(reverse("people:list"), {"q": "CanaryOwnQ"})
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.fields == ["q"]
    assert "Canary" not in str(event.payload())


def test_asking_for_a_record_out_of_reach_is_on_the_record(
    world, signed_in, api_client
):
    person = world.people["unshared"]
    signed_in("worker_a1").get(reverse("people:detail", args=[person.pk]))
    client, headers = api_client("worker_a1")
    client.get(f"/api/v1/people/{person.pk}", headers=headers)
    refusals = AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor_username="worker_a1"
    )
    assert refusals.count() == 2
    assert all(str(person.pk) in e.detail and e.outcome == "404" for e in refusals)
