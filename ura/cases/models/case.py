"""The case cycle: a case per child at risk, from the first report to closure.

A case's stage is never typed: ``ura.cases.stages`` derives it from what was done
(assessments completed, a plan approved, reviews held, a closure approved) and
the actions store it with the next deadline, so lists can filter and sort on them
through an index.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ura.core.crypto import EncryptedTextField
from ura.core.models import VersionedModel


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Stage(models.TextChoices):
    # In the order of the cycle.
    IDENTIFICATION = "identification", _("Identification and registration")
    INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment")
    COMPREHENSIVE_ASSESSMENT = "comprehensive_assessment", _("Comprehensive assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    REVIEW = "review", _("Review")
    CLOSURE = "closure", _("Closure")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Concern(models.TextChoices):
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    EMOTIONAL_VIOLENCE = "emotional_violence", _("Emotional violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    NEGLECT = "neglect", _("Neglect")
    EXPLOITATION = "exploitation", _("Exploitation and child labour")
    TRAFFICKING = "trafficking", _("Trafficking")
    STREET_SITUATION = "street_situation", _("Street situation")
    ON_THE_MOVE = "on_the_move", _("On the move / unaccompanied")
    CONFLICT_WITH_LAW = "conflict_with_law", _("In conflict with the law")
    VICTIM_WITNESS = "victim_witness", _("Victim or witness of crime")
    SCHOOL_DROP_OUT = "school_drop_out", _("School drop-out")
    DISABILITY_EXCLUSION = "disability_exclusion", _("Disability-related exclusion")
    DISCRIMINATION = "discrimination", _("Discrimination")
    FAMILY_SEPARATION = "family_separation", _("Family separation")
    OTHER = "other", _("Other")


class ReportSource(models.TextChoices):
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health service")
    FAMILY = "family", _("Family member")
    COMMUNITY = "community", _("Neighbour or community")
    CHILD = "child", _("The child")
    NGO = "ngo", _("Non-governmental organisation")
    ANONYMOUS = "anonymous", _("Anonymous")
    OTHER = "other", _("Other")


class Step(models.TextChoices):
    """The steps that carry a response deadline."""

    FIRST_CONTACT = "first_contact", _("First contact")
    INITIAL_ASSESSMENT = "initial_assessment", _("Initial assessment")
    COMPREHENSIVE_ASSESSMENT = "comprehensive_assessment", _("Comprehensive assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    REVIEW = "review", _("Review")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("The plan's goals were met")
    NO_CONCERN = "no_concern", _("No protection concern was confirmed")
    MOVED = "moved", _("The family moved away")
    TRANSFERRED_OUT = "transferred_out", _("Transferred to a service outside Ura")
    ADULT = "adult", _("The child turned 18")
    DIED = "died", _("The child died")
    OTHER = "other", _("Other")


class Case(VersionedModel):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("child"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible worker"),
        on_delete=models.PROTECT,
        related_name="cases_as_worker",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="cases_as_supervisor",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    stage = models.CharField(
        _("stage"), max_length=30, choices=Stage.choices, default=Stage.IDENTIFICATION
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices
    )
    risk_set_at = models.DateTimeField(_("risk level set"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"))
    reported_by = models.CharField(
        _("reported by"), max_length=20, choices=ReportSource.choices
    )
    report_summary = EncryptedTextField(_("what was reported"), blank=True)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    # The next step with a deadline and when it is due (``ura.cases.stages``).
    next_step = models.CharField(
        _("next step"), max_length=30, choices=Step.choices, blank=True
    )
    next_due_at = models.DateTimeField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"),
        max_length=20,
        choices=ClosureReason.choices,
        blank=True,
    )
    times_reopened = models.PositiveIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["worker", "status", "next_due_at"], name="case_worker"
            ),
            models.Index(
                fields=["supervisor", "status", "next_due_at"], name="case_supervisor"
            ),
            models.Index(
                fields=["agency", "status", "next_due_at"], name="case_agency"
            ),
            models.Index(fields=["status", "last_contact_at"], name="case_contact"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseConcern(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="concerns")
    concern = models.CharField(_("concern"), max_length=30, choices=Concern.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "concern"], name="case_concern")
        ]
        indexes = [models.Index(fields=["concern", "case"], name="concern_case")]

    def __str__(self) -> str:
        return self.concern


class CaseLink(models.Model):
    """Cases of siblings (or of children in one household), linked both ways."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="case_link"),
            models.CheckConstraint(
                condition=~Q(case=models.F("other")), name="case_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.other_id}"


class ResponseDeadline(models.Model):
    """How long a step may take at a risk level; each deployment sets its own."""

    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices
    )
    step = models.CharField(_("step"), max_length=30, choices=Step.choices)
    hours = models.PositiveIntegerField(_("hours allowed"))

    class Meta:
        verbose_name = _("response deadline")
        verbose_name_plural = _("response deadlines")
        constraints = [
            models.UniqueConstraint(fields=["risk_level", "step"], name="deadline_step")
        ]

    def __str__(self) -> str:
        return f"{self.risk_level} {self.step} {self.hours} h"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    STAGE = "stage", _("Stage changed")
    RISK = "risk", _("Risk level changed")
    ASSIGNED = "assigned", _("Worker assigned")
    CONTACT = "contact", _("Contact recorded")
    ASSESSMENT = "assessment", _("Assessment completed")
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    REVIEW = "review", _("Review held")
    TRANSFER_PROPOSED = "transfer_proposed", _("Transfer proposed")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Transfer accepted")
    TRANSFER_DECLINED = "transfer_declined", _("Transfer declined")
    TRANSFER_WITHDRAWN = "transfer_withdrawn", _("Transfer withdrawn")
    CONSENT = "consent", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    CONFERENCE = "conference", _("Case conference")
    CLOSED = "closed", _("Case closed")
    REOPENED = "reopened", _("Case reopened")


class CaseEvent(models.Model):
    """The case's own history, shown on its page (the audit log keeps the rest).
    ``detail`` holds codes and labels only, never what was written about the child."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=30, choices=CaseEventKind.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="case_event")]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def detail_label(self) -> str:
        """The stage or risk level an event names, in the reader's language."""
        if self.kind == CaseEventKind.STAGE and self.detail in Stage.values:
            return str(Stage(self.detail).label)
        if (
            self.kind in (CaseEventKind.RISK, CaseEventKind.OPENED)
            and self.detail in RiskLevel.values
        ):
            return str(RiskLevel(self.detail).label)
        return ""
