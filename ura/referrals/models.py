"""Referrals: a child or a parent sent from one agency to another agency's service,
carried from the moment it is sent to the moment its outcome is known.

While a referral is open the receiving agency holds a ``referral`` grant at the
minimal level on the person (name, sex, age, municipality), and sees only what the
consent allowed to be shared; the grant ends when the referral does
(``ura.referrals.actions``). Every change is a ``ReferralEvent``, so response
times are measured from the rows, not remembered.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.cases.models import ConsentGiver
from ura.core.crypto import EncryptedTextField
from ura.core.models import VersionedModel


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    STARTED = "started", _("Service started")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed without service")
    CANCELLED = "cancelled", _("Withdrawn by the sender")


# A referral in one of these is over: the provider's grant has ended.
ENDED_STATUSES = frozenset(
    {
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
        ReferralStatus.CLOSED,
        ReferralStatus.CANCELLED,
    }
)
# Waiting for the provider's answer: these count against the answer deadline.
UNANSWERED_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.RECEIVED})


class Origin(models.TextChoices):
    CASE = "case", _("A case")
    PERSON = "person", _("A person's record")
    HOME_VISIT = "home_visit", _("A home visit")


class ShareItem(models.TextChoices):
    """What a referral may carry beyond the minimum (name, sex, age, municipality)
    and the reason; each needs the consent to allow sharing with the agency."""

    CONTACT = "contact", _("Address and phone")
    CONCERNS = "concerns", _("The case's concerns")
    DISABILITY = "disability", _("Functional difficulty")
    SCHOOL = "school", _("School enrolment and attendance")


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Not eligible for the service")
    FULL = "full", _("No capacity")
    OUT_OF_AREA = "out_of_area", _("Outside the area served")
    WRONG_SERVICE = "wrong_service", _("Another service fits better")
    FAMILY_REFUSED = "family_refused", _("The child or family refused")
    OTHER = "other", _("Other")


class EndReason(models.TextChoices):
    """Why a referral closed without the service being completed."""

    NO_SHOW = "no_show", _("The child never came")
    FAMILY_REFUSED = "family_refused", _("The child or family refused")
    MOVED = "moved", _("The family moved away")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    OTHER = "other", _("Other")


class ReferralDeadline(models.Model):
    """How long a receiving agency has to answer, and to start the service, at each
    urgency; each deployment sets its own."""

    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, unique=True
    )
    answer_hours = models.PositiveIntegerField(_("hours to answer"))
    start_hours = models.PositiveIntegerField(_("hours to start the service"))

    class Meta:
        verbose_name = _("referral deadline")
        verbose_name_plural = _("referral deadlines")

    def __str__(self) -> str:
        return f"{self.urgency} {self.answer_hours} h / {self.start_hours} h"


class Referral(VersionedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    origin = models.CharField(_("from"), max_length=20, choices=Origin.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    # The home visit it came from (ura's home visiting part); an id so that this
    # app does not depend on that one.
    origin_id = models.BigIntegerField(null=True, blank=True)
    from_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("referring agency"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referring worker"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # The service's agency when sent (a service never moves agency, but the lists
    # of a provider read this column alone).
    to_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    reason = EncryptedTextField(_("reason for the referral"))
    shared = models.JSONField(_("information shared"), default=list, blank=True)
    # Why the worker refers although the service does not take this age or sex.
    eligibility_note = models.CharField(
        _("why refer although not eligible"), max_length=500, blank=True
    )
    # The consent it rests on: the case's, or one recorded with the referral when
    # there is no case.
    consent = models.ForeignKey(
        "cases.Consent",
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    consent_given_by = models.CharField(
        _("consent given by"), max_length=20, choices=ConsentGiver.choices, blank=True
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SENT,
    )
    sent_at = models.DateTimeField(_("sent"))
    answer_due_at = models.DateTimeField(_("answer due"))
    start_due_at = models.DateTimeField(_("service to start by"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.CharField(
        _("reason declined"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason closed"), max_length=20, choices=EndReason.choices, blank=True
    )
    # What the provider tells the referring worker: the decline, the outcome.
    outcome = EncryptedTextField(_("outcome"), blank=True)
    # When the referring worker saw the answer or the outcome; until then it is on
    # their landing page.
    outcome_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["to_agency", "status", "sent_at"], name="ref_to"),
            models.Index(fields=["sent_by", "status", "sent_at"], name="ref_sender"),
            models.Index(fields=["person", "sent_at"], name="ref_person"),
            models.Index(fields=["case", "sent_at"], name="ref_case"),
            models.Index(fields=["status", "answer_due_at"], name="ref_answer_due"),
            models.Index(fields=["service", "status"], name="ref_service"),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_case_origin",
                condition=~Q(origin="case") | Q(case__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in ENDED_STATUSES


class ReferralEvent(models.Model):
    """One step of a referral: who moved it to which status, when, and why."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices
    )
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"], name="ref_event")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status}"
