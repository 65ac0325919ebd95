"""From a concern seen at a home visit to a referral or a child protection
case, in one step from the visit's page; the nurse sees what became of it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import enrol_baby, setup_visiting
from ura.cases.models import Case
from ura.directory.models import Service
from ura.referrals.models import Origin, Referral
from ura.visiting import concerns
from ura.visiting.models import ConcernAction
from ura.visiting.visit_actions import Observations, visit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


@pytest.fixture
def service(w):  # noqa: ANN001, ANN201
    """A counselling service for Prishtina, where the family lives."""
    service = Service.objects.create(
        agency=w.agencies["daycare_pz"], type="counselling", name="Parent counselling"
    )
    service.places.add(w.places["prishtina"])
    return service


def _visit(w, *codes):  # noqa: ANN001, ANN202
    return visit_record(
        actor=w.users["nurse"],
        enrolment=enrol_baby(w),
        visited_on=timezone.localdate(),
        seen=Observations(
            present=["mother", "child"],
            concerns=list(codes),
            concern_note="Bruises on the arms; the mother is withdrawn.",
        ),
    )


def test_a_concern_becomes_a_referral_from_the_home_visit(w, service, signed_in):
    visit = _visit(w, "maternal_depression")
    client = signed_in("nurse")
    page = client.get(reverse("visiting:visit", args=[visit.pk]))
    form = page.context["forms"]["refer"]
    assert form.initial["who"] == "caregiver"  # maternal depression: the mother's
    assert service in form.fields["service"].queryset
    posted = client.post(
        reverse("visiting:refer", args=[visit.pk]),
        {
            "token": form.initial["token"],
            "concern": "maternal_depression",
            "who": "caregiver",
            "service": service.pk,
            "urgency": "routine",
            "reason": "Screening score 15 at the 6-week visit.",
            "consent_given_by": "mother",
            "consent_given_on": timezone.localdate().isoformat(),
        },
    )
    assert posted.status_code == 302, posted.context["forms"]["refer"].errors
    referral = Referral.objects.get()
    assert referral.origin == Origin.HOME_VISIT and referral.origin_id == visit.pk
    assert referral.person == w.people["mother"]
    action = ConcernAction.objects.get()
    assert action.referral == referral and action.visit == visit
    shown = client.get(posted.url)
    body = shown.content.decode()
    assert referral.reference in body and "Sent" in body  # what became of it
    assert "refer" not in shown.context["forms"]  # acted on: no second form


def test_a_concern_becomes_a_child_protection_case_at_the_centre(w, signed_in):
    visit = _visit(w, "violence")
    client = signed_in("nurse")
    form = client.get(reverse("visiting:visit", args=[visit.pk])).context["forms"][
        "report"
    ]
    assert w.agencies["csw_pr"] in form.fields["agency"].queryset
    assert form.initial["risk_level"] == "high"
    posted = client.post(
        reverse("visiting:report", args=[visit.pk]),
        {
            "token": form.initial["token"],
            "concern": "violence",
            "agency": w.agencies["csw_pr"].pk,
            "risk_level": "high",
            "case_concerns": ["physical_violence"],
            "summary": "Bruises on the arms of a three-week-old.",
        },
    )
    assert posted.status_code == 302
    case = Case.objects.get()
    assert case.person == w.people["baby"]
    assert case.agency == w.agencies["csw_pr"]
    assert case.worker == w.users["sup_a"]  # the centre's intake supervisor
    assert case.reported_by == "health" and case.opened_by == w.users["nurse"]
    body = client.get(posted.url).content.decode()
    assert case.reference in body and "Identification" in body
    # The nurse reported it; the case itself stays with social services.
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code in (
        403,
        404,
    )


def test_a_concern_not_recorded_or_already_acted_on_is_refused(w, service):
    visit = _visit(w, "neglect")
    refer = {
        "actor": w.users["nurse"],
        "visit": visit,
        "who": "child",
        "service": service,
        "urgency": "routine",
        "reason": "Left alone for hours.",
        "consent_given_by": "mother",
        "consent_given_on": timezone.localdate(),
    }
    with pytest.raises(ValidationError) as refused:
        concerns.concern_refer(concern="violence", **refer)
    assert "not recorded at this visit" in refused.value.message_dict["concern"][0]
    concerns.concern_refer(concern="neglect", **refer)
    with pytest.raises(ValidationError) as refused:
        concerns.concern_refer(concern="neglect", **refer)
    assert "already been acted on" in refused.value.message_dict["concern"][0]


def test_a_refused_referral_leaves_no_action_behind(w, service):
    visit = _visit(w, "neglect")
    with pytest.raises(ValidationError) as refused:
        concerns.concern_refer(
            actor=w.users["nurse"],
            visit=visit,
            concern="neglect",
            who="child",
            service=service,
            urgency="routine",
            reason="Left alone for hours.",
            consent_given_by="",
            consent_given_on=timezone.localdate() + timedelta(days=1),
        )
    assert "consent_given_by" in refused.value.message_dict
    assert not ConcernAction.objects.exists() and not Referral.objects.exists()


def test_a_centre_with_no_one_to_receive_reports_says_so(w):
    visit = _visit(w, "violence")
    with pytest.raises(ValidationError) as refused:
        concerns.concern_report(
            actor=w.users["nurse"],
            visit=visit,
            concern="violence",
            agency=w.agencies["csw_pz"],
            risk_level="high",
            case_concerns=["physical_violence"],
            summary="Bruises.",
        )
    assert "No one at this centre" in refused.value.message_dict["agency"][0]
    assert not Case.objects.exists()
