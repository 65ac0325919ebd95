"""A child's contact with the law, and discrimination reports, on a case.

A child on a case may be in contact with the law several times and in different
roles (victim in one matter, alleged offender in another): each is an
``Involvement``. Proceedings belong to an involvement and move through stages,
each change kept in ``StageChange``; measures (diversion, alternative measures,
custody and detention) belong to the proceedings that ordered them. Time in
pre-trial detention is computed from the measures (``ura.justice.detention``),
never typed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.core.crypto import EncryptedTextField
from ura.core.models import VersionedModel
from ura.people.equity import Community


class Role(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    ALLEGED_OFFENDER = "alleged_offender", _("Alleged offender")


class Involvement(models.Model):
    """One contact of the child with the law, in one role."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="justice_involvements"
    )
    role = models.CharField(_("role of the child"), max_length=20, choices=Role.choices)
    since = models.DateField(_("since"))
    note = EncryptedTextField(_("what happened"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact with the law")
        verbose_name_plural = _("contacts with the law")
        ordering = ["-since", "-pk"]
        indexes = [models.Index(fields=["case", "since"], name="involvement_case")]

    def __str__(self) -> str:
        return f"involvement {self.pk} on case {self.case_id}"


class ProceedingKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    MISDEMEANOUR = "misdemeanour", _("Misdemeanour")
    CIVIL_FAMILY = "civil_family", _("Civil or family")
    ADMINISTRATIVE = "administrative", _("Administrative")


class Authority(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution")
    COURT = "court", _("Court")
    OTHER = "other", _("Other")


class ProceedingStage(models.TextChoices):
    # In the order proceedings usually go; any may follow any (a case can close
    # at any point, or go back to investigation after an appeal).
    REPORT = "report", _("Report or complaint")
    INVESTIGATION = "investigation", _("Investigation")
    PRE_TRIAL = "pre_trial", _("Pre-trial")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    ENFORCEMENT = "enforcement", _("Enforcement")
    CLOSED = "closed", _("Closed")


class Proceeding(VersionedModel):
    involvement = models.ForeignKey(
        Involvement, on_delete=models.CASCADE, related_name="proceedings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProceedingKind.choices)
    authority = models.CharField(
        _("authority"), max_length=20, choices=Authority.choices
    )
    # The station, prosecution office or court: an institution, not a person.
    authority_name = models.CharField(_("name of the authority"), max_length=200)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    # The current stage and since when; every change is kept in StageChange.
    stage = models.CharField(_("stage"), max_length=20, choices=ProceedingStage.choices)
    stage_since = models.DateField(_("stage since"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("proceedings")
        verbose_name_plural = _("proceedings")
        ordering = ["-stage_since", "-pk"]

    def __str__(self) -> str:
        return f"proceeding {self.pk}"


class StageChange(models.Model):
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="stage_changes"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ProceedingStage.choices)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.proceeding_id} {self.stage} {self.on}"


class MeasureKind(models.TextChoices):
    DIVERSION = "diversion", _("Diversion")
    COMMUNITY_SERVICE = "community_service", _("Alternative measure: community service")
    EDUCATIONAL = "educational", _("Alternative measure: educational measure")
    INTENSIVE_SUPERVISION = (
        "intensive_supervision",
        _("Alternative measure: intensive supervision"),
    )
    OTHER_ALTERNATIVE = "other_alternative", _("Alternative measure: other")
    INSTITUTIONAL = "institutional", _("Institutional measure")
    POLICE_CUSTODY = "police_custody", _("Police custody")
    PRETRIAL_DETENTION = "pretrial_detention", _("Pre-trial detention")
    DETENTION = "detention", _("Detention or imprisonment")


# Measures that deprive the child of liberty (shown apart in the figures).
CUSTODIAL_MEASURES = frozenset(
    {
        MeasureKind.INSTITUTIONAL,
        MeasureKind.POLICE_CUSTODY,
        MeasureKind.PRETRIAL_DETENTION,
        MeasureKind.DETENTION,
    }
)


class Measure(VersionedModel):
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    started_on = models.DateField(_("started on"))
    # Empty while the measure lasts.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["-started_on", "-pk"]
        indexes = [
            # The detention alerts read the open detentions first.
            models.Index(fields=["kind", "ended_on"], name="measure_open_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="measure_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"measure {self.pk}"

    @property
    def is_custodial(self) -> bool:
        return self.kind in CUSTODIAL_MEASURES


class ReportedTo(models.TextChoices):
    OMBUDSPERSON = "ombudsperson", _("Ombudsperson")
    POLICE = "police", _("Police")
    COURT = "court", _("Court")
    EQUALITY_BODY = "equality_body", _("Equality body")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")
    NOT_REPORTED = "not_reported", _("Not reported anywhere yet")


class LitigationSupport(models.TextChoices):
    NONE = "none", _("None")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    REPRESENTATION = "representation", _("Legal representation")
    STRATEGIC = "strategic", _("Strategic litigation")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    DISMISSED = "dismissed", _("Dismissed")
    SETTLED = "settled", _("Settled")
    RULING_CONFIRMED = (
        "ruling_confirmed",
        _("Court ruling confirming discrimination"),
    )
    RULING_REJECTED = "ruling_rejected", _("Court ruling rejecting the claim")


COURT_RULINGS = frozenset({Outcome.RULING_CONFIRMED, Outcome.RULING_REJECTED})


class DiscriminationReport(VersionedModel):
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="discrimination_reports",
    )
    happened_on = models.DateField(_("when it happened"))
    description = EncryptedTextField(_("what happened"))
    community = models.CharField(
        _("against which community"), max_length=20, choices=Community.choices
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("where it happened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_to = models.CharField(
        _("where it was reported"), max_length=20, choices=ReportedTo.choices
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    litigation_support = models.CharField(
        _("litigation support given"),
        max_length=20,
        choices=LitigationSupport.choices,
        default=LitigationSupport.NONE,
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    ruling_on = models.DateField(_("date of the ruling"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("discrimination report")
        verbose_name_plural = _("discrimination reports")
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "happened_on"], name="discrimination_case"),
            models.Index(fields=["outcome", "community"], name="discrimination_out"),
        ]

    def __str__(self) -> str:
        return f"discrimination report {self.pk}"

    @property
    def is_court_ruling(self) -> bool:
        return self.outcome in COURT_RULINGS
