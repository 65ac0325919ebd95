import pytest
from django.core.management import call_command

from ura.access.rules import visible_people
from ura.accounts.models import Role, User
from ura.demo.generate import USERS
from ura.people.models import Household, Person

pytestmark = pytest.mark.django_db


def test_demo_data_makes_a_pilot_with_one_user_per_role_and_runs_twice_safely(capsys):
    call_command("demo-data")
    people, households = Person.objects.count(), Household.objects.count()
    assert households == 300
    assert people > 700
    call_command("demo-data")
    assert (Person.objects.count(), Household.objects.count()) == (people, households)
    roles = {spec.role for spec in USERS}
    assert roles == set(Role)
    out = capsys.readouterr().out
    for spec in USERS:
        assert spec.username in out
    assert visible_people(User.objects.get(username="worker")).count() > 10
    assert visible_people(User.objects.get(username="data")).count() == 0
    # Cases at several stages, one plan waiting for the supervisor.
    from ura.cases.models import Approval, Case

    # Home visiting: the example protocols, families enrolled in pregnancy and
    # after birth, the centre's manager sees them.
    from ura.visiting.models import Enrolment, Protocol
    from ura.visiting.queries import visible_enrolments

    assert Protocol.objects.filter(is_default=True).count() == 2
    kinds = set(Enrolment.objects.values_list("kind", flat=True))
    assert kinds == {"pregnancy", "birth"}
    manager = User.objects.get(username="health.manager")
    assert visible_enrolments(manager).count() == Enrolment.objects.count()
    # The visits made, with growth scored, one concern waiting to be acted on.
    from ura.visiting.models import Visit

    assert Visit.objects.filter(weight_z__isnull=False).count() >= 5
    assert Visit.objects.filter(concerns=["maternal_depression"]).count() == 1

    # The starter indicators, so that /indicators/ has something to show, some of
    # them published on /open/, and the example DHIS2 mapping.
    from ura.indicators.models import Dhis2DataElement, Indicator

    assert Indicator.objects.filter(code="CP-OPEN", is_published=True).exists()
    assert not Indicator.objects.get(code="CP-FIRST-CONTACT-DAYS").is_published
    assert Dhis2DataElement.objects.filter(data_set="URA_NPA").exists()

    stages = set(Case.objects.values_list("stage", flat=True))
    assert {"identification", "case_plan", "implementation"} <= stages
    assert Approval.objects.filter(decision="pending").exists()


def test_first_run_mode_leaves_an_existing_database_alone(capsys):
    call_command("demo-data")
    count = Person.objects.count()
    call_command("demo-data", "--first-run")
    assert Person.objects.count() == count
    assert "already loaded" in capsys.readouterr().out


def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo-data")
    assert not Person.objects.exists()
