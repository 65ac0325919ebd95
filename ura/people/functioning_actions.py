"""Recording a functioning assessment (Washington Group / UNICEF questions)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.people import functioning
from ura.people.actions import NotAllowed
from ura.people.models import FunctioningAssessment, Person

INSTRUMENTS = {i.code: i for i in functioning.INSTRUMENTS}
RESULT = {True: "yes", False: "no", None: "unknown"}


def functioning_record(
    *,
    actor: User,
    person: Person,
    instrument_code: str,
    answers: dict[str, str],
    assessed_on: date,
    request: HttpRequest | None = None,
) -> FunctioningAssessment:
    """Validate and store the answers, compute each domain, and make the latest
    assessment the person's functional difficulty fact."""
    if not may(actor, Permission.EDIT_PERSON):
        raise NotAllowed
    instrument = INSTRUMENTS.get(instrument_code)
    if instrument is None:
        raise ValidationError({"instrument": _("Choose one of the questionnaires.")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    answers = {code: value for code, value in answers.items() if value}
    errors = functioning.validate_answers(instrument, answers)
    if errors:
        raise ValidationError(errors)
    results = functioning.domain_results(instrument, answers)
    with transaction.atomic():
        assessment = FunctioningAssessment.objects.create(
            person=person,
            instrument=instrument.code,
            answers=answers,
            domains={code: r.difficulty for code, r in results.items()},
            result=RESULT[functioning.has_functional_difficulty(instrument, answers)],
            assessed_on=assessed_on,
            assessed_by=actor,
        )
        latest = person.functioning_assessments.order_by("-assessed_on", "-id").first()
        # A derived fact: it changes without a version bump, so an edit of the
        # record that is open elsewhere is not refused because of it.
        Person.objects.filter(pk=person.pk).update(functional_difficulty=latest.result)
        person.functional_difficulty = latest.result
        # On the person, so that "who looked at or changed this record" shows it.
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            fields=["functional_difficulty"],
            detail=f"functioning assessment {instrument.code}",
            request=request,
        )
    return assessment
